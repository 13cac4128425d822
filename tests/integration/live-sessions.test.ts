/**
 * Live sessions through the real server: HTTP forms as a browser sends them (with and without
 * JavaScript), and real socket.io-client connections for what everyone in the lesson sees at once —
 * the session starting, questions and upvotes, the spotlight, shared reading positions (batched, only
 * to the group, only during a session, gone when it ends), the group home's live badge, the summary
 * that remains, and every refusal (signed-out, another group, a plain member for moderator actions)
 * changing nothing.
 */
import { randomBytes } from "node:crypto";
import { decode } from "turbo-stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LiveSessionView, PositionChange, PresencePerson } from "~/realtime/events.ts";
import type { SessionActionData } from "~/actions/live-session-forms.server.ts";
import { createGroupDirectly, readPage, signUp, uniqueLabel, visitor, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { arrivesWithin, collect, connectionOutcome, nextEvent, openSocket, type ClientSocket } from "../support/socket.ts";

let server: TestServer;
const db = () => server.database.db;
const sockets: ClientSocket[] = [];
const newId = () => randomBytes(15).toString("base64url");
/** A wall-clock time `days` from now, as a datetime-local field sends it (sessions are scheduled at most a year ahead). */
const inDays = (days: number, time = "10:00") => `${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)}T${time}`;
/** The next 15 January (within a year): Paris is on UTC+1 then. */
const nextJanuary15 = () => {
  const now = new Date();
  const year = now.getUTCMonth() === 0 && now.getUTCDate() < 14 ? now.getUTCFullYear() : now.getUTCFullYear() + 1;
  return `${year}-01-15`;
};

let owner: Person;
let mod: Person;
let ada: Person;
let bo: Person;
let cy: Person;
let xena: Person;
/** Day 1's passages in reading order. */
let passages: { key: string; kind: string; text: string; readingId: string }[];

beforeAll(async () => {
  server = await startTestServer({ realtimeTimings: { positionWindowMs: 200, sessionCoalesceMs: 30, presenceCoalesceMs: 30 } });
  const named = (name: string) => signUp(server, { displayName: uniqueLabel(name) });
  [owner, mod, ada, bo, cy, xena] = await Promise.all([named("Olga"), named("Mo"), named("Ada"), named("Bo"), named("Cy"), named("Xena")]);
  const lesson = await db().lesson.findFirstOrThrow({
    where: { day: 1, course: { slug: "how-databases-keep-promises" } },
    include: { readings: { orderBy: { position: "asc" }, include: { currentRevision: { include: { passages: { orderBy: { position: "asc" } } } } } } },
  });
  passages = lesson.readings.flatMap((reading) => reading.currentRevision!.passages.map((passage) => ({ key: passage.key, kind: passage.kind, text: passage.text, readingId: reading.id })));
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(async () => {
  await server?.close();
});

/** A fresh group for each test: Olga owns it, Mo moderates, Ada, Bo and Cy are members; Xena has a group of her own. */
async function groups() {
  const g = await createGroupDirectly(server, uniqueLabel("Live circle"), [
    [owner, "owner"],
    [mod, "moderator"],
    [ada, "member"],
    [bo, "member"],
    [cy, "member"],
  ]);
  const h = await createGroupDirectly(server, uniqueLabel("Elsewhere"), [[xena, "owner"]]);
  return { g: g.id, h: h.id };
}

async function connect(who: Person) {
  const socket = openSocket(server.url, { cookie: who.client.cookieHeader() });
  sockets.push(socket);
  expect(await connectionOutcome(socket)).toBe("connected");
  return socket;
}

async function inLesson(who: Person, groupId: string, day = 1) {
  const socket = await connect(who);
  const answer = await socket.emitWithAck("lesson:join", { groupId, day });
  if (!("data" in answer)) throw new Error(`join failed: ${JSON.stringify(answer)}`);
  return { socket, joined: answer.data };
}

/** A session form as the lesson page's scripts send it (a fetcher: `.data`, `_js=1`): the decoded answer. */
async function act(who: Person, groupId: string, fields: Record<string, string>) {
  const response = await who.client.post(`/groups/${groupId}/sessions.data`, { ...fields, _js: "1" });
  if (!response.body) throw new Error(`no body (${response.status})`);
  const decoded = (await decode(response.body)).value as { data?: SessionActionData };
  if (!decoded?.data) throw new Error(`unexpected answer (${response.status}): ${JSON.stringify(decoded)}`);
  return { status: response.status, body: decoded.data };
}

async function start(groupId: string, day = 1, by = mod) {
  const response = await by.client.post(`/groups/${groupId}/sessions`, { intent: "start", day: String(day) });
  expect(response.status, "starting a session").toBe(302);
  return db().liveSession.findFirstOrThrow({ where: { groupId, endedAt: null, startedAt: { not: null } } });
}

const sessionUpdate = (socket: ClientSocket, accept: (session: LiveSessionView) => boolean, timeoutMs = 4000) =>
  nextEvent<{ session: LiveSessionView }>(socket, "session:update", (payload) => accept(payload.session), timeoutMs).then((payload) => payload.session);

describe("starting a session", () => {
  it("shows it live on the lesson and the group home at once, to the group only", async () => {
    const { g, h } = await groups();
    const { socket: adaSocket, joined } = await inLesson(ada, g);
    expect(joined.session).toBeNull();
    const boHome = await connect(bo);
    expect(await boHome.emitWithAck("group:watch", { groupId: g })).toEqual({ data: { live: null } });
    const { socket: xenaSocket } = await inLesson(xena, h);
    const xenaHears = arrivesWithin(xenaSocket, "session:update", 1500);

    const adaSees = sessionUpdate(adaSocket, (session) => session.status === "live");
    const boSees = nextEvent<{ groupId: string; live: { day: number; facilitator: string } | null }>(boHome, "group:session", (payload) => payload.live !== null);
    const response = await mod.client.post(`/groups/${g}/sessions`, { intent: "start", day: "1", title: "Evening chat" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/groups/${g}/day/1`);

    const session = await adaSees;
    expect(session).toMatchObject({ day: 1, title: "Evening chat", status: "live", facilitator: { id: mod.id, displayName: mod.displayName }, spotlight: null, questions: [] });
    expect(session.attendance.map((entry) => entry.userId)).toEqual([mod.id]);
    expect((await boSees).live).toMatchObject({ day: 1, facilitator: mod.displayName });
    expect(await xenaHears).toBe(false);

    const home = await readPage(await ada.client.get(`/groups/${g}`));
    expect(home.text).toContain("Live now");
    expect(home.text).toContain("Join the live session");
    const lesson = await readPage(await ada.client.get(`/groups/${g}/day/1`));
    expect(lesson.text).toContain("Join the session");
    expect(lesson.text).toContain(`With ${mod.displayName}`);
    // Someone arriving later gets the session with the join.
    const { joined: later } = await inLesson(cy, g);
    expect(later.session).toMatchObject({ id: session.id, status: "live" });
  });

  it("lets one session run at a time, and says so", async () => {
    const { g } = await groups();
    await start(g);
    const again = await owner.client.post(`/groups/${g}/sessions`, { intent: "start", day: "2" });
    expect(again.status).toBe(409);
    expect((await readPage(again)).text).toContain("A live session is already running in this group: end it before starting another.");
    expect(await db().liveSession.count({ where: { groupId: g } })).toBe(1);
  });

  it("refuses a day without a lesson and malformed days with the field's message", async () => {
    const { g } = await groups();
    const noLesson = await act(mod, g, { intent: "start", day: "55" });
    expect(noLesson).toMatchObject({ status: 400, body: { ok: false, error: "Day 55 has no lesson to meet about." } });
    const malformed = await act(mod, g, { intent: "start", day: "first" });
    expect(malformed).toMatchObject({ status: 400, body: { ok: false, error: "Choose a day." } });
    const unknown = await act(mod, g, { intent: "launch" });
    expect(unknown).toMatchObject({ status: 400, body: { ok: false, error: "Unknown action." } });
    expect(await db().liveSession.count({ where: { groupId: g } })).toBe(0);
  });
});

describe("the question queue", () => {
  it("collects questions with live upvotes: one vote per person, never on one's own, retries ask once", async () => {
    const { g } = await groups();
    const session = await start(g);
    const { socket: boSocket } = await inLesson(bo, g);
    expect((await act(ada, g, { intent: "join", sessionId: session.id })).body.session?.attendance.map((entry) => entry.userId)).toEqual([mod.id, ada.id]);

    const id = newId();
    const boSeesQuestion = sessionUpdate(boSocket, (view) => view.questions.length === 1);
    const asked = await act(ada, g, { intent: "ask", sessionId: session.id, id, body: "  Why does the   log come first? " });
    expect(asked).toMatchObject({ status: 200, body: { ok: true } });
    expect((await boSeesQuestion).questions[0]).toMatchObject({ id, body: "Why does the log come first?", votes: 0, answered: false, author: { id: ada.id } });
    // The same question sent again (a retry) is not asked twice.
    expect((await act(ada, g, { intent: "ask", sessionId: session.id, id, body: "Why does the log come first?" })).status).toBe(200);
    expect(await db().sessionQuestion.count({ where: { sessionId: session.id } })).toBe(1);

    const adaSocket = (await inLesson(ada, g)).socket;
    const adaSeesVote = sessionUpdate(adaSocket, (view) => view.questions[0]?.votes === 1);
    const voted = await act(bo, g, { intent: "vote", sessionId: session.id, questionId: id });
    expect(voted.body.myVotes).toEqual([id]);
    await adaSeesVote;
    expect(await act(ada, g, { intent: "vote", sessionId: session.id, questionId: id })).toMatchObject({ status: 400, body: { error: "You cannot upvote your own question." } });
    // Upvoting again takes the vote back.
    const unvoted = await act(bo, g, { intent: "vote", sessionId: session.id, questionId: id });
    expect(unvoted.body.myVotes).toEqual([]);
    expect(unvoted.body.session?.questions[0]?.votes).toBe(0);

    expect(await act(ada, g, { intent: "ask", sessionId: session.id, id: newId(), body: "   " })).toMatchObject({ status: 400, body: { error: "Write your question first." } });
    expect(await act(ada, g, { intent: "ask", sessionId: session.id, id: newId(), body: "x".repeat(301) })).toMatchObject({ status: 400, body: { error: "Keep a question under 300 characters." } });
    expect(await act(ada, g, { intent: "ask", sessionId: session.id, id: "short", body: "Hm?" })).toMatchObject({ status: 400, body: { error: "Malformed comment id: reload the page and try again." } });
  });

  it("lets the facilitator mark answered and dismiss; members may only withdraw their own", async () => {
    const { g } = await groups();
    const session = await start(g);
    const mine = newId();
    const theirs = newId();
    await act(ada, g, { intent: "ask", sessionId: session.id, id: mine, body: "What is a checkpoint?" });
    await act(bo, g, { intent: "ask", sessionId: session.id, id: theirs, body: "Is fsync slow?" });
    expect(await act(ada, g, { intent: "answered", sessionId: session.id, questionId: theirs })).toMatchObject({ status: 403, body: { error: "Only the group's moderators can do that." } });
    expect(await act(ada, g, { intent: "dismiss", sessionId: session.id, questionId: theirs })).toMatchObject({
      status: 403,
      body: { error: "Only the facilitator or the person who asked can take a question out of the queue." },
    });
    const answered = await act(mod, g, { intent: "answered", sessionId: session.id, questionId: theirs });
    // Open questions first, answered ones after.
    expect(answered.body.session?.questions.map((question) => [question.id, question.answered])).toEqual([
      [mine, false],
      [theirs, true],
    ]);
    const withdrawn = await act(ada, g, { intent: "dismiss", sessionId: session.id, questionId: mine });
    expect(withdrawn.body.session?.questions.map((question) => question.id)).toEqual([theirs]);
    expect((await act(mod, g, { intent: "reopen", sessionId: session.id, questionId: theirs })).body.session?.questions[0]?.answered).toBe(false);
  });
});

describe("the spotlight", () => {
  it("the facilitator gathers everyone at a passage; members cannot; passages of other lessons are refused", async () => {
    const { g } = await groups();
    const session = await start(g);
    const { socket: adaSocket } = await inLesson(ada, g);
    const target = passages.find((passage) => passage.kind === "paragraph")!;
    const seen = sessionUpdate(adaSocket, (view) => view.spotlight !== null);
    expect((await act(mod, g, { intent: "spotlight", sessionId: session.id, passageKey: target.key })).status).toBe(200);
    expect((await seen).spotlight).toMatchObject({ passageKey: target.key });
    expect(await act(ada, g, { intent: "spotlight", sessionId: session.id, passageKey: passages[0]!.key })).toMatchObject({ status: 403 });
    expect(await act(mod, g, { intent: "spotlight", sessionId: session.id, passageKey: "0123456789abcdef" })).toMatchObject({
      status: 400,
      body: { error: "That passage is not in this lesson (it may have just been revised): reload the page." },
    });
    // A late arrival sees where everyone is asked to gather.
    const { joined } = await inLesson(cy, g);
    expect(joined.session?.spotlight?.passageKey).toBe(target.key);
    // Without JavaScript the form comes back to the passage.
    const plain = await mod.client.post(`/groups/${g}/sessions`, { intent: "spotlight", sessionId: session.id, passageKey: "", redirectTo: `/groups/${g}/day/1#p-${target.key}` });
    expect(plain.status).toBe(302);
    expect(plain.headers.get("location")).toBe(`/groups/${g}/day/1#p-${target.key}`);
    expect((await db().liveSession.findUniqueOrThrow({ where: { id: session.id } })).spotlightKey).toBeNull();
  });
});

describe("shared reading positions", () => {
  it("are refused outside a live session, batched during one, only to the group, and forgotten when it ends", async () => {
    const { g, h } = await groups();
    const { socket: adaSocket } = await inLesson(ada, g);
    const { socket: boSocket } = await inLesson(bo, g);
    const { socket: xenaSocket } = await inLesson(xena, h);
    const key = (index: number) => passages[index % passages.length]!.key;
    expect(await adaSocket.emitWithAck("position:update", { groupId: g, day: 1, passageKey: key(1) })).toEqual({
      error: { code: "forbidden", message: "Reading positions are shared only during a live session." },
    });

    await start(g);
    await sessionUpdate(adaSocket, (view) => view.status === "live");
    const batches = collect<{ positions: PositionChange[] }>(boSocket, "positions:update");
    const xenaHears = arrivesWithin(xenaSocket, "positions:update", 1500);
    // A burst of scrolling: 20 positions at once.
    const arrived = nextEvent<{ positions: PositionChange[] }>(boSocket, "positions:update", (payload) =>
      payload.positions.some((change) => change.userId === ada.id && change.passageKey === key(19)),
    );
    const acks = await Promise.all(Array.from({ length: 20 }, (_, index) => adaSocket.emitWithAck("position:update", { groupId: g, day: 1, passageKey: key(index) })));
    expect(acks).toEqual(Array.from({ length: 20 }, () => ({ data: { ok: true } })));
    await arrived;
    batches.stop();
    // A few batches, not twenty messages; the last says where Ada is now.
    expect(batches.seen.length).toBeGreaterThanOrEqual(1);
    expect(batches.seen.length).toBeLessThanOrEqual(3);
    const last = batches.seen.at(-1)!.positions.filter((change) => change.userId === ada.id).at(-1);
    expect(last).toEqual({ userId: ada.id, passageKey: key(19) });
    expect(await xenaHears).toBe(false);

    // Someone arriving now sees Ada's position with the presence.
    const { joined } = await inLesson(cy, g);
    expect(joined.present.find((person: PresencePerson) => person.userId === ada.id)?.passageKey).toBe(key(19));

    // Ada stops sharing: the others hear it.
    const stopped = nextEvent<{ positions: PositionChange[] }>(boSocket, "positions:update", (payload) => payload.positions.some((change) => change.userId === ada.id && change.passageKey === null));
    await adaSocket.emitWithAck("position:update", { groupId: g, day: 1, passageKey: null });
    await stopped;
    await adaSocket.emitWithAck("position:update", { groupId: g, day: 1, passageKey: key(3) });

    // The session ends: positions are gone from the server, and new ones are refused.
    const session = await db().liveSession.findFirstOrThrow({ where: { groupId: g, endedAt: null } });
    const ended = sessionUpdate(boSocket, (view) => view.status === "ended");
    expect((await mod.client.post(`/groups/${g}/sessions`, { intent: "end", sessionId: session.id })).status).toBe(302);
    await ended;
    expect(await adaSocket.emitWithAck("position:update", { groupId: g, day: 1, passageKey: key(4) })).toMatchObject({ error: { code: "forbidden" } });
    const { joined: afterwards } = await inLesson(owner, g);
    expect(afterwards.present.every((person: PresencePerson) => person.passageKey === undefined)).toBe(true);
  });
});

describe("the summary", () => {
  it("keeps attendance, the questions raised and answered, and the answers pinned during the session", async () => {
    const { g } = await groups();
    const session = await start(g);
    await act(ada, g, { intent: "join", sessionId: session.id });
    await act(bo, g, { intent: "join", sessionId: session.id });
    const first = newId();
    await act(ada, g, { intent: "ask", sessionId: session.id, id: first, body: "Does the log ever shrink?" });
    await act(bo, g, { intent: "ask", sessionId: session.id, id: newId(), body: "What if the disk lies?" });
    await act(bo, g, { intent: "vote", sessionId: session.id, questionId: first });
    await act(mod, g, { intent: "answered", sessionId: session.id, questionId: first });
    // Ada answers in the margin; Mo pins it to the lesson.
    const paragraph = passages.find((passage) => passage.kind === "paragraph")!;
    const commentId = newId();
    expect((await ada.client.post(`/groups/${g}/day/1`, { intent: "post", id: commentId, kind: "comment", readingId: paragraph.readingId, passageKey: paragraph.key, body: "Checkpoints let it shrink." })).status).toBe(302);
    expect((await mod.client.post(`/groups/${g}/day/1`, { intent: "pin", commentId, scope: "lesson" })).status).toBe(302);

    expect((await ada.client.post(`/groups/${g}/sessions`, { intent: "end", sessionId: session.id })).status).toBe(403);
    const ended = await mod.client.post(`/groups/${g}/sessions`, { intent: "end", sessionId: session.id });
    expect(ended.status).toBe(302);
    expect(ended.headers.get("location")).toBe(`/groups/${g}/sessions/${session.id}`);

    const page = await readPage(await bo.client.get(`/groups/${g}/sessions/${session.id}`));
    expect(page.text).toContain("Session summary: Day 1");
    expect(page.text).toContain("Attendance (3)");
    for (const who of [mod, ada, bo]) expect(page.text).toContain(who.displayName);
    expect(page.text).toContain("Questions raised (2, 1 answered)");
    expect(page.text).toContain("Does the log ever shrink?");
    expect(page.text).toContain("1 upvote");
    expect(page.text).toContain("Checkpoints let it shrink.");
    expect(page.text).toContain("a key answer of the lesson");
    // Listed under past sessions, and the group home no longer says live.
    expect((await readPage(await bo.client.get(`/groups/${g}/sessions`))).text).toContain("Past sessions");
    expect((await readPage(await bo.client.get(`/groups/${g}`))).text).not.toContain("Live now");
    // Questions cannot be raised in an ended session.
    expect(await act(ada, g, { intent: "ask", sessionId: session.id, id: newId(), body: "Too late?" })).toMatchObject({ status: 409, body: { error: "This session has ended." } });
  });
});

describe("scheduling", () => {
  it("reads the time in the group's time zone, refuses the past, and starts or cancels later", async () => {
    const { g } = await groups();
    await db().group.update({ where: { id: g }, data: { timeZone: "Europe/Paris" } });
    const date = nextJanuary15();
    const scheduled = await mod.client.post(`/groups/${g}/sessions`, { intent: "schedule", day: "2", when: `${date}T19:00`, title: "Day 2 together" });
    expect(scheduled.status).toBe(302);
    const row = await db().liveSession.findFirstOrThrow({ where: { groupId: g } });
    expect(row.scheduledFor?.toISOString()).toBe(`${date}T18:00:00.000Z`);
    expect(row.startedAt).toBeNull();
    const home = await readPage(await ada.client.get(`/groups/${g}`));
    expect(home.text).toContain("Scheduled");
    expect(home.text).toContain("Day 2 together");
    expect(home.text).toContain("19:00");

    expect(await act(mod, g, { intent: "schedule", day: "2", when: "2001-01-01T10:00" })).toMatchObject({ status: 400, body: { error: "Choose a time that has not passed yet." } });
    expect(await act(mod, g, { intent: "schedule", day: "2", when: "soon" })).toMatchObject({ status: 400, body: { error: "Choose a date and time." } });
    expect(await act(mod, g, { intent: "schedule", day: "2", when: "2027-02-30T10:00" })).toMatchObject({ status: 400, body: { error: "Choose a date and time." } });
    expect(await act(mod, g, { intent: "schedule", day: "2", when: inDays(400) })).toMatchObject({ status: 400, body: { error: "Schedule sessions at most a year ahead." } });

    const started = await mod.client.post(`/groups/${g}/sessions`, { intent: "start-scheduled", sessionId: row.id });
    expect(started.headers.get("location")).toBe(`/groups/${g}/day/2`);
    expect(await act(mod, g, { intent: "cancel", sessionId: row.id })).toMatchObject({ status: 409, body: { error: "This session has started: end it instead." } });
    const other = await act(mod, g, { intent: "schedule", day: "3", when: inDays(20), title: "To be cancelled" });
    expect(other.status).toBe(200);
    expect((await readPage(await ada.client.get(`/groups/${g}/sessions`))).text).toContain("To be cancelled");
    expect((await act(mod, g, { intent: "cancel", sessionId: other.body.sessionId! })).status).toBe(200);
    expect((await readPage(await ada.client.get(`/groups/${g}/sessions`))).text).not.toContain("To be cancelled");
  });
});

describe("authorization", () => {
  type Actor = "visitor" | "outsider" | "member" | "moderator";
  /** Each form of the sessions route with what it needs; `moderators` marks the moderator-only ones. */
  const ACTIONS: Array<{ intent: string; moderators: boolean; fields: (ids: { session: string; question: string; scheduled: string }) => Record<string, string> }> = [
    { intent: "start", moderators: true, fields: () => ({ day: "2" }) },
    { intent: "schedule", moderators: true, fields: () => ({ day: "2", when: inDays(30) }) },
    { intent: "start-scheduled", moderators: true, fields: (ids) => ({ sessionId: ids.scheduled }) },
    { intent: "cancel", moderators: true, fields: (ids) => ({ sessionId: ids.scheduled }) },
    { intent: "end", moderators: true, fields: (ids) => ({ sessionId: ids.session }) },
    { intent: "spotlight", moderators: true, fields: (ids) => ({ sessionId: ids.session, passageKey: passages[0]!.key }) },
    { intent: "answered", moderators: true, fields: (ids) => ({ sessionId: ids.session, questionId: ids.question }) },
    { intent: "reopen", moderators: true, fields: (ids) => ({ sessionId: ids.session, questionId: ids.question }) },
    { intent: "dismiss", moderators: true, fields: (ids) => ({ sessionId: ids.session, questionId: ids.question }) },
    { intent: "join", moderators: false, fields: (ids) => ({ sessionId: ids.session }) },
    { intent: "ask", moderators: false, fields: (ids) => ({ sessionId: ids.session, id: newId(), body: "May I?" }) },
    { intent: "vote", moderators: false, fields: (ids) => ({ sessionId: ids.session, questionId: ids.question }) },
  ];

  async function fixture() {
    const { g, h } = await groups();
    const session = await start(g);
    const question = newId();
    await act(bo, g, { intent: "ask", sessionId: session.id, id: question, body: "Bo's question" });
    const scheduled = await act(mod, g, { intent: "schedule", day: "3", when: inDays(10) });
    expect(scheduled.status).toBe(200);
    return { g, h, ids: { session: session.id, question, scheduled: scheduled.body.sessionId! } };
  }

  const snapshot = async (groupId: string) => ({
    sessions: await db().liveSession.findMany({ where: { groupId }, orderBy: { id: "asc" } }),
    attendance: await db().liveSessionAttendance.findMany({ where: { session: { groupId } }, orderBy: [{ sessionId: "asc" }, { userId: "asc" }] }),
    questions: await db().sessionQuestion.findMany({ where: { session: { groupId } }, orderBy: { id: "asc" } }),
    votes: await db().sessionQuestionVote.findMany({ where: { question: { session: { groupId } } }, orderBy: [{ questionId: "asc" }, { userId: "asc" }] }),
  });

  const cases = ACTIONS.flatMap((action) => (["visitor", "outsider", "member"] as Actor[]).filter((actor) => actor !== "member" || action.moderators).map((actor) => ({ actor, intent: action.intent })));

  it.each(cases)("$actor · $intent is refused and changes nothing", async ({ actor, intent }) => {
    const action = ACTIONS.find((candidate) => candidate.intent === intent)!;
    const f = await fixture();
    const before = await snapshot(f.g);
    const client = actor === "visitor" ? visitor(server) : actor === "outsider" ? xena.client : ada.client;
    const response = await client.post(`/groups/${f.g}/sessions`, { intent, ...action.fields(f.ids) });
    const text = (await readPage(response)).text;
    if (actor === "visitor") {
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    } else if (actor === "outsider") {
      expect(response.status).toBe(404);
      expect(text).not.toContain("Bo's question");
    } else {
      expect(response.status).toBe(403);
      expect(text).toMatch(/Only the group's moderators can do that\.|Only the facilitator or the person who asked/);
    }
    expect(await snapshot(f.g)).toEqual(before);
  });

  it("members may join, ask and upvote", async () => {
    const f = await fixture();
    for (const intent of ["join", "ask", "vote"]) {
      const action = ACTIONS.find((candidate) => candidate.intent === intent)!;
      const response = await ada.client.post(`/groups/${f.g}/sessions`, { intent, ...action.fields(f.ids) });
      expect(response.status, intent).toBe(302);
    }
    const after = await snapshot(f.g);
    expect(after.attendance.some((entry) => entry.userId === ada.id)).toBe(true);
    expect(after.questions.some((question) => question.authorId === ada.id)).toBe(true);
    expect(after.votes).toEqual([expect.objectContaining({ userId: ada.id, questionId: f.ids.question })]);
  });

  it("the pages: members see them, another group's member gets 404, a visitor is sent to log in", async () => {
    const f = await fixture();
    for (const path of [`/groups/${f.g}/sessions`, `/groups/${f.g}/sessions/${f.ids.session}`, `/groups/${f.g}/sessions.data`]) {
      expect((await ada.client.get(path)).status, path).toBe(200);
      const foreign = await xena.client.get(path);
      expect(foreign.status, path).toBe(404);
      expect(await foreign.text()).not.toContain("Bo's question");
      expect((await visitor(server).get(path)).status, path).not.toBe(200);
    }
    // A session of another group, asked for through one's own group: 404.
    const { g: mine } = await groups();
    expect((await ada.client.get(`/groups/${mine}/sessions/${f.ids.session}`)).status).toBe(404);
    expect((await act(mod, mine, { intent: "end", sessionId: f.ids.session })).status).toBe(404);
  });

  it("socket events: another group's member cannot watch the group or join its lesson", async () => {
    const f = await fixture();
    const socket = await connect(xena);
    expect(await socket.emitWithAck("group:watch", { groupId: f.g })).toEqual({ error: { code: "not-found", message: "No such group, or you are not a member of it." } });
    expect(await socket.emitWithAck("lesson:join", { groupId: f.g, day: 1 })).toMatchObject({ error: { code: "not-found" } });
    expect(await socket.emitWithAck("position:update", { groupId: f.g, day: 1, passageKey: passages[0]!.key })).toMatchObject({ error: { code: "forbidden" } });
    expect(await socket.emitWithAck("group:watch", { groupId: 42 } as never)).toMatchObject({ error: { code: "invalid" } });
  });
});
