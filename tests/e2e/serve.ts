/**
 * The Playwright web server: the production build on a fresh, migrated and seeded SQLite file.
 * Run by playwright.config.ts (`npx tsx tests/e2e/serve.ts`); stops gracefully on SIGTERM/SIGINT.
 * E2E_PORT and E2E_DATABASE (a file, migrated and seeded only when new) choose where; a browser test
 * that restarts a server of its own starts it again on the same port and file (restartable-server.ts).
 *
 * Not a test file and not imported by tests: it runs in its own process.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { createAppServer } from "../../server.ts";
import { ensureProductionBuild } from "../support/build.ts";
import { migrateAndSeed, testEnv } from "../support/database.ts";
import { tmpDir } from "../support/paths.ts";
import { LIFTED_RATE_LIMITS } from "../support/rate-limits.ts";

/** A database file touched this recently may belong to another engineer's run on another E2E_PORT. */
const IN_USE_MS = 15 * 60 * 1000;

function removeOldDatabases() {
  const now = Date.now();
  for (const name of readdirSync(tmpDir)) {
    if (!/^e2e-.*\.db/.test(name)) continue;
    const file = path.join(tmpDir, name);
    try {
      if (now - statSync(file).mtimeMs < IN_USE_MS) continue;
      rmSync(file, { force: true });
    } catch {
      // Removed by someone else in the meantime.
    }
  }
}

async function main() {
  ensureProductionBuild();
  mkdirSync(tmpDir, { recursive: true });
  removeOldDatabases();
  // E2E_DATABASE: a given file, kept between starts (a test restarting its own server uses it).
  const file = process.env.E2E_DATABASE ? path.resolve(process.env.E2E_DATABASE) : path.join(tmpDir, `e2e-${Date.now()}.db`);
  const databaseUrl = `file:${file}`;
  await migrateAndSeed(databaseUrl);

  const server = await createAppServer({
    rateLimits: LIFTED_RATE_LIMITS,
    env: testEnv(databaseUrl, { PORT: process.env.E2E_PORT ?? "4317", LOG_LEVEL: "warn" }),
    mode: "production",
  });
  console.log(`Marginalia (e2e) is ready at ${server.url} — database ${path.relative(process.cwd(), file)}`);

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error("e2e server: shutdown failed", error);
          process.exit(1);
        }
      );
    });
  }
}

main().catch((error: unknown) => {
  console.error(`e2e server failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
