/**
 * The log of discussion changes per group lesson (LessonEvent): written right after each committed
 * write, read by a page that was away (`lesson:join` with the last id it saw) to learn what it missed
 * from the database rather than from events that may never have reached it. The events carry no
 * content: what each person may see is decided again by the page's loader.
 */
import type { Db } from "~/db/client.server.ts";
import type { DiscussionChange } from "~/realtime/events.ts";

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

export async function recordLessonEvent(db: Db, input: LessonEventInput, now = new Date()): Promise<DiscussionChange> {
  const row = await db.lessonEvent.create({ data: { ...input, createdAt: now } });
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
export async function lessonEventsAfter(db: Db, input: { groupId: string; day: number; after: number }): Promise<{ changes: DiscussionChange[]; complete: boolean; cursor: number }> {
  const [rows, oldest] = await Promise.all([
    db.lessonEvent.findMany({ where: { groupId: input.groupId, day: input.day, id: { gt: input.after } }, orderBy: { id: "asc" }, take: MAX_MISSED_CHANGES + 1 }),
    db.lessonEvent.findFirst({ orderBy: { id: "asc" }, select: { id: true } }),
  ]);
  const overflow = rows.length > MAX_MISSED_CHANGES;
  const kept = rows.slice(0, MAX_MISSED_CHANGES);
  const pruned = oldest !== null && input.after < oldest.id - 1;
  return {
    changes: kept.map(toChange),
    complete: !overflow && !pruned,
    cursor: kept.at(-1)?.id ?? input.after,
  };
}

export async function pruneLessonEvents(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - LESSON_EVENT_RETENTION_DAYS * 86_400_000);
  const { count } = await db.lessonEvent.deleteMany({ where: { createdAt: { lt: cutoff } } });
  return count;
}
