/**
 * A live session whose facilitator has gone ends itself: once the facilitator has had no connection
 * on the lesson for the away timeout (shortened here through realtimeTimings), the session ends,
 * everyone on the lesson and the group home hears of it, and its summary says why. While the
 * facilitator is connected — or a moderator ends it — nothing of the kind happens.
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { LiveSessionView } from "~/realtime/events.ts";
import { createGroupDirectly, readPage, signUp, uniqueLabel, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { connectionOutcome, nextEvent, openSocket, type ClientSocket } from "../support/socket.ts";

const AWAY_MS = 600;
let server: TestServer;
const db = () => server.database.db;
const sockets: ClientSocket[] = [];
let mod: Person;
let ada: Person;

beforeAll(async () => {
  server = await startTestServer({ realtimeTimings: { facilitatorAwayMs: AWAY_MS, facilitatorSweepMs: 50, sessionCoalesceMs: 20, presenceCoalesceMs: 20 } });
  [mod, ada] = await Promise.all([signUp(server, { displayName: uniqueLabel("Mo") }), signUp(server, { displayName: uniqueLabel("Ada") })]);
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(async () => {
  await server?.close();
});

async function inLesson(who: Person, groupId: string, day = 1) {
  const socket = openSocket(server.url, { cookie: who.client.cookieHeader() });
  sockets.push(socket);
  expect(await connectionOutcome(socket)).toBe("connected");
  const answer = await socket.emitWithAck("lesson:join", { groupId, day });
  if (!("data" in answer)) throw new Error(`join failed: ${JSON.stringify(answer)}`);
  return socket;
}

async function newGroup() {
  const group = await createGroupDirectly(server, uniqueLabel("Away circle"), [
    [mod, "owner"],
    [ada, "member"],
  ]);
  return group.id;
}

async function startSession(groupId: string) {
  const group = { id: groupId };
  const response = await mod.client.post(`/groups/${group.id}/sessions`, { intent: "start", day: "1" });
  expect(response.status).toBe(302);
  const session = await db().liveSession.findFirstOrThrow({ where: { groupId: group.id, endedAt: null } });
  return { groupId: group.id, sessionId: session.id };
}

const ended = (socket: ClientSocket, timeoutMs: number) =>
  nextEvent<{ session: LiveSessionView }>(socket, "session:update", (payload) => payload.session.status === "ended", timeoutMs).then((payload) => payload.session);

it("ends a session whose facilitator has been away for the timeout, and its summary says so", async () => {
  // The facilitator is on the lesson when the session starts (as on the page they start it from).
  const groupId = await newGroup();
  const facilitator = await inLesson(mod, groupId);
  const member = await inLesson(ada, groupId);
  const { sessionId } = await startSession(groupId);
  const home = openSocket(server.url, { cookie: ada.client.cookieHeader() });
  sockets.push(home);
  expect(await connectionOutcome(home)).toBe("connected");
  await home.emitWithAck("group:watch", { groupId });

  // While the facilitator is on the lesson the session runs on, however long: several timeouts pass.
  const tooSoon = ended(member, AWAY_MS * 4).then(
    () => "ended",
    () => "still running",
  );
  expect(await tooSoon).toBe("still running");
  expect((await db().liveSession.findUniqueOrThrow({ where: { id: sessionId } })).endedAt).toBeNull();

  // The facilitator closes the page: after the timeout the session ends by itself.
  const memberHears = ended(member, AWAY_MS * 20);
  const homeHears = nextEvent<{ live: unknown }>(home, "group:session", (payload) => payload.live === null, AWAY_MS * 20);
  facilitator.disconnect();
  const session = await memberHears;
  expect(session).toMatchObject({ id: sessionId, status: "ended", endedReason: "facilitator-away" });
  expect((await homeHears).live).toBeNull();
  const row = await db().liveSession.findUniqueOrThrow({ where: { id: sessionId } });
  expect(row.endedReason).toBe("facilitator-away");
  expect(row.endedAt).not.toBeNull();
  const audit = await db().auditEvent.findFirst({ where: { groupId, action: "session.ended" } });
  expect(audit).toMatchObject({ actorId: null });

  const page = await readPage(await ada.client.get(`/groups/${groupId}/sessions/${sessionId}`));
  expect(page.text).toContain("Session summary: Day 1");
  expect(page.text).toContain("Ended automatically: the facilitator was away for 30 minutes.");
});

it("says nothing of the kind for a session a moderator ended", async () => {
  const groupId = await newGroup();
  await inLesson(mod, groupId);
  const { sessionId } = await startSession(groupId);
  const response = await mod.client.post(`/groups/${groupId}/sessions`, { intent: "end", sessionId });
  expect(response.status).toBe(302);
  const row = await db().liveSession.findUniqueOrThrow({ where: { id: sessionId } });
  expect(row.endedReason).toBeNull();
  const page = await readPage(await ada.client.get(`/groups/${groupId}/sessions/${sessionId}`));
  expect(page.text).toContain("Session summary: Day 1");
  expect(page.text).not.toContain("Ended automatically");
});
