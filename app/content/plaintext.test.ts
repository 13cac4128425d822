import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isHeadingLine, parsePlainLesson, parsePlainSummary } from "./plaintext.ts";
import { COURSE_FIXTURES, lines } from "./test-support.ts";
import type { ParsedReading, Result } from "./types.ts";

function parsed(result: Result<ParsedReading>): ParsedReading {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors)}`);
  return result.value;
}

function onlyError(result: Result<ParsedReading>) {
  if (result.ok) throw new Error("expected an error");
  expect(result.errors).toHaveLength(1);
  return result.errors[0];
}

const fixture = (name: string) => readFileSync(path.join(COURSE_FIXTURES, name), "utf8");

describe("parsePlainLesson", () => {
  const reading = parsed(parsePlainLesson(fixture("lesson-09.txt"), "lesson-09.txt"));

  it("reads the title and the day line as metadata, not passages", () => {
    expect(reading).toMatchObject({
      format: "plain-lesson",
      lessonTitle: "What the oven spring tells you",
      day: 9,
      dayCount: 10,
      kind: "lesson",
      statedAt: { lessonTitle: 1, day: 2, dayCount: 2, kind: 2 },
    });
  });

  it("makes every later line a paragraph, skipping blank lines, and the interview line a prompt", () => {
    expect(reading.passages.map((p) => [p.kind, p.line])).toEqual([
      ["paragraph", 3],
      ["paragraph", 4],
      ["paragraph", 6],
      ["paragraph", 7],
      ["prompt", 8],
    ]);
    expect(reading.passages[0]?.text).toMatch(/^Yesterday's shaping exercise/);
    expect(reading.passages[4]?.text).toMatch(/^Say this in an interview: "Oven spring/);
  });

  it("keeps list-looking lines as paragraphs, as the format says every line is one", () => {
    const lesson = parsed(parsePlainLesson(lines("Title", "Day 1 of 2", "- not a list here"), "l.txt"));
    expect(lesson.passages).toEqual([{ kind: "paragraph", text: "- not a list here", line: 3 }]);
  });

  it("accepts blank lines before the day line, CRLF endings and any case of `day … of …`", () => {
    const lesson = parsed(parsePlainLesson("Title\r\n\r\nday 2 OF 5\r\nText\r\n", "l.txt"));
    expect(lesson).toMatchObject({ day: 2, dayCount: 5, statedAt: { day: 3 }, passages: [{ text: "Text", line: 4 }] });
  });

  it.each([
    ["no day line", lines("Only a title"), 1, "needs a `Day N of M` line"],
    ["a malformed day line", lines("Title", "Day 3 of ten", "Text"), 2, 'expected a line reading `Day N of M`, found "Day 3 of ten"'],
    ["a day beyond the course", lines("Title", "Day 11 of 10", "Text"), 2, "day 11 is beyond the course's 10 days"],
    ["day zero", lines("Title", "Day 0 of 10", "Text"), 2, "days are counted from 1"],
    ["a course of no days", lines("Title", "Day 1 of 0", "Text"), 2, "a course has at least one day"],
    ["a title but no paragraphs", lines("Title", "Day 1 of 10", "", "  "), 2, "no paragraphs"],
  ])("refuses %s", (_name, source, line, reason) => {
    const error = onlyError(parsePlainLesson(source, "l.txt"));
    expect(error).toMatchObject({ file: "l.txt", line });
    expect(error?.reason).toContain(reason);
  });
});

describe("parsePlainSummary", () => {
  const reading = parsed(parsePlainSummary(fixture("summary-09.txt"), "summary-09.txt"));

  it("has no day or title of its own", () => {
    expect(reading).toMatchObject({ format: "plain-summary", kind: "summary", statedAt: {} });
    expect(reading.day).toBeUndefined();
  });

  it("finds every heading (in any case) and every list item of either shape", () => {
    expect(reading.passages.filter((p) => p.kind === "heading").map((p) => p.text)).toEqual(["Summary", "Method", "KEY RESULTS", "open questions"]);
    const items = reading.passages.filter((p) => p.kind === "list-item");
    expect(items.map((p) => p.line)).toEqual([6, 8, 9, 11, 12, 14, 16]);
    expect(items.every((p) => !p.text.startsWith("-"))).toBe(true);
  });

  it("keeps a bold-style lead as part of the text, and a lead-in line as a paragraph", () => {
    expect(reading.passages.find((p) => p.line === 6)?.text).toMatch(/^Short proof\. Baked after one hour/);
    expect(reading.passages.find((p) => p.line === 4)).toMatchObject({ kind: "paragraph", text: "Same dough, three proofing times. The setup:" });
  });

  it("refuses a bare `-` with nothing after it, pointing at its line", () => {
    const error = onlyError(parsePlainSummary(lines("Notes", "- one", "-"), "s.txt"));
    expect(error).toMatchObject({ line: 3 });
    expect(error?.reason).toContain("followed by the list item's text");
  });

  it("refuses prose without headings or list items", () => {
    const error = onlyError(parsePlainSummary(lines("A long sentence of prose that is clearly not a heading at all.", "Another one."), "s.txt"));
    expect(error?.reason).toContain("no recognisable structure");
  });
});

describe("isHeadingLine", () => {
  it.each(["Summary", "Key results", "interpretive tensions", "Why it matters", "What changed?", "Part 2"])("%s is a heading", (line) => {
    expect(isHeadingLine(line)).toBe(true);
  });

  it.each([
    "Same dough, three proofing times. The setup:",
    "Short proof. Baked early.",
    "Ends with a full stop.",
    "Lead: more words",
    "A line with far too many words to be a heading here",
    "(parenthetical)",
  ])("%s is not a heading", (line) => {
    expect(isHeadingLine(line)).toBe(false);
  });
});
