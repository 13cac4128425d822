/**
 * The authorization matrix of a reading group, against the real routes: every actor (owner,
 * moderator and member of group A, the owner of another group B, a signed-out visitor) × every
 * page, data request and form action of group A. Each case gets fresh groups, so an action that is
 * allowed changes only its own fixture; after every refusal, memberships, invitations, settings and
 * the audit log of both groups are exactly as before.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { TestClient, uniqueEmail } from "../support/client.ts";
import { createGroupDirectly, decodeEntities, signUp, uniqueLabel, visitor, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
const db = () => server.database.db;

/** The people, signed up once through the real form; every case puts them in fresh groups. */
let owner: Person;
let moderator: Person;
let member: Person;
/** Targets of role changes in group A: a second member and a second moderator. */
let targetMember: Person;
let targetModerator: Person;
/** Owns group B and belongs to nothing else. */
let outsider: Person;

beforeAll(async () => {
  server = await startTestServer();
  const named = (name: string) => signUp(server, { displayName: uniqueLabel(name) });
  [owner, moderator, member, targetMember, targetModerator, outsider] = await Promise.all([
    named("Olive Owner"),
    named("Milo Moderator"),
    named("Mae Member"),
    named("Tess Target"),
    named("Nico Mod"),
    named("Xavi Outsider"),
  ]);
});
afterAll(async () => {
  await server?.close();
});

interface Fixture {
  a: { id: string; name: string; description: string };
  b: { id: string; name: string; description: string };
  aInvite: { id: string; token: string };
  bInvite: { id: string; token: string };
}

async function linkInvite(groupId: string, by: Person) {
  return db().invite.create({ data: { groupId, token: randomBytes(18).toString("base64url"), kind: "link", createdById: by.id }, select: { id: true, token: true } });
}

/** Group A (owner, moderator, member, plus a target member and a target moderator), group B (the outsider's), one open link each. */
async function fixture(): Promise<Fixture> {
  const a = await createGroupDirectly(server, uniqueLabel("Alpha readers"), [
    [owner, "owner"],
    [moderator, "moderator"],
    [member, "member"],
    [targetMember, "member"],
    [targetModerator, "moderator"],
  ]);
  const b = await createGroupDirectly(server, uniqueLabel("Bravo readers"), [[outsider, "owner"]]);
  return { a, b, aInvite: await linkInvite(a.id, owner), bInvite: await linkInvite(b.id, outsider) };
}

/** Everything an action could change in either group. */
async function snapshot(groupIds: string[]) {
  const where = { groupId: { in: groupIds } };
  return {
    groups: await db().group.findMany({
      where: { id: { in: groupIds } },
      orderBy: { id: "asc" },
      select: { id: true, name: true, description: true, paceMode: true, startDate: true, daysPerWeek: true, timeZone: true, lockAhead: true },
    }),
    memberships: await db().membership.findMany({ where, orderBy: [{ groupId: "asc" }, { userId: "asc" }], select: { groupId: true, userId: true, role: true } }),
    invites: await db().invite.findMany({ where, orderBy: { id: "asc" }, select: { id: true, groupId: true, kind: true, email: true, uses: true, revokedAt: true } }),
    audit: await db().auditEvent.findMany({ where, orderBy: { id: "asc" }, select: { id: true } }),
  };
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

async function roleIn(groupId: string, person: Person) {
  return (await db().membership.findUnique({ where: { groupId_userId: { groupId, userId: person.id } }, select: { role: true } }))?.role ?? null;
}

type ActorName = "owner" | "moderator" | "member" | "outsider" | "visitor";
const ACTORS: ActorName[] = ["owner", "moderator", "member", "outsider", "visitor"];
const person = (actor: Exclude<ActorName, "visitor">) => ({ owner, moderator, member, outsider })[actor];

interface Action {
  method: "GET" | "POST";
  path: (f: Fixture) => string;
  fields?: (f: Fixture) => Record<string, string>;
  /** For an allowed POST: what must have changed (everything else must not). */
  effect?: (f: Fixture, actor: Person, before: Snapshot) => Promise<void>;
  /** What a refusal says, for members and moderators. */
  refusal?: string;
}

const MODERATORS_ONLY = "Only the group's moderators can do that.";
const OWNER_ONLY = "Only the group's owner can change roles.";
const OWNER_SETTINGS = "Only the group's owner can change its settings.";
const renamed = (f: Fixture) => `${f.a.name} renamed`;
const invitedAddress = (f: Fixture) => `invitee-${f.a.id}@example.org`;

const ACTIONS = {
  "GET /groups/A": { method: "GET", path: (f) => `/groups/${f.a.id}` },
  "GET /groups/A.data": { method: "GET", path: (f) => `/groups/${f.a.id}.data` },
  "GET /groups/A/members": { method: "GET", path: (f) => `/groups/${f.a.id}/members`, refusal: MODERATORS_ONLY },
  "GET /groups/A/members.data": { method: "GET", path: (f) => `/groups/${f.a.id}/members.data`, refusal: MODERATORS_ONLY },
  "GET /groups/A/settings": { method: "GET", path: (f) => `/groups/${f.a.id}/settings`, refusal: OWNER_SETTINGS },
  "GET /groups/A/settings.data": { method: "GET", path: (f) => `/groups/${f.a.id}/settings.data`, refusal: OWNER_SETTINGS },
  "GET /groups/A/audit": { method: "GET", path: (f) => `/groups/${f.a.id}/audit`, refusal: MODERATORS_ONLY },
  "GET /groups/A/audit.data": { method: "GET", path: (f) => `/groups/${f.a.id}/audit.data`, refusal: MODERATORS_ONLY },
  "GET /groups/A/dashboard": { method: "GET", path: (f) => `/groups/${f.a.id}/dashboard`, refusal: MODERATORS_ONLY },
  "GET /groups/A/dashboard.data": { method: "GET", path: (f) => `/groups/${f.a.id}/dashboard.data`, refusal: MODERATORS_ONLY },
  "POST settings": {
    method: "POST",
    path: (f) => `/groups/${f.a.id}/settings`,
    fields: (f) => ({ name: renamed(f), description: "changed", paceMode: "scheduled", startDate: "2030-01-07", daysPerWeek: "3", timeZone: "UTC" }),
    refusal: OWNER_SETTINGS,
    effect: async (f) => {
      expect(await db().group.findUniqueOrThrow({ where: { id: f.a.id } })).toMatchObject({ name: renamed(f), paceMode: "scheduled", daysPerWeek: 3 });
    },
  },
  "POST members invite-link": {
    method: "POST",
    path: (f) => `/groups/${f.a.id}/members`,
    fields: () => ({ intent: "invite-link", maxUses: "5" }),
    refusal: MODERATORS_ONLY,
    effect: async (f, actor, before) => {
      const invites = await db().invite.findMany({ where: { groupId: f.a.id } });
      expect(invites).toHaveLength(before.invites.filter((invite) => invite.groupId === f.a.id).length + 1);
      expect(invites.find((invite) => invite.id !== f.aInvite.id)).toMatchObject({ kind: "link", maxUses: 5, createdById: actor.id });
    },
  },
  "POST members.data invite-link (fetch)": {
    method: "POST",
    path: (f) => `/groups/${f.a.id}/members.data`,
    fields: () => ({ intent: "invite-link" }),
    refusal: MODERATORS_ONLY,
    effect: async (f, actor) => {
      expect(await db().invite.count({ where: { groupId: f.a.id, createdById: actor.id, id: { not: f.aInvite.id } } })).toBe(1);
    },
  },
  "POST members invite-email": {
    method: "POST",
    path: (f) => `/groups/${f.a.id}/members`,
    fields: (f) => ({ intent: "invite-email", email: invitedAddress(f) }),
    refusal: MODERATORS_ONLY,
    effect: async (f, actor) => {
      expect(await db().invite.findFirst({ where: { groupId: f.a.id, kind: "email" } })).toMatchObject({ email: invitedAddress(f), createdById: actor.id });
    },
  },
  "POST members revoke (invite of A)": {
    method: "POST",
    path: (f) => `/groups/${f.a.id}/members`,
    fields: (f) => ({ intent: "revoke", inviteId: f.aInvite.id }),
    refusal: MODERATORS_ONLY,
    effect: async (f) => {
      expect((await db().invite.findUniqueOrThrow({ where: { id: f.aInvite.id } })).revokedAt).not.toBeNull();
    },
  },
  "POST members promote (a member)": {
    method: "POST",
    path: (f) => `/groups/${f.a.id}/members`,
    fields: () => ({ intent: "promote", userId: targetMember.id }),
    refusal: OWNER_ONLY,
    effect: async (f) => expect(await roleIn(f.a.id, targetMember)).toBe("moderator"),
  },
  "POST members demote (a moderator)": {
    method: "POST",
    path: (f) => `/groups/${f.a.id}/members`,
    fields: () => ({ intent: "demote", userId: targetModerator.id }),
    refusal: OWNER_ONLY,
    effect: async (f) => expect(await roleIn(f.a.id, targetModerator)).toBe("member"),
  },
  "POST members remove (a member)": {
    method: "POST",
    path: (f) => `/groups/${f.a.id}/members`,
    fields: () => ({ intent: "remove", userId: targetMember.id }),
    refusal: MODERATORS_ONLY,
    effect: async (f) => expect(await roleIn(f.a.id, targetMember)).toBeNull(),
  },
  "POST members transfer (to a member)": {
    method: "POST",
    path: (f) => `/groups/${f.a.id}/members`,
    fields: () => ({ intent: "transfer", userId: targetMember.id }),
    refusal: OWNER_ONLY,
    effect: async (f, actor) => {
      expect(await roleIn(f.a.id, targetMember)).toBe("owner");
      expect(await roleIn(f.a.id, actor)).toBe("moderator");
    },
  },
  "POST leave": {
    method: "POST",
    path: (f) => `/groups/${f.a.id}?index`,
    fields: () => ({ intent: "leave" }),
    effect: async (f, actor) => expect(await roleIn(f.a.id, actor)).toBeNull(),
  },
} satisfies Record<string, Action>;
type ActionName = keyof typeof ACTIONS;

/**
 * ok: 200 with the group's data (POST: and the effect happened). saved: 302 to the group home.
 * left: 302 to /groups?left=…. 403: refused with the reason. handover: 400, the owner must hand over
 * first. Signed-out visitors are always sent to log in and the other group's owner always gets 404.
 */
type Outcome = "ok" | "saved" | "left" | 403 | "handover";

//                                                     owner       moderator   member
const EXPECTED: Record<ActionName, [Outcome, Outcome, Outcome]> = {
  "GET /groups/A":                                     ["ok",      "ok",       "ok"],
  "GET /groups/A.data":                                ["ok",      "ok",       "ok"],
  "GET /groups/A/members":                             ["ok",      "ok",       403],
  "GET /groups/A/members.data":                        ["ok",      "ok",       403],
  "GET /groups/A/settings":                            ["ok",      403,        403],
  "GET /groups/A/settings.data":                       ["ok",      403,        403],
  "GET /groups/A/audit":                               ["ok",      "ok",       403],
  "GET /groups/A/audit.data":                          ["ok",      "ok",       403],
  "GET /groups/A/dashboard":                           ["ok",      "ok",       403],
  "GET /groups/A/dashboard.data":                      ["ok",      "ok",       403],
  "POST settings":                                     ["saved",   403,        403],
  "POST members invite-link":                          ["ok",      "ok",       403],
  "POST members.data invite-link (fetch)":             ["ok",      "ok",       403],
  "POST members invite-email":                         ["ok",      "ok",       403],
  "POST members revoke (invite of A)":                 ["ok",      "ok",       403],
  "POST members promote (a member)":                   ["ok",      403,        403],
  "POST members demote (a moderator)":                 ["ok",      403,        403],
  "POST members remove (a member)":                    ["ok",      "ok",       403],
  "POST members transfer (to a member)":               ["ok",      403,        403],
  "POST leave":                                        ["handover", "left",    "left"],
};

function expectedFor(action: ActionName, actor: ActorName): Outcome | "login" | 404 {
  if (actor === "visitor") return "login";
  if (actor === "outsider") return 404;
  const [asOwner, asModerator, asMember] = EXPECTED[action];
  return { owner: asOwner, moderator: asModerator, member: asMember }[actor];
}

const CASES = (Object.keys(ACTIONS) as ActionName[]).flatMap((action) => ACTORS.map((actor) => ({ action, actor, outcome: expectedFor(action, actor) })));

function send(client: TestClient, action: Action, f: Fixture) {
  const path = action.path(f);
  return action.method === "GET" ? client.get(path) : client.post(path, action.fields!(f));
}

/** No trace of group A in a response meant for someone who may not see it. */
function expectNoTraceOfA(body: string, f: Fixture) {
  expect(body).not.toContain(f.a.name);
  expect(body).not.toContain(f.a.description);
  expect(body).not.toContain(f.aInvite.token);
  for (const someone of [owner, moderator, member, targetMember, targetModerator]) expect(body).not.toContain(someone.displayName);
}

describe("authorization matrix: group A's routes × who asks", () => {
  it("covers every action for every actor", () => {
    expect(CASES).toHaveLength(Object.keys(ACTIONS).length * ACTORS.length);
  });

  it.each(CASES)("$actor · $action → $outcome", async ({ action: name, actor, outcome }) => {
    const action: Action = ACTIONS[name];
    const f = await fixture();
    const before = await snapshot([f.a.id, f.b.id]);
    const actingPerson = actor === "visitor" ? null : person(actor);
    const client = actingPerson?.client ?? visitor(server);
    const isData = action.path(f).includes(".data");

    const response = await send(client, action, f);
    const body = decodeEntities(await response.text());
    const location = response.headers.get("location");

    switch (outcome) {
      case "login": {
        // Documents get a 302; single-fetch data requests answer their own redirect shape (202 + payload).
        expect(response.status).not.toBe(200);
        if (isData) {
          expect([202, 302]).toContain(response.status);
          expect(`${location ?? ""} ${body}`).toContain("/login?redirectTo=");
        } else {
          expect(response.status).toBe(302);
          expect(location).toMatch(/^\/login\?redirectTo=%2Fgroups%2F/);
        }
        expectNoTraceOfA(body, f);
        break;
      }
      case 404: {
        expect(response.status).toBe(404);
        expect(body).toContain(isData ? "No such group, or you are not a member of it." : "Not found");
        expectNoTraceOfA(body, f);
        break;
      }
      case 403: {
        expect(response.status).toBe(403);
        expect(body).toContain(action.refusal);
        break;
      }
      case "handover": {
        expect(response.status).toBe(400);
        expect(body).toContain("Hand ownership to another member before leaving the group.");
        break;
      }
      case "ok": {
        expect(response.status).toBe(200);
        if (action.method === "GET") expect(body).toContain(f.a.name);
        break;
      }
      case "saved": {
        expect(response.status).toBe(302);
        expect(location).toBe(`/groups/${f.a.id}`);
        break;
      }
      case "left": {
        expect(response.status).toBe(302);
        expect(location).toBe(`/groups?left=${encodeURIComponent(f.a.name)}`);
        break;
      }
    }

    const after = await snapshot([f.a.id, f.b.id]);
    const changed = action.method === "POST" && (outcome === "ok" || outcome === "saved" || outcome === "left");
    if (!changed) {
      expect(after).toEqual(before);
      return;
    }
    await action.effect!(f, actingPerson!, before);
    // Group B never changes, whatever happens in A; and an allowed change is written to A's audit log.
    const inB = (snap: Snapshot) => ({
      groups: snap.groups.filter((group) => group.id === f.b.id),
      memberships: snap.memberships.filter((row) => row.groupId === f.b.id),
      invites: snap.invites.filter((row) => row.groupId === f.b.id),
    });
    expect(inB(after)).toEqual(inB(before));
    expect(after.audit.length).toBeGreaterThan(before.audit.length);
  });
});

describe("ids of another group in forms and URLs", () => {
  it("the owner of A cannot withdraw B's invitation through A's page: 404, B's invite untouched", async () => {
    for (const actor of [owner, moderator]) {
      const f = await fixture();
      const before = await snapshot([f.a.id, f.b.id]);
      const response = await actor.client.post(`/groups/${f.a.id}/members`, { intent: "revoke", inviteId: f.bInvite.id });
      expect(response.status).toBe(404);
      const body = decodeEntities(await response.text());
      expect(body).toContain("That invitation does not exist or was already withdrawn.");
      expect(body).not.toContain(f.b.name);
      expect(await snapshot([f.a.id, f.b.id])).toEqual(before);
      expect((await db().invite.findUniqueOrThrow({ where: { id: f.bInvite.id } })).revokedAt).toBeNull();
      // B's link still works.
      expect((await visitor(server).get(`/invite/${f.bInvite.token}`)).status).toBe(200);
    }
  });

  it.each(["promote", "demote", "remove", "transfer"])("the owner of A cannot %s a member of B through A's page", async (intent) => {
    const f = await fixture();
    const before = await snapshot([f.a.id, f.b.id]);
    const response = await owner.client.post(`/groups/${f.a.id}/members`, { intent, userId: outsider.id });
    expect(response.status).toBe(400);
    expect(decodeEntities(await response.text())).toContain("That person is not a member of this group.");
    expect(await snapshot([f.a.id, f.b.id])).toEqual(before);
    expect(await roleIn(f.a.id, outsider)).toBeNull();
    expect(await roleIn(f.b.id, outsider)).toBe("owner");
  });

  it("the owner of A gets 404 for every route of B, and sees nothing of it", async () => {
    const f = await fixture();
    const before = await snapshot([f.a.id, f.b.id]);
    const paths = ["", ".data", "/members", "/members.data", "/settings", "/audit", "/audit.data"].map((suffix) => `/groups/${f.b.id}${suffix}`);
    for (const path of paths) {
      const response = await owner.client.get(path);
      expect(response.status, path).toBe(404);
      const body = await response.text();
      expect(body, path).not.toContain(f.b.name);
      expect(body, path).not.toContain(f.bInvite.token);
      expect(body, path).not.toContain(outsider.displayName);
    }
    const attempts: Array<Record<string, string>> = [
      { intent: "invite-link" },
      { intent: "revoke", inviteId: f.bInvite.id },
      { intent: "remove", userId: outsider.id },
      { intent: "transfer", userId: owner.id },
    ];
    for (const fields of attempts) {
      const response = await owner.client.post(`/groups/${f.b.id}/members`, fields);
      expect(response.status, fields.intent).toBe(404);
      expect(await response.text()).not.toContain(f.b.name);
    }
    expect((await owner.client.post(`/groups/${f.b.id}/settings`, { name: "Taken over", paceMode: "self", timeZone: "UTC" })).status).toBe(404);
    expect((await owner.client.post(`/groups/${f.b.id}?index`, { intent: "leave" })).status).toBe(404);
    expect(await snapshot([f.a.id, f.b.id])).toEqual(before);
  });

  it("a group that does not exist answers exactly like one the reader is not in", async () => {
    const f = await fixture();
    const main = (html: string) => /<main[\s\S]*?<\/main>/.exec(html)?.[0];
    const foreign = await owner.client.get(`/groups/${f.b.id}`);
    const missing = await owner.client.get(`/groups/${f.b.id.replace(/.$/, (c) => (c === "x" ? "y" : "x"))}`);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(main(await foreign.text())).toBe(main(await missing.text()));
    const foreignData = await owner.client.get(`/groups/${f.b.id}.data`);
    const missingData = await owner.client.get(`/groups/not-a-group.data`);
    expect(foreignData.status).toBe(missingData.status);
    const strip = (text: string) => text.replace(/"c[a-z0-9]{24}"/g, "ID");
    expect(strip(await foreignData.text())).toBe(strip(await missingData.text()));
  });
});

describe("other ways in", () => {
  it("a form sent from another site is refused before any role is looked at", async () => {
    const f = await fixture();
    const before = await snapshot([f.a.id, f.b.id]);
    const response = await owner.client.post(`/groups/${f.a.id}/members`, { intent: "promote", userId: targetMember.id }, { headers: { origin: "https://evil.example" } });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Cross-site request refused");
    expect(await snapshot([f.a.id, f.b.id])).toEqual(before);
  });

  it("a signed-out visitor cannot join through a link by posting to it", async () => {
    const f = await fixture();
    const before = await snapshot([f.a.id, f.b.id]);
    const response = await visitor(server).post(`/invite/${f.aInvite.token}`, {});
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/invite/${f.aInvite.token}`)}`);
    expect(await snapshot([f.a.id, f.b.id])).toEqual(before);
  });

  it("a member removed from A loses every route of A at once", async () => {
    const f = await fixture();
    expect((await owner.client.post(`/groups/${f.a.id}/members`, { intent: "remove", userId: member.id })).status).toBe(200);
    for (const path of [`/groups/${f.a.id}`, `/groups/${f.a.id}.data`]) {
      const response = await member.client.get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain(f.a.name);
    }
    const before = await snapshot([f.a.id, f.b.id]);
    expect((await member.client.post(`/groups/${f.a.id}?index`, { intent: "leave" })).status).toBe(404);
    expect((await member.client.post(`/groups/${f.a.id}/members`, { intent: "invite-email", email: uniqueEmail() })).status).toBe(404);
    expect(await snapshot([f.a.id, f.b.id])).toEqual(before);
  });

  it("my groups lists only the reader's own groups", async () => {
    const f = await fixture();
    const mine = await outsider.client.get("/groups");
    const body = await mine.text();
    expect(body).toContain(f.b.name);
    expect(body).not.toContain(f.a.name);
    const data = await outsider.client.get("/groups.data");
    expect(data.status).toBe(200);
    const json = await data.text();
    expect(json).toContain(f.b.name);
    expect(json).not.toContain(f.a.name);
  });
});
