import { cpSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ContentImportError, formatContentError } from "./errors.ts";
import { textFile } from "./import-set.ts";
import { loadImportSet, parseImportBuffers } from "./load.server.ts";
import { MAX_FILE_BYTES } from "./parse.ts";
import { BAD_FIXTURES, COURSE_FIXTURES, lines, tempDir } from "./test-support.ts";

/** A copy of the fixture course in a fresh folder, with `changes` (file name → text) written into it. */
function courseCopy(changes: Record<string, string> = {}): string {
  const dir = tempDir();
  cpSync(COURSE_FIXTURES, dir, { recursive: true });
  for (const [name, text] of Object.entries(changes)) writeFileSync(path.join(dir, name), text);
  return dir;
}

async function refusal(load: Promise<unknown>): Promise<ContentImportError> {
  const error = await load.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ContentImportError)) throw new Error(`expected a ContentImportError, got ${String(error)}`);
  return error;
}

const MANIFEST = lines("course:", "  slug: bread", "  title: Bread", "  days: 10");

describe("loadImportSet: the fixture course", () => {
  it("imports a folder, picking up its manifest", async () => {
    const set = await loadImportSet([COURSE_FIXTURES]);
    expect(set.course).toEqual({
      slug: "bread-in-ten-days",
      title: "Bread in Ten Days",
      dayCount: 10,
      description: "A slow introduction to flour, water, salt and time.",
    });
    expect(set.readings.map((r) => [r.fileName, r.day, r.kind, r.readingSlug, r.readingTitle, r.lessonTitle])).toEqual([
      ["day-03-lesson.md", 3, "lesson", "lesson", "The lesson", "Why dough needs to rest"],
      ["day-03-summary.md", 3, "summary", "summary", "Autolyse in brief", "Why dough needs to rest"],
      ["lesson-09.txt", 9, "lesson", "lesson", "Lesson", "What the oven spring tells you"],
      ["summary-09.txt", 9, "summary", "summary", "Notes on the oven test", "What the oven spring tells you"],
    ]);
    expect(set.readings[0]?.sourceName).toBe(path.join(COURSE_FIXTURES, "day-03-lesson.md"));
    expect(set.readings[3]?.passages.length).toBe(13);
  });

  it("imports files named one by one with an explicit manifest", async () => {
    const set = await loadImportSet([path.join(COURSE_FIXTURES, "lesson-09.txt"), path.join(COURSE_FIXTURES, "summary-09.txt")], {
      manifestPath: path.join(COURSE_FIXTURES, "manifest.yaml"),
    });
    expect(set.readings.map((r) => r.kind)).toEqual(["lesson", "summary"]);
  });

  it("ignores files of other types inside a folder", async () => {
    const dir = courseCopy({ "notes.json": "{}", "photo.png": "not really" });
    expect((await loadImportSet([dir])).readings).toHaveLength(4);
  });
});

describe("loadImportSet: all or nothing", () => {
  it("refuses the whole folder when one file is bad, naming the file and line", async () => {
    const dir = courseCopy();
    cpSync(path.join(BAD_FIXTURES, "bad-day.txt"), path.join(dir, "bad-day.txt"));
    const error = await refusal(loadImportSet([dir]));
    expect(error.errors).toEqual([{ file: path.join(dir, "bad-day.txt"), line: 2, reason: expect.stringContaining("day 12 is beyond") }]);
    expect(error.message).toContain(`${path.join(dir, "bad-day.txt")}:2: `);
  });

  it("reports every bad file, not just the first", async () => {
    const dir = courseCopy();
    for (const name of ["empty.txt", "binary.txt", "no-structure.txt"]) cpSync(path.join(BAD_FIXTURES, name), path.join(dir, name));
    const error = await refusal(loadImportSet([dir]));
    expect(error.errors.map((e) => path.basename(e.file))).toEqual(["binary.txt", "empty.txt", "no-structure.txt"]);
    expect(error.message.split("\n").slice(1)).toEqual(error.errors.map(formatContentError));
  });

  it("checks the size with stat and refuses files over the limit", async () => {
    const dir = courseCopy();
    const big = path.join(dir, "huge.txt");
    writeFileSync(big, "");
    truncateSync(big, MAX_FILE_BYTES + 1);
    const error = await refusal(loadImportSet([dir]));
    expect(error.errors).toEqual([{ file: big, line: null, reason: expect.stringContaining("over the 2.0 MB limit") }]);
  });

  it.each([
    ["a missing path", "nowhere", "no such file or folder"],
    ["a file of another type", "notes.json", "not a content file"],
  ])("refuses %s", async (_name, name, reason) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "notes.json"), "{}");
    const error = await refusal(loadImportSet([path.join(dir, name)]));
    expect(error.errors[0]?.reason).toContain(reason);
  });

  it("refuses an empty folder", async () => {
    const error = await refusal(loadImportSet([tempDir()]));
    expect(error.errors[0]?.reason).toContain("no content files");
  });

  it("refuses a missing explicit manifest", async () => {
    const error = await refusal(loadImportSet([COURSE_FIXTURES], { manifestPath: path.join(tempDir(), "manifest.yaml") }));
    expect(error.errors).toEqual([{ file: expect.stringContaining("manifest.yaml"), line: null, reason: "cannot be read: ENOENT" }]);
  });

  it("refuses two folders that each bring a manifest", async () => {
    const error = await refusal(loadImportSet([courseCopy(), courseCopy()]));
    expect(error.errors.some((e) => e.reason.includes("more than one manifest"))).toBe(true);
  });
});

describe("loadImportSet: placing readings", () => {
  it("refuses two files claiming the same reading of a day", async () => {
    const dir = courseCopy({ "day-03-again.md": lines("---", "day: 3", "title: Why dough needs to rest", "---", "Text") });
    const error = await refusal(loadImportSet([dir]));
    expect(error.errors).toEqual([
      { file: path.join(dir, "day-03-lesson.md"), line: 3, reason: expect.stringContaining("duplicate day") },
    ]);
    expect(error.errors[0]?.reason).toContain("day-03-again.md is already day 3's lesson reading");
  });

  it("refuses a file whose own day disagrees with the manifest", async () => {
    const manifest = readFileSync(path.join(COURSE_FIXTURES, "manifest.yaml"), "utf8").replace("day: 9\n    kind: lesson", "day: 8\n    kind: lesson");
    const dir = courseCopy({ "manifest.yaml": manifest });
    const error = await refusal(loadImportSet([dir]));
    expect(error.errors).toEqual([
      { file: path.join(dir, "lesson-09.txt"), line: 2, reason: `day 9 disagrees with 8 given in ${path.join(dir, "manifest.yaml")}:8` },
    ]);
  });

  it("refuses a course length that disagrees with the manifest", async () => {
    const dir = courseCopy({ "lesson-09.txt": lines("Title", "Day 9 of 12", "Text") });
    const error = await refusal(loadImportSet([dir]));
    expect(error.errors[0]).toMatchObject({ file: path.join(dir, "lesson-09.txt"), line: 2 });
    expect(error.errors[0]?.reason).toContain("course length (days) 12 disagrees with 10");
  });

  it("refuses a day outside the course, where the day was given", async () => {
    const dir = courseCopy({ "day-11.md": lines("---", "day: 11", "title: Extra", "---", "Text") });
    const error = await refusal(loadImportSet([dir]));
    expect(error.errors).toEqual([{ file: path.join(dir, "day-11.md"), line: 2, reason: "day 11 is beyond the course's 10 days" }]);
  });

  it("refuses a file with no day from anywhere", async () => {
    const dir = courseCopy({ "extra-notes.txt": lines("Notes", "- an unplaced item") });
    const error = await refusal(loadImportSet([dir]));
    expect(error.errors).toEqual([{ file: path.join(dir, "extra-notes.txt"), line: null, reason: expect.stringContaining("no day") }]);
  });

  it("refuses a front matter kind that disagrees with the manifest", async () => {
    const manifest = `${readFileSync(path.join(COURSE_FIXTURES, "manifest.yaml"), "utf8")}  - file: day-03-summary.md\n    kind: other\n`;
    const error = await refusal(loadImportSet([courseCopy({ "manifest.yaml": manifest })]));
    expect(error.errors[0]?.reason).toContain('kind "summary" disagrees with "other"');
  });
});

describe("parseImportBuffers", () => {
  it("imports in-memory files, the manifest supplying what plain text lacks", () => {
    const set = parseImportBuffers(
      [textFile("a.txt", lines("Shaping", "Day 2 of 10", "Fold the edges in.")), textFile("b.txt", lines("Notes", "- Use less flour."))],
      `${MANIFEST}readings:\n  - file: b.txt\n    day: 2\n    kind: other\n    title: Bench notes\n`,
    );
    expect(set.course).toEqual({ slug: "bread", title: "Bread", dayCount: 10, description: null });
    expect(set.readings.map((r) => [r.fileName, r.kind, r.readingSlug, r.readingTitle, r.lessonTitle])).toEqual([
      ["a.txt", "lesson", "lesson", "Lesson", "Shaping"],
      ["b.txt", "other", "bench-notes", "Bench notes", "Shaping"],
    ]);
  });

  it("takes a lesson title from a lesson-kind manifest entry", () => {
    const set = parseImportBuffers([textFile("a.txt", lines("Notes", "- one"))], `${MANIFEST}readings:\n  - file: a.txt\n    day: 1\n    kind: lesson\n    title: Mixing\n`);
    expect(set.readings[0]).toMatchObject({ kind: "lesson", lessonTitle: "Mixing", readingTitle: "Mixing" });
  });

  it("works from front matter alone when it names the course", () => {
    const set = parseImportBuffers([textFile("a.md", lines("---", "course: bread", "courseTitle: Bread", "days: 4", "day: 1", "title: Flour", "---", "Text"))]);
    expect(set.course).toEqual({ slug: "bread", title: "Bread", dayCount: 4, description: null });
  });

  it.each([
    ["no course anywhere", [textFile("a.md", lines("---", "day: 1", "title: T", "---", "Text"))], undefined, "no course is named"],
    ["no lesson title for a day", [textFile("a.md", lines("---", "day: 1", "kind: summary", "---", "Text"))], MANIFEST, "day 1 has no lesson title"],
    ["an `other` reading without a title", [textFile("a.md", lines("---", "day: 1", "kind: other", "title: T", "---", "Text"))], MANIFEST, "needs a title"],
    [
      "two lesson titles for one day",
      [textFile("a.md", lines("---", "day: 1", "title: One", "---", "Text")), textFile("b.md", lines("---", "day: 1", "kind: summary", "title: Two", "---", "Text"))],
      MANIFEST,
      `the title of day 1's lesson, "Two" disagrees with "One" given in a.md:3`,
    ],
    ["two courses", [textFile("a.md", lines("---", "course: rye", "day: 1", "title: T", "---", "Text"))], MANIFEST, 'course "rye" disagrees with "bread"'],
    ["two files with one name", [textFile("x/a.md", "# A\n"), textFile("y/a.md", "# B\n")], MANIFEST, "same name"],
    ["no files", [], MANIFEST, "no content files"],
    ["a broken manifest", [textFile("a.md", "# A\n")], "course: [", "invalid YAML"],
  ])("refuses %s", (_name, files, manifest, reason) => {
    let caught: unknown;
    try {
      parseImportBuffers(files, manifest);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ContentImportError);
    expect((caught as ContentImportError).errors.map((e) => e.reason).join("\n")).toContain(reason);
  });

  it("places a folder-less upload's files by their bare names", () => {
    const set = parseImportBuffers([textFile("uploads/b.txt", lines("Notes", "- one"))], `${MANIFEST}readings:\n  - file: b.txt\n    day: 1\n    lessonTitle: Mixing\n`);
    expect(set.readings[0]).toMatchObject({ sourceName: "uploads/b.txt", fileName: "b.txt", day: 1, kind: "summary", lessonTitle: "Mixing" });
  });
});
