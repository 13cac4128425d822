import type { PrismaClient } from "~/generated/sqlite/client.ts";
import type { AppEnv } from "~/env.server.ts";
import { postgresPoolConfig } from "./url.server.ts";

/**
 * The application's database client. Both generated clients expose the same models; the SQLite
 * client's type is the one the code is written against (see docs/decisions/0002).
 */
export type Db = PrismaClient;

export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

export interface Database {
  db: Db;
  provider: AppEnv["database"]["provider"];
  close(): Promise<void>;
}

export async function openDatabase(database: AppEnv["database"]): Promise<Database> {
  if (database.provider === "sqlite") {
    const [{ PrismaClient }, { PrismaBetterSqlite3 }] = await Promise.all([
      import("~/generated/sqlite/client.ts"),
      import("@prisma/adapter-better-sqlite3"),
    ]);
    const adapter = new PrismaBetterSqlite3({ url: database.file, timeout: SQLITE_BUSY_TIMEOUT_MS });
    const db = new PrismaClient({ adapter });
    return { db, provider: "sqlite", close: () => db.$disconnect() };
  }
  const [{ PrismaClient }, { PrismaPg }] = await Promise.all([
    import("~/generated/postgres/client.ts"),
    import("@prisma/adapter-pg"),
  ]);
  const { schema, ...poolConfig } = postgresPoolConfig(database.url);
  const adapter = new PrismaPg({ ...poolConfig, max: 10 }, { schema });
  const db = new PrismaClient({ adapter }) as unknown as Db;
  return { db, provider: "postgresql", close: () => db.$disconnect() };
}
