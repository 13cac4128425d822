/**
 * Turns a set of parsed files (plus an optional manifest) into one validated ImportSet:
 * every reading placed on a day of one course, with its lesson's title. All or nothing.
 */
import { contentError, ContentImportError, type ContentError } from "./errors.ts";
import { parseManifest, type Manifest, type ManifestReading } from "./manifest.ts";
import { parseReadingBytes } from "./parse.ts";
import { baseName, slugify } from "./text.ts";
import { failed, ok, type ParsedPassage, type ParsedReading, type ReadingFormat, type ReadingKind, type Result } from "./types.ts";

export interface ImportCourse {
  slug: string;
  title: string;
  dayCount: number;
  description: string | null;
}

export interface ResolvedReading {
  /** The name the file was given under (a path for files read from disk); used in messages. */
  sourceName: string;
  /** The bare file name, as a manifest names it. */
  fileName: string;
  format: ReadingFormat;
  checksum: string;
  day: number;
  kind: ReadingKind;
  /** Identifies the reading within its day: `lesson`, `summary`, or the slugified title of an `other` reading. */
  readingSlug: string;
  readingTitle: string;
  /** The title of the day's lesson (the same for every reading of that day). */
  lessonTitle: string;
  passages: ParsedPassage[];
}

export interface ImportSet {
  course: ImportCourse;
  readings: ResolvedReading[];
}

export interface SourceFile {
  name: string;
  data: Uint8Array;
}

const DEFAULT_READING_TITLES: Record<ReadingKind, string | null> = { lesson: "Lesson", summary: "Summary", other: null };
const KIND_ORDER: Record<ReadingKind, number> = { lesson: 0, summary: 1, other: 2 };

/**
 * Parses in-memory files (an upload, or files read from disk) and resolves them into an ImportSet.
 * Throws one ContentImportError listing every problem found.
 */
export function parseImportBuffers(files: readonly SourceFile[], manifestText?: string, manifestName = "manifest.yaml"): ImportSet {
  const errors: ContentError[] = [];
  if (files.length === 0) errors.push(contentError(manifestName, null, "no content files to import (.md, .markdown or .txt)"));
  errors.push(...repeatedFileNames(files));

  let manifest: Manifest | null = null;
  if (manifestText !== undefined) {
    const parsed = parseManifest(manifestText, manifestName);
    if (parsed.ok) manifest = parsed.value;
    else errors.push(...parsed.errors);
  }

  const readings: ParsedReading[] = [];
  for (const file of files) {
    const parsed = parseReadingBytes(file.data, file.name);
    if (parsed.ok) readings.push(parsed.value);
    else errors.push(...parsed.errors);
  }
  // Placing readings is only meaningful once every file and the manifest could be read:
  // otherwise a broken lesson file would also be reported as "day N has no lesson title".
  if (errors.length > 0) throw new ContentImportError(errors);

  const resolved = resolveImportSet(readings, manifest);
  if (!resolved.ok) throw new ContentImportError(resolved.errors);
  return resolved.value;
}

function repeatedFileNames(files: readonly SourceFile[]): ContentError[] {
  const firstByName = new Map<string, string>();
  return files.flatMap((file) => {
    const name = baseName(file.name);
    const first = firstByName.get(name);
    if (first === undefined) {
      firstByName.set(name, file.name);
      return [];
    }
    return [contentError(file.name, null, `another imported file has the same name (${first}); file names must be unique`)];
  });
}

// ---------------------------------------------------------------------------------------------
// Resolution

/** A value together with where it was stated, so that disagreements can point at both places. */
interface Claim<T> {
  value: T;
  file: string;
  line: number | null;
}

function claim<T>(value: T | undefined, file: string, line: number | null | undefined): Claim<T>[] {
  return value === undefined ? [] : [{ value, file, line: line ?? null }];
}

function where(claimed: Claim<unknown>): string {
  return claimed.line === null ? claimed.file : `${claimed.file}:${claimed.line}`;
}

/** Every claim that differs from the first is an error, reported where that claim was made. */
function reportDisagreements<T extends string | number>(claims: Claim<T>[], label: string, errors: ContentError[]): void {
  const [first, ...rest] = claims;
  for (const other of rest) {
    if (first && other.value !== first.value) {
      errors.push(
        contentError(other.file, other.line, `${label} ${show(other.value)} disagrees with ${show(first.value)} given in ${where(first)}`),
      );
    }
  }
}

/** The first claim's value, after reporting every claim that disagrees with it. */
function agreedValue<T extends string | number>(claims: Claim<T>[], label: string, errors: ContentError[]): T | undefined {
  reportDisagreements(claims, label, errors);
  return claims[0]?.value;
}

function show(value: string | number): string {
  return typeof value === "number" ? String(value) : `"${value}"`;
}

export function resolveImportSet(readings: readonly ParsedReading[], manifest: Manifest | null): Result<ImportSet> {
  const errors: ContentError[] = [];
  const course = resolveCourse(readings, manifest, errors);
  const entries = new Map((manifest?.readings ?? []).map((entry) => [entry.file, entry]));
  const placed = readings.flatMap((reading) => {
    const place = placeReading(reading, entries.get(baseName(reading.sourceName)) ?? null, manifest, course, errors);
    return place ? [place] : [];
  });
  const lessonTitles = resolveLessonTitles(placed, errors);
  errors.push(...duplicateReadings(placed));
  if (errors.length > 0 || !course) return failed(errors);

  const resolved = placed.map((place): ResolvedReading => ({
    sourceName: place.reading.sourceName,
    fileName: baseName(place.reading.sourceName),
    format: place.reading.format,
    checksum: place.reading.checksum,
    day: place.day,
    kind: place.kind,
    readingSlug: place.readingSlug,
    readingTitle: place.readingTitle,
    // Always set: a day without a lesson title was reported above.
    lessonTitle: lessonTitles.get(place.day) ?? "",
    passages: place.reading.passages,
  }));
  resolved.sort((a, b) => a.day - b.day || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareCodeUnits(a.readingSlug, b.readingSlug));
  return ok({ course, readings: resolved });
}

function resolveCourse(readings: readonly ParsedReading[], manifest: Manifest | null, errors: ContentError[]): ImportCourse | null {
  const fromManifest = <T>(value: T | undefined) => (manifest ? claim(value, manifest.sourceName, manifest.courseLine) : []);
  const fromFiles = <T>(pick: (reading: ParsedReading) => T | undefined, field: keyof ParsedReading["statedAt"]) =>
    readings.flatMap((reading) => claim(pick(reading), reading.sourceName, reading.statedAt[field]));

  const slug = agreedValue([...fromManifest(manifest?.course.slug), ...fromFiles((r) => r.courseSlug, "courseSlug")], "course", errors);
  const dayCount = agreedValue(
    [...fromManifest(manifest?.course.dayCount), ...fromFiles((r) => r.dayCount, "dayCount")],
    "course length (days)",
    errors,
  );
  const title = agreedValue([...fromManifest(manifest?.course.title), ...fromFiles((r) => r.courseTitle, "courseTitle")], "course title", errors);

  const anyFile = manifest?.sourceName ?? readings[0]?.sourceName ?? "import";
  if (slug === undefined) errors.push(contentError(anyFile, null, "no course is named: give `course.slug` in a manifest or `course:` in front matter"));
  if (dayCount === undefined) {
    errors.push(contentError(anyFile, null, "the course's length is unknown: give `course.days` in a manifest, `days:` in front matter, or a `Day N of M` line"));
  }
  if (title === undefined) errors.push(contentError(anyFile, null, "the course has no title: give `course.title` in a manifest or `courseTitle:` in front matter"));
  if (slug === undefined || dayCount === undefined || title === undefined) return null;
  return { slug, title, dayCount, description: manifest?.course.description ?? null };
}

interface PlacedReading {
  reading: ParsedReading;
  day: number;
  kind: ReadingKind;
  readingSlug: string;
  readingTitle: string;
  /** Claims on the title of the day's lesson made by this reading (its file, its manifest entry). */
  lessonTitleClaims: Claim<string>[];
}

function placeReading(
  reading: ParsedReading,
  entry: ManifestReading | null,
  manifest: Manifest | null,
  course: ImportCourse | null,
  errors: ContentError[],
): PlacedReading | null {
  const file = reading.sourceName;
  const fromEntry = <T>(value: T | undefined) => (entry && manifest ? claim(value, manifest.sourceName, entry.line) : []);

  // Disagreements are reported at the file; the file's own statement places it, so that a stale
  // manifest entry does not also leave the file's real day looking empty.
  const fileDay = claim(reading.day, file, reading.statedAt.day);
  const entryDay = fromEntry(entry?.day);
  reportDisagreements([...entryDay, ...fileDay], "day", errors);
  const dayClaim = fileDay[0] ?? entryDay[0];
  const day = dayClaim?.value;
  if (!dayClaim) {
    errors.push(contentError(file, null, "no day: give `day:` in front matter, or list the file in a manifest with its day"));
  } else if (course && dayClaim.value > course.dayCount) {
    errors.push(contentError(dayClaim.file, dayClaim.line, `day ${dayClaim.value} is beyond the course's ${course.dayCount} days`));
  }

  const fileKind = claim(reading.statedAt.kind === undefined ? undefined : reading.kind, file, reading.statedAt.kind);
  const entryKind = fromEntry(entry?.kind);
  reportDisagreements([...entryKind, ...fileKind], "kind", errors);
  const kind = (fileKind[0] ?? entryKind[0])?.value ?? reading.kind;

  const readingTitle = reading.readingTitle ?? entry?.title ?? DEFAULT_READING_TITLES[kind];
  if (readingTitle === null) {
    errors.push(contentError(file, null, "a reading of kind `other` needs a title: `readingTitle:` in front matter or `title:` in the manifest"));
  }
  const readingSlug = kind === "other" ? slugify(readingTitle ?? "") : kind;
  if (readingTitle !== null && readingSlug === "") {
    errors.push(contentError(file, null, `the reading title "${readingTitle}" has no letters or digits to name it by`));
  }

  const lessonTitleClaims = [
    ...claim(reading.lessonTitle, file, reading.statedAt.lessonTitle),
    ...fromEntry(entry?.lessonTitle),
    // A lesson-kind entry's own title names the lesson when nothing more specific does.
    ...(kind === "lesson" && reading.lessonTitle === undefined && entry?.lessonTitle === undefined ? fromEntry(entry?.title) : []),
  ];

  // A reading with a conflict is still placed (with the first claim's value), so that one mistake
  // is not echoed as further errors about its day; the import fails anyway.
  if (day === undefined || readingTitle === null || readingSlug === "") return null;
  return { reading, day, kind, readingSlug, readingTitle, lessonTitleClaims };
}

/** Each day's lesson title; the lesson-kind reading's claim comes first, so others are checked against it. */
function resolveLessonTitles(placed: readonly PlacedReading[], errors: ContentError[]): Map<number, string> {
  const byDay = groupBy(placed, (place) => place.day);
  const titles = new Map<number, string>();
  for (const [day, places] of byDay) {
    const ordered = [...places].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
    const title = agreedValue(ordered.flatMap((place) => place.lessonTitleClaims), `the title of day ${day}'s lesson,`, errors);
    if (title === undefined) {
      const first = ordered[0] as PlacedReading;
      errors.push(
        contentError(first.reading.sourceName, null, `day ${day} has no lesson title: give \`title:\` in front matter, a plain-text lesson's first line, or \`lessonTitle:\` in the manifest`),
      );
    } else {
      titles.set(day, title);
    }
  }
  return titles;
}

function duplicateReadings(placed: readonly PlacedReading[]): ContentError[] {
  const byReading = groupBy(placed, (place) => `${place.day}/${place.readingSlug}`);
  return [...byReading.values()].flatMap(([first, ...others]) =>
    others.map((other) =>
      contentError(
        other.reading.sourceName,
        other.reading.statedAt.day ?? null,
        `duplicate day: ${first?.reading.sourceName} is already day ${other.day}'s ${other.kind === "other" ? `"${other.readingTitle}"` : other.kind} reading`,
      ),
    ),
  );
}

/** Locale-independent order, so that two machines import in the same order. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Convenience for callers that hold text rather than bytes (tests, the seeds check). */
export function textFile(name: string, text: string): SourceFile {
  return { name, data: new TextEncoder().encode(text) };
}
