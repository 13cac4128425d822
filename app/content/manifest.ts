/** The YAML manifest that names the course and places files that carry no day of their own (docs/content-format.md §4). */
import { z } from "zod";
import { contentError, type ContentError } from "./errors.ts";
import { nonEmptyText, positiveWholeNumber, readingKind, slug } from "./schemas.ts";
import { normalizeSource } from "./text.ts";
import { failed, ok, type ReadingKind, type Result } from "./types.ts";
import { parseYaml, zodIssuesToErrors } from "./yaml.ts";

export const MANIFEST_FILE_NAMES = ["manifest.yaml", "manifest.yml"] as const;

export interface ManifestCourse {
  slug: string;
  title: string;
  dayCount: number;
  description: string | null;
}

export interface ManifestReading {
  /** A bare file name, matched against the imported files' names. */
  file: string;
  day?: number;
  kind?: ReadingKind;
  /** The reading's title (for a lesson-kind reading, also the lesson's title unless `lessonTitle` is given). */
  title?: string;
  lessonTitle?: string;
  /** Manifest line of this entry, for messages about values it supplied. */
  line: number | null;
}

export interface Manifest {
  sourceName: string;
  course: ManifestCourse;
  /** Manifest line of the course block. */
  courseLine: number | null;
  readings: ManifestReading[];
}

const mapping = <Shape extends z.core.$ZodLooseShape>(fields: Shape) =>
  z.strictObject(fields, { error: (issue) => (issue.input === undefined ? "is required" : "must be a mapping of `key: value` lines") });

const fileName = nonEmptyText.refine((name) => !/[\\/]/.test(name), {
  error: "must be a file name inside the imported folder, not a path",
});

const manifestSchema = mapping({
  course: mapping({
    slug,
    title: nonEmptyText,
    days: positiveWholeNumber,
    description: nonEmptyText.optional(),
  }),
  readings: z
    .array(
      mapping({
        file: fileName,
        day: positiveWholeNumber.optional(),
        kind: readingKind.optional(),
        title: nonEmptyText.optional(),
        lessonTitle: nonEmptyText.optional(),
      }),
      { error: "must be a list of entries, each starting with `- file:`" },
    )
    .default([]),
});

export function parseManifest(text: string, sourceName: string): Result<Manifest> {
  const parsed = parseYaml(normalizeSource(text), sourceName);
  if (!parsed.ok) return parsed;
  const source = parsed.value;
  if (source.value === null) return failed([contentError(sourceName, 1, "the manifest is empty")]);

  const validated = manifestSchema.safeParse(source.value);
  if (!validated.success) return failed(zodIssuesToErrors(validated.error.issues, source, sourceName));
  const data = validated.data;

  const manifest: Manifest = {
    sourceName,
    course: {
      slug: data.course.slug,
      title: data.course.title,
      dayCount: data.course.days,
      description: data.course.description ?? null,
    },
    courseLine: source.lineOf(["course"]),
    readings: data.readings.map((reading, index) => ({ ...reading, line: source.lineOf(["readings", index]) })),
  };
  const errors = [
    ...daysOutsideCourse(manifest, (index) => source.lineOf(["readings", index, "day"])),
    ...repeatedFiles(manifest),
  ];
  return errors.length > 0 ? failed(errors) : ok(manifest);
}

function daysOutsideCourse(manifest: Manifest, dayLine: (index: number) => number | null): ContentError[] {
  const { dayCount } = manifest.course;
  return manifest.readings.flatMap((reading, index) =>
    reading.day !== undefined && reading.day > dayCount
      ? [contentError(manifest.sourceName, dayLine(index), `${reading.file}: day ${reading.day} is beyond the course's ${dayCount} days`)]
      : [],
  );
}

function repeatedFiles(manifest: Manifest): ContentError[] {
  const seen = new Set<string>();
  return manifest.readings.flatMap((reading) => {
    if (!seen.has(reading.file)) {
      seen.add(reading.file);
      return [];
    }
    return [contentError(manifest.sourceName, reading.line, `${reading.file} is listed more than once`)];
  });
}
