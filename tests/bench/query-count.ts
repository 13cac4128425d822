/**
 * Queries per discussion page, counted in this process on the benchmark's database in two ways:
 *
 * - operations (`db.comment.findMany`, `db.$queryRaw`, …), through a Prisma client
 *   extension around the app's own client: what "queries per page" means in app/models;
 * - SQL statements sent to SQLite (tests/bench/sql-counter.ts). One model operation with an
 *   `include` can take more than one statement; a statement count that grows with the number of
 *   threads shows an N+1 or an IN list split into chunks.
 */
import type { Db } from "~/db/client.server.ts";
import { loadLessonGroup, loadLessonPage } from "~/models/lesson-page.server.ts";
import { openBenchDatabase, type BenchGroup, type BenchSeed } from "./content.ts";
import { installSqlStatementCounter } from "./sql-counter.ts";

export interface PageQueries {
  comments: number;
  threads: number;
  /** Model operations of loadLessonGroup + loadLessonPage (what the group's day page loads; most of it is raw SQL, one operation each). */
  operations: number;
  /** The SQL statements those operations took. */
  statements: number;
  /** Their SQL, IN lists shortened to `IN (…×n)`. */
  sql: string[];
}

export interface DiscussionQueries {
  small: PageQueries;
  large: PageQueries;
}

function shortSql(sql: string): string {
  return sql.replace(/`main`\./g, "").replace(/IN \(((?:\?,)*\?)\)/g, (_, list: string) => `IN (…×${list.split(",").length})`);
}

/** The most values in one `IN (…)` list of the page's statements. */
export function largestInList(page: PageQueries): number {
  return Math.max(0, ...page.sql.flatMap((sql) => [...sql.matchAll(/IN \(…×(\d+)\)/g)].map((match) => Number(match[1]))));
}

/** The statements of `large` that `small` does not have (by their SQL with IN lists shortened). */
export function extraStatements(small: PageQueries, large: PageQueries): string[] {
  const shape = (sql: string) => sql.replace(/IN \(…×\d+\)/g, "IN (…)");
  const remaining = new Map<string, number>();
  for (const sql of small.sql) remaining.set(shape(sql), (remaining.get(shape(sql)) ?? 0) + 1);
  const extra: string[] = [];
  for (const sql of large.sql) {
    const left = remaining.get(shape(sql)) ?? 0;
    if (left > 0) remaining.set(shape(sql), left - 1);
    else extra.push(sql);
  }
  return extra;
}

/**
 * Loads each group's day page data the way the route does (loadLessonGroup, then loadLessonPage opened at the last thread), on
 * its own client over the benchmark's database, counting queries. Each page is loaded twice and the
 * second load counted, so one-off work (the first connection, PRAGMAs) stays out.
 */
export async function countDiscussionQueries(databaseUrl: string, seed: BenchSeed): Promise<DiscussionQueries> {
  const statements = installSqlStatementCounter();
  const database = await openBenchDatabase(databaseUrl);
  let operations = 0;
  const counted = database.db.$extends({
    query: {
      // Model operations and raw queries alike.
      $allOperations({ args, query }) {
        operations += 1;
        return query(args);
      },
    },
  }) as unknown as Db;
  const measure = async (group: BenchGroup): Promise<PageQueries> => {
    let result: PageQueries | undefined;
    for (let pass = 0; pass < 2; pass += 1) {
      const operationsBefore = operations;
      const statementsBefore = statements.count;
      statements.record = [];
      const member = await loadLessonGroup(counted, group.groupId, seed.viewerId);
      if (!member) throw new Error(`the benchmark viewer is not a member of group ${group.groupId}`);
      const comment = new URL(group.threadPath, "http://bench").searchParams.get("comment");
      const page = await loadLessonPage(counted, "sqlite", { group: member.group, role: member.role, userId: seed.viewerId, day: 1, filter: "all", openParam: null, commentParam: comment });
      // Every thread is counted in the margin; the open one is sent whole.
      const threads = Object.values(page.counts).reduce((sum, entry) => sum + entry.threads + entry.concealedAnswers, 0) + page.orphans.length;
      if (threads !== group.threads) throw new Error(`group ${group.groupId}: the page counts ${threads} threads, ${group.threads} were seeded`);
      if (!page.open || !(page.threads[page.open] ?? []).some((thread) => thread.id === comment)) throw new Error(`group ${group.groupId}: the page did not open thread ${comment}`);
      result = {
        comments: group.comments,
        threads,
        operations: operations - operationsBefore,
        statements: statements.count - statementsBefore,
        sql: statements.record.map(shortSql),
      };
      statements.record = null;
    }
    return result!;
  };
  try {
    return { small: await measure(seed.small), large: await measure(seed.large) };
  } finally {
    statements.record = null;
    await database.close();
  }
}

/**
 * The CPU the page's data path takes in this process (loadLessonGroup + loadLessonPage of the large
 * group opened at its last thread, SQLite's own work included: better-sqlite3 runs on this thread),
 * per page: `rounds` loads after 10 unmeasured ones.
 */
export async function dataPathCpuMs(databaseUrl: string, seed: BenchSeed, rounds = 50): Promise<number> {
  const database = await openBenchDatabase(databaseUrl);
  const comment = new URL(seed.large.threadPath, "http://bench").searchParams.get("comment");
  const load = async () => {
    const member = await loadLessonGroup(database.db, seed.large.groupId, seed.viewerId);
    if (!member) throw new Error(`the benchmark viewer is not a member of group ${seed.large.groupId}`);
    return loadLessonPage(database.db, "sqlite", { group: member.group, role: member.role, userId: seed.viewerId, day: 1, filter: "all", openParam: null, commentParam: comment });
  };
  try {
    for (let index = 0; index < 10; index += 1) await load();
    const before = process.cpuUsage();
    for (let index = 0; index < rounds; index += 1) await load();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / rounds;
  } finally {
    await database.close();
  }
}
