import { describe, expect, it } from "vitest";
import {
  ACCEPT_SCORE,
  makeQuoteSelector,
  QUOTE_CONTEXT_LENGTH,
  reanchor,
  reanchorAll,
  validateQuote,
  type Anchor,
  type PassageText,
  type QuoteSelector,
} from "./anchoring.ts";
import { assignKeys } from "./keys.ts";

const HEADING = "Reading the weather";
const WIND =
  "Before you leave the mooring, look at the sky and feel the wind on your face. A steady breeze from the west usually means fair sailing, " +
  "but the wind can turn within the hour. Watch the clouds over the headland: when they build, the wind will follow.";
const REEF =
  "Reef early. It is far easier to tuck a reef into the mainsial at the dock than to wrestle with flogging canvas in a rising sea. " +
  "If you wonder whether it is time to reef, it was time ten minutes ago.";
const TIDE =
  "Check the tide tables the night before. A fair tide can add two knots to your speed over ground; a foul tide against a fresh breeze " +
  "raises short, steep waves that slow the boat and soak the crew.";
const KNOT =
  "Practise the bowline until you can tie it with your eyes closed, because a line that cannot be untied after it has been loaded " +
  "is a line that will have to be cut.";

const PREVIOUS: PassageText[] = [
  { key: "k-head", text: HEADING },
  { key: "k-wind", text: WIND },
  { key: "k-reef", text: REEF },
  { key: "k-tide", text: TIDE },
  { key: "k-knot", text: KNOT },
];

/** The passages of PREVIOUS with some texts replaced (by key). */
function revise(changes: Record<string, string>, passages: PassageText[] = PREVIOUS): PassageText[] {
  return passages.map((passage) => ({ key: passage.key, text: changes[passage.key] ?? passage.text }));
}

function textOf(passages: PassageText[], key: string): string {
  const passage = passages.find((p) => p.key === key);
  if (!passage) throw new Error(`no passage ${key}`);
  return passage.text;
}

/** The selector of the `nth` occurrence (from 0) of `exact` in a passage of PREVIOUS. */
function quoteIn(key: string, exact: string, nth = 0, passages: PassageText[] = PREVIOUS): QuoteSelector {
  const text = textOf(passages, key);
  let at = -1;
  for (let seen = 0; seen <= nth; seen++) {
    at = text.indexOf(exact, at + 1);
    if (at === -1) throw new Error(`"${exact}" occurs fewer than ${nth + 1} times in ${key}`);
  }
  const selector = makeQuoteSelector(text, at, at + exact.length);
  if (!selector) throw new Error("no selector");
  return selector;
}

const anchorOn = (key: string, exact: string, nth = 0): Anchor => ({ passageKey: key, quote: quoteIn(key, exact, nth) });

describe("makeQuoteSelector", () => {
  it("round-trips: the selector points at its text, with up to 32 characters of context, and re-anchors exactly", () => {
    const start = REEF.indexOf("It is far");
    const selector = makeQuoteSelector(REEF, start, start + 40);
    expect(selector).not.toBeNull();
    const { exact, prefix, suffix, start: s, end: e } = selector as QuoteSelector;
    expect(REEF.slice(s, e)).toBe(exact);
    expect(exact).toBe("It is far easier to tuck a reef into the");
    expect(prefix).toBe("Reef early. ");
    expect(suffix).toHaveLength(QUOTE_CONTEXT_LENGTH);
    expect(REEF.slice(e, e + QUOTE_CONTEXT_LENGTH)).toBe(suffix);
    expect(validateQuote(REEF, selector as QuoteSelector)).toEqual(selector);
    const result = reanchor({ passageKey: "k-reef", quote: selector }, PREVIOUS, PREVIOUS);
    expect(result).toEqual({ status: "exact", passageKey: "k-reef", quote: selector, score: 1, changed: false });
  });

  it("trims white space around the selection and keeps full context in a long passage", () => {
    const start = WIND.indexOf(" A steady breeze");
    const selector = makeQuoteSelector(WIND, start, start + " A steady breeze ".length) as QuoteSelector;
    expect(selector.exact).toBe("A steady breeze");
    expect(selector.start).toBe(start + 1);
    expect(selector.prefix).toBe(WIND.slice(start + 1 - QUOTE_CONTEXT_LENGTH, start + 1));
    expect(selector.suffix).toBe(WIND.slice(selector.end, selector.end + QUOTE_CONTEXT_LENGTH));
  });

  it("returns null for an empty, blank, reversed, fractional or out-of-range selection", () => {
    expect(makeQuoteSelector(REEF, 5, 5)).toBeNull();
    expect(makeQuoteSelector("a    b", 1, 5)).toBeNull();
    expect(makeQuoteSelector(REEF, 12, 4)).toBeNull();
    expect(makeQuoteSelector(REEF, 1.5, 8)).toBeNull();
    expect(makeQuoteSelector(REEF, -1, 8)).toBeNull();
    expect(makeQuoteSelector(REEF, 0, REEF.length + 1)).toBeNull();
  });

  it("never cuts a character made of two code units", () => {
    const text = "Fair winds ⛵🌊 and following seas";
    const wave = text.indexOf("🌊");
    const selector = makeQuoteSelector(text, wave + 1, wave + 6) as QuoteSelector;
    expect(selector.exact.startsWith("🌊")).toBe(true);
  });
});

describe("validateQuote", () => {
  it("refuses a quote that does not occur in the passage", () => {
    const forged: QuoteSelector = { exact: "heave to in a gale", prefix: "", suffix: "", start: 0, end: 18 };
    expect(validateQuote(REEF, forged)).toBeNull();
    expect(validateQuote(REEF, { ...forged, exact: "   " })).toBeNull();
  });

  it("corrects wrong offsets and takes context from the text, not from the client", () => {
    const real = quoteIn("k-reef", "tuck a reef");
    const sent: QuoteSelector = { ...real, prefix: "anything", suffix: "at all", start: 0, end: 11 };
    expect(validateQuote(REEF, sent)).toEqual(real);
  });

  it("with wrong offsets, picks the occurrence whose context the client sent", () => {
    const third = quoteIn("k-wind", "the wind", 2);
    expect(validateQuote(WIND, { ...third, start: 3, end: 11 })).toEqual(third);
  });
});

describe("reanchor", () => {
  it("keeps every anchor exact on an unchanged revision", () => {
    const anchors = [anchorOn("k-wind", "the wind", 1), anchorOn("k-reef", "Reef early."), anchorOn("k-tide", "a foul tide"), { passageKey: "k-knot", quote: null }];
    for (const [index, result] of reanchorAll(anchors, PREVIOUS, PREVIOUS).entries()) {
      const anchor = anchors[index] as Anchor;
      expect(result).toEqual({ status: "exact", passageKey: anchor.passageKey, quote: anchor.quote, score: 1, changed: false });
    }
  });

  it("follows a copy-edit inside the quote (a typo fixed, a word changed): fuzzy, same passage, new offsets", () => {
    const anchor = anchorOn("k-reef", "far easier to tuck a reef into the mainsial at the dock");
    const edited = REEF.replace("mainsial at the dock", "mainsail at the quay");
    const result = reanchor(anchor, PREVIOUS, revise({ "k-reef": edited }));
    const expected = "far easier to tuck a reef into the mainsail at the quay";
    expect(result.status).toBe("fuzzy");
    expect(result.passageKey).toBe("k-reef");
    expect(result.changed).toBe(true);
    expect(result.quote?.exact).toBe(expected);
    expect(result.quote?.start).toBe(edited.indexOf(expected));
    expect(result.quote?.end).toBe(edited.indexOf(expected) + expected.length);
    expect(result.score).toBeGreaterThanOrEqual(ACCEPT_SCORE);
  });

  it("shifts the offsets after a copy-edit earlier in the passage, and stays exact", () => {
    const anchor = anchorOn("k-reef", "If you wonder whether it is time to reef");
    const edited = REEF.replace("Reef early.", "Reef early, and reef often.").replace("mainsial", "mainsail");
    const result = reanchor(anchor, PREVIOUS, revise({ "k-reef": edited }));
    const start = edited.indexOf("If you wonder");
    expect(start).not.toBe(anchor.quote?.start);
    expect(result).toMatchObject({ status: "exact", passageKey: "k-reef", changed: false });
    expect(result.score).toBeGreaterThan(0.95);
    expect(result.quote).toEqual(makeQuoteSelector(edited, start, start + "If you wonder whether it is time to reef".length));
  });

  it("stays exact when a copy-edit touches only the quote's context", () => {
    const anchor = anchorOn("k-tide", "a foul tide against a fresh breeze");
    const edited = TIDE.replace("speed over ground", "speed over the ground");
    const result = reanchor(anchor, PREVIOUS, revise({ "k-tide": edited }));
    expect(result).toMatchObject({ status: "exact", passageKey: "k-tide", changed: false });
    expect(result.quote?.start).toBe(edited.indexOf("a foul tide"));
  });

  it("keeps an anchor in a moved paragraph (same key, another position)", () => {
    const next = [PREVIOUS[0], PREVIOUS[3], PREVIOUS[1], PREVIOUS[4], PREVIOUS[2]] as PassageText[];
    const anchor = anchorOn("k-reef", "flogging canvas in a rising sea");
    expect(reanchor(anchor, PREVIOUS, next)).toEqual({ status: "exact", passageKey: "k-reef", quote: anchor.quote, score: 1, changed: false });
  });

  it("follows a quote into another paragraph when its paragraph was split (new key, context intact)", () => {
    const split = WIND.indexOf("Watch the clouds");
    const next: PassageText[] = [
      PREVIOUS[0] as PassageText,
      { key: "k-wind", text: WIND.slice(0, split).trim() },
      { key: "k-clouds", text: WIND.slice(split) },
      ...PREVIOUS.slice(2),
    ];
    const anchor = anchorOn("k-wind", "Watch the clouds over the headland");
    const result = reanchor(anchor, PREVIOUS, next);
    expect(result).toMatchObject({ status: "moved", passageKey: "k-clouds", changed: true });
    expect(result.quote).toEqual(makeQuoteSelector(WIND.slice(split), 0, "Watch the clouds over the headland".length));
    expect(result.score).toBeGreaterThanOrEqual(ACCEPT_SCORE);
    // A short quote opening the split-off paragraph: one side intact, the other hidden by the edge.
    expect(reanchor(anchorOn("k-wind", "Watch"), PREVIOUS, next)).toMatchObject({ status: "moved", passageKey: "k-clouds" });
  });

  it("follows a whole sentence moved on its own into another paragraph", () => {
    const sentence = "If you wonder whether it is time to reef, it was time ten minutes ago.";
    const next = revise({
      "k-reef": REEF.replace(` ${sentence}`, ""),
      "k-tide": `${TIDE} ${sentence}`,
    });
    const result = reanchor(anchorOn("k-reef", sentence), PREVIOUS, next);
    expect(result).toMatchObject({ status: "moved", passageKey: "k-tide", changed: true });
    expect(result.quote?.start).toBe(textOf(next, "k-tide").indexOf(sentence));
  });

  it("follows a long, unique sentence moved to the start of another paragraph, where no context agrees", () => {
    const sentence = "It is far easier to tuck a reef into the mainsial at the dock than to wrestle with flogging canvas in a rising sea.";
    const next = revise({ "k-reef": REEF.replace(` ${sentence}`, ""), "k-knot": `${sentence} ${KNOT}` });
    const result = reanchor(anchorOn("k-reef", sentence), PREVIOUS, next);
    expect(result).toMatchObject({ status: "moved", passageKey: "k-knot", changed: true });
    expect(result.quote?.start).toBe(0);
  });

  it("does not follow a shorter phrase moved on its own to where no context agrees", () => {
    const phrase = "flogging canvas in a rising sea";
    const next = revise({ "k-reef": REEF.replace(phrase, "a wild sea"), "k-knot": `Nobody likes ${phrase}. ${KNOT}` });
    expect(reanchor(anchorOn("k-reef", phrase), PREVIOUS, next).status).toBe("orphan");
  });

  it("reports an exact quote whose surroundings in its own passage were rewritten as moved", () => {
    const anchor = anchorOn("k-knot", "a line that will have to be cut");
    const edited = "Learn the bowline first. If a knot jams under load, a line that will have to be cut is the price of a bad choice.";
    const result = reanchor(anchor, PREVIOUS, revise({ "k-knot": edited }));
    expect(result).toMatchObject({ status: "moved", passageKey: "k-knot", changed: true });
    expect(result.quote?.start).toBe(edited.indexOf("a line that will"));
  });

  it("picks the occurrence of a repeated short quote that matches its context, not the first or the one at the old offset", () => {
    const anchor = anchorOn("k-wind", "the wind", 1); // "but the wind can turn"
    const first = WIND.indexOf("the wind");
    const second = anchor.quote?.start as number;
    // Insert exactly enough text before the first "the wind" to bring it to the old offset of the second.
    const filler = "Old hands say the sky will tell you more than any forecast you can buy, and they are seldom wrong about it at all, truly. ";
    const insertion = filler.repeat(3).slice(0, second - first - 1) + " ";
    const edited = insertion + WIND;
    expect(edited.slice(second, second + "the wind".length)).toBe("the wind"); // a naive same-offset check would take the first
    const result = reanchor(anchor, PREVIOUS, revise({ "k-wind": edited }));
    expect(result.status).toBe("exact");
    expect(result.quote?.start).toBe(edited.indexOf("but the wind can turn") + "but ".length);
    expect(result.quote?.suffix.startsWith(" can turn within the hour")).toBe(true);
  });

  it("picks the third occurrence of a repeated short quote after the passage is edited in front of it", () => {
    const anchor = anchorOn("k-wind", "the wind", 2); // "the wind will follow"
    const edited = WIND.replace("Before you leave the mooring", "Before you cast off").replace("fair sailing", "fair and easy sailing");
    const result = reanchor(anchor, PREVIOUS, revise({ "k-wind": edited }));
    expect(result).toMatchObject({ status: "exact", passageKey: "k-wind", changed: false });
    expect(result.quote?.start).toBe(edited.indexOf("the wind will follow"));
  });

  it("never matches a short quote by chance: edited, or only present in a rewritten context, it is an orphan", () => {
    const typo = anchorOn("k-reef", "Reef early.");
    // "early" → "daily" is two characters, within 25% of 11, and the context is intact: still no fuzzy match.
    expect(reanchor(typo, PREVIOUS, revise({ "k-reef": REEF.replace("Reef early.", "Reef daily.") })).status).toBe("orphan");
    const windy = anchorOn("k-wind", "the wind", 1);
    const rewritten = "Clouds piling up over the headland are the surest sign; when they build, expect the wind to follow within the hour.";
    expect(reanchor(windy, PREVIOUS, revise({ "k-wind": rewritten }))).toMatchObject({ status: "orphan", passageKey: null, quote: null });
  });

  it("does not move a short quote to another changed paragraph where its context is only half similar", () => {
    const next = revise({ "k-reef": `${REEF} Big steep waves slow the boat and wet the crew.` }).filter((passage) => passage.key !== "k-tide");
    const result = reanchor(anchorOn("k-tide", "the boat"), PREVIOUS, next);
    expect(result).toMatchObject({ status: "orphan", passageKey: null });
    expect(result.score).toBeGreaterThanOrEqual(ACCEPT_SCORE); // good enough for a longer quote, not for a short one
  });

  it("moves a short quote whose sentence moved, lightly edited, into another paragraph with its context", () => {
    const next = revise({ "k-reef": `${REEF} Short, steep waves slow the boat and soak the crew.` }).filter((passage) => passage.key !== "k-tide");
    expect(reanchor(anchorOn("k-tide", "the boat"), PREVIOUS, next)).toMatchObject({ status: "moved", passageKey: "k-reef", changed: true });
  });

  it("makes an anchor in a deleted paragraph an orphan, even though its words occur elsewhere", () => {
    const next = PREVIOUS.filter((passage) => passage.key !== "k-tide");
    for (const anchor of [anchorOn("k-tide", "a fresh breeze"), anchorOn("k-tide", "Check the tide tables the night before."), { passageKey: "k-tide", quote: null }]) {
      expect(reanchor(anchor, PREVIOUS, next)).toEqual({ status: "orphan", passageKey: null, quote: null, score: 0, changed: true });
    }
  });

  it("does not jump to the same words that were already in another paragraph, changed or not", () => {
    const repeated = "Check the tide tables the night before. A fair tide can add two knots";
    const previous = revise({ "k-knot": `${KNOT} ${repeated}.` });
    const anchor: Anchor = { passageKey: "k-tide", quote: quoteIn("k-tide", "Check the tide tables", 0, previous) };
    const unchanged = previous.filter((passage) => passage.key !== "k-tide");
    expect(reanchor(anchor, previous, unchanged).status).toBe("orphan");
    const edited = revise({ "k-knot": `${KNOT.replace("Practise", "Practice")} ${repeated}.` }, unchanged);
    expect(reanchor(anchor, previous, edited).status).toBe("orphan");
    // Whereas the same words newly added there, with their context, are where the quote went.
    const moved = revise({ "k-knot": `${KNOT} ${repeated}.` }).filter((passage) => passage.key !== "k-tide");
    expect(reanchor(anchor, PREVIOUS, moved)).toMatchObject({ status: "moved", passageKey: "k-knot" });
  });

  describe("a rewritten look-alike paragraph becomes an orphan, not a wrong match", () => {
    // Same topic, same sentence shapes, the advice reversed.
    const lookAlike =
      "Shake out a reef late. It is far harder to ease a reef out of the mainsail at sea than to leave it tucked in until the harbour. " +
      "If you wonder whether it is time to shake out, give it ten more minutes.";
    const anchors = [
      anchorOn("k-reef", "If you wonder whether it is time to reef"),
      anchorOn("k-reef", "It is far easier to tuck a reef into the mainsial"),
      anchorOn("k-reef", "it was time ten minutes ago"),
      anchorOn("k-reef", "Reef early."),
    ];

    it("when the rewrite is close enough for keys.ts to keep the key", () => {
      const next = revise({ "k-reef": lookAlike });
      const keys = assignKeys(
        PREVIOUS.map((passage) => ({ ...passage, kind: "paragraph" })),
        next.map((passage) => ({ kind: "paragraph", text: passage.text })),
      );
      expect(keys[2]).toEqual({ key: "k-reef", matchedBy: "edited" });
      for (const result of reanchorAll(anchors, PREVIOUS, next)) {
        expect(result).toMatchObject({ status: "orphan", passageKey: null, quote: null, changed: true });
        expect(result.score).toBeLessThan(ACCEPT_SCORE);
      }
    });

    it("when it has a new key", () => {
      const rewritten =
        "Keep full sail as long as the boat stands up to it. Trimming well matters more than shortening sail early in a freshening breeze. " +
        "When you ask yourself whether it is time, it usually is not.";
      const next = PREVIOUS.map((passage) => (passage.key === "k-reef" ? { key: "k-trim", text: rewritten } : passage));
      for (const result of reanchorAll(anchors, PREVIOUS, next)) expect(result.status).toBe("orphan");
      const withLookAlike = PREVIOUS.map((passage) => (passage.key === "k-reef" ? { key: "k-late", text: lookAlike } : passage));
      for (const result of reanchorAll(anchors, PREVIOUS, withLookAlike)) expect(result.status).toBe("orphan");
    });
  });

  describe("passage-only anchors", () => {
    const anchor: Anchor = { passageKey: "k-reef", quote: null };

    it("stay on an edited passage with changed=true", () => {
      expect(reanchor(anchor, PREVIOUS, revise({ "k-reef": REEF.replace("mainsial", "mainsail") }))).toEqual({
        status: "exact",
        passageKey: "k-reef",
        quote: null,
        score: 1,
        changed: true,
      });
    });

    it("ignore white-space-only changes", () => {
      expect(reanchor(anchor, PREVIOUS, revise({ "k-reef": REEF.replace("Reef early. ", "Reef early.  ") })).changed).toBe(false);
    });

    it("become orphans when their key is gone", () => {
      expect(reanchor(anchor, PREVIOUS, PREVIOUS.filter((passage) => passage.key !== "k-reef")).status).toBe("orphan");
    });
  });
});

describe("reanchorAll", () => {
  it("gives the same results as reanchor one by one, in order, with duplicates resolved independently", () => {
    const anchors: Anchor[] = [
      anchorOn("k-reef", "far easier to tuck a reef into the mainsial at the dock"),
      anchorOn("k-wind", "the wind", 1),
      anchorOn("k-tide", "a fresh breeze"),
      { passageKey: "k-knot", quote: null },
      anchorOn("k-reef", "far easier to tuck a reef into the mainsial at the dock"),
      anchorOn("k-head", "weather"),
    ];
    const next = revise({ "k-reef": REEF.replace("mainsial", "mainsail") }).filter((passage) => passage.key !== "k-tide");
    const all = reanchorAll(anchors, PREVIOUS, next);
    expect(all).toEqual(anchors.map((anchor) => reanchor(anchor, PREVIOUS, next)));
    expect(all.map((result) => result.status)).toEqual(["fuzzy", "exact", "orphan", "exact", "fuzzy", "exact"]);
    expect(all[0]).not.toBe(all[4]);
    expect(all[0]?.quote).not.toBe(all[4]?.quote);
  });

  it("works with keys assigned by keys.ts for a typical revision", () => {
    const previous = PREVIOUS.map((passage) => ({ ...passage, kind: "paragraph" }));
    const texts = [HEADING, TIDE, WIND.replace("headland", "point"), REEF.replace("mainsial", "mainsail"), "Always carry a knife on deck."];
    const next = assignKeys(previous, texts.map((text) => ({ kind: "paragraph", text }))).map(({ key }, index) => ({ key, text: texts[index] as string }));
    const anchors = [
      anchorOn("k-wind", "Watch the clouds over the headland"),
      anchorOn("k-reef", "flogging canvas"),
      anchorOn("k-tide", "a foul tide"),
      anchorOn("k-knot", "Practise the bowline"),
    ];
    expect(reanchorAll(anchors, PREVIOUS, next).map((result) => [result.status, result.passageKey, result.quote?.exact])).toEqual([
      ["fuzzy", "k-wind", "Watch the clouds over the point"],
      ["exact", "k-reef", "flogging canvas"],
      ["exact", "k-tide", "a foul tide"],
      ["orphan", null, undefined],
    ]);
  });
});
