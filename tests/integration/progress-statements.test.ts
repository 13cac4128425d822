/**
 * What one batch of the read tracker costs the database (POST /api/progress), counted in this process
 * by wrapping the SQLite or PostgreSQL driver adapter (tests/support/statement-counter.ts): after the session check, one
 * read of the lesson and the member's context, one upsert of every read, the reading day and the
 * lesson's progress, the passages coming from the process's cache (app/models/passage-cache.server.ts),
 * which a new revision of the reading never leaves stale.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passageCacheStats } from "~/models/passage-cache.server.ts";
import { installStatementCounter } from "../support/statement-counter.ts";
import { DEMO_COURSE_SLUG, signUp, uniqueLabel, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const statements = installStatementCounter();
let server: TestServer;
const db = () => server.database.db;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const longEnough = 25_000;

async function passagesOf(slug: string, day: number) {
  const lesson = await db().lesson.findFirstOrThrow({
    where: { day, course: { slug } },
    select: { readings: { orderBy: { position: "asc" }, select: { id: true, currentRevision: { select: { passages: { orderBy: { position: "asc" }, select: { key: true } } } } } } },
  });
  return lesson.readings.flatMap((reading) => (reading.currentRevision?.passages ?? []).map((passage) => ({ readingId: reading.id, key: passage.key })));
}

function batch(slug: string, day: number, reads: { readingId: string; key: string }[]) {
  const at = Date.now() - 5_000;
  return { courseSlug: slug, day, timeZone: "Europe/Berlin", reads: reads.map((read, index) => ({ passageKey: read.key, readingId: read.readingId, dwellMs: longEnough, at: at + index })) };
}

/** Sends one batch and returns its answer with the statements it took, the session check set apart. */
async function counted(person: Person, body: unknown) {
  const before = statements.count;
  statements.record = [];
  const response = await person.client.request("/api/progress", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await response.json()) as Record<string, unknown>;
  const sql = statements.record;
  statements.record = null;
  // The session check: the session and its user, one joined statement (session.server.ts).
  const session = sql.filter((text) => /FROM `main`\.`(Session|User)`|FROM "Session" s JOIN "User"/.test(text));
  return { status: response.status, json, total: statements.count - before, session: session.length, batch: sql.filter((text) => !session.includes(text)) };
}

describe("SQL statements per progress batch", () => {
  let reader: Person;
  beforeAll(async () => {
    reader = await signUp(server, { displayName: uniqueLabel("Stella Statements") });
  });

  it("takes four statements after the session check once the lesson's passages are cached", async () => {
    const passages = await passagesOf(DEMO_COURSE_SLUG, 1);
    expect(passages.length).toBeGreaterThanOrEqual(6);
    // The first batch of a member: the passages may be loaded, the browser's time zone is saved.
    const first = await counted(reader, batch(DEMO_COURSE_SLUG, 1, passages.slice(0, 2)));
    expect(first.status).toBe(200);
    // At most two more than later batches: the passages of a revision not cached yet, and the browser's time zone saved.
    expect(first.batch.length).toBeLessThanOrEqual(6);
    expect(first.batch.join("\n")).not.toMatch(/BEGIN/);
    expect((await db().progressPreference.findUniqueOrThrow({ where: { userId: reader.id } })).timeZone).toBe("Europe/Berlin");
    const loads = passageCacheStats.loads;
    for (const slice of [passages.slice(2, 4), passages.slice(4, 6)]) {
      const next = await counted(reader, batch(DEMO_COURSE_SLUG, 1, slice));
      expect(next.status).toBe(200);
      expect(next.json).toMatchObject({ ok: true, recorded: 2 });
      // The session check (the session and its user in one statement), then the batch's own four:
      expect(next.session).toBe(1);
      expect(next.batch).toHaveLength(4);
      expect(next.batch[0]).toMatch(/^\s*SELECT 'course'/); // course, lesson, current revisions, groups, time zone
      expect(next.batch[1]).toMatch(/INSERT INTO "PassageRead"[\s\S]*ON CONFLICT DO NOTHING/); // every read, one statement
      expect(next.batch[2]).toMatch(/INSERT INTO "ReadingDay"/); // the reading day, recounted
      expect(next.batch[3]).toMatch(/INSERT INTO "LessonProgress"[\s\S]*RETURNING/); // the lesson's progress, recounted
      // No passages loaded (Prisma's model reads name their schema: `main`.`Passage`, "<schema>"."Passage").
      expect(next.batch.join("\n")).not.toMatch(/[`"]\.[`"]Passage[`"]|BEGIN/);
    }
    expect(passageCacheStats.loads).toBe(loads);
    // A replay: nothing new, no reading day written; the answer still says where the lesson stands.
    const replay = await counted(reader, batch(DEMO_COURSE_SLUG, 1, passages.slice(4, 6)));
    expect(replay.json).toMatchObject({ ok: true, recorded: 0, readCount: 6 });
    expect(replay.batch).toHaveLength(3);
  });
});

describe("the passages of a new revision are never stale", () => {
  it("checks a batch against the reading's current revision, cached or not", async () => {
    const reader = await signUp(server, { displayName: uniqueLabel("Rhea Revised") });
    const slug = `revised-${Date.now().toString(36)}`;
    const course = await db().course.create({ data: { slug, title: "A revised course", dayCount: 1 } });
    const lesson = await db().lesson.create({ data: { courseId: course.id, day: 1, title: "Revised" } });
    const reading = await db().reading.create({ data: { lessonId: lesson.id, slug: "lesson", kind: "lesson", title: "Revised", position: 0 } });
    const revision = (number: number, keys: string[]) =>
      db().readingRevision.create({
        data: { readingId: reading.id, number, checksum: `r${number}`, sourceName: "r.md", format: "markdown", passages: { create: keys.map((key, position) => ({ key, position, kind: "paragraph", text: `Passage ${key} of revision ${number}.` })) } },
      });
    const first = await revision(1, ["kept", "dropped"]);
    await db().reading.update({ where: { id: reading.id }, data: { currentRevisionId: first.id } });
    const send = (keys: string[]) => reader.client.request("/api/progress", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch(slug, 1, keys.map((key) => ({ readingId: reading.id, key })))) });

    const before = await send(["kept"]);
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({ recorded: 1, readCount: 1, passageCount: 2 });

    // A new revision: "dropped" is gone, "added" is new; the cache of revision 1 must not answer.
    const second = await revision(2, ["kept", "added"]);
    await db().reading.update({ where: { id: reading.id }, data: { currentRevisionId: second.id } });
    const stale = await send(["dropped"]);
    expect(stale.status).toBe(400);
    expect((await stale.json()).error).toContain("not part of this lesson");
    const fresh = await send(["added"]);
    expect(fresh.status).toBe(200);
    // Both passages of the current text read: the lesson is done.
    expect(await fresh.json()).toMatchObject({ recorded: 1, readCount: 2, passageCount: 2, status: "done" });
    expect((await db().lessonProgress.findUniqueOrThrow({ where: { userId_lessonId: { userId: reader.id, lessonId: lesson.id } } })).doneAt).toBeInstanceOf(Date);
    const days = await db().readingDay.findMany({ where: { userId: reader.id } });
    expect(days.map((day) => day.count)).toEqual([2]);
  });
});
