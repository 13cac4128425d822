/**
 * The client-chosen id of a post is its idempotency key, also when the same post arrives several
 * times at once (a double click, a resend on reconnect racing the first try): every copy gets the
 * answer the first one got, one row is stored, and its side effects (notifications, the lesson's
 * change log, broadcasts) happen once. The same id from someone else, or for another target, is
 * refused with a 409 and changes nothing. Comments, replies, prompt answers and live-session
 * questions, through the real routes, on SQLite and (npm run test:pg) PostgreSQL, where the race is real.
 */
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mentionHandle } from "~/content/comment-markdown.ts";
import type { DiscussionChange } from "~/realtime/events.ts";
import { createGroupDirectly, signUp, uniqueLabel, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { collect, connectionOutcome, openSocket, type ClientSocket } from "../support/socket.ts";

let server: TestServer;
const db = () => server.database.db;
const newId = () => randomBytes(15).toString("base64url");
const sockets: ClientSocket[] = [];

let ada: Person;
let bo: Person;
let cy: Person;
let mod: Person;
let groupId: string;
let page: string;
let paragraphs: { key: string; readingId: string }[];
let promptPassages: { key: string; readingId: string }[];

beforeAll(async () => {
  server = await startTestServer();
  const named = (name: string) => signUp(server, { displayName: uniqueLabel(name) });
  [ada, bo, cy, mod] = await Promise.all([named("Ada"), named("Bo"), named("Cy"), named("Mo")]);
  const group = await createGroupDirectly(server, uniqueLabel("Race circle"), [
    [mod, "owner"],
    [ada, "member"],
    [bo, "member"],
    [cy, "member"],
  ]);
  groupId = group.id;
  page = `/groups/${groupId}/day/1`;
  const lesson = await db().lesson.findFirstOrThrow({
    where: { courseId: group.courseId, day: 1 },
    include: { readings: { orderBy: { position: "asc" }, include: { currentRevision: { include: { passages: { orderBy: { position: "asc" } } } } } } },
  });
  const passages = lesson.readings.flatMap((reading) => reading.currentRevision!.passages.map((passage) => ({ key: passage.key, kind: passage.kind, readingId: reading.id })));
  paragraphs = passages.filter((passage) => passage.kind === "paragraph");
  promptPassages = passages.filter((passage) => passage.kind === "prompt");
  expect(paragraphs.length).toBeGreaterThan(2);
  expect(promptPassages.length).toBeGreaterThan(0);
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(async () => {
  await server?.close();
});

const mention = (person: Person) => `@${mentionHandle(person.displayName)}`;

function commentFields(fields: Record<string, string> & { id: string; body: string }) {
  const passage = paragraphs[0]!;
  return { intent: "post", kind: "comment", readingId: passage.readingId, passageKey: passage.key, ...fields };
}

/** `times` copies of one form post, all sent at once; their statuses and redirects. */
async function atOnce(person: Person, path: string, fields: Record<string, string>, times: number) {
  const responses = await Promise.all(Array.from({ length: times }, () => person.client.post(path, fields)));
  return Promise.all(
    responses.map(async (response) => ({ status: response.status, location: response.headers.get("location"), body: response.status === 302 ? "" : await response.text() })),
  );
}

/** Everything a post may leave behind, keyed by the comment id. */
async function traces(commentId: string) {
  const [rows, notifications, events] = await Promise.all([
    db().comment.findMany({ where: { id: commentId }, select: { authorId: true, body: true, parentId: true, kind: true } }),
    db().notification.findMany({ where: { commentId }, select: { userId: true, type: true } }),
    db().lessonEvent.findMany({ where: { commentId }, select: { intent: true, actorId: true } }),
  ]);
  return { rows, notifications: notifications.sort((a, b) => a.type.localeCompare(b.type)), events };
}

/** A socket in the lesson's room, collecting the discussion changes it hears. */
async function listening(who: Person) {
  const socket = openSocket(server.url, { cookie: who.client.cookieHeader() });
  sockets.push(socket);
  expect(await connectionOutcome(socket)).toBe("connected");
  const answer = await socket.emitWithAck("lesson:join", { groupId, day: 1 });
  expect("data" in answer, JSON.stringify(answer)).toBe(true);
  return collect<DiscussionChange & { groupId: string }>(socket, "discussion:changed");
}

/**
 * Waits until every broadcast sent before now has reached `heard`: the server announces a change
 * before it answers the request, and one socket delivers in order, so once a comment posted after
 * them is heard, so is everything before it.
 */
async function settle(heard: { seen: DiscussionChange[] }) {
  const id = newId();
  expect((await ada.client.post(page, commentFields({ id, body: "A later comment, to know the earlier news is in" }))).status).toBe(302);
  await expect.poll(() => heard.seen.some((change) => change.commentId === id), { timeout: 10_000 }).toBe(true);
}

describe.each([2, 10])("the same post sent %i times at once", (times) => {
  it("a comment: every copy is redirected to it, one row, one mention, one change, one broadcast", async () => {
    const heard = await listening(cy);
    const id = newId();
    const answers = await atOnce(ada, page, commentFields({ id, body: `Racing ${times} ways, ${mention(bo)}` }), times);
    expect(answers).toEqual(Array.from({ length: times }, () => ({ status: 302, location: `${page}#c-${id}`, body: "" })));
    expect(await traces(id)).toEqual({
      rows: [{ authorId: ada.id, body: `Racing ${times} ways, ${mention(bo)}`, parentId: null, kind: "comment" }],
      notifications: [{ userId: bo.id, type: "mention" }],
      events: [{ intent: "post", actorId: ada.id }],
    });
    await settle(heard);
    expect(heard.seen.filter((change) => change.commentId === id)).toHaveLength(1);
  });

  it("a comment with JavaScript (_js=1): every copy answers 200 with the comment id", async () => {
    const id = newId();
    const responses = await Promise.all(
      Array.from({ length: times }, () => ada.client.post(`${page}.data`, { ...commentFields({ id, body: `Fetched ${times} ways` }), _js: "1" })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: times }, () => 200));
    for (const response of responses) expect(await response.text()).toContain(id);
    const { rows, events } = await traces(id);
    expect(rows).toHaveLength(1);
    expect(events).toHaveLength(1);
  });

  it("a reply: every copy is redirected to it, one row, one reply notification, one mention, one change", async () => {
    const parentId = newId();
    expect((await bo.client.post(page, commentFields({ id: parentId, body: `Parent for ${times}` }))).status).toBe(302);
    const heard = await listening(cy);
    const id = newId();
    const answers = await atOnce(ada, page, { intent: "reply", id, parentId, body: `Reply racing ${times} ways, ${mention(cy)}` }, times);
    expect(answers).toEqual(Array.from({ length: times }, () => ({ status: 302, location: `${page}#c-${id}`, body: "" })));
    expect(await traces(id)).toEqual({
      rows: [{ authorId: ada.id, body: `Reply racing ${times} ways, ${mention(cy)}`, parentId, kind: "comment" }],
      notifications: [
        { userId: cy.id, type: "mention" },
        { userId: bo.id, type: "reply" },
      ],
      events: [{ intent: "reply", actorId: ada.id }],
    });
    await settle(heard);
    expect(heard.seen.filter((change) => change.commentId === id)).toHaveLength(1);
  });

  it("a prompt answer: every copy is redirected to it, one row, one change, and it counts once", async () => {
    const passage = promptPassages[0]!;
    const id = newId();
    const person = times === 2 ? ada : bo;
    const answers = await atOnce(person, page, { intent: "post", kind: "answer", id, readingId: passage.readingId, passageKey: passage.key, body: `My answer, ${mention(mod)}` }, times);
    expect(answers).toEqual(Array.from({ length: times }, () => ({ status: 302, location: `${page}#c-${id}`, body: "" })));
    expect(await traces(id)).toEqual({
      rows: [{ authorId: person.id, body: `My answer, ${mention(mod)}`, parentId: null, kind: "answer" }],
      notifications: [{ userId: mod.id, type: "mention" }],
      events: [{ intent: "post", actorId: person.id }],
    });
    expect(await db().comment.count({ where: { groupId, authorId: person.id, kind: "answer", passageKey: passage.key } })).toBe(1);
  });

  it("a live-session question: every copy is redirected back, one question in the queue", async () => {
    const session = await runningSession();
    const id = newId();
    const redirectTo = `/groups/${groupId}/sessions/${session.id}`;
    const answers = await atOnce(ada, `/groups/${groupId}/sessions`, { intent: "ask", sessionId: session.id, id, body: `Why ${times} times?`, redirectTo }, times);
    expect(answers).toEqual(Array.from({ length: times }, () => ({ status: 302, location: redirectTo, body: "" })));
    expect(await db().sessionQuestion.findMany({ where: { id }, select: { authorId: true, sessionId: true, body: true } })).toEqual([
      { authorId: ada.id, sessionId: session.id, body: `Why ${times} times?` },
    ]);
  });
});

/** The group's running session, started by the owner when there is none. */
async function runningSession() {
  const running = await db().liveSession.findFirst({ where: { groupId, endedAt: null, startedAt: { not: null } } });
  if (running) return running;
  const response = await mod.client.post(`/groups/${groupId}/sessions`, { intent: "start", day: "1" });
  expect(response.status, "starting a session").toBe(302);
  return db().liveSession.findFirstOrThrow({ where: { groupId, endedAt: null, startedAt: { not: null } } });
}

describe("the same id from someone else", () => {
  it("a comment: 409, and the first one's row, notifications and change log are untouched", async () => {
    const id = newId();
    expect((await ada.client.post(page, commentFields({ id, body: `Mine, ${mention(cy)}` }))).status).toBe(302);
    const before = await traces(id);
    const [stolen] = await atOnce(bo, page, commentFields({ id, body: `Not yours, ${mention(mod)}` }), 1);
    expect(stolen!.status).toBe(409);
    expect(stolen!.body).toContain("That comment id is taken");
    expect(await traces(id)).toEqual(before);
  });

  it("a reply or a prompt answer: 409, nothing changed", async () => {
    const parentId = newId();
    expect((await cy.client.post(page, commentFields({ id: parentId, body: "A parent" }))).status).toBe(302);
    const id = newId();
    expect((await ada.client.post(page, { intent: "reply", id, parentId, body: "First reply" })).status).toBe(302);
    const before = await traces(id);
    expect((await bo.client.post(page, { intent: "reply", id, parentId, body: "Second reply" })).status).toBe(409);
    const passage = promptPassages[0]!;
    expect((await bo.client.post(page, { intent: "post", kind: "answer", id, readingId: passage.readingId, passageKey: passage.key, body: "An answer" })).status).toBe(409);
    expect(await traces(id)).toEqual(before);
  });

  it("the same person, the same id, another target: 409, nothing changed", async () => {
    const [first, second] = [newId(), newId()];
    for (const parentId of [first, second]) expect((await cy.client.post(page, commentFields({ id: parentId, body: `Parent ${parentId}` }))).status).toBe(302);
    const id = newId();
    expect((await ada.client.post(page, { intent: "reply", id, parentId: first, body: "To the first" })).status).toBe(302);
    const before = await traces(id);
    expect((await ada.client.post(page, { intent: "reply", id, parentId: second, body: "To the second" })).status).toBe(409);
    expect((await ada.client.post(page, commentFields({ id, body: "As a comment" }))).status).toBe(409);
    expect(await traces(id)).toEqual(before);
  });

  it("two people racing with one id: one is answered as the author, the other gets a 409; one row, its side effects once", async () => {
    const id = newId();
    const [fromAda, fromBo] = await Promise.all([
      atOnce(ada, page, commentFields({ id, body: `Ada's, ${mention(cy)}` }), 3),
      atOnce(bo, page, commentFields({ id, body: `Bo's, ${mention(cy)}` }), 3),
    ]);
    const rows = await db().comment.findMany({ where: { id }, select: { authorId: true } });
    expect(rows).toHaveLength(1);
    const [winner, loser] = rows[0]!.authorId === ada.id ? [fromAda, fromBo] : [fromBo, fromAda];
    expect(winner.map((answer) => answer.status)).toEqual([302, 302, 302]);
    expect(loser.map((answer) => answer.status)).toEqual([409, 409, 409]);
    const { notifications, events } = await traces(id);
    expect(notifications).toEqual([{ userId: cy.id, type: "mention" }]);
    expect(events).toEqual([{ intent: "post", actorId: rows[0]!.authorId }]);
  });

  it("a live-session question: 409, nothing changed; racing, one wins", async () => {
    const session = await runningSession();
    const ask = (who: Person, id: string, body: string) =>
      atOnce(who, `/groups/${groupId}/sessions`, { intent: "ask", sessionId: session.id, id, body, redirectTo: `/groups/${groupId}/sessions/${session.id}` }, 1).then(
        (answers) => answers[0]!,
      );
    const id = newId();
    expect((await ask(ada, id, "Ada asks")).status).toBe(302);
    const taken = await ask(bo, id, "Bo asks");
    expect(taken.status).toBe(409);
    expect(taken.body).toContain("That question id is taken");
    expect(await db().sessionQuestion.findMany({ where: { id }, select: { authorId: true, body: true } })).toEqual([{ authorId: ada.id, body: "Ada asks" }]);

    const raced = newId();
    const [fromAda, fromBo] = await Promise.all([
      atOnce(ada, `/groups/${groupId}/sessions`, { intent: "ask", sessionId: session.id, id: raced, body: "Ada races" }, 3),
      atOnce(bo, `/groups/${groupId}/sessions`, { intent: "ask", sessionId: session.id, id: raced, body: "Bo races" }, 3),
    ]);
    const rows = await db().sessionQuestion.findMany({ where: { id: raced }, select: { authorId: true } });
    expect(rows).toHaveLength(1);
    const [winner, loser] = rows[0]!.authorId === ada.id ? [fromAda, fromBo] : [fromBo, fromAda];
    expect(winner.map((answer) => answer.status)).toEqual([302, 302, 302]);
    expect(loser.map((answer) => answer.status)).toEqual([409, 409, 409]);
  });
});
