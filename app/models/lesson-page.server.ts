/**
 * The data of a group's lesson page in a fixed, small number of SQL statements, whatever the size of
 * the discussion (issue 14; docs/decisions/0014-discussion-page-caches.md):
 *
 * 1. the membership, the group, its course, the catch-up cursor and the group's running live session;
 * 2. the lesson and its readings: current revision ids, the member's visits, reads and progress, the
 *    course's published days (the passages themselves come from the per-revision cache);
 * 3. one row per thread, the replies aggregated in SQL: what the margin needs for every passage
 *    (counts, quotes to highlight, "new" markers, filters, the reveal rule of prompt answers);
 * 4. full rows only for the threads shown: the open panel's, the orphans, and the lesson's key answers,
 *    with their reactions, flags and edits counted for those rows only;
 * 5. the group's members (mentions).
 *
 * Writes only when something changed: a ReadingVisit when the revision seen changed, the LessonVisit
 * when there is something new since it (or it is older than VISIT_REFRESH_MS).
 *
 * The visibility rules are the same as loadDiscussion's (discussion.server.ts), which stays the
 * reference implementation for the whole lesson (exports, tests).
 */
import { empty, join, sqltag as sql } from "@prisma/client/runtime/client";
import type { Db } from "~/db/client.server.ts";
import { mentionHandle } from "~/content/comment-markdown.ts";
import { mergeHighlights } from "~/components/discussion/highlights.ts";
import type { Highlight } from "~/components/reader/passage-text.tsx";
import { can, type Role } from "./authz.ts";
import { MEMBER_GROUP_COLUMNS, memberGroupFrom, memberGroupFromRow } from "./group.server.ts";
import type { CommentView, Discussion, ThreadView } from "./discussion.server.ts";
import { REACTIONS, type DiscussionFilter, type ReactionKind } from "./discussion-rules.ts";
import { assertDayOpen, type GroupForLesson } from "./group-lesson.server.ts";
import { EARLIER_VERSION, type KeyAnswer } from "./lesson-view.ts";
import { readerPassages, revisionPassages } from "./lesson-cache.server.ts";
import { lessonProgressView, type LessonProgressView } from "./progress.server.ts";
import { compareRevisions, type ReaderData, type ReaderReading } from "./reader.server.ts";

export type Provider = "sqlite" | "postgresql";

/** A lesson visit newer than this is not written again unless there is something new since it. */
export const VISIT_REFRESH_MS = 10 * 60 * 1000;
const COMMENT_ID = /^[A-Za-z0-9_-]{1,40}$/;

const num = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));
const bool = (value: unknown) => value === true || value === 1 || value === 1n || value === "1" || value === "t";
const date = (value: unknown) => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)));
/** Comma-joined values of one column (ids and passage keys never hold a comma). */
const listAgg = (provider: Provider, expression: ReturnType<typeof sql>) =>
  provider === "postgresql" ? sql`string_agg(${expression}, ',')` : sql`group_concat(${expression}, ',')`;
const list = (value: unknown) => (typeof value === "string" && value !== "" ? value.split(",") : []);

// ------------------------------------------------------------------ 1. the group

export interface LessonGroup {
  role: Role;
  group: GroupForLesson & { name: string; description: string; createdAt: Date; course: GroupForLesson["course"] & { title: string } };
  /** The catch-up cursor (ADR 8): read before the discussion, in this first statement. */
  cursor: number;
  /** The day of the group's running live session, if one runs. */
  liveDay: number | null;
}

/** The member's view of a group, with what the lesson page needs beside it; null when not a member. */
export async function loadLessonGroup(db: Db, groupId: string, userId: string): Promise<LessonGroup | null> {
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT ${MEMBER_GROUP_COLUMNS},
      (SELECT MAX(e."id") FROM "LessonEvent" e) AS "cursor",
      (SELECT ls."day" FROM "LiveSession" ls WHERE ls."groupId" = g."id" AND ls."startedAt" IS NOT NULL AND ls."endedAt" IS NULL ORDER BY ls."startedAt" DESC LIMIT 1) AS "liveDay"
    ${memberGroupFrom(groupId, userId)}`;
  const row = rows[0];
  const member = row ? memberGroupFromRow(row) : null;
  if (!row || !member) return null;
  return {
    role: member.role,
    group: { ...member.group, paceMode: member.group.paceMode as GroupForLesson["paceMode"] },
    cursor: num(row.cursor),
    liveDay: row.liveDay === null || row.liveDay === undefined ? null : num(row.liveDay),
  };
}

// ------------------------------------------------------------------ 2–5. the lesson and its discussion

export interface LessonPageInput {
  group: LessonGroup["group"];
  role: Role;
  userId: string;
  day: number;
  filter: DiscussionFilter;
  /** `?open=` and `?comment=` as sent. */
  openParam: string | null;
  commentParam: string | null;
}

export interface LessonPage {
  reader: ReaderData;
  lessonId: string;
  /** Every passage of the current text: key → its words. */
  passageText: Map<string, string>;
  open: string | null;
  /** Threads of the open panel only. */
  threads: Record<string, ThreadView[]>;
  orphans: ThreadView[];
  shown: Record<string, number>;
  counts: Discussion["counts"];
  newIds: Record<string, string[]>;
  answeredPrompts: string[];
  highlights: Record<string, Highlight[]>;
  keyAnswers: KeyAnswer[];
  members: Discussion["members"];
  lastVisit: string | null;
  progress: LessonProgressView;
  /** What this load wrote (nothing on a reload with nothing new), and why a write failed (it does not cost the page). */
  wrote: { readingVisits: number; lessonVisit: boolean; error?: unknown };
}

function notFound(message: string): Response {
  return new Response(message, { status: 404, statusText: "Not Found", headers: { "content-type": "text/plain; charset=utf-8" } });
}

interface RootRow {
  id: string;
  passageKey: string | null;
  readingId: string;
  kind: string;
  authorId: string;
  state: "visible" | "hidden" | "removed";
  pinned: boolean;
  answerId: string | null;
  quote: { start: number; end: number } | null;
  kept: boolean;
  replyPinned: boolean;
  anyMine: boolean;
  newIds: string[];
  hasComment: boolean;
  confused: number;
  concealed: boolean;
}

export async function loadLessonPage(db: Db, provider: Provider, input: LessonPageInput, now = new Date()): Promise<LessonPage> {
  const { group, role, userId, day } = input;
  const course = group.course;
  assertDayOpen(group, role, day);
  if (!Number.isInteger(day) || day < 1 || day > course.dayCount) {
    throw notFound(`“${course.title}” runs from Day 1 to Day ${course.dayCount}; this address asks for a day outside that.`);
  }
  const moderator = can(role, "discussion.moderate");

  // 2. The lesson, its readings and the member's state, in one statement.
  const lessonsJson =
    provider === "postgresql"
      ? sql`(SELECT json_agg(json_build_object('day', x."day", 'title', x."title") ORDER BY x."day")::text FROM "Lesson" x WHERE x."courseId" = ${course.id})`
      : sql`(SELECT json_group_array(json_object('day', y."day", 'title', y."title")) FROM (SELECT x."day", x."title" FROM "Lesson" x WHERE x."courseId" = ${course.id} ORDER BY x."day") y)`;
  const readingRows = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT l."id" AS "lessonId", l."title" AS "lessonTitle",
      r."id", r."slug", r."kind", r."title", r."currentRevisionId" AS "revisionId",
      rv."number" AS "revisionNumber", rv."createdAt" AS "revisionCreatedAt",
      v."revisionNumber" AS "seenNumber",
      (SELECT ${listAgg(provider, sql`pr."passageKey"`)} FROM "PassageRead" pr WHERE pr."userId" = ${userId} AND pr."readingId" = r."id" AND pr."lessonId" = l."id") AS "readKeys",
      lv."visitedAt" AS "lastVisit",
      CASE WHEN EXISTS (
        SELECT 1 FROM "Comment" n WHERE n."groupId" = ${group.id} AND n."lessonId" = l."id" AND n."createdAt" > lv."visitedAt" AND n."authorId" <> ${userId}
      ) THEN 1 ELSE 0 END AS "anyNew",
      lp."userId" AS "progressUser", lp."doneAt" AS "doneAt", lp."lastPassageKey" AS "lastPassageKey",
      ${lessonsJson} AS "lessons"
    FROM "Lesson" l
    LEFT JOIN "Reading" r ON r."lessonId" = l."id"
    LEFT JOIN "ReadingRevision" rv ON rv."id" = r."currentRevisionId"
    LEFT JOIN "ReadingVisit" v ON v."userId" = ${userId} AND v."readingId" = r."id"
    LEFT JOIN "LessonVisit" lv ON lv."userId" = ${userId} AND lv."groupId" = ${group.id} AND lv."lessonId" = l."id"
    LEFT JOIN "LessonProgress" lp ON lp."userId" = ${userId} AND lp."lessonId" = l."id"
    WHERE l."courseId" = ${course.id} AND l."day" = ${day}
    ORDER BY r."position" ASC, r."title" ASC`;
  const first = readingRows[0];
  if (!first) throw notFound(`Day ${day} of “${course.title}” has not been published yet.`);
  const lessonId = String(first.lessonId);
  const lessons = (JSON.parse(String(first.lessons ?? "[]")) as { day: number; title: string }[]).sort((a, b) => a.day - b.day);
  const lessonIndex = lessons.findIndex((lesson) => lesson.day === day);
  const publishedDays = lessons.map((lesson) => lesson.day);
  const lastVisitAt = date(first.lastVisit);

  // The passages, per revision, from the process's cache.
  const current = readingRows.filter((row) => row.id && row.revisionId);
  const cached = await revisionPassages(db, current.map((row) => String(row.revisionId)));
  const passageText = new Map<string, string>();
  const readings: ReaderReading[] = [];
  const ordered: string[] = [];
  const readKeys: string[] = [];
  const olderSeen: { readingId: string; number: number }[] = [];
  for (const row of current) {
    const entry = cached.get(String(row.revisionId))!;
    const readingId = String(row.id);
    for (const passage of entry.passages) {
      passageText.set(passage.key, passage.text);
      ordered.push(`${readingId}:${passage.key}`);
    }
    for (const key of list(row.readKeys)) readKeys.push(`${readingId}:${key}`);
    const number = num(row.revisionNumber);
    if (row.seenNumber !== null && row.seenNumber !== undefined && num(row.seenNumber) < number) olderSeen.push({ readingId, number: num(row.seenNumber) });
    readings.push({
      id: readingId,
      slug: String(row.slug),
      kind: String(row.kind),
      title: String(row.title),
      revision: { number, createdAt: date(row.revisionCreatedAt)!.toISOString() },
      passages: readerPassages(entry, day, course.dayCount, publishedDays),
      revised: null,
    });
  }
  // "Revised since your last visit": only on the first visit after a revision (then the visit moves on).
  if (olderSeen.length > 0) {
    const before = await db.readingRevision.findMany({ where: { OR: olderSeen }, select: { readingId: true, number: true, passages: { select: { key: true, text: true } } } });
    for (const revision of before) {
      const reading = readings.find((candidate) => candidate.id === revision.readingId);
      if (reading) reading.revised = compareRevisions(revision.number, revision.passages, reading.passages);
    }
  }
  const reader: ReaderData = {
    course: { slug: course.slug, title: course.title, dayCount: course.dayCount },
    lesson: { day, title: String(first.lessonTitle) },
    previous: lessons[lessonIndex - 1] ?? null,
    next: lessons[lessonIndex + 1] ?? null,
    readings,
  };
  const progress = lessonProgressView(first.progressUser ? { doneAt: date(first.doneAt), lastPassageKey: (first.lastPassageKey as string | null) ?? null } : null, readKeys, ordered);

  // 3. One row per thread, its replies aggregated.
  const commentParam = input.commentParam && COMMENT_ID.test(input.commentParam) ? input.commentParam : "";
  const keptComment = sql`(c."deletedAt" IS NULL OR EXISTS (SELECT 1 FROM "Comment" k WHERE k."parentId" = c."id" AND k."deletedAt" IS NULL))`;
  const concealed = moderator
    ? sql`0`
    : sql`CASE WHEN r."kind" = 'answer' AND r."authorId" <> ${userId} AND r."pinnedAt" IS NULL AND NOT EXISTS (
        SELECT 1 FROM "Comment" a
        WHERE a."groupId" = r."groupId" AND a."lessonId" = r."lessonId" AND a."authorId" = ${userId} AND a."kind" = 'answer'
          AND a."parentId" IS NULL AND a."deletedAt" IS NULL AND a."readingId" = r."readingId"
          AND (a."originalPassageKey" = r."originalPassageKey" OR a."originalPassageKey" = r."passageKey"
            OR a."passageKey" = r."originalPassageKey" OR a."passageKey" = r."passageKey")
      ) THEN 1 ELSE 0 END`;
  const newComment = lastVisitAt
    ? sql`CASE WHEN c."createdAt" > lv."visitedAt" AND c."authorId" <> ${userId} AND ${keptComment} THEN c."id" END`
    : sql`CASE WHEN 1 = 0 THEN c."id" END`;
  const rootRows = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT r."id", r."passageKey", r."readingId", r."kind", r."authorId", r."answerId", r."quoteStart", r."quoteEnd",
      CASE WHEN r."quoteExact" IS NOT NULL THEN 1 ELSE 0 END AS "hasQuote",
      CASE WHEN r."deletedAt" IS NOT NULL THEN 'removed' WHEN r."hiddenAt" IS NOT NULL THEN 'hidden' ELSE 'visible' END AS "state",
      CASE WHEN r."pinnedAt" IS NOT NULL THEN 1 ELSE 0 END AS "pinned",
      MAX(CASE WHEN c."parentId" = r."id" AND c."deletedAt" IS NULL THEN 1 ELSE 0 END) AS "liveReply",
      MAX(CASE WHEN c."parentId" = r."id" AND c."pinnedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "replyPinned",
      MAX(CASE WHEN c."authorId" = ${userId} AND ${keptComment} THEN 1 ELSE 0 END) AS "anyMine",
      ${listAgg(provider, newComment)} AS "newIds",
      MAX(CASE WHEN c."id" = ${commentParam} THEN 1 ELSE 0 END) AS "hasComment",
      (SELECT COUNT(*) FROM "Reaction" x WHERE x."commentId" = r."id" AND x."kind" = 'confused') AS "confused",
      ${concealed} AS "concealed"
    FROM "Comment" r
    JOIN "Comment" c ON c."rootId" = r."id"
    LEFT JOIN "LessonVisit" lv ON lv."userId" = ${userId} AND lv."groupId" = r."groupId" AND lv."lessonId" = r."lessonId"
    WHERE r."groupId" = ${group.id} AND r."lessonId" = ${lessonId} AND r."parentId" IS NULL
    GROUP BY r."id", lv."visitedAt"
    ORDER BY r."createdAt" ASC, r."id" ASC`;
  const roots: RootRow[] = rootRows.map((row) => ({
    id: String(row.id),
    passageKey: (row.passageKey as string | null) ?? null,
    readingId: String(row.readingId),
    kind: String(row.kind),
    authorId: String(row.authorId),
    state: row.state as RootRow["state"],
    pinned: bool(num(row.pinned) === 1),
    answerId: (row.answerId as string | null) ?? null,
    quote: bool(num(row.hasQuote) === 1) && row.quoteStart !== null && row.quoteEnd !== null ? { start: num(row.quoteStart), end: num(row.quoteEnd) } : null,
    kept: row.state !== "removed" || num(row.liveReply) === 1,
    replyPinned: num(row.replyPinned) === 1,
    anyMine: num(row.anyMine) === 1,
    newIds: list(row.newIds),
    hasComment: num(row.hasComment) === 1,
    confused: num(row.confused),
    concealed: num(row.concealed) === 1,
  }));

  const kept = roots.filter((root) => root.kept);
  const counts: Discussion["counts"] = {};
  for (const root of kept) {
    if (!root.passageKey) continue;
    const entry = (counts[root.passageKey] ??= { threads: 0, concealedAnswers: 0, confused: 0 });
    if (root.concealed) entry.concealedAnswers += 1;
    else entry.threads += 1;
    entry.confused += root.confused;
  }
  // Pinned threads lead the margin; then in order of creation. A concealed answer's thread is only counted.
  const shownRoots = kept.filter((root) => !root.concealed && matchesFilter(root, input.filter, userId));
  shownRoots.sort((a, b) => Number(b.pinned) - Number(a.pinned));
  const panelOf = (root: RootRow) => (root.passageKey && passageText.has(root.passageKey) ? root.passageKey : EARLIER_VERSION);
  const shown: Record<string, number> = {};
  const quotes: Record<string, { id: string; start: number; end: number }[]> = {};
  const newIds: Record<string, string[]> = {};
  const answered = new Set<string>();
  for (const root of shownRoots) {
    const panel = panelOf(root);
    if (root.newIds.length > 0) (newIds[panel] ??= []).push(...root.newIds);
    if (panel === EARLIER_VERSION) continue;
    shown[panel] = (shown[panel] ?? 0) + 1;
    if (root.quote) (quotes[panel] ??= []).push({ id: root.id, ...root.quote });
    if (root.kind === "answer" && root.authorId === userId && root.state !== "removed") answered.add(panel);
  }
  const highlights: Record<string, Highlight[]> = {};
  for (const [key, list] of Object.entries(quotes)) highlights[key] = mergeHighlights(passageText.get(key)!.length, list);

  const openParam = input.openParam;
  const open =
    openParam && (passageText.has(openParam) || openParam === EARLIER_VERSION)
      ? openParam
      : commentParam
        ? ((() => {
            const root = shownRoots.find((candidate) => candidate.hasComment);
            return root ? panelOf(root) : null;
          })() ?? null)
        : null;

  // 4. Full rows for the threads shown (the open panel's and the orphans) and the key answers.
  const fullRoots = shownRoots.filter((root) => panelOf(root) === EARLIER_VERSION || (open !== null && open !== EARLIER_VERSION && panelOf(root) === open));
  const fullIds = new Set(fullRoots.map((root) => root.id));
  const shownIds = new Set(shownRoots.map((root) => root.id));
  const mine = (kind: ReactionKind) => sql`CASE WHEN EXISTS (SELECT 1 FROM "Reaction" x WHERE x."commentId" = c."id" AND x."userId" = ${userId} AND x."kind" = ${kind}) THEN 1 ELSE 0 END`;
  const reactionCount = (kind: ReactionKind) => sql`(SELECT COUNT(*) FROM "Reaction" x WHERE x."commentId" = c."id" AND x."kind" = ${kind})`;
  const [rows, members] = await Promise.all([
    db.$queryRaw<Record<string, unknown>[]>`
      SELECT c."id", c."parentId", c."rootId", c."authorId", u."displayName" AS "authorName", c."kind", c."body", c."createdAt", c."editedAt",
        c."deletedAt", c."hiddenAt", c."lockedAt", c."pinnedAt", c."pinScope", c."passageKey", c."quoteExact", c."quoteStart", c."quoteEnd",
        c."anchorStatus", c."anchorChanged", c."originalQuote", c."originalRevision", c."answerId", mu."displayName" AS "answerMarkedBy",
        ${reactionCount("agree")} AS "agree", ${reactionCount("insightful")} AS "insightful", ${reactionCount("confused")} AS "confused",
        ${mine("agree")} AS "myAgree", ${mine("insightful")} AS "myInsightful", ${mine("confused")} AS "myConfused",
        ${moderator ? sql`(SELECT COUNT(*) FROM "Flag" f WHERE f."commentId" = c."id" AND f."resolvedAt" IS NULL)` : sql`0`} AS "flags",
        ${moderator ? sql`(SELECT COUNT(*) FROM "CommentEdit" e WHERE e."commentId" = c."id")` : sql`0`} AS "edits",
        ${keptComment} AS "kept"
      FROM "Comment" c
      JOIN "User" u ON u."id" = c."authorId"
      LEFT JOIN "User" mu ON mu."id" = c."answerMarkedById"
      WHERE c."groupId" = ${group.id} AND c."lessonId" = ${lessonId}
        AND (${fullIds.size > 0 ? sql`c."rootId" IN (${join([...fullIds])}) OR ` : empty}(c."pinScope" = 'lesson' AND c."pinnedAt" IS NOT NULL AND c."deletedAt" IS NULL AND c."hiddenAt" IS NULL))
      ORDER BY c."createdAt" ASC, c."id" ASC`,
    db.$queryRaw<{ id: string; displayName: string }[]>`
      SELECT u."id", u."displayName" FROM "Membership" m JOIN "User" u ON u."id" = m."userId" WHERE m."groupId" = ${group.id} ORDER BY m."joinedAt" ASC, m."id" ASC`,
  ]);
  const rootById = new Map(roots.map((root) => [root.id, root]));
  const views = new Map<string, ThreadView>();
  for (const row of rows) {
    const state: CommentView["state"] = row.deletedAt ? "removed" : row.hiddenAt ? "hidden" : "visible";
    if (state === "removed" && !bool(num(row.kept) === 1)) continue;
    const authorId = String(row.authorId);
    const canRead = state === "visible" || (state === "hidden" && (moderator || authorId === userId));
    const createdAt = date(row.createdAt)!;
    const name = String(row.authorName);
    const reactions = Object.fromEntries(REACTIONS.map((kind) => [kind, num(row[kind])])) as Record<ReactionKind, number>;
    views.set(String(row.id), {
      id: String(row.id),
      parentId: (row.parentId as string | null) ?? null,
      rootId: String(row.rootId),
      author: { id: authorId, displayName: name, handle: mentionHandle(name) },
      kind: String(row.kind),
      createdAt: createdAt.toISOString(),
      editedAt: date(row.editedAt)?.toISOString() ?? null,
      state,
      // Only threads not concealed from the viewer are read here (and key answers are checked below).
      body: canRead ? String(row.body) : null,
      reactions,
      myReactions: REACTIONS.filter((kind) => num(row[`my${kind[0]!.toUpperCase()}${kind.slice(1)}`]) === 1),
      pinned: row.pinnedAt ? { scope: (row.pinScope as string | null) ?? "passage" } : null,
      isNew: lastVisitAt !== null && createdAt > lastVisitAt && authorId !== userId,
      mine: authorId === userId,
      flags: num(row.flags),
      editCount: num(row.edits),
      replies: [],
      passageKey: (row.passageKey as string | null) ?? null,
      quote: row.quoteExact !== null && row.quoteStart !== null && row.quoteEnd !== null ? { exact: String(row.quoteExact), start: num(row.quoteStart), end: num(row.quoteEnd) } : null,
      anchorStatus: String(row.anchorStatus),
      anchorChanged: bool(row.anchorChanged) || num(row.anchorChanged) === 1,
      originalQuote: (row.originalQuote as string | null) ?? null,
      originalRevision: num(row.originalRevision),
      locked: row.lockedAt !== null && row.lockedAt !== undefined,
      answerId: (row.answerId as string | null) ?? null,
      answerMarkedBy: row.answerId ? ((row.answerMarkedBy as string | null) ?? "a former member") : null,
      concealed: false,
    });
  }
  // The lesson's key answers: pinned to the lesson, in a thread the viewer is shown.
  const keyAnswers: KeyAnswer[] = [];
  for (const row of rows) {
    const view = views.get(String(row.id));
    if (!view || view.pinned?.scope !== "lesson" || view.state !== "visible" || view.body === null || !shownIds.has(view.rootId)) continue;
    keyAnswers.push({ id: view.id, passageKey: rootById.get(view.rootId)?.passageKey ?? null, author: view.author.displayName, body: view.body, kind: view.kind });
  }
  const built = new Map<string, ThreadView>();
  for (const root of fullRoots) {
    const view = views.get(root.id);
    if (view) built.set(root.id, view);
  }
  for (const view of views.values()) {
    if (!view.parentId || !fullIds.has(view.rootId)) continue;
    views.get(view.parentId)?.replies.push(view);
  }
  for (const view of built.values()) {
    if (view.answerId) view.replies.sort((a, b) => Number(b.id === view.answerId) - Number(a.id === view.answerId));
  }
  const threads: Record<string, ThreadView[]> = {};
  const orphans: ThreadView[] = [];
  for (const root of fullRoots) {
    const view = built.get(root.id);
    if (!view) continue;
    if (panelOf(root) === EARLIER_VERSION) orphans.push(view);
    else (threads[root.passageKey!] ??= []).push(view);
  }

  // Writes, only when they change something.
  const stale = current.filter((row) => row.seenNumber === null || row.seenNumber === undefined || num(row.seenNumber) !== num(row.revisionNumber));
  const writeLessonVisit = !lastVisitAt || num(first.anyNew) === 1 || now.getTime() - lastVisitAt.getTime() >= VISIT_REFRESH_MS;
  // After loading: the revised notice and "new since your last visit" compare with the visit before this one.
  const writeError = await recordPageVisit(
    db,
    { userId, groupId: group.id, lessonId, readings: stale.map((row) => ({ id: String(row.id), number: num(row.revisionNumber) })), lesson: writeLessonVisit },
    now,
  ).then(
    () => undefined,
    (error: unknown) => error ?? new Error("unknown"),
  );

  return {
    reader,
    lessonId,
    passageText,
    open,
    threads: open && open !== EARLIER_VERSION ? { [open]: threads[open] ?? [] } : {},
    orphans,
    shown,
    counts,
    newIds,
    answeredPrompts: [...answered],
    highlights,
    keyAnswers,
    members: members.map((member) => ({ id: member.id, displayName: member.displayName, handle: mentionHandle(member.displayName) })),
    lastVisit: lastVisitAt?.toISOString() ?? null,
    progress,
    wrote: { readingVisits: stale.length, lessonVisit: writeLessonVisit, ...(writeError ? { error: writeError } : {}) },
  };
}

function matchesFilter(root: RootRow, filter: DiscussionFilter, userId: string): boolean {
  switch (filter) {
    case "open":
      return root.kind === "question" && !root.answerId && root.state === "visible";
    case "pinned":
      return root.pinned || root.replyPinned;
    case "mine":
      return root.anyMine || (root.authorId === userId && root.kept);
    default:
      return true;
  }
}

/**
 * The visits a page load records: the revisions the member has now seen (only those that changed)
 * and the lesson visit ("new since your last visit"), in one statement each.
 */
async function recordPageVisit(
  db: Db,
  input: { userId: string; groupId: string; lessonId: string; readings: { id: string; number: number }[]; lesson: boolean },
  now: Date,
) {
  const writes: Promise<unknown>[] = [];
  if (input.readings.length > 0) {
    const values = join(input.readings.map((reading) => sql`(${input.userId}, ${reading.id}, ${reading.number}, ${now})`));
    writes.push(db.$executeRaw`
      INSERT INTO "ReadingVisit" ("userId", "readingId", "revisionNumber", "visitedAt") VALUES ${values}
      ON CONFLICT ("userId", "readingId") DO UPDATE SET "revisionNumber" = excluded."revisionNumber", "visitedAt" = excluded."visitedAt"`);
  }
  if (input.lesson) {
    writes.push(db.lessonVisit.upsert({
      where: { userId_groupId_lessonId: { userId: input.userId, groupId: input.groupId, lessonId: input.lessonId } },
      create: { userId: input.userId, groupId: input.groupId, lessonId: input.lessonId, visitedAt: now },
      update: { visitedAt: now },
    }));
  }
  await Promise.all(writes);
}

