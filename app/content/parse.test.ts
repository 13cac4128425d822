import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "./checksum.ts";
import { detectFormat } from "./detect.ts";
import { MAX_FILE_BYTES, parseReading, parseReadingBytes } from "./parse.ts";
import { BAD_FIXTURES, COURSE_FIXTURES, lines } from "./test-support.ts";

describe("detectFormat", () => {
  it.each([
    ["front matter in a .txt file", "notes.txt", lines("---", "day: 1", "---", "Text"), "markdown"],
    ["a Markdown file name", "notes.md", lines("Title", "Day 1 of 3", "Text"), "markdown"],
    ["a .markdown file name", "notes.MARKDOWN", lines("Some prose."), "markdown"],
    ["a day line second", "l.txt", lines("Title", "", "Day 1 of 3", "Text"), "plain-lesson"],
    ["a malformed day line second (reported by the lesson parser)", "l.txt", lines("Title", "Day 1 of three"), "plain-lesson"],
    ["headings and list items", "s.txt", lines("Notes", "- one"), "plain-summary"],
    ["a heading with prose under it", "s.txt", lines("Notes", "Prose follows here, as a sentence."), "plain-summary"],
  ])("recognises %s", (_name, name, text, format) => {
    expect(detectFormat(text, name)).toEqual({ ok: true, value: format });
  });

  it.each([
    ["an empty file", "", "the file is empty"],
    ["white space only", " \n\t\n", "only blank space"],
    ["prose only", lines("One sentence of prose here.", "And a second sentence."), "no recognisable structure"],
    ["short lines only", lines("flour", "water", "salt"), "no recognisable structure"],
  ])("refuses %s", (_name, text, reason) => {
    const result = detectFormat(text, "x.txt");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ file: "x.txt", line: 1, reason: expect.stringContaining(reason) }]);
  });
});

describe("parseReadingBytes", () => {
  it("parses every course fixture, with the checksum of the raw bytes", () => {
    for (const name of readdirSync(COURSE_FIXTURES).filter((file) => !file.startsWith("manifest"))) {
      const data = readFileSync(path.join(COURSE_FIXTURES, name));
      const result = parseReadingBytes(data, name);
      expect(result.ok, name).toBe(true);
      if (result.ok) expect(result.value.checksum).toBe(sha256Hex(data));
    }
  });

  const expectedRefusals: Record<string, [number | null, string]> = {
    "empty.txt": [1, "the file is empty"],
    "whitespace.txt": [1, "only blank space"],
    "binary.txt": [2, "binary data (a NUL byte)"],
    "invalid-utf8.txt": [3, "binary data (not valid UTF-8)"],
    "no-structure.txt": [1, "no recognisable structure"],
    "bad-day.txt": [2, "day 12 is beyond the course's 10 days"],
    "day-zero.txt": [2, "days are counted from 1"],
    "title-only.txt": [3, "no paragraphs"],
    "bad-yaml.md": [3, "invalid YAML"],
    "bad-front-matter.md": [2, "day: must be a positive whole number"],
  };

  it("covers every bad fixture", () => {
    expect(readdirSync(BAD_FIXTURES).sort()).toEqual(Object.keys(expectedRefusals).sort());
  });

  it.each(Object.entries(expectedRefusals))("refuses %s with its line and reason", (name, [line, reason]) => {
    const result = parseReadingBytes(readFileSync(path.join(BAD_FIXTURES, name)), name);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0]).toMatchObject({ file: name, line });
      expect(result.errors[0]?.reason).toContain(reason);
    }
  });

  it("refuses a file over the size limit without parsing it", () => {
    const result = parseReadingBytes(new Uint8Array(MAX_FILE_BYTES + 1).fill(0x61), "big.txt");
    expect(result).toEqual({ ok: false, errors: [{ file: "big.txt", line: null, reason: expect.stringContaining("over the 2.0 MB limit") }] });
  });

  it.each([
    ["an overlong encoding", [0x61, 0x0a, 0xc0, 0x80], 2],
    ["an encoded surrogate", [0x0a, 0x0a, 0xed, 0xa0, 0x80], 3],
    ["a truncated sequence", [0x61, 0xe2, 0x82], 1],
  ])("refuses %s as binary data", (_name, bytes, line) => {
    const result = parseReadingBytes(new Uint8Array(bytes), "b.txt");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatchObject({ line, reason: expect.stringContaining("not valid UTF-8") });
  });

  it("strips a byte-order mark from the text but hashes the bytes as given", () => {
    const data = Buffer.from(`\uFEFF${lines("Title", "Day 1 of 2", "Text")}`, "utf8");
    const result = parseReadingBytes(data, "bom.txt");
    expect(result).toMatchObject({ ok: true, value: { lessonTitle: "Title", checksum: sha256Hex(data) } });
  });
});

describe("parseReading", () => {
  it("hashes the text's UTF-8 bytes when no checksum is given", () => {
    const text = lines("Title", "Day 1 of 2", "Crème fraîche");
    expect(parseReading(text, "l.txt")).toMatchObject({ ok: true, value: { checksum: sha256Hex(Buffer.from(text, "utf8")) } });
  });
});
