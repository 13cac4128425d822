// The real sample documents are checked by `tsx app/content/seeds-check.cli.ts` (they live outside the
// repository and are not ours to copy). Here the checker itself is tested on stand-ins of our own writing.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkSampleDocuments, SAMPLE_LESSON_FILE, SAMPLE_SUMMARY_FILE } from "./seeds-check.ts";
import { lines, tempDir } from "./test-support.ts";

/** A lesson with the sample's shape: title, day 32 of 60, eleven paragraphs, a closing interview prompt. */
function standInLesson(): string {
  const paragraphs = Array.from({ length: 11 }, (_, index) => `Paragraph ${index + 1} explains one more step of baking bread.`);
  paragraphs[0] = "Yesterday's dough rested overnight in the fridge.";
  paragraphs[8] = "Last week you measured water by weight.";
  return lines("A stand-in lesson title", "Day 32 of 60", ...paragraphs, 'Say this in an interview: "Bread is flour, water, salt and time."');
}

/** A summary with the sample's shape: eight headings, four paragraphs, eighteen list items of both shapes. */
function standInSummary(): string {
  const item = (index: number) => (index % 2 === 0 ? ["-", `Finding ${index}. A note about crumb.`] : [`- Finding ${index}. A note about crust.`]);
  const items = (from: number, count: number) => Array.from({ length: count }, (_, offset) => item(from + offset)).flat();
  return lines(
    "Summary",
    "One paragraph of overview, in a full sentence.",
    "Method",
    "Two designs. The setup:",
    ...items(1, 2),
    "Another paragraph about the method.",
    "A last paragraph about scales.",
    "Key results",
    ...items(3, 4),
    "Why it matters",
    ...items(7, 3),
    "interpretive tensions",
    ...items(10, 3),
    "concepts",
    ...items(13, 1),
    "threads",
    ...items(14, 1),
    "sources",
    ...items(15, 4),
  );
}

function samplesDir(lesson: string, summary: string): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, SAMPLE_LESSON_FILE), lesson);
  writeFileSync(path.join(dir, SAMPLE_SUMMARY_FILE), summary);
  return dir;
}

describe("checkSampleDocuments", () => {
  it("accepts documents of the expected shape and reports what it found", () => {
    const findings = checkSampleDocuments(samplesDir(standInLesson(), standInSummary()));
    expect(findings.lesson).toMatchObject({ format: "plain-lesson", day: 32, dayCount: 60, referencedDays: [31, 25] });
    expect(findings.lesson.counts).toMatchObject({ paragraph: 11, prompt: 1, heading: 0 });
    expect(findings.summary.counts).toMatchObject({ heading: 8, "list-item": 18, paragraph: 4 });
  });

  it("fails with a clear message when the folder is missing", () => {
    expect(() => checkSampleDocuments("/no/such/seeds")).toThrow("Sample documents folder not found: /no/such/seeds");
  });

  it("fails when a document is missing", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, SAMPLE_LESSON_FILE), standInLesson());
    expect(() => checkSampleDocuments(dir)).toThrow(`Sample document not found: ${path.join(dir, SAMPLE_SUMMARY_FILE)}`);
  });

  it("lists every mismatch", () => {
    const lesson = standInLesson().replace("Day 32 of 60", "Day 31 of 60").replace("Say this in an interview:", "Then:");
    const summary = standInSummary().replace("Key results", "Key results are below.");
    const dir = samplesDir(lesson, summary);
    expect(() => checkSampleDocuments(dir)).toThrow(/day: expected 32, found 31[\s\S]*prompts: expected 1, found 0[\s\S]*headings: expected/);
  });

  it("fails when a document is refused by the parser", () => {
    const dir = samplesDir(lines("Title", "Day 61 of 60", "Text"), standInSummary());
    expect(() => checkSampleDocuments(dir)).toThrow(`${SAMPLE_LESSON_FILE}:2: "Day 61 of 60": day 61 is beyond`);
  });
});
