import { describe, expect, it } from "vitest";
import { assignKeys, KEY_LENGTH, textSimilarity, type KeyedPassage, type PassageShape } from "./keys.ts";

const p = (text: string, kind = "paragraph"): PassageShape => ({ kind, text });

const ORIGINAL: PassageShape[] = [
  p("Proofing", "heading"),
  p("Dough rises while yeast turns sugar into gas. A warm kitchen speeds this up. A cold one slows it down."),
  p("Shape the loaf before the final rise so the surface stays tight and holds the gas."),
  p("Bake once a fingertip dent springs back slowly rather than at once."),
  p("Check the oven temperature first.", "list-item"),
];

/** The first revision with its keys, as the database would hold it. */
function firstRevision(passages: PassageShape[]): KeyedPassage[] {
  return assignKeys(null, passages).map(({ key }, index) => ({ ...(passages[index] as PassageShape), key }));
}

const previous = firstRevision(ORIGINAL);
const keysOf = (passages: KeyedPassage[]) => passages.map((passage) => passage.key);

describe("assignKeys: first revision", () => {
  it("gives every passage a new key derived from its text", () => {
    const assigned = assignKeys(null, ORIGINAL);
    expect(assigned.every((a) => a.matchedBy === "new")).toBe(true);
    expect(assigned.every((a) => new RegExp(`^[0-9a-f]{${KEY_LENGTH}}$`).test(a.key))).toBe(true);
    expect(new Set(assigned.map((a) => a.key)).size).toBe(ORIGINAL.length);
  });

  it("is deterministic, so two databases importing the same file agree", () => {
    expect(assignKeys(null, ORIGINAL)).toEqual(assignKeys(null, ORIGINAL.map((passage) => ({ ...passage }))));
  });

  it("ignores differences in white space when deriving keys", () => {
    expect(assignKeys(null, [p("Salt  the\nwater.")])).toEqual(assignKeys(null, [p("Salt the water.")]));
  });

  it("gives identical short paragraphs distinct, deterministic keys", () => {
    const assigned = assignKeys(null, [p("Wait."), p("Knead."), p("Wait.")]);
    expect(assigned[0]?.key).not.toBe(assigned[2]?.key);
    expect(assignKeys(null, [p("Wait."), p("Knead."), p("Wait.")])).toEqual(assigned);
  });
});

describe("assignKeys: later revisions", () => {
  it("keeps every key of an unchanged reading as exact", () => {
    expect(assignKeys(previous, ORIGINAL)).toEqual(previous.map(({ key }) => ({ key, matchedBy: "exact" })));
  });

  it("keeps the key of a paragraph with one sentence edited, and every other key", () => {
    const next = [...ORIGINAL];
    next[1] = p("Dough rises while yeast turns sugar into gas. A warm kitchen speeds this up. A cold fridge slows it right down.");
    const assigned = assignKeys(previous, next);
    expect(assigned.map((a) => a.key)).toEqual(keysOf(previous));
    expect(assigned.map((a) => a.matchedBy)).toEqual(["exact", "edited", "exact", "exact", "exact"]);
  });

  it("keeps the key of a moved paragraph and marks it moved", () => {
    const next = [ORIGINAL[0], ORIGINAL[2], ORIGINAL[3], ORIGINAL[1], ORIGINAL[4]] as PassageShape[];
    const assigned = assignKeys(previous, next);
    expect(assigned.map((a) => a.key)).toEqual([previous[0], previous[2], previous[3], previous[1], previous[4]].map((x) => x?.key));
    expect(assigned.map((a) => a.matchedBy)).toEqual(["exact", "exact", "exact", "moved", "exact"]);
  });

  it("gives an inserted paragraph a new key and leaves the others alone", () => {
    const next = [...ORIGINAL.slice(0, 2), p("Flour with more protein makes a chewier crumb."), ...ORIGINAL.slice(2)];
    const assigned = assignKeys(previous, next);
    expect(assigned.map((a) => a.matchedBy)).toEqual(["exact", "exact", "new", "exact", "exact", "exact"]);
    expect(assigned.filter((a) => a.matchedBy === "exact").map((a) => a.key)).toEqual(keysOf(previous));
    expect(keysOf(previous)).not.toContain(assigned[2]?.key);
  });

  it("drops the key of a deleted paragraph", () => {
    const next = ORIGINAL.filter((_, index) => index !== 2);
    const assigned = assignKeys(previous, next);
    expect(assigned.map((a) => a.key)).toEqual(keysOf(previous).filter((_, index) => index !== 2));
    expect(assigned.every((a) => a.matchedBy === "exact")).toBe(true);
  });

  it("keeps the keys of two identical short paragraphs in order, and of a third added later", () => {
    const before = firstRevision([p("Wait."), p("Knead the dough."), p("Wait.")]);
    const assigned = assignKeys(before, [p("Wait."), p("Knead the dough."), p("Wait."), p("Wait.")]);
    expect(assigned.slice(0, 3).map((a) => a.key)).toEqual(keysOf(before));
    expect(assigned[3]?.matchedBy).toBe("new");
    expect(keysOf(before)).not.toContain(assigned[3]?.key);
  });

  it("gives a rewritten paragraph that shares little with the old a new key", () => {
    const next = [...ORIGINAL];
    next[3] = p("Use a thermometer: the inside of the loaf should reach about ninety-six degrees.");
    const assigned = assignKeys(previous, next);
    expect(assigned[3]?.matchedBy).toBe("new");
    expect(keysOf(previous)).not.toContain(assigned[3]?.key);
  });

  it("never reuses a previous key for a new passage, even one derived from the same text", () => {
    // An earlier edit kept the key derived from "Salt the water."; that text now comes back as a new passage.
    const [original] = firstRevision([p("Salt the water.")]) as [KeyedPassage];
    const edited = { ...original, text: "Salt the water well before the flour goes in." };
    const assigned = assignKeys([edited], [p(edited.text), p("Salt the water.")]);
    expect(assigned[0]).toEqual({ key: original.key, matchedBy: "exact" });
    expect(assigned[1]?.matchedBy).toBe("new");
    expect(assigned[1]?.key).not.toBe(original.key);
    expect(assignKeys([edited], [p(edited.text), p("Salt the water.")])).toEqual(assigned);
  });

  it("treats a change of kind with the same text as an edit", () => {
    const before = firstRevision([p("Shaping", "paragraph")]);
    expect(assignKeys(before, [p("Shaping", "heading")])).toEqual([{ key: before[0]?.key, matchedBy: "edited" }]);
  });

  it("prefers the nearer of two equally similar predecessors", () => {
    const mix = "Mix flour and water for a minute.";
    const before = firstRevision([p(mix), p("Rest."), p("Fold."), p("Shape."), p(mix)]);
    const assigned = assignKeys(before, [p("Rest."), p("Fold."), p("Shape."), p("Mix flour and water for two minutes.")]);
    expect(assigned[3]).toEqual({ key: before[4]?.key, matchedBy: "edited" });
  });

  it("handles an empty next revision and an empty previous one", () => {
    expect(assignKeys(previous, [])).toEqual([]);
    expect(assignKeys([], [p("Salt.")])).toEqual([{ key: expect.any(String), matchedBy: "new" }]);
  });
});

describe("textSimilarity", () => {
  it("is 1 for the same words regardless of case and punctuation, and low for unrelated text", () => {
    expect(textSimilarity("Salt the water.", "salt THE water")).toBe(1);
    expect(textSimilarity("Salt the water.", "Preheat the oven early")).toBeLessThan(0.4);
    expect(textSimilarity("—", "—")).toBe(1);
    expect(textSimilarity("—", "–")).toBe(0);
  });
});
