/**
 * Reading groups through real HTTP, as a browser without JavaScript uses them: creating a group and
 * its pace, invitations by link and by email, joining (also straight from sign-up or log-in),
 * leaving and handing over, the audit log and the group home. Every refusal is checked for its
 * message and for changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppServer } from "../../server.ts";
import { createLogger } from "~/server/logger.server.ts";
import { TestClient, TEST_PASSWORD, uniqueEmail } from "../support/client.ts";
import { testEnv } from "../support/database.ts";
import {
  createGroupDirectly,
  createGroupViaForm,
  createInviteLink,
  decodeEntities,
  groupForm,
  membershipsOf,
  readPage,
  roleOf,
  signUp,
  uniqueLabel,
  visitor,
  type Person,
} from "../support/groups.ts";
import { capturingMailer, freshDatabaseUrl, startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
const mailer = capturingMailer();

beforeAll(async () => {
  server = await startTestServer({ mailer });
});
afterAll(async () => {
  await server?.close();
});

const db = () => server.database.db;

async function groupCount() {
  return db().group.count();
}

/** A group made through the real form, with `owner` signed in. */
async function ownedGroup(fields: Record<string, string> = {}) {
  const owner = await signUp(server);
  const name = fields.name ?? uniqueLabel("Circle");
  const id = await createGroupViaForm(owner, { ...fields, name });
  return { owner, id, name };
}

/** Adds `person` to the group through an invite link, the way a reader joins. */
async function joinThroughLink(owner: Person, groupId: string, person: Person) {
  const invite = await createInviteLink(server, owner, groupId);
  const response = await person.client.post(`/invite/${invite.token}`, {});
  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe(`/groups/${groupId}`);
}

describe("creating a group", () => {
  it("makes the creator its owner and lands on the group home", async () => {
    const owner = await signUp(server);
    const name = uniqueLabel("Tuesday circle");
    const response = await owner.client.post("/groups/new", groupForm({ name, description: "We read slowly." }));
    expect(response.status).toBe(302);
    const id = /^\/groups\/([^/]+)$/.exec(response.headers.get("location") ?? "")![1]!;

    const group = await db().group.findUniqueOrThrow({ where: { id }, include: { course: true } });
    expect(group).toMatchObject({ name, description: "We read slowly.", paceMode: "self", startDate: null, daysPerWeek: null, lockAhead: false });
    expect(group.course.slug).toBe("how-databases-keep-promises");
    expect(await membershipsOf(server, id)).toEqual([{ userId: owner.id, role: "owner" }]);
    expect(await db().auditEvent.findMany({ where: { groupId: id }, select: { action: true, actorId: true } })).toEqual([
      { action: "group.created", actorId: owner.id },
    ]);

    const home = await owner.client.get(`/groups/${id}`);
    expect(home.status).toBe(200);
    const { text } = await readPage(home);
    expect(text).toContain(`<h1>${name}</h1>`);
    expect(text).toContain("you are <!-- -->the owner");
    expect(text).toContain("Self-paced: every day is open.");
    expect(text).toMatch(/Day <!-- -->1<!-- -->: /);
    expect(text).toContain("No live session is running or scheduled.");
    expect(text).toContain("Start a live session on Day <!-- -->1<!-- --> now");
    expect(text).toMatch(new RegExp(`${owner.displayName}<!-- --> \\(you\\)<!-- --> <span class="role-badge">Owner</span>`));
    expect(text).toContain(`${owner.displayName} created the group`);
    expect(text).toContain("Invite and manage members");
  });

  it("accepts a name of exactly 80 characters", async () => {
    const owner = await signUp(server);
    const name = `${uniqueLabel("Long")} `.padEnd(80, "x");
    expect(name).toHaveLength(80);
    const id = await createGroupViaForm(owner, { name });
    expect((await db().group.findUniqueOrThrow({ where: { id } })).name).toBe(name);
  });

  it.each([
    ["an empty name", { name: "" }, "name", "Give the group a name."],
    ["a name of spaces", { name: "    " }, "name", "Give the group a name."],
    ["an 81-character name", { name: "a".repeat(81) }, "name", "Use at most 80 characters for the name."],
    ["a name full of markup", { name: "<b>x</b>" }, "name", "Names cannot contain < > or control characters."],
    ["a name with a control character", { name: "bell\u0007" }, "name", "Names cannot contain < > or control characters."],
    ["a description over 1,000 characters", { description: "d".repeat(1001) }, "description", "Use at most 1,000 characters for the description."],
    ["no pace", { paceMode: "" }, "paceMode", "Choose self-paced or scheduled."],
    ["an unknown pace", { paceMode: "weekly" }, "paceMode", "Choose self-paced or scheduled."],
    ["an unknown course", { course: "no-such-course" }, "course", "Choose the course the group will read."],
    ["a scheduled pace without a start date", { paceMode: "scheduled", daysPerWeek: "5" }, "startDate", "Choose the date of Day 1."],
    ["a scheduled pace with a start date that is not a date", { paceMode: "scheduled", startDate: "next monday", daysPerWeek: "5" }, "startDate", "Choose the date of Day 1."],
    ["0 days a week", { paceMode: "scheduled", startDate: "2030-01-07", daysPerWeek: "0" }, "daysPerWeek", "Choose between 1 and 7 lesson days a week."],
    ["8 days a week", { paceMode: "scheduled", startDate: "2030-01-07", daysPerWeek: "8" }, "daysPerWeek", "Choose between 1 and 7 lesson days a week."],
    ["2.5 days a week", { paceMode: "scheduled", startDate: "2030-01-07", daysPerWeek: "2.5" }, "daysPerWeek", "Choose between 1 and 7 lesson days a week."],
    ["no days a week", { paceMode: "scheduled", startDate: "2030-01-07", daysPerWeek: "" }, "daysPerWeek", "Choose between 1 and 7 lesson days a week."],
    ["a time zone that does not exist", { paceMode: "scheduled", startDate: "2030-01-07", daysPerWeek: "5", timeZone: "Mars/Olympus_Mons" }, "timeZone", "Use a time zone name such as Europe/Berlin or UTC."],
  ])("refuses %s with a 400, the field's message, and no group", async (_label, fields, field, message) => {
    const owner = await signUp(server);
    const before = await groupCount();
    const response = await owner.client.post("/groups/new", groupForm(fields));
    expect(response.status).toBe(400);
    const { raw, text } = await readPage(response);
    expect(text).toContain(message);
    // The message sits under the field it is about, which is marked invalid.
    const fieldHtml = field === "paceMode" ? /<fieldset[\s\S]*?<\/fieldset>/.exec(raw)?.[0] : new RegExp(`<(input|select|textarea)[^>]*name="${field}"[^>]*>`).exec(raw)?.[0];
    if (field !== "paceMode") expect(fieldHtml).toContain('aria-invalid="true"');
    else expect(decodeEntities(fieldHtml ?? "")).toContain(message);
    // What was typed is never echoed as markup.
    expect(raw).not.toContain("<b>x</b>");
    expect(await groupCount()).toBe(before);
    expect(await db().membership.count({ where: { userId: owner.id } })).toBe(0);
  });

  it("keeps what was typed when refusing, escaped", async () => {
    const owner = await signUp(server);
    const response = await owner.client.post("/groups/new", groupForm({ name: "<b>x</b>", description: "Keep <i>me</i>" }));
    expect(response.status).toBe(400);
    const { raw } = await readPage(response);
    expect(raw).toContain('value="&lt;b&gt;x&lt;/b&gt;"');
    expect(raw).toContain("Keep &lt;i&gt;me&lt;/i&gt;</textarea>");
    expect(raw).not.toMatch(/<i>me<\/i>/);
  });

  it("sends a signed-out visitor to log in and creates nothing", async () => {
    const before = await groupCount();
    const page = await visitor(server).get("/groups/new");
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/login?redirectTo=%2Fgroups%2Fnew");
    const post = await visitor(server).post("/groups/new", groupForm());
    expect(post.status).toBe(302);
    expect(post.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    expect(await groupCount()).toBe(before);
  });
});

describe("the pace", () => {
  it("stores a schedule and computes the group's current day from it", async () => {
    // 2 lesson days a week, started 10 days ago: 2 in the first week, 2 in the second → Day 4
    // (also 9 or 11 days ago, so a midnight during the test changes nothing).
    const start = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    const { owner, id } = await ownedGroup({ paceMode: "scheduled", startDate: start, daysPerWeek: "2", timeZone: "UTC" });
    expect(await db().group.findUniqueOrThrow({ where: { id } })).toMatchObject({
      paceMode: "scheduled",
      startDate: start,
      daysPerWeek: 2,
      timeZone: "UTC",
      lockAhead: false,
    });
    const { text } = await readPage(await owner.client.get(`/groups/${id}`));
    expect(text).toContain(`Day 4 of 6 today (2 days a week from ${start}).`);
    expect(text).toMatch(/Day <!-- -->4<!-- -->: /);
  });

  it("caps the current day at the course length and says when later days are locked", async () => {
    const { owner, id } = await ownedGroup({ paceMode: "scheduled", startDate: "2020-01-06", daysPerWeek: "5", timeZone: "Europe/Berlin", lockAhead: "on" });
    expect(await db().group.findUniqueOrThrow({ where: { id } })).toMatchObject({ timeZone: "Europe/Berlin", lockAhead: true, daysPerWeek: 5 });
    const { text } = await readPage(await owner.client.get(`/groups/${id}`));
    expect(text).toContain("Day 6 of 6 today (5 days a week from 2020-01-06, later days locked).");
  });

  it("before the start date, no lesson is open yet", async () => {
    const { owner, id } = await ownedGroup({ paceMode: "scheduled", startDate: "2099-01-05", daysPerWeek: "3" });
    const { text } = await readPage(await owner.client.get(`/groups/${id}`));
    expect(text).toContain("Starts on 2099-01-05 (3 days a week from 2099-01-05).");
    expect(text).toContain("No lesson is open yet.");
  });

  it("a self-paced group ignores the schedule fields", async () => {
    const { id } = await ownedGroup({ paceMode: "self", startDate: "2020-01-06", daysPerWeek: "9", lockAhead: "on" });
    expect(await db().group.findUniqueOrThrow({ where: { id } })).toMatchObject({ paceMode: "self", startDate: null, daysPerWeek: null, lockAhead: false });
  });

  it("the owner changes the pace in the settings; bad input there changes nothing", async () => {
    const { owner, id, name } = await ownedGroup();
    const bad = await owner.client.post(`/groups/${id}/settings`, { name, paceMode: "scheduled", startDate: "2030-01-07", daysPerWeek: "0", timeZone: "UTC" });
    expect(bad.status).toBe(400);
    expect((await readPage(bad)).text).toContain("Choose between 1 and 7 lesson days a week.");
    const badName = await owner.client.post(`/groups/${id}/settings`, { name: "<script>", paceMode: "self", timeZone: "UTC" });
    expect(badName.status).toBe(400);
    expect((await readPage(badName)).text).toContain("Names cannot contain < > or control characters.");
    expect(await db().group.findUniqueOrThrow({ where: { id } })).toMatchObject({ name, paceMode: "self" });

    const good = await owner.client.post(`/groups/${id}/settings`, {
      name: `${name} (renamed)`,
      description: "Now on a schedule",
      paceMode: "scheduled",
      startDate: "2030-01-07",
      daysPerWeek: "5",
      timeZone: "America/New_York",
      lockAhead: "on",
    });
    expect(good.status).toBe(302);
    expect(good.headers.get("location")).toBe(`/groups/${id}`);
    expect(await db().group.findUniqueOrThrow({ where: { id } })).toMatchObject({
      name: `${name} (renamed)`,
      paceMode: "scheduled",
      startDate: "2030-01-07",
      daysPerWeek: 5,
      timeZone: "America/New_York",
      lockAhead: true,
    });
    const audit = (await readPage(await owner.client.get(`/groups/${id}/audit`))).text;
    expect(audit).toContain(`${owner.displayName} changed the group's settings (${name} (renamed); 5 days a week from 2030-01-07 (America/New_York), later days locked)`);
  });
});

describe("invite links", () => {
  it("a signed-out visitor sees which group invites them and links to sign up or log in", async () => {
    const { owner, id, name } = await ownedGroup();
    const invite = await createInviteLink(server, owner, id);
    expect(invite.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const page = await visitor(server).get(`/invite/${invite.token}`);
    expect(page.status).toBe(200);
    const { raw, text } = await readPage(page);
    expect(text).toContain(`Join “<!-- -->${name}<!-- -->”`);
    expect(text).toContain("How Databases Keep Promises");
    expect(raw).toContain(`href="/signup?redirectTo=%2Finvite%2F${invite.token}">Sign up to join</a>`);
    expect(raw).toContain(`href="/login?redirectTo=%2Finvite%2F${invite.token}">Log in to join</a>`);
  });

  it("the members page lists the link to copy, with its limits", async () => {
    const { owner, id } = await ownedGroup();
    const invite = await createInviteLink(server, owner, id, { expiresInDays: "7", maxUses: "3" });
    expect(invite.maxUses).toBe(3);
    expect(invite.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 6.9 * 86_400_000);
    expect(invite.expiresAt!.getTime()).toBeLessThan(Date.now() + 7.1 * 86_400_000);
    const { raw, text } = await readPage(await owner.client.get(`/groups/${id}/members`));
    expect(raw).toContain(`<input readonly="" value="${server.url}/invite/${invite.token}"/>`);
    expect(text).toContain(`0<!-- --> of 3<!-- --> used<!-- --> · expires ${invite.expiresAt!.toISOString().slice(0, 10)}<!-- --> · by <!-- -->${owner.displayName}`);
  });

  it.each([
    [{ expiresInDays: "0" }, "Choose between 1 and 365 days, or leave it empty."],
    [{ expiresInDays: "366" }, "Choose between 1 and 365 days, or leave it empty."],
    [{ maxUses: "0" }, "Choose a number of uses from 1 to 10,000, or leave it empty."],
    [{ maxUses: "many" }, "Choose a number of uses from 1 to 10,000, or leave it empty."],
  ])("refuses invite limits %j with a 400 and creates no link", async (fields, message) => {
    const { owner, id } = await ownedGroup();
    const response = await owner.client.post(`/groups/${id}/members`, { intent: "invite-link", ...fields });
    expect(response.status).toBe(400);
    expect((await readPage(response)).text).toContain(message);
    expect(await db().invite.count({ where: { groupId: id } })).toBe(0);
  });

  it("signing up from the link joins the group and lands in it", async () => {
    const { owner, id, name } = await ownedGroup();
    const invite = await createInviteLink(server, owner, id);
    const reader = await signUp(server, { redirectTo: `/invite/${invite.token}` });
    expect(reader.location).toBe(`/groups/${id}`);
    expect(await roleOf(server, id, reader.id)).toBe("member");
    expect((await db().invite.findUniqueOrThrow({ where: { id: invite.id } })).uses).toBe(1);
    const event = await db().auditEvent.findFirstOrThrow({ where: { groupId: id, action: "member.joined" } });
    expect(event).toMatchObject({ actorId: reader.id, targetUserId: reader.id, detail: "invite link" });

    const home = await reader.client.get(`/groups/${id}`);
    expect(home.status).toBe(200);
    const { text } = await readPage(home);
    expect(text).toContain(`<h1>${name}</h1>`);
    expect(text).toContain("you are <!-- -->a member");
    expect(text).toMatch(new RegExp(`${reader.displayName}<!-- --> \\(you\\)<!-- --> <span class="role-badge">Member</span>`));
    expect(text).not.toContain("Invite and manage members");
  });

  it("logging in from the link joins the group and lands in it", async () => {
    const { owner, id } = await ownedGroup();
    const invite = await createInviteLink(server, owner, id);
    const reader = await signUp(server);
    const fresh = new TestClient(server.url);
    const response = await fresh.post("/login", { email: reader.email, password: TEST_PASSWORD, redirectTo: `/invite/${invite.token}` });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/groups/${id}`);
    expect(await roleOf(server, id, reader.id)).toBe("member");
  });

  it("a signed-in reader sees a Join button, and joining lands them in the group", async () => {
    const { owner, id } = await ownedGroup();
    const invite = await createInviteLink(server, owner, id);
    const reader = await signUp(server);
    const page = await reader.client.get(`/invite/${invite.token}`);
    expect(page.status).toBe(200);
    expect((await readPage(page)).text).toContain("Join the group");
    expect(await roleOf(server, id, reader.id)).toBeNull();
    const join = await reader.client.post(`/invite/${invite.token}`, {});
    expect(join.status).toBe(302);
    expect(join.headers.get("location")).toBe(`/groups/${id}`);
    expect(await roleOf(server, id, reader.id)).toBe("member");
  });

  it("joining twice lands in the group and keeps one membership", async () => {
    const { owner, id } = await ownedGroup();
    const invite = await createInviteLink(server, owner, id);
    const reader = await signUp(server, { redirectTo: `/invite/${invite.token}` });
    expect(reader.location).toBe(`/groups/${id}`);

    const again = await reader.client.get(`/invite/${invite.token}`);
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toBe(`/groups/${id}`);
    const post = await reader.client.post(`/invite/${invite.token}`, {});
    expect(post.status).toBe(302);
    expect(post.headers.get("location")).toBe(`/groups/${id}`);
    const login = await new TestClient(server.url).post("/login", { email: reader.email, password: TEST_PASSWORD, redirectTo: `/invite/${invite.token}` });
    expect(login.headers.get("location")).toBe(`/groups/${id}`);
    // The owner following their own link does not join twice either.
    expect((await owner.client.post(`/invite/${invite.token}`, {})).headers.get("location")).toBe(`/groups/${id}`);

    expect(await db().membership.count({ where: { groupId: id, userId: reader.id } })).toBe(1);
    expect(await roleOf(server, id, owner.id)).toBe("owner");
    expect((await db().invite.findUniqueOrThrow({ where: { id: invite.id } })).uses).toBe(1);
    expect(await db().auditEvent.count({ where: { groupId: id, action: "member.joined" } })).toBe(1);
  });

  /** Asserts that nobody can get in through `token` any more, with `message`, and that nothing changes. */
  async function expectRefused(groupId: string, token: string, message: string) {
    const before = await membershipsOf(server, groupId);
    const usesBefore = (await db().invite.findUniqueOrThrow({ where: { token } })).uses;

    const page = await visitor(server).get(`/invite/${token}`);
    expect(page.status).toBe(410);
    const { text } = await readPage(page);
    expect(text).toContain("Invitation not valid");
    expect(text).toContain(message);
    expect(text).not.toContain("Sign up to join");

    // Signing up from the link creates the account but lands on the invitation's page, which says why.
    const newcomer = await signUp(server, { redirectTo: `/invite/${token}` });
    expect(newcomer.location).toBe(`/invite/${token}`);
    const landed = await newcomer.client.get(newcomer.location);
    expect(landed.status).toBe(410);
    expect((await readPage(landed)).text).toContain(message);

    // A signed-in reader posting the join form directly is refused with the same message.
    const reader = await signUp(server);
    const post = await reader.client.post(`/invite/${token}`, {});
    expect(post.status).toBe(400);
    expect((await readPage(post)).text).toContain(message);

    expect(await membershipsOf(server, groupId)).toEqual(before);
    expect((await db().invite.findUniqueOrThrow({ where: { token } })).uses).toBe(usesBefore);
  }

  it("an expired link says so (410) and admits nobody", async () => {
    const { owner, id } = await ownedGroup();
    const invite = await createInviteLink(server, owner, id, { expiresInDays: "3" });
    await db().invite.update({ where: { id: invite.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    await expectRefused(id, invite.token, "This invitation has expired. Ask the group’s moderators for a new one.");
    // An expired link is no longer listed as open.
    expect((await readPage(await owner.client.get(`/groups/${id}/members`))).raw).not.toContain(invite.token);
  });

  it("a withdrawn link says so (410) and admits nobody", async () => {
    const { owner, id } = await ownedGroup();
    const invite = await createInviteLink(server, owner, id);
    const withdraw = await owner.client.post(`/groups/${id}/members`, { intent: "revoke", inviteId: invite.id });
    expect(withdraw.status).toBe(200);
    expect((await readPage(withdraw)).text).toContain("Invitation withdrawn: its link no longer works.");
    expect((await db().invite.findUniqueOrThrow({ where: { id: invite.id } })).revokedAt).not.toBeNull();
    await expectRefused(id, invite.token, "This invitation was withdrawn. Ask the group’s moderators for a new one.");

    const twice = await owner.client.post(`/groups/${id}/members`, { intent: "revoke", inviteId: invite.id });
    expect(twice.status).toBe(404);
    expect((await readPage(twice)).text).toContain("That invitation does not exist or was already withdrawn.");
  });

  it("a used-up link says so (410) and admits nobody more", async () => {
    const { owner, id } = await ownedGroup();
    const invite = await createInviteLink(server, owner, id, { maxUses: "1" });
    const first = await signUp(server, { redirectTo: `/invite/${invite.token}` });
    expect(first.location).toBe(`/groups/${id}`);
    await expectRefused(id, invite.token, "This invitation has been used as many times as it allows. Ask for a new one.");
    expect(await db().membership.count({ where: { groupId: id } })).toBe(2);
  });

  it.each([["an unknown token", "A".repeat(24)], ["a malformed token", "not a token!"]])("%s answers 410 with a clear message", async (_label, token) => {
    const page = await visitor(server).get(`/invite/${encodeURIComponent(token)}`);
    expect(page.status).toBe(410);
    expect((await readPage(page)).text).toContain("This invitation link is not valid. Ask for a new one.");
  });
});

describe("email invitations", () => {
  it("stores the invitation and mails its link through the mailer", async () => {
    const { owner, id, name } = await ownedGroup();
    const address = uniqueEmail("Invitee"); // mixed case on purpose: stored and mailed lower-cased
    const sentBefore = mailer.sent.length;
    const response = await owner.client.post(`/groups/${id}/members`, { intent: "invite-email", email: `  ${address.toUpperCase()} ` });
    expect(response.status).toBe(200);
    const lower = address.toLowerCase();
    expect((await readPage(response)).text).toContain(`Invitation sent to ${lower}.`);

    const invite = await db().invite.findFirstOrThrow({ where: { groupId: id, kind: "email" } });
    expect(invite).toMatchObject({ email: lower, maxUses: 1, uses: 0, revokedAt: null, createdById: owner.id });
    expect(invite.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 13.9 * 86_400_000);

    const mails = mailer.sent.slice(sentBefore);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toBe(lower);
    expect(mails[0]!.subject).toBe(`${owner.displayName} invites you to “${name}” on Marginalia`);
    expect(mails[0]!.text).toContain(`${server.url}/invite/${invite.token}`);

    const audit = (await readPage(await owner.client.get(`/groups/${id}/audit`))).text;
    expect(audit).toContain(`${owner.displayName} invited ${lower}`);
    // The pending invitation is listed for moderators.
    expect((await readPage(await owner.client.get(`/groups/${id}/members`))).text).toContain(`Sent to ${lower}`);
  });

  it("only the invited address can accept it; that address joins by signing up", async () => {
    const { owner, id } = await ownedGroup();
    const address = uniqueEmail("invited");
    await owner.client.post(`/groups/${id}/members`, { intent: "invite-email", email: address });
    const invite = await db().invite.findFirstOrThrow({ where: { groupId: id, kind: "email" } });
    const message = `This invitation was sent to ${address}. Log in with that address to accept it.`;

    const stranger = await signUp(server);
    const post = await stranger.client.post(`/invite/${invite.token}`, {});
    expect(post.status).toBe(400);
    expect((await readPage(post)).text).toContain(message);
    const strangerFromSignUp = await signUp(server, { redirectTo: `/invite/${invite.token}` });
    expect(strangerFromSignUp.location).toBe(`/invite/${invite.token}`);
    expect(await roleOf(server, id, stranger.id)).toBeNull();
    expect(await roleOf(server, id, strangerFromSignUp.id)).toBeNull();
    expect((await db().invite.findUniqueOrThrow({ where: { id: invite.id } })).uses).toBe(0);

    const invited = await signUp(server, { email: address, redirectTo: `/invite/${invite.token}` });
    expect(invited.location).toBe(`/groups/${id}`);
    expect(await roleOf(server, id, invited.id)).toBe("member");
    expect(await db().auditEvent.findFirst({ where: { groupId: id, action: "member.joined", actorId: invited.id } })).toMatchObject({ detail: "email invitation" });
  });

  it.each([
    ["", "Enter the email address to invite."],
    ["not-an-address", "Enter a valid email address, like name@example.org."],
  ])("refuses the address %j with a 400 and sends nothing", async (email, message) => {
    const { owner, id } = await ownedGroup();
    const sentBefore = mailer.sent.length;
    const response = await owner.client.post(`/groups/${id}/members`, { intent: "invite-email", email });
    expect(response.status).toBe(400);
    expect((await readPage(response)).text).toContain(message);
    expect(await db().invite.count({ where: { groupId: id } })).toBe(0);
    expect(mailer.sent.length).toBe(sentBefore);
  });

  it("refuses to invite someone who is already a member", async () => {
    const { owner, id } = await ownedGroup();
    const reader = await signUp(server);
    await joinThroughLink(owner, id, reader);
    const sentBefore = mailer.sent.length;
    const response = await owner.client.post(`/groups/${id}/members`, { intent: "invite-email", email: reader.email });
    expect(response.status).toBe(400);
    expect((await readPage(response)).text).toContain(`${reader.email} is already a member of this group.`);
    expect(await db().invite.count({ where: { groupId: id, kind: "email" } })).toBe(0);
    expect(mailer.sent.length).toBe(sentBefore);
  });

  it("without a mailer, the invitation goes to the server log", async () => {
    const lines: string[] = [];
    const logged = await createAppServer({
      env: testEnv(await freshDatabaseUrl()),
      mode: "production",
      logger: createLogger("info", (line) => lines.push(line)),
    });
    try {
      const owner = new TestClient(logged.url);
      expect((await owner.signUp({ email: uniqueEmail("logowner"), displayName: "Log Owner" })).status).toBe(302);
      const created = await owner.post("/groups/new", groupForm({ name: "Logged circle" }));
      const id = created.headers.get("location")!.split("/").pop()!;
      const address = uniqueEmail("logged");
      expect((await owner.post(`/groups/${id}/members`, { intent: "invite-email", email: address })).status).toBe(200);
      const invite = await logged.database.db.invite.findFirstOrThrow({ where: { groupId: id } });
      const mail = lines.find((line) => line.includes(`mail to ${address}`));
      expect(mail).toBeDefined();
      expect(mail).toContain("Log Owner invites you to “Logged circle” on Marginalia");
      expect(mail).toContain(`/invite/${invite.token}`);
    } finally {
      await logged.close();
    }
  });
});

describe("leaving, removing and handing over", () => {
  it("a member leaves: the membership goes, the group is no longer theirs to see", async () => {
    const { owner, id, name } = await ownedGroup();
    const reader = await signUp(server);
    await joinThroughLink(owner, id, reader);
    const response = await reader.client.post(`/groups/${id}?index`, { intent: "leave" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/groups?left=${encodeURIComponent(name)}`);
    expect(await roleOf(server, id, reader.id)).toBeNull();
    expect(await db().auditEvent.findFirst({ where: { groupId: id, action: "member.left" } })).toMatchObject({ actorId: reader.id, detail: "member" });
    expect((await reader.client.get(`/groups/${id}`)).status).toBe(404);
    expect((await readPage(await reader.client.get("/groups"))).text).not.toContain(name);
  });

  it("the owner cannot leave before handing ownership over", async () => {
    const { owner, id } = await ownedGroup();
    const reader = await signUp(server);
    await joinThroughLink(owner, id, reader);
    const before = await membershipsOf(server, id);
    const response = await owner.client.post(`/groups/${id}?index`, { intent: "leave" });
    expect(response.status).toBe(400);
    expect((await readPage(response)).text).toContain("Hand ownership to another member before leaving the group.");
    expect(await membershipsOf(server, id)).toEqual(before);
    // The page says so before they try.
    expect((await readPage(await owner.client.get(`/groups/${id}`))).text).toContain("As the owner, hand ownership to another member before you can leave.");
  });

  it("after handing ownership over, the old owner is a moderator and can leave", async () => {
    const { owner, id } = await ownedGroup();
    const heir = await signUp(server);
    await joinThroughLink(owner, id, heir);
    const transfer = await owner.client.post(`/groups/${id}/members`, { intent: "transfer", userId: heir.id });
    expect(transfer.status).toBe(200);
    expect((await readPage(transfer)).text).toContain(`${heir.displayName} is now the owner. You are a moderator.`);
    expect(await roleOf(server, id, heir.id)).toBe("owner");
    expect(await roleOf(server, id, owner.id)).toBe("moderator");

    const leave = await owner.client.post(`/groups/${id}?index`, { intent: "leave" });
    expect(leave.status).toBe(302);
    expect(await membershipsOf(server, id)).toEqual([{ userId: heir.id, role: "owner" }]);
    // The new owner is now the one who must hand over first.
    const heirLeaves = await heir.client.post(`/groups/${id}?index`, { intent: "leave" });
    expect(heirLeaves.status).toBe(400);
    expect(await roleOf(server, id, heir.id)).toBe("owner");
  });

  it.each([
    ["the owner removing themselves", "owner", "remove", "To leave the group, use Leave group.", 400],
    ["the owner handing ownership to themselves", "owner", "transfer", "Choose another member to hand ownership to.", 400],
    // Not a question of permission, but the app answers 403 for any reason starting with "Only": either is accepted.
    ["the owner promoting themselves", "owner", "promote", "Only members can be made moderators.", [400, 403]],
    ["the owner demoting themselves", "owner", "demote", "Only moderators can be made members again.", [400, 403]],
    ["a moderator removing the owner", "moderator", "remove-owner", "The owner cannot be removed.", 400],
    ["a moderator removing another moderator", "moderator", "remove-moderator", "Only the owner can remove a moderator.", 403],
  ] as const)("refuses %s and changes nothing", async (_label, actorRole, change, message, status) => {
    const owner = await signUp(server);
    const moderator = await signUp(server);
    const otherModerator = await signUp(server);
    const group = await createGroupDirectly(server, uniqueLabel("Guarded"), [
      [owner, "owner"],
      [moderator, "moderator"],
      [otherModerator, "moderator"],
    ]);
    const actor = actorRole === "owner" ? owner : moderator;
    const [intent, target] =
      change === "remove-owner" ? ["remove", owner] : change === "remove-moderator" ? ["remove", otherModerator] : [change, actor];
    const before = await membershipsOf(server, group.id);
    const response = await actor.client.post(`/groups/${group.id}/members`, { intent, userId: target.id });
    expect(([] as number[]).concat(status)).toContain(response.status);
    expect((await readPage(response)).text).toContain(message);
    expect(await membershipsOf(server, group.id)).toEqual(before);
    expect(await db().auditEvent.count({ where: { groupId: group.id } })).toBe(0);
  });

  it("a moderator removes a member; the member loses access at once", async () => {
    const owner = await signUp(server);
    const moderator = await signUp(server);
    const reader = await signUp(server);
    const group = await createGroupDirectly(server, uniqueLabel("Pruned"), [[owner, "owner"], [moderator, "moderator"], [reader, "member"]]);
    const response = await moderator.client.post(`/groups/${group.id}/members`, { intent: "remove", userId: reader.id });
    expect(response.status).toBe(200);
    expect((await readPage(response)).text).toContain(`${reader.displayName} was removed from the group.`);
    expect(await roleOf(server, group.id, reader.id)).toBeNull();
    expect((await reader.client.get(`/groups/${group.id}`)).status).toBe(404);
  });

  it("answers an unknown intent with a 400 and changes nothing", async () => {
    const { owner, id } = await ownedGroup();
    const members = await owner.client.post(`/groups/${id}/members`, { intent: "delete-group" });
    expect(members.status).toBe(400);
    expect((await readPage(members)).text).toContain("Unknown action.");
    const home = await owner.client.post(`/groups/${id}?index`, { intent: "explode" });
    expect(home.status).toBe(400);
    expect((await readPage(home)).text).toContain("Unknown action.");
    expect(await membershipsOf(server, id)).toEqual([{ userId: owner.id, role: "owner" }]);
    expect(await db().group.count({ where: { id } })).toBe(1);
  });
});

describe("the audit log", () => {
  it("records every role and membership change, shows them to moderators, and is 403 for members", async () => {
    const { owner, id } = await ownedGroup();
    const moderator = await signUp(server);
    const riser = await signUp(server);
    const removed = await signUp(server);
    const leaver = await signUp(server);
    const heir = await signUp(server);
    for (const person of [moderator, riser, removed, leaver, heir]) await joinThroughLink(owner, id, person);

    const post = async (by: Person, fields: Record<string, string>) => {
      const response = await by.client.post(`/groups/${id}/members`, fields);
      expect(response.status, JSON.stringify(fields)).toBe(200);
    };
    await post(owner, { intent: "promote", userId: moderator.id });
    await post(owner, { intent: "promote", userId: riser.id });
    await post(owner, { intent: "demote", userId: riser.id });
    await post(moderator, { intent: "remove", userId: removed.id });
    expect((await leaver.client.post(`/groups/${id}?index`, { intent: "leave" })).status).toBe(302);
    const address = uniqueEmail("audited");
    await post(moderator, { intent: "invite-email", email: address });
    const emailInvite = await db().invite.findFirstOrThrow({ where: { groupId: id, kind: "email" } });
    await post(moderator, { intent: "revoke", inviteId: emailInvite.id });
    await post(owner, { intent: "transfer", userId: heir.id });

    const actions = (await db().auditEvent.findMany({ where: { groupId: id }, orderBy: { createdAt: "asc" }, select: { action: true } })).map((event) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining(["group.created", "invite.created", "member.joined", "member.promote", "member.demote", "member.remove", "member.left", "invite.email", "invite.revoked", "member.transfer"]),
    );
    expect(actions.filter((action) => action === "member.joined")).toHaveLength(5);

    // The old owner is a moderator now, and still sees the log; so does the other moderator.
    for (const viewer of [moderator, owner, heir]) {
      const page = await viewer.client.get(`/groups/${id}/audit`);
      expect(page.status).toBe(200);
      const { text } = await readPage(page);
      for (const line of [
        `${owner.displayName} created the group`,
        `${owner.displayName} created an invite link`,
        `${heir.displayName} joined`,
        `${owner.displayName} made ${moderator.displayName} a moderator`,
        `${owner.displayName} made ${riser.displayName} a moderator`,
        `${owner.displayName} made ${riser.displayName} a member again`,
        `${moderator.displayName} removed ${removed.displayName}`,
        `${leaver.displayName} left`,
        `${moderator.displayName} invited ${address}`,
        `${moderator.displayName} revoked an invitation`,
        `${owner.displayName} handed ownership to ${heir.displayName}`,
      ]) {
        expect(text, `${viewer.displayName} sees “${line}”`).toContain(line);
      }
    }

    // A plain member is refused the page, and the home's public activity leaves out invitations.
    const page = await riser.client.get(`/groups/${id}/audit`);
    expect(page.status).toBe(403);
    const refused = (await readPage(page)).text;
    expect(refused).toContain("Only the group's moderators can do that.");
    expect(refused).not.toContain(address);
    const data = await riser.client.get(`/groups/${id}/audit.data`);
    expect(data.status).toBe(403);
    expect(await data.text()).not.toContain(address);
    const home = (await readPage(await riser.client.get(`/groups/${id}`))).text;
    expect(home).not.toContain(address);
    expect(home).not.toContain("Audit log");
  });
});

describe("the group home and my groups", () => {
  it("shows recent joins, members with their roles, and the way to the other groups", async () => {
    const { owner, id, name } = await ownedGroup();
    const first = await signUp(server);
    const second = await signUp(server);
    await joinThroughLink(owner, id, first);
    await joinThroughLink(owner, id, second);
    await owner.client.post(`/groups/${id}/members`, { intent: "promote", userId: first.id });
    const elsewhere = await ownedGroup();
    await joinThroughLink(elsewhere.owner, elsewhere.id, second);

    const home = await second.client.get(`/groups/${id}`);
    expect(home.status).toBe(200);
    const { text, raw } = await readPage(home);
    expect(text).toContain(`${first.displayName} joined`);
    expect(text).toContain(`${second.displayName} joined`);
    expect(text).toContain(`${owner.displayName} made ${first.displayName} a moderator`);
    expect(text).toContain("Members <span class=\"count\">(<!-- -->3<!-- -->)</span>");
    expect(text).toMatch(new RegExp(`<li>${owner.displayName}<!-- --> <span class="role-badge">Owner</span></li>`));
    expect(text).toMatch(new RegExp(`<li>${first.displayName}<!-- --> <span class="role-badge">Moderator</span></li>`));
    expect(text).toMatch(new RegExp(`<li>${second.displayName}<!-- --> \\(you\\)<!-- --> <span class="role-badge">Member</span></li>`));
    // Switching: the other group is one link away; a group they are not in is not mentioned.
    expect(raw).toContain('aria-label="Your other groups"');
    expect(raw).toContain(`href="/groups/${elsewhere.id}">${elsewhere.name}</a>`);

    const mine = await second.client.get("/groups");
    expect(mine.status).toBe(200);
    const list = (await readPage(mine)).text;
    expect(list).toContain(`href="/groups/${id}">${name}</a>`);
    expect(list).toContain(`href="/groups/${elsewhere.id}">${elsewhere.name}</a>`);
    expect(list).toContain("3<!-- --> member<!-- -->s<!-- --> · you are <!-- -->a member");
    expect(list).not.toContain("Evening readers");
  });

  it("my groups is empty for a new reader and asks a signed-out visitor to log in", async () => {
    const reader = await signUp(server);
    const { text } = await readPage(await reader.client.get("/groups"));
    expect(text).toContain("You are not in a reading group yet.");
    const signedOut = await visitor(server).get("/groups");
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toBe("/login?redirectTo=%2Fgroups");
  });

  it("the demo group exists with its owner and member", async () => {
    const group = await db().group.findFirstOrThrow({ where: { name: "Evening readers" }, include: { memberships: { include: { user: true } } } });
    expect(group.memberships.map((membership) => [membership.user.email, membership.role]).sort()).toEqual([
      ["member@example.org", "member"],
      ["moderator@example.org", "owner"],
    ]);
  });
});
