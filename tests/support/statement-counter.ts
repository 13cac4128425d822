/**
 * Counts the SQL statements the app sends, on SQLite (tests/bench/sql-counter.ts) and on PostgreSQL
 * (the same wrapper around @prisma/adapter-pg's connections). Install it before the server opens its
 * database: every client connected afterwards in this process is counted.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { countFactoryStatements, installSqlStatementCounter, type SqlStatementCounter } from "../bench/sql-counter.ts";

let pgCounted = false;

export function installStatementCounter(): SqlStatementCounter {
  const counter = installSqlStatementCounter();
  if (!pgCounted) {
    countFactoryStatements(PrismaPg.prototype as unknown as Parameters<typeof countFactoryStatements>[0], counter);
    pgCounted = true;
  }
  return counter;
}

/** The statements (and their SQL) `action` caused. Nothing else may run meanwhile. */
export async function statementsOf(counter: SqlStatementCounter, action: () => Promise<unknown>): Promise<string[]> {
  const record: string[] = [];
  counter.record = record;
  try {
    await action();
  } finally {
    counter.record = null;
  }
  return record;
}
