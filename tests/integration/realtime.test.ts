import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PresencePerson } from "~/realtime/events.ts";
import { TestClient, uniqueEmail } from "../support/client.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { arrivesWithin, connectionOutcome, nextEvent, openSocket, trackPresence, type ClientSocket } from "../support/socket.ts";

let server: TestServer;
let groupId: string;
let otherGroupId: string;
let readingId: string;
let passageKey: string;
const sockets: ClientSocket[] = [];

interface Person {
  client: TestClient;
  userId: string;
  name: string;
}

async function person(name: string, groupIds: string[], role = "member"): Promise<Person> {
  const client = new TestClient(server.url);
  const email = uniqueEmail(name.toLowerCase());
  await client.signUp({ email, displayName: name });
  const user = await server.database.db.user.findUniqueOrThrow({ where: { email } });
  for (const id of groupIds) await server.database.db.membership.create({ data: { groupId: id, userId: user.id, role } });
  return { client, userId: user.id, name };
}

async function connect(who: Person) {
  const socket = openSocket(server.url, { cookie: who.client.cookieHeader() });
  sockets.push(socket);
  expect(await connectionOutcome(socket)).toBe("connected");
  return socket;
}

const next = nextEvent;
const arrives = (socket: ClientSocket, event: string, windowMs = 700) => arrivesWithin(socket, event, windowMs);

const names = (present: PresencePerson[]) => present.map((p) => p.displayName).sort();
const join = (socket: ClientSocket, day = 1, group = groupId) => socket.emitWithAck("lesson:join", { groupId: group, day });

beforeAll(async () => {
  server = await startTestServer();
  const course = await server.database.db.course.findFirstOrThrow();
  groupId = (await server.database.db.group.create({ data: { courseId: course.id, name: "Live group" } })).id;
  otherGroupId = (await server.database.db.group.create({ data: { courseId: course.id, name: "Elsewhere" } })).id;
  const reading = await server.database.db.reading.findFirstOrThrow({
    where: { kind: "lesson", lesson: { day: 1, courseId: course.id } },
    include: { currentRevision: { include: { passages: { where: { kind: "paragraph" }, take: 1 } } } },
  });
  readingId = reading.id;
  passageKey = reading.currentRevision!.passages[0]!.key;
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(async () => {
  await server?.close();
});

describe("lesson rooms", () => {
  it("admits members only: another group's member and unknown days are refused", async () => {
    const ada = await person("Ada", [groupId]);
    const eve = await person("Eve", [otherGroupId]);
    const adaSocket = await connect(ada);
    const joined = await join(adaSocket);
    expect(joined).toMatchObject({ data: { present: [{ displayName: "Ada", state: "active" }] } });
    const eveSocket = await connect(eve);
    expect(await join(eveSocket)).toEqual({ error: { code: "not-found", message: "No such group, or you are not a member of it." } });
    expect(await join(adaSocket, 999)).toMatchObject({ error: { code: "not-found" } });
    expect(await eveSocket.emitWithAck("lesson:join", { groupId, day: "1" } as never)).toMatchObject({ error: { code: "invalid" } });
  });

  it("counts a person once across tabs, announces arrivals, and drops people who close the page", async () => {
    const bo = await person("Bo", [groupId]);
    const cy = await person("Cy", [groupId]);
    const boTab1 = await connect(bo);
    const boTab2 = await connect(bo);
    const boSees = trackPresence(boTab1, { groupId, day: 1 });
    await boSees.join();
    await join(boTab2);
    const cySocket = await connect(cy);
    const cySees = trackPresence(cySocket, { groupId, day: 1 });
    const joined = await cySees.join();
    expect("data" in joined && names(joined.data.present)).toEqual(["Bo", "Cy"]);
    expect(names(await boSees.waitFor((people) => names(people).includes("Cy")))).toEqual(["Bo", "Cy"]);

    // One of Bo's tabs closes: Bo is still here, once.
    boTab2.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(names(cySees.list)).toEqual(["Bo", "Cy"]);
    // The last one closes: Bo is gone within moments.
    boTab1.disconnect();
    expect(names(await cySees.waitFor((people) => !names(people).includes("Bo"), 2000))).toEqual(["Cy"]);
  });

  it("tells the others only who arrived: a join in a full room sends one entry, not the whole list", async () => {
    const people = await Promise.all(["Ike", "Jan", "Kai", "Lin"].map((name) => person(name, [groupId])));
    const trackers = [];
    for (const who of people.slice(0, 3)) {
      const tracker = trackPresence(await connect(who), { groupId, day: 2 });
      await tracker.join();
      trackers.push(tracker);
    }
    await trackers[0]!.waitFor((list) => list.length === 3);
    const before = trackers[0]!.deltas.length;
    const late = trackPresence(await connect(people[3]!), { groupId, day: 2 });
    await late.join();
    expect(names(await trackers[0]!.waitFor((list) => list.length === 4))).toEqual(["Ike", "Jan", "Kai", "Lin"]);
    const sent = trackers[0]!.deltas.slice(before);
    expect(sent).toEqual([{ upsert: [expect.objectContaining({ displayName: "Lin", state: "active" })], gone: [] }]);
  });

  it("delivers discussion changes to the lesson's members only, right after the write", async () => {
    const di = await person("Di", [groupId]);
    const ed = await person("Ed", [groupId]);
    const fay = await person("Fay", [otherGroupId]);
    const [diSocket, edSocket, faySocket] = await Promise.all([connect(di), connect(ed), connect(fay)]);
    await Promise.all([join(diSocket), join(edSocket), join(faySocket, 1, otherGroupId)]);
    const edHears = next<{ commentId: string; passageKey: string; intent: string }>(edSocket, "discussion:changed");
    const fayHears = arrives(faySocket, "discussion:changed", 1200);
    const id = randomBytes(12).toString("base64url");
    const response = await di.client.post(`/groups/${groupId}/day/1`, { intent: "post", id, body: "Live!", kind: "comment", readingId, passageKey });
    expect(response.status).toBe(302);
    expect(await edHears).toMatchObject({ commentId: id, passageKey, intent: "post", groupId, day: 1 });
    expect(await fayHears).toBe(false);
  });

  it("relays typing to the others in the lesson, and refuses it from outside the room", async () => {
    const gus = await person("Gus", [groupId]);
    const hal = await person("Hal", [groupId]);
    const [gusSocket, halSocket] = await Promise.all([connect(gus), connect(hal)]);
    expect(await gusSocket.emitWithAck("typing", { groupId, day: 1, target: "new:x", typing: true })).toMatchObject({ error: { code: "forbidden" } });
    await Promise.all([join(gusSocket), join(halSocket)]);
    const halHears = next(halSocket, "typing:update");
    expect(await gusSocket.emitWithAck("typing", { groupId, day: 1, target: `new:${passageKey}`, typing: true })).toEqual({ data: { ok: true } });
    expect(await halHears).toMatchObject({ displayName: "Gus", target: `new:${passageKey}`, typing: true });
  });

  it("takes a removed member out of the group's rooms at once", async () => {
    const ivy = await person("Ivy", [groupId], "owner");
    const jo = await person("Jo", [groupId]);
    const [ivySocket, joSocket] = await Promise.all([connect(ivy), connect(jo)]);
    await Promise.all([join(ivySocket), join(joSocket)]);
    const ended = next(joSocket, "group:membership-ended");
    const removed = await ivy.client.post(`/groups/${groupId}/members`, { intent: "remove", userId: jo.userId });
    expect(removed.status).toBe(200);
    expect(await ended).toEqual({ groupId });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const joHears = arrives(joSocket, "discussion:changed", 1000);
    await ivy.client.post(`/groups/${groupId}/day/1`, { intent: "post", id: randomBytes(12).toString("base64url"), body: "After Jo left", kind: "comment", readingId, passageKey });
    expect(await joHears).toBe(false);
    expect(await join(joSocket)).toMatchObject({ error: { code: "not-found" } });
  });
});

describe("catching up after a missed window", () => {
  const post = (who: Person, body: string) =>
    who.client.post(`/groups/${groupId}/day/1`, { intent: "post", id: randomBytes(12).toString("base64url"), body, kind: "comment", readingId, passageKey });

  it("numbers every change, and a page back from a drop gets what it missed from the database, in order", async () => {
    const ora = await person("Ora", [groupId]);
    const pia = await person("Pia", [groupId]);
    const oraSocket = await connect(ora);
    const first = await join(oraSocket);
    expect(first).toMatchObject({ data: { missed: null } });
    // Ora's page knows everything up to now: a first change arrives live, with its number.
    const live = next<{ seq: number; commentId: string }>(oraSocket, "discussion:changed");
    expect((await post(pia, "Before the drop")).status).toBe(302);
    const seen = await live;
    expect(seen.seq).toBeGreaterThan(0);

    // Ora's connection drops; meanwhile Pia writes twice and edits one.
    oraSocket.disconnect();
    const missedIds: string[] = [];
    for (const body of ["While Ora was away", "And once more"]) {
      const response = await post(pia, body);
      missedIds.push(/#c-(.+)$/.exec(response.headers.get("location") ?? "")![1]!);
    }
    expect((await pia.client.post(`/groups/${groupId}/day/1`, { intent: "edit", commentId: missedIds[0]!, body: "While Ora was away (edited)" })).status).toBe(302);

    // Back: the join says what happened after the last change Ora's page saw.
    const back = await connect(ora);
    const answer = await back.emitWithAck("lesson:join", { groupId, day: 1, after: seen.seq });
    if (!("data" in answer)) throw new Error(JSON.stringify(answer));
    const missed = answer.data.missed!;
    expect(missed.complete).toBe(true);
    expect(missed.changes.map((change) => [change.intent, change.commentId])).toEqual([
      ["post", missedIds[0]],
      ["post", missedIds[1]],
      ["edit", missedIds[0]],
    ]);
    expect(missed.changes.every((change) => change.actorId === pia.userId && change.passageKey === passageKey)).toBe(true);
    const seqs = missed.changes.map((change) => change.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(missed.cursor).toBe(seqs.at(-1));
    // Caught up: asking again from the new cursor finds nothing.
    const again = await back.emitWithAck("lesson:join", { groupId, day: 1, after: missed.cursor });
    expect(again).toMatchObject({ data: { missed: { changes: [], complete: true, cursor: missed.cursor } } });
  });

  it("says a page must reload everything when its cursor is older than the log reaches", async () => {
    const quin = await person("Quin", [groupId]);
    const socket = await connect(quin);
    for (const body of ["One", "Two", "Three"]) await post(quin, body);
    const logged = await server.database.db.lessonEvent.findMany({ orderBy: { id: "desc" }, take: 3 });
    const [latest, , first] = logged as [(typeof logged)[number], unknown, (typeof logged)[number]];
    // The page saw everything before the first of the three; then the log was pruned up to the last one.
    await server.database.db.lessonEvent.deleteMany({ where: { id: { lt: latest.id } } });
    const answer = await socket.emitWithAck("lesson:join", { groupId, day: 1, after: first.id - 1 });
    expect(answer).toMatchObject({ data: { missed: { complete: false, changes: [{ seq: latest.id }] } } });
  });
});

describe("misbehaving clients", () => {
  it("disconnects a client that sends an unknown event, and keeps serving the others", async () => {
    const kim = await person("Kim", [groupId]);
    const lou = await person("Lou", [groupId]);
    const [kimSocket, louSocket] = await Promise.all([connect(kim), connect(lou)]);
    const gone = next(kimSocket, "disconnect" as never);
    // An event the server does not know, as a tampered client would send it.
    (kimSocket as unknown as { emit(event: string, payload: object): void }).emit("admin:drop-tables", {});
    expect(await gone).toBe("io server disconnect");
    expect(await louSocket.emitWithAck("session:whoami", {})).toMatchObject({ data: { displayName: "Lou" } });
  });

  it("disconnects a flood, not the server", async () => {
    const max = await person("Max", [groupId]);
    const socket = await connect(max);
    const gone = next(socket, "disconnect" as never);
    for (let i = 0; i < 200; i += 1) socket.emit("presence:activity", {}, () => {});
    expect(await gone).toBe("io server disconnect");
    const again = await connect(max);
    expect(await again.emitWithAck("session:whoami", {})).toMatchObject({ data: { displayName: "Max" } });
  });

  it("closes a connection that sends an oversized message, and keeps serving the others", async () => {
    const rae = await person("Rae", [groupId]);
    const sol = await person("Sol", [groupId]);
    const [raeSocket, solSocket] = await Promise.all([connect(rae), connect(sol)]);
    await Promise.all([join(raeSocket), join(solSocket)]);
    const gone = next(raeSocket, "disconnect" as never);
    const solHearsIt = arrives(solSocket, "typing:update", 1000);
    raeSocket.emit("typing", { groupId, day: 1, target: "x".repeat(40_000), typing: true }, () => {});
    expect(await gone).toBe("transport close");
    expect(await solHearsIt).toBe(false);
    expect(await solSocket.emitWithAck("session:whoami", {})).toMatchObject({ data: { displayName: "Sol" } });
  });

  it("refuses position updates from a socket that did not join the lesson, and malformed ones", async () => {
    const tam = await person("Tam", [groupId]);
    const socket = await connect(tam);
    expect(await socket.emitWithAck("position:update", { groupId, day: 1, passageKey })).toMatchObject({ error: { code: "forbidden" } });
    await join(socket);
    expect(await socket.emitWithAck("position:update", { groupId, day: 1, passageKey: "<script>" })).toMatchObject({ error: { code: "invalid", message: "Malformed passage key." } });
    expect(await socket.emitWithAck("position:update", { groupId, day: 1 } as never)).toMatchObject({ error: { code: "invalid" } });
    expect(socket.connected).toBe(true);
  });

  it("answers malformed payloads with an error, not a crash", async () => {
    const ned = await person("Ned", [groupId]);
    const socket = await connect(ned);
    expect(await socket.emitWithAck("lesson:join", null as never)).toMatchObject({ error: { code: "invalid" } });
    expect(await socket.emitWithAck("typing", { groupId, day: 1, target: "x".repeat(500), typing: true })).toMatchObject({ error: { code: "invalid" } });
    expect(socket.connected).toBe(true);
  });
});

describe("idle and back", () => {
  // A server of its own whose people turn idle after 400 ms (the default is 3 minutes).
  let quick: TestServer;
  beforeAll(async () => {
    quick = await startTestServer({ realtimeTimings: { idleAfterMs: 400, idleSweepMs: 100, presenceCoalesceMs: 20 } });
    const course = await quick.database.db.course.findFirstOrThrow();
    const group = await quick.database.db.group.create({ data: { courseId: course.id, name: "Quick group" } });
    quickGroupId = group.id;
  });
  afterAll(async () => {
    await quick?.close();
  });
  let quickGroupId: string;

  it("shows a person idle after a while without activity, and active again when they do something", async () => {
    const people: Person[] = [];
    for (const name of ["Uma", "Vic"]) {
      const client = new TestClient(quick.url);
      const email = uniqueEmail(name.toLowerCase());
      await client.signUp({ email, displayName: name });
      const user = await quick.database.db.user.findUniqueOrThrow({ where: { email } });
      await quick.database.db.membership.create({ data: { groupId: quickGroupId, userId: user.id, role: "member" } });
      people.push({ client, userId: user.id, name });
    }
    const [uma, vic] = people as [Person, Person];
    const umaSocket = openSocket(quick.url, { cookie: uma.client.cookieHeader() });
    const vicSocket = openSocket(quick.url, { cookie: vic.client.cookieHeader() });
    sockets.push(umaSocket, vicSocket);
    expect(await connectionOutcome(umaSocket)).toBe("connected");
    expect(await connectionOutcome(vicSocket)).toBe("connected");
    const stateOf = (present: PresencePerson[], name: string) => present.find((p) => p.displayName === name)?.state;
    await umaSocket.emitWithAck("lesson:join", { groupId: quickGroupId, day: 1 });
    const vicSees = trackPresence(vicSocket, { groupId: quickGroupId, day: 1 });
    await vicSees.join();
    // Uma does nothing: Vic sees her go idle.
    await vicSees.waitFor((present) => stateOf(present, "Uma") === "idle", 3000);
    // She scrolls (the page sends activity): active again for Vic.
    const active = vicSees.waitFor((present) => stateOf(present, "Uma") === "active", 3000);
    expect(await umaSocket.emitWithAck("presence:activity", {})).toEqual({ data: { ok: true } });
    await active;
  });
});
