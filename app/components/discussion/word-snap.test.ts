import { describe, expect, it } from "vitest";
import { sentenceRanges, snapToWords, wordRanges } from "./word-snap.ts";

const cases = (useSegmenter: boolean) => {
  const snap = (text: string, start: number, end: number) => {
    const range = snapToWords(text, { start, end }, { useSegmenter });
    return text.slice(range.start, range.end);
  };

  it("widens a selection cut inside words to the whole words", () => {
    const text = "A transaction either commits or aborts.";
    expect(snap(text, 5, 24)).toBe("transaction either commits");
    expect(snap(text, 2, 13)).toBe("transaction");
  });

  it("keeps a selection that already ends on word edges, trimming white space", () => {
    const text = "Write-ahead logging keeps promises.";
    expect(snap(text, 19, 26)).toBe("keeps");
  });

  it("leaves punctuation at the edges as selected", () => {
    const text = "It commits, then returns.";
    expect(snap(text, 3, 11)).toBe("commits,");
  });

  it("handles accents, combining marks and astral characters", () => {
    const text = "Le café noir — naïve façade 𝒜lpha";
    expect(snap(text, 4, 6)).toBe("café");
    const decomposed = "cafe\u0301 au lait";
    expect(snap(decomposed, 1, 2)).toBe("cafe\u0301");
    const astral = text.indexOf("𝒜");
    expect(snap(text, astral + 3, astral + 4)).toBe("𝒜lpha");
  });

  it("returns an empty range for white space only", () => {
    const range = snapToWords("one   two", { start: 4, end: 5 }, { useSegmenter });
    expect(range.start).toBe(range.end);
  });

  it("clamps a range outside the text", () => {
    const text = "short text";
    expect(snap(text, 7, 99)).toBe("text");
  });
};

describe("snapToWords with Intl.Segmenter", () => cases(true));
describe("snapToWords without Intl.Segmenter", () => cases(false));

describe("wordRanges", () => {
  it("finds CJK words with the segmenter", () => {
    const words = wordRanges("数据库 保证", { locale: "zh" });
    expect(words.length).toBeGreaterThanOrEqual(2);
  });
});

describe("sentenceRanges", () => {
  for (const useSegmenter of [true, false]) {
    it(`splits a passage into trimmed sentences (${useSegmenter ? "Intl.Segmenter" : "fallback"})`, () => {
      const text = "It works, but it is slow. Each costs a random write! Why? Because.";
      const sentences = sentenceRanges(text, { useSegmenter }).map((range) => text.slice(range.start, range.end));
      expect(sentences).toEqual(["It works, but it is slow.", "Each costs a random write!", "Why?", "Because."]);
    });
  }
});
