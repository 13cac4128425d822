/**
 * Checks the importer against the two real sample documents kept outside the repository
 * (/work/shared/seeds; see its README). The documents are not ours, so they are read, never copied:
 * this module asserts only counts and shapes.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { formatContentError } from "./errors.ts";
import { parseReadingBytes } from "./parse.ts";
import { findDayReferences } from "./references.ts";
import type { ParsedReading, PassageKind } from "./types.ts";

export const SAMPLE_LESSON_FILE = "000_1cee11de638150ad.txt";
export const SAMPLE_SUMMARY_FILE = "002_59c31d94618878a5.txt";

const EXPECTED_LESSON = { day: 32, dayCount: 60, paragraphs: 11, prompts: 1, headings: 0, listItems: 0 };
const EXPECTED_SUMMARY = { paragraphs: 4, prompts: 0, listItems: 18 };
/** Section headings as the seeds README lists them (compared case-insensitively; the file's case varies). */
const EXPECTED_SUMMARY_HEADINGS = ["summary", "method", "key results", "why it matters", "interpretive tensions", "concepts", "threads", "sources"];
/** "Yesterday's …" and "Last week …" in the lesson, seen from day 32. */
const EXPECTED_LESSON_REFERENCES = [31, 25];

export interface SampleFindings {
  lesson: { format: string; lessonTitle?: string; day?: number; dayCount?: number; counts: Record<PassageKind, number>; referencedDays: number[] };
  summary: { format: string; counts: Record<PassageKind, number>; headings: string[] };
}

/** Parses both sample documents and throws an Error listing every way they differ from what is expected. */
export function checkSampleDocuments(dir: string): SampleFindings {
  if (!existsSync(dir)) throw new Error(`Sample documents folder not found: ${dir}`);
  const lesson = parseSample(dir, SAMPLE_LESSON_FILE);
  const summary = parseSample(dir, SAMPLE_SUMMARY_FILE);
  const findings: SampleFindings = {
    lesson: {
      format: lesson.reading.format,
      lessonTitle: lesson.reading.lessonTitle,
      day: lesson.reading.day,
      dayCount: lesson.reading.dayCount,
      counts: countKinds(lesson.reading),
      referencedDays: [...new Set(lesson.reading.passages.flatMap((p) => findDayReferences(p.text, EXPECTED_LESSON.day, EXPECTED_LESSON.dayCount).map((r) => r.day)))],
    },
    summary: {
      format: summary.reading.format,
      counts: countKinds(summary.reading),
      headings: summary.reading.passages.filter((p) => p.kind === "heading").map((p) => p.text),
    },
  };
  const problems = [...lessonProblems(findings.lesson, lesson), ...summaryProblems(findings.summary, summary)];
  if (problems.length > 0) {
    throw new Error(`Sample documents in ${dir} do not parse as expected:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
  return findings;
}

interface ParsedSample {
  file: string;
  reading: ParsedReading;
  /** Non-blank source lines, for checking that every line became (part of) a passage. */
  contentLines: string[];
}

function parseSample(dir: string, file: string): ParsedSample {
  const filePath = path.join(dir, file);
  if (!existsSync(filePath)) throw new Error(`Sample document not found: ${filePath}`);
  const data = readFileSync(filePath);
  const parsed = parseReadingBytes(data, file);
  if (!parsed.ok) throw new Error(`Sample document ${file} was refused:\n${parsed.errors.map(formatContentError).join("\n")}`);
  const contentLines = data.toString("utf8").split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
  return { file, reading: parsed.value, contentLines };
}

function countKinds(reading: ParsedReading): Record<PassageKind, number> {
  const counts: Record<PassageKind, number> = { heading: 0, paragraph: 0, "list-item": 0, quote: 0, prompt: 0 };
  for (const passage of reading.passages) counts[passage.kind]++;
  return counts;
}

function expectEqual(problems: string[], what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    problems.push(`${what}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`);
  }
}

function lessonProblems(found: SampleFindings["lesson"], sample: ParsedSample): string[] {
  const problems: string[] = [];
  const at = (what: string) => `${sample.file} ${what}`;
  expectEqual(problems, at("format"), found.format, "plain-lesson");
  if (!found.lessonTitle) problems.push(at("has no lesson title"));
  expectEqual(problems, at("day"), found.day, EXPECTED_LESSON.day);
  expectEqual(problems, at("day count"), found.dayCount, EXPECTED_LESSON.dayCount);
  expectEqual(problems, at("paragraphs"), found.counts.paragraph, EXPECTED_LESSON.paragraphs);
  expectEqual(problems, at("prompts"), found.counts.prompt, EXPECTED_LESSON.prompts);
  expectEqual(problems, at("headings"), found.counts.heading, EXPECTED_LESSON.headings);
  expectEqual(problems, at("list items"), found.counts["list-item"], EXPECTED_LESSON.listItems);
  // Title and day line are not passages; every other line is exactly one.
  expectEqual(problems, at("passages (one per line after the day line)"), sample.reading.passages.length, sample.contentLines.length - 2);
  expectEqual(problems, at("last passage kind"), sample.reading.passages.at(-1)?.kind, "prompt");
  for (const day of EXPECTED_LESSON_REFERENCES) {
    if (!found.referencedDays.includes(day)) problems.push(at(`has no reference to day ${day}`));
  }
  return problems;
}

function summaryProblems(found: SampleFindings["summary"], sample: ParsedSample): string[] {
  const problems: string[] = [];
  const at = (what: string) => `${sample.file} ${what}`;
  expectEqual(problems, at("format"), found.format, "plain-summary");
  expectEqual(problems, at("headings"), found.headings.map((heading) => heading.toLowerCase()), EXPECTED_SUMMARY_HEADINGS);
  expectEqual(problems, at("list items"), found.counts["list-item"], EXPECTED_SUMMARY.listItems);
  expectEqual(problems, at("paragraphs"), found.counts.paragraph, EXPECTED_SUMMARY.paragraphs);
  expectEqual(problems, at("prompts"), found.counts.prompt, EXPECTED_SUMMARY.prompts);
  // Every line except a bare `-` marker is exactly one passage.
  const markerLines = sample.contentLines.filter((line) => line === "-").length;
  expectEqual(problems, at("passages (one per non-marker line)"), sample.reading.passages.length, sample.contentLines.length - markerLines);
  if (sample.reading.passages.some((passage) => passage.text.startsWith("- "))) problems.push(at("has a passage still carrying its `-` marker"));
  return problems;
}
