import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest } from "./manifest.ts";
import { COURSE_FIXTURES, lines } from "./test-support.ts";

const COURSE = ["course:", "  slug: bread", "  title: Bread", "  days: 10"];

describe("parseManifest", () => {
  it("reads the fixture manifest, with the line of each entry", () => {
    const result = parseManifest(readFileSync(path.join(COURSE_FIXTURES, "manifest.yaml"), "utf8"), "manifest.yaml");
    expect(result).toEqual({
      ok: true,
      value: {
        sourceName: "manifest.yaml",
        course: {
          slug: "bread-in-ten-days",
          title: "Bread in Ten Days",
          dayCount: 10,
          description: "A slow introduction to flour, water, salt and time.",
        },
        courseLine: 2,
        readings: [
          { file: "lesson-09.txt", day: 9, kind: "lesson", line: 8 },
          { file: "summary-09.txt", day: 9, kind: "summary", title: "Notes on the oven test", line: 11 },
        ],
      },
    });
  });

  it("allows a manifest without readings and a description", () => {
    expect(parseManifest(lines(...COURSE), "m.yaml")).toMatchObject({ ok: true, value: { readings: [], course: { description: null } } });
  });

  it.each([
    ["an empty manifest", "", 1, "the manifest is empty"],
    ["bad YAML", lines("course: [", "readings:"), 2, "invalid YAML"],
    ["a missing course", lines("readings: []"), 1, "course: is required"],
    ["a missing title", lines("course:", "  slug: bread", "  days: 10"), 2, "course.title: is required"],
    ["days in words", lines("course:", "  slug: bread", "  title: Bread", "  days: ten"), 4, "course.days: must be a positive whole number"],
    ["readings that are not a list", lines(...COURSE, "readings: lesson.txt"), 5, "readings: must be a list"],
    ["an unknown key in an entry", lines(...COURSE, "readings:", "  - file: a.txt", "    dya: 3"), 7, 'unknown key "readings[0].dya"'],
    ["an unknown kind", lines(...COURSE, "readings:", "  - file: a.txt", "    kind: recipe"), 7, "readings[0].kind: must be one of"],
    ["a path instead of a file name", lines(...COURSE, "readings:", "  - file: sub/a.txt"), 6, "not a path"],
    ["a day beyond the course", lines(...COURSE, "readings:", "  - file: a.txt", "    day: 11"), 7, "a.txt: day 11 is beyond the course's 10 days"],
    ["a file listed twice", lines(...COURSE, "readings:", "  - file: a.txt", "  - file: a.txt"), 7, "a.txt is listed more than once"],
  ])("refuses %s", (_name, text, line, reason) => {
    const result = parseManifest(text, "m.yaml");
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatchObject({ file: "m.yaml", line });
      expect(result.errors[0]?.reason).toContain(reason);
    }
  });
});
