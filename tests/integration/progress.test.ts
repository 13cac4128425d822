/**
 * Reading progress against the real server: batches of passages read (validation, idempotence,
 * passages of another lesson or course refused, reads dated before the session or in the future refused), "mark as done", the
 * course page's statuses, the group dashboard's authorization and CSV, privacy on the group page,
 * the member's own export, and local days in the member's time zone.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { courseDayStatuses, discussionProgress, lessonHeatmap, loadLessonProgress } from "~/models/progress.server.ts";
import { TestClient } from "../support/client.ts";
import { createGroupDirectly, DEMO_COURSE_SLUG, readPage, signUp, uniqueLabel, visitor, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
const db = () => server.database.db;

interface LessonPassages {
  lessonId: string;
  passages: { readingId: string; key: string; text: string }[];
}

async function lessonPassages(slug: string, day: number): Promise<LessonPassages> {
  const lesson = await db().lesson.findFirstOrThrow({
    where: { day, course: { slug } },
    select: { id: true, readings: { orderBy: { position: "asc" }, select: { id: true, currentRevision: { select: { passages: { orderBy: { position: "asc" }, select: { key: true, text: true } } } } } } },
  });
  return { lessonId: lesson.id, passages: lesson.readings.flatMap((reading) => (reading.currentRevision?.passages ?? []).map((passage) => ({ readingId: reading.id, ...passage }))) };
}

/** A second course, straight in the database: one lesson, one reading, two passages. */
async function otherCourse() {
  const course = await db().course.create({ data: { slug: `other-${Date.now().toString(36)}`, title: "Another course", dayCount: 1 } });
  const lesson = await db().lesson.create({ data: { courseId: course.id, day: 1, title: "Elsewhere" } });
  const reading = await db().reading.create({ data: { lessonId: lesson.id, slug: "lesson", kind: "lesson", title: "Elsewhere", position: 0 } });
  const revision = await db().readingRevision.create({
    data: {
      readingId: reading.id,
      number: 1,
      checksum: "x",
      sourceName: "x.md",
      format: "markdown",
      passages: { create: [{ key: "other-one", position: 0, kind: "paragraph", text: "A passage of another course." }] },
    },
  });
  await db().reading.update({ where: { id: reading.id }, data: { currentRevisionId: revision.id } });
  return { slug: course.slug, readingId: reading.id, key: "other-one" };
}

function send(client: TestClient, body: unknown, contentType = "application/json") {
  return client.request("/api/progress", { method: "POST", headers: { "content-type": contentType }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

const longEnough = 25_000;
let day1: LessonPassages;
let day2: LessonPassages;

beforeAll(async () => {
  server = await startTestServer();
  day1 = await lessonPassages(DEMO_COURSE_SLUG, 1);
  day2 = await lessonPassages(DEMO_COURSE_SLUG, 2);
  expect(day1.passages.length).toBeGreaterThan(2);
});
afterAll(async () => {
  await server?.close();
});

describe("recording batches of passages read", () => {
  let reader: Person;
  beforeAll(async () => {
    reader = await signUp(server, { displayName: uniqueLabel("Rita Reader") });
  });

  it("stores reads long enough for their passage, ignores short ones, and is idempotent on replay", async () => {
    const [first, second, third] = day1.passages;
    const batch = {
      courseSlug: DEMO_COURSE_SLUG,
      day: 1,
      timeZone: "Europe/Berlin",
      reads: [
        { passageKey: first!.key, readingId: first!.readingId, dwellMs: longEnough, at: Date.now() - 5_000 },
        { passageKey: second!.key, readingId: second!.readingId, dwellMs: longEnough, at: Date.now() - 4_000 },
        // Too short for any passage: 1.5 s is the minimum.
        { passageKey: third!.key, readingId: third!.readingId, dwellMs: 1_000, at: Date.now() - 3_000 },
      ],
    };
    const response = await send(reader.client, batch);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, recorded: 2, ignored: 1, readCount: 2, status: "in-progress", passageCount: day1.passages.length });

    // The same batch again (a retry, or the beacon after the last fetch): nothing new.
    const replay = await send(reader.client, batch);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ recorded: 0, readCount: 2 });
    expect(await db().passageRead.count({ where: { userId: reader.id } })).toBe(2);
    const days = await db().readingDay.findMany({ where: { userId: reader.id } });
    expect(days).toHaveLength(1);
    expect(days[0]!.count).toBe(2);
    // Two at once: still stored once.
    const both = await Promise.all([send(reader.client, batch), send(reader.client, batch)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(await db().passageRead.count({ where: { userId: reader.id } })).toBe(2);
  });

  it("accepts the text/plain body navigator.sendBeacon sends", async () => {
    const passage = day1.passages[3] ?? day1.passages[2]!;
    const response = await send(
      reader.client,
      JSON.stringify({ courseSlug: DEMO_COURSE_SLUG, day: 1, reads: [{ passageKey: passage.key, readingId: passage.readingId, dwellMs: longEnough, at: Date.now() }] }),
      "text/plain;charset=UTF-8",
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ recorded: 1 });
  });

  it("refuses passages of another day or another course, and changes nothing", async () => {
    const before = await db().passageRead.count({ where: { userId: reader.id } });
    const ofDay2 = day2.passages[0]!;
    const wrongDay = await send(reader.client, {
      courseSlug: DEMO_COURSE_SLUG,
      day: 1,
      reads: [
        { passageKey: day1.passages[4]?.key ?? day1.passages[0]!.key, readingId: day1.passages[0]!.readingId, dwellMs: longEnough, at: Date.now() },
        { passageKey: ofDay2.key, readingId: ofDay2.readingId, dwellMs: longEnough, at: Date.now() },
      ],
    });
    expect(wrongDay.status).toBe(400);
    expect((await wrongDay.json()).error).toContain("not part of this lesson");

    const other = await otherCourse();
    const wrongCourse = await send(reader.client, { courseSlug: DEMO_COURSE_SLUG, day: 1, reads: [{ passageKey: other.key, readingId: other.readingId, dwellMs: longEnough, at: Date.now() }] });
    expect(wrongCourse.status).toBe(400);
    // The other course's key with a reading of this lesson: refused too.
    const mixed = await send(reader.client, { courseSlug: DEMO_COURSE_SLUG, day: 1, reads: [{ passageKey: other.key, readingId: day1.passages[0]!.readingId, dwellMs: longEnough, at: Date.now() }] });
    expect(mixed.status).toBe(400);
    expect(await db().passageRead.count({ where: { userId: reader.id } })).toBe(before);
  });

  it("refuses timestamps more than a minute in the future, accepts small clock drift", async () => {
    const passage = day1.passages[5] ?? day1.passages[1]!;
    const read = (at: number) => ({ courseSlug: DEMO_COURSE_SLUG, day: 1, reads: [{ passageKey: passage.key, readingId: passage.readingId, dwellMs: longEnough, at }] });
    const future = await send(reader.client, read(Date.now() + 5 * 60_000));
    expect(future.status).toBe(400);
    expect((await future.json()).error).toContain("future");
    expect((await send(reader.client, read(Date.now() + 20_000))).status).toBe(200);
  });

  it("refuses reads dated before the session began (beyond a little clock skew), stores nothing", async () => {
    const person = await signUp(server);
    const passage = day1.passages[5] ?? day1.passages[1]!;
    const read = (at: number) => ({ courseSlug: DEMO_COURSE_SLUG, day: 1, reads: [{ passageKey: passage.key, readingId: passage.readingId, dwellMs: longEnough, at }] });
    const session = await db().session.findFirstOrThrow({ where: { userId: person.id }, select: { createdAt: true } });
    for (const at of [Date.UTC(1970, 0, 1, 0, 0, 1), Date.UTC(2001, 0, 1), session.createdAt.getTime() - 60 * 60_000]) {
      const refused = await send(person.client, read(at));
      expect(refused.status, new Date(at).toISOString()).toBe(400);
      expect((await refused.json()).error).toContain("before you signed in");
    }
    expect(await db().passageRead.count({ where: { userId: person.id } })).toBe(0);
    expect(await db().lessonProgress.count({ where: { userId: person.id } })).toBe(0);
    expect(await db().readingDay.count({ where: { userId: person.id } })).toBe(0);
    // A clock a little behind the server's is fine.
    expect((await send(person.client, read(session.createdAt.getTime() - 60_000))).status).toBe(200);
    expect(await db().passageRead.count({ where: { userId: person.id } })).toBe(1);
  });

  it("validates the batch: shape, size, unknown lesson, JSON", async () => {
    const passage = day1.passages[0]!;
    const one = { passageKey: passage.key, readingId: passage.readingId, dwellMs: longEnough, at: Date.now() };
    expect((await send(reader.client, "{not json")).status).toBe(400);
    expect((await send(reader.client, { courseSlug: DEMO_COURSE_SLUG, day: 1, reads: [{ ...one, dwellMs: "long" }] })).status).toBe(400);
    expect((await send(reader.client, { courseSlug: DEMO_COURSE_SLUG, day: "1", reads: [one] })).status).toBe(400);
    const tooMany = await send(reader.client, { courseSlug: DEMO_COURSE_SLUG, day: 1, reads: Array.from({ length: 301 }, () => one) });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error).toContain("300");
    expect((await send(reader.client, { courseSlug: DEMO_COURSE_SLUG, day: 99, reads: [one] })).status).toBe(404);
    expect((await send(reader.client, { courseSlug: "no-such-course", day: 1, reads: [one] })).status).toBe(404);
  });

  it("refuses signed-out visitors and other origins", async () => {
    const passage = day1.passages[0]!;
    const batch = { courseSlug: DEMO_COURSE_SLUG, day: 1, reads: [{ passageKey: passage.key, readingId: passage.readingId, dwellMs: longEnough, at: Date.now() }] };
    expect((await send(visitor(server), batch)).status).toBe(401);
    const foreign = await reader.client.request("/api/progress", { method: "POST", headers: { "content-type": "application/json", origin: "https://evil.example" }, body: JSON.stringify(batch) });
    expect(foreign.status).toBe(403);
  });

  it("records the member's local day in their time zone", async () => {
    const night = await signUp(server, { displayName: uniqueLabel("Nora Night") });
    const passage = day1.passages[0]!;
    // 23:30 UTC is already the next day in Tokyo.
    const at = Date.parse("2026-03-01T23:30:00Z");
    // Reads are taken only from the session's lifetime: this one began before that evening.
    await db().session.updateMany({ where: { userId: night.id }, data: { createdAt: new Date("2026-03-01T20:00:00Z") } });
    const response = await send(night.client, { courseSlug: DEMO_COURSE_SLUG, day: 1, timeZone: "Asia/Tokyo", reads: [{ passageKey: passage.key, readingId: passage.readingId, dwellMs: longEnough, at }] });
    expect(response.status).toBe(200);
    expect((await db().passageRead.findFirstOrThrow({ where: { userId: night.id } })).localDay).toBe("2026-03-02");
    expect(await db().readingDay.findMany({ where: { userId: night.id }, select: { day: true } })).toEqual([{ day: "2026-03-02" }]);
  });

  it("a lesson is done once every passage was read", async () => {
    const diligent = await signUp(server, { displayName: uniqueLabel("Dana Diligent") });
    const reads = day2.passages.map((passage, index) => ({ passageKey: passage.key, readingId: passage.readingId, dwellMs: longEnough, at: Date.now() - 60_000 + index }));
    const response = await send(diligent.client, { courseSlug: DEMO_COURSE_SLUG, day: 2, reads });
    expect(await response.json()).toMatchObject({ status: "done", readCount: day2.passages.length });
    const page = await readPage(await diligent.client.get(`/courses/${DEMO_COURSE_SLUG}`));
    expect(page.text).toContain('data-day="2" data-status="done"');
  });
});

describe("mark as done, and the course page", () => {
  it("works as a plain form and changes the day's status; undo too", async () => {
    const member = await signUp(server, { displayName: uniqueLabel("Finn Finisher") });
    let page = await readPage(await member.client.get(`/courses/${DEMO_COURSE_SLUG}`));
    expect(page.text).toContain('data-day="1" data-status="not-started"');
    expect(page.text).toContain("Day 1 of 6");

    const done = await member.client.post("/api/progress", { intent: "done", courseSlug: DEMO_COURSE_SLUG, day: "1", redirectTo: `/courses/${DEMO_COURSE_SLUG}` });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`/courses/${DEMO_COURSE_SLUG}`);
    page = await readPage(await member.client.get(`/courses/${DEMO_COURSE_SLUG}`));
    expect(page.text).toContain('data-day="1" data-status="done"');
    expect(page.text).toContain("Day 2 of 6");
    expect(page.text).toContain("Mark Day 1 as not done");

    // Another site's address is not a place to be sent back to.
    const undo = await member.client.post("/api/progress", { intent: "undone", courseSlug: DEMO_COURSE_SLUG, day: "1", redirectTo: "https://evil.example/" });
    expect(undo.status).toBe(303);
    expect(undo.headers.get("location")).toBe(`/courses/${DEMO_COURSE_SLUG}`);
    page = await readPage(await member.client.get(`/courses/${DEMO_COURSE_SLUG}`));
    expect(page.text).toContain('data-day="1" data-status="not-started"');
  });

  it("sends signed-out visitors to log in", async () => {
    const response = await visitor(server).post("/api/progress", { intent: "done", courseSlug: DEMO_COURSE_SLUG, day: "1" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });
});

describe("the group dashboard and privacy", () => {
  let owner: Person;
  let moderator: Person;
  let member: Person;
  let shy: Person;
  let outsider: Person;
  let groupId: string;
  let groupName: string;

  beforeAll(async () => {
    const named = (name: string) => signUp(server, { displayName: uniqueLabel(name) });
    [owner, moderator, member, shy, outsider] = await Promise.all([named("Olga Owner"), named("Mona Mod"), named("Max Member"), named("Sam Shy"), named("Otto Outsider")]);
    groupName = uniqueLabel("Progress circle");
    const group = await createGroupDirectly(server, groupName, [
      [owner, "owner"],
      [moderator, "moderator"],
      [member, "member"],
      [shy, "member"],
    ]);
    groupId = group.id;
    await createGroupDirectly(server, uniqueLabel("Elsewhere"), [[outsider, "owner"]]);
    for (const person of [member, shy]) {
      const response = await person.client.post("/api/progress", { intent: "done", courseSlug: DEMO_COURSE_SLUG, day: "1", redirectTo: `/groups/${groupId}` });
      expect(response.status).toBe(303);
    }
    // Sam opts out of showing progress to other members.
    const saved = await shy.client.post("/progress", { timeZone: "America/New_York" });
    expect(saved.status).toBe(200);
    expect(await db().progressPreference.findUniqueOrThrow({ where: { userId: shy.id } })).toMatchObject({ timeZone: "America/New_York", shareProgress: false });
  });

  it("shows moderators every member × day, and the CSV", async () => {
    for (const viewer of [owner, moderator]) {
      const response = await viewer.client.get(`/groups/${groupId}/dashboard`);
      expect(response.status).toBe(200);
      const { text } = await readPage(response);
      expect(text).toContain(member.displayName);
      expect(text).toContain(shy.displayName);
      const row = text.slice(text.indexOf(`<th scope="row">${member.displayName}`));
      expect(row.slice(0, row.indexOf("</tr>"))).toContain('<td>1/6</td><td class="g g-d">Done</td><td class="g g-n">Not started</td>');
    }
    const csv = await moderator.client.get(`/groups/${groupId}/dashboard/export`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("Member,Role,Days done,Days behind the pace,Day 1,Day 2,Day 3,Day 4,Day 5,Day 6");
    expect(lines.find((line) => line.startsWith(member.displayName))).toBe(`${member.displayName},member,1,0,done,not-started,not-started,not-started,not-started,not-started`);
  });

  it("refuses members (403), other groups (404) and signed-out visitors (login)", async () => {
    for (const path of [`/groups/${groupId}/dashboard`, `/groups/${groupId}/dashboard/export`]) {
      const asMember = await member.client.get(path);
      expect(asMember.status).toBe(403);
      expect(await asMember.text()).toContain("Only the group's moderators can do that.");
      const asOutsider = await outsider.client.get(path);
      expect(asOutsider.status).toBe(404);
      const body = await asOutsider.text();
      expect(body).not.toContain(groupName);
      expect(body).not.toContain(member.displayName);
      const signedOut = await visitor(server).get(path);
      expect(signedOut.status).toBe(302);
      expect(signedOut.headers.get("location")).toMatch(/^\/login\?redirectTo=%2Fgroups%2F/);
    }
  });

  it("other members see done days of those who share, nothing of those who opted out", async () => {
    const other = await signUp(server, { displayName: uniqueLabel("Pia Peer") });
    await db().membership.create({ data: { groupId, userId: other.id, role: "member" } });
    const asPeer = (await readPage(await other.client.get(`/groups/${groupId}`))).text;
    expect(asPeer).toContain(`<li>${member.displayName}: done Day 1</li>`);
    expect(asPeer).toContain(`<li>${owner.displayName}: no days done yet</li>`);
    expect(asPeer).not.toContain(`<li>${shy.displayName}:`);
    // The owner (a moderator of the group) sees Sam's days all the same, as on the dashboard.
    const asOwner = (await readPage(await owner.client.get(`/groups/${groupId}`))).text;
    expect(asOwner).toContain(`<li>${shy.displayName}: done Day 1</li>`);
    // Moderators have the dashboard; on the group page, members see the same as everyone.
    const asMember = await readPage(await member.client.get(`/groups/${groupId}`));
    expect(asMember.text).not.toContain("Group progress dashboard");
    expect(asMember.text).toContain("Your progress");
    const asModerator = await readPage(await moderator.client.get(`/groups/${groupId}`));
    expect(asModerator.text).toContain("Group progress dashboard");
  });

  it("a member downloads their own progress and comments, and nobody else's", async () => {
    const response = await member.client.get("/progress/export");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain("attachment");
    const exported = await response.json();
    expect(exported.member.displayName).toBe(member.displayName);
    expect(exported.lessons).toEqual([expect.objectContaining({ course: DEMO_COURSE_SLUG, day: 1 })]);
    expect(JSON.stringify(exported)).not.toContain(shy.displayName);
    expect(Array.isArray(exported.comments)).toBe(true);
    expect((await visitor(server).get("/progress/export")).status).toBe(302);
  });

  it("the member's progress page shows their history and settings", async () => {
    const response = await member.client.get("/progress");
    expect(response.status).toBe(200);
    const { text } = await readPage(response);
    expect(text).toContain("Your progress");
    expect(text).toContain("current streak");
    expect(text).toContain("Reading days, last 10 weeks");
    expect(text).toContain("How Databases Keep Promises");
    const refused = await member.client.post("/progress", { timeZone: "Not/AZone" });
    expect(refused.status).toBe(400);
  });

  it("lists the course of a member's group before they read anything, with where to start; someone in no group is told how to begin", async () => {
    const newcomer = await signUp(server, { displayName: uniqueLabel("Nell Newcomer") });
    const before = (await readPage(await newcomer.client.get("/progress"))).text;
    expect(before).toContain("You are in no group and have read nothing yet");
    expect(before).not.toContain("How Databases Keep Promises");

    const group = await createGroupDirectly(server, uniqueLabel("Newcomers"), [[newcomer, "member"]]);
    const after = (await readPage(await newcomer.client.get("/progress"))).text.replaceAll("<!-- -->", "");
    expect(after).not.toContain("You are in no group");
    expect(after).toContain("How Databases Keep Promises");
    expect(after).toContain("0 of 6 days done");
    expect(after).toContain(`/groups/${group.id}/day/1`);
  });
});

describe("discussion progress, pace locks, the heatmap and the reader's progress (models)", () => {
  it("counts new comments since the last visit, prompts answered, locks days ahead of the pace", async () => {
    const [reader, peer] = await Promise.all([signUp(server, { displayName: uniqueLabel("Ivy") }), signUp(server, { displayName: uniqueLabel("Joe") })]);
    const course = await db().course.findUniqueOrThrow({ where: { slug: DEMO_COURSE_SLUG }, select: { id: true, dayCount: true, lessons: { select: { day: true, title: true } } } });
    const today = new Date().toISOString().slice(0, 10);
    const group = await db().group.create({
      data: { courseId: course.id, name: uniqueLabel("Paced"), paceMode: "scheduled", startDate: today, daysPerWeek: 1, timeZone: "UTC", lockAhead: true },
    });
    await db().membership.createMany({ data: [{ groupId: group.id, userId: reader.id, role: "member" }, { groupId: group.id, userId: peer.id, role: "moderator" }] });
    const prompt = await db().passage.findFirstOrThrow({
      where: { kind: "prompt", revision: { currentOf: { lessonId: day1.lessonId } } },
      select: { key: true, revision: { select: { readingId: true, number: true } } },
    });
    const comment = (authorId: string, kind: string, at: Date, passageKey = prompt.key) => {
      const id = randomBytes(12).toString("base64url");
      return db().comment.create({
        data: { id, rootId: id, groupId: group.id, lessonId: day1.lessonId, readingId: prompt.revision.readingId, passageKey, anchorRevision: prompt.revision.number, originalRevision: prompt.revision.number, originalPassageKey: passageKey, authorId, kind, body: `${kind} text`, createdAt: at },
      });
    };

    // Never opened: no count; opened, then a peer writes twice: 2 new.
    let progress = (await discussionProgress(db(), { userId: reader.id, groupId: group.id, courseId: course.id })).get(day1.lessonId);
    expect(progress).toMatchObject({ newComments: null, promptsAnswered: 0 });
    expect(progress!.prompts).toBeGreaterThan(0);
    await db().lessonVisit.create({ data: { userId: reader.id, groupId: group.id, lessonId: day1.lessonId, visitedAt: new Date(Date.now() - 60_000) } });
    await comment(peer.id, "comment", new Date(Date.now() - 120_000));
    await comment(peer.id, "comment", new Date());
    const question = await comment(peer.id, "question", new Date());
    await comment(reader.id, "comment", new Date());
    progress = (await discussionProgress(db(), { userId: reader.id, groupId: group.id, courseId: course.id })).get(day1.lessonId);
    expect(progress).toMatchObject({ newComments: 2, promptsAnswered: 0 });
    await comment(reader.id, "answer", new Date());
    await db().lessonVisit.update({ where: { userId_groupId_lessonId: { userId: reader.id, groupId: group.id, lessonId: day1.lessonId } }, data: { visitedAt: new Date(Date.now() + 1_000) } });
    progress = (await discussionProgress(db(), { userId: reader.id, groupId: group.id, courseId: course.id })).get(day1.lessonId);
    expect(progress).toMatchObject({ newComments: 0, promptsAnswered: 1 });
    const home = await readPage(await reader.client.get(`/groups/${group.id}`));
    expect(home.text).toContain("Caught up · Prompt answered");

    // One day a week from today, later days locked: Day 2 is locked for members, open to moderators.
    const forMember = await courseDayStatuses(db(), { userId: reader.id, courseId: course.id, dayCount: course.dayCount, lessons: course.lessons, pace: group, mayReadAhead: false });
    expect(forMember.map((day) => day.status)).toEqual(["not-started", "locked", "locked", "locked", "locked", "locked"]);
    const forModerator = await courseDayStatuses(db(), { userId: peer.id, courseId: course.id, dayCount: course.dayCount, lessons: course.lessons, pace: group, mayReadAhead: true });
    expect(forModerator.every((day) => day.status === "not-started")).toBe(true);

    // The heatmap: a confused reaction and an open question on the prompt; reads by members only.
    await db().reaction.create({ data: { commentId: question.id, userId: reader.id, kind: "confused" } });
    const first = day1.passages[0]!;
    await send(reader.client, { courseSlug: DEMO_COURSE_SLUG, day: 1, reads: [{ passageKey: first.key, readingId: first.readingId, dwellMs: longEnough, at: Date.now() }] });
    const heat = await lessonHeatmap(db(), { groupId: group.id, lessonId: day1.lessonId });
    expect(heat).toHaveLength(day1.passages.length);
    expect(heat.find((passage) => passage.key === first.key)).toMatchObject({ reads: 1 });
    expect(heat.find((passage) => passage.key === prompt.key)).toMatchObject({ comments: 5, confused: 1, openQuestions: 1 });

    // What the reader's progress bar gets: one passage read, continue after it.
    const lesson = await loadLessonProgress(db(), { userId: reader.id, courseId: course.id, lessonId: day1.lessonId });
    expect(lesson).toMatchObject({ status: "in-progress", readCount: 1, passageCount: day1.passages.length, continueKey: day1.passages[1]!.key });
    expect(lesson.readKeys).toEqual([`${first.readingId}:${first.key}`]);
  });
});
