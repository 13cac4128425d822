/**
 * "Lock days ahead" on every route: a day after the group's current day is closed to its members —
 * the group's lesson page and its `.data`, its discussion (posts, open questions, export, live), the
 * course reader, the course page, search, and progress — while moderators open it, and people who
 * reach the course otherwise (in no group of it, or in a group where the day is open) read it in full.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postComment } from "~/models/discussion.server.ts";
import { localDate } from "~/models/pace.ts";
import type { TestClient } from "../support/client.ts";
import { DEMO_COURSE_SLUG, demoCourseId, readPage, signUp, visitor, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { openSocket } from "../support/socket.ts";

let server: TestServer;
const db = () => server.database.db;

let member: Person, moderator: Person, outsider: Person, dual: Person, stranger: Person;
let groupId: string;
/** A passage of Day 2 (locked) and one of Day 1 (open). */
let day2: { lessonId: string; readingId: string; key: string; text: string };
let day1: { readingId: string; key: string };
const QUESTION = `LOCKED-DAY-QUESTION-${randomBytes(3).toString("hex")}`;

async function passageOf(day: number) {
  const lesson = await db().lesson.findFirstOrThrow({
    where: { day, course: { slug: DEMO_COURSE_SLUG } },
    select: { id: true, readings: { orderBy: { position: "asc" }, select: { id: true, currentRevision: { select: { passages: { where: { kind: "paragraph" }, orderBy: { position: "asc" } } } } } } },
  });
  const reading = lesson.readings[0]!;
  const passage = reading.currentRevision!.passages.find((candidate) => candidate.text.split(/\s+/).length > 12)!;
  return { lessonId: lesson.id, readingId: reading.id, key: passage.key, text: passage.text };
}

/** Words of the Day 2 passage that no other day has: its search finds Day 2 only. */
let day2Query: string;

const sendReads = (client: TestClient, day: number, passage: { readingId: string; key: string }) =>
  client.request("/api/progress", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ courseSlug: DEMO_COURSE_SLUG, day, reads: [{ passageKey: passage.key, readingId: passage.readingId, dwellMs: 25_000, at: Date.now() }] }),
  });

beforeAll(async () => {
  server = await startTestServer();
  [member, moderator, outsider, dual, stranger] = (await Promise.all([0, 1, 2, 3, 4].map(() => signUp(server)))) as unknown as [Person, Person, Person, Person, Person];
  const courseId = await demoCourseId(server);
  // Scheduled from today, five days a week, locking ahead: the group is on Day 1; Days 2–6 are locked.
  const group = await db().group.create({
    data: { courseId, name: "Locked readers", paceMode: "scheduled", startDate: localDate(new Date(), "UTC"), daysPerWeek: 5, timeZone: "UTC", lockAhead: true },
  });
  const open = await db().group.create({ data: { courseId, name: "Open readers", paceMode: "self" } });
  groupId = group.id;
  await db().membership.createMany({
    data: [
      { groupId, userId: member.id, role: "member" },
      { groupId, userId: moderator.id, role: "moderator" },
      { groupId, userId: dual.id, role: "member" },
      { groupId: open.id, userId: dual.id, role: "member" },
      { groupId: open.id, userId: stranger.id, role: "owner" },
    ],
  });
  day2 = await passageOf(2);
  const one = await passageOf(1);
  day1 = { readingId: one.readingId, key: one.key };
  day2Query = day2.text.split(/\s+/).slice(0, 6).join(" ");
  // A moderator prepares Day 2: a question there.
  const asked = await postComment(db(), { groupId, lessonId: day2.lessonId }, { userId: moderator.id, role: "moderator" }, {
    id: randomBytes(12).toString("base64url"), body: QUESTION, kind: "question", readingId: day2.readingId, passageKey: day2.key, quoteStart: null, quoteEnd: null,
  });
  expect(asked.ok).toBe(true);
});
afterAll(async () => {
  await server?.close();
});

const hitsDay2 = async (client: TestClient) => {
  const page = await readPage(await client.get(`/courses/${DEMO_COURSE_SLUG}/search?q=${encodeURIComponent(day2Query)}`));
  // A hit opens the reader, or for a member of a group on the course that group's lesson (discussion-links.ts).
  return page.raw.includes(`/courses/${DEMO_COURSE_SLUG}/day/2#`) || /href="\/groups\/[^/"]+\/day\/2#p-/.test(page.raw);
};

describe("a locked day, for a member whose only group locks it", () => {
  it("is refused on the group's lesson page and its .data, without its text", async () => {
    for (const path of [`/groups/${groupId}/day/2`, `/groups/${groupId}/day/2.data`]) {
      const response = await member.client.get(path);
      expect(response.status, path).toBe(403);
      expect(await response.text()).not.toContain(day2.text.slice(0, 60));
    }
    expect((await member.client.get(`/groups/${groupId}/day/1`)).status).toBe(200);
  });

  it("is refused in the course reader too, and Day 1 no longer links to it", async () => {
    const response = await member.client.get(`/courses/${DEMO_COURSE_SLUG}/day/2`);
    expect(response.status).toBe(403);
    const page = await readPage(response);
    expect(page.text).toContain("Day 2 is not open yet");
    expect(page.text).not.toContain(day2.text.slice(0, 60));
    const day1Page = await readPage(await member.client.get(`/courses/${DEMO_COURSE_SLUG}/day/1`));
    expect(day1Page.raw).not.toContain('rel="next"');
    expect((await readPage(await outsider.client.get(`/courses/${DEMO_COURSE_SLUG}/day/1`))).raw).toContain('rel="next"');
    // The course page shows it locked, without a link.
    const course = await readPage(await member.client.get(`/courses/${DEMO_COURSE_SLUG}`));
    expect(course.raw).not.toContain(`href="/courses/${DEMO_COURSE_SLUG}/day/2"`);
  });

  it("gives no search hits", async () => {
    expect(await hitsDay2(member.client)).toBe(false);
  });

  it("takes no progress: reads and 'done' are refused (signed out too) and nothing is stored", async () => {
    const refused = await sendReads(member.client, 2, day2);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toContain("Day 2 is not open yet");
    expect((await sendReads(visitor(server), 2, day2)).status).toBe(401);
    const done = await member.client.post("/api/progress", { intent: "done", courseSlug: DEMO_COURSE_SLUG, day: "2", redirectTo: "/" });
    expect(done.status).toBe(403);
    expect(await db().passageRead.count({ where: { userId: member.id } })).toBe(0);
    expect(await db().lessonProgress.count({ where: { userId: member.id } })).toBe(0);
    expect((await sendReads(member.client, 1, day1)).status).toBe(200);
  });

  it("keeps its discussion closed: posting, open questions, export, live", async () => {
    const before = await db().comment.count({ where: { groupId } });
    const posted = await member.client.post(`/groups/${groupId}/day/2`, { intent: "post", id: randomBytes(12).toString("base64url"), kind: "comment", readingId: day2.readingId, passageKey: day2.key, body: "early" });
    expect(posted.status).toBe(403);
    expect((await outsider.client.post(`/groups/${groupId}/day/2`, { intent: "post", id: randomBytes(12).toString("base64url"), kind: "comment", readingId: day2.readingId, passageKey: day2.key, body: "x" })).status).toBe(404);
    expect(await db().comment.count({ where: { groupId } })).toBe(before);
    expect((await readPage(await member.client.get(`/groups/${groupId}/questions`))).text).not.toContain(QUESTION);
    expect((await readPage(await moderator.client.get(`/groups/${groupId}/questions`))).text).toContain(QUESTION);
    expect((await member.client.get(`/groups/${groupId}/day/2/export?format=md`)).status).toBe(403);
    const socket = openSocket(server.url, { cookie: member.client.cookieHeader() });
    try {
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      expect(await socket.emitWithAck("lesson:join", { groupId, day: 2 })).toMatchObject({ error: { code: "forbidden" } });
    } finally {
      socket.close();
    }
  });
});

describe("the same day, for others", () => {
  it("moderators open it everywhere: the group's page, the reader, search, export", async () => {
    expect((await moderator.client.get(`/groups/${groupId}/day/2`)).status).toBe(200);
    expect((await moderator.client.get(`/courses/${DEMO_COURSE_SLUG}/day/2`)).status).toBe(200);
    expect(await hitsDay2(moderator.client)).toBe(true);
    const exported = await moderator.client.get(`/groups/${groupId}/day/2/export?format=md`);
    expect(exported.status).toBe(200);
    expect(await exported.text()).toContain(QUESTION);
  });

  it("people in no group of the course, and members of a group where it is open, read it in the reader and find it", async () => {
    for (const person of [outsider, dual, stranger]) {
      expect((await person.client.get(`/courses/${DEMO_COURSE_SLUG}/day/2`)).status, person.displayName).toBe(200);
      expect(await hitsDay2(person.client), person.displayName).toBe(true);
    }
    // On the locking group's own pages, the day stays locked for its member who is also elsewhere.
    expect((await dual.client.get(`/groups/${groupId}/day/2`)).status).toBe(403);
  });
});
