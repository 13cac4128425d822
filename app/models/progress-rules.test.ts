import { describe, expect, it } from "vitest";
import { can, ROLES } from "./authz.ts";
import {
  DASHBOARD_PAGE_SIZE,
  membersPage,
  calendarWeeks,
  csvField,
  isRead,
  lessonStatus,
  localDay,
  progressVisibility,
  requiredDwellMs,
  streak,
  toCsv,
  visibleStatus,
  readTimeProblem,
  PAST_SLACK_MS,
  FUTURE_SLACK_MS,
} from "./progress-rules.ts";

describe("requiredDwellMs: time in view for a passage to count as read", () => {
  it("is 200 ms a word between 1.5 s and 20 s", () => {
    expect(requiredDwellMs("")).toBe(1_500);
    expect(requiredDwellMs("Three short words")).toBe(1_500);
    expect(requiredDwellMs(Array(10).fill("word").join(" "))).toBe(2_000);
    expect(requiredDwellMs(Array(50).fill("word").join(" "))).toBe(10_000);
    expect(requiredDwellMs(Array(5000).fill("word").join(" "))).toBe(20_000);
    expect(requiredDwellMs(37)).toBe(7_400);
  });
  it("counts words across any white space", () => {
    expect(requiredDwellMs("  one\ttwo\nthree   four five six seven eight nine ten ")).toBe(2_000);
  });
  it("decides read or not", () => {
    const text = Array(20).fill("word").join(" ");
    expect(isRead(text, 3_999)).toBe(false);
    expect(isRead(text, 4_000)).toBe(true);
  });
});

describe("localDay", () => {
  const at = new Date("2026-03-01T23:30:00Z");
  it("is the calendar day where the member is", () => {
    expect(localDay(at, "UTC")).toBe("2026-03-01");
    expect(localDay(at, "Europe/Berlin")).toBe("2026-03-02");
    expect(localDay(at, "America/Los_Angeles")).toBe("2026-03-01");
    expect(localDay(new Date("2026-03-02T05:00:00Z"), "America/Los_Angeles")).toBe("2026-03-01");
    expect(localDay(new Date("2026-03-01T11:00:00Z"), "Pacific/Kiritimati")).toBe("2026-03-02");
  });
  it("falls back to UTC for an unknown zone", () => {
    expect(localDay(at, "Mars/Olympus")).toBe("2026-03-01");
  });
});

describe("streak", () => {
  it("counts consecutive days back from today", () => {
    expect(streak(["2026-03-01", "2026-03-02", "2026-03-03"], "2026-03-03")).toEqual({ current: 3, longest: 3 });
  });
  it("keeps yesterday's streak alive until the day is over", () => {
    expect(streak(["2026-03-01", "2026-03-02"], "2026-03-03")).toEqual({ current: 2, longest: 2 });
    expect(streak(["2026-03-01", "2026-03-02"], "2026-03-04")).toEqual({ current: 0, longest: 2 });
  });
  it("finds the longest run, across months and a leap day, ignoring duplicates and junk", () => {
    const dates = ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01", "2024-03-01", "nonsense", "2024-03-10"];
    expect(streak(dates, "2024-03-10")).toEqual({ current: 1, longest: 4 });
  });
  it("is empty without activity", () => {
    expect(streak([], "2026-03-03")).toEqual({ current: 0, longest: 0 });
  });
  it("across time zones: the same instants make a streak in one zone and a gap in another", () => {
    // Reading at 07:00 UTC every day, then once at 23:30 UTC: in Tokyo (UTC+9) that last read falls on the next day.
    const instants = ["2026-03-01T07:00:00Z", "2026-03-02T07:00:00Z", "2026-03-02T23:30:00Z"].map((iso) => new Date(iso));
    const utc = instants.map((at) => localDay(at, "UTC"));
    const tokyo = instants.map((at) => localDay(at, "Asia/Tokyo"));
    expect(streak(utc, "2026-03-03")).toEqual({ current: 2, longest: 2 });
    expect(streak(tokyo, localDay(new Date("2026-03-03T01:00:00Z"), "Asia/Tokyo"))).toEqual({ current: 3, longest: 3 });
    // In Los Angeles (UTC-8) 07:00 UTC is the previous evening: still three different days… minus none.
    const la = instants.map((at) => localDay(at, "America/Los_Angeles"));
    expect(la).toEqual(["2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(streak(la, "2026-03-02").current).toBe(3);
  });
});

describe("calendarWeeks", () => {
  it("gives whole weeks, Monday first, ending with this week", () => {
    const weeks = calendarWeeks(new Map([["2026-11-20", 4]]), "2026-11-22", 10);
    expect(weeks).toHaveLength(10);
    expect(weeks.every((week) => week.length === 7)).toBe(true);
    const last = weeks[9]!;
    expect(last[0]!.day).toBe("2026-11-16"); // a Monday
    expect(last[6]).toEqual({ day: "2026-11-22", count: 0, future: false });
    expect(last[4]).toEqual({ day: "2026-11-20", count: 4, future: false });
    expect(weeks[0]![0]!.day).toBe("2026-09-14");
    const midweek = calendarWeeks(new Map(), "2026-11-18", 1)[0]!;
    expect(midweek.filter((cell) => cell.future).map((cell) => cell.day)).toEqual(["2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"]);
  });
});

describe("lessonStatus", () => {
  it("done when marked or every passage read; in progress once anything read", () => {
    expect(lessonStatus(undefined, 10)).toBe("not-started");
    expect(lessonStatus(undefined, 10, true)).toBe("locked");
    expect(lessonStatus({ readCount: 0, doneAt: null }, 10)).toBe("not-started");
    expect(lessonStatus({ readCount: 3, doneAt: null }, 10)).toBe("in-progress");
    expect(lessonStatus({ readCount: 10, doneAt: null }, 10)).toBe("done");
    expect(lessonStatus({ readCount: 0, doneAt: new Date() }, 10)).toBe("done");
    // A locked day someone already read (before the schedule changed) still shows what they did.
    expect(lessonStatus({ readCount: 3, doneAt: null }, 10, true)).toBe("in-progress");
  });
});

describe("privacy: who sees whose progress", () => {
  const base = { viewerId: "a", subjectId: "b", sameGroup: true, viewerIsModerator: false, subjectShares: true };
  it("a member sees their own full history", () => {
    expect(progressVisibility({ ...base, subjectId: "a", subjectShares: false })).toBe("full");
  });
  it("other members see only done / not done, or nothing when the member opted out", () => {
    expect(progressVisibility(base)).toBe("done-only");
    expect(progressVisibility({ ...base, subjectShares: false })).toBe("none");
    expect(visibleStatus("in-progress", "done-only")).toBe("not-done");
    expect(visibleStatus("done", "done-only")).toBe("done");
    expect(visibleStatus("done", "none")).toBeNull();
  });
  it("moderators see each day's status on the dashboard, even of members who opted out", () => {
    expect(progressVisibility({ ...base, viewerIsModerator: true, subjectShares: false })).toBe("statuses");
    expect(visibleStatus("in-progress", "statuses")).toBe("in-progress");
  });
  it("the dashboard is for the owner and moderators", () => {
    expect(ROLES.filter((role) => can(role, "progress.viewGroup"))).toEqual(["owner", "moderator"]);
    expect(can(null, "progress.viewGroup")).toBe(false);
  });
  it("people outside the group see nothing", () => {
    expect(progressVisibility({ ...base, sameGroup: false, viewerIsModerator: true })).toBe("none");
  });
});

describe("CSV", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('say "hi", then')).toBe('"say ""hi"", then"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(toCsv([["a", 1], ["b", 2]])).toBe("a,1\r\nb,2\r\n");
  });
});

describe("readTimeProblem: a read must be dated within its session's lifetime", () => {
  const sessionStart = new Date("2025-03-10T09:00:00Z");
  const now = new Date("2025-03-12T18:00:00Z");
  it("takes reads from the session's start (less a few minutes of clock skew) to a minute ahead of now", () => {
    for (const at of [sessionStart.getTime(), sessionStart.getTime() - PAST_SLACK_MS, now.getTime(), now.getTime() + FUTURE_SLACK_MS]) {
      expect(readTimeProblem(at, { sessionStart, now })).toBeNull();
    }
  });
  it("refuses reads dated before the session began, such as 1970, and reads in the future", () => {
    expect(readTimeProblem(1_000, { sessionStart, now })).toContain("before you signed in");
    expect(readTimeProblem(sessionStart.getTime() - PAST_SLACK_MS - 1, { sessionStart, now })).toContain("before you signed in");
    expect(readTimeProblem(now.getTime() + FUTURE_SLACK_MS + 1, { sessionStart, now })).toContain("future");
  });
});

describe("membersPage: the dashboard's page of members", () => {
  it("pages 200 members 50 at a time, the last page with the rest", () => {
    expect(DASHBOARD_PAGE_SIZE).toBe(50);
    expect(membersPage(null, 200)).toEqual({ page: 1, pageCount: 4, offset: 0, first: 1, last: 50, total: 200 });
    expect(membersPage("2", 200)).toMatchObject({ page: 2, offset: 50, first: 51, last: 100 });
    expect(membersPage("4", 190)).toMatchObject({ page: 4, pageCount: 4, offset: 150, first: 151, last: 190 });
  });
  it("shows the nearest page that exists for junk and out-of-range values", () => {
    for (const junk of ["", "abc", "-1", "0", "1.5", "2e3", "0x10", " ", "１"]) expect(membersPage(junk, 200).page, junk).toBe(1);
    expect(membersPage("5", 200).page).toBe(4);
    expect(membersPage("9".repeat(400), 200).page).toBe(4);
    expect(membersPage("03", 200).page).toBe(3);
  });
  it("has one (empty) page for a group without members", () => {
    expect(membersPage("3", 0)).toEqual({ page: 1, pageCount: 1, offset: 0, first: 0, last: 0, total: 0 });
  });
});
