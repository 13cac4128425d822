/**
 * Everything the lesson reader shows for one day: the course, the lesson, its neighbours, and each
 * reading's current passages with their links to other days and what changed since the member's
 * last visit.
 */
import type { Db } from "~/db/client.server.ts";
import { findDayReferences, type DayReference } from "~/content/references.ts";
import { normalizePassageText } from "~/content/keys.ts";

export type PassageKind = "heading" | "paragraph" | "list-item" | "quote" | "prompt";

export interface ReaderPassage {
  key: string;
  kind: PassageKind;
  text: string;
  /** Mentions of other published days, as UTF-16 offsets into `text`. */
  refs: DayReference[];
}

export interface RevisedNotice {
  /** The revision the member saw last. */
  since: number;
  /** Keys of current passages that are new or whose text changed since `since`. */
  changedKeys: string[];
  /** Passages of revision `since` that are gone. */
  removedCount: number;
}

export interface ReaderReading {
  id: string;
  slug: string;
  kind: string;
  title: string;
  revision: { number: number; createdAt: string };
  passages: ReaderPassage[];
  revised: RevisedNotice | null;
}

export interface DayLink {
  day: number;
  title: string;
}

export interface ReaderData {
  course: { slug: string; title: string; dayCount: number };
  lesson: { day: number; title: string };
  previous: DayLink | null;
  next: DayLink | null;
  readings: ReaderReading[];
}

const PASSAGE_KINDS = new Set<string>(["heading", "paragraph", "list-item", "quote", "prompt"]);

/** The `$day` of a URL as a day number; NaN (a 404 in loadReader) for anything but plain digits, so "0x1" or "1e0" is not Day 1. */
export function parseDayParam(param: string | undefined): number {
  return param !== undefined && /^\d{1,6}$/.test(param) ? Number(param) : Number.NaN;
}

function notFound(message: string): Response {
  return new Response(message, { status: 404, statusText: "Not Found", headers: { "content-type": "text/plain; charset=utf-8" } });
}

/**
 * The reader's data for `day` of `courseSlug`, as seen by `userId`. Throws a 404 Response with a
 * message a member can act on when the course or the day's lesson does not exist.
 * Three queries whatever the size of the lesson; it does not record the visit (see recordVisit).
 */
export async function loadReader(db: Db, { courseSlug, day, userId }: { courseSlug: string; day: number; userId: string }): Promise<ReaderData> {
  const course = await db.course.findUnique({
    where: { slug: courseSlug },
    select: { id: true, slug: true, title: true, dayCount: true, lessons: { orderBy: { day: "asc" }, select: { day: true, title: true } } },
  });
  if (!course) throw notFound("There is no course at this address.");
  if (!Number.isInteger(day) || day < 1 || day > course.dayCount) {
    throw notFound(`“${course.title}” runs from Day 1 to Day ${course.dayCount}; this address asks for a day outside that.`);
  }
  const lessonIndex = course.lessons.findIndex((lesson) => lesson.day === day);
  if (lessonIndex === -1) throw notFound(`Day ${day} of “${course.title}” has not been published yet.`);

  const lesson = await db.lesson.findUniqueOrThrow({
    where: { courseId_day: { courseId: course.id, day } },
    select: {
      day: true,
      title: true,
      readings: {
        orderBy: [{ position: "asc" }, { title: "asc" }],
        select: {
          id: true,
          slug: true,
          kind: true,
          title: true,
          visits: { where: { userId }, select: { revisionNumber: true } },
          currentRevision: {
            select: {
              number: true,
              createdAt: true,
              passages: { orderBy: { position: "asc" }, select: { key: true, kind: true, text: true } },
            },
          },
        },
      },
    },
  });

  const publishedDays = new Set(course.lessons.map((published) => published.day));
  const seenBefore = await passagesSeenBefore(db, lesson.readings);

  const readings: ReaderReading[] = [];
  for (const reading of lesson.readings) {
    const revision = reading.currentRevision;
    // A reading without a revision has nothing to show yet (an import in progress, or a failed one).
    if (!revision) continue;
    const passages = revision.passages.map((passage) => ({
      key: passage.key,
      kind: (PASSAGE_KINDS.has(passage.kind) ? passage.kind : "paragraph") as PassageKind,
      text: passage.text,
      refs: findDayReferences(passage.text, day, course.dayCount).filter((ref) => publishedDays.has(ref.day)),
    }));
    const seen = seenBefore.get(reading.id);
    readings.push({
      id: reading.id,
      slug: reading.slug,
      kind: reading.kind,
      title: reading.title,
      revision: { number: revision.number, createdAt: revision.createdAt.toISOString() },
      passages,
      revised: seen ? compareRevisions(seen.number, seen.passages, revision.passages) : null,
    });
  }

  return {
    course: { slug: course.slug, title: course.title, dayCount: course.dayCount },
    lesson: { day: lesson.day, title: lesson.title },
    previous: course.lessons[lessonIndex - 1] ?? null,
    next: course.lessons[lessonIndex + 1] ?? null,
    readings,
  };
}

type VisitedReading = {
  id: string;
  visits: { revisionNumber: number }[];
  currentRevision: { number: number } | null;
};

/** For each reading last seen at an older revision, that revision's passages: one query for all of them. */
async function passagesSeenBefore(db: Db, readings: VisitedReading[]) {
  const older = readings.flatMap((reading) => {
    const seen = reading.visits[0]?.revisionNumber;
    const current = reading.currentRevision?.number;
    return seen !== undefined && current !== undefined && seen < current ? [{ readingId: reading.id, number: seen }] : [];
  });
  const byReading = new Map<string, { number: number; passages: { key: string; text: string }[] }>();
  if (older.length === 0) return byReading;
  const revisions = await db.readingRevision.findMany({
    where: { OR: older },
    select: { readingId: true, number: true, passages: { select: { key: true, text: true } } },
  });
  // A revision that has since been deleted is simply not found: that reading then gets no notice.
  for (const revision of revisions) byReading.set(revision.readingId, { number: revision.number, passages: revision.passages });
  return byReading;
}

/**
 * What changed between the passages a member saw and the current ones, matched by key (keys survive
 * moves and light edits, app/content/keys.ts) and compared by normalised text.
 */
export function compareRevisions(
  since: number,
  before: readonly { key: string; text: string }[],
  current: readonly { key: string; text: string }[],
): RevisedNotice {
  const textBefore = new Map(before.map((passage) => [passage.key, normalizePassageText(passage.text)]));
  const currentKeys = new Set(current.map((passage) => passage.key));
  const changedKeys = current
    .filter((passage) => textBefore.get(passage.key) !== normalizePassageText(passage.text))
    .map((passage) => passage.key);
  const removedCount = before.filter((passage) => !currentKeys.has(passage.key)).length;
  return { since, changedKeys, removedCount };
}

/**
 * Remembers that the member has now seen these revisions. Idempotent, so the reader's GET may call
 * it; one upsert per reading (a lesson has a handful), in one transaction.
 */
export async function recordVisit(db: Db, userId: string, readings: readonly { id: string; revision: { number: number } }[]) {
  if (readings.length === 0) return;
  const visitedAt = new Date();
  await db.$transaction(
    readings.map((reading) =>
      db.readingVisit.upsert({
        where: { userId_readingId: { userId, readingId: reading.id } },
        create: { userId, readingId: reading.id, revisionNumber: reading.revision.number, visitedAt },
        update: { revisionNumber: reading.revision.number, visitedAt },
      }),
    ),
  );
}
