/**
 * Home is today, and every way into a lesson reaches the discussion — through the real routes. The
 * home of a person in 0, 1 and 2 groups (links, counts, Live now); the course page, "continue",
 * /progress, search hits and notifications lead a member to the group's lesson (the most recently
 * visited group, else the most recently joined, and a switcher) and a non-member to the reader;
 * notifications open through /notifications/<id>, which marks them read; none of a group's data
 * reaches people outside it. Also the demo's own Day 1 discussion (seeded once).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_THREADS } from "~/models/demo-discussion.server.ts";
import { seedDemoIfEmpty } from "~/models/demo.server.ts";
import { demoCourseDir } from "../support/database.ts";
import { createGroupDirectly, DEMO_COURSE_SLUG, demoCourseId, readPage, signUp, uniqueLabel, visitor, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
const db = () => server.database.db;
const newId = () => randomBytes(15).toString("base64url");
const COURSE = `/courses/${DEMO_COURSE_SLUG}`;

let paragraph: { readingId: string; key: string };
let dayTwoFirst: { readingId: string; key: string; lessonId: string };
let courseId: string;

beforeAll(async () => {
  server = await startTestServer();
  courseId = await demoCourseId(server);
  const passageOf = async (day: number, kind: string) => {
    const lesson = await db().lesson.findUniqueOrThrow({
      where: { courseId_day: { courseId, day } },
      select: { id: true, readings: { orderBy: { position: "asc" }, select: { id: true, currentRevision: { select: { passages: { where: { kind }, orderBy: { position: "asc" }, select: { key: true } } } } } } },
    });
    const reading = lesson.readings[0]!;
    return { readingId: reading.id, key: reading.currentRevision!.passages.at(-1)!.key, lessonId: lesson.id };
  };
  paragraph = await passageOf(1, "paragraph");
  dayTwoFirst = await passageOf(2, "paragraph");
});
afterAll(async () => {
  await server?.close();
});

const named = (name: string) => signUp(server, { displayName: uniqueLabel(name) });
const handle = (who: Person) => who.displayName.replace(/\s/g, "").toLowerCase();
/** A page decoded, without the comments React puts between adjacent text nodes. */
async function read(response: Response) {
  const { raw, text } = await readPage(response);
  return { raw: raw.replaceAll("<!-- -->", ""), text: text.replaceAll("<!-- -->", "") };
}
async function home(who: Person) {
  const response = await who.client.get("/");
  expect(response.status).toBe(200);
  return read(response);
}
/** The home card of one group, as text. */
function card(raw: string, groupId: string) {
  const start = raw.indexOf(`data-group="${groupId}"`);
  if (start < 0) return null;
  return raw.slice(start, raw.indexOf("</ul></li>", start));
}
async function post(who: Person, groupId: string, fields: Record<string, string>) {
  const id = newId();
  const response = await who.client.post(`/groups/${groupId}/day/1`, { intent: "post", id, kind: "comment", readingId: paragraph.readingId, passageKey: paragraph.key, ...fields });
  expect(response.status, await response.clone().text()).toBe(302);
  return id;
}
async function reply(who: Person, groupId: string, parentId: string, body: string) {
  const id = newId();
  expect((await who.client.post(`/groups/${groupId}/day/1`, { intent: "reply", id, parentId, body })).status).toBe(302);
  return id;
}
/** All the hrefs of a page (decoded). */
function hrefs(text: string) {
  return [...text.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!);
}
/** The lesson hrefs on a page: group lessons and reader days. */
function lessonLinks(text: string) {
  return hrefs(text).filter((href) => /^\/groups\/[^/]+\/day\/\d|^\/courses\/[^/]+\/day\/\d/.test(href));
}

describe("home", () => {
  it("for a person in no group: how to start or join one, then courses; no group cards", async () => {
    const loner = await named("Loner");
    const { raw, text } = await home(loner);
    expect(text).toContain("You are not in a reading group yet");
    expect(raw).toContain('href="/groups/new"');
    expect(text).toContain("invitation link");
    expect(raw).not.toContain('class="card home-group"');
    expect(raw.indexOf('id="home-groups"')).toBeLessThan(raw.indexOf('id="home-courses"'));
    expect(raw).toContain(`href="${COURSE}"`);
  });

  it("for a member of one group: today's day linking to the group's lesson, unread replies and mentions, open questions, Live now", async () => {
    const [owner, ann] = [await named("Owner"), await named("Ann")];
    const group = await createGroupDirectly(server, uniqueLabel("Circle"), [
      [owner, "owner"],
      [ann, "member"],
    ]);
    let page = await home(ann);
    let mine = card(page.text, group.id)!;
    expect(mine).toContain(group.name);
    expect(mine).toContain(`href="/groups/${group.id}/day/1"`);
    expect(mine).toContain("Today: Day 1 — The Log Comes First");
    expect(mine).toContain("No unread replies or mentions");
    expect(mine).toContain("No open questions on Day 1");
    expect(mine).not.toContain("Live now");

    // Replies and a mention for Ann; two open questions on Day 1 (one answered does not count).
    const annComment = await post(ann, group.id, { body: "The log is the database." });
    await reply(owner, group.id, annComment, "Agreed.");
    await reply(owner, group.id, annComment, "And the pages are its cache.");
    await post(owner, group.id, { body: `Have a look, @${handle(ann)}` });
    await post(owner, group.id, { kind: "question", body: "Why fsync?" });
    await post(ann, group.id, { kind: "question", body: "What about group commit?" });
    const answered = await post(ann, group.id, { kind: "question", body: "Answered one" });
    const answer = await reply(owner, group.id, answered, "Here is why");
    expect((await ann.client.post(`/groups/${group.id}/day/1`, { intent: "answer", commentId: answer })).status).toBe(302);
    // A running live session on Day 1.
    const lesson = await db().lesson.findUniqueOrThrow({ where: { courseId_day: { courseId, day: 1 } }, select: { id: true } });
    await db().liveSession.create({ data: { groupId: group.id, lessonId: lesson.id, day: 1, title: "Evening call", facilitatorId: owner.id, startedAt: new Date() } });

    page = await home(ann);
    mine = card(page.text, group.id)!;
    // Three replies (two to her comment, one to her question) and the mention.
    expect(mine).toContain("3 unread replies · 1 unread mention");
    expect(mine).toContain(`href="/notifications"`);
    expect(mine).toContain("2 open questions on Day 1");
    expect(mine).toContain(`href="/groups/${group.id}/day/1?filter=open"`);
    expect(mine).toContain("Live now");
    expect(mine).toContain("Live session on Day 1: Evening call");

    // Once read, the counts go (the notification rules: notifications.server.ts).
    expect((await ann.client.post("/notifications", { all: "1" })).status).toBe(302);
    expect(card((await home(ann)).text, group.id)).toContain("No unread replies or mentions");

    // The owner's card shows the owner's own counts: Ann's reply to nobody, so none.
    expect(card((await home(owner)).text, group.id)).toContain("No unread replies or mentions");
  });

  it("for a member of two groups: both, the most recently visited first; a scheduled group shows its day", async () => {
    const bea = await named("Bea");
    const first = await createGroupDirectly(server, uniqueLabel("Early"), [[bea, "owner"]]);
    const second = await createGroupDirectly(server, uniqueLabel("Later"), [[bea, "member"]]);
    const start = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    await db().group.update({ where: { id: second.id }, data: { paceMode: "scheduled", startDate: start, daysPerWeek: 7, timeZone: "UTC", lockAhead: true } });
    // Both were joined within the same moment here: make the order of joining plain.
    await db().membership.updateMany({ where: { groupId: first.id, userId: bea.id }, data: { joinedAt: new Date(Date.now() - 3_600_000) } });
    let { text } = await home(bea);
    expect(card(text, first.id)).toContain(`href="/groups/${first.id}/day/1"`);
    expect(card(text, second.id)).toContain(`href="/groups/${second.id}/day/3"`);
    expect(card(text, second.id)).toContain("Today: Day 3 —");
    // Joined later, so first until a lesson is visited.
    expect(text.indexOf(`data-group="${second.id}"`)).toBeLessThan(text.indexOf(`data-group="${first.id}"`));
    expect((await bea.client.get(`/groups/${first.id}/day/1`)).status).toBe(200);
    ({ text } = await home(bea));
    expect(text.indexOf(`data-group="${first.id}"`)).toBeLessThan(text.indexOf(`data-group="${second.id}"`));
  });

  it("shows nothing of a group to people outside it, nor to a signed-out visitor", async () => {
    const [owner, outsider] = [await named("Keeper"), await named("Outsider")];
    const secret = uniqueLabel("Secret circle");
    const group = await createGroupDirectly(server, secret, [[owner, "owner"]]);
    await post(owner, group.id, { kind: "question", body: "A private question" });
    const other = await createGroupDirectly(server, uniqueLabel("Other circle"), [[outsider, "owner"]]);
    const { raw } = await home(outsider);
    expect(raw).toContain(`data-group="${other.id}"`);
    expect(raw).not.toContain(group.id);
    expect(raw).not.toContain(secret);
    expect(card(raw, other.id)).toContain("No open questions on Day 1");

    const anonymous = await visitor(server).get("/");
    const page = await readPage(anonymous);
    expect(page.text).toContain("Read together, one day at a time.");
    expect(page.raw).not.toContain(group.id);
    expect(page.raw).not.toContain("home-group");
    // Not in the route's data either.
    const data = await visitor(server).get("/_root.data");
    expect(await data.text()).not.toContain(group.id);
  });
});

describe("every way into a lesson", () => {
  let member: Person;
  let stranger: Person;
  let groupId: string;
  let groupName: string;

  beforeAll(async () => {
    [member, stranger] = [await named("Member"), await named("Stranger")];
    groupName = uniqueLabel("Readers");
    groupId = (await createGroupDirectly(server, groupName, [[member, "member"]])).id;
    // Both have read a passage of Day 2 (so "continue" and /progress have something to show).
    for (const who of [member, stranger]) {
      const now = new Date();
      await db().passageRead.create({ data: { userId: who.id, readingId: dayTwoFirst.readingId, passageKey: dayTwoFirst.key, lessonId: dayTwoFirst.lessonId, courseId, dwellMs: 9000, readAt: now, localDay: now.toISOString().slice(0, 10) } });
      await db().lessonProgress.create({ data: { userId: who.id, lessonId: dayTwoFirst.lessonId, courseId, readCount: 1, lastPassageKey: dayTwoFirst.key, updatedAt: now } });
    }
  });

  it("the course page: every day and 'continue' open the group's lesson for a member, the reader otherwise", async () => {
    const mine = (await read(await member.client.get(COURSE))).text;
    const links = lessonLinks(mine);
    for (let day = 1; day <= 6; day++) expect(links).toContain(`/groups/${groupId}/day/${day}`);
    expect(links.some((href) => href.startsWith("/courses/"))).toBe(false);
    expect(mine).toMatch(new RegExp(`href="/groups/${groupId}/day/2(#p-[^"]+)?"[^>]*>[^<]*Continue where you left off`));
    expect(mine).toContain(`Discuss Day 2 with`);

    const theirs = (await read(await stranger.client.get(COURSE))).text;
    const readerLinks = lessonLinks(theirs);
    for (let day = 1; day <= 6; day++) expect(readerLinks).toContain(`${COURSE}/day/${day}`);
    expect(readerLinks.some((href) => href.startsWith("/groups/"))).toBe(false);
    expect(theirs).not.toContain("Discuss Day");
  });

  it("/progress: the days open the group's lesson for a member, the reader otherwise", async () => {
    const mine = lessonLinks((await read(await member.client.get("/progress"))).text);
    expect(mine).toContain(`/groups/${groupId}/day/2`);
    expect(mine.some((href) => href.startsWith("/courses/"))).toBe(false);
    const theirs = lessonLinks((await read(await stranger.client.get("/progress"))).text);
    expect(theirs).toContain(`${COURSE}/day/2`);
    expect(theirs.some((href) => href.startsWith("/groups/"))).toBe(false);
  });

  it("search hits open the passage in the group's lesson for a member, in the reader otherwise", async () => {
    const mine = lessonLinks((await read(await member.client.get(`${COURSE}/search?q=log`))).text);
    expect(mine.length).toBeGreaterThan(0);
    for (const href of mine) expect(href).toMatch(new RegExp(`^/groups/${groupId}/day/\\d+#p-`));
    const theirs = lessonLinks((await read(await stranger.client.get(`${COURSE}/search?q=log`))).text);
    expect(theirs.length).toBe(mine.length);
    for (const href of theirs) expect(href).toMatch(new RegExp(`^${COURSE}/day/\\d+#p-`));
  });

  it("the bare reader says 'Discuss with <group>' to a member, nothing to others", async () => {
    const mine = await read(await member.client.get(`${COURSE}/day/3`));
    expect(mine.text).toContain(`Discuss with`);
    expect(mine.text).toMatch(new RegExp(`<a [^>]*href="/groups/${groupId}/day/3"[^>]*>${groupName}</a>`));
    const theirs = await read(await stranger.client.get(`${COURSE}/day/3`));
    expect(theirs.text).not.toContain("Discuss with");
  });

  it("with two groups: the most recently visited one, else the most recently joined; a switcher links to the same day in each", async () => {
    const cat = await named("Cat");
    const older = await createGroupDirectly(server, uniqueLabel("Older"), [[cat, "member"]]);
    const newer = await createGroupDirectly(server, uniqueLabel("Newer"), [[cat, "member"]]);
    await db().membership.update({ where: { groupId_userId: { groupId: older.id, userId: cat.id } }, data: { joinedAt: new Date(Date.now() - 86_400_000) } });

    let page = (await read(await cat.client.get(COURSE))).text;
    expect(lessonLinks(page)).toContain(`/groups/${newer.id}/day/1`);
    expect(lessonLinks(page)).not.toContain(`/groups/${older.id}/day/3`);
    // The switcher: the same day in each group.
    const switcher = page.slice(page.indexOf('class="group-switcher"'), page.indexOf("</p>", page.indexOf('class="group-switcher"')));
    expect(switcher).toContain(`href="/groups/${newer.id}/day/1"`);
    expect(switcher).toContain(`href="/groups/${older.id}/day/1"`);
    expect(switcher.indexOf(newer.id)).toBeLessThan(switcher.indexOf(older.id));

    // Visiting the older group's lesson makes it the one links open.
    expect((await cat.client.get(`/groups/${older.id}/day/4`)).status).toBe(200);
    page = (await read(await cat.client.get(COURSE))).text;
    expect(lessonLinks(page)).toContain(`/groups/${older.id}/day/3`);
    expect(lessonLinks(page)).not.toContain(`/groups/${newer.id}/day/3`);
    const reader = (await read(await cat.client.get(`${COURSE}/day/5`))).text;
    expect(reader).toContain(`href="/groups/${older.id}/day/5"`);
    expect(reader).toContain(`href="/groups/${newer.id}/day/5"`);
    expect(reader.indexOf(`/groups/${older.id}/day/5`)).toBeLessThan(reader.indexOf(`/groups/${newer.id}/day/5`));
    const hits = lessonLinks((await read(await cat.client.get(`${COURSE}/search?q=log`))).text);
    expect(hits.some((href) => href.startsWith(`/groups/${older.id}/`))).toBe(true);
    expect(hits.some((href) => href.startsWith(`/groups/${newer.id}/`))).toBe(true); // "Also in"
  });

  it("a day the preferred group locks opens in another group that has it open", async () => {
    const dee = await named("Dee");
    const locked = await createGroupDirectly(server, uniqueLabel("Scheduled"), [[dee, "member"]]);
    const open = await createGroupDirectly(server, uniqueLabel("Free"), [[dee, "member"]]);
    const today = new Date().toISOString().slice(0, 10);
    await db().group.update({ where: { id: locked.id }, data: { paceMode: "scheduled", startDate: today, daysPerWeek: 7, timeZone: "UTC", lockAhead: true } });
    expect((await dee.client.get(`/groups/${locked.id}/day/1`)).status).toBe(200);
    const links = lessonLinks((await read(await dee.client.get(COURSE))).text);
    expect(links).toContain(`/groups/${locked.id}/day/1`);
    expect(links).toContain(`/groups/${open.id}/day/2`);
    expect(links).not.toContain(`/groups/${locked.id}/day/2`);
  });
});

describe("notifications", () => {
  it("show the group, the day and the time; opening one marks it read and leads to the comment; all can be marked read", async () => {
    const [owner, eve, mallory] = [await named("Owner"), await named("Eve"), await named("Mallory")];
    const group = await createGroupDirectly(server, uniqueLabel("Noticed"), [
      [owner, "owner"],
      [eve, "member"],
    ]);
    const root = await post(eve, group.id, { body: "A first thought" });
    const first = await reply(owner, group.id, root, "A reply");
    await reply(owner, group.id, root, "Another reply");
    const rows = await db().notification.findMany({ where: { userId: eve.id, groupId: group.id }, orderBy: { createdAt: "asc" } });
    expect(rows).toHaveLength(2);

    const { raw, text } = await read(await eve.client.get("/notifications"));
    expect(text).toContain(`in <strong>${group.name}</strong>`);
    expect(text).toContain("Day 1: The Log Comes First");
    expect(raw).toMatch(new RegExp(`<time dateTime="${rows[0]!.createdAt.toISOString()}">`, "i"));
    expect(raw).toContain(`href="/notifications/${rows[0]!.id}"`);

    // Someone else cannot open it (and it stays unread).
    expect((await mallory.client.get(`/notifications/${rows[0]!.id}`)).status).toBe(404);
    expect((await db().notification.findUniqueOrThrow({ where: { id: rows[0]!.id } })).readAt).toBeNull();

    const opened = await eve.client.get(`/notifications/${rows[0]!.id}`);
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toBe(`/groups/${group.id}/day/1?open=${paragraph.key}&comment=${first}#c-${first}`);
    expect((await db().notification.findUniqueOrThrow({ where: { id: rows[0]!.id } })).readAt).not.toBeNull();
    expect((await db().notification.findUniqueOrThrow({ where: { id: rows[1]!.id } })).readAt).toBeNull();
    // The lesson it leads to shows the comment, its panel open, without JavaScript.
    const lesson = await read(await eve.client.get(opened.headers.get("location")!.replace(/#.*/, "")));
    expect(lesson.raw).toContain(`id="c-${first}"`);

    const after = await read(await eve.client.get("/notifications"));
    expect(after.raw).toMatch(/<span class="badge">1<\/span><span class="visually-hidden"> unread<\/span>/);
    expect(after.text).toContain("Mark all as read");
    expect((await eve.client.post("/notifications", { all: "1" })).status).toBe(302);
    expect(await db().notification.count({ where: { userId: eve.id, readAt: null } })).toBe(0);
    const done = await read(await eve.client.get("/notifications"));
    expect(done.raw).not.toMatch(/visually-hidden"> unread/);
    expect(done.text).not.toContain("Mark all as read");
  });

  it("a signed-out visitor is sent to log in, and marks nothing", async () => {
    const [owner, fay] = [await named("Owner"), await named("Fay")];
    const group = await createGroupDirectly(server, uniqueLabel("Quiet"), [
      [owner, "owner"],
      [fay, "member"],
    ]);
    await reply(owner, group.id, await post(fay, group.id, { body: "Hello" }), "Hi");
    const row = await db().notification.findFirstOrThrow({ where: { userId: fay.id } });
    const response = await visitor(server).get(`/notifications/${row.id}`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    expect((await db().notification.findUniqueOrThrow({ where: { id: row.id } })).readAt).toBeNull();
  });
});

describe("the demo's Day 1 discussion", () => {
  it("is seeded with the demo: questions with marked answers, a pinned key answer, reactions from both accounts, a prompt with two answers", async () => {
    const group = await db().group.findFirstOrThrow({ where: { name: "Evening readers" }, select: { id: true } });
    const [mira, sam] = await Promise.all(
      ["moderator@example.org", "member@example.org"].map((email) => db().user.findUniqueOrThrow({ where: { email }, select: { id: true } })),
    );
    const comments = await db().comment.findMany({ where: { groupId: group.id, id: { startsWith: "demo-day1-" } }, include: { reactions: true } });
    const questions = comments.filter((comment) => comment.kind === "question");
    expect(questions.filter((question) => question.answerId).length).toBeGreaterThanOrEqual(2);
    for (const question of questions.filter((question) => question.answerId)) expect(comments.find((comment) => comment.id === question.answerId)?.parentId).toBe(question.id);
    expect(comments.filter((comment) => comment.pinScope === "lesson")).toHaveLength(1);
    const reacting = new Set(comments.flatMap((comment) => comment.reactions.map((reaction) => reaction.userId)));
    expect(reacting).toEqual(new Set([mira!.id, sam!.id]));
    expect(comments.filter((comment) => comment.kind === "answer" && comment.parentId === null)).toHaveLength(2);

    // Sam's page shows it, and his home says what is waiting.
    const client = visitor(server);
    expect((await client.logIn("member@example.org", "marginalia-demo")).status).toBe(302);
    const page = await read(await client.get(`/groups/${group.id}/day/1`));
    expect(page.text).toContain("Key answers");
    expect(page.text).toContain(DEMO_THREADS.flushAnswer.slice(0, 60));
    const samHome = (await read(await client.get("/"))).text;
    expect(samHome).toContain("1 open question on Day 1");
    expect(samHome).toMatch(/\d+ unread repl(y|ies)/);
    // The group's home tells its story, not "Nothing has happened yet".
    const groupHome = (await read(await client.get(`/groups/${group.id}`))).text;
    expect(groupHome).not.toContain("Nothing has happened yet");
    expect(groupHome).toContain("Mira (moderator) created the group");
    expect(groupHome).toContain("Sam (member) joined");
  });

  it("is seeded once: seeding a database in use changes nothing", async () => {
    const before = await db().comment.count();
    expect(await seedDemoIfEmpty(db(), demoCourseDir)).toBe(false);
    expect(await db().comment.count()).toBe(before);
  });
});
