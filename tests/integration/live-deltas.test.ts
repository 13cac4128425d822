/**
 * Live deltas (ADR 15): a page that hears `discussion:changed` fetches the changed passage's margin
 * from GET /api/groups/:groupId/day/:day/passage instead of reloading the lesson. What it gets must
 * be what the page itself would show that viewer — the same threads, counts, highlights and "new"
 * markers as the lesson's loader — under every visibility rule: hidden comments, prompt answers
 * concealed until the viewer has answered (also when named only by a redacted change's seq),
 * comments of members who have left, moderator-only figures; and only members of the group, signed
 * in, on days open to them, may ask.
 */
import { randomBytes } from "node:crypto";
import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CatchUpCursor } from "~/components/live/catch-up-cursor.ts";
import { targetOf, targetsOf } from "~/components/live/passage-deltas.ts";
import type { PassageDelta, PassageDeltaAnswer } from "~/models/passage-delta.server.ts";
import type { DiscussionChange } from "~/realtime/events.ts";
import { createGroupDirectly, demoCourseId, signUp, uniqueLabel, visitor, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { connectionOutcome, nextEvent, openSocket, type ClientSocket } from "../support/socket.ts";

const ROUTE = "routes/groups.$groupId.day.$day";
let server: TestServer;
const db = () => server.database.db;
const newId = () => randomBytes(15).toString("base64url");

let groupId: string;
let otherGroupId: string;
let day: number;
let readingId: string;
let paragraph: string;
let prompt: string;
let owner: Person, ann: Person, bob: Person, cat: Person, leaver: Person, outsider: Person;
const sockets: ClientSocket[] = [];

const page = () => `/groups/${groupId}/day/${day}`;
const deltaPath = (params: Record<string, string>, group = groupId, onDay = day) => `/api/groups/${group}/day/${onDay}/passage?${new URLSearchParams(params)}`;

async function post(person: Person, fields: Record<string, string>) {
  const id = newId();
  const response = await person.client.post(page(), { id, ...fields });
  expect(response.status, `${fields.intent} by ${person.displayName}`).toBe(302);
  return id;
}
const comment = (person: Person, body: string, passageKey = paragraph) => post(person, { intent: "post", kind: "comment", readingId, passageKey, body });
const answer = (person: Person, body: string) => post(person, { intent: "post", kind: "answer", readingId, passageKey: prompt, body });
async function act(person: Person, fields: Record<string, string>) {
  const response = await person.client.post(page(), fields);
  expect(response.status, `${fields.intent} by ${person.displayName}`).toBe(302);
}

async function delta(person: Person, params: Record<string, string>): Promise<PassageDelta> {
  const response = await person.client.get(deltaPath({ threads: "1", ...params }));
  expect(response.status, `delta for ${person.displayName}`).toBe(200);
  expect(response.headers.get("cache-control")).toContain("no-store");
  const body = (await response.json()) as PassageDeltaAnswer;
  expect(body, JSON.stringify(body)).toHaveProperty("delta");
  return (body as { delta: PassageDelta }).delta;
}

/** The lesson page's own data for that passage, as its loader sends it (`.data`, the panel open). */
async function pageData(person: Person, passageKey: string, filter = "all") {
  const response = await person.client.get(`${page()}.data?open=${passageKey}${filter === "all" ? "" : `&filter=${filter}`}&_routes=${encodeURIComponent(ROUTE)}`);
  expect(response.status).toBe(200);
  const decoded = (await decode(response.body!)).value as Record<string, { data: Record<string, unknown> & { threads: Record<string, unknown>; counts: Record<string, unknown>; shown: Record<string, number>; highlights: Record<string, unknown>; answeredPrompts: string[]; keyAnswers: Array<{ passageKey: string | null }> } }>;
  return decoded[ROUTE]!.data;
}

/**
 * The delta says exactly what the page would: same threads (bodies, states, flags), counts,
 * highlights, answered, key answers. ("new" markers are compared before the page load, which records a visit.)
 */
async function expectSameAsPage(person: Person, passageKey: string, filter = "all") {
  const got = await delta(person, { key: passageKey, ...(filter === "all" ? {} : { filter }) });
  const data = await pageData(person, passageKey, filter);
  expect(got.threads, `${person.displayName}'s threads`).toEqual(data.threads[passageKey] ?? []);
  expect(got.counts).toEqual(data.counts[passageKey] ?? null);
  expect(got.shown).toEqual(data.shown[passageKey] ?? 0);
  expect(got.highlights).toEqual(data.highlights[passageKey] ?? null);
  expect(got.answered).toBe(data.answeredPrompts.includes(passageKey));
  expect(got.keyAnswers).toEqual(data.keyAnswers.filter((key) => key.passageKey === passageKey));
  return got;
}

const bodies = (value: unknown) => JSON.stringify(value);

async function connect(person: Person): Promise<ClientSocket> {
  const socket = openSocket(server.url, { cookie: person.client.cookieHeader() });
  sockets.push(socket);
  expect(await connectionOutcome(socket)).toBe("connected");
  const joined = await socket.emitWithAck("lesson:join", { groupId, day });
  expect(joined).toHaveProperty("data");
  return socket;
}

beforeAll(async () => {
  server = await startTestServer();
  const courseId = await demoCourseId(server);
  // A day of the demo course with a prompt and a paragraph.
  const reading = await db().reading.findFirstOrThrow({
    where: { lesson: { courseId }, currentRevision: { passages: { some: { kind: "prompt" } } } },
    include: { lesson: { select: { day: true } }, currentRevision: { include: { passages: { orderBy: { position: "asc" } } } } },
  });
  day = reading.lesson.day;
  readingId = reading.id;
  const passages = reading.currentRevision!.passages;
  paragraph = passages.find((passage) => passage.kind === "paragraph")!.key;
  prompt = passages.find((passage) => passage.kind === "prompt")!.key;
  [owner, ann, bob, cat, leaver, outsider] = (await Promise.all([0, 1, 2, 3, 4, 5].map(() => signUp(server)))) as unknown as [Person, Person, Person, Person, Person, Person];
  const group = await createGroupDirectly(server, uniqueLabel("Deltas"), [
    [owner, "owner"],
    [ann, "member"],
    [bob, "member"],
    [cat, "member"],
    [leaver, "member"],
  ]);
  groupId = group.id;
  otherGroupId = (await createGroupDirectly(server, uniqueLabel("Elsewhere"), [[outsider, "owner"]])).id;
});

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await server?.close();
});

describe("a live change's delta shows what the page would", () => {
  it("a new comment and a reply: the thread, its counts and its highlight, with the new markers", async () => {
    await pageData(cat, paragraph);
    const root = await post(ann, { intent: "post", kind: "question", readingId, passageKey: paragraph, body: "DELTA-QUESTION what does this mean?" });
    const replyId = await post(bob, { intent: "reply", parentId: root, body: "DELTA-REPLY it means this" });
    // Cat's page was loaded before: both are new to her, and the delta says so.
    const got = await delta(cat, { key: paragraph });
    expect(got.newIds).toEqual(expect.arrayContaining([root, replyId]));
    expect(bodies(got.threads)).toContain("DELTA-REPLY");
    for (const person of [owner, ann, bob, cat]) await expectSameAsPage(person, paragraph);
    // Without threads=1 only the margin's figures come (the page has not loaded that panel).
    const response = await cat.client.get(deltaPath({ key: paragraph }));
    expect(((await response.json()) as { delta: PassageDelta }).delta.threads).toBeNull();
  });

  it("a hidden comment: a placeholder for members, its text for its author and moderators", async () => {
    const id = await comment(ann, "DELTA-HIDDEN this does not belong");
    await act(cat, { intent: "flag", commentId: id, reason: "off topic" });
    await act(owner, { intent: "moderate", commentId: id, action: "hide" });
    const forBob = await expectSameAsPage(bob, paragraph);
    const hidden = forBob.threads!.find((thread) => thread.id === id)!;
    expect(hidden).toMatchObject({ state: "hidden", body: null, flags: 0, editCount: 0 });
    expect(bodies(forBob)).not.toContain("DELTA-HIDDEN");
    const forAnn = await expectSameAsPage(ann, paragraph);
    expect(forAnn.threads!.find((thread) => thread.id === id)!.body).toContain("DELTA-HIDDEN");
    // Moderator-only figures: the open flag (resolved by hiding) and edit counts only for moderators.
    await act(bob, { intent: "flag", commentId: id, reason: "still off topic" });
    const forOwner = await expectSameAsPage(owner, paragraph);
    expect(forOwner.threads!.find((thread) => thread.id === id)).toMatchObject({ state: "hidden", flags: 1 });
    expect((await expectSameAsPage(cat, paragraph)).threads!.find((thread) => thread.id === id)!.flags).toBe(0);
  });

  it("a concealed prompt answer: counted, never sent, until the viewer has answered — also by a redacted change's seq", async () => {
    const bobSocket = await connect(bob);
    const heard = nextEvent<DiscussionChange>(bobSocket, "discussion:changed");
    const annAnswer = await answer(ann, "DELTA-ANN-ANSWER the harbour");
    const change = await heard;
    // Bob has not answered: the event is redacted, so his page names the change by its seq.
    expect(change).toMatchObject({ commentId: "", passageKey: null, intent: "changed" });
    const bySeq = await delta(bob, { seq: String(change.seq) });
    expect(bySeq.passageKey).toBe(prompt);
    expect(bySeq.counts).toMatchObject({ concealedAnswers: 1, threads: 0 });
    expect(bySeq.threads).toEqual([]);
    expect(bodies(bySeq)).not.toContain("DELTA-ANN");
    expect(bodies(bySeq)).not.toContain(annAnswer);
    expect(bodies(bySeq.threads)).not.toContain(ann.id);
    // A reply under the concealed answer stays concealed too.
    const annReply = await post(cat, { intent: "post", kind: "answer", readingId, passageKey: prompt, body: "DELTA-CAT-ANSWER" }).then(() =>
      post(cat, { intent: "reply", parentId: annAnswer, body: "DELTA-CAT-REPLY under Ann's answer" }),
    );
    const stillHidden = await expectSameAsPage(bob, prompt);
    expect(bodies(stillHidden)).not.toMatch(/DELTA-(ANN|CAT)/);
    expect(bodies(stillHidden)).not.toContain(annReply);
    expect(stillHidden.counts).toMatchObject({ concealedAnswers: 2 });
    expect(stillHidden.answered).toBe(false);
    // Cat answered: she sees Ann's answer and her own reply; the owner sees everything.
    expect(bodies(await expectSameAsPage(cat, prompt))).toContain("DELTA-ANN-ANSWER");
    expect(bodies(await expectSameAsPage(owner, prompt))).toContain("DELTA-CAT-REPLY");
    // Bob answers: now the delta reveals them, as the page does.
    await answer(bob, "DELTA-BOB-ANSWER");
    const revealed = await expectSameAsPage(bob, prompt);
    expect(revealed.answered).toBe(true);
    expect(bodies(revealed)).toContain("DELTA-ANN-ANSWER");
    expect(bodies(revealed)).toContain("DELTA-CAT-REPLY");
  });

  it("an answer pinned to the lesson comes as the passage's key answer", async () => {
    const id = await comment(cat, "DELTA-KEY-ANSWER worth keeping");
    await act(owner, { intent: "pin", commentId: id, scope: "lesson" });
    const got = await expectSameAsPage(bob, paragraph);
    expect(got.keyAnswers.map((key) => key.id)).toContain(id);
  });

  it("a member who left: their comments stay as on the page, they leave the members list, and they are refused", async () => {
    const id = await comment(leaver, "DELTA-LEAVER before leaving");
    const leaverSocket = await connect(leaver);
    expect((await delta(leaver, { key: paragraph })).threads!.some((thread) => thread.id === id)).toBe(true);
    await db().membership.delete({ where: { groupId_userId: { groupId, userId: leaver.id } } });
    const got = await expectSameAsPage(bob, paragraph);
    expect(got.threads!.find((thread) => thread.id === id)!.author.displayName).toBe(leaver.displayName);
    expect(got.members.map((member) => member.id)).not.toContain(leaver.id);
    const refused = await leaver.client.get(deltaPath({ key: paragraph, threads: "1" }));
    expect(refused.status).toBe(404);
    expect(await refused.text()).not.toContain("DELTA-");
    leaverSocket.disconnect();
  });
});

describe("who may ask for a delta", () => {
  it("a member of another group is refused as if the group did not exist, and cannot use it to read another group's changes", async () => {
    const id = await comment(ann, "DELTA-PRIVATE to this group");
    const refused = await outsider.client.get(deltaPath({ key: paragraph, threads: "1" }));
    expect(refused.status).toBe(404);
    expect(await refused.text()).not.toContain("DELTA-PRIVATE");
    // Asking in their own group for this group's change (by its seq) places nothing of it.
    const event = await db().lessonEvent.findFirstOrThrow({ where: { commentId: id } });
    const own = await outsider.client.get(deltaPath({ seq: String(event.id), threads: "1" }, otherGroupId));
    expect(own.status).toBe(200);
    const body = await own.text();
    expect(body).not.toContain("DELTA-PRIVATE");
    expect(JSON.parse(body)).toMatchObject({ reload: true });
  });

  it("signed out: 401, nothing of the discussion", async () => {
    const response = await visitor(server).get(deltaPath({ key: paragraph, threads: "1" }));
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain("DELTA-");
  });

  it("a day locked for members: 403 for them, open to moderators", async () => {
    const courseId = await demoCourseId(server);
    const today = new Date().toISOString().slice(0, 10);
    const locked = await db().group.create({ data: { courseId, name: uniqueLabel("Locked"), paceMode: "scheduled", startDate: today, daysPerWeek: 5, timeZone: "UTC", lockAhead: true } });
    await db().membership.createMany({ data: [{ groupId: locked.id, userId: ann.id, role: "member" }, { groupId: locked.id, userId: owner.id, role: "owner" }] });
    const ahead = await ann.client.get(deltaPath({ key: paragraph }, locked.id, 2));
    expect(ahead.status).toBe(403);
    const asOwner = await owner.client.get(deltaPath({ key: paragraph }, locked.id, 2));
    expect([200]).toContain(asOwner.status);
  });

  it("malformed requests are refused; a change off the current text asks for a full load", async () => {
    for (const params of [{}, { key: "bad key!" }, { key: paragraph, filter: "everything" }, { seq: "-1" }, { key: paragraph, seq: "1" }] as Record<string, string>[]) {
      const response = await ann.client.get(deltaPath(params));
      expect(response.status, JSON.stringify(params)).toBe(400);
    }
    const missing = await ann.client.get(deltaPath({ key: "no-such-passage" }));
    expect(await missing.json()).toMatchObject({ reload: true });
    const unknown = await ann.client.get(deltaPath({ seq: "999999999" }));
    expect(await unknown.json()).toMatchObject({ reload: true });
    expect((await ann.client.get(`/api/groups/${groupId}/day/abc/passage?key=${paragraph}`)).status).toBe(404);
  });

  it("filters apply as on the page", async () => {
    for (const filter of ["open", "pinned", "mine"]) await expectSameAsPage(ann, paragraph, filter);
  });
});

describe("the catch-up cursor with deltas", () => {
  it("a page that missed changes while away fetches their passages' deltas, then adopts the join's cursor; asking again finds nothing", async () => {
    const ids = (threads: Array<{ id: string; replies: unknown[] }>): string[] =>
      threads.flatMap((thread) => [thread.id, ...ids(thread.replies as Array<{ id: string; replies: unknown[] }>)]).sort();
    const truth = async () => (await db().comment.findMany({ where: { groupId, passageKey: paragraph, deletedAt: null, hiddenAt: null }, select: { id: true } })).map((row) => row.id).sort();
    // Bob's page: loaded (its cursor), connected; its view of the paragraph's panel.
    const loaded = await pageData(bob, paragraph);
    const cursor = new CatchUpCursor((loaded.live as { cursor: number }).cursor);
    let view = ids((await delta(bob, { key: paragraph })).threads!.filter((thread) => thread.state === "visible"));
    const socket = await connect(bob);
    // A change heard live: its delta brings it (the cursor stays with the loaded data).
    const heard = nextEvent<DiscussionChange>(socket, "discussion:changed");
    const live = await comment(ann, "DELTA-LIVE heard while connected");
    const change = await heard;
    expect(cursor.heard(change)).toBe(true);
    const target = targetOf(change);
    expect(target).toEqual({ passageKey: paragraph });
    view = ids((await delta(bob, { key: paragraph })).threads!.filter((thread) => thread.state === "visible"));
    expect(view).toContain(live);
    // Away: two comments on the paragraph, one on another passage.
    socket.disconnect();
    const away = [await comment(ann, "DELTA-AWAY one"), await comment(cat, "DELTA-AWAY two"), await comment(cat, "DELTA-AWAY elsewhere", prompt)];
    const again = await connect(bob);
    const answer = await again.emitWithAck("lesson:join", { groupId, day, after: cursor.value });
    if (!("data" in answer) || !answer.data.missed) throw new Error(JSON.stringify(answer));
    const missed = answer.data.missed;
    expect(missed.complete).toBe(true);
    expect(cursor.rejoined(missed)).toBe(true);
    expect(missed.changes.map((entry) => entry.commentId)).toEqual(expect.arrayContaining([live, ...away]));
    const targets = targetsOf(missed.changes.filter((entry) => entry.seq > cursor.value))!;
    expect(targets).toEqual(expect.arrayContaining([{ passageKey: paragraph }]));
    for (const each of targets) {
      const got = await delta(bob, "passageKey" in each ? { key: each.passageKey } : { seq: String(each.seq) });
      if (got.passageKey === paragraph) view = ids(got.threads!.filter((thread) => thread.state === "visible"));
    }
    cursor.loaded(missed.cursor);
    expect(view).toEqual(await truth());
    const after = await again.emitWithAck("lesson:join", { groupId, day, after: cursor.value });
    expect(after).toMatchObject({ data: { missed: { changes: [], complete: true } } });
  });
});
