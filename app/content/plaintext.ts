/**
 * The two plain-text shapes of the curriculum (docs/content-format.md §2 and §3).
 * Neither has markup, so structure is read from line shapes.
 */
import { sha256Hex } from "./checksum.ts";
import { contentError, type ContentError } from "./errors.ts";
import { collapseSpaces, isPromptText, normalizeSource } from "./text.ts";
import { failed, ok, type ParsedPassage, type ParsedReading, type Result } from "./types.ts";

/** `Day 32 of 60` (any case, any spacing). */
const DAY_LINE = /^day\s+(\d+)\s+of\s+(\d+)$/i;
/** Anything that starts like a day line; used to recognise a lesson whose day line is malformed. */
const DAY_LINE_START = /^day\s+\d/i;
/** `- text`, `* text` or `• text` on one line. */
const INLINE_LIST_ITEM = /^[-*•]\s+(\S.*)$/;
/** A line holding only the marker; the item's text is on the next line. */
const BARE_LIST_MARKER = /^[-*•]$/;

/** Headings in a summary are short standalone lines: a few words and no sentence punctuation. */
const MAX_HEADING_CHARS = 60;
const MAX_HEADING_WORDS = 6;

interface SourceLine {
  /** Trimmed, never empty. */
  text: string;
  /** 1-based. */
  line: number;
}

function nonBlankLines(text: string): SourceLine[] {
  return normalizeSource(text)
    .split("\n")
    .map((raw, index) => ({ text: raw.trim(), line: index + 1 }))
    .filter((line) => line.text !== "");
}

/** True when the second non-blank line starts like `Day N`: the file is meant as a plain-text lesson. */
export function looksLikePlainLesson(text: string): boolean {
  const second = nonBlankLines(text)[1];
  return second !== undefined && DAY_LINE_START.test(second.text);
}

// ---------------------------------------------------------------------------------------------
// Lesson: title line, `Day N of M` line, then one paragraph per line.

export function parsePlainLesson(text: string, sourceName: string, checksum: string = sha256Hex(text)): Result<ParsedReading> {
  const [title, dayLine, ...body] = nonBlankLines(text);
  if (!title) return failed([contentError(sourceName, 1, "the file is empty")]);
  if (!dayLine) {
    return failed([contentError(sourceName, title.line, "a plain-text lesson needs a `Day N of M` line after its title")]);
  }
  const day = readDayLine(dayLine, sourceName);
  if (!day.ok) return day;
  if (body.length === 0) {
    return failed([contentError(sourceName, dayLine.line, "the lesson has a title and a day line but no paragraphs")]);
  }
  return ok({
    sourceName,
    format: "plain-lesson",
    checksum,
    lessonTitle: collapseSpaces(title.text),
    day: day.value.day,
    dayCount: day.value.dayCount,
    kind: "lesson",
    passages: body.map(paragraphPassage),
    statedAt: { lessonTitle: title.line, day: dayLine.line, dayCount: dayLine.line, kind: dayLine.line },
  });
}

function readDayLine(dayLine: SourceLine, sourceName: string): Result<{ day: number; dayCount: number }> {
  const match = DAY_LINE.exec(dayLine.text);
  const fail = (reason: string) => failed<{ day: number; dayCount: number }>([contentError(sourceName, dayLine.line, reason)]);
  if (!match) return fail(`expected a line reading \`Day N of M\`, found "${truncate(dayLine.text, 40)}"`);
  const day = Number(match[1]);
  const dayCount = Number(match[2]);
  if (dayCount < 1) return fail(`"${dayLine.text}": a course has at least one day`);
  if (day < 1) return fail(`"${dayLine.text}": days are counted from 1`);
  if (day > dayCount) return fail(`"${dayLine.text}": day ${day} is beyond the course's ${dayCount} days`);
  return ok({ day, dayCount });
}

function paragraphPassage({ text, line }: SourceLine): ParsedPassage {
  const plain = collapseSpaces(text);
  return { kind: isPromptText(plain) ? "prompt" : "paragraph", text: plain, line };
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

// ---------------------------------------------------------------------------------------------
// Summary: short standalone lines are headings, `-` lines are list items, everything else a paragraph.

export function parsePlainSummary(text: string, sourceName: string, checksum: string = sha256Hex(text)): Result<ParsedReading> {
  const { passages, errors } = readSummaryLines(text, sourceName);
  if (errors.length > 0) return failed(errors);
  if (!hasRecognisableStructure(passages)) {
    return failed([contentError(sourceName, 1, NO_STRUCTURE)]);
  }
  return ok({ sourceName, format: "plain-summary", checksum, kind: "summary", passages, statedAt: {} });
}

export const NO_STRUCTURE =
  "no recognisable structure: expected Markdown, a plain-text lesson (title, then `Day N of M`) " +
  "or a plain-text summary (short heading lines and `-` list items)";

/**
 * A summary needs list items, or headings with something under them; prose alone is not recognised.
 * A misplaced bare `-` still marks the file as a summary, so that its parser can report the exact line.
 */
export function looksLikePlainSummary(text: string): boolean {
  const { passages, errors } = readSummaryLines(text, "");
  return errors.length > 0 || hasRecognisableStructure(passages);
}

function hasRecognisableStructure(passages: ParsedPassage[]): boolean {
  const hasHeading = passages.some((passage) => passage.kind === "heading");
  const hasBody = passages.some((passage) => passage.kind !== "heading");
  return passages.some((passage) => passage.kind === "list-item") || (hasHeading && hasBody);
}

function readSummaryLines(text: string, sourceName: string): { passages: ParsedPassage[]; errors: ContentError[] } {
  const lines = nonBlankLines(text);
  const passages: ParsedPassage[] = [];
  const errors: ContentError[] = [];
  for (let index = 0; index < lines.length; index++) {
    const current = lines[index] as SourceLine;
    if (BARE_LIST_MARKER.test(current.text)) {
      const itemText = lines[index + 1];
      if (!itemText || BARE_LIST_MARKER.test(itemText.text) || INLINE_LIST_ITEM.test(itemText.text)) {
        errors.push(contentError(sourceName, current.line, "a line holding only `-` must be followed by the list item's text"));
        continue;
      }
      passages.push({ kind: "list-item", text: collapseSpaces(itemText.text), line: itemText.line });
      index++;
      continue;
    }
    const inlineItem = INLINE_LIST_ITEM.exec(current.text);
    if (inlineItem) {
      passages.push({ kind: "list-item", text: collapseSpaces(inlineItem[1] ?? ""), line: current.line });
    } else if (isHeadingLine(current.text)) {
      passages.push({ kind: "heading", text: collapseSpaces(current.text), line: current.line });
    } else {
      passages.push(paragraphPassage(current));
    }
  }
  return { passages, errors };
}

/**
 * A heading is a short line with no sentence punctuation: `Key results`, `interpretive tensions`.
 * A lead such as `Method. Two designs:` is prose (it has a full stop inside and ends with a colon).
 */
export function isHeadingLine(line: string): boolean {
  const text = line.trim();
  const words = text.split(/\s+/);
  return (
    text.length <= MAX_HEADING_CHARS &&
    words.length <= MAX_HEADING_WORDS &&
    /^[\p{L}\p{N}]/u.test(text) &&
    !/[.,;:]$/.test(text) &&
    !/[.!?;:]["'”’)]?\s/.test(text)
  );
}
