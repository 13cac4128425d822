/**
 * Notifications (replies to you, mentions, answers marked and pins of your comments). They are written
 * only for people who are members of the group at that moment, and listed and counted (the unread
 * badge) only while their target is something the person can still open: a comment, not deleted, in a
 * group they still belong to, not hidden from them, not a prompt answer still concealed from them — the
 * same rules the lesson page applies (loadDiscussion).
 */
import { sqltag as sql, type Sql } from "@prisma/client/runtime/client";
import type { Db } from "~/db/client.server.ts";
import { can, type Role } from "./authz.ts";
import { answeredPrompts, isAnswerConcealed } from "./discussion-rules.ts";

export type NotificationType = "reply" | "mention" | "answer" | "pin";

type Tx = Pick<Db, "membership" | "notification">;

/** Notifies `userId` if they are still a member of the group (inside the writer's transaction); false if not. */
export async function notifyMember(tx: Tx, data: { userId: string; groupId: string; type: NotificationType; commentId: string; actorId: string }) {
  const member = await tx.membership.findUnique({ where: { groupId_userId: { groupId: data.groupId, userId: data.userId } }, select: { userId: true } });
  if (!member) return false;
  await tx.notification.create({ data });
  return true;
}

/** How many of the newest unread notifications are looked at for the badge (it shows "99+" anyway). */
const COUNT_AT_MOST = 1000;

interface NotificationRow {
  id: string;
  type: string;
  commentId: string;
  groupId: string;
  actorId: string | null;
  createdAt: Date;
  readAt: Date | null;
}

/** The rows among `rows` whose comment this person can open, with that comment. */
async function openable(db: Db, userId: string, roles: Map<string, Role>, rows: NotificationRow[]) {
  if (rows.length === 0) return [];
  const comments = await db.comment.findMany({
    where: { id: { in: [...new Set(rows.map((row) => row.commentId))] }, deletedAt: null },
    select: { ...revealFields, hiddenAt: true, body: true },
  });
  const byId = new Map(comments.map((comment) => [comment.id, comment]));
  // The reveal rule of the page (discussion-rules.ts): a prompt answer not yet revealed to this person
  // conceals its whole thread, replies and mentions in it included.
  const roots = await db.comment.findMany({
    where: { id: { in: [...new Set(comments.map((comment) => comment.rootId))] }, kind: "answer", parentId: null },
    select: revealFields,
  });
  const mine = roots.length
    ? await db.comment.findMany({
        where: { authorId: userId, kind: "answer", parentId: null, deletedAt: null, lessonId: { in: [...new Set(roots.map((root) => root.lessonId))] } },
        select: revealFields,
      })
    : [];
  const concealedRoots = new Set(
    roots
      .filter((root) => {
        const answered = answeredPrompts(
          mine.filter((answer) => answer.groupId === root.groupId && answer.lessonId === root.lessonId),
          { userId },
        );
        return isAnswerConcealed(root, { userId, moderator: can(roles.get(root.groupId) ?? null, "discussion.moderate") }, answered);
      })
      .map((root) => root.id),
  );
  return rows.flatMap((row) => {
    const comment = byId.get(row.commentId);
    if (!comment || comment.groupId !== row.groupId) return [];
    const role = roles.get(comment.groupId);
    if (!role) return [];
    const moderator = can(role, "discussion.moderate");
    if (comment.hiddenAt && !moderator && comment.authorId !== userId) return [];
    if (concealedRoots.has(comment.rootId)) return [];
    return [{ row, comment }];
  });
}

const revealFields = {
  id: true,
  rootId: true,
  parentId: true,
  kind: true,
  authorId: true,
  readingId: true,
  passageKey: true,
  originalPassageKey: true,
  pinnedAt: true,
  deletedAt: true,
  groupId: true,
  lessonId: true,
} as const;

async function rolesOf(db: Db, userId: string) {
  const memberships = await db.membership.findMany({ where: { userId }, select: { groupId: true, role: true } });
  return new Map(memberships.map((membership) => [membership.groupId, membership.role as Role]));
}

/**
 * The unread badge's count as one SQL expression (a scalar subquery): the newest COUNT_AT_MOST unread
 * notifications in groups the person belongs to, of which those whose comment they can still open —
 * `openable`'s rules: the comment exists, is not deleted and is in that group; hidden only for
 * moderators and its author; not in a prompt answer's thread still concealed from them (the reveal
 * rule of discussion-rules.ts, written in SQL: an answer is revealed to moderators, its author, when
 * pinned, or once the person has an answer of their own, not deleted, on the same prompt).
 */
function unreadCountSql(userId: string): Sql {
  return sql`(SELECT COUNT(*) FROM (
      SELECT n."commentId", n."groupId", m."role"
      FROM "Notification" n JOIN "Membership" m ON m."groupId" = n."groupId" AND m."userId" = n."userId"
      WHERE n."userId" = ${userId} AND n."readAt" IS NULL AND m."role" IN ('owner', 'moderator', 'member')
      ORDER BY n."createdAt" DESC LIMIT ${COUNT_AT_MOST}
    ) n
    JOIN "Comment" c ON c."id" = n."commentId" AND c."groupId" = n."groupId" AND c."deletedAt" IS NULL
    LEFT JOIN "Comment" r ON r."id" = c."rootId"
    WHERE (c."hiddenAt" IS NULL OR n."role" IN ('owner', 'moderator') OR c."authorId" = ${userId})
      AND NOT (
        r."id" IS NOT NULL AND r."kind" = 'answer' AND r."parentId" IS NULL AND n."role" NOT IN ('owner', 'moderator')
        AND r."authorId" <> ${userId} AND r."pinnedAt" IS NULL
        AND NOT EXISTS (
          SELECT 1 FROM "Comment" a
          WHERE a."authorId" = ${userId} AND a."kind" = 'answer' AND a."parentId" IS NULL AND a."deletedAt" IS NULL
            AND a."groupId" = r."groupId" AND a."lessonId" = r."lessonId" AND a."readingId" = r."readingId"
            AND (a."originalPassageKey" = r."originalPassageKey" OR a."originalPassageKey" = r."passageKey"
              OR a."passageKey" = r."originalPassageKey" OR a."passageKey" = r."passageKey")
        )
      ))`;
}

/** The unread badge: unread notifications whose target the person can still open (one statement). */
export async function unreadNotificationCount(db: Db, userId: string) {
  const rows = await db.$queryRaw<Array<{ unread: number | bigint }>>`SELECT ${unreadCountSql(userId)} AS "unread"`;
  return Number(rows[0]?.unread ?? 0);
}

/**
 * What every page's header shows for a signed-in person, in one statement: the unread badge and the
 * time zone they chose (null: none chosen yet, the browser's own is used).
 */
export async function headerData(db: Db, userId: string): Promise<{ unread: number; timeZone: string | null }> {
  const rows = await db.$queryRaw<Array<{ unread: number | bigint; timeZone: string | null }>>`
    SELECT ${unreadCountSql(userId)} AS "unread", (SELECT p."timeZone" FROM "ProgressPreference" p WHERE p."userId" = ${userId}) AS "timeZone"`;
  return { unread: Number(rows[0]?.unread ?? 0), timeZone: rows[0]?.timeZone ?? null };
}

/** The newest `take` notifications the person can still open (the notifications page). */
export async function listNotifications(db: Db, userId: string, take = 50) {
  const roles = await rolesOf(db, userId);
  if (roles.size === 0) return [];
  const found: Awaited<ReturnType<typeof openable>> = [];
  // Page through until `take` are found: some rows may point at what the person can no longer open.
  for (let page = 0, skip = 0; page < 10 && found.length < take; page += 1) {
    const rows = await db.notification.findMany({ where: { userId, groupId: { in: [...roles.keys()] } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip, take });
    found.push(...(await openable(db, userId, roles, rows)));
    if (rows.length < take) break;
    skip += rows.length;
  }
  const shown = found.slice(0, take);
  const [actors, lessons, groups] = await Promise.all([
    db.user.findMany({ where: { id: { in: shown.flatMap(({ row }) => (row.actorId ? [row.actorId] : [])) } }, select: { id: true, displayName: true } }),
    db.lesson.findMany({ where: { id: { in: shown.map(({ comment }) => comment.lessonId) } }, select: { id: true, day: true, title: true } }),
    db.group.findMany({ where: { id: { in: [...new Set(shown.map(({ comment }) => comment.groupId))] } }, select: { id: true, name: true } }),
  ]);
  const actorById = new Map(actors.map((actor) => [actor.id, actor.displayName]));
  const lessonById = new Map(lessons.map((lesson) => [lesson.id, lesson]));
  const groupById = new Map(groups.map((group) => [group.id, group.name]));
  return shown.map(({ row, comment }) => {
    const lesson = lessonById.get(comment.lessonId)!;
    return {
      id: row.id,
      type: row.type,
      read: row.readAt !== null,
      at: row.createdAt.toISOString(),
      actor: row.actorId ? (actorById.get(row.actorId) ?? "Someone") : "Someone",
      groupId: comment.groupId,
      groupName: groupById.get(comment.groupId) ?? "",
      day: lesson.day,
      passageKey: comment.passageKey,
      lessonTitle: lesson.title,
      commentId: comment.id,
      excerpt: comment.hiddenAt ? null : comment.body.slice(0, 140),
    };
  });
}

export async function markNotificationsRead(db: Db, userId: string, ids: string[] | "all", now = new Date()) {
  await db.notification.updateMany({ where: { userId, readAt: null, ...(ids === "all" ? {} : { id: { in: ids } }) }, data: { readAt: now } });
}

/** Unread notifications the person can still open, per group: replies, mentions and the rest (home). */
export async function unreadByGroup(db: Db, userId: string) {
  const roles = await rolesOf(db, userId);
  const counts = new Map<string, { replies: number; mentions: number; other: number }>();
  if (roles.size === 0) return counts;
  const rows = await db.notification.findMany({
    where: { userId, readAt: null, groupId: { in: [...roles.keys()] } },
    orderBy: { createdAt: "desc" },
    take: COUNT_AT_MOST,
  });
  for (const { row } of await openable(db, userId, roles, rows)) {
    const entry = counts.get(row.groupId) ?? { replies: 0, mentions: 0, other: 0 };
    if (row.type === "reply") entry.replies += 1;
    else if (row.type === "mention") entry.mentions += 1;
    else entry.other += 1;
    counts.set(row.groupId, entry);
  }
  return counts;
}

/**
 * Opening one notification: where it leads (its comment in the group's lesson), marked read on the
 * way. Null — and nothing marked — when it is not this person's or its target is no longer theirs to open.
 */
export async function openNotification(db: Db, userId: string, id: string, now = new Date()) {
  const row = await db.notification.findFirst({ where: { id, userId } });
  if (!row) return null;
  const roles = await rolesOf(db, userId);
  const [found] = await openable(db, userId, roles, [row]);
  if (!found) return null;
  const lesson = await db.lesson.findUniqueOrThrow({ where: { id: found.comment.lessonId }, select: { day: true } });
  if (!row.readAt) await markNotificationsRead(db, userId, [row.id], now);
  return { groupId: found.comment.groupId, day: lesson.day, passageKey: found.comment.passageKey, commentId: found.comment.id };
}
