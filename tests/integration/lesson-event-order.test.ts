/**
 * The change log's ids are committed in order (issue 11): a page's catch-up cursor is the latest id
 * its loader saw, so no id below it may still be uncommitted then — or the page would pass over that
 * change for good. On PostgreSQL, where ids come from a sequence before commit, inserts are put in
 * commit order by an advisory lock; SQLite's single writer gives the same.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/db/client.server.ts";
import { latestLessonEvent, LESSON_EVENT_LOCK, recordLessonEvent } from "~/models/lesson-events.server.ts";
import { postgresPoolConfig } from "~/db/url.server.ts";
import { freshDatabaseUrl, testEnv } from "../support/database.ts";

let database: Database;
let url: string;
const provider = () => database.provider;

beforeAll(async () => {
  url = await freshDatabaseUrl();
  database = await openDatabase(testEnv(url).database);
});
afterAll(async () => {
  await database?.close();
});

const event = (commentId: string) => ({ groupId: "g-order", day: 1, intent: "post", commentId, passageKey: null, actorId: "u-order" });

/** Every id up to `cursor` that exists now (committed), as a page reloading with that cursor would find. */
async function gapsBelow(cursor: number, since: number) {
  const ids = (await database.db.lessonEvent.findMany({ where: { id: { gt: since, lte: cursor } }, select: { id: true }, orderBy: { id: "asc" } })).map((row) => row.id);
  const expected = Array.from({ length: cursor - since }, (_, i) => since + i + 1);
  return expected.filter((id) => !ids.includes(id));
}

describe("the change log's order", () => {
  it("40 changes logged at once, with cursors read between them: no cursor ever has an uncommitted id below it", async () => {
    const since = await latestLessonEvent(database.db);
    const cursors: number[] = [];
    const checks: Promise<number[]>[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await recordLessonEvent(database.db, provider(), event(`c-${i}`));
        const cursor = await latestLessonEvent(database.db);
        cursors.push(cursor);
        checks.push(gapsBelow(cursor, since));
      }),
    );
    expect((await Promise.all(checks)).flat()).toEqual([]);
    expect(Math.max(...cursors)).toBe(since + 40);
  });

  // On SQLite a second insert cannot even start while the first is open (one writer at a time).
  if (process.env.TEST_POSTGRES_URL) it("a change logged while another process's log insert is still open waits for it, so the cursor never passes it", async () => {
    const config = postgresPoolConfig(url);
    const other = new pg.Client({ connectionString: config.connectionString, options: config.options });
    await other.connect();
    try {
      const since = await latestLessonEvent(database.db);
      // Another process has taken its id but not committed yet.
      await other.query("BEGIN");
      await other.query(`SELECT pg_advisory_xact_lock(${LESSON_EVENT_LOCK})`);
      const { rows } = await other.query<{ id: number }>(
        `INSERT INTO "LessonEvent" ("groupId", "day", "intent", "commentId", "passageKey", "actorId") VALUES ('g-order', 1, 'post', 'slow', NULL, 'u-order') RETURNING id`,
      );
      expect(rows[0]!.id).toBe(since + 1);
      let logged = false;
      const ours = recordLessonEvent(database.db, "postgresql", event("fast")).then((change) => ((logged = true), change));
      // Wait until ours is queued behind the open insert (it must not have got through).
      await expect
        .poll(async () => {
          const waiting = await other.query<{ n: string }>(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
          return Number(waiting.rows[0]!.n) > 0 || logged;
        })
        .toBe(true);
      expect(logged).toBe(false);
      const cursor = await latestLessonEvent(database.db);
      expect(await gapsBelow(cursor, since)).toEqual([]);
      await other.query("COMMIT");
      const change = await ours;
      expect(change.seq).toBe(since + 2);
      expect(await gapsBelow(await latestLessonEvent(database.db), since)).toEqual([]);
    } finally {
      await other.end();
    }
  });
});
