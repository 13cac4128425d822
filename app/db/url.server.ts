/**
 * PostgreSQL URLs may carry Prisma's `?schema=name` parameter. node-postgres does not know it, so it is
 * taken out of the URL and applied as the connection's search_path instead.
 */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`DATABASE_URL: schema "${schema}" must be a plain identifier`);
  }
  return { connectionString: parsed.toString(), schema };
}

export function postgresPoolConfig(url: string) {
  const { connectionString, schema } = parsePostgresUrl(url);
  return {
    connectionString,
    schema,
    options: schema ? `-c search_path=${schema}` : undefined,
  };
}
