import { describe, expect, it } from "vitest";
import { findDayReferences } from "./references.ts";

const linked = (text: string, day = 9, dayCount = 10) =>
  findDayReferences(text, day, dayCount).map((ref) => [text.slice(ref.start, ref.end), ref.day, ref.label]);

describe("findDayReferences", () => {
  it("finds explicit day numbers in any case", () => {
    expect(linked("See Day 3 and day 7's notes.")).toEqual([
      ["Day 3", 3, "Day 3"],
      ["day 7", 7, "Day 7"],
    ]);
  });

  it("resolves relative words from the current day", () => {
    expect(linked("Yesterday's loaf, tomorrow's bake, and last week you weighed flour.", 9, 20)).toEqual([
      ["Yesterday", 8, "Day 8"],
      ["tomorrow", 10, "Day 10"],
      ["last week", 2, "Day 2"],
    ]);
    expect(linked("Next week, and the day before yesterday, and the day after tomorrow.", 5, 20)).toEqual([
      ["Next week", 12, "Day 12"],
      ["the day before yesterday", 3, "Day 3"],
      ["the day after tomorrow", 7, "Day 7"],
    ]);
  });

  it("skips days outside the course and the current day", () => {
    expect(linked("Last week, Day 0, Day 11, Day 9 and tomorrow.", 5, 5)).toEqual([]);
    expect(linked("Yesterday", 1, 10)).toEqual([]);
  });

  it("matches whole words only", () => {
    expect(linked("Day 31, weekday 4, yesterdays and tomorrowland: only the first is a reference.", 9, 40)).toEqual([["Day 31", 31, "Day 31"]]);
  });

  it("leaves vague phrases alone", () => {
    expect(linked("Earlier this week and some days ago.")).toEqual([]);
  });

  it("gives offsets into the original text", () => {
    const text = "Recall day 2.";
    expect(findDayReferences(text, 4, 10)).toEqual([{ start: 7, end: 12, day: 2, label: "Day 2" }]);
  });
});
