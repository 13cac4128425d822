/**
 * Test databases: SQLite by default, a fresh file copied from one migrated and seeded template per
 * test file; PostgreSQL when TEST_POSTGRES_URL is set (npm run test:pg), a fresh schema per test file.
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { parseEnv, type AppEnv } from "~/env.server.ts";
import { prepareDatabase } from "~/db/prepare.server.ts";
import { seedDemoIfEmpty } from "~/models/demo.server.ts";
import { createLogger } from "~/server/logger.server.ts";
import { rootDir, templateDbFile, tmpDir } from "./paths.ts";

export const postgresBaseUrl = process.env.TEST_POSTGRES_URL;
export const demoCourseDir = path.join(rootDir, "prisma", "demo-course");
const quiet = createLogger("silent");

export function uniqueName(prefix: string) {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}

export function withSchema(url: string, schema: string) {
  const parsed = new URL(url);
  parsed.searchParams.set("schema", schema);
  return parsed.toString();
}

/** A brand-new database URL: migrated and holding the demo course unless `empty`. */
export async function freshDatabaseUrl(options: { empty?: boolean; schemaPrefix?: string } = {}): Promise<string> {
  if (postgresBaseUrl) {
    const url = withSchema(postgresBaseUrl, uniqueName(options.schemaPrefix ?? "t"));
    if (!options.empty) await migrateAndSeed(url);
    return url;
  }
  mkdirSync(tmpDir, { recursive: true });
  const file = path.join(tmpDir, `${uniqueName("db")}.db`);
  if (!options.empty) copyFileSync(templateDbFile, file);
  return `file:${file}`;
}

export function testEnv(databaseUrl: string, overrides: Record<string, string> = {}): AppEnv {
  return parseEnv({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    SEED_DEMO: "false",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...overrides,
  });
}

export async function migrateAndSeed(databaseUrl: string) {
  const env = testEnv(databaseUrl);
  const database = await prepareDatabase(env.database, { rootDir, logger: quiet, seed: (db) => seedDemoIfEmpty(db, demoCourseDir) });
  await database.close();
}

export async function dropSchemasWithPrefix(baseUrl: string, prefix: string) {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1",
      [`${prefix.replace(/_/g, "\\_")}\\_%`],
    );
    for (const row of rows) await client.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
  } finally {
    await client.end();
  }
}
