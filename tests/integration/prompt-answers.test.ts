/**
 * The reveal rule of prompt answers (app/models/discussion-rules.ts) wherever the discussion is
 * served, after a revision orphaned the prompts: the lesson page and its `.data`, replies, the
 * exports, the catch-up by cursor and live broadcasts. Others' answers and every reply under them
 * stay hidden from members who have not answered the same prompt, also when their own answer (to
 * another prompt) was orphaned too; a member whose own answer to that prompt was orphaned has answered.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseImportBuffers } from "~/content/import-set.ts";
import { importContent } from "~/models/content.server.ts";
import { exportMarkdown, exportWebAnnotations } from "~/models/export.server.ts";
import type { DiscussionChange } from "~/realtime/events.ts";
import { readPage, signUp, visitor, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { nextEvent, openSocket, type ClientSocket } from "../support/socket.ts";

let server: TestServer;
const db = () => server.database.db;
const newId = () => randomBytes(15).toString("base64url");

const PARAGRAPH = "The harbour wall shelters the small boats when the wind turns east in the evening.";
const PROMPT_A = "Prompt: Explain in your own words why the harbour wall matters to the boats.";
const PROMPT_B = "Prompt: Say what the gulls are waiting for on the slipway every evening.";
const SECRETS = ["ANN-ANSWER-SECRET", "BOB-REPLY-SECRET", "ANN-DEEP-SECRET", "BOB-ANSWER-SECRET", "DAN-ANSWER-SECRET"];

let slug: string;
let groupId: string;
let otherGroupId: string;
let lessonId: string;
let readingId: string;
let page: string;
let moderator: Person, ann: Person, bob: Person, cat: Person, dan: Person, eve: Person, outsider: Person;
type CommentName = "annAnswer" | "bobAnswer" | "bobReply" | "annDeep" | "danAnswer" | "catAnswer" | "danReply";
const ids = {} as Record<CommentName, string>;
/** The log's latest id before anything was written here. */
let cursorBefore = 0;

function source(paragraphs: string[]) {
  return parseImportBuffers([
    { name: "day-1.md", data: new TextEncoder().encode(`---\ncourse: ${slug}\ncourseTitle: Prompts\ndays: 1\nday: 1\ntitle: One\n---\n\n${paragraphs.join("\n\n")}\n`) },
  ]);
}

async function passageKey(text: string) {
  const reading = await db().reading.findUniqueOrThrow({ where: { id: readingId }, include: { currentRevision: { include: { passages: true } } } });
  return reading.currentRevision!.passages.find((passage) => text.includes(passage.text) || passage.text.includes(text.replace(/^Prompt: /, "")))!.key;
}

/** Posts through the real form as a browser without JavaScript does; returns the new comment's id. */
async function post(person: Person, fields: Record<string, string>) {
  const id = newId();
  const response = await person.client.post(page, { id, ...fields });
  expect(response.status, `${fields.intent} by ${person.displayName}: ${response.status}`).toBe(302);
  return id;
}
const answer = async (person: Person, prompt: string, body: string) => post(person, { intent: "post", kind: "answer", readingId, passageKey: await passageKey(prompt), body });
const reply = (person: Person, parentId: string, body: string) => post(person, { intent: "reply", parentId, body });

async function connect(person: Person): Promise<ClientSocket> {
  const socket = openSocket(server.url, { cookie: person.client.cookieHeader() });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

beforeAll(async () => {
  server = await startTestServer();
  slug = `prompts-${randomBytes(6).toString("hex")}`;
  await importContent(db(), source([PARAGRAPH, PROMPT_A, PROMPT_B]));
  const lesson = await db().lesson.findFirstOrThrow({ where: { course: { slug } }, include: { readings: true } });
  lessonId = lesson.id;
  readingId = lesson.readings[0]!.id;
  const people = await Promise.all(["Mona", "Ann", "Bob", "Cat", "Dan", "Eve", "Oscar"].map((name) => signUp(server, { displayName: `${name} ${randomBytes(3).toString("hex")}` })));
  [moderator, ann, bob, cat, dan, eve, outsider] = people as unknown as [Person, Person, Person, Person, Person, Person, Person];
  const group = await db().group.create({ data: { courseId: lesson.courseId, name: "Prompt readers" } });
  const other = await db().group.create({ data: { courseId: lesson.courseId, name: "Other readers" } });
  groupId = group.id;
  otherGroupId = other.id;
  page = `/groups/${groupId}/day/1`;
  await db().membership.createMany({
    data: [
      { groupId, userId: moderator.id, role: "moderator" },
      ...[ann, bob, cat, dan, eve].map((person) => ({ groupId, userId: person.id, role: "member" })),
      { groupId: otherGroupId, userId: outsider.id, role: "owner" },
    ],
  });
  cursorBefore = (await db().lessonEvent.findFirst({ orderBy: { id: "desc" } }))?.id ?? 0;

  // Revision 1: Ann, Bob and Dan answer prompt A, Bob replies to Ann's answer and Ann to him; Cat answers prompt B.
  ids.annAnswer = await answer(ann, PROMPT_A, "ANN-ANSWER-SECRET");
  ids.bobAnswer = await answer(bob, PROMPT_A, "BOB-ANSWER-SECRET");
  ids.bobReply = await reply(bob, ids.annAnswer, "BOB-REPLY-SECRET");
  ids.annDeep = await reply(ann, ids.bobReply, "ANN-DEEP-SECRET");
  ids.danAnswer = await answer(dan, PROMPT_A, "DAN-ANSWER-SECRET");
  ids.catAnswer = await answer(cat, PROMPT_B, "CAT-ANSWER-B");
  // Revision 2 drops both prompts: every answer and reply is shown under "earlier version".
  const result = await importContent(db(), source([PARAGRAPH, "A new closing paragraph about tides and the moon."]));
  expect(result.readings[0]!.reanchored).toMatchObject({ orphan: 4 });
  expect(await db().comment.count({ where: { groupId, passageKey: null } })).toBe(6);
});
afterAll(async () => {
  await server?.close();
});

const earlier = (person: Person) => person.client.get(`${page}?open=earlier-version`);
const earlierData = (person: Person) => person.client.get(`${page}.data?open=earlier-version`);

describe("after a revision orphaned the prompts", () => {
  it("the lesson page and its .data show no answer of prompt A, nor any reply under one, to members who did not answer A", async () => {
    for (const person of [eve, cat]) {
      const html = await readPage(await earlier(person));
      const data = await (await earlierData(person)).text();
      for (const secret of SECRETS) {
        expect(html.text, `${person.displayName}'s page`).not.toContain(secret);
        expect(data, `${person.displayName}'s .data`).not.toContain(secret);
      }
      for (const id of [ids.annAnswer, ids.bobReply, ids.annDeep]) expect(data, `${person.displayName}'s .data`).not.toContain(id);
    }
    // Cat still sees her own (orphaned) answer.
    expect((await readPage(await earlier(cat))).text).toContain("CAT-ANSWER-B");
  });

  it("a member whose own answer to prompt A was orphaned too has answered it; moderators see all", async () => {
    for (const person of [dan, moderator]) {
      const html = await readPage(await earlier(person));
      const data = await (await earlierData(person)).text();
      for (const secret of SECRETS) {
        expect(html.text, `${person.displayName}'s page`).toContain(secret);
        expect(data, `${person.displayName}'s .data`).toContain(secret);
      }
    }
    // Prompt B's answer stays hidden from Dan, who answered only A.
    expect((await readPage(await earlier(dan))).text).not.toContain("CAT-ANSWER-B");
  });

  it("refuses replies under a hidden answer (signed out, another group, a member who did not answer) and stores nothing", async () => {
    const before = await db().comment.count({ where: { groupId } });
    const fields = { intent: "reply", parentId: ids.bobReply, body: "peeking in" };
    const signedOut = await visitor(server).post(page, { id: newId(), ...fields });
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toMatch(/^\/login/);
    expect((await outsider.client.post(page, { id: newId(), ...fields })).status).toBe(404);
    expect((await outsider.client.post(`/groups/${otherGroupId}/day/1`, { id: newId(), ...fields })).status).toBe(404);
    for (const person of [eve, cat]) {
      const refused = await person.client.post(`${page}.data`, { id: newId(), ...fields, _js: "1" });
      expect(refused.status, person.displayName).toBe(403);
      expect(await refused.text()).toContain("Post your own answer");
    }
    expect(await db().comment.count({ where: { groupId } })).toBe(before);
    // Dan answered A (in revision 1): he may reply.
    ids.danReply = await reply(dan, ids.annAnswer, "DAN-REPLY-OK");
  });

  it("reactions and flags on a hidden answer, or a reply under it, are refused as if it were not there", async () => {
    const [reactions, flags] = await Promise.all([db().reaction.count(), db().flag.count()]);
    for (const commentId of [ids.annAnswer, ids.bobReply]) {
      const forms: Record<string, string>[] = [
        { intent: "react", commentId, reaction: "insightful" },
        { intent: "flag", commentId, reason: "Peeking at it" },
      ];
      for (const fields of forms) {
        const refused = await eve.client.post(`${page}.data`, { ...fields, _js: "1" });
        expect(refused.status, `${fields.intent} ${commentId}`).toBe(404);
        expect(await refused.text()).toContain("That comment is not in this lesson.");
      }
    }
    expect([await db().reaction.count(), await db().flag.count()]).toEqual([reactions, flags]);
    // Dan answered A: he may react to Ann's answer.
    expect((await dan.client.post(`${page}.data`, { intent: "react", commentId: ids.annAnswer, reaction: "insightful", _js: "1" })).status).toBe(200);
    expect(await db().reaction.count()).toBe(reactions + 1);
  });

  it("a mention in a reply under a hidden answer is announced without its text", async () => {
    const handle = eve.displayName.replace(/[^\p{L}\p{N}_.-]/gu, "").toLowerCase();
    await reply(dan, ids.annAnswer, `@${handle} DAN-MENTION-SECRET`);
    expect(await db().notification.count({ where: { userId: eve.id, type: "mention" } })).toBe(1);
    const notifications = await readPage(await eve.client.get("/notifications"));
    expect(notifications.text).not.toContain("DAN-MENTION-SECRET");
  });

  it("exports leave out what the exporter may not see; moderators export everything", async () => {
    const input = (userId: string, role: "member" | "moderator") => ({ groupId, lessonId, origin: "http://x", viewer: { userId, role } });
    const asEve = [await exportMarkdown(db(), input(eve.id, "member")), JSON.stringify(await exportWebAnnotations(db(), input(eve.id, "member")))];
    for (const text of asEve) for (const secret of SECRETS) expect(text).not.toContain(secret);
    const markdown = await (await moderator.client.get(`${page}/export?format=md`)).text();
    const jsonld = await (await moderator.client.get(`${page}/export?format=jsonld`)).text();
    for (const secret of SECRETS) {
      expect(markdown).toContain(secret);
      expect(jsonld).toContain(secret);
    }
    expect((await eve.client.get(`${page}/export?format=md`)).status).toBe(403);
  });

  it("catch-up by cursor tells members who did not answer only that something changed", async () => {
    const hidden = new Set([ids.annAnswer, ids.bobAnswer, ids.bobReply, ids.annDeep, ids.danAnswer, ids.danReply, ids.catAnswer]);
    const socket = await connect(eve);
    try {
      const joined = await socket.emitWithAck("lesson:join", { groupId, day: 1, after: cursorBefore });
      expect("data" in joined).toBe(true);
      const changes = (joined as { data: { missed: { changes: DiscussionChange[] } } }).data.missed.changes;
      expect(changes.length).toBeGreaterThanOrEqual(7);
      for (const change of changes) {
        expect(hidden.has(change.commentId), `change ${change.seq} names a hidden comment`).toBe(false);
        if (change.commentId === "") expect(change).toMatchObject({ passageKey: null, actorId: "", intent: "changed" });
      }
      expect(changes.filter((change) => change.commentId === "").length).toBeGreaterThanOrEqual(hidden.size);
    } finally {
      socket.close();
    }
    const dans = await connect(dan);
    try {
      const joined = (await dans.emitWithAck("lesson:join", { groupId, day: 1, after: cursorBefore })) as { data: { missed: { changes: DiscussionChange[] } } };
      expect(joined.data.missed.changes.map((change) => change.commentId)).toEqual(expect.arrayContaining([ids.bobReply, ids.annDeep]));
    } finally {
      dans.close();
    }
  });

  it("live broadcasts of a reply under a hidden answer reach members who did not answer redacted", async () => {
    const [eveSocket, danSocket] = await Promise.all([connect(eve), connect(dan)]);
    try {
      for (const socket of [eveSocket, danSocket]) expect("data" in (await socket.emitWithAck("lesson:join", { groupId, day: 1 }))).toBe(true);
      const eveHears = nextEvent<DiscussionChange>(eveSocket, "discussion:changed");
      const danHears = nextEvent<DiscussionChange>(danSocket, "discussion:changed");
      const id = await reply(bob, ids.annAnswer, "BOB-LATE-SECRET");
      const [toEve, toDan] = await Promise.all([eveHears, danHears]);
      expect(toDan).toMatchObject({ commentId: id, actorId: bob.id });
      expect(toEve).toMatchObject({ commentId: "", actorId: "", passageKey: null, seq: toDan.seq });
      expect((await readPage(await earlier(eve))).text).not.toContain("BOB-LATE-SECRET");
    } finally {
      eveSocket.close();
      danSocket.close();
    }
  });

  it("someone writing a reply under a hidden answer is not announced to members who did not answer", async () => {
    const [eveSocket, danSocket, bobSocket] = await Promise.all([connect(eve), connect(dan), connect(bob)]);
    try {
      for (const socket of [eveSocket, danSocket, bobSocket]) expect("data" in (await socket.emitWithAck("lesson:join", { groupId, day: 1 }))).toBe(true);
      const heardByEve: unknown[] = [];
      eveSocket.on("typing:update", (payload) => heardByEve.push(payload));
      // Bob writes under Ann's concealed answer, then starts a thread on the paragraph.
      const danHearsReply = nextEvent<{ target: string }>(danSocket, "typing:update", (payload) => payload.target === ids.annAnswer);
      expect(await bobSocket.emitWithAck("typing", { groupId, day: 1, target: ids.annAnswer, typing: true })).toEqual({ data: { ok: true } });
      expect(await bobSocket.emitWithAck("typing", { groupId, day: 1, target: `edit:${ids.bobReply}`, typing: true })).toEqual({ data: { ok: true } });
      await danHearsReply;
      const target = `new:${await passageKey(PARAGRAPH)}`;
      const eveHearsNew = nextEvent<{ target: string }>(eveSocket, "typing:update", (payload) => payload.target === target);
      await bobSocket.emitWithAck("typing", { groupId, day: 1, target, typing: true });
      // Eve hears the new thread, which came after: nothing about the hidden thread reached her first.
      await eveHearsNew;
      expect(heardByEve).toEqual([expect.objectContaining({ target, userId: bob.id })]);
    } finally {
      for (const socket of [eveSocket, danSocket, bobSocket]) socket.close();
    }
  });
});
