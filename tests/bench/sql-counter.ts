/**
 * Counts the SQL statements every SQLite client of this process sends, by wrapping the driver
 * adapter's `queryRaw` / `executeRaw` (and the BEGIN of `startTransaction`, which the adapter runs
 * itself). The app builds its client in app/db/client.server.ts with no logging hook, so this patches
 * `PrismaBetterSqlite3.prototype.connect`: every client that connects after the call is counted.
 * Benchmark-only: nothing in the app changes. Imports nothing of the app, so the server process
 * (tests/bench/server-process.ts) can install it without loading more modules than the server does.
 */
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";

export interface SqlStatementCounter {
  /** SQL statements (queryRaw + executeRaw) sent since the counter was installed. */
  count: number;
  /** When an array, each statement's SQL is pushed to it too (for finding which ones repeat). */
  record: string[] | null;
}

let installed: SqlStatementCounter | undefined;

type Queryable = { queryRaw(query: unknown): Promise<unknown>; executeRaw(query: unknown): Promise<unknown> };

function countCalls<T extends Queryable>(target: T, counter: SqlStatementCounter): T {
  const queryRaw = target.queryRaw.bind(target);
  const executeRaw = target.executeRaw.bind(target);
  const count = (query: unknown) => {
    counter.count += 1;
    counter.record?.push(String((query as { sql?: unknown }).sql));
  };
  target.queryRaw = (query) => {
    count(query);
    return queryRaw(query);
  };
  target.executeRaw = (query) => {
    count(query);
    return executeRaw(query);
  };
  return target;
}

type AdapterFactory = { connect(): Promise<Queryable & { startTransaction(isolationLevel?: never): Promise<unknown> }> };

/**
 * Makes every adapter this factory class connects from now on count its statements into `counter`
 * (also used by tests/support/statement-counter.ts for the PostgreSQL adapter).
 */
export function countFactoryStatements(prototype: AdapterFactory, counter: SqlStatementCounter) {
  const connect = prototype.connect;
  prototype.connect = async function (this: AdapterFactory) {
    const adapter = countCalls(await connect.call(this), counter);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      // The adapter sends BEGIN itself, outside queryRaw / executeRaw; COMMIT goes through executeRaw.
      counter.count += 1;
      counter.record?.push("BEGIN");
      return countCalls((await startTransaction(isolationLevel)) as Queryable, counter);
    };
    return adapter;
  };
}

/** Counts every SQL statement of every SQLite client this process connects from now on. */
export function installSqlStatementCounter(): SqlStatementCounter {
  if (installed) return installed;
  const counter: SqlStatementCounter = { count: 0, record: null };
  countFactoryStatements(PrismaBetterSqlite3.prototype as unknown as AdapterFactory, counter);
  installed = counter;
  return counter;
}
