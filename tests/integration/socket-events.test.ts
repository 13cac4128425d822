/**
 * Every socket event the server handles (app/realtime/socket.server.ts), sent the wrong way over
 * real socket.io-client connections to the real server: by a member of another group, by a member
 * whose socket never joined the lesson, over a signed-out connection, with a missing or an extra
 * argument, wrong types, huge strings and control characters. Each is answered through its ack with
 * a clear error, and a member who is in the lesson (and watching the group) hears nothing of it.
 * Last, sessions of open sockets: revoked or expired, the socket is told why and disconnected —
 * on its next event, and within the re-check interval when it sends nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PositionChange, PresencePerson } from "~/realtime/events.ts";
import { createGroupDirectly, signUp, uniqueLabel, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { collect, connectionOutcome, nextEvent, openSocket, type ClientSocket } from "../support/socket.ts";

const EVENTS = ["session:whoami", "lesson:join", "lesson:leave", "presence:activity", "typing", "position:update", "group:watch"] as const;
type EventName = (typeof EVENTS)[number];
/** What others could see: everything the server sends to a room or a group. */
const OBSERVED = ["presence:delta", "typing:update", "positions:update", "discussion:changed", "session:update", "group:session", "group:membership-ended", "session:ended"];

let server: TestServer;
const sockets: ClientSocket[] = [];
let groupId: string;
let passageKey: string;
let olga: Person; // owner, facilitator of the running session
let wes: Person; // in the lesson the whole time: the one who must hear nothing
let ada: Person; // a member of the group
let xena: Person; // a member of another group only

beforeAll(async () => {
  server = await startTestServer({
    // sessionFreshMs 0: every event looks its session up (by default a current one is trusted for 1 s).
    realtimeTimings: { presenceCoalesceMs: 20, positionWindowMs: 20, positionWindowMaxMs: 40, sessionCoalesceMs: 20, sessionFreshMs: 0 },
  });
  const named = (name: string) => signUp(server, { displayName: uniqueLabel(name) });
  [olga, wes, ada, xena] = await Promise.all([named("Olga"), named("Wes"), named("Ada"), named("Xena")]);
  const group = await createGroupDirectly(server, uniqueLabel("Fuzzed"), [
    [olga, "owner"],
    [wes, "member"],
    [ada, "member"],
  ]);
  groupId = group.id;
  await createGroupDirectly(server, uniqueLabel("Elsewhere"), [[xena, "owner"]]);
  const lesson = await server.database.db.lesson.findFirstOrThrow({
    where: { day: 1, courseId: group.courseId },
    include: { readings: { include: { currentRevision: { include: { passages: { where: { kind: "paragraph" }, take: 1 } } } } } },
  });
  passageKey = lesson.readings[0]!.currentRevision!.passages[0]!.key;
  // A running live session on day 1, so that reading positions would be accepted from the room.
  await server.database.db.liveSession.create({
    data: { groupId, lessonId: lesson.id, day: 1, title: "Fuzz session", facilitatorId: olga.id, startedAt: new Date() },
  });
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(async () => {
  await server?.close();
});

function open(cookie: string | undefined, on = server) {
  const socket = openSocket(on.url, { cookie });
  sockets.push(socket);
  return socket;
}

async function connect(who: Person, on = server) {
  const socket = open(who.client.cookieHeader(), on);
  expect(await connectionOutcome(socket)).toBe("connected");
  return socket;
}

async function inLesson(who: Person, on = server, group = groupId) {
  const socket = await connect(who, on);
  const answer = await socket.emitWithAck("lesson:join", { groupId: group, day: 1 });
  if (!("data" in answer)) throw new Error(`join failed: ${JSON.stringify(answer)}`);
  return socket;
}

/** Emits `event` with exactly these arguments and an ack; rejects when the ack is not called in time. */
function send(socket: ClientSocket, event: string, ...args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    (socket.timeout(3000) as unknown as { emit(event: string, ...rest: unknown[]): void }).emit(event, ...args, (error: Error | null, response: unknown) =>
      error ? reject(new Error(`${event} (${JSON.stringify(args).slice(0, 80)}) was not answered`)) : resolve(response),
    );
  });
}

function expectError(answer: unknown, code: string, label: string) {
  expect(answer, label).toMatchObject({ error: { code, message: expect.any(String) } });
  const message = (answer as { error: { message: string } }).error.message;
  expect(message.length, `${label}: a message a person can read`).toBeGreaterThan(5);
  expect(message.length, `${label}: not the payload echoed back`).toBeLessThan(200);
}

/** A valid payload of each event, aimed at the fuzzed group's day 1. */
const valid = (event: EventName, group = () => groupId): unknown => {
  switch (event) {
    case "session:whoami":
    case "presence:activity":
      return {};
    case "lesson:join":
    case "lesson:leave":
      return { groupId: group(), day: 1 };
    case "typing":
      return { groupId: group(), day: 1, target: `new:${passageKey}`, typing: true };
    case "position:update":
      return { groupId: group(), day: 1, passageKey };
    case "group:watch":
      return { groupId: group() };
  }
};

const HUGE = "x".repeat(10_000); // under the 16 KiB message limit (past it the connection is closed)
const CONTROL = ["\u0000", "\u0007bell", "a\nb", "\u001b[31m", "\u202eevil", "\ud800"];

/** Malformed payloads for each event: wrong types, huge strings, control characters. */
function malformed(event: EventName): unknown[] {
  const base = valid(event) as Record<string, unknown>;
  if (event === "session:whoami" || event === "presence:activity") {
    return [null, "a string", 42, [], { extra: HUGE }, { extra: CONTROL[0] }, { "\u0000": 1 }];
  }
  const cases: unknown[] = [null, "a string", 42, true, [base]];
  cases.push({ ...base, groupId: 42 }, { ...base, groupId: "" }, { ...base, groupId: HUGE }, ...CONTROL.map((c) => ({ ...base, groupId: `${groupId}${c}` })));
  if (event === "group:watch") return cases;
  cases.push({ ...base, day: "1" }, { ...base, day: 1.5 }, { ...base, day: 0 }, { ...base, day: -1 }, { ...base, day: 1e300 }, { ...base, day: null });
  if (event === "lesson:join") cases.push({ ...base, after: "5" }, { ...base, after: -1 });
  if (event === "typing") {
    cases.push({ ...base, target: 7 }, { ...base, target: HUGE }, { ...base, target: "" }, { ...base, typing: "yes" }, ...CONTROL.map((c) => ({ ...base, target: `new:${c}` })));
  }
  if (event === "position:update") {
    cases.push({ ...base, passageKey: 5 }, { ...base, passageKey: HUGE }, { ...base, passageKey: "<script>" }, ...CONTROL.map((c) => ({ ...base, passageKey: `${passageKey}${c}` })));
  }
  return cases;
}

type Heard = { event: string; payload?: unknown; upsert?: string[]; gone?: string[] };

/**
 * Wes is in the lesson and watches the group; from `start()` on, everything he hears is kept. `quiet()`
 * proves he heard nothing but `beacon`'s own joining, typing and position — a member who does each
 * after the fuzzing was answered, so anything the fuzzing had caused would have arrived first (or in
 * the same batch).
 */
async function observer() {
  const socket = await connect(wes);
  // His own arrival has gone out before listening starts.
  const arrived = nextEvent<{ upsert: PresencePerson[] }>(socket, "presence:delta", (delta) => delta.upsert.some((person) => person.userId === wes.id));
  expect(await socket.emitWithAck("lesson:join", { groupId, day: 1 })).toMatchObject({ data: {} });
  expect(await socket.emitWithAck("group:watch", { groupId })).toMatchObject({ data: {} });
  await arrived;
  const heard = OBSERVED.map((event) => ({ event, ...collect<Record<string, unknown>>(socket, event) }));
  return {
    socket,
    async quiet() {
      const beacon = await signUp(server, { displayName: uniqueLabel("Bea") });
      await server.database.db.membership.create({ data: { groupId, userId: beacon.id, role: "member" } });
      const arrived = nextEvent<{ upsert: PresencePerson[] }>(socket, "presence:delta", (delta) => delta.upsert.some((person) => person.userId === beacon.id));
      const typed = nextEvent<{ userId: string }>(socket, "typing:update", (update) => update.userId === beacon.id);
      const moved = nextEvent<{ positions: PositionChange[] }>(socket, "positions:update", (update) => update.positions.some((change) => change.userId === beacon.id));
      const beaconSocket = await inLesson(beacon);
      expect(await beaconSocket.emitWithAck("typing", valid("typing") as never)).toEqual({ data: { ok: true } });
      expect(await beaconSocket.emitWithAck("position:update", valid("position:update") as never)).toEqual({ data: { ok: true } });
      await Promise.all([arrived, typed, moved]);
      // What was heard, less the beacon's own doing.
      const others = heard.flatMap(({ event, seen }) =>
        seen.flatMap((payload): Heard[] => {
          if (event === "presence:delta") {
            const delta = payload as { upsert: PresencePerson[]; gone: string[] };
            const upsert = delta.upsert.map((person) => person.userId).filter((id) => id !== beacon.id);
            const gone = delta.gone.filter((id) => id !== beacon.id);
            return upsert.length || gone.length ? [{ event, upsert, gone }] : [];
          }
          if (event === "typing:update") return payload.userId === beacon.id ? [] : [{ event, payload }];
          if (event === "positions:update") {
            const changes = (payload.positions as PositionChange[]).filter((change) => change.userId !== beacon.id);
            return changes.length ? [{ event, payload: changes }] : [];
          }
          return [{ event, payload }];
        }),
      );
      for (const { stop } of heard) stop();
      beaconSocket.disconnect();
      return others;
    },
  };
}

describe("every event, sent by someone who may not", () => {
  it("a member of another group, and a member whose socket never joined the lesson: a clear refusal for each room event, nothing heard", async () => {
    const watching = await observer();
    const outsider = await connect(xena);
    const notJoined = await connect(ada);
    const answers: Record<string, unknown> = {};
    for (const event of EVENTS) {
      answers[`outsider ${event}`] = await send(outsider, event, valid(event));
      // Joining is what a member's socket may do; every other event is sent without having joined.
      if (event !== "lesson:join") answers[`not joined ${event}`] = await send(notJoined, event, valid(event));
    }
    // Not about a room: who you are, and activity (which touches only rooms you are in).
    expect(answers["outsider session:whoami"]).toEqual({ data: { userId: xena.id, displayName: xena.displayName } });
    expect(answers["outsider presence:activity"]).toEqual({ data: { ok: true } });
    expect(answers["not joined presence:activity"]).toEqual({ data: { ok: true } });
    // Watching a group of one's own is fine; it tells nobody anything.
    expect(answers["not joined group:watch"]).toMatchObject({ data: { live: { day: 1 } } });
    for (const event of ["lesson:join", "group:watch"]) expectError(answers[`outsider ${event}`], "not-found", `outsider ${event}`);
    for (const event of ["lesson:leave", "typing", "position:update"]) {
      expectError(answers[`outsider ${event}`], "forbidden", `outsider ${event}`);
      expectError(answers[`not joined ${event}`], "forbidden", `not joined ${event}`);
    }
    expect(outsider.connected && notJoined.connected).toBe(true);
    expect(await watching.quiet()).toEqual([]);
  });

  it("lesson:leave from a socket that never joined tells the room nothing (no presence change naming the outsider)", async () => {
    const watching = await observer();
    const outsider = await connect(xena);
    const notJoined = await connect(ada);
    const answers = [await send(outsider, "lesson:leave", { groupId, day: 1 }), await send(notJoined, "lesson:leave", { groupId, day: 1 })];
    expect(await watching.quiet()).toEqual([]);
    expectError(answers[0], "forbidden", "outsider leave");
    expectError(answers[1], "forbidden", "never-joined leave");
  });

  it("a signed-out connection is refused at the handshake; what it sends never reaches anyone", async () => {
    const watching = await observer();
    const anonymous = open(undefined);
    expect(await connectionOutcome(anonymous)).toBe("unauthorized");
    // A session that was logged out: its cookie no longer opens a socket either.
    const leaver = await signUp(server, { displayName: uniqueLabel("Leo") });
    await server.database.db.membership.create({ data: { groupId, userId: leaver.id, role: "member" } });
    const cookie = leaver.client.cookieHeader();
    expect((await leaver.client.post("/logout", {})).status).toBe(302);
    const loggedOut = open(cookie);
    expect(await connectionOutcome(loggedOut)).toBe("unauthorized");
    for (const socket of [anonymous, loggedOut]) {
      for (const event of EVENTS) (socket as unknown as { emit(event: string, payload: unknown, ack: () => void): void }).emit(event, valid(event), () => {});
      expect(socket.connected).toBe(false);
    }
    expect(await watching.quiet()).toEqual([]);
  });
});

describe("every event, sent malformed by a member in the lesson", () => {
  it("a missing or an extra argument is still answered, as invalid", async () => {
    const socket = await inLesson(ada);
    const watching = await observer();
    for (const event of EVENTS) {
      expectError(await send(socket, event), "invalid", `${event} without a payload`);
      expectError(await send(socket, event, valid(event), "extra"), "invalid", `${event} with an extra argument`);
      expectError(await send(socket, event, valid(event), valid(event)), "invalid", `${event} with two payloads`);
    }
    expect(socket.connected).toBe(true);
    expect(await watching.quiet()).toEqual([]);
  });

  it("wrong types, huge strings and control characters: invalid, with a message, and nothing heard", async () => {
    const batches = EVENTS.flatMap((event) => {
      const cases = malformed(event);
      // 20 cases a socket: the fuzzing stays under the per-socket rate limit.
      return Array.from({ length: Math.ceil(cases.length / 20) }, (_, index) => ({ event, cases: cases.slice(index * 20, index * 20 + 20) }));
    });
    // Ada's tabs are all in the lesson before Wes listens (her arrival is not what is tested).
    const tabs = [];
    for (const _ of batches) tabs.push(await inLesson(ada));
    const watching = await observer();
    let sent = 0;
    for (const [index, { event, cases }] of batches.entries()) {
      const socket = tabs[index]!;
      for (const payload of cases) {
        expectError(await send(socket, event, payload), "invalid", `${event} ${JSON.stringify(payload).slice(0, 60)}`);
        sent += 1;
      }
      expect(socket.connected, `${event}: still connected`).toBe(true);
    }
    expect(sent).toBeGreaterThan(100);
    expect(await watching.quiet()).toEqual([]);
  });
});

describe("sessions of open sockets", () => {
  it("a revoked session: the next event is refused, the socket is told why and disconnected, the room hears nothing", async () => {
    const person = await signUp(server, { displayName: uniqueLabel("Rev") });
    await server.database.db.membership.create({ data: { groupId, userId: person.id, role: "member" } });
    const socket = await inLesson(person);
    const watching = await observer();
    const ended = nextEvent(socket, "session:ended");
    const gone = nextEvent(socket, "disconnect" as never);
    // Revoked behind the server's back (nobody called the realtime layer): the row is simply gone.
    await server.database.db.session.deleteMany({ where: { userId: person.id } });
    expectError(await send(socket, "typing", valid("typing")), "unauthorized", "typing after revocation");
    expect(await ended).toEqual({ reason: "revoked" });
    expect(await gone).toBe("io server disconnect");
    // Only the person's going away may be heard: never what the socket sent.
    expect(await watching.quiet()).toEqual([{ event: "presence:delta", upsert: [], gone: [person.id] }]);
  });

  describe("re-checked every so often (a short interval here)", () => {
    let quick: TestServer;
    let quickGroupId: string;
    beforeAll(async () => {
      quick = await startTestServer({ realtimeTimings: { sessionRecheckMs: 100, presenceCoalesceMs: 20 } });
      const course = await quick.database.db.course.findFirstOrThrow();
      quickGroupId = (await quick.database.db.group.create({ data: { courseId: course.id, name: uniqueLabel("Quick") } })).id;
    });
    afterAll(async () => {
      await quick?.close();
    });

    async function quietMember() {
      const person = await signUp(quick, { displayName: uniqueLabel("Qui") });
      await quick.database.db.membership.create({ data: { groupId: quickGroupId, userId: person.id, role: "member" } });
      const socket = await inLesson(person, quick, quickGroupId);
      return { person, socket };
    }

    it("a session deleted (revoked) or expired in the database ends its silent socket within the interval; others stay", async () => {
      const revoked = await quietMember();
      const expired = await quietMember();
      const staying = await quietMember();
      const ending = (socket: ClientSocket) => Promise.all([nextEvent(socket, "session:ended"), nextEvent(socket, "disconnect" as never)]);
      const endings = Promise.all([ending(revoked.socket), ending(expired.socket)]);
      const sawGo = (id: string) => nextEvent<{ gone: string[] }>(staying.socket, "presence:delta", (delta) => delta.gone.includes(id));
      const stayingSees = Promise.all([sawGo(revoked.person.id), sawGo(expired.person.id)]);
      await quick.database.db.session.deleteMany({ where: { userId: revoked.person.id } });
      await quick.database.db.session.updateMany({ where: { userId: expired.person.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const [[revokedEnded, revokedGone], [expiredEnded, expiredGone]] = await endings;
      expect(revokedEnded).toEqual({ reason: "revoked" });
      expect(expiredEnded).toEqual({ reason: "expired" });
      expect([revokedGone, expiredGone]).toEqual(["io server disconnect", "io server disconnect"]);
      // They are out of the room: the others see them go, and they hear nothing more.
      await stayingSees;
      expect(staying.socket.connected).toBe(true);
      expect(await staying.socket.emitWithAck("session:whoami", {})).toMatchObject({ data: { userId: staying.person.id } });
    });
  });
});
