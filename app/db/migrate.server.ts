/**
 * Applies Prisma-format migrations (prisma/migrations/<timestamp>_<name>/migration.sql) without
 * Prisma's Rust schema engine, recording each in Prisma's own `_prisma_migrations` table so that
 * `prisma migrate deploy` on a machine with the engine sees the same history.
 * See docs/decisions/0003-migration-runner.md.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type pg from "pg";
import { SQLITE_BUSY_TIMEOUT_MS } from "./client.server.ts";
import { postgresPoolConfig } from "./url.server.ts";

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export type Log = (line: string) => void;

export class MigrationError extends Error {}

export function readMigrations(dir: string): MigrationFile[] {
  if (!existsSync(dir)) throw new MigrationError(`No migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** Decides which migrations are pending, refusing a history that does not match the folder. */
export function pendingMigrations(all: MigrationFile[], applied: AppliedRow[]): MigrationFile[] {
  const live = applied.filter((row) => row.rolled_back_at === null || row.rolled_back_at === undefined);
  const failed = live.find((row) => row.finished_at === null || row.finished_at === undefined);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} failed earlier and left the database half-migrated; repair it by hand, then mark it rolled back.`,
    );
  }
  const byName = new Map(live.map((row) => [row.migration_name, row]));
  for (const row of live) {
    const file = all.find((migration) => migration.name === row.migration_name);
    if (!file) throw new MigrationError(`The database has migration ${row.migration_name}, which is not in the migrations folder.`);
    if (file.checksum !== row.checksum) {
      throw new MigrationError(`Migration ${row.migration_name} was edited after it was applied (checksum differs).`);
    }
  }
  return all.filter((migration) => !byName.has(migration.name));
}

// ---------------------------------------------------------------- SQLite

const SQLITE_HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export function openSqlite(file: string): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  sqlite.pragma("journal_mode = WAL");
  return sqlite;
}

export function migrateSqlite(file: string, dir: string, log: Log): string[] {
  const migrations = readMigrations(dir);
  const sqlite = openSqlite(file);
  try {
    sqlite.exec(SQLITE_HISTORY_TABLE);
    const applied = sqlite
      .prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`)
      .all() as AppliedRow[];
    const pending = pendingMigrations(migrations, applied);
    for (const migration of pending) {
      const id = randomUUID();
      sqlite
        .prepare(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES (?, ?, ?, ?)`)
        .run(id, migration.checksum, migration.name, Date.now());
      try {
        // Run as-is: Prisma's SQLite scripts toggle PRAGMA foreign_keys, which a transaction would ignore.
        sqlite.exec(migration.sql);
      } catch (error) {
        sqlite.prepare(`UPDATE "_prisma_migrations" SET logs = ? WHERE id = ?`).run(String(error), id);
        throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
      sqlite
        .prepare(`UPDATE "_prisma_migrations" SET finished_at = ?, applied_steps_count = 1 WHERE id = ?`)
        .run(Date.now(), id);
      log(`applied migration ${migration.name}`);
    }
    return pending.map((migration) => migration.name);
  } finally {
    sqlite.close();
  }
}

/**
 * SQLite has no advisory locks; a lock file beside the database keeps two processes starting on the
 * same file from migrating or seeding at once. A lock older than `staleMs` is left over from a crash.
 */
export async function withSqliteLock<T>(file: string, fn: () => Promise<T>, staleMs = 120_000): Promise<T> {
  const lockFile = `${file}.lock`;
  mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + staleMs + 10_000;
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      try {
        if (Date.now() - statSync(lockFile).mtimeMs > staleMs) rmSync(lockFile, { force: true });
      } catch {
        // The other process removed it between our checks: try again.
      }
      if (Date.now() > deadline) throw new MigrationError(`Timed out waiting for ${lockFile}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

// ---------------------------------------------------------------- PostgreSQL

const POSTGRES_HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Any constant shared by every Marginalia process: the key of the migration advisory lock. */
const MIGRATION_LOCK_KEY = 7_246_103_301;

/**
 * Holds a session-level advisory lock while `fn` runs: a second process waits, then finds nothing to
 * do. The schema named in the URL is created under the lock too (two concurrent
 * `CREATE SCHEMA IF NOT EXISTS` can collide).
 */
export async function withPostgresLock<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const { schema, ...config } = postgresPoolConfig(url);
  // Loaded only for PostgreSQL: the embedded default never needs the driver.
  const { default: postgres } = await import("pg");
  const client = new postgres.Client(config);
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      return await fn(client);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

export async function migratePostgres(client: pg.Client, dir: string, log: Log): Promise<string[]> {
  const migrations = readMigrations(dir);
  await client.query(POSTGRES_HISTORY_TABLE);
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
  );
  const pending = pendingMigrations(migrations, rows);
  for (const migration of pending) {
    // One transaction per migration: a failure leaves no trace and nothing recorded.
    await client.query("BEGIN");
    try {
      await client.query(migration.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
    }
    log(`applied migration ${migration.name}`);
  }
  return pending.map((migration) => migration.name);
}
