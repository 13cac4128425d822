/**
 * Writes an ImportSet (parsed, validated lesson files) into the database: course → lessons →
 * readings → revisions → passages. Re-importing an unchanged file changes nothing; a changed file
 * becomes a new revision whose passages keep their keys where the text survived (app/content/keys.ts).
 */
import type { Db } from "~/db/client.server.ts";
import type { ImportSet, ResolvedReading } from "~/content/import-set.ts";
import { assignKeys } from "~/content/keys.ts";
import { reanchorAll, type PassageText, type ReanchorResult, type ReanchorStatus } from "~/content/anchoring.ts";

export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export interface ReadingImportResult {
  sourceName: string;
  day: number;
  reading: string;
  status: "created" | "revised" | "unchanged";
  revision: number;
  passages: number;
  matched: Record<"new" | "exact" | "moved" | "edited", number>;
  /** How the discussion of this reading was re-attached to the new revision (threads by outcome). */
  reanchored: Record<ReanchorStatus, number>;
}

export interface ImportResult {
  courseSlug: string;
  courseCreated: boolean;
  readings: ReadingImportResult[];
}

export class ImportRefused extends Error {}

export interface ImportOptions {
  /** Owner given to a course this import creates. */
  ownerId?: string | null;
  /** When set, the import is refused unless this user owns the course (uploads from the admin page). */
  actingUserId?: string;
}

/**
 * The files arrive parsed and validated (app/content/import-set.ts). What takes time beside that —
 * matching every passage's key and re-anchoring every thread — is worked out from what is committed
 * before the transaction opens, so the transaction (which holds SQLite's one write lock, ADR 0010)
 * only checks that nothing changed meanwhile and writes.
 */
export async function importContent(db: Db, set: ImportSet, options: ImportOptions = {}): Promise<ImportResult> {
  const plans = await planImport(db, set);
  return db.$transaction((tx) => importContentTx(tx, set, options, plans), { timeout: 120_000, maxWait: 30_000 });
}

/** Keys and anchors worked out for one reading against the revision that was current then. */
interface ReadingPlan {
  revisionId: string;
  keys: ReturnType<typeof assignKeys>;
  /** Per thread: the anchor it was worked out from, and where it goes. */
  anchors: Map<string, { from: string; result: ReanchorResult }>;
}
type ImportPlans = Map<ResolvedReading, ReadingPlan>;

type Queryable = Db | Tx;

export async function planImport(db: Db, set: ImportSet): Promise<ImportPlans> {
  const plans: ImportPlans = new Map();
  for (const source of set.readings) {
    const reading = await db.reading.findFirst({
      where: { slug: source.readingSlug, lesson: { day: source.day, course: { slug: set.course.slug } } },
      select: { id: true, currentRevision: { select: { id: true, checksum: true, number: true, passages: passageSelection } } },
    });
    const current = reading?.currentRevision;
    if (!reading || !current || current.checksum === source.checksum) continue;
    const keys = assignKeys(current.passages, source.passages);
    const next = source.passages.map((passage, position) => ({ key: keys[position]!.key, kind: passage.kind, text: passage.text }));
    const roots = await threadRoots(db, reading.id);
    const results = reanchorAll(roots.map(anchorOf), current.passages, next);
    plans.set(source, {
      revisionId: current.id,
      keys,
      anchors: new Map(roots.map((root, index) => [root.id, { from: fingerprint(root), result: results[index]! }])),
    });
  }
  return plans;
}

const passageSelection = { orderBy: { position: "asc" }, select: { key: true, kind: true, text: true } } as const;

function threadRoots(q: Queryable, readingId: string) {
  return q.comment.findMany({
    where: { readingId, parentId: null, passageKey: { not: null } },
    select: { id: true, passageKey: true, quoteExact: true, quotePrefix: true, quoteSuffix: true, quoteStart: true, quoteEnd: true, anchorChanged: true },
  });
}
type ThreadRoot = Awaited<ReturnType<typeof threadRoots>>[number];

function anchorOf(root: ThreadRoot) {
  return {
    passageKey: root.passageKey!,
    quote:
      root.quoteExact !== null && root.quoteStart !== null && root.quoteEnd !== null
        ? { exact: root.quoteExact, prefix: root.quotePrefix ?? "", suffix: root.quoteSuffix ?? "", start: root.quoteStart, end: root.quoteEnd }
        : null,
  };
}

const fingerprint = (root: ThreadRoot) => JSON.stringify(anchorOf(root));

export async function importContentTx(tx: Tx, set: ImportSet, options: ImportOptions = {}, plans: ImportPlans = new Map()): Promise<ImportResult> {
  const existing = await tx.course.findUnique({ where: { slug: set.course.slug } });
  if (existing && options.actingUserId !== undefined && existing.ownerId !== options.actingUserId) {
    throw new ImportRefused(`Only the owner of "${existing.title}" can import lessons into it.`);
  }
  if (existing) {
    const beyond = await tx.lesson.findFirst({
      where: { courseId: existing.id, day: { gt: set.course.dayCount } },
      select: { day: true },
    });
    if (beyond) {
      throw new ImportRefused(
        `The course already has Day ${beyond.day}, so it cannot be shortened to ${set.course.dayCount} days.`,
      );
    }
  }
  const course = existing
    ? await tx.course.update({
        where: { id: existing.id },
        data: {
          title: set.course.title,
          dayCount: set.course.dayCount,
          ...(set.course.description !== null ? { description: set.course.description } : {}),
        },
      })
    : await tx.course.create({
        data: {
          slug: set.course.slug,
          title: set.course.title,
          dayCount: set.course.dayCount,
          description: set.course.description ?? "",
          ownerId: options.ownerId ?? options.actingUserId ?? null,
        },
      });

  const results: ReadingImportResult[] = [];
  const lessonIds = new Map<number, string>();
  for (const reading of set.readings) {
    let lessonId = lessonIds.get(reading.day);
    if (!lessonId) {
      const lesson = await tx.lesson.upsert({
        where: { courseId_day: { courseId: course.id, day: reading.day } },
        create: { courseId: course.id, day: reading.day, title: reading.lessonTitle },
        update: { title: reading.lessonTitle },
      });
      lessonId = lesson.id;
      lessonIds.set(reading.day, lessonId);
    }
    results.push(await importReading(tx, lessonId, reading, plans.get(reading)));
  }
  return { courseSlug: course.slug, courseCreated: !existing, readings: results };
}

const READING_POSITION = { lesson: 0, summary: 1, other: 2 } as const;

async function importReading(tx: Tx, lessonId: string, source: ResolvedReading, plan?: ReadingPlan): Promise<ReadingImportResult> {
  const reading =
    (await tx.reading.findUnique({
      where: { lessonId_slug: { lessonId, slug: source.readingSlug } },
      include: { currentRevision: { include: { passages: passageSelection } } },
    })) ??
    (await tx.reading.create({
      data: {
        lessonId,
        slug: source.readingSlug,
        kind: source.kind,
        title: source.readingTitle,
        position: READING_POSITION[source.kind],
      },
      include: { currentRevision: { include: { passages: true } } },
    }));
  const current = reading.currentRevision;
  const base = { sourceName: source.sourceName, day: source.day, reading: source.readingSlug };
  const matched = { new: 0, exact: 0, moved: 0, edited: 0 };
  const reanchored = { exact: 0, moved: 0, fuzzy: 0, orphan: 0 };

  if (current && current.checksum === source.checksum) {
    if (reading.title !== source.readingTitle) {
      await tx.reading.update({ where: { id: reading.id }, data: { title: source.readingTitle } });
    }
    return { ...base, status: "unchanged", revision: current.number, passages: current.passages.length, matched, reanchored };
  }

  // The plan holds when the revision it was made against is still the current one.
  const planned = plan && current && plan.revisionId === current.id ? plan : undefined;
  const keys = planned?.keys ?? assignKeys(current ? current.passages : null, source.passages);
  const number = (current?.number ?? 0) + 1;
  const revision = await tx.readingRevision.create({
    data: { readingId: reading.id, number, checksum: source.checksum, sourceName: source.fileName, format: source.format },
  });
  const passages = source.passages.map((passage, position) => {
    const { key, matchedBy } = keys[position]!;
    matched[matchedBy] += 1;
    return { revisionId: revision.id, key, position, kind: passage.kind, text: passage.text, matchedBy };
  });
  await tx.passage.createMany({ data: passages });
  if (current) Object.assign(reanchored, await reanchorComments(tx, reading.id, current.passages, passages, number, planned?.anchors));
  await tx.reading.update({
    where: { id: reading.id },
    data: { currentRevisionId: revision.id, title: source.readingTitle, kind: source.kind },
  });
  return { ...base, status: current ? "revised" : "created", revision: number, passages: source.passages.length, matched, reanchored };
}

/**
 * Re-attaches every thread on a reading to its new revision (app/content/anchoring.ts): the first
 * comment of each thread carries the anchor, replies follow it. A thread whose text is gone becomes
 * an orphan and keeps its original quote; "changed" sticks once the anchored text has changed.
 */
async function reanchorComments(
  tx: Tx,
  readingId: string,
  previous: PassageText[],
  next: PassageText[],
  revision: number,
  planned: ReadingPlan["anchors"] = new Map(),
) {
  const counts = { exact: 0, moved: 0, fuzzy: 0, orphan: 0 };
  const roots = await threadRoots(tx, readingId);
  if (roots.length === 0) return counts;
  // Threads started (or changed) since the plan was made are worked out here.
  const unplanned = roots.filter((root) => planned.get(root.id)?.from !== fingerprint(root));
  const late = new Map(reanchorAll(unplanned.map(anchorOf), previous, next).map((result, index) => [unplanned[index]!.id, result]));
  const results = roots.map((root) => late.get(root.id) ?? planned.get(root.id)!.result);
  for (const [index, root] of roots.entries()) {
    const result = results[index]!;
    counts[result.status] += 1;
    const anchor = {
      passageKey: result.passageKey,
      anchorRevision: revision,
      anchorStatus: result.status,
      anchorChanged: root.anchorChanged || result.changed || result.status === "orphan",
    };
    await tx.comment.update({
      where: { id: root.id },
      data: {
        ...anchor,
        ...(result.quote
          ? { quoteExact: result.quote.exact, quotePrefix: result.quote.prefix, quoteSuffix: result.quote.suffix, quoteStart: result.quote.start, quoteEnd: result.quote.end }
          : {}),
      },
    });
    await tx.comment.updateMany({ where: { rootId: root.id, parentId: { not: null } }, data: anchor });
  }
  return counts;
}
