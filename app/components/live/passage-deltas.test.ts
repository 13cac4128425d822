import { describe, expect, it } from "vitest";
import type { LessonData, ThreadView } from "~/components/discussion/types.ts";
import { applyDeltas, deltaHref, mergePassageDelta, targetOf, targetsOf, type PassageDelta } from "./passage-deltas.ts";

const thread = (id: string, passageKey: string) => ({ id, passageKey, replies: [] }) as unknown as ThreadView;

function page(): LessonData {
  return {
    group: { id: "g1" },
    lesson: { day: 3 },
    filter: "all",
    threads: { open: [thread("t1", "open")] },
    orphans: [],
    shown: { open: 1, other: 2 },
    counts: { open: { threads: 1, concealedAnswers: 0, confused: 0 }, other: { threads: 2, concealedAnswers: 1, confused: 0 } },
    newIds: { other: ["x"] },
    answeredPrompts: ["other"],
    highlights: { open: [{ start: 0, end: 3, ids: ["t1"] }] },
    members: [],
    keyAnswers: [
      { id: "k1", passageKey: "first", author: "A", body: "a", kind: "comment" },
      { id: "k2", passageKey: "other", author: "B", body: "b", kind: "comment" },
      { id: "k3", passageKey: "last", author: "C", body: "c", kind: "comment" },
    ],
  } as unknown as LessonData;
}

const delta = (over: Partial<PassageDelta>): PassageDelta => ({
  passageKey: "open",
  seq: 10,
  threads: null,
  shown: 0,
  counts: null,
  highlights: null,
  newIds: [],
  answered: false,
  keyAnswers: [],
  members: [{ id: "u1", displayName: "Ann", handle: "ann" }],
  ...over,
});

describe("merging a passage's delta into the page", () => {
  it("replaces the open passage's threads, counts, highlight and new markers", () => {
    const merged = mergePassageDelta(page(), delta({ threads: [thread("t1", "open"), thread("t2", "open")], shown: 2, counts: { threads: 2, concealedAnswers: 0, confused: 1 }, highlights: [{ start: 0, end: 9, ids: ["t1", "t2"] }], newIds: ["t2"] }));
    expect(merged.threads.open!.map((root) => root.id)).toEqual(["t1", "t2"]);
    expect(merged.shown.open).toBe(2);
    expect(merged.counts.open).toEqual({ threads: 2, concealedAnswers: 0, confused: 1 });
    expect(merged.highlights.open).toEqual([{ start: 0, end: 9, ids: ["t1", "t2"] }]);
    expect(merged.newIds.open).toEqual(["t2"]);
    expect(merged.members).toEqual([{ id: "u1", displayName: "Ann", handle: "ann" }]);
    // Other passages are as they were.
    expect(merged.shown.other).toBe(2);
    expect(merged.counts.other).toEqual(page().counts.other);
  });

  it("leaves a panel the page has not loaded unloaded, and removes what the passage no longer has", () => {
    const merged = mergePassageDelta(page(), delta({ passageKey: "other", threads: null, shown: 0, counts: null, answered: false, newIds: [] }));
    expect("other" in merged.threads).toBe(false);
    expect("other" in merged.shown).toBe(false);
    expect("other" in merged.counts).toBe(false);
    expect("other" in merged.newIds).toBe(false);
    expect(merged.answeredPrompts).toEqual([]);
    expect(merged.keyAnswers.map((key) => key.id)).toEqual(["k1", "k3"]);
  });

  it("puts the passage's key answers where its old ones were, and adds an answered prompt", () => {
    const answer = { id: "k9", passageKey: "other", author: "D", body: "d", kind: "answer", tree: [] };
    const merged = mergePassageDelta(page(), delta({ passageKey: "other", keyAnswers: [answer], answered: true, shown: 2 }));
    expect(merged.keyAnswers.map((key) => key.id)).toEqual(["k1", "k9", "k3"]);
    expect(merged.answeredPrompts).toEqual(["other"]);
    const fresh = mergePassageDelta(page(), delta({ passageKey: "new", keyAnswers: [{ ...answer, passageKey: "new" }], answered: true }));
    expect(fresh.keyAnswers.map((key) => key.id)).toEqual(["k1", "k2", "k3", "k9"]);
    expect(fresh.answeredPrompts).toEqual(["other", "new"]);
  });

  it("applies only the deltas newer than the loaded data", () => {
    const data = page();
    expect(applyDeltas(data, 10, [delta({ seq: 10, shown: 5 })])).toBe(data);
    expect(applyDeltas(data, 9, [delta({ seq: 10, shown: 5 })]).shown.open).toBe(5);
  });
});

describe("what a page asks for", () => {
  it("a change on a passage names the passage; a redacted one (or one on no passage) its seq", () => {
    expect(targetOf({ seq: 4, passageKey: "p1", commentId: "c1" })).toEqual({ passageKey: "p1" });
    expect(targetOf({ seq: 4, passageKey: null, commentId: "" })).toEqual({ seq: 4 });
    expect(targetOf({ seq: 5, passageKey: null, commentId: "c1" })).toEqual({ seq: 5 });
  });

  it("a join's missed changes become one fetch per passage, or a full load when there are too many", () => {
    const changes = [
      { seq: 1, passageKey: "a", commentId: "c1" },
      { seq: 2, passageKey: "a", commentId: "c2" },
      { seq: 3, passageKey: null, commentId: "" },
      { seq: 4, passageKey: "b", commentId: "c3" },
    ];
    expect(targetsOf(changes)).toEqual([{ passageKey: "a" }, { seq: 3 }, { passageKey: "b" }]);
    expect(targetsOf(changes, 2)).toBeNull();
  });

  it("asks for the threads only of a panel it shows, with its filter", () => {
    const data = page();
    expect(deltaHref(data, { passageKey: "open" })).toBe("/api/groups/g1/day/3/passage?key=open&threads=1");
    expect(deltaHref({ ...data, filter: "mine" }, { passageKey: "other" })).toBe("/api/groups/g1/day/3/passage?key=other&filter=mine");
    expect(deltaHref(data, { seq: 7 })).toBe("/api/groups/g1/day/3/passage?seq=7&threads=1");
  });
});
