/**
 * Hostile input through the real server (issue 12).
 * - Open redirects: every known bypass as `redirectTo` on login, sign-up and every other form that
 *   takes one. The answer always sends the browser to our own origin, and the request completes
 *   (session, account, comment… created once) instead of failing after it wrote.
 * - Never a 5xx for bad input: every route with an action × every wrong body (JSON, text, XML,
 *   binary, none, malformed multipart), the same through `.data`, malformed percent-encodings in
 *   the path, no Host header, X-Forwarded-Host disagreeing with Origin. Each gets a clear 4xx and
 *   changes nothing in the database.
 */
import { randomBytes } from "node:crypto";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TestClient, TEST_PASSWORD, uniqueEmail } from "../support/client.ts";
import { createGroupDirectly, signUp, uniqueLabel, visitor, DEMO_COURSE_SLUG, type Person } from "../support/groups.ts";
import { createLogger } from "~/server/logger.server.ts";
import { REDIRECT_BYPASSES } from "../support/hostile-input.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { databaseSnapshot } from "../support/snapshot.ts";

let server: TestServer;
const db = () => server.database.db;
const newId = () => randomBytes(15).toString("base64url");

/** Owns the group (and, for the import page, the demo course); a live session runs on Day 1. */
let owner: Person;
let groupId: string;
let sessionId: string;
let inviteToken: string;
let passage: { key: string; readingId: string };

/** What the server logged (at every level): each entry must be one line. */
const logged: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ logger: createLogger("debug", (line) => logged.push(line)) });
  owner = await signUp(server, { displayName: uniqueLabel("Hostile Owner") });
  groupId = (await createGroupDirectly(server, uniqueLabel("Hostile circle"), [[owner, "owner"]])).id;
  await db().course.update({ where: { slug: DEMO_COURSE_SLUG }, data: { ownerId: owner.id } });
  inviteToken = randomBytes(18).toString("base64url");
  await db().invite.create({ data: { groupId, token: inviteToken, kind: "link", createdById: owner.id } });
  const started = await owner.client.post(`/groups/${groupId}/sessions`, { intent: "start", day: "1" });
  expect(started.status, "starting a session").toBe(302);
  sessionId = (await db().liveSession.findFirstOrThrow({ where: { groupId, endedAt: null } })).id;
  const lesson = await db().lesson.findFirstOrThrow({
    where: { day: 1, course: { slug: DEMO_COURSE_SLUG } },
    include: { readings: { orderBy: { position: "asc" }, include: { currentRevision: { include: { passages: { orderBy: { position: "asc" } } } } } } },
  });
  const reading = lesson.readings[0]!;
  const first = reading.currentRevision!.passages.find((candidate) => candidate.kind === "paragraph")!;
  passage = { key: first.key, readingId: reading.id };
});
afterAll(async () => {
  await server?.close();
});

/** Where a browser on our page goes with this Location: it must be our own origin. */
function expectStaysHere(location: string | null, expected: string) {
  expect(location).toBe(expected);
  const ours = new URL(server.url).origin;
  expect(new URL(location!, `${ours}/groups/x/day/1`).origin).toBe(ours);
}

describe("open redirects: every known bypass × every form that takes redirectTo", () => {
  let account: { email: string; id: string };
  beforeAll(async () => {
    const person = await signUp(server, { displayName: uniqueLabel("Returning Reader") });
    account = { email: person.email, id: person.id };
  });

  it.each(REDIRECT_BYPASSES)("login with redirectTo %j: signed in once, sent to /", async (target) => {
    const client = new TestClient(server.url);
    const sessions = await db().session.count({ where: { userId: account.id } });
    const response = await client.post("/login", { email: account.email, password: TEST_PASSWORD, redirectTo: target });
    expect(response.status).toBe(302);
    expectStaysHere(response.headers.get("location"), "/");
    expect(client.sessionToken()).toBeDefined();
    expect(await db().session.count({ where: { userId: account.id } })).toBe(sessions + 1);
  });

  it.each(REDIRECT_BYPASSES)("sign-up with redirectTo %j: one account, sent to /", async (target) => {
    const client = new TestClient(server.url);
    const email = uniqueEmail("bypass");
    const response = await client.post("/signup", { email, displayName: uniqueLabel("Bypass"), password: TEST_PASSWORD, redirectTo: target });
    expect(response.status).toBe(302);
    expectStaysHere(response.headers.get("location"), "/");
    const user = await db().user.findUniqueOrThrow({ where: { email } });
    expect(await db().session.count({ where: { userId: user.id } })).toBe(1);
  });

  it.each(REDIRECT_BYPASSES)("the login and sign-up pages with ?redirectTo=%j answer 200", async (target) => {
    for (const page of ["/login", "/signup"]) {
      const response = await visitor(server).get(`${page}?redirectTo=${encodeURIComponent(target)}`);
      expect(response.status, page).toBe(200);
    }
  });

  it.each(REDIRECT_BYPASSES)("mark as done with redirectTo %j: done, back to the course", async (target) => {
    const response = await owner.client.post("/api/progress", { intent: "done", courseSlug: DEMO_COURSE_SLUG, day: "2", redirectTo: target });
    expect(response.status).toBe(303);
    expectStaysHere(response.headers.get("location"), `/courses/${DEMO_COURSE_SLUG}`);
  });

  it.each(REDIRECT_BYPASSES)("a discussion form with redirectTo %j: posted once, back to the comment", async (target) => {
    const id = newId();
    const page = `/groups/${groupId}/day/1`;
    const response = await owner.client.post(page, { intent: "post", id, kind: "comment", readingId: passage.readingId, passageKey: passage.key, body: `bypass ${id}`, redirectTo: target });
    expect(response.status).toBe(302);
    const comment = await db().comment.findFirstOrThrow({ where: { groupId, body: `bypass ${id}` } });
    expectStaysHere(response.headers.get("location"), `${page}#c-${comment.id}`);
  });

  it.each(REDIRECT_BYPASSES)("a live-session form with redirectTo %j: done, back to the session", async (target) => {
    for (const path of [`/groups/${groupId}/sessions`, `/groups/${groupId}/sessions/${sessionId}`]) {
      const response = await owner.client.post(path, { intent: "spotlight", sessionId, passageKey: "", redirectTo: target });
      expect(response.status, path).toBe(302);
      expectStaysHere(response.headers.get("location"), `/groups/${groupId}/sessions/${sessionId}`);
    }
  });
});

/** Everything a request could change (tests/support/snapshot.ts). */
const snapshot = () => databaseSnapshot(server);

const boundary = "----hostile" + "x".repeat(10);
/** Bodies no form of ours sends: each must be refused with a 4xx before anything is read as a form. */
/** A body fetch sends as-is, with no Content-Type of its own. */
const bytes = (buffer: Buffer) => new Uint8Array(buffer);
const BAD_BODIES: Record<string, { type: string | null; body: Uint8Array<ArrayBuffer> }> = {
  json: { type: "application/json", body: bytes(Buffer.from(JSON.stringify({ intent: "leave", email: "x@example.org", password: "x".repeat(12), redirectTo: "/\n" }))) },
  text: { type: "text/plain;charset=UTF-8", body: bytes(Buffer.from("intent=leave&email=x%40example.org")) },
  xml: { type: "application/xml", body: bytes(Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><form><intent>&e;</intent></form>')) },
  binary: { type: "application/octet-stream", body: bytes(randomBytes(512)) },
  "no Content-Type": { type: null, body: bytes(Buffer.from("intent=leave")) },
  "multipart without a boundary": { type: "multipart/form-data", body: bytes(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="intent"\r\n\r\nleave\r\n--${boundary}--\r\n`)) },
  "multipart, boundary never found": { type: `multipart/form-data; boundary=${boundary}`, body: bytes(Buffer.from("intent=leave, not multipart at all")) },
  "multipart, cut short": { type: `multipart/form-data; boundary=${boundary}`, body: bytes(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="intent"\r\n\r\nlea`)) },
  "multipart, no headers": { type: `multipart/form-data; boundary=${boundary}`, body: bytes(Buffer.from(`--${boundary}\r\n\r\nleave\r\n--${boundary}--\r\n`)) },
  "multipart, binary": { type: `multipart/form-data; boundary=${boundary}`, body: bytes(Buffer.concat([Buffer.from(`--${boundary}\r\n`), randomBytes(300)])) },
};

/** Every route with an action (app/routes), as the person who reaches its action. */
type Actor = "visitor" | "owner" | "stranger" | "leaver";
const ACTION_ROUTES: Array<{ route: string; as: Actor; path: () => string }> = [
  { route: "login", as: "visitor", path: () => "/login" },
  { route: "signup", as: "visitor", path: () => "/signup" },
  { route: "logout", as: "leaver", path: () => "/logout" },
  { route: "account", as: "owner", path: () => "/account" },
  { route: "api.progress", as: "owner", path: () => "/api/progress" },
  { route: "progress._index", as: "owner", path: () => "/progress?index" },
  { route: "notifications", as: "owner", path: () => "/notifications" },
  { route: "groups.new", as: "owner", path: () => "/groups/new" },
  { route: "groups.$groupId._index", as: "owner", path: () => `/groups/${groupId}?index` },
  { route: "groups.$groupId.settings", as: "owner", path: () => `/groups/${groupId}/settings` },
  { route: "groups.$groupId.members", as: "owner", path: () => `/groups/${groupId}/members` },
  { route: "groups.$groupId.day.$day", as: "owner", path: () => `/groups/${groupId}/day/1` },
  { route: "groups.$groupId.sessions._index", as: "owner", path: () => `/groups/${groupId}/sessions?index` },
  { route: "groups.$groupId.sessions.$sessionId", as: "owner", path: () => `/groups/${groupId}/sessions/${sessionId}` },
  { route: "invite.$token", as: "stranger", path: () => `/invite/${inviteToken}` },
  { route: "courses.$slug.import", as: "owner", path: () => `/courses/${DEMO_COURSE_SLUG}/import` },
];
/** The single-fetch form of a path: `/a/b?x` → `/a/b.data?x`. */
const dataPath = (path: string) => path.replace(/(\?|$)/, ".data$1");

const MESSAGES = [
  "Forms must be sent as application/x-www-form-urlencoded or multipart/form-data.",
  "The form could not be read",
  "The upload could not be read",
  "The batch is not JSON.",
  "Invalid batch (",
  "Choose at least one lesson file",
];

let stranger: Person;
let leaver: Person;
const clientFor = (actor: Actor) => (actor === "visitor" ? visitor(server) : { owner, stranger, leaver }[actor].client);

describe("never a 5xx for bad input: every route with an action × every bad body", () => {
  beforeAll(async () => {
    stranger = await signUp(server, { displayName: uniqueLabel("Stranger") });
    leaver = await signUp(server, { displayName: uniqueLabel("Leaver") });
  });

  it("covers every route file with an action", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const dir = new URL("../../app/routes/", import.meta.url);
    const withAction = readdirSync(dir)
      .filter((file) => /export (const|async function|function) action\b/.test(readFileSync(new URL(file, dir), "utf8")))
      .map((file) => file.replace(/\.tsx?$/, ""));
    expect(ACTION_ROUTES.map((entry) => entry.route).sort()).toEqual(withAction.sort());
  });

  const CASES = ACTION_ROUTES.flatMap((entry) =>
    Object.keys(BAD_BODIES).flatMap((body) => [false, true].map((data) => ({ ...entry, body, data, label: `${entry.route}${data ? " (.data)" : ""} · ${body}` }))),
  );
  it.each(CASES)("$label → a clear 4xx, nothing changed", async ({ as, path, body, data }) => {
    const before = await snapshot();
    const { type, body: bytes } = BAD_BODIES[body]!;
    const url = data ? dataPath(path()) : path();
    const response = await clientFor(as).request(url, { method: "POST", headers: type ? { "content-type": type } : {}, body: bytes });
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(response.status, text.slice(0, 300)).toBeLessThan(500);
    expect(MESSAGES.some((message) => text.includes(message)), text.slice(0, 300)).toBe(true);
    expect(text).not.toMatch(/\n\s+at .*:\d+:\d+/);
    expect(await snapshot()).toEqual(before);
  });
});

/** One raw HTTP exchange (for what fetch will not send: no Host, odd request targets). */
function raw(request: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, "127.0.0.1");
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (data += chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0), text: data }));
    socket.setTimeout(10_000, () => socket.destroy());
    socket.end(request);
  });
}

const expect4xx = (status: number, text: string) => {
  expect(status, text.slice(0, 400)).toBeGreaterThanOrEqual(400);
  expect(status, text.slice(0, 400)).toBeLessThan(500);
  expect(text).not.toMatch(/\n\s+at .*:\d+:\d+/);
};

describe("never a 5xx for bad input: paths, Host, forwarded headers", () => {
  const MALFORMED_PATHS = [
    "/%",
    "/%zz",
    "/login%",
    "/groups/%E0%A4%A",
    "/groups/%C0%AF/day/1",
    "/courses/%/day/1",
    "/courses/how-databases-keep-promises/day/%ff%fe",
    "/groups/x/day/1%",
    "/assets/%",
    "/assets/%E0%A4%A.js",
    "/favicon.ico%",
  ];
  const PATH_CASES = MALFORMED_PATHS.flatMap((path) => [path, dataPath(path), `${dataPath(path)}?_routes=root`]);
  it.each(PATH_CASES)("GET %s → 4xx", async (path) => {
    const response = await owner.client.get(path);
    expect4xx(response.status, await response.text());
  });
  it.each(MALFORMED_PATHS.flatMap((path) => [path, dataPath(path)]))("POST %s → 4xx, nothing changed", async (path) => {
    const before = await snapshot();
    const response = await owner.client.post(path, { intent: "leave" });
    expect4xx(response.status, await response.text());
    expect(await snapshot()).toEqual(before);
  });
  it.each(["/_root.data?_routes=%zz", "/login.data?_routes=routes%2Flogin%", `/groups/x.data?index=%`, "/.data", "/..data", "/login.data.data"])("GET %s → not a 5xx", async (path) => {
    const response = await owner.client.get(path);
    expect(response.status).toBeLessThan(500);
  });

  const hostless = (method: string, target: string, extra = "") => `${method} ${target} HTTP/1.0\r\n${extra}Connection: close\r\n\r\n`;
  const form = (body: string) => `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  it.each([
    ["GET / without Host (HTTP/1.0)", hostless("GET", "/")],
    ["GET /login.data without Host", hostless("GET", "/login.data")],
    ["GET /groups/x without Host", hostless("GET", "/groups/x")],
    ["POST /login without Host, Sec-Fetch-Site", `${hostless("POST", "/login", `Sec-Fetch-Site: same-origin\r\n${form("email=a%40b.c&password=xxxxxxxxxxxx")}`)}email=a%40b.c&password=xxxxxxxxxxxx`],
    ["POST /login.data without Host, with Origin", `${hostless("POST", "/login.data", `Origin: http://127.0.0.1\r\n${form("email=x")}`)}email=x`],
    ["GET / without Host (HTTP/1.1)", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"],
    ["an empty Host", "GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n"],
    ["a malformed Host", "GET / HTTP/1.1\r\nHost: [::1\r\nConnection: close\r\n\r\n"],
    ["a Host with a space", "GET /login HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"],
    ["a Host with a path", "GET /login HTTP/1.1\r\nHost: evil.example/x\r\nConnection: close\r\n\r\n"],
    ["an absolute-form target", "GET http://evil.example/login HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"],
    ["an asterisk target", "GET * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"],
    ["a target without a slash", "GET login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"],
  ])("%s → 4xx", async (_name, request) => {
    const before = await snapshot();
    const { status, text } = await raw(request);
    expect4xx(status, text);
    expect(await snapshot()).toEqual(before);
  });

  const ours = () => new URL(server.url);
  it.each([
    ["X-Forwarded-Host of another site", () => ({ "x-forwarded-host": "evil.example" })],
    ["X-Forwarded-Host with another port", () => ({ "x-forwarded-host": `${ours().hostname}:1` })],
    ["X-Forwarded-Host listing another site first", () => ({ "x-forwarded-host": `evil.example, ${ours().host}` })],
    ["Origin null", () => ({ origin: "null" })],
    ["Origin that is not a URL", () => ({ origin: "http://[" })],
  ])("%s on a form post and its .data → 403, nothing changed", async (_name, headers) => {
    for (const path of ["/login", "/login.data", `/groups/${groupId}/members`, `/groups/${groupId}/members.data`]) {
      const before = await snapshot();
      const client = path.startsWith("/login") ? visitor(server) : owner.client;
      const response = await client.post(path, { intent: "invite-link", email: "x@example.org", password: "long enough password" }, { headers: headers() });
      const text = await response.text();
      expect(response.status, `${path}: ${text.slice(0, 200)}`).toBe(403);
      expect(text).toContain("Cross-site request refused");
      expect(await snapshot()).toEqual(before);
    }
  });

  it("an X-Forwarded-Host that is not a host → 400, nothing changed", async () => {
    for (const path of ["/login", "/login.data"]) {
      const before = await snapshot();
      const response = await visitor(server).post(path, { email: "x@example.org", password: "long enough password" }, { headers: { "x-forwarded-host": "a b/c" } });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("X-Forwarded-Host is not a host name");
      expect(await snapshot()).toEqual(before);
    }
  });

  it("an X-Forwarded-Host that agrees with Origin is fine", async () => {
    const response = await visitor(server).post("/login", { email: "nobody@example.org", password: "long enough password" }, { headers: { "x-forwarded-host": ours().host } });
    expect(response.status).toBe(400);
  });
});

describe("4xx answers are logged in one line, never with a stack trace", () => {
  const consoleLines: string[] = [];
  afterEach(() => vi.restoreAllMocks());

  it("over a sample of every kind of bad input", async () => {
    const record = (...args: unknown[]) => consoleLines.push(args.map((arg) => (arg instanceof Error ? (arg.stack ?? arg.message) : String(arg))).join(" "));
    vi.spyOn(console, "error").mockImplementation(record);
    vi.spyOn(console, "warn").mockImplementation(record);
    logged.length = 0;
    const statuses: number[] = [];
    for (const [name, { type, body }] of Object.entries(BAD_BODIES)) {
      for (const path of ["/login", `/groups/${groupId}/members.data`, "/api/progress"]) {
        const client = path === "/login" ? visitor(server) : owner.client;
        const response = await client.request(path, { method: "POST", headers: type ? { "content-type": type } : {}, body });
        statuses.push(response.status);
        expect(response.status, `${name} → ${path}`).toBeLessThan(500);
      }
    }
    for (const path of ["/%", "/groups/%E0%A4%A.data", "/assets/%", "/courses/%/day/1"]) statuses.push((await owner.client.get(path)).status);
    statuses.push((await raw("GET / HTTP/1.0\r\n\r\n")).status);
    statuses.push((await owner.client.post("/login.data", {}, { headers: { "x-forwarded-host": "evil.example" } })).status);
    // A POST where no route has an action: Remix's own 405.
    statuses.push((await owner.client.post(`/courses/${DEMO_COURSE_SLUG}`, { intent: "x" })).status);
    expect(statuses.every((status) => status >= 400 && status < 500), statuses.join(",")).toBe(true);
    // Each refusal is in the log, with its reason when a guard gave one. A line is written when the
    // server has finished sending, which can be just after the client has read the answer: wait for it.
    const expectLogged = (pattern: RegExp) => expect.poll(() => logged.some((line) => pattern.test(line)), { timeout: 5_000 }).toBe(true);
    await expectLogged(/ INFO  415 POST \/login: Forms must be sent as/);
    await expectLogged(/ INFO  400 POST \/login: The form could not be read|INFO  400 POST \/login$/);
    await expectLogged(/ INFO  400 GET \/%: Bad request: the address has a malformed percent-encoding/);
    await expectLogged(/ INFO  403 POST \/login\.data: Cross-site request refused/);
    await expectLogged(/ INFO  405 POST \/courses\//);
    await expectLogged(/ DEBUG 405 POST \/courses\/.*did not provide an `action`/);
    for (const line of [...logged, ...consoleLines]) {
      expect(line, line).not.toContain("\n");
      expect(line).not.toMatch(/\bat .*:\d+:\d+/);
    }
    expect(logged.filter((line) => / ERROR /.test(line))).toEqual([]);
    expect(consoleLines).toEqual([]);
  });
});
