import { randomBytes } from "node:crypto";
import type { Db } from "~/db/client.server.ts";
import type { Mailer } from "~/server/mailer.server.ts";
import { isUniqueViolation } from "./client-ids.server.ts";
import { addMember, audit } from "./group.server.ts";

const DAY_MS = 86_400_000;

function newToken() {
  return randomBytes(18).toString("base64url");
}

export function inviteUrl(origin: string, token: string) {
  return `${origin}/invite/${token}`;
}

export async function createInviteLink(
  db: Db,
  input: { groupId: string; actorId: string; expiresInDays: number | null; maxUses: number | null },
  now = new Date(),
) {
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY_MS) : null;
  return db.$transaction(async (tx) => {
    const invite = await tx.invite.create({
      data: { groupId: input.groupId, token: newToken(), kind: "link", createdById: input.actorId, expiresAt, maxUses: input.maxUses },
    });
    const limits = [input.expiresInDays ? `expires in ${input.expiresInDays} days` : null, input.maxUses ? `${input.maxUses} uses` : null];
    await audit(tx, input.groupId, input.actorId, "invite.created", null, limits.filter(Boolean).join(", "));
    return invite;
  });
}

/** Stores an invitation for one address and mails its link (a single use, valid 14 days). */
export async function inviteByEmail(
  db: Db,
  mailer: Mailer,
  input: { groupId: string; actorId: string; email: string; origin: string },
  now = new Date(),
) {
  const group = await db.group.findUniqueOrThrow({ where: { id: input.groupId }, select: { name: true, course: { select: { title: true } } } });
  const inviter = await db.user.findUniqueOrThrow({ where: { id: input.actorId }, select: { displayName: true } });
  const already = await db.membership.findFirst({ where: { groupId: input.groupId, user: { email: input.email } } });
  if (already) return { ok: false as const, message: `${input.email} is already a member of this group.` };
  const invite = await db.$transaction(async (tx) => {
    const created = await tx.invite.create({
      data: {
        groupId: input.groupId,
        token: newToken(),
        kind: "email",
        email: input.email,
        createdById: input.actorId,
        expiresAt: new Date(now.getTime() + 14 * DAY_MS),
        maxUses: 1,
      },
    });
    await audit(tx, input.groupId, input.actorId, "invite.email", null, input.email);
    return created;
  });
  await mailer.send({
    to: input.email,
    subject: `${inviter.displayName} invites you to “${group.name}” on Marginalia`,
    text: `${inviter.displayName} invites you to read ${group.course.title} with the group “${group.name}”.\n\nJoin here (valid for 14 days): ${inviteUrl(input.origin, invite.token)}\n`,
  });
  return { ok: true as const, invite };
}

export async function listInvites(db: Db, groupId: string, now = new Date()) {
  const invites = await db.invite.findMany({
    where: { groupId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    orderBy: { createdAt: "desc" },
    select: { id: true, token: true, kind: true, email: true, expiresAt: true, maxUses: true, uses: true, createdAt: true, createdBy: { select: { displayName: true } } },
  });
  return invites.filter((invite) => invite.maxUses === null || invite.uses < invite.maxUses);
}

export async function revokeInvite(db: Db, input: { groupId: string; inviteId: string; actorId: string }, now = new Date()) {
  return db.$transaction(async (tx) => {
    // Scoped to the group: an invite id of another group changes nothing.
    const { count } = await tx.invite.updateMany({ where: { id: input.inviteId, groupId: input.groupId, revokedAt: null }, data: { revokedAt: now } });
    if (count === 1) await audit(tx, input.groupId, input.actorId, "invite.revoked", null);
    return count === 1;
  });
}

export type InviteState =
  | { status: "valid"; group: { id: string; name: string; courseTitle: string }; email: string | null; maxUses: number | null }
  | { status: "not-found" | "revoked" | "expired" | "used-up"; message: string };

export async function inspectInvite(db: Db, token: string, now = new Date()): Promise<InviteState> {
  const invite = /^[A-Za-z0-9_-]{10,64}$/.test(token)
    ? await db.invite.findUnique({ where: { token }, include: { group: { select: { id: true, name: true, course: { select: { title: true } } } } } })
    : null;
  if (!invite) return { status: "not-found", message: "This invitation link is not valid. Ask for a new one." };
  if (invite.revokedAt) return { status: "revoked", message: "This invitation was withdrawn. Ask the group’s moderators for a new one." };
  if (invite.expiresAt && invite.expiresAt <= now) return { status: "expired", message: "This invitation has expired. Ask the group’s moderators for a new one." };
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) {
    return { status: "used-up", message: "This invitation has been used as many times as it allows. Ask for a new one." };
  }
  return {
    status: "valid",
    group: { id: invite.group.id, name: invite.group.name, courseTitle: invite.group.course.title },
    email: invite.email,
    maxUses: invite.maxUses,
  };
}

export type AcceptResult = { ok: true; groupId: string; alreadyMember: boolean } | { ok: false; message: string };

/** Joins the user to the invite's group. Counting a use and joining happen in one transaction. */
export async function acceptInvite(db: Db, token: string, user: { id: string; email: string }, now = new Date()): Promise<AcceptResult> {
  try {
    return await acceptInviteOnce(db, token, user, now);
  } catch (error) {
    // The same person twice at once (a double click): the membership's key lets one join, the other
    // rolls back whole (its use of the link with it) and, read again, finds them a member.
    if (!isUniqueViolation(error)) throw error;
    return acceptInviteOnce(db, token, user, now);
  }
}

async function acceptInviteOnce(db: Db, token: string, user: { id: string; email: string }, now: Date): Promise<AcceptResult> {
  return db.$transaction(async (tx) => {
    const state = await inspectInvite(tx as unknown as Db, token, now);
    if (state.status !== "valid") return { ok: false, message: state.message };
    const existing = await tx.membership.findUnique({ where: { groupId_userId: { groupId: state.group.id, userId: user.id } } });
    if (existing) return { ok: true, groupId: state.group.id, alreadyMember: true };
    if (state.email && state.email !== user.email.toLowerCase()) {
      return { ok: false, message: `This invitation was sent to ${state.email}. Log in with that address to accept it.` };
    }
    // Conditional increment: two people racing for the last use cannot both get in.
    const { count } = await tx.invite.updateMany({
      where: { token, revokedAt: null, ...(state.maxUses === null ? {} : { uses: { lt: state.maxUses } }) },
      data: { uses: { increment: 1 } },
    });
    if (count !== 1) return { ok: false, message: "This invitation has been used as many times as it allows. Ask for a new one." };
    await addMember(tx, state.group.id, user.id, state.email ? "email invitation" : "invite link");
    return { ok: true, groupId: state.group.id, alreadyMember: false };
  });
}
