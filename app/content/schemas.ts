/** Zod building blocks shared by front matter and manifest, with messages written for authors. */
import { z } from "zod";
import { SLUG_PATTERN } from "./text.ts";
import { READING_KINDS } from "./types.ts";

const isMissing = (issue: { input?: unknown }) => issue.input === undefined;

export const positiveWholeNumber = z
  .number({ error: (issue) => (isMissing(issue) ? "is required" : "must be a positive whole number") })
  .int({ error: "must be a positive whole number" })
  .positive({ error: "must be a positive whole number" });

export const slug = z
  .string({ error: (issue) => (isMissing(issue) ? "is required" : "must be text") })
  .regex(SLUG_PATTERN, { error: "must be a slug of lower-case letters, digits and hyphens, like my-course" });

/** Text that YAML may have read as a number (`title: 1984`) is taken as text. */
export const nonEmptyText = z
  .union([z.string(), z.number()], { error: (issue) => (isMissing(issue) ? "is required" : "must be text") })
  .transform((value) => String(value).trim())
  .pipe(z.string().min(1, { error: "must not be empty" }));

export const readingKind = z.enum(READING_KINDS, { error: `must be one of ${READING_KINDS.join(", ")}` });
