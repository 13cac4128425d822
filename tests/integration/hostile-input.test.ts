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
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient, TEST_PASSWORD, uniqueEmail } from "../support/client.ts";
import { createGroupDirectly, signUp, uniqueLabel, visitor, DEMO_COURSE_SLUG, type Person } from "../support/groups.ts";
import { REDIRECT_BYPASSES } from "../support/hostile-input.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
const db = () => server.database.db;
const newId = () => randomBytes(15).toString("base64url");

/** Owns the group (and, for the import page, the demo course); a live session runs on Day 1. */
let owner: Person;
let groupId: string;
let sessionId: string;
let inviteToken: string;
let passage: { key: string; readingId: string };

beforeAll(async () => {
  server = await startTestServer();
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
