import { describe, expect, it } from "vitest";
import { formatSessionTime, pastHeading, peopleByPassage, scheduleProblem, sectionOf, sessionStatus, zonedTimeToUtc, type PassageOrder } from "./live-session-rules.ts";

describe("zonedTimeToUtc", () => {
  it("reads a wall-clock time in the group's time zone, summer and winter", () => {
    expect(zonedTimeToUtc("2027-01-15T19:00", "Europe/Paris")?.toISOString()).toBe("2027-01-15T18:00:00.000Z");
    expect(zonedTimeToUtc("2027-07-15T19:00", "Europe/Paris")?.toISOString()).toBe("2027-07-15T17:00:00.000Z");
    expect(zonedTimeToUtc("2027-07-15T19:00:30", "America/New_York")?.toISOString()).toBe("2027-07-15T23:00:30.000Z");
    expect(zonedTimeToUtc("2027-03-01T09:30", "UTC")?.toISOString()).toBe("2027-03-01T09:30:00.000Z");
    expect(zonedTimeToUtc("2027-03-01T09:30", "Asia/Kolkata")?.toISOString()).toBe("2027-03-01T04:00:00.000Z");
  });

  it("moves a time in the hour skipped by the clocks an hour on, and takes the first of a repeated hour", () => {
    // Paris skips 02:00–03:00 on 28 March 2027 and repeats 02:00–03:00 on 31 October 2027.
    expect(zonedTimeToUtc("2027-03-28T02:30", "Europe/Paris")?.toISOString()).toBe("2027-03-28T01:30:00.000Z");
    expect(zonedTimeToUtc("2027-10-31T02:30", "Europe/Paris")?.toISOString()).toBe("2027-10-31T00:30:00.000Z");
  });

  it("refuses what is not a date and time", () => {
    for (const bad of ["", "soon", "2027-02-30T10:00", "2027-01-01T24:00", "2027-01-01T10:60", "2027-01-01 10:00", "2027-1-1T10:00"]) {
      expect(zonedTimeToUtc(bad, "UTC"), bad).toBeNull();
    }
  });
});

describe("scheduling rules", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  it("refuses the past (a minute's grace) and more than a year ahead", () => {
    expect(scheduleProblem(new Date("2026-12-01T11:59:30Z"), now)).toBeNull();
    expect(scheduleProblem(new Date("2026-12-01T11:58:00Z"), now)).toBe("Choose a time that has not passed yet.");
    expect(scheduleProblem(new Date("2027-11-30T12:00:00Z"), now)).toBeNull();
    expect(scheduleProblem(new Date("2028-01-01T12:00:00Z"), now)).toBe("Schedule sessions at most a year ahead.");
  });

  it("names a session's state and prints times in the group's zone", () => {
    expect(sessionStatus({ startedAt: null, endedAt: null })).toBe("scheduled");
    expect(sessionStatus({ startedAt: now, endedAt: null })).toBe("live");
    expect(sessionStatus({ startedAt: now, endedAt: now })).toBe("ended");
    expect(sessionStatus({ startedAt: null, endedAt: now })).toBe("ended");
    expect(formatSessionTime("2027-01-15T18:00:00Z", "Europe/Paris")).toMatch(/^Fri 15 Jan, 19:00 /);
  });
});

describe("where the group is reading", () => {
  // intro, h:Method, m1, m2, h:Results, r1, h:Discussion, d1
  const order: PassageOrder = {
    keys: ["intro", "method", "m1", "m2", "results", "r1", "discussion", "d1"],
    headings: [
      { key: "method", text: "Method" },
      { key: "results", text: "Results" },
      { key: "discussion", text: "Discussion" },
    ],
  };

  it("finds the section a passage is in", () => {
    expect(sectionOf(order, "m2")?.text).toBe("Method");
    expect(sectionOf(order, "results")?.text).toBe("Results");
    expect(sectionOf(order, "intro")).toBeNull();
    expect(sectionOf(order, "gone")).toBeNull();
    expect(sectionOf(order, null)).toBeNull();
  });

  it("counts who is at or past a heading, among those sharing a known position", () => {
    const positions = [
      { userId: "a", passageKey: "intro" },
      { userId: "b", passageKey: "method" },
      { userId: "c", passageKey: "m2" },
      { userId: "d", passageKey: "r1" },
      { userId: "e", passageKey: "d1" },
      { userId: "f", passageKey: null },
      { userId: "g", passageKey: "not-in-this-lesson" },
    ];
    expect(pastHeading(positions, order, "method")).toEqual({ past: 4, sharing: 5 });
    expect(pastHeading(positions, order, "results")).toEqual({ past: 2, sharing: 5 });
    expect(pastHeading(positions, order, "discussion")).toEqual({ past: 1, sharing: 5 });
    expect(pastHeading([], order, "method")).toEqual({ past: 0, sharing: 0 });
  });

  it("groups people by passage for the margin's markers, skipping unknown passages", () => {
    const byPassage = peopleByPassage(
      [
        { userId: "a", passageKey: "m1" },
        { userId: "b", passageKey: "m1" },
        { userId: "c", passageKey: "elsewhere" },
        { userId: "d", passageKey: null },
      ],
      order,
    );
    expect([...byPassage].map(([key, people]) => [key, people.map((person) => person.userId)])).toEqual([["m1", ["a", "b"]]]);
  });
});
