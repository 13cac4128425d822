import { describe, expect, it } from "vitest";
import { currentDay, describePace, isDayLocked, localDate, lockedDayMessage, readerOpenThrough, type Pace } from "./pace.ts";

const scheduled = (overrides: Partial<Pace> = {}): Pace => ({
  paceMode: "scheduled",
  startDate: "2026-11-02",
  daysPerWeek: 5,
  timeZone: "UTC",
  lockAhead: true,
  ...overrides,
});

describe("currentDay", () => {
  it("opens every day of a self-paced group", () => {
    expect(currentDay({ ...scheduled(), paceMode: "self" }, 60, new Date("2020-01-01"))).toBe(60);
  });

  it("is 0 before the start and 1 on the start date", () => {
    expect(currentDay(scheduled(), 60, new Date("2026-11-01T12:00:00Z"))).toBe(0);
    expect(currentDay(scheduled(), 60, new Date("2026-11-02T00:00:00Z"))).toBe(1);
  });

  it("releases daysPerWeek days in each week and none on the rest days", () => {
    // Week 1: days 1-5 on Nov 2-6, nothing on Nov 7-8; week 2 starts Nov 9 with day 6.
    expect(currentDay(scheduled(), 60, new Date("2026-11-06T12:00:00Z"))).toBe(5);
    expect(currentDay(scheduled(), 60, new Date("2026-11-08T12:00:00Z"))).toBe(5);
    expect(currentDay(scheduled(), 60, new Date("2026-11-09T12:00:00Z"))).toBe(6);
    expect(currentDay(scheduled({ daysPerWeek: 7 }), 60, new Date("2026-11-09T12:00:00Z"))).toBe(8);
  });

  it("never passes the end of the course", () => {
    expect(currentDay(scheduled(), 6, new Date("2027-06-01T12:00:00Z"))).toBe(6);
  });

  it("counts in the group's time zone", () => {
    // 23:30 UTC on Nov 1 is already Nov 2 in Auckland.
    const lateEvening = new Date("2026-11-01T23:30:00Z");
    expect(localDate(lateEvening, "Pacific/Auckland")).toBe("2026-11-02");
    expect(currentDay(scheduled({ timeZone: "Pacific/Auckland" }), 60, lateEvening)).toBe(1);
    expect(currentDay(scheduled({ timeZone: "America/Los_Angeles" }), 60, lateEvening)).toBe(0);
  });
});

describe("isDayLocked", () => {
  const now = new Date("2026-11-03T12:00:00Z");
  it("locks days ahead of a scheduled pace only when the owner chose to", () => {
    expect(isDayLocked(scheduled(), 3, 60, now)).toBe(true);
    expect(isDayLocked(scheduled(), 2, 60, now)).toBe(false);
    expect(isDayLocked(scheduled({ lockAhead: false }), 3, 60, now)).toBe(false);
    expect(isDayLocked({ ...scheduled(), paceMode: "self" }, 30, 60, now)).toBe(false);
  });
});

describe("describePace", () => {
  it("says where the group is", () => {
    expect(describePace(scheduled(), 60, new Date("2026-11-03T12:00:00Z"))).toBe(
      "Day 2 of 60 today (5 days a week from 2026-11-02, later days locked).",
    );
    expect(describePace(scheduled(), 60, new Date("2026-10-01T12:00:00Z"))).toMatch(/^Starts on 2026-11-02/);
  });
});

describe("readerOpenThrough: locked days in the course reader and search", () => {
  // 2026-11-04 is the third day of a schedule that began on Monday 2026-11-02: Day 3.
  const now = new Date("2026-11-04T12:00:00Z");
  const member = (pace: Partial<Pace> = {}) => ({ pace: scheduled(pace), mayReadAhead: false });
  const input = (groups: ReturnType<typeof member>[], ownsCourse = false) => ({ ownsCourse, dayCount: 60, groups });
  it("locks the days after the group's day for a member of one locking group", () => {
    expect(readerOpenThrough(input([member()]), now)).toBe(3);
  });
  it("opens every day to people outside the course's groups and to the course's owner", () => {
    expect(readerOpenThrough(input([]), now)).toBeNull();
    expect(readerOpenThrough(input([member()], true), now)).toBeNull();
  });
  it("opens every day when any of the person's groups does not lock it or lets them read ahead", () => {
    expect(readerOpenThrough(input([member(), member({ lockAhead: false })]), now)).toBeNull();
    expect(readerOpenThrough(input([member(), member({ paceMode: "self" })]), now)).toBeNull();
    expect(readerOpenThrough(input([member(), { pace: scheduled(), mayReadAhead: true }]), now)).toBeNull();
  });
  it("with several locking groups, a day is open when one of them has reached it", () => {
    expect(readerOpenThrough(input([member(), member({ startDate: "2026-10-26" })]), now)).toBe(8);
    expect(readerOpenThrough(input([member({ startDate: "2026-12-01" })]), now)).toBe(0);
  });
  it("says why", () => {
    expect(lockedDayMessage(5, 3)).toBe("Day 5 is not open yet: your group is on Day 3, and later days open on schedule.");
    expect(lockedDayMessage(1, 0)).toContain("has not started");
  });
});
