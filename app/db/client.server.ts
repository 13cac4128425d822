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
  /** The SQLite file, when the database is one. */
  file?: string;
  close(): Promise<void>;
}

export async function openDatabase(database: AppEnv["database"]): Promise<Database> {
  if (database.provider === "sqlite") {
    const [{ PrismaClient }, { SerializedSqliteAdapterFactory }] = await Promise.all([
      import("~/generated/sqlite/client.ts"),
      import("./sqlite-adapter.server.ts"),
    ]);
    // Transactions on a connection of their own, writes one at a time: docs/decisions/0010.
    const adapter = new SerializedSqliteAdapterFactory({ url: database.file, timeout: SQLITE_BUSY_TIMEOUT_MS });
    const db = new PrismaClient({ adapter });
    return { db, provider: "sqlite", file: database.file, close: () => db.$disconnect() };
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
