// Each test file asks for its own database through tests/support (freshDatabaseUrl); nothing is shared.
process.env.TZ ??= "UTC";
