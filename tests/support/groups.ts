/**
 * Helpers for the group tests: signed-in people (through the real sign-up form), groups made
 * through the real "new group" form or straight in the database for fixtures, and what a page
 * says once its HTML entities are decoded.
 */
import { expect } from "vitest";
import type { Role } from "~/models/authz.ts";
import { TestClient, uniqueEmail } from "./client.ts";
import type { TestServer } from "./server.ts";

export const DEMO_COURSE_SLUG = "how-databases-keep-promises";

export interface Person {
  client: TestClient;
  id: string;
  email: string;
  displayName: string;
}

let nameCounter = 0;
/** A display or group name no other test uses: plain letters, digits and spaces. */
export function uniqueLabel(prefix: string) {
  nameCounter += 1;
  return `${prefix} ${process.pid.toString(36)}${nameCounter}${Date.now().toString(36).slice(-4)}`;
}

/** Signs a new person up through the real form; their client holds the session cookie. */
export async function signUp(
  server: TestServer,
  options: { displayName?: string; email?: string; redirectTo?: string } = {},
): Promise<Person & { location: string }> {
  const client = new TestClient(server.url);
  const email = options.email ?? uniqueEmail("grp");
  const displayName = options.displayName ?? uniqueLabel("Reader");
  const response = await client.post("/signup", {
    email,
    displayName,
    password: "correct horse battery",
    ...(options.redirectTo ? { redirectTo: options.redirectTo } : {}),
  });
  expect(response.status, `sign-up of ${email}`).toBe(302);
  const user = await server.database.db.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  return { client, id: user.id, email, displayName, location: response.headers.get("location") ?? "" };
}

/** A signed-out visitor. */
export function visitor(server: TestServer) {
  return new TestClient(server.url);
}

export async function demoCourseId(server: TestServer) {
  return (await server.database.db.course.findUniqueOrThrow({ where: { slug: DEMO_COURSE_SLUG }, select: { id: true } })).id;
}

/** The fields of a valid, self-paced "new group" form. */
export function groupForm(overrides: Record<string, string> = {}): Record<string, string> {
  return { course: DEMO_COURSE_SLUG, name: uniqueLabel("Circle"), description: "", paceMode: "self", timeZone: "UTC", ...overrides };
}

/** Creates a group through POST /groups/new as `owner`; returns its id. */
export async function createGroupViaForm(owner: Person, fields: Record<string, string> = {}) {
  const response = await owner.client.post("/groups/new", groupForm(fields));
  expect(response.status, "creating a group").toBe(302);
  const location = response.headers.get("location") ?? "";
  const match = /^\/groups\/([^/?#]+)$/.exec(location);
  expect(match, `redirect after creating a group: ${location}`).not.toBeNull();
  return match![1]!;
}

/** A group straight in the database (fixtures), with the given people in the given roles. */
export async function createGroupDirectly(server: TestServer, name: string, people: Array<[Person, Role]>) {
  const db = server.database.db;
  const group = await db.group.create({ data: { courseId: await demoCourseId(server), name, description: `About ${name}` } });
  for (const [person, role] of people) await db.membership.create({ data: { groupId: group.id, userId: person.id, role } });
  return group;
}

/** Creates an invite link through the members page's form; returns the new Invite row. */
export async function createInviteLink(server: TestServer, by: Person, groupId: string, fields: Record<string, string> = {}) {
  const before = new Set((await server.database.db.invite.findMany({ where: { groupId }, select: { id: true } })).map((invite) => invite.id));
  const response = await by.client.post(`/groups/${groupId}/members`, { intent: "invite-link", ...fields });
  expect(response.status, "creating an invite link").toBe(200);
  const invites = await server.database.db.invite.findMany({ where: { groupId, kind: "link" } });
  const created = invites.filter((invite) => !before.has(invite.id));
  expect(created).toHaveLength(1);
  return created[0]!;
}

export async function membershipsOf(server: TestServer, groupId: string) {
  const rows = await server.database.db.membership.findMany({ where: { groupId }, select: { userId: true, role: true } });
  return rows.sort((a, b) => a.userId.localeCompare(b.userId));
}

export async function roleOf(server: TestServer, groupId: string, userId: string) {
  return (await server.database.db.membership.findUnique({ where: { groupId_userId: { groupId, userId } }, select: { role: true } }))?.role ?? null;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** An HTML page's text as a reader sees it: entities decoded (React writes ' as &#x27;). */
export function decodeEntities(html: string) {
  return html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === "#") {
      const code = entity[1] === "x" || entity[1] === "X" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** The response body, decoded; also readable as-is (`raw`) for markup checks. */
export async function readPage(response: Response) {
  const raw = await response.text();
  return { raw, text: decodeEntities(raw) };
}
