import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "./checksum.ts";
import { parseMarkdown } from "./markdown.ts";
import { COURSE_FIXTURES, lines } from "./test-support.ts";
import type { ParsedReading, Result } from "./types.ts";

function parsed(result: Result<ParsedReading>): ParsedReading {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors)}`);
  return result.value;
}

function errorsOf(result: Result<ParsedReading>) {
  if (result.ok) throw new Error("expected errors");
  return result.errors;
}

const body = (text: string) => parsed(parseMarkdown(text, "t.md")).passages.map(({ kind, text: t }) => [kind, t]);

describe("parseMarkdown: the lesson fixture", () => {
  const source = readFileSync(path.join(COURSE_FIXTURES, "day-03-lesson.md"), "utf8");
  const reading = parsed(parseMarkdown(source, "day-03-lesson.md"));

  it("reads the front matter", () => {
    expect(reading).toMatchObject({
      format: "markdown",
      courseSlug: "bread-in-ten-days",
      day: 3,
      dayCount: 10,
      lessonTitle: "Why dough needs to rest",
      kind: "lesson",
      readingTitle: "The lesson",
      checksum: sha256Hex(source),
    });
    expect(reading.statedAt).toEqual({ courseSlug: 2, day: 3, dayCount: 4, lessonTitle: 5, kind: 6, readingTitle: 7 });
  });

  it("turns every block into plain-text passages with their source lines", () => {
    expect(reading.passages).toEqual([
      { kind: "heading", text: "Resting is work", line: 10 },
      {
        kind: "paragraph",
        text: "Flour and water start bonding the moment they meet. Gluten strands form even when nobody is kneading, which is why a rested dough feels smoother.",
        line: 12,
      },
      { kind: "heading", text: "What happens in the bowl", line: 15 },
      { kind: "list-item", text: "Enzymes break starch into sugars", line: 17 },
      { kind: "list-item", text: "the yeast feeds on those sugars", line: 18 },
      { kind: "list-item", text: "Water reaches the centre of every grain", line: 19 },
      { kind: "list-item", text: "Nothing needs to be stirred", line: 20 },
      { kind: "quote", text: "Patience is an ingredient you cannot buy.", line: 22 },
      { kind: "paragraph", text: "A baker's note written as <script>alert(1)</script> stays text, and so does the recipe card.", line: 24 },
      { kind: "prompt", text: "Prompt: Explain in two sentences why a rested dough is easier to shape.", line: 26 },
    ]);
  });
});

describe("parseMarkdown: body", () => {
  it("defaults to kind lesson and states nothing without front matter", () => {
    const reading = parsed(parseMarkdown("Just a paragraph.\n", "plain.md"));
    expect(reading).toMatchObject({ kind: "lesson", statedAt: {}, passages: [{ kind: "paragraph", text: "Just a paragraph.", line: 1 }] });
    expect(reading.day).toBeUndefined();
  });

  it("reduces inline markup to its words", () => {
    expect(body("Some **bold**, _em_, ~~gone~~, `code`, [a link](https://x.test) and ![a crumb photo](c.png).\n")).toEqual([
      ["paragraph", "Some bold, em, gone, code, a link and a crumb photo."],
    ]);
  });

  it("keeps HTML-looking text as literal text, in blocks and inline", () => {
    expect(body(lines("<script>alert(1)</script>", "", "Mix <b>gently</b> & wait", "", "- item with <img src=x onerror=alert(1)>"))).toEqual([
      ["paragraph", "<script>alert(1)</script>"],
      ["paragraph", "Mix <b>gently</b> & wait"],
      ["list-item", "item with <img src=x onerror=alert(1)>"],
    ]);
  });

  it("decodes character references to the characters they stand for", () => {
    expect(body("Salt &amp; water &lt;b&gt; &#8212; &unknown;\n")).toEqual([["paragraph", "Salt & water <b> — &unknown;"]]);
  });

  it("flattens nested and loose list items, each its own passage", () => {
    expect(body(lines("* one", "", "  still one", "", "  + two", "    1. three", "* four"))).toEqual([
      ["list-item", "one still one"],
      ["list-item", "two"],
      ["list-item", "three"],
      ["list-item", "four"],
    ]);
  });

  it("marks prompts, but not inside quotes", () => {
    expect(body(lines("Say this in an interview: flour first.", "", "prompt: lower case opener", "", "> Prompt: quoted"))).toEqual([
      ["prompt", "Say this in an interview: flour first."],
      ["prompt", "prompt: lower case opener"],
      ["quote", "Prompt: quoted"],
    ]);
  });

  it("makes each paragraph of a block quote a quote passage", () => {
    expect(body(lines("> first", ">", "> second", "> - listed"))).toEqual([
      ["quote", "first"],
      ["quote", "second"],
      ["quote", "listed"],
    ]);
  });

  it("keeps code blocks verbatim and tables row by row", () => {
    expect(body(lines("```", "flour = 500", "```", "", "| Flour | Water |", "|---|---|", "| 500 | 350 |"))).toEqual([
      ["paragraph", "flour = 500"],
      ["paragraph", "Flour | Water"],
      ["paragraph", "500 | 350"],
    ]);
  });

  it("counts lines from the file's start with CRLF endings, a byte-order mark and front matter", () => {
    const reading = parsed(parseMarkdown("\uFEFF---\r\nday: 2\r\n---\r\n\r\n# Title\r\n\r\nText\r\n- a\r\n- a\r\n", "crlf.md"));
    expect(reading.passages.map((p) => p.line)).toEqual([5, 7, 8, 9]);
  });

  it("accepts a title YAML reads as a number", () => {
    expect(parsed(parseMarkdown(lines("---", "title: 1984", "---", "Text"), "n.md")).lessonTitle).toBe("1984");
  });
});

describe("parseMarkdown: refused front matter", () => {
  it.each([
    ["never closed", lines("---", "day: 3", "Text"), 1, "never closed"],
    ["bad YAML", lines("---", "day: 3", "title: [oops", "---", "Text"), 3, "invalid YAML"],
    ["a day that is zero", lines("---", "day: 0", "---", "Text"), 2, "day: must be a positive whole number"],
    ["a fractional day", lines("---", "day: 2.5", "---", "Text"), 2, "day: must be a positive whole number"],
    ["a day in words", lines("---", "day: three", "---", "Text"), 2, "day: must be a positive whole number"],
    ["an unknown kind", lines("---", "day: 1", "kind: recipe", "---", "Text"), 3, "kind: must be one of lesson, summary, other"],
    ["an unknown key", lines("---", "day: 1", "dya: 2", "---", "Text"), 3, 'unknown key "dya"'],
    ["a bad course slug", lines("---", "course: Bread Course", "---", "Text"), 2, "course: must be a slug"],
    ["a day beyond days", lines("---", "day: 12", "days: 10", "---", "Text"), 2, "day 12 is beyond the course's 10 days"],
    ["a list instead of keys", lines("---", "- day", "---", "Text"), 2, "front matter must be `key: value` lines"],
    ["a repeated key", lines("---", "day: 1", "day: 2", "---", "Text"), 3, "invalid YAML"],
    ["no body", lines("---", "day: 1", "---", ""), 4, "no content"],
  ])("refuses %s", (_name, source, line, reason) => {
    const [error, ...others] = errorsOf(parseMarkdown(source, "bad.md"));
    expect(others).toEqual([]);
    expect(error).toMatchObject({ file: "bad.md", line });
    expect(error?.reason).toContain(reason);
  });

  it("reports every front-matter problem at once", () => {
    const errors = errorsOf(parseMarkdown(lines("---", "day: three", "kind: recipe", "---", "Text"), "bad.md"));
    expect(errors.map((e) => e.line)).toEqual([2, 3]);
  });
});
