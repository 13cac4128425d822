/**
 * Reading groups, memberships and their audit log. Every change re-reads the roles it depends on
 * inside its transaction and asks app/models/authz.ts, so two moderators acting at once cannot
 * leave a group without an owner.
 */
import { sqltag as sql } from "@prisma/client/runtime/client";
import type { Db } from "~/db/client.server.ts";
import type { Tx } from "./content.server.ts";
import { decide, isRole, type Decision, type GroupAction, type Role } from "./authz.ts";
import type { GroupSettings } from "./group-rules.ts";

export type MemberChange = "promote" | "demote" | "remove" | "transfer";

export async function createGroup(db: Db, ownerId: string, courseId: string, settings: GroupSettings) {
  return db.$transaction(async (tx) => {
    const group = await tx.group.create({ data: { courseId, ...settings } });
    await tx.membership.create({ data: { groupId: group.id, userId: ownerId, role: "owner" } });
    await audit(tx, group.id, ownerId, "group.created", null, settings.name);
    return group;
  });
}

export async function updateGroupSettings(db: Db, groupId: string, actorId: string, settings: GroupSettings) {
  await db.$transaction(async (tx) => {
    await tx.group.update({ where: { id: groupId }, data: settings });
    await audit(tx, groupId, actorId, "group.settings", null, describeSettings(settings));
  });
}

function describeSettings(settings: GroupSettings) {
  return settings.paceMode === "self"
    ? `${settings.name}; self-paced`
    : `${settings.name}; ${settings.daysPerWeek} days a week from ${settings.startDate} (${settings.timeZone})${settings.lockAhead ? ", later days locked" : ""}`;
}

/** The member's view of a group, or null when the user is not a member (callers answer 404). */
export async function loadGroupForMember(db: Db, groupId: string, userId: string) {
  // One statement (a nested select would send three: membership, group, course).
  const rows = await db.$queryRaw<Record<string, unknown>[]>`SELECT ${MEMBER_GROUP_COLUMNS} ${memberGroupFrom(groupId, userId)}`;
  return rows[0] ? memberGroupFromRow(rows[0]) : null;
}

/** The columns memberGroupFromRow reads: the role, the group, its course. */
export const MEMBER_GROUP_COLUMNS = sql`m."role", g."id", g."name", g."description", g."paceMode", g."startDate", g."daysPerWeek", g."timeZone", g."lockAhead", g."createdAt",
  co."id" AS "courseId", co."slug" AS "courseSlug", co."title" AS "courseTitle", co."dayCount" AS "courseDayCount"`;

/** FROM the membership of `userId` in `groupId`, its group (`g`) and course (`co`). */
export const memberGroupFrom = (groupId: string, userId: string) =>
  sql`FROM "Membership" m JOIN "Group" g ON g."id" = m."groupId" JOIN "Course" co ON co."id" = g."courseId" WHERE m."groupId" = ${groupId} AND m."userId" = ${userId}`;

/** A row of MEMBER_GROUP_COLUMNS as loadGroupForMember's answer (null for a role the app does not know). */
export function memberGroupFromRow(row: Record<string, unknown>) {
  if (!isRole(row.role)) return null;
  const flag = (value: unknown) => value === true || value === 1 || value === 1n || value === "1";
  return {
    role: row.role as Role,
    group: {
      id: String(row.id),
      name: String(row.name),
      description: String(row.description),
      paceMode: String(row.paceMode),
      startDate: (row.startDate as string | null) ?? null,
      daysPerWeek: row.daysPerWeek === null || row.daysPerWeek === undefined ? null : Number(row.daysPerWeek),
      timeZone: String(row.timeZone),
      lockAhead: flag(row.lockAhead),
      createdAt: row.createdAt instanceof Date ? row.createdAt : new Date(String(row.createdAt)),
      course: { id: String(row.courseId), slug: String(row.courseSlug), title: String(row.courseTitle), dayCount: Number(row.courseDayCount) },
    },
  };
}

/** A group's name and the fields its pace is computed from (app/models/pace.ts). */
export const GROUP_PACE_FIELDS = { id: true, name: true, paceMode: true, startDate: true, daysPerWeek: true, timeZone: true, lockAhead: true } as const;

export async function listMyGroups(db: Db, userId: string) {
  const memberships = await db.membership.findMany({
    where: { userId },
    orderBy: { joinedAt: "asc" },
    select: {
      role: true,
      group: {
        select: {
          ...GROUP_PACE_FIELDS,
          course: { select: { slug: true, title: true, dayCount: true } },
          _count: { select: { memberships: true } },
        },
      },
    },
  });
  return memberships.map((membership) => ({ role: membership.role as Role, ...membership.group }));
}

export async function listMembers(db: Db, groupId: string) {
  const members = await db.membership.findMany({
    where: { groupId },
    select: { role: true, joinedAt: true, user: { select: { id: true, displayName: true } } },
  });
  const order: Record<string, number> = { owner: 0, moderator: 1, member: 2 };
  return members
    .map((member) => ({ userId: member.user.id, displayName: member.user.displayName, role: member.role as Role, joinedAt: member.joinedAt }))
    .sort((a, b) => order[a.role]! - order[b.role]! || a.displayName.localeCompare(b.displayName));
}

const CHANGE_ACTION: Record<MemberChange, GroupAction> = {
  promote: "member.promote",
  demote: "member.demote",
  remove: "member.remove",
  transfer: "member.transferOwnership",
};

/** Someone else changed the roles between reading and writing them (two moderators, copies sent at once). */
const CHANGED_MEANWHILE = { ok: false, reason: "That member's role was just changed by someone else: reload the page.", status: 409 } as const;
class ChangedMeanwhile extends Error {}
/** Each write only from the roles just read: when it finds them changed, the whole change rolls back. */
const fromRoleRead = ({ count }: { count: number }) => {
  if (count !== 1) throw new ChangedMeanwhile();
};

/** Promote, demote, remove or make owner, after checking the actor's and target's current roles. */
export async function changeMember(
  db: Db,
  input: { groupId: string; actorId: string; targetUserId: string; change: MemberChange },
): Promise<Decision | typeof CHANGED_MEANWHILE> {
  try {
    return await changeMemberOnce(db, input);
  } catch (error) {
    if (error instanceof ChangedMeanwhile) return CHANGED_MEANWHILE;
    throw error;
  }
}

async function changeMemberOnce(db: Db, input: { groupId: string; actorId: string; targetUserId: string; change: MemberChange }): Promise<Decision> {
  return db.$transaction(async (tx) => {
    const [actor, target] = await Promise.all([
      tx.membership.findUnique({ where: { groupId_userId: { groupId: input.groupId, userId: input.actorId } } }),
      tx.membership.findUnique({ where: { groupId_userId: { groupId: input.groupId, userId: input.targetUserId } } }),
    ]);
    if (!target || !isRole(target.role)) return { ok: false, reason: "That person is not a member of this group.", status: 400 } as const;
    const decision = decide(actor && isRole(actor.role) ? actor.role : null, CHANGE_ACTION[input.change], {
      role: target.role,
      isSelf: input.actorId === input.targetUserId,
    });
    if (!decision.ok) return decision;
    const where = { id: target.id, role: target.role };
    switch (input.change) {
      case "promote":
        fromRoleRead(await tx.membership.updateMany({ where, data: { role: "moderator" } }));
        break;
      case "demote":
        fromRoleRead(await tx.membership.updateMany({ where, data: { role: "member" } }));
        break;
      case "remove":
        fromRoleRead(await tx.membership.deleteMany({ where }));
        break;
      case "transfer":
        // The previous owner stays on as a moderator.
        fromRoleRead(await tx.membership.updateMany({ where: { id: actor!.id, role: "owner" }, data: { role: "moderator" } }));
        fromRoleRead(await tx.membership.updateMany({ where, data: { role: "owner" } }));
        break;
    }
    await audit(tx, input.groupId, input.actorId, `member.${input.change}`, input.targetUserId, `${target.role} →${input.change === "remove" ? " removed" : ""}`);
    return decision;
  });
}

export async function leaveGroup(db: Db, groupId: string, userId: string): Promise<Decision> {
  return db.$transaction(async (tx) => {
    const membership = await tx.membership.findUnique({ where: { groupId_userId: { groupId, userId } } });
    const decision = decide(membership && isRole(membership.role) ? membership.role : null, "group.leave");
    if (!decision.ok) return decision;
    // Left once: of copies sent at once, the others find the membership gone.
    const { count } = await tx.membership.deleteMany({ where: { id: membership!.id } });
    if (count !== 1) return { ok: false, reason: "You have already left this group.", status: 400 } as const;
    await audit(tx, groupId, userId, "member.left", userId, membership!.role);
    return decision;
  });
}

export async function addMember(tx: Tx, groupId: string, userId: string, via: string) {
  await tx.membership.create({ data: { groupId, userId, role: "member" } });
  await audit(tx, groupId, userId, "member.joined", userId, via);
}

export async function audit(tx: Tx | Db, groupId: string, actorId: string | null, action: string, targetUserId: string | null, detail = "") {
  await tx.auditEvent.create({ data: { groupId, actorId, action, targetUserId, detail } });
}

/** Who joined, left and changed role: visible to every member (moderation details stay on the audit page). */
export const PUBLIC_ACTIVITY = ["group.created", "member.joined", "member.left", "member.promote", "member.demote", "member.transfer"];

export async function listAudit(db: Db, groupId: string, options: { onlyPublic?: boolean; take?: number } = {}) {
  const events = await db.auditEvent.findMany({
    where: { groupId, ...(options.onlyPublic ? { action: { in: PUBLIC_ACTIVITY } } : {}) },
    orderBy: { createdAt: "desc" },
    take: options.take ?? 100,
    select: {
      id: true,
      action: true,
      detail: true,
      createdAt: true,
      actor: { select: { displayName: true } },
      targetUser: { select: { displayName: true } },
    },
  });
  return events.map((event) => ({
    id: event.id,
    action: event.action,
    detail: event.detail,
    at: event.createdAt.toISOString(),
    actor: event.actor?.displayName ?? "someone who left",
    target: event.targetUser?.displayName ?? null,
  }));
}

export function describeActivity(event: { action: string; actor: string; target: string | null; detail: string }): string {
  switch (event.action) {
    case "group.created":
      return `${event.actor} created the group`;
    case "group.settings":
      return `${event.actor} changed the group's settings (${event.detail})`;
    case "member.joined":
      return `${event.actor} joined`;
    case "member.left":
      return `${event.actor} left`;
    case "member.promote":
      return `${event.actor} made ${event.target} a moderator`;
    case "member.demote":
      return `${event.actor} made ${event.target} a member again`;
    case "member.remove":
      return `${event.actor} removed ${event.target}`;
    case "member.transfer":
      return `${event.actor} handed ownership to ${event.target}`;
    case "invite.created":
      return `${event.actor} created an invite link${event.detail ? ` (${event.detail})` : ""}`;
    case "invite.email":
      return `${event.actor} invited ${event.detail}`;
    case "invite.revoked":
      return `${event.actor} revoked an invitation${event.detail ? ` (${event.detail})` : ""}`;
    default:
      return `${event.actor}: ${event.action}${event.detail ? ` (${event.detail})` : ""}`;
  }
}
