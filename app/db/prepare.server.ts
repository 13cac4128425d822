import path from "node:path";
import type { AppEnv } from "~/env.server.ts";
import type { Logger } from "~/server/logger.server.ts";
import { openDatabase, type Database } from "./client.server.ts";
import { migratePostgres, migrateSqlite, withPostgresLock, withSqliteLock } from "./migrate.server.ts";

export interface PrepareOptions {
  rootDir: string;
  seed?: (db: Database["db"]) => Promise<boolean>;
  logger: Logger;
}

/**
 * Migrates the database and, when asked, seeds it — under one lock, so that two processes starting
 * at once neither both migrate nor both seed. Returns the opened database.
 */
export async function prepareDatabase(database: AppEnv["database"], options: PrepareOptions): Promise<Database> {
  const log = (line: string) => options.logger.info(line);
  if (database.provider === "sqlite") {
    const dir = path.join(options.rootDir, "prisma", "migrations");
    return withSqliteLock(database.file, async () => {
      migrateSqlite(database.file, dir, log);
      return openAndSeed(database, options);
    });
  }
  const dir = path.join(options.rootDir, "prisma", "postgres", "migrations");
  return withPostgresLock(database.url, async (client) => {
    await migratePostgres(client, dir, log);
    return openAndSeed(database, options);
  });
}

async function openAndSeed(database: AppEnv["database"], options: PrepareOptions): Promise<Database> {
  const opened = await openDatabase(database);
  try {
    if (options.seed && (await options.seed(opened.db))) options.logger.info("created the demo course and demo accounts");
    return opened;
  } catch (error) {
    await opened.close();
    throw error;
  }
}
