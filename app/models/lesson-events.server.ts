/**
 * The log of discussion changes per group lesson (LessonEvent): written right after each committed
 * write, read by a page that was away (`lesson:join` with the last id it saw) to learn what it missed
 * from the database rather than from events that may never have reached it. The events carry no
 * content: what each person may see is decided again by the page's loader; changes on prompt answers
 * a person may not see yet (and the replies under them) reach them redacted.
 */
import type { Db } from "~/db/client.server.ts";
import type { DiscussionChange } from "~/realtime/events.ts";
import { can, type Role } from "./authz.ts";
import { answeredPrompts, concealedCommentIds, isAnswerConcealed, type RevealComment } from "./discussion-rules.ts";

const REVEAL_FIELDS = { id: true, rootId: true, parentId: true, kind: true, authorId: true, readingId: true, passageKey: true, originalPassageKey: true, pinnedAt: true, deletedAt: true } as const;

/**
 * A change as someone who may not see its comment hears of it (a concealed prompt answer or a reply
 * under one): that the lesson changed — so the page reloads, and its count of hidden answers with it —
 * but not which comment, where, or by whom.
 */
export function redactChange(change: DiscussionChange): DiscussionChange {
  return { seq: change.seq, intent: "changed", commentId: "", passageKey: null, actorId: "", at: change.at };
}

/**
 * The group's members who may not see a comment under the reveal rule of prompt answers (it is, or
 * is a reply under, an answer they may not see yet). Live broadcasts send them the redacted change.
 */
export async function membersNotSeeing(db: Db, input: { groupId: string; lessonId: string; commentId: string }): Promise<string[]> {
  const comment = await db.comment.findFirst({ where: { id: input.commentId, groupId: input.groupId, lessonId: input.lessonId }, select: { rootId: true } });
  if (!comment) return [];
  const root = await db.comment.findUnique({ where: { id: comment.rootId }, select: REVEAL_FIELDS });
  if (!root || root.kind !== "answer" || root.parentId !== null || root.pinnedAt) return [];
  const [members, answers] = await Promise.all([
    db.membership.findMany({ where: { groupId: input.groupId }, select: { userId: true, role: true } }),
    db.comment.findMany({ where: { groupId: input.groupId, lessonId: input.lessonId, kind: "answer", parentId: null, deletedAt: null }, select: REVEAL_FIELDS }),
  ]);
  return members
    .filter((member) => isAnswerConcealed(root, { userId: member.userId, moderator: can(member.role as Role, "discussion.moderate") }, answeredPrompts(answers, member)))
    .map((member) => member.userId);
}

/**
 * Who may not hear that someone is writing in a thread or editing a comment (`typing` targets
 * `<threadId>` and `edit:<commentId>`): the members from whom that comment is concealed. A new thread
 * (`new:<passage>`) hides nothing.
 */
export async function membersNotSeeingTarget(db: Db, groupId: string, target: string): Promise<string[]> {
  if (target.startsWith("new:")) return [];
  const commentId = target.startsWith("edit:") ? target.slice("edit:".length) : target;
  const comment = await db.comment.findFirst({ where: { id: commentId, groupId }, select: { lessonId: true } });
  return comment ? membersNotSeeing(db, { groupId, lessonId: comment.lessonId, commentId }) : [];
}

/** The changes as `viewer` may hear of them: those on comments concealed from them are redacted. */
async function redactFor(db: Db, changes: DiscussionChange[], viewer: { userId: string; role: Role; groupId: string; lessonId: string }): Promise<DiscussionChange[]> {
  if (changes.length === 0 || can(viewer.role, "discussion.moderate")) return changes;
  const comments: RevealComment[] = await db.comment.findMany({ where: { groupId: viewer.groupId, lessonId: viewer.lessonId }, select: REVEAL_FIELDS });
  const concealed = concealedCommentIds(comments, { userId: viewer.userId, moderator: false });
  if (concealed.size === 0) return changes;
  return changes.map((change) => (concealed.has(change.commentId) ? redactChange(change) : change));
}

/** Changes older than this are pruned; a page away for longer reloads everything. */
export const LESSON_EVENT_RETENTION_DAYS = 14;
/** At most this many changes are sent back; past it the page reloads everything. */
export const MAX_MISSED_CHANGES = 200;

export interface LessonEventInput {
  groupId: string;
  day: number;
  intent: string;
  commentId: string;
  passageKey: string | null;
  actorId: string;
}

/** The advisory lock that puts the log's inserts on PostgreSQL in commit order ("Marg" in ASCII). */
export const LESSON_EVENT_LOCK = 0x4d617267;

/**
 * Logs a change. A page's cursor is the latest id of the log when its loader read its data, so every
 * id up to it must be committed by then: an id that commits after a higher one would be passed over.
 * On SQLite one writer at a time gives that. On PostgreSQL ids come from a sequence before commit, so
 * each insert takes a transaction-scoped advisory lock first: inserts are numbered and committed one
 * after another, and a reader never sees an id while a lower one is still to come.
 */
export async function recordLessonEvent(db: Db, provider: "sqlite" | "postgresql", input: LessonEventInput, now = new Date()): Promise<DiscussionChange> {
  if (provider === "sqlite") return toChange(await db.lessonEvent.create({ data: { ...input, createdAt: now } }));
  const [, row] = await db.$transaction([
    db.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LESSON_EVENT_LOCK})`),
    db.lessonEvent.create({ data: { ...input, createdAt: now } }),
  ]);
  return toChange(row);
}

function toChange(row: { id: number; intent: string; commentId: string; passageKey: string | null; actorId: string; createdAt: Date }): DiscussionChange {
  return { seq: row.id, intent: row.intent, commentId: row.commentId, passageKey: row.passageKey, actorId: row.actorId, at: row.createdAt.toISOString() };
}

/**
 * The cursor a freshly loaded page starts from: the latest change of any lesson. (Not the lesson's
 * own latest: on a quiet lesson that could fall below the pruning line and make every reconnect look
 * like a long absence.)
 */
export async function latestLessonEvent(db: Db): Promise<number> {
  const row = await db.lessonEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return row?.id ?? 0;
}

/**
 * What changed in the lesson after `after`, oldest first. `complete` is false when there is more than
 * MAX_MISSED_CHANGES, or when pruning may have removed changes after `after` (ids below the oldest
 * kept one are gone): the page then reloads everything instead of trusting the list.
 */
export async function lessonEventsAfter(
  db: Db,
  input: { groupId: string; day: number; after: number; viewer?: { userId: string; role: Role; lessonId: string } },
): Promise<{ changes: DiscussionChange[]; complete: boolean; cursor: number }> {
  const [rows, oldest] = await Promise.all([
    db.lessonEvent.findMany({ where: { groupId: input.groupId, day: input.day, id: { gt: input.after } }, orderBy: { id: "asc" }, take: MAX_MISSED_CHANGES + 1 }),
    db.lessonEvent.findFirst({ orderBy: { id: "asc" }, select: { id: true } }),
  ]);
  const overflow = rows.length > MAX_MISSED_CHANGES;
  const kept = rows.slice(0, MAX_MISSED_CHANGES);
  const pruned = oldest !== null && input.after < oldest.id - 1;
  const changes = kept.map(toChange);
  return {
    // What the viewer may not see (the reveal rule of prompt answers) comes back redacted.
    changes: input.viewer ? await redactFor(db, changes, { ...input.viewer, groupId: input.groupId }) : changes,
    complete: !overflow && !pruned,
    cursor: kept.at(-1)?.id ?? input.after,
  };
}

export async function pruneLessonEvents(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - LESSON_EVENT_RETENTION_DAYS * 86_400_000);
  const { count } = await db.lessonEvent.deleteMany({ where: { createdAt: { lt: cutoff } } });
  return count;
}
