import type { ContentError } from "./errors.ts";

export type PassageKind = "heading" | "paragraph" | "list-item" | "quote" | "prompt";
export type ReadingKind = "lesson" | "summary" | "other";
export type ReadingFormat = "markdown" | "plain-lesson" | "plain-summary";

export const READING_KINDS = ["lesson", "summary", "other"] as const satisfies readonly ReadingKind[];

export interface ParsedPassage {
  kind: PassageKind;
  /** Plain text: inline markup reduced to its words, runs of white space collapsed. */
  text: string;
  /** 1-based line of the source file where the passage starts. */
  line: number;
}

/** Fields a file states about itself, with the line that states them (for conflict messages). */
export type StatedField = "courseSlug" | "courseTitle" | "dayCount" | "day" | "kind" | "lessonTitle" | "readingTitle";

export interface ParsedReading {
  sourceName: string;
  format: ReadingFormat;
  /** sha256 hex of the raw source bytes. */
  checksum: string;
  courseSlug?: string;
  courseTitle?: string;
  dayCount?: number;
  day?: number;
  lessonTitle?: string;
  /** The file's kind; only binding when `statedAt.kind` is set (otherwise a default a manifest may override). */
  kind: ReadingKind;
  readingTitle?: string;
  passages: ParsedPassage[];
  /** Line on which the file states each field it states. A field missing here was not stated by the file. */
  statedAt: Partial<Record<StatedField, number>>;
}

/** Outcome of a step that reports problems instead of throwing. */
export type Result<T> = { ok: true; value: T } | { ok: false; errors: ContentError[] };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failed<T>(errors: ContentError[]): Result<T> {
  return { ok: false, errors };
}
