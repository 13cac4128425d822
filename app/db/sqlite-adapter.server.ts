/**
 * The SQLite driver adapter the app runs on: Prisma's better-sqlite3 adapter, with transactions
 * that cannot reach into other requests' statements (ADR 0010).
 *
 * Prisma's adapter runs every statement on one connection and only transactions take its lock, so a
 * statement sent by another request while a transaction is open runs *inside* that transaction: it
 * reads the transaction's uncommitted changes, and a rollback takes its write — already answered
 * "saved" — with it. And when COMMIT itself fails (a deferred constraint, SQLITE_BUSY) Prisma only
 * releases the lock, leaving the connection inside the transaction, where every later write is held
 * and never committed.
 *
 * Here a transaction gets a connection of its own and the one write lock of the process:
 * - reads outside a transaction run at once on the main connection; in WAL mode they see the last
 *   committed state, never a transaction's uncommitted changes;
 * - writes outside a transaction wait for the open one to end (and transactions for each other),
 *   because SQLite allows one writer at a time and better-sqlite3 waits for a lock synchronously —
 *   waiting for it inside SQLite would stop the event loop that the transaction needs to finish;
 * - a transaction begins IMMEDIATE (it holds SQLite's write lock from its first statement, so another
 *   process cannot make it fail half-way), and however it ends — COMMIT, ROLLBACK, a failed COMMIT,
 *   a timeout — its connection is out of the transaction before the lock is handed on.
 */
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from "@prisma/driver-adapter-utils";

/** A first-in, first-out lock; `acquire` resolves with the function that releases it. */
export class Mutex {
  #locked = false;
  #waiting: Array<() => void> = [];

  get locked() {
    return this.#locked;
  }

  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.#locked = true;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          const next = this.#waiting.shift();
          if (next) next();
          else this.#locked = false;
        });
      };
      if (this.#locked) this.#waiting.push(grant);
      else grant();
    });
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/** A statement that only reads: one SELECT. Anything else (INSERT … RETURNING, PRAGMA, WITH …) counts as a write. */
export function isReadOnlyStatement(sql: string): boolean {
  return /^\s*SELECT\b/i.test(sql) && !/;\s*\S/.test(sql);
}

const statement = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

/** How many prepared statements each connection keeps (Prisma's statements repeat: one per query shape). */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * Prisma's adapter prepares every statement anew (`prepare(sql).bind(args)`), and preparing costs
 * SQLite more than running a small query. This keeps each connection's prepared statements by their
 * SQL (least recently used first out) and hands the adapter a statement that binds its arguments
 * per call, not for good: better-sqlite3 allows `bind` once per statement, so the real one is never bound.
 */
export function cachePreparedStatements(connection: Database.Database, size = STATEMENT_CACHE_SIZE) {
  const prepare = connection.prepare.bind(connection) as (sql: string) => Database.Statement;
  const cache = new Map<string, Database.Statement>();
  const cached = (sql: string) => {
    let prepared = cache.get(sql);
    if (prepared) {
      cache.delete(sql);
    } else {
      prepared = prepare(sql);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, prepared);
    return prepared;
  };
  const facade = (sql: string) => {
    const prepared = cached(sql);
    return {
      reader: prepared.reader,
      bind: (args: unknown[]) => ({
        reader: prepared.reader,
        run: () => prepared.run(args),
        columns: () => prepared.columns(),
        raw: () => ({ all: () => prepared.raw(true).all(args) }),
      }),
    };
  };
  (connection as unknown as { prepare: typeof facade }).prepare = facade;
  return { size: () => cache.size };
}

/** The better-sqlite3 connection inside one of Prisma's adapters (to ask whether it is in a transaction). */
function connectionOf(adapter: SqlDriverAdapter): Database.Database {
  const client = (adapter as unknown as { client?: unknown }).client;
  if (!(client instanceof Database)) {
    throw new Error("@prisma/adapter-better-sqlite3 no longer exposes its connection: check app/db/sqlite-adapter.server.ts after an upgrade");
  }
  return client;
}

class SqliteTransaction implements Transaction {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  // Prisma sends COMMIT and ROLLBACK through executeRaw, then calls commit() or rollback().
  readonly options = { usePhantomQuery: false };
  #ended = false;

  constructor(
    private readonly adapter: SqlDriverAdapter,
    private readonly connection: Database.Database,
    private readonly release: () => void,
  ) {
    this.adapterName = adapter.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    this.#assertOpen();
    return this.adapter.queryRaw(query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    this.#assertOpen();
    return this.adapter.executeRaw(query);
  }

  async commit(): Promise<void> {
    // COMMIT has run; a connection still inside the transaction means it did not take.
    const committed = !this.connection.inTransaction;
    this.#end();
    if (!committed) throw new Error("The transaction could not be committed and was rolled back.");
  }

  async rollback(): Promise<void> {
    this.#end();
  }

  async createSavepoint(name: string): Promise<void> {
    await this.executeRaw(statement(`SAVEPOINT ${name}`));
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.executeRaw(statement(`ROLLBACK TO ${name}`));
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.executeRaw(statement(`RELEASE SAVEPOINT ${name}`));
  }

  /** Leaves the transaction for good — rolling back whatever is still open — and hands the lock on. */
  #end() {
    if (this.#ended) return;
    this.#ended = true;
    try {
      if (this.connection.inTransaction) this.connection.exec("ROLLBACK");
    } finally {
      this.release();
    }
  }

  #assertOpen() {
    if (this.#ended) throw new Error("This transaction has already ended.");
  }
}

class SerializedSqliteAdapter implements SqlDriverAdapter {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  readonly #writer = new Mutex();
  readonly #transactionConnection: Database.Database;
  readonly getConnectionInfo?: SqlDriverAdapter["getConnectionInfo"];

  constructor(
    private readonly main: SqlDriverAdapter,
    private readonly transactions: SqlDriverAdapter,
  ) {
    this.adapterName = main.adapterName;
    this.#transactionConnection = connectionOf(transactions);
    cachePreparedStatements(this.#transactionConnection);
    cachePreparedStatements(connectionOf(main));
    if (main.getConnectionInfo) this.getConnectionInfo = () => main.getConnectionInfo!();
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    if (isReadOnlyStatement(query.sql)) return this.main.queryRaw(query);
    return this.#writer.run(() => this.main.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.#writer.run(() => this.main.executeRaw(query));
  }

  executeScript(script: string): Promise<void> {
    return this.#writer.run(() => this.main.executeScript(script));
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
      throw new Error(`SQLite transactions are always SERIALIZABLE; ${isolationLevel} was asked for.`);
    }
    const release = await this.#writer.acquire();
    try {
      if (this.#transactionConnection.inTransaction) this.#transactionConnection.exec("ROLLBACK");
      await this.transactions.executeRaw(statement("BEGIN IMMEDIATE"));
      return new SqliteTransaction(this.transactions, this.#transactionConnection, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  async dispose(): Promise<void> {
    // Wait for a transaction in progress, then close both connections.
    await this.#writer.run(async () => {
      await Promise.all([this.main.dispose(), this.transactions.dispose()]);
    });
  }
}

/** The adapter factory to give PrismaClient for a SQLite file. */
export class SerializedSqliteAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  readonly #inner: PrismaBetterSqlite3;

  constructor(config: ConstructorParameters<typeof PrismaBetterSqlite3>[0]) {
    this.#inner = new PrismaBetterSqlite3(config);
    this.adapterName = this.#inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const [main, transactions] = await Promise.all([this.#inner.connect(), this.#inner.connect()]);
    return new SerializedSqliteAdapter(main, transactions);
  }
}
