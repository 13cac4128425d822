/**
 * Reading progress: passages read (recorded in batches by the reader's tracker), lessons marked as
 * done, the local days a member read on, and what the course page, the member's progress page and a
 * group's dashboard show of them. The rules themselves are pure, in progress-rules.ts.
 */
import { z } from "zod";
import type { Db } from "~/db/client.server.ts";
import { isUniqueViolation } from "./client-ids.server.ts";
import { currentDay, isDayLocked, type Pace } from "./pace.ts";
import {
  calendarWeeks,
  readTimeProblem,
  isKnownTimeZone,
  lessonStatus,
  localDay,
  progressVisibility,
  MAX_BATCH,
  requiredDwellMs,
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
  | { ok: false; status: 400 | 404; message: string };

/** The lesson of `day` with the current passages of its readings: one query. */
async function lessonPassages(db: Db, courseSlug: string, day: number) {
  const lesson = await db.lesson.findFirst({
    where: { day, course: { slug: courseSlug } },
    select: {
      id: true,
      courseId: true,
      readings: { select: { id: true, currentRevision: { select: { passages: { select: { key: true, text: true } } } } } },
    },
  });
  if (!lesson) return null;
  const passages = new Map<string, { key: string; readingId: string; text: string }>();
  for (const reading of lesson.readings) {
    for (const passage of reading.currentRevision?.passages ?? []) passages.set(`${reading.id}\u0000${passage.key}`, { ...passage, readingId: reading.id });
  }
  return { id: lesson.id, courseId: lesson.courseId, passages };
}

/**
 * Records a batch of passages in view. The whole batch is refused when a passage is not one of this
 * lesson's, or a read is dated outside the session's lifetime (before it
 * was created or more than a minute in the future: `readTimeProblem`); reads too short for the passage
 * are ignored; reads already recorded change nothing (a replayed batch is harmless).
 * Four reads, then one write transaction; two identical batches at once meet the primary key, and
 * the later one starts over and finds nothing new.
 */
export async function recordReads(db: Db, userId: string, batch: ReadBatch, options: { sessionStart: Date }, now = new Date()): Promise<RecordResult> {
  const lesson = await lessonPassages(db, batch.courseSlug, batch.day);
  if (!lesson) return { ok: false, status: 404, message: "There is no such lesson." };
  const fresh = new Map<string, { readingId: string; passageKey: string; dwellMs: number; at: Date }>();
  let ignored = 0;
  for (const read of batch.reads) {
    const id = `${read.readingId}\u0000${read.passageKey}`;
    const passage = lesson.passages.get(id);
    if (!passage) return { ok: false, status: 400, message: `Passage ${read.passageKey} is not part of this lesson.` };
    const badTime = readTimeProblem(read.at, { sessionStart: options.sessionStart, now });
    if (badTime) return { ok: false, status: 400, message: badTime };
    if (read.dwellMs < requiredDwellMs(passage.text)) {
      ignored += 1;
      continue;
    }
    const earlier = fresh.get(id);
    if (!earlier || earlier.at.getTime() > read.at) fresh.set(id, { readingId: read.readingId, passageKey: read.passageKey, dwellMs: read.dwellMs, at: new Date(read.at) });
  }

  const attempt = async () => {
    const [prefs, existing, progress] = await Promise.all([
      db.progressPreference.findUnique({ where: { userId }, select: { timeZone: true } }),
      db.passageRead.findMany({ where: { userId, lessonId: lesson.id }, select: { readingId: true, passageKey: true } }),
      db.lessonProgress.findUnique({ where: { userId_lessonId: { userId, lessonId: lesson.id } }, select: { doneAt: true, lastPassageKey: true } }),
    ]);
    const browserZone = batch.timeZone && isKnownTimeZone(batch.timeZone) ? batch.timeZone : null;
    const timeZone = prefs?.timeZone ?? browserZone ?? "UTC";
    const known = new Set(existing.map((row) => `${row.readingId}\u0000${row.passageKey}`));
    const added = [...fresh].filter(([id]) => !known.has(id)).map(([, read]) => ({ ...read, localDay: localDay(read.at, timeZone) }));
    const readCount = existing.filter((row) => lesson.passages.has(`${row.readingId}\u0000${row.passageKey}`)).length + added.length;
    const allRead = readCount >= lesson.passages.size && lesson.passages.size > 0;
    const doneAt = progress?.doneAt ?? (allRead ? now : null);
    const last = added.toSorted((a, b) => a.at.getTime() - b.at.getTime()).at(-1);
    const perDay = new Map<string, number>();
    for (const read of added) perDay.set(read.localDay, (perDay.get(read.localDay) ?? 0) + 1);
    if (added.length > 0 || !progress) {
      await db.$transaction([
        ...(added.length > 0
          ? [
              db.passageRead.createMany({
                data: added.map((read) => ({ userId, lessonId: lesson.id, courseId: lesson.courseId, readingId: read.readingId, passageKey: read.passageKey, dwellMs: read.dwellMs, readAt: read.at, localDay: read.localDay })),
              }),
            ]
          : []),
        ...[...perDay].map(([day, count]) => db.readingDay.upsert({ where: { userId_day: { userId, day } }, create: { userId, day, count }, update: { count: { increment: count } } })),
        db.lessonProgress.upsert({
          where: { userId_lessonId: { userId, lessonId: lesson.id } },
          create: { userId, lessonId: lesson.id, courseId: lesson.courseId, readCount, lastPassageKey: last?.passageKey ?? null, doneAt, updatedAt: now },
          update: { readCount, doneAt, ...(last ? { lastPassageKey: last.passageKey, updatedAt: now } : {}) },
        }),
        // The browser's time zone, until the member chooses one on their progress page.
        ...(!prefs && browserZone ? [db.progressPreference.upsert({ where: { userId }, create: { userId, timeZone: browserZone }, update: {} })] : []),
      ]);
    }
    return { added: added.length, readCount, doneAt };
  };

  let outcome: Awaited<ReturnType<typeof attempt>>;
  try {
    outcome = await attempt();
  } catch (error) {
    // The same batch sent twice at once: the other request stored it; look again.
    if ((error as { code?: string }).code !== "P2002") throw error;
    outcome = await attempt();
  }
  return {
    ok: true,
    recorded: outcome.added,
    ignored,
    readCount: outcome.readCount,
    passageCount: lesson.passages.size,
    status: lessonStatus({ readCount: outcome.readCount, doneAt: outcome.doneAt }, lesson.passages.size),
  };
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

/** Every course the member has progress in, with each day's status. */
export async function memberCourses(db: Db, userId: string) {
  const rows = await db.lessonProgress.findMany({ where: { userId }, distinct: ["courseId"], select: { courseId: true } });
  const courses = await db.course.findMany({
    where: { id: { in: rows.map((row) => row.courseId) } },
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

/** Members × days for a group's moderators, and who is behind the group's pace. Five queries. */
export async function groupProgressGrid(db: Db, group: DashboardGroup, now = new Date()) {
  const [members, lessons, counts] = await Promise.all([
    db.membership.findMany({ where: { groupId: group.id }, orderBy: { joinedAt: "asc" }, select: { role: true, user: { select: { id: true, displayName: true } } } }),
    db.lesson.findMany({ where: { courseId: group.course.id }, orderBy: { day: "asc" }, select: { id: true, day: true, title: true } }),
    passageCounts(db, group.course.id),
  ]);
  const progress = await db.lessonProgress.findMany({
    where: { courseId: group.course.id, userId: { in: members.map((member) => member.user.id) } },
    select: { userId: true, lessonId: true, readCount: true, doneAt: true },
  });
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
