/**
 * Rate limits hold under a race (issue 12): every attempt is counted atomically before it is checked,
 * so N requests at once against a limit of L get exactly L through — for logins (per account and per
 * address), sign-ups (per address), posts (comments, replies, answers, session questions), invitations
 * and uploads (per person). Over the limit: a 429 that says when to retry, and nothing written.
 * The server here runs with the shipped limits, behind a trusted proxy so each test has an address.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumeRateLimit, DEFAULT_RATE_LIMITS } from "~/models/rate-limit.server.ts";
import { logIn } from "~/models/user.server.ts";
import { TestClient, TEST_PASSWORD, uniqueEmail } from "../support/client.ts";
import { createGroupDirectly, signUp, uniqueLabel, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
const db = () => server.database.db;
const newId = () => randomBytes(15).toString("base64url");

let ada: Person;
let bo: Person;
let mod: Person;
let groupId: string;
let page: string;
let passage: { key: string; readingId: string };

beforeAll(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: "true" }, rateLimits: DEFAULT_RATE_LIMITS });
  const named = (name: string) => signUp(server, { displayName: uniqueLabel(name) });
  [ada, bo, mod] = await Promise.all([named("Ada"), named("Bo"), named("Mo")]);
  const group = await createGroupDirectly(server, uniqueLabel("Limits circle"), [
    [mod, "owner"],
    [ada, "member"],
    [bo, "member"],
  ]);
  groupId = group.id;
  page = `/groups/${groupId}/day/1`;
  const reading = await db().reading.findFirstOrThrow({
    where: { lesson: { courseId: group.courseId, day: 1 } },
    orderBy: { position: "asc" },
    include: { currentRevision: { include: { passages: { where: { kind: "paragraph" }, orderBy: { position: "asc" }, take: 1 } } } },
  });
  passage = { key: reading.currentRevision!.passages[0]!.key, readingId: reading.id };
});
afterAll(async () => {
  await server?.close();
});

const from = (address: string) => ({ headers: { "x-forwarded-for": address } });
const statuses = (responses: Response[]) => responses.map((response) => response.status).sort();
const times = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));
const counted = (list: number[], status: number) => list.filter((value) => value === status).length;

async function expectRetryAfter(response: Response) {
  expect(response.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
  expect(await response.text()).toMatch(/Try again in \d+ (second|minute)s?\./);
}

describe("logging in", () => {
  it("14 wrong passwords at once on one account: exactly 8 are checked, and then even the right one waits", async () => {
    const attacker = new TestClient(server.url);
    const answers = await Promise.all(times(14, (i) => attacker.post("/login", { email: ada.email, password: `guess ${i}` }, from("198.51.100.1"))));
    expect(counted(statuses(answers), 400)).toBe(8);
    expect(counted(statuses(answers), 429)).toBe(6);
    const owner = new TestClient(server.url);
    const locked = await owner.post("/login", { email: ada.email, password: TEST_PASSWORD }, from("198.51.100.9"));
    expect(locked.status).toBe(429);
    await expectRetryAfter(locked);
    expect(owner.sessionToken()).toBeUndefined();
  });

  it("45 wrong logins at once from one address, each for another account: exactly 40 are checked", async () => {
    const attacker = new TestClient(server.url);
    const answers = await Promise.all(times(45, () => attacker.post("/login", { email: uniqueEmail("nobody"), password: "wrong password!" }, from("198.51.100.2"))));
    expect(counted(statuses(answers), 400)).toBe(40);
    expect(counted(statuses(answers), 429)).toBe(5);
  });

  it("successful logins give their count back: a shared address is not locked out by its own people", async () => {
    const limits = { loginPerAccount: DEFAULT_RATE_LIMITS.loginPerAccount, loginPerAddress: { limit: 2, windowMs: 60_000 } };
    for (let i = 0; i < 5; i++) {
      expect(await logIn(db(), { email: bo.email, password: TEST_PASSWORD }, "198.51.100.3", limits)).toMatchObject({ ok: true });
    }
  });
});

describe("writing", () => {
  it("12 sign-ups at once from one address: 10 accounts, 2 told when to retry", async () => {
    const emails = times(12, () => uniqueEmail("burst"));
    const answers = await Promise.all(
      emails.map((email) => new TestClient(server.url).post("/signup", { email, displayName: "Burst", password: TEST_PASSWORD }, from("203.0.113.7"))),
    );
    expect(counted(statuses(answers), 302)).toBe(10);
    const refused = answers.filter((response) => response.status === 429);
    expect(refused).toHaveLength(2);
    await expectRetryAfter(refused[0]!);
    expect(await db().user.count({ where: { email: { in: emails } } })).toBe(10);
  });

  it("25 comments at once from one person: 20 stored, 5 refused with the text given back", async () => {
    const bodies = times(25, (i) => `Burst comment number ${i}`);
    const answers = await Promise.all(
      bodies.map((body) =>
        ada.client.post(`${page}.data`, { intent: "post", kind: "comment", readingId: passage.readingId, passageKey: passage.key, id: newId(), body, _js: "1" }),
      ),
    );
    expect(counted(statuses(answers), 200)).toBe(20);
    const refused = answers.filter((response) => response.status === 429);
    expect(refused).toHaveLength(5);
    expect(refused[0]!.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    const text = await refused[0]!.text();
    expect(text).toMatch(/Try again in \d+ seconds?\./);
    expect(text).toMatch(/Burst comment number \d+/);
    expect(await db().comment.count({ where: { authorId: ada.id, body: { in: bodies } } })).toBe(20);

    // Without JavaScript the page comes back with the message and the text in its composer.
    const plain = await ada.client.post(page, { intent: "post", kind: "comment", readingId: passage.readingId, passageKey: passage.key, id: newId(), body: "Kept while waiting" });
    expect(plain.status).toBe(429);
    const html = await plain.text();
    expect(html).toContain("Kept while waiting");
    expect(html).toMatch(/Try again in \d+ seconds?\./);
    expect(await db().comment.count({ where: { body: "Kept while waiting" } })).toBe(0);
  });

  it("questions in a live session count as posts: after 15 comments, 6 questions at once, 5 asked", async () => {
    const comments = await Promise.all(
      times(15, (i) => bo.client.post(`${page}.data`, { intent: "post", kind: "comment", readingId: passage.readingId, passageKey: passage.key, id: newId(), body: `Bo ${i}`, _js: "1" })),
    );
    expect(counted(statuses(comments), 200)).toBe(15);
    const start = await mod.client.post(`/groups/${groupId}/sessions`, { intent: "start", day: "1" });
    expect(start.status).toBe(302);
    const session = await db().liveSession.findFirstOrThrow({ where: { groupId, endedAt: null } });
    const answers = await Promise.all(
      times(6, (i) => bo.client.post(`/groups/${groupId}/sessions.data`, { intent: "ask", sessionId: session.id, id: newId(), body: `Question ${i}?`, _js: "1" })),
    );
    expect(counted(statuses(answers), 200)).toBe(5);
    const refused = answers.filter((response) => response.status === 429);
    expect(refused).toHaveLength(1);
    expect(await refused[0]!.text()).toMatch(/Question \d\?/);
    expect(await db().sessionQuestion.count({ where: { sessionId: session.id } })).toBe(5);
  });

  it("31 invitation links at once: 30 made, 1 refused", async () => {
    const before = await db().invite.count({ where: { groupId } });
    const answers = await Promise.all(times(31, () => mod.client.post(`/groups/${groupId}/members`, { intent: "invite-link" })));
    expect(counted(statuses(answers), 200)).toBe(30);
    const refused = answers.filter((response) => response.status === 429);
    expect(refused).toHaveLength(1);
    await expectRetryAfter(refused[0]!);
    expect(await db().invite.count({ where: { groupId } })).toBe(before + 30);
  });

  it("21 uploads at once: 20 imported, 1 refused", async () => {
    const slug = `limits-${randomBytes(4).toString("hex")}`;
    await db().course.create({ data: { slug, title: "Limits", dayCount: 2, ownerId: mod.id } });
    const upload = () => {
      const form = new FormData();
      form.append("files", new Blob(["---\nday: 1\ntitle: First day\n---\n\nOne paragraph of text.\n"], { type: "text/plain" }), "day-1.md");
      return mod.client.request(`/courses/${slug}/import`, { method: "POST", body: form });
    };
    const answers = await Promise.all(times(21, upload));
    expect(counted(statuses(answers), 200)).toBe(20);
    const refused = answers.filter((response) => response.status === 429);
    expect(refused).toHaveLength(1);
    await expectRetryAfter(refused[0]!);
  });
});

describe("the counter", () => {
  it("starts a new window once the old one is over, and says how long is left in it", async () => {
    const key = `window-${newId()}`;
    const rule = { limit: 2, windowMs: 10_000 };
    const t0 = new Date("2026-06-01T10:00:00Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(await consumeRateLimit(db(), key, rule, t0)).toMatchObject({ allowed: true, count: 1 });
    expect(await consumeRateLimit(db(), key, rule, at(1_000))).toMatchObject({ allowed: true, count: 2 });
    expect(await consumeRateLimit(db(), key, rule, at(4_000))).toEqual({ allowed: false, count: 3, retryAfterMs: 6_000 });
    expect(await consumeRateLimit(db(), key, rule, at(10_000))).toMatchObject({ allowed: true, count: 1 });
  });

  it("gives each of 30 parallel hits its own number", async () => {
    const key = `parallel-${newId()}`;
    const states = await Promise.all(times(30, () => consumeRateLimit(db(), key, { limit: 10, windowMs: 60_000 })));
    expect(states.map((state) => state.count).sort((a, b) => a - b)).toEqual(times(30, (i) => i + 1));
    expect(states.filter((state) => state.allowed)).toHaveLength(10);
  });
});
