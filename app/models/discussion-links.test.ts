import { describe, expect, it } from "vitest";
import { groupForDay, groupLessonHref, groupsForDay, lessonHref, orderGroups } from "./discussion-links.ts";

const at = (iso: string) => new Date(iso);

describe("which group's lesson a link opens", () => {
  it("orders the most recently visited first, then the most recently joined", () => {
    const groups = [
      { id: "a", lastVisitedAt: null, joinedAt: at("2026-01-03") },
      { id: "b", lastVisitedAt: at("2026-02-01"), joinedAt: at("2026-01-01") },
      { id: "c", lastVisitedAt: at("2026-02-05"), joinedAt: at("2026-01-02") },
      { id: "d", lastVisitedAt: null, joinedAt: at("2026-01-04") },
    ];
    expect(orderGroups(groups).map((group) => group.id)).toEqual(["c", "b", "d", "a"]);
  });

  it("skips a group that locks the day, and falls back to the reader when all do", () => {
    const groups = [
      { id: "locked", name: "Locked", openThrough: 2 },
      { id: "open", name: "Open", openThrough: null },
    ];
    expect(groupForDay(groups, 2)?.id).toBe("locked");
    expect(groupForDay(groups, 3)?.id).toBe("open");
    expect(groupsForDay(groups, 3).map((group) => group.id)).toEqual(["open"]);
    expect(lessonHref([{ id: "x", name: "X", openThrough: 1 }], "course", 4, "k1")).toBe("/courses/course/day/4#p-k1");
    expect(lessonHref([], "course", 1)).toBe("/courses/course/day/1");
  });

  it("links to a passage, or to a comment with its panel open", () => {
    expect(groupLessonHref("g", 3)).toBe("/groups/g/day/3");
    expect(groupLessonHref("g", 3, { passageKey: "k" })).toBe("/groups/g/day/3#p-k");
    expect(groupLessonHref("g", 3, { passageKey: "k", commentId: "c1" })).toBe("/groups/g/day/3?open=k&comment=c1#c-c1");
    expect(groupLessonHref("g", 3, { passageKey: null, commentId: "c1" })).toBe("/groups/g/day/3?comment=c1#c-c1");
  });
});
