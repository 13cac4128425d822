/**
 * Reading progress: passages read (recorded in batches by the reader's tracker), lessons marked as
 * done, the local days a member read on, and what the course page, the member's progress page and a
 * group's dashboard show of them. The rules themselves are pure, in progress-rules.ts.
 */
import { join, sqltag } from "@prisma/client/runtime/client";
import { z } from "zod";
import type { Db } from "~/db/client.server.ts";
import { can, type Role } from "./authz.ts";
import { isUniqueViolation } from "./client-ids.server.ts";
import { revisionPassages } from "./passage-cache.server.ts";
import { currentDay, isDayLocked, lockedDayMessage, readerOpenThrough, type Pace } from "./pace.ts";
import {
  calendarWeeks,
  DASHBOARD_PAGE_SIZE,
  membersPage,
  readTimeProblem,
  isKnownTimeZone,
  lessonStatus,
  localDay,
  progressVisibility,
  MAX_BATCH,
  streak,
  toCsv,
  type LessonStatus,
} from "./progress-rules.ts";

// ------------------------------------------------------------------ preferences

export interface ProgressPreferences {
  timeZone: string;
  shareProgress: boolean;
  /** Whether the member saved them (otherwise the defaults, and the time zone of their browser). */
  saved: boolean;
}

export async function getPreferences(db: Db, userId: string): Promise<ProgressPreferences> {
  const row = await db.progressPreference.findUnique({ where: { userId } });
  return row ? { timeZone: row.timeZone, shareProgress: row.shareProgress, saved: true } : { timeZone: "UTC", shareProgress: true, saved: false };
}

export async function savePreferences(db: Db, userId: string, input: { timeZone: string; shareProgress: boolean }) {
  await db.progressPreference.upsert({ where: { userId }, create: { userId, ...input }, update: input });
}

// ------------------------------------------------------------------ recording

/** A string with no NUL (PostgreSQL cannot compare or store one: it would fail as a 500). */
const noNul = () => z.string().refine((value) => !value.includes("\u0000"), "NUL characters are not allowed.");

export const readBatchSchema = z.object({
  courseSlug: noNul().min(1).max(200),
  day: z.number().int().min(1).max(100_000),
  /** The browser's time zone (IANA name); the member's days are their local days. */
  timeZone: noNul().max(64).optional(),
  reads: z
    .array(
      z.object({
        passageKey: noNul().min(1).max(100),
        readingId: noNul().min(1).max(40),
        dwellMs: z.number().int().min(0).max(86_400_000),
        at: z.number().int().positive(),
      }),
    )
    .max(MAX_BATCH, `At most ${MAX_BATCH} reads in one batch.`),
});
export type ReadBatch = z.infer<typeof readBatchSchema>;

export type RecordResult =
  | { ok: true; recorded: number; ignored: number; status: LessonStatus; readCount: number; passageCount: number }
  | { ok: false; status: 400 | 403 | 404; message: string };

type ContextRow = { kind: string; a: string | null; b: string | null; c: string | null; d: string | null; e: string | null; f: string | null };

/**
 * Everything a batch needs to know before it writes, in one statement: the course (its owner and
 * length, for locked days), the lesson of `day` and the current revision of each of its readings, the
 * member's groups on the course with their pace (pace.ts decides what is locked), and the member's
 * time zone. One row per fact, tagged by `kind`; every column as text, so both databases agree.
 */
async function batchContext(db: Db, userId: string, courseSlug: string, day: number) {
  const rows = await db.$queryRaw<ContextRow[]>(sqltag`
    SELECT 'course' AS "kind", c."id" AS "a", c."ownerId" AS "b", CAST(c."dayCount" AS TEXT) AS "c", NULL AS "d", NULL AS "e", NULL AS "f"
      FROM "Course" c WHERE c."slug" = ${courseSlug}
    UNION ALL
    SELECT 'reading', l."id", r."id", r."currentRevisionId", NULL, NULL, NULL
      FROM "Lesson" l JOIN "Course" c ON c."id" = l."courseId" LEFT JOIN "Reading" r ON r."lessonId" = l."id"
      WHERE c."slug" = ${courseSlug} AND l."day" = ${day}
    UNION ALL
    SELECT 'group', m."role", g."paceMode", g."startDate", CAST(g."daysPerWeek" AS TEXT), g."timeZone", CAST(g."lockAhead" AS TEXT)
      FROM "Membership" m JOIN "Group" g ON g."id" = m."groupId" JOIN "Course" c ON c."id" = g."courseId"
      WHERE m."userId" = ${userId} AND c."slug" = ${courseSlug}
    UNION ALL
    SELECT 'prefs', p."timeZone", NULL, NULL, NULL, NULL, NULL
      FROM "ProgressPreference" p WHERE p."userId" = ${userId}`);
  let course: { id: string; ownerId: string | null; dayCount: number } | null = null;
  let lessonId: string | null = null;
  const revisions: { readingId: string; revisionId: string }[] = [];
  const groups: { pace: Pace; mayReadAhead: boolean }[] = [];
  let timeZone: string | null = null;
  for (const row of rows) {
    if (row.kind === "course") course = { id: row.a!, ownerId: row.b, dayCount: Number(row.c) };
    else if (row.kind === "reading") {
      lessonId = row.a;
      if (row.b && row.c) revisions.push({ readingId: row.b, revisionId: row.c });
    } else if (row.kind === "group") {
      const pace: Pace = { paceMode: row.b ?? "self", startDate: row.c, daysPerWeek: row.d === null ? null : Number(row.d), timeZone: row.e ?? "UTC", lockAhead: row.f === "1" || row.f === "true" };
      groups.push({ pace, mayReadAhead: can(row.a as Role, "lesson.viewAhead") });
    } else if (row.kind === "prefs") timeZone = row.a;
  }
  return { course, lessonId, revisions, groups, timeZone };
}

/**
 * Records a batch of passages in view. Refused whole when the day is locked for the member (403, as
 * in the reader), when a passage is not one of this lesson's, or a read is dated outside the
 * session's lifetime (before it was created or more than a minute in the future: `readTimeProblem`);
 * reads too short for the passage are ignored; reads already recorded change nothing (a replayed
 * batch is harmless).
 *
 * The statements, with the lesson's passages cached per revision (passage-cache.server.ts):
 * 1. `batchContext`: the course, the lesson's current revisions, the member's groups and time zone;
 * 2. one INSERT of every new read, `ON CONFLICT DO NOTHING RETURNING` the ones that were new (a read
 *    already stored, by a replay or a copy sent at once, is simply not returned);
 * 3. the reading days of those reads, upserted with their count recounted from the reads;
 * 4. the lesson's progress, upserted with its read count recounted from the reads of the current
 *    text, `RETURNING` what the answer says (and, once per lesson, one UPDATE marks it done when
 *    the reads cover every passage).
 * No transaction: every write is one atomic statement that recounts from the stored reads instead of
 * adding to a total, so two copies of a batch at once, or a batch cut off half-way and sent again,
 * end with the same rows as one batch. Only the member's first batch adds one more: their time zone
 * (the browser's), until they choose one.
 */
export async function recordReads(db: Db, userId: string, batch: ReadBatch, options: { sessionStart: Date }, now = new Date()): Promise<RecordResult> {
  const context = await batchContext(db, userId, batch.courseSlug, batch.day);
  const { course, lessonId } = context;
  if (!course) return { ok: false, status: 404, message: "There is no such lesson." };
  // A day locked for this member in the course reader (pace.ts) takes no progress either.
  const openThrough = readerOpenThrough({ ownsCourse: course.ownerId === userId, dayCount: course.dayCount, groups: context.groups }, now);
  if (openThrough !== null && batch.day > openThrough) return { ok: false, status: 403, message: lockedDayMessage(batch.day, openThrough) };
  if (!lessonId) return { ok: false, status: 404, message: "There is no such lesson." };

  const byRevision = await revisionPassages(db, context.revisions.map((revision) => revision.revisionId));
  const passagesOf = new Map(context.revisions.map((revision) => [revision.readingId, byRevision.get(revision.revisionId)!]));
  const passageCount = [...passagesOf.values()].reduce((sum, passages) => sum + passages.size, 0);

  const fresh = new Map<string, { readingId: string; passageKey: string; dwellMs: number; at: Date }>();
  let ignored = 0;
  for (const read of batch.reads) {
    const passage = passagesOf.get(read.readingId)?.get(read.passageKey);
    if (!passage) return { ok: false, status: 400, message: `Passage ${read.passageKey} is not part of this lesson.` };
    const badTime = readTimeProblem(read.at, { sessionStart: options.sessionStart, now });
    if (badTime) return { ok: false, status: 400, message: badTime };
    if (read.dwellMs < passage.requiredMs) {
      ignored += 1;
      continue;
    }
    const id = `${read.readingId}\u0000${read.passageKey}`;
    const earlier = fresh.get(id);
    if (!earlier || earlier.at.getTime() > read.at) fresh.set(id, { readingId: read.readingId, passageKey: read.passageKey, dwellMs: read.dwellMs, at: new Date(read.at) });
  }

  const browserZone = batch.timeZone && isKnownTimeZone(batch.timeZone) ? batch.timeZone : null;
  const timeZone = context.timeZone ?? browserZone ?? "UTC";
  const reads = [...fresh.values()].map((read) => ({ ...read, localDay: localDay(read.at, timeZone) }));
  const added =
    reads.length === 0
      ? []
      : await db.$queryRaw<{ passageKey: string; localDay: string; readAt: Date | string }[]>(sqltag`
          INSERT INTO "PassageRead" ("userId", "readingId", "passageKey", "lessonId", "courseId", "dwellMs", "readAt", "localDay")
          VALUES ${join(reads.map((read) => sqltag`(${userId}, ${read.readingId}, ${read.passageKey}, ${lessonId}, ${course.id}, ${read.dwellMs}, ${read.at}, ${read.localDay})`))}
          ON CONFLICT DO NOTHING
          RETURNING "passageKey", "localDay", "readAt"`);
  if (added.length > 0) {
    const days = [...new Set(added.map((read) => read.localDay))];
    await db.$executeRaw(sqltag`
      INSERT INTO "ReadingDay" ("userId", "day", "count")
      SELECT "userId", "localDay", COUNT(*) FROM "PassageRead"
      WHERE "userId" = ${userId} AND "localDay" IN (${join(days)})
      GROUP BY "userId", "localDay"
      ON CONFLICT ("userId", "day") DO UPDATE SET "count" = excluded."count"`);
  }
  // The passage read last ("continue where you left off"): the latest of the new reads.
  const last = added.length > 0 ? added.reduce((latest, read) => (new Date(read.readAt).getTime() >= new Date(latest.readAt).getTime() ? read : latest)) : null;
  const [progress] = await db.$queryRaw<{ readCount: number | bigint; doneAt: Date | string | null }[]>(sqltag`
    INSERT INTO "LessonProgress" ("userId", "lessonId", "courseId", "readCount", "doneAt", "lastPassageKey", "startedAt", "updatedAt")
    VALUES (${userId}, ${lessonId}, ${course.id}, (
      SELECT COUNT(*) FROM "PassageRead" pr
      JOIN "Reading" r ON r."id" = pr."readingId"
      JOIN "Passage" p ON p."revisionId" = r."currentRevisionId" AND p."key" = pr."passageKey"
      WHERE pr."userId" = ${userId} AND pr."lessonId" = ${lessonId}
    ), NULL, ${last?.passageKey ?? null}, ${now}, ${now})
    ON CONFLICT ("userId", "lessonId") DO UPDATE SET
      "readCount" = excluded."readCount",
      "lastPassageKey" = COALESCE(excluded."lastPassageKey", "LessonProgress"."lastPassageKey"),
      "updatedAt" = CASE WHEN excluded."lastPassageKey" IS NULL THEN "LessonProgress"."updatedAt" ELSE excluded."updatedAt" END
    RETURNING "readCount", "doneAt"`);
  const readCount = Number(progress?.readCount ?? 0);
  let doneAt = progress?.doneAt ? new Date(progress.doneAt) : null;
  // Every passage read: the lesson is done (once per lesson and member; marking it undone and
  // reading on makes it done again).
  if (!doneAt && passageCount > 0 && readCount >= passageCount) {
    await db.lessonProgress.updateMany({ where: { userId, lessonId, doneAt: null }, data: { doneAt: now } });
    doneAt = now;
  }
  // The browser's time zone, until the member chooses one on their progress page.
  // One statement (Prisma's upsert would be a transaction of three); a choice made meanwhile stays.
  if (!context.timeZone && browserZone) await db.$executeRaw(sqltag`INSERT INTO "ProgressPreference" ("userId", "timeZone") VALUES (${userId}, ${browserZone}) ON CONFLICT ("userId") DO NOTHING`);
  return { ok: true, recorded: added.length, ignored, readCount, passageCount, status: lessonStatus({ readCount, doneAt }, passageCount) };
}

/**
 * An upsert that lost a race to create the row (copies sent at once: Prisma's upsert reads, then
 * inserts): once the row exists, the same upsert updates it.
 */
async function againOnUniqueViolation<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return write();
  }
}

/** The "mark lesson as done" control (and its undo). */
export async function markLessonDone(db: Db, userId: string, input: { courseSlug: string; day: number; done: boolean }, now = new Date()) {
  const course = await db.course.findUnique({ where: { slug: input.courseSlug }, select: { id: true } });
  const lesson = course ? await db.lesson.findUnique({ where: { courseId_day: { courseId: course.id, day: input.day } }, select: { id: true, courseId: true } }) : null;
  if (!lesson) return null;
  await againOnUniqueViolation(() =>
    db.lessonProgress.upsert({
      where: { userId_lessonId: { userId, lessonId: lesson.id } },
      create: { userId, lessonId: lesson.id, courseId: lesson.courseId, doneAt: input.done ? now : null, updatedAt: now },
      update: { doneAt: input.done ? now : null, updatedAt: now },
    }),
  );
  if (input.done) {
    const prefs = await getPreferences(db, userId);
    const day = localDay(now, prefs.timeZone);
    await againOnUniqueViolation(() => db.readingDay.upsert({ where: { userId_day: { userId, day } }, create: { userId, day, count: 0 }, update: {} }));
  }
  return lesson;
}

// ------------------------------------------------------------------ reading

/** Passages in the current text of each lesson of a course: what "every passage read" means. */
export async function passageCounts(db: Db, courseId: string) {
  const readings = await db.reading.findMany({
    where: { lesson: { courseId } },
    select: { lessonId: true, lesson: { select: { day: true } }, currentRevision: { select: { _count: { select: { passages: true } } } } },
  });
  const counts = new Map<string, { day: number; passages: number }>();
  for (const reading of readings) {
    const entry = counts.get(reading.lessonId) ?? { day: reading.lesson.day, passages: 0 };
    entry.passages += reading.currentRevision?._count.passages ?? 0;
    counts.set(reading.lessonId, entry);
  }
  return counts;
}

export interface LessonProgressView {
  status: LessonStatus;
  readCount: number;
  passageCount: number;
  /** "readingId:passageKey" of the passages already read: the tracker skips them. */
  readKeys: string[];
  doneAt: string | null;
  /** The passage after the last one read, for "continue where you left off" (null: from the top or done). */
  continueKey: string | null;
}

/** What the reader shows of the member's progress through one lesson. Three queries. */
export async function loadLessonProgress(db: Db, input: { userId: string; courseId: string; lessonId: string }): Promise<LessonProgressView> {
  const [progress, reads, readings] = await Promise.all([
    db.lessonProgress.findUnique({ where: { userId_lessonId: { userId: input.userId, lessonId: input.lessonId } } }),
    db.passageRead.findMany({ where: { userId: input.userId, lessonId: input.lessonId }, select: { readingId: true, passageKey: true } }),
    db.reading.findMany({
      where: { lessonId: input.lessonId, lesson: { courseId: input.courseId } },
      orderBy: [{ position: "asc" }, { title: "asc" }],
      select: { id: true, currentRevision: { select: { passages: { orderBy: { position: "asc" }, select: { key: true } } } } },
    }),
  ]);
  const ordered = readings.flatMap((reading) => (reading.currentRevision?.passages ?? []).map((passage) => `${reading.id}:${passage.key}`));
  return lessonProgressView(progress, reads.map((read) => `${read.readingId}:${read.passageKey}`), ordered);
}

/**
 * The lesson's progress bar from what was read: the member's LessonProgress row (or null), their
 * reads as `readingId:passageKey`, and the current passages in reading order, keyed the same way.
 */
export function lessonProgressView(
  progress: { doneAt: Date | null; lastPassageKey: string | null } | null,
  reads: readonly string[],
  ordered: readonly string[],
): LessonProgressView {
  const readKeys = new Set(reads);
  const readCount = ordered.filter((key) => readKeys.has(key)).length;
  const status = lessonStatus(progress ? { readCount, doneAt: progress.doneAt } : undefined, ordered.length);
  let continueKey: string | null = null;
  if (status !== "done" && readCount > 0) {
    const lastIndex = progress?.lastPassageKey ? ordered.findIndex((key) => key.endsWith(`:${progress.lastPassageKey}`)) : -1;
    const after = ordered.slice(lastIndex + 1).find((key) => !readKeys.has(key)) ?? ordered.find((key) => !readKeys.has(key));
    continueKey = after ? after.slice(after.indexOf(":") + 1) : null;
  }
  return { status, readCount, passageCount: ordered.length, readKeys: [...readKeys], doneAt: progress?.doneAt?.toISOString() ?? null, continueKey };
}

export interface DayStatus {
  day: number;
  lessonId: string | null;
  title: string | null;
  status: LessonStatus;
  readCount: number;
  passageCount: number;
}

/**
 * The member's status for every day of a course; with a group's pace, days ahead of it that the
 * member may not open show as locked (the course page passes no pace: nothing is locked there).
 */
export async function courseDayStatuses(
  db: Db,
  input: { userId: string; courseId: string; dayCount: number; lessons: { day: number; title: string }[]; pace?: Pace | null; mayReadAhead?: boolean; openThrough?: number | null },
  now = new Date(),
): Promise<DayStatus[]> {
  const [counts, progress] = await Promise.all([
    passageCounts(db, input.courseId),
    db.lessonProgress.findMany({ where: { userId: input.userId, courseId: input.courseId }, select: { lessonId: true, readCount: true, doneAt: true } }),
  ]);
  const byDay = new Map<number, { lessonId: string; passages: number }>();
  for (const [lessonId, entry] of counts) byDay.set(entry.day, { lessonId, passages: entry.passages });
  const progressByLesson = new Map(progress.map((row) => [row.lessonId, row]));
  const titles = new Map(input.lessons.map((lesson) => [lesson.day, lesson.title]));
  return Array.from({ length: input.dayCount }, (_, index) => {
    const day = index + 1;
    const lesson = byDay.get(day);
    const row = lesson ? progressByLesson.get(lesson.lessonId) : undefined;
    const locked = Boolean(input.pace && !input.mayReadAhead && isDayLocked(input.pace, day, input.dayCount, now)) || (input.openThrough != null && day > input.openThrough);
    return { day, lessonId: lesson?.lessonId ?? null, title: titles.get(day) ?? null, status: lessonStatus(row, lesson?.passages ?? 0, locked), readCount: row?.readCount ?? 0, passageCount: lesson?.passages ?? 0 };
  });
}

/** "Day X of N": the first published day not done yet (the last day once all are done). */
export function nextDay(statuses: readonly DayStatus[]): DayStatus | null {
  const open = statuses.filter((status) => status.title !== null && status.status !== "locked");
  return open.find((status) => status.status === "in-progress") ?? open.find((status) => status.status !== "done") ?? null;
}

/** Where to continue a course: the lesson most recently read and not done, with its next passage. */
export async function continueWhereLeftOff(db: Db, userId: string, courseId: string) {
  const latest = await db.lessonProgress.findFirst({
    where: { userId, courseId, doneAt: null, readCount: { gt: 0 } },
    orderBy: { updatedAt: "desc" },
    select: { lessonId: true, lesson: { select: { day: true, title: true } } },
  });
  if (!latest) return null;
  const progress = await loadLessonProgress(db, { userId, courseId, lessonId: latest.lessonId });
  if (progress.status === "done") return null;
  return { day: latest.lesson.day, title: latest.lesson.title, passageKey: progress.continueKey, readCount: progress.readCount, passageCount: progress.passageCount };
}

// ------------------------------------------------------------------ discussion progress

export interface DiscussionProgress {
  /** Comments by others since the member last opened the lesson in this group (null: never opened). */
  newComments: number | null;
  prompts: number;
  promptsAnswered: number;
}

/** Per lesson of the group: new comments since the member's last visit, and prompts answered. */
export async function discussionProgress(db: Db, input: { userId: string; groupId: string; courseId: string }): Promise<Map<string, DiscussionProgress>> {
  const [visits, comments, answers, prompts] = await Promise.all([
    db.lessonVisit.findMany({ where: { userId: input.userId, groupId: input.groupId }, select: { lessonId: true, visitedAt: true } }),
    db.comment.findMany({
      where: { groupId: input.groupId, deletedAt: null, hiddenAt: null, authorId: { not: input.userId } },
      select: { lessonId: true, createdAt: true },
    }),
    db.comment.findMany({ where: { groupId: input.groupId, authorId: input.userId, kind: "answer", parentId: null, deletedAt: null }, select: { lessonId: true, passageKey: true } }),
    db.passage.findMany({
      where: { kind: "prompt", revision: { currentOf: { lesson: { courseId: input.courseId } } } },
      select: { key: true, revision: { select: { reading: { select: { lessonId: true } } } } },
    }),
  ]);
  const lastVisit = new Map(visits.map((visit) => [visit.lessonId, visit.visitedAt]));
  const result = new Map<string, DiscussionProgress>();
  const entry = (lessonId: string) => {
    let found = result.get(lessonId);
    if (!found) {
      found = { newComments: lastVisit.has(lessonId) ? 0 : null, prompts: 0, promptsAnswered: 0 };
      result.set(lessonId, found);
    }
    return found;
  };
  for (const comment of comments) {
    const seen = lastVisit.get(comment.lessonId);
    const view = entry(comment.lessonId);
    if (seen && comment.createdAt > seen) view.newComments = (view.newComments ?? 0) + 1;
  }
  const answered = new Set(answers.map((answer) => `${answer.lessonId}:${answer.passageKey}`));
  for (const prompt of prompts) {
    const lessonId = prompt.revision.reading.lessonId;
    const view = entry(lessonId);
    view.prompts += 1;
    if (answered.has(`${lessonId}:${prompt.key}`)) view.promptsAnswered += 1;
  }
  return result;
}

// ------------------------------------------------------------------ history

/** The member's own history: days with reading, streaks and a calendar of the last weeks. */
export async function memberHistory(db: Db, userId: string, now = new Date(), weeks = 10) {
  const prefs = await getPreferences(db, userId);
  const today = localDay(now, prefs.timeZone);
  const days = await db.readingDay.findMany({ where: { userId }, orderBy: { day: "asc" }, select: { day: true, count: true } });
  const counts = new Map(days.map((row) => [row.day, Math.max(row.count, 1)]));
  return {
    preferences: prefs,
    today,
    activeDays: days.length,
    streak: streak(counts.keys(), today),
    weeks: calendarWeeks(counts, today, weeks),
  };
}

/** The member's courses for /progress, with each day's status: those they have read in and those their groups follow. */
export async function memberCourses(db: Db, userId: string) {
  const courses = await db.course.findMany({
    where: { OR: [{ lessons: { some: { progress: { some: { userId } } } } }, { groups: { some: { memberships: { some: { userId } } } } }] },
    orderBy: { title: "asc" },
    select: { id: true, slug: true, title: true, dayCount: true, lessons: { orderBy: { day: "asc" }, select: { day: true, title: true } } },
  });
  return Promise.all(
    courses.map(async (course) => {
      const days = await courseDayStatuses(db, { userId, courseId: course.id, dayCount: course.dayCount, lessons: course.lessons });
      return { id: course.id, slug: course.slug, title: course.title, dayCount: course.dayCount, days, done: days.filter((day) => day.status === "done").length };
    }),
  );
}

/**
 * What the other members of a group may see of each member's progress: the days they have done, or
 * null when hidden (a member who opted out, for viewers who are not moderators). progress-rules.ts decides.
 */
export async function membersDoneDays(db: Db, input: { groupId: string; courseId: string; viewerId: string; viewerIsModerator: boolean }) {
  const members = await db.membership.findMany({ where: { groupId: input.groupId }, select: { userId: true, user: { select: { progressPrefs: { select: { shareProgress: true } } } } } });
  const [counts, progress] = await Promise.all([
    passageCounts(db, input.courseId),
    db.lessonProgress.findMany({ where: { courseId: input.courseId, userId: { in: members.map((member) => member.userId) } }, select: { userId: true, lessonId: true, readCount: true, doneAt: true } }),
  ]);
  const result = new Map<string, number[] | null>();
  for (const member of members) {
    const visibility = progressVisibility({
      viewerId: input.viewerId,
      subjectId: member.userId,
      sameGroup: true,
      viewerIsModerator: input.viewerIsModerator,
      subjectShares: member.user.progressPrefs?.shareProgress ?? true,
    });
    result.set(member.userId, visibility === "none" ? null : []);
  }
  for (const row of progress) {
    const days = result.get(row.userId);
    const lesson = counts.get(row.lessonId);
    if (!days || !lesson) continue;
    if (lessonStatus(row, lesson.passages) === "done") days.push(lesson.day);
  }
  for (const days of result.values()) days?.sort((a, b) => a - b);
  return result;
}

// ------------------------------------------------------------------ group dashboard

export interface DashboardGroup extends Pace {
  id: string;
  course: { id: string; dayCount: number };
}

/** Members × days for a group's moderators, and who is behind the group's pace: everyone (the CSV export). */
export async function groupProgressGrid(db: Db, group: DashboardGroup, now = new Date()) {
  const [members, lessons, counts] = await Promise.all([
    db.membership.findMany({ where: { groupId: group.id }, orderBy: [{ joinedAt: "asc" }, { userId: "asc" }], select: { role: true, user: { select: { id: true, displayName: true } } } }),
    db.lesson.findMany({ where: { courseId: group.course.id }, orderBy: { day: "asc" }, select: { id: true, day: true, title: true } }),
    passageCounts(db, group.course.id),
  ]);
  return gridRows(db, group, members, lessons, counts, now);
}

type GridMember = { role: string; user: { id: string; displayName: string } };
type GridLesson = { id: string; day: number; title: string };

/** The rows of `members`: each day's status, days done, days behind the pace. One query. */
async function gridRows(db: Db, group: DashboardGroup, members: GridMember[], lessons: GridLesson[], counts: Map<string, { day: number; passages: number }>, now: Date) {
  const progress = members.length
    ? await db.lessonProgress.findMany({
        where: { courseId: group.course.id, userId: { in: members.map((member) => member.user.id) } },
        select: { userId: true, lessonId: true, readCount: true, doneAt: true },
      })
    : [];
  const byKey = new Map(progress.map((row) => [`${row.userId}:${row.lessonId}`, row]));
  const paceDay = group.paceMode === "scheduled" ? currentDay(group, group.course.dayCount, now) : null;
  const rows = members.map((member) => {
    const statuses = lessons.map((lesson) => lessonStatus(byKey.get(`${member.user.id}:${lesson.id}`), counts.get(lesson.id)?.passages ?? 0));
    const done = statuses.filter((status) => status === "done").length;
    const behind = paceDay === null ? 0 : lessons.filter((lesson, index) => lesson.day <= paceDay && statuses[index] !== "done").length;
    return { userId: member.user.id, displayName: member.user.displayName, role: member.role, statuses, done, behind };
  });
  return { lessons: lessons.map((lesson) => ({ day: lesson.day, title: lesson.title, id: lesson.id })), rows, paceDay };
}

/**
 * The dashboard: one page of the members grid (DASHBOARD_PAGE_SIZE, in the order they joined), and
 * the group's totals over every member, counted in SQL without loading them: how many members, how
 * many have done each day, and who is behind the pace. `askedPage` is `?page=` as given: membersPage
 * turns junk into the nearest page that exists.
 */
export async function groupProgressPage(db: Db, group: DashboardGroup, askedPage: string | null, now = new Date(), size = DASHBOARD_PAGE_SIZE) {
  const paceDay = group.paceMode === "scheduled" ? currentDay(group, group.course.dayCount, now) : null;
  const [total, lessons, counts, doneByLesson, behind] = await Promise.all([
    db.membership.count({ where: { groupId: group.id } }),
    db.lesson.findMany({ where: { courseId: group.course.id }, orderBy: { day: "asc" }, select: { id: true, day: true, title: true } }),
    passageCounts(db, group.course.id),
    // Members who have done each lesson (lessonStatus's "done": marked done, or every passage of the current text read).
    db.$queryRaw<{ lessonId: string; members: number | bigint }[]>(sqltag`
      WITH ${passagesPerLesson(group.course.id)}
      SELECT lp."lessonId" AS "lessonId", COUNT(*) AS "members"
      FROM "LessonProgress" lp
      JOIN "Membership" m ON m."userId" = lp."userId" AND m."groupId" = ${group.id}
      LEFT JOIN pc ON pc."lessonId" = lp."lessonId"
      WHERE lp."courseId" = ${group.course.id} AND ${lessonDone}
      GROUP BY lp."lessonId"`),
    // Everyone with a day up to the pace not done, in the order they joined (self-paced: nobody).
    paceDay === null
      ? Promise.resolve([])
      : db.$queryRaw<{ userId: string; displayName: string; done: number | bigint }[]>(sqltag`
          WITH ${passagesPerLesson(group.course.id)}
          SELECT u."id" AS "userId", u."displayName" AS "displayName", COUNT(d."lessonId") AS "done"
          FROM "Membership" m
          JOIN "User" u ON u."id" = m."userId"
          LEFT JOIN (
            SELECT lp."userId" AS "userId", lp."lessonId" AS "lessonId"
            FROM "LessonProgress" lp
            JOIN "Lesson" l ON l."id" = lp."lessonId"
            LEFT JOIN pc ON pc."lessonId" = lp."lessonId"
            WHERE lp."courseId" = ${group.course.id} AND l."day" <= ${paceDay} AND ${lessonDone}
          ) d ON d."userId" = m."userId"
          WHERE m."groupId" = ${group.id}
          GROUP BY u."id", u."displayName", m."joinedAt"
          ORDER BY m."joinedAt", u."id"`),
  ]);
  const page = membersPage(askedPage, total, size);
  const members = await db.membership.findMany({
    where: { groupId: group.id },
    orderBy: [{ joinedAt: "asc" }, { userId: "asc" }],
    skip: page.offset,
    take: size,
    select: { role: true, user: { select: { id: true, displayName: true } } },
  });
  const grid = await gridRows(db, group, members, lessons, counts, now);
  const dueLessons = paceDay === null ? 0 : lessons.filter((lesson) => lesson.day <= paceDay).length;
  const doneCounts = new Map(doneByLesson.map((row) => [row.lessonId, Number(row.members)]));
  return {
    ...grid,
    page,
    totals: {
      members: total,
      doneByDay: lessons.map((lesson) => doneCounts.get(lesson.id) ?? 0),
      behind: behind.map((row) => ({ userId: row.userId, displayName: row.displayName, behind: dueLessons - Number(row.done) })).filter((row) => row.behind > 0),
    },
  };
}

/** `pc`: the passages in the current text of each lesson of a course (for "every passage read"). */
function passagesPerLesson(courseId: string) {
  return sqltag`pc AS (
    SELECT r."lessonId" AS "lessonId", COUNT(p."id") AS "passages"
    FROM "Reading" r
    JOIN "Lesson" l ON l."id" = r."lessonId"
    LEFT JOIN "Passage" p ON p."revisionId" = r."currentRevisionId"
    WHERE l."courseId" = ${courseId}
    GROUP BY r."lessonId"
  )`;
}

/** lessonStatus's "done" for a LessonProgress row `lp` beside its lesson's `pc`. */
const lessonDone = sqltag`(lp."doneAt" IS NOT NULL OR (pc."passages" > 0 AND lp."readCount" >= pc."passages"))`;

export interface HeatPassage {
  key: string;
  readingTitle: string;
  kind: string;
  excerpt: string;
  reads: number;
  comments: number;
  confused: number;
  openQuestions: number;
}

/** Per passage of one lesson: how many members read it, comments, confused reactions, open questions. */
export async function lessonHeatmap(db: Db, input: { groupId: string; lessonId: string }): Promise<HeatPassage[]> {
  const members = await db.membership.findMany({ where: { groupId: input.groupId }, select: { userId: true } });
  const [readings, reads, comments, confused] = await Promise.all([
    db.reading.findMany({
      where: { lessonId: input.lessonId },
      orderBy: [{ position: "asc" }, { title: "asc" }],
      select: { id: true, title: true, currentRevision: { select: { passages: { orderBy: { position: "asc" }, select: { key: true, kind: true, text: true } } } } },
    }),
    db.passageRead.groupBy({
      by: ["readingId", "passageKey"],
      where: { lessonId: input.lessonId, userId: { in: members.map((member) => member.userId) } },
      _count: { _all: true },
    }),
    db.comment.findMany({
      where: { groupId: input.groupId, lessonId: input.lessonId, deletedAt: null, hiddenAt: null },
      select: { readingId: true, passageKey: true, kind: true, parentId: true, answerId: true },
    }),
    db.reaction.findMany({ where: { kind: "confused", comment: { groupId: input.groupId, lessonId: input.lessonId, deletedAt: null } }, select: { comment: { select: { readingId: true, passageKey: true } } } }),
  ]);
  const id = (readingId: string, key: string | null) => `${readingId}:${key ?? ""}`;
  const readCounts = new Map(reads.map((row) => [id(row.readingId, row.passageKey), row._count._all]));
  const tally = new Map<string, { comments: number; confused: number; openQuestions: number }>();
  const at = (key: string) => tally.get(key) ?? tally.set(key, { comments: 0, confused: 0, openQuestions: 0 }).get(key)!;
  for (const comment of comments) {
    if (!comment.passageKey) continue;
    const entry = at(id(comment.readingId, comment.passageKey));
    entry.comments += 1;
    if (comment.kind === "question" && !comment.parentId && !comment.answerId) entry.openQuestions += 1;
  }
  for (const reaction of confused) if (reaction.comment.passageKey) at(id(reaction.comment.readingId, reaction.comment.passageKey)).confused += 1;
  return readings.flatMap((reading) =>
    (reading.currentRevision?.passages ?? []).map((passage) => {
      const entry = tally.get(id(reading.id, passage.key));
      return {
        key: passage.key,
        readingTitle: reading.title,
        kind: passage.kind,
        excerpt: passage.text.length > 90 ? `${passage.text.slice(0, 87)}…` : passage.text,
        reads: readCounts.get(id(reading.id, passage.key)) ?? 0,
        comments: entry?.comments ?? 0,
        confused: entry?.confused ?? 0,
        openQuestions: entry?.openQuestions ?? 0,
      };
    }),
  );
}

/** The dashboard's grid as CSV: one row per member, one column per published day. */
export function progressGridCsv(grid: Awaited<ReturnType<typeof groupProgressGrid>>): string {
  const header = ["Member", "Role", "Days done", "Days behind the pace", ...grid.lessons.map((lesson) => `Day ${lesson.day}`)];
  return toCsv([header, ...grid.rows.map((row) => [row.displayName, row.role, row.done, row.behind, ...row.statuses])]);
}

// ------------------------------------------------------------------ member export

/** Everything the member's progress holds, and their own comments: their download. */
export async function exportMemberProgress(db: Db, userId: string) {
  const [user, preferences, lessons, reads, days, comments] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: userId }, select: { displayName: true, email: true } }),
    getPreferences(db, userId),
    db.lessonProgress.findMany({
      where: { userId },
      orderBy: [{ courseId: "asc" }, { startedAt: "asc" }],
      select: { readCount: true, doneAt: true, startedAt: true, updatedAt: true, lesson: { select: { day: true, title: true, course: { select: { slug: true } } } } },
    }),
    db.passageRead.findMany({ where: { userId }, orderBy: { readAt: "asc" }, select: { courseId: true, lessonId: true, readingId: true, passageKey: true, dwellMs: true, readAt: true, localDay: true } }),
    db.readingDay.findMany({ where: { userId }, orderBy: { day: "asc" }, select: { day: true, count: true } }),
    db.comment.findMany({
      where: { authorId: userId, deletedAt: null },
      orderBy: { createdAt: "asc" },
      select: { id: true, groupId: true, lessonId: true, readingId: true, passageKey: true, kind: true, body: true, createdAt: true, editedAt: true, parentId: true },
    }),
  ]);
  return {
    exportedAt: new Date().toISOString(),
    member: user,
    preferences: { timeZone: preferences.timeZone, shareProgress: preferences.shareProgress },
    lessons: lessons.map((row) => ({ course: row.lesson.course.slug, day: row.lesson.day, title: row.lesson.title, passagesRead: row.readCount, doneAt: row.doneAt, startedAt: row.startedAt, updatedAt: row.updatedAt })),
    passagesRead: reads,
    readingDays: days,
    comments,
  };
}
