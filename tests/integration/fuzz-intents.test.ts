/**
 * Fuzz-style tests of every intent of every form action (issue 12), through the real server:
 * - forged ids: another group's comment/session/question/invite/member/notification id, an id that
 *   does not exist, one with control characters (NUL, newline, RTL override), an over-long one, the
 *   field given twice, and the group id in the path forged the same ways;
 * - control characters and huge values in every text field;
 * - the role matrix of every discussion and live-session intent (authorization.test.ts has the
 *   members page, settings and leaving): a signed-out visitor, a member of another group, a plain
 *   member for what only moderators may do;
 * - 20 copies of the same valid request at once: no 5xx, a final state one request (or a
 *   serialization of them) would leave, and no audit entry or notification written twice.
 * Every refusal is a 4xx with a message (never a stack trace) and leaves the database as it was.
 * The table of intents is checked against the routes' HANDLERS and intent enums, so a new intent
 * fails here until it is covered.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../support/client.ts";
import { createGroupDirectly, decodeEntities, signUp, uniqueLabel, visitor, DEMO_COURSE_SLUG, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { databaseSnapshot } from "../support/snapshot.ts";

let server: TestServer;
const db = () => server.database.db;
const newId = () => randomBytes(15).toString("base64url");
/** A time a session can be scheduled for (within a year), as a datetime-local input sends it. */
const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 16);
/** Rate-limit counters are left out: a post is counted before its target is looked up (README, Security). */
const snapshot = () => databaseSnapshot(server, { rateLimits: false });

/** Group A: owner O, moderator M, members U and W. Group B: owner X, member Y. */
let O: Person, M: Person, U: Person, W: Person, X: Person, Y: Person;
interface Side {
  groupId: string;
  /** A question by its first member, a reply to it by the second. */
  question: string;
  reply: string;
  session: string;
  scheduled: string;
  sessionQuestion: string;
  invite: { id: string; token: string };
}
let A: Side;
let B: Side;
/** Day 1's first paragraph; a passage of Day 2 (not in Day 1's lesson). */
let passage: { key: string; readingId: string };
let otherDay: { key: string; readingId: string };
let revokedToken: string;
let notificationOfX: string;
let notificationOfU: string;

async function firstParagraph(day: number) {
  const lesson = await db().lesson.findFirstOrThrow({
    where: { day, course: { slug: DEMO_COURSE_SLUG } },
    include: { readings: { orderBy: { position: "asc" }, include: { currentRevision: { include: { passages: { orderBy: { position: "asc" } } } } } } },
  });
  const reading = lesson.readings[0]!;
  return { key: reading.currentRevision!.passages.find((p) => p.kind === "paragraph")!.key, readingId: reading.id };
}

async function ok(response: Response, what: string) {
  expect([200, 302, 303], `${what}: ${response.status} ${response.status === 302 ? "" : (await response.clone().text()).slice(0, 200)}`).toContain(response.status);
}

/** A group with a question and its reply, a running session with a question, a scheduled session and an open link. */
async function side(owner: Person, asker: Person, replier: Person, moderator?: Person): Promise<Side> {
  const people: Array<[Person, "owner" | "moderator" | "member"]> = [[owner, "owner"]];
  for (const person of [asker, replier]) if (!people.some(([someone]) => someone === person)) people.push([person, "member"]);
  if (moderator) people.push([moderator, "moderator"]);
  const group = await createGroupDirectly(server, uniqueLabel("Fuzz circle"), people);
  const page = `/groups/${group.id}/day/1`;
  const question = newId();
  await ok(await asker.client.post(page, { intent: "post", id: question, kind: "question", readingId: passage.readingId, passageKey: passage.key, body: `Why ${question}?` }), "question");
  const reply = newId();
  await ok(await replier.client.post(page, { intent: "reply", id: reply, parentId: question, body: `Because ${reply}.` }), "reply");
  await ok(await owner.client.post(`/groups/${group.id}/sessions`, { intent: "start", day: "1" }), "start");
  const session = (await db().liveSession.findFirstOrThrow({ where: { groupId: group.id, endedAt: null, startedAt: { not: null } } })).id;
  const sessionQuestion = newId();
  await ok(await asker.client.post(`/groups/${group.id}/sessions`, { intent: "ask", sessionId: session, id: sessionQuestion, body: "A question for the room" }), "ask");
  await ok(await owner.client.post(`/groups/${group.id}/sessions`, { intent: "schedule", day: "2", title: "Later", when: soon(20) }), "schedule");
  const scheduled = (await db().liveSession.findFirstOrThrow({ where: { groupId: group.id, startedAt: null } })).id;
  const invite = await db().invite.create({ data: { groupId: group.id, token: randomBytes(18).toString("base64url"), kind: "link", createdById: owner.id }, select: { id: true, token: true } });
  return { groupId: group.id, question, reply, session, scheduled, sessionQuestion, invite };
}

beforeAll(async () => {
  server = await startTestServer();
  const named = (name: string) => signUp(server, { displayName: uniqueLabel(name) });
  [O, M, U, W, X, Y] = await Promise.all([named("Fuzz Owner"), named("Fuzz Mod"), named("Fuzz Asker"), named("Fuzz Replier"), named("Other Owner"), named("Other Member")]);
  passage = await firstParagraph(1);
  otherDay = await firstParagraph(2);
  A = await side(O, U, W, M);
  B = await side(X, X, Y);
  const revoked = await db().invite.create({ data: { groupId: A.groupId, token: randomBytes(18).toString("base64url"), kind: "link", createdById: O.id, revokedAt: new Date() } });
  revokedToken = revoked.token;
  notificationOfX = (await db().notification.findFirstOrThrow({ where: { userId: X.id } })).id;
  notificationOfU = (await db().notification.findFirstOrThrow({ where: { userId: U.id } })).id;
});
afterAll(async () => {
  await server?.close();
});

// ------------------------------------------------------------------ the table of intents

type Fields = Record<string, string>;
interface Intent {
  /** The route file (app/routes, without extension) and the intent ("" for a form with none). */
  route: string;
  intent: string;
  /** Who may send it, and where. */
  as: () => Person | null;
  path: () => string;
  /** A valid form (the forged variants replace one field of it). */
  fields: () => Fields;
  /** Id fields, each with the same kind of id from group B (or, for lesson content, another day). */
  ids?: Record<string, () => string>;
  /** Free-text fields. */
  texts?: string[];
  /** The path holds the group id (forged like the others). */
  groupPath?: boolean;
  /** A forged id that is not refused but changes nothing (marking someone else's notification read). */
  forgedIsNoop?: boolean;
}

const DISCUSSION = (intent: string, as: () => Person, fields: () => Fields, ids: Intent["ids"], texts?: string[]): Intent => ({
  route: "groups.$groupId.day.$day",
  intent,
  as,
  path: () => `/groups/${A.groupId}/day/1`,
  fields: () => ({ intent, ...fields() }),
  ids,
  texts,
  groupPath: true,
});
const SESSION = (intent: string, as: () => Person, fields: () => Fields, ids: Intent["ids"], texts?: string[]): Intent => ({
  route: "groups.$groupId.sessions._index",
  intent,
  as,
  path: () => `/groups/${A.groupId}/sessions`,
  fields: () => ({ intent, ...fields() }),
  ids,
  texts,
  groupPath: true,
});
const MEMBERS = (intent: string, fields: () => Fields, ids: Intent["ids"], texts?: string[]): Intent => ({
  route: "groups.$groupId.members",
  intent,
  as: () => O,
  path: () => `/groups/${A.groupId}/members`,
  fields: () => ({ intent, ...fields() }),
  ids,
  texts,
  groupPath: true,
});

const INTENTS: Intent[] = [
  // The lesson page's discussion forms (app/actions/discussion-forms.server.ts).
  DISCUSSION("post", () => W, () => ({ id: newId(), kind: "comment", readingId: passage.readingId, passageKey: passage.key, body: "A fine remark" }), { readingId: () => otherDay.readingId, passageKey: () => otherDay.key, id: () => B.question }, ["body", "quoteExact"]),
  DISCUSSION("reply", () => W, () => ({ id: newId(), parentId: A.question, body: "A fine reply" }), { parentId: () => B.question, id: () => B.reply }, ["body"]),
  DISCUSSION("edit", () => U, () => ({ commentId: A.question, body: "Edited question?" }), { commentId: () => B.question }, ["body"]),
  DISCUSSION("delete", () => U, () => ({ commentId: A.question }), { commentId: () => B.question }),
  DISCUSSION("react", () => W, () => ({ commentId: A.question, reaction: "agree" }), { commentId: () => B.question }),
  DISCUSSION("answer", () => U, () => ({ commentId: A.reply }), { commentId: () => B.reply }),
  DISCUSSION("pin", () => M, () => ({ commentId: A.question, scope: "passage" }), { commentId: () => B.question }),
  DISCUSSION("flag", () => W, () => ({ commentId: A.question, reason: "Off topic here" }), { commentId: () => B.question }, ["reason"]),
  DISCUSSION("moderate", () => M, () => ({ commentId: A.question, action: "hide" }), { commentId: () => B.question }),
  // Live sessions (app/actions/live-session-forms.server.ts); the session page posts to the same action.
  SESSION("start", () => O, () => ({ day: "3", title: "Now" }), { day: () => "99" }, ["title"]),
  SESSION("schedule", () => O, () => ({ day: "2", title: "Soon", when: soon(30) }), { day: () => "99" }, ["title", "when"]),
  SESSION("start-scheduled", () => O, () => ({ sessionId: A.scheduled }), { sessionId: () => B.scheduled }),
  SESSION("cancel", () => O, () => ({ sessionId: A.scheduled }), { sessionId: () => B.scheduled }),
  SESSION("end", () => O, () => ({ sessionId: A.session }), { sessionId: () => B.session }),
  SESSION("join", () => W, () => ({ sessionId: A.session }), { sessionId: () => B.session }),
  SESSION("spotlight", () => O, () => ({ sessionId: A.session, passageKey: passage.key }), { sessionId: () => B.session, passageKey: () => otherDay.key }),
  SESSION("ask", () => W, () => ({ sessionId: A.session, id: newId(), body: "Could you say more?" }), { sessionId: () => B.session, id: () => B.sessionQuestion }, ["body"]),
  SESSION("vote", () => W, () => ({ sessionId: A.session, questionId: A.sessionQuestion }), { sessionId: () => B.session, questionId: () => B.sessionQuestion }),
  SESSION("answered", () => O, () => ({ sessionId: A.session, questionId: A.sessionQuestion }), { sessionId: () => B.session, questionId: () => B.sessionQuestion }),
  SESSION("reopen", () => O, () => ({ sessionId: A.session, questionId: A.sessionQuestion }), { sessionId: () => B.session, questionId: () => B.sessionQuestion }),
  SESSION("dismiss", () => O, () => ({ sessionId: A.session, questionId: A.sessionQuestion }), { sessionId: () => B.session, questionId: () => B.sessionQuestion }),
  // The members page.
  MEMBERS("invite-link", () => ({ maxUses: "5" }), undefined, ["maxUses", "expiresInDays"]),
  MEMBERS("invite-email", () => ({ email: `fuzz-${newId()}@example.org` }), undefined, ["email"]),
  MEMBERS("revoke", () => ({ inviteId: A.invite.id }), { inviteId: () => B.invite.id }),
  MEMBERS("promote", () => ({ userId: W.id }), { userId: () => Y.id }),
  MEMBERS("demote", () => ({ userId: M.id }), { userId: () => Y.id }),
  MEMBERS("transfer", () => ({ userId: W.id }), { userId: () => Y.id }),
  MEMBERS("remove", () => ({ userId: W.id }), { userId: () => Y.id }),
  // Leaving a group, settings.
  { route: "groups.$groupId._index", intent: "leave", as: () => W, path: () => `/groups/${A.groupId}?index`, fields: () => ({ intent: "leave" }), groupPath: true },
  {
    route: "groups.$groupId.settings",
    intent: "",
    as: () => O,
    path: () => `/groups/${A.groupId}/settings`,
    fields: () => ({ name: uniqueLabel("Renamed"), description: "d", paceMode: "scheduled", startDate: "2026-01-05", daysPerWeek: "7", timeZone: "UTC" }),
    texts: ["name", "description", "timeZone", "startDate", "daysPerWeek"],
    groupPath: true,
  },
  // Personal forms.
  { route: "account", intent: "profile", as: () => U, path: () => "/account", fields: () => ({ intent: "profile", displayName: uniqueLabel("Renamed") }), texts: ["displayName"] },
  {
    route: "account",
    intent: "password",
    as: () => U,
    path: () => "/account",
    fields: () => ({ intent: "password", currentPassword: "correct horse battery", newPassword: "another long password", confirmPassword: "another long password" }),
    texts: ["currentPassword", "newPassword", "confirmPassword"],
  },
  { route: "account", intent: "time-zone", as: () => U, path: () => "/account", fields: () => ({ intent: "time-zone", timeZone: "Europe/Paris" }), texts: ["timeZone"] },
  { route: "account", intent: "logout-everywhere", as: () => U, path: () => "/account", fields: () => ({ intent: "logout-everywhere" }) },
  { route: "api.progress", intent: "done", as: () => U, path: () => "/api/progress", fields: () => ({ intent: "done", courseSlug: DEMO_COURSE_SLUG, day: "3" }), ids: { courseSlug: () => "no-such-course", day: () => "999" } },
  { route: "api.progress", intent: "undone", as: () => U, path: () => "/api/progress", fields: () => ({ intent: "undone", courseSlug: DEMO_COURSE_SLUG, day: "3" }), ids: { courseSlug: () => "no-such-course", day: () => "999" } },
  { route: "progress._index", intent: "", as: () => U, path: () => "/progress?index", fields: () => ({ timeZone: "Europe/Paris", shareProgress: "on" }), texts: ["timeZone"] },
  { route: "notifications", intent: "", as: () => U, path: () => "/notifications", fields: () => ({ id: notificationOfU }), ids: { id: () => notificationOfX }, forgedIsNoop: true },
  { route: "groups.new", intent: "", as: () => U, path: () => "/groups/new", fields: () => ({ course: DEMO_COURSE_SLUG, name: uniqueLabel("New"), description: "", paceMode: "self", timeZone: "UTC" }), ids: { course: () => "no-such-course" }, texts: ["name", "description", "timeZone"] },
  { route: "invite.$token", intent: "", as: () => Y, path: () => `/invite/${A.invite.token}`, fields: () => ({}) },
  { route: "login", intent: "", as: () => null, path: () => "/login", fields: () => ({ email: U.email, password: "correct horse battery" }), texts: ["email", "password"] },
  { route: "signup", intent: "", as: () => null, path: () => "/signup", fields: () => ({ email: `fuzz-${newId()}@example.org`, displayName: uniqueLabel("New"), password: "correct horse battery" }), texts: ["email", "displayName", "password"] },
  { route: "logout", intent: "", as: () => U, path: () => "/logout", fields: () => ({}) },
  { route: "courses.$slug.import", intent: "", as: () => U, path: () => `/courses/${DEMO_COURSE_SLUG}/import`, fields: () => ({}) },
];

/** The intents each route's action knows, read from its source. */
function intentsInSource(): string[] {
  const routes = new URL("../../app/routes/", import.meta.url);
  const actions = new URL("../../app/actions/", import.meta.url);
  const handlerKeys = (file: string) => {
    const source = readFileSync(new URL(file, actions), "utf8");
    const block = /const HANDLERS = \{([\s\S]*?)\n\} satisfies/.exec(source)![1]!;
    return [...block.matchAll(/^ {2}("?)([\w-]+)\1:/gm)].map((match) => match[2]!);
  };
  const found: string[] = [];
  for (const file of readdirSync(routes)) {
    const source = readFileSync(new URL(file, routes), "utf8");
    if (!/export (const|async function|function) action\b/.test(source)) continue;
    const route = file.replace(/\.tsx?$/, "");
    let intents: string[];
    if (source.includes("discussionAction")) intents = handlerKeys("discussion-forms.server.ts");
    else if (source.includes("sessionAction")) intents = handlerKeys("live-session-forms.server.ts");
    else {
      const enumMatch = /intentSchema = z\.enum\(\[([^\]]*)\]/.exec(source);
      const literals = [...source.matchAll(/intent !== "([\w-]+)"/g)].map((match) => match[1]!);
      intents = enumMatch ? [...enumMatch[1]!.matchAll(/"([\w-]+)"/g)].map((match) => match[1]!) : literals.length ? literals : [""];
    }
    // Both session routes run the one sessionAction: the table sends its intents to the sessions index.
    if (route === "groups.$groupId.sessions.$sessionId") continue;
    for (const intent of intents) found.push(`${route}#${intent}`);
  }
  return found.sort();
}

// ------------------------------------------------------------------ sending and checking

/** A form post whose fields may repeat (the same name twice). */
function postPairs(client: TestClient, path: string, pairs: Array<[string, string]>) {
  const body = new URLSearchParams();
  for (const [name, value] of pairs) body.append(name, value);
  return client.request(path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: body.toString() });
}
const clientOf = (entry: Intent) => entry.as()?.client ?? visitor(server);

/** A refusal: a 4xx with a readable message, no stack trace, and nothing changed. */
async function expectRefused(response: Response, before: unknown, label: string) {
  const text = decodeEntities(await response.text());
  expect(response.status, `${label}: ${response.status} ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(response.status, `${label}: ${text.slice(0, 300)}`).toBeLessThan(500);
  expect(text.trim().length, label).toBeGreaterThan(0);
  expect(text, label).not.toMatch(/\n\s+at .*:\d+:\d+/);
  expect(await snapshot(), label).toEqual(before);
  return text;
}

const CONTROL_IDS = (valid: string) => ({
  "NUL inside": `${valid}\u0000`,
  "only NUL": "\u0000",
  "a newline inside": `${valid}\n${valid}`,
  "CR LF": `${valid}\r\nX-Injected: 1`,
  "RTL override": `\u202e${valid}`,
  "escape sequence": `\u001b[31m${valid}`,
  "over-long (5,000 chars)": "c".repeat(5000),
  "valid + 100 chars": valid + "x".repeat(100),
  nonexistent: `c${randomBytes(12).toString("hex")}`,
  empty: "",
});

const CASES_IDS = INTENTS.flatMap((entry) =>
  Object.keys(entry.ids ?? {}).map((field) => ({ label: `${entry.route}#${entry.intent || "-"} · ${field}`, entry, field })),
);
const CASES_GROUP_PATH = INTENTS.filter((entry) => entry.groupPath).map((entry) => ({ label: `${entry.route}#${entry.intent || "-"}`, entry }));
const CASES_TEXTS = INTENTS.flatMap((entry) => (entry.texts ?? []).map((field) => ({ label: `${entry.route}#${entry.intent || "-"} · ${field}`, entry, field })));

describe("the table of intents", () => {
  it("covers every intent of every route with an action (a new intent fails here until it is added)", () => {
    const covered = [...new Set(INTENTS.map((entry) => `${entry.route}#${entry.intent}`))].sort();
    expect(covered).toEqual(intentsInSource());
  });
  it("has forged ids and text fields to send", () => {
    expect(CASES_IDS.length).toBeGreaterThan(30);
    expect(CASES_TEXTS.length).toBeGreaterThan(25);
  });
});

describe("forged ids in forms: another group's, nonexistent, control characters, over-long, given twice → 4xx, nothing changed", () => {
  it.each(CASES_IDS)("$label", async ({ entry, field }) => {
    const client = clientOf(entry);
    const base = entry.fields();
    const valid = base[field] ?? "";
    const variants: Record<string, Array<[string, string]>> = {};
    const withField = (value: string) => Object.entries({ ...base, [field]: value }) as Array<[string, string]>;
    variants["another group's id"] = withField(entry.ids![field]!());
    for (const [name, value] of Object.entries(CONTROL_IDS(valid))) {
      // A post's own id is chosen by the composer: one nobody used yet is simply a new post.
      if (name === "nonexistent" && field === "id") continue;
      // An empty passage clears the spotlight.
      if (name === "empty" && entry.intent === "spotlight" && field === "passageKey") continue;
      variants[name] = withField(value);
    }
    // Given twice: the valid value first, the forged one after it.
    variants["given twice (valid, then another group's)"] = [...Object.entries(base), [field, entry.ids![field]!()]];
    variants["given twice (another group's, then nonexistent)"] = [...withField(entry.ids![field]!()), [field, "nonexistent-id-0000"]];
    for (const [name, pairs] of Object.entries(variants)) {
      const before = await snapshot();
      const response = await postPairs(client, entry.path(), pairs);
      if (entry.forgedIsNoop && response.status < 400) {
        expect(response.status, name).toBeLessThan(400);
        expect(await snapshot(), name).toEqual(before);
        continue;
      }
      await expectRefused(response, before, name);
    }
  });
});

describe("a forged group id in the path → 404, nothing changed", () => {
  it.each(CASES_GROUP_PATH)("$label", async ({ entry }) => {
    const client = clientOf(entry);
    const forgeries = {
      "another group's": B.groupId,
      nonexistent: `c${randomBytes(12).toString("hex")}`,
      "NUL (%00)": `${A.groupId}%00`,
      "newline (%0A)": `${A.groupId}%0A`,
      "RTL override": `%E2%80%AE${A.groupId}`,
      "over-long": "g".repeat(3000),
    };
    for (const [name, forged] of Object.entries(forgeries)) {
      const before = await snapshot();
      const path = entry.path().replace(A.groupId, forged);
      const response = await client.post(path, entry.fields());
      const text = await expectRefused(response, before, name);
      expect([400, 404], `${name}: ${text.slice(0, 200)}`).toContain(response.status);
      expect(text).not.toContain(B.question);
    }
  });

  it("an invitation token forged the same ways: 4xx, nothing changed", async () => {
    for (const token of [revokedToken, "nonexistent-token-0000", `${A.invite.token}%00`, `${A.invite.token}%0A`, `%E2%80%AE${A.invite.token}`, "t".repeat(3000)]) {
      const before = await snapshot();
      await expectRefused(await Y.client.post(`/invite/${token}`, {}), before, token.slice(0, 40));
    }
  });
});

/** Text no field should take as it is: control characters, and values over any limit. */
const HOSTILE_TEXTS: Record<string, string> = {
  NUL: "before\u0000after",
  "only NUL": "\u0000",
  "huge (200,000 chars)": "a".repeat(200_000),
  "huge with NUL": `${"b".repeat(50_000)}\u0000`,
};
/** Text a field may take or refuse; never a 5xx, and when refused nothing changes. */
const ODD_TEXTS: Record<string, string> = {
  "C0 controls": "a\u0001\u0002\u0007\u0008b",
  "escape sequence": "\u001b[2J\u001b[31mred",
  "RTL override": "\u202egnp.exe",
  "zero-width": "\u200b\u200c\u200d\ufeff",
  "CR LF header injection": "x\r\nSet-Cookie: a=b",
  "DEL and C1": "\u007f\u0085\u009b",
  "lone surrogate": "text \ud800 here",
};

describe("control characters and huge values in every text field", () => {
  it.each(CASES_TEXTS)("$label", async ({ entry, field }) => {
    const client = clientOf(entry);
    for (const [name, value] of Object.entries(HOSTILE_TEXTS)) {
      const before = await snapshot();
      const response = await postPairs(client, entry.path(), Object.entries({ ...entry.fields(), [field]: value }));
      await expectRefused(response, before, name);
    }
    for (const [name, value] of Object.entries(ODD_TEXTS)) {
      const before = await snapshot();
      const response = await postPairs(client, entry.path(), Object.entries({ ...entry.fields(), [field]: value }));
      if (response.status >= 400) await expectRefused(response, before, name);
      else expect(response.status, name).toBeLessThan(400);
    }
  });
});

describe("NUL in an address or a progress batch (PostgreSQL cannot compare one) → 400, nothing changed", () => {
  it("in a path or a query a loader reads: 400 with a message", async () => {
    const paths = [
      `/groups/${A.groupId}%00`,
      `/groups/${A.groupId}/day/1?history=${A.question}%00`,
      `/groups/${A.groupId}/day/1?comment=%00`,
      `/courses/${DEMO_COURSE_SLUG}/search?q=a%00b`,
      `/courses/${DEMO_COURSE_SLUG}%00/day/1`,
      `/invite/${A.invite.token}%00`,
    ];
    for (const path of [...paths, ...paths.map((path) => path.replace(/(\?|$)/, ".data$1"))]) {
      const before = await snapshot();
      const text = await expectRefused(await U.client.get(path), before, path);
      expect(text, path).toContain("NUL");
    }
  });
  it("a redirectTo with a NUL still falls back (README, Security): the login page answers 200", async () => {
    expect((await visitor(server).get("/login?redirectTo=%2F%00%2Fevil.example")).status).toBe(200);
  });
  it("in a JSON batch of reads: 400", async () => {
    const batches = [
      { courseSlug: `${DEMO_COURSE_SLUG}\u0000`, day: 1, reads: [] },
      { courseSlug: DEMO_COURSE_SLUG, day: 1, timeZone: "UTC\u0000", reads: [] },
      { courseSlug: DEMO_COURSE_SLUG, day: 1, reads: [{ passageKey: `${passage.key}\u0000`, readingId: passage.readingId, dwellMs: 5000, at: Date.now() }] },
      { courseSlug: DEMO_COURSE_SLUG, day: 1, reads: [{ passageKey: passage.key, readingId: `${passage.readingId}\u0000`, dwellMs: 5000, at: Date.now() }] },
    ];
    for (const batch of batches) {
      const before = await snapshot();
      const response = await U.client.request("/api/progress", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch) });
      const text = await expectRefused(response, before, JSON.stringify(batch).slice(0, 80));
      expect(text).toContain("NUL characters are not allowed.");
    }
  });
});

// ------------------------------------------------------------------ who may send each intent

/**
 * The discussion and live-session intents × who sends them (authorization.test.ts has the members
 * page, settings and leaving). A signed-out visitor is sent to log in; a member of another group
 * gets 404 and nothing of the group; a plain member gets 403 with the reason for what is not theirs.
 */
const MODERATORS_ONLY = "Only the group's moderators can do that.";
const MEMBER_REFUSALS: Record<string, { as: () => Person; says: string }> = {
  edit: { as: () => W, says: "You can only edit your own comments." },
  delete: { as: () => W, says: "You can only delete your own comments." },
  answer: { as: () => W, says: "Only the person who asked, or a moderator, can mark the answer." },
  pin: { as: () => W, says: MODERATORS_ONLY },
  moderate: { as: () => W, says: MODERATORS_ONLY },
  start: { as: () => W, says: MODERATORS_ONLY },
  schedule: { as: () => W, says: MODERATORS_ONLY },
  "start-scheduled": { as: () => W, says: MODERATORS_ONLY },
  cancel: { as: () => W, says: MODERATORS_ONLY },
  end: { as: () => W, says: MODERATORS_ONLY },
  spotlight: { as: () => W, says: MODERATORS_ONLY },
  answered: { as: () => W, says: MODERATORS_ONLY },
  reopen: { as: () => W, says: MODERATORS_ONLY },
  dismiss: { as: () => W, says: "Only the facilitator or the person who asked can take a question out of the queue." },
};
const ROOM_INTENTS = INTENTS.filter((entry) => entry.route === "groups.$groupId.day.$day" || entry.route === "groups.$groupId.sessions._index");
const ROLE_CASES = ROOM_INTENTS.flatMap((entry) => {
  const cases: Array<{ label: string; entry: Intent; who: "visitor" | "outsider" | "member"; data: boolean }> = [];
  for (const data of [false, true]) {
    const suffix = data ? " (.data)" : "";
    cases.push({ label: `${entry.intent} · signed out${suffix}`, entry, who: "visitor", data });
    cases.push({ label: `${entry.intent} · member of another group${suffix}`, entry, who: "outsider", data });
    if (MEMBER_REFUSALS[entry.intent]) cases.push({ label: `${entry.intent} · plain member${suffix}`, entry, who: "member", data });
  }
  return cases;
});
const dataPath = (path: string) => path.replace(/(\?|$)/, ".data$1");

describe("the role matrix of every discussion and live-session intent", () => {
  it("names a plain member's refusal for every intent only moderators (or the author) may send", () => {
    const memberOnly = new Set(["post", "reply", "react", "flag", "join", "ask", "vote"]);
    expect(ROOM_INTENTS.filter((entry) => !memberOnly.has(entry.intent)).map((entry) => entry.intent).sort()).toEqual(Object.keys(MEMBER_REFUSALS).sort());
  });

  it.each(ROLE_CASES)("$label", async ({ entry, who, data }) => {
    const client = who === "visitor" ? visitor(server) : who === "outsider" ? X.client : MEMBER_REFUSALS[entry.intent]!.as().client;
    const path = data ? dataPath(entry.path()) : entry.path();
    const before = await snapshot();
    const response = await client.post(path, entry.fields());
    const text = decodeEntities(await response.text());
    expect(response.status, text.slice(0, 200)).not.toBe(200);
    if (who === "visitor") {
      const location = response.headers.get("location") ?? "";
      if (data) expect(`${location} ${text}`).toContain("/login?redirectTo=");
      else {
        expect(response.status).toBe(302);
        expect(location).toMatch(/^\/login\?redirectTo=%2Fgroups%2F/);
      }
      expect(await snapshot()).toEqual(before);
    } else if (who === "outsider") {
      expect(response.status, text.slice(0, 200)).toBe(404);
      expect(text).toContain(data ? "No such group, or you are not a member of it." : "Not found");
      expect(text).not.toContain(A.question);
      await expectRefused(new Response(text, { status: 404 }), before, entry.intent);
    } else {
      expect(response.status, text.slice(0, 200)).toBe(403);
      expect(text).toContain(MEMBER_REFUSALS[entry.intent]!.says);
      await expectRefused(new Response(text, { status: 403 }), before, entry.intent);
    }
  });

  it("the personal forms send a signed-out visitor to log in (the progress batch answers 401), changing nothing", async () => {
    const personal = INTENTS.filter((entry) => !entry.groupPath && entry.as() !== null && entry.route !== "logout");
    for (const entry of personal) {
      const before = await snapshot();
      const response = await visitor(server).post(entry.path(), entry.fields());
      const label = `${entry.route}#${entry.intent}`;
      expect(response.status, label).toBe(302);
      expect(response.headers.get("location"), label).toMatch(/^\/login\?redirectTo=/);
      expect(await snapshot(), label).toEqual(before);
    }
    const before = await snapshot();
    const batch = await visitor(server).request("/api/progress", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ courseSlug: DEMO_COURSE_SLUG, day: 1, reads: [] }) });
    expect(batch.status).toBe(401);
    expect(await batch.text()).toContain("Log in to record your progress.");
    expect(await snapshot()).toEqual(before);
  });
});

// ------------------------------------------------------------------ 20 copies at once

const COPIES = 20;

/** `COPIES` copies of one form post, all sent at once: their statuses; none is a 5xx, every refusal says why. */
async function race(person: Person, path: string, fields: Fields) {
  const responses = await Promise.all(Array.from({ length: COPIES }, () => person.client.post(path, fields)));
  const answers = await Promise.all(responses.map(async (response) => ({ status: response.status, text: decodeEntities(await response.text()) })));
  for (const answer of answers) {
    expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
    if (answer.status >= 400) {
      expect(answer.text.trim().length).toBeGreaterThan(0);
      expect(answer.text).not.toMatch(/\n\s+at .*:\d+:\d+/);
    }
  }
  const succeeded = answers.filter((answer) => answer.status < 400).length;
  return { answers, succeeded };
}
const audits = (groupId: string, action: string, detail?: string) =>
  db().auditEvent.count({ where: { groupId, action, ...(detail === undefined ? {} : { detail: { startsWith: detail } }) } });

describe("20 copies of the same request at once: no 5xx, a state one request (or a serialization) leaves, nothing written twice", () => {
  let S: Side;
  const page = () => `/groups/${S.groupId}/day/1`;
  const sessions = () => `/groups/${S.groupId}/sessions`;
  const members = () => `/groups/${S.groupId}/members`;
  beforeAll(async () => {
    S = await side(O, U, W, M);
  });

  it("react: one reaction at most, and the next toggle flips it", async () => {
    const fields = { intent: "react", commentId: S.question, reaction: "insightful" };
    const { succeeded } = await race(W, page(), fields);
    expect(succeeded).toBeGreaterThan(0);
    const key = { commentId: S.question, userId: W.id, kind: "insightful" };
    const after = await db().reaction.count({ where: key });
    expect(after).toBeLessThanOrEqual(1);
    expect((await W.client.post(page(), fields)).status).toBe(302);
    expect(await db().reaction.count({ where: key })).toBe(1 - after);
  });

  it("pin, then unpin: pinned once (one audit entry, one notification), unpinned once", async () => {
    await race(M, page(), { intent: "pin", commentId: S.question, scope: "passage" });
    expect(await db().comment.findUniqueOrThrow({ where: { id: S.question } })).toMatchObject({ pinScope: "passage" });
    expect(await audits(S.groupId, "comment.pinned", S.question)).toBe(1);
    expect(await db().notification.count({ where: { commentId: S.question, type: "pin" } })).toBe(1);
    await race(M, page(), { intent: "pin", commentId: S.question, scope: "none" });
    expect(await db().comment.findUniqueOrThrow({ where: { id: S.question } })).toMatchObject({ pinScope: null, pinnedAt: null });
    expect(await audits(S.groupId, "comment.unpinned", S.question)).toBe(1);
  });

  it("mark the answer: the state a serialization of the accepted copies leaves, one notification per mark", async () => {
    const { succeeded } = await race(U, page(), { intent: "answer", commentId: S.reply });
    expect(succeeded).toBeGreaterThan(0);
    const question = await db().comment.findUniqueOrThrow({ where: { id: S.question } });
    // Accepted copies alternate mark, unmark, mark…: marked after an odd number of them.
    expect(question.answerId).toBe(succeeded % 2 === 1 ? S.reply : null);
    expect(await db().notification.count({ where: { commentId: S.reply, type: "answer" } })).toBe(Math.ceil(succeeded / 2));
  });

  it("flag: one flag, the other copies told it is already flagged", async () => {
    const { succeeded, answers } = await race(W, page(), { intent: "flag", commentId: S.question, reason: "Not about the reading" });
    expect(succeeded).toBe(1);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(COPIES - 1);
    expect(await db().flag.count({ where: { commentId: S.question, reporterId: W.id } })).toBe(1);
  });

  it("hide: hidden once, one audit entry; the flag resolved once", async () => {
    await race(M, page(), { intent: "moderate", commentId: S.question, action: "hide" });
    expect((await db().comment.findUniqueOrThrow({ where: { id: S.question } })).hiddenAt).not.toBeNull();
    expect(await audits(S.groupId, "comment.hide", S.question)).toBe(1);
    expect(await db().flag.count({ where: { commentId: S.question, resolvedAt: { not: null } } })).toBe(1);
    await race(M, page(), { intent: "moderate", commentId: S.question, action: "restore" });
    expect((await db().comment.findUniqueOrThrow({ where: { id: S.question } })).hiddenAt).toBeNull();
    expect(await audits(S.groupId, "comment.restore", S.question)).toBe(1);
  });

  it("edit to the same text: one entry in the edit history", async () => {
    const before = await db().commentEdit.count({ where: { commentId: S.reply } });
    const { succeeded } = await race(W, page(), { intent: "edit", commentId: S.reply, body: "Because, edited." });
    expect(succeeded).toBe(COPIES);
    expect((await db().comment.findUniqueOrThrow({ where: { id: S.reply } })).body).toBe("Because, edited.");
    expect(await db().commentEdit.count({ where: { commentId: S.reply } })).toBe(before + 1);
  });

  it("vote: one vote at most", async () => {
    await race(W, sessions(), { intent: "vote", sessionId: S.session, questionId: S.sessionQuestion });
    expect(await db().sessionQuestionVote.count({ where: { questionId: S.sessionQuestion, userId: W.id } })).toBeLessThanOrEqual(1);
  });

  it("join: on the attendance list once", async () => {
    const { succeeded } = await race(W, sessions(), { intent: "join", sessionId: S.session });
    expect(succeeded).toBe(COPIES);
    expect(await db().liveSessionAttendance.count({ where: { sessionId: S.session, userId: W.id } })).toBe(1);
  });

  it("end: ended once, one audit entry", async () => {
    const { succeeded } = await race(O, sessions(), { intent: "end", sessionId: S.session });
    expect(succeeded).toBe(COPIES);
    expect((await db().liveSession.findUniqueOrThrow({ where: { id: S.session } })).endedAt).not.toBeNull();
    expect(await audits(S.groupId, "session.ended")).toBe(1);
  });

  it("start: one session running, one audit entry, the other copies told one is running", async () => {
    const startedBefore = await audits(S.groupId, "session.started");
    const { succeeded, answers } = await race(O, sessions(), { intent: "start", day: "2" });
    expect(succeeded).toBe(1);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(COPIES - 1);
    expect(await db().liveSession.count({ where: { groupId: S.groupId, startedAt: { not: null }, endedAt: null } })).toBe(1);
    expect(await audits(S.groupId, "session.started")).toBe(startedBefore + 1);
    const running = await db().liveSession.findFirstOrThrow({ where: { groupId: S.groupId, startedAt: { not: null }, endedAt: null } });
    expect(await db().liveSessionAttendance.count({ where: { sessionId: running.id } })).toBe(1);
    expect((await O.client.post(sessions(), { intent: "end", sessionId: running.id })).status).toBe(302);
  });

  it("start a scheduled session: started once, one audit entry, its facilitator on the list once", async () => {
    const startedBefore = await audits(S.groupId, "session.started");
    await race(O, sessions(), { intent: "start-scheduled", sessionId: S.scheduled });
    expect(await db().liveSession.count({ where: { groupId: S.groupId, startedAt: { not: null }, endedAt: null } })).toBe(1);
    expect(await audits(S.groupId, "session.started")).toBe(startedBefore + 1);
    expect(await db().liveSessionAttendance.count({ where: { sessionId: S.scheduled } })).toBe(1);
    expect((await O.client.post(sessions(), { intent: "end", sessionId: S.scheduled })).status).toBe(302);
  });

  it("cancel a scheduled session: cancelled once, one audit entry", async () => {
    expect((await O.client.post(sessions(), { intent: "schedule", day: "3", title: "To cancel", when: soon(40) })).status).toBe(302);
    const scheduled = await db().liveSession.findFirstOrThrow({ where: { groupId: S.groupId, startedAt: null, endedAt: null } });
    await race(O, sessions(), { intent: "cancel", sessionId: scheduled.id });
    expect((await db().liveSession.findUniqueOrThrow({ where: { id: scheduled.id } })).endedAt).not.toBeNull();
    expect(await audits(S.groupId, "session.cancelled")).toBe(1);
  });

  it("revoke an invitation: withdrawn once, one audit entry, the other copies 404", async () => {
    const { succeeded } = await race(O, members(), { intent: "revoke", inviteId: S.invite.id });
    expect(succeeded).toBe(1);
    expect(await audits(S.groupId, "invite.revoked")).toBe(1);
  });

  it("promote, then demote: one role change each, one audit entry each", async () => {
    await race(O, members(), { intent: "promote", userId: W.id });
    expect(await db().membership.findUniqueOrThrow({ where: { groupId_userId: { groupId: S.groupId, userId: W.id } } })).toMatchObject({ role: "moderator" });
    expect(await audits(S.groupId, "member.promote")).toBe(1);
    await race(O, members(), { intent: "demote", userId: W.id });
    expect(await db().membership.findUniqueOrThrow({ where: { groupId_userId: { groupId: S.groupId, userId: W.id } } })).toMatchObject({ role: "member" });
    expect(await audits(S.groupId, "member.demote")).toBe(1);
  });

  it("join through a link: a member once, the link used once, one audit entry", async () => {
    const joiner = await signUp(server, { displayName: uniqueLabel("Joiner") });
    const link = await db().invite.create({ data: { groupId: S.groupId, token: randomBytes(18).toString("base64url"), kind: "link", createdById: O.id } });
    const { succeeded } = await race(joiner, `/invite/${link.token}`, {});
    expect(succeeded).toBe(COPIES);
    expect(await db().membership.count({ where: { groupId: S.groupId, userId: joiner.id } })).toBe(1);
    expect((await db().invite.findUniqueOrThrow({ where: { id: link.id } })).uses).toBe(1);
    expect(await db().auditEvent.count({ where: { groupId: S.groupId, action: "member.joined", targetUserId: joiner.id } })).toBe(1);
  });

  it("remove a member: removed once, one audit entry", async () => {
    await race(M, members(), { intent: "remove", userId: W.id });
    expect(await db().membership.count({ where: { groupId: S.groupId, userId: W.id } })).toBe(0);
    expect(await audits(S.groupId, "member.remove")).toBe(1);
  });

  it("leave: gone once, one audit entry", async () => {
    await race(U, `/groups/${S.groupId}?index`, { intent: "leave" });
    expect(await db().membership.count({ where: { groupId: S.groupId, userId: U.id } })).toBe(0);
    expect(await audits(S.groupId, "member.left")).toBe(1);
  });

  it("hand over ownership: one owner, the old one a moderator, one audit entry", async () => {
    await race(O, members(), { intent: "transfer", userId: M.id });
    const roles = await db().membership.findMany({ where: { groupId: S.groupId }, select: { userId: true, role: true } });
    expect(roles.filter((row) => row.role === "owner").map((row) => row.userId)).toEqual([M.id]);
    expect(roles.find((row) => row.userId === O.id)?.role).toBe("moderator");
    expect(await audits(S.groupId, "member.transfer")).toBe(1);
  });

  it("delete a comment: deleted once, its text kept once in the history", async () => {
    const id = newId();
    expect((await M.client.post(page(), { intent: "post", id, kind: "comment", readingId: passage.readingId, passageKey: passage.key, body: "Soon gone" })).status).toBe(302);
    const { succeeded } = await race(M, page(), { intent: "delete", commentId: id });
    expect(succeeded).toBeGreaterThan(0);
    expect((await db().comment.findUniqueOrThrow({ where: { id } })).deletedAt).not.toBeNull();
    expect(await db().commentEdit.count({ where: { commentId: id } })).toBe(1);
  });

  it("mark as done: one progress row, done", async () => {
    const { succeeded } = await race(Y, "/api/progress", { intent: "done", courseSlug: DEMO_COURSE_SLUG, day: "5" });
    expect(succeeded).toBe(COPIES);
    const lesson = await db().lesson.findFirstOrThrow({ where: { day: 5, course: { slug: DEMO_COURSE_SLUG } } });
    const rows = await db().lessonProgress.findMany({ where: { userId: Y.id, lessonId: lesson.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.doneAt).not.toBeNull();
  });
});
