/**
 * A quote is made of whole words: a selection that starts or ends inside a word is widened to the
 * word's edges. Words are found with Intl.Segmenter (Unicode word boundaries: accents, CJK, emoji and
 * surrogate pairs stay whole) where the runtime has it, else with a Unicode letter/number pattern.
 * Offsets are UTF-16 code units, as everywhere else in the reader. Pure.
 */

export interface TextRange {
  start: number;
  end: number;
}

type Segment = { index: number; segment: string; isWordLike?: boolean };

const WORD_CHAR = /[\p{L}\p{N}\p{M}\p{Pc}'’-]/u;

function segmenter(locale?: string): { segment(text: string): Iterable<Segment> } | null {
  const Segmenter = (Intl as unknown as { Segmenter?: new (locale?: string, options?: { granularity: "word" }) => { segment(text: string): Iterable<Segment> } }).Segmenter;
  return Segmenter ? new Segmenter(locale, { granularity: "word" }) : null;
}

/** The words of `text` as [start, end) ranges, in order. */
export function wordRanges(text: string, options: { locale?: string; useSegmenter?: boolean } = {}): TextRange[] {
  const words: TextRange[] = [];
  const seg = options.useSegmenter === false ? null : segmenter(options.locale);
  if (seg) {
    for (const part of seg.segment(text)) {
      if (part.isWordLike) words.push({ start: part.index, end: part.index + part.segment.length });
    }
    return words;
  }
  let start = -1;
  for (let i = 0; i <= text.length; ) {
    const code = i < text.length ? text.codePointAt(i)! : -1;
    const size = code > 0xffff ? 2 : 1;
    const inWord = code >= 0 && WORD_CHAR.test(String.fromCodePoint(code));
    if (inWord && start < 0) start = i;
    if (!inWord && start >= 0) {
      words.push({ start, end: i });
      start = -1;
    }
    i += code < 0 ? 1 : size;
  }
  return words;
}

/**
 * `range` widened so that it neither starts nor ends inside a word, then trimmed of white space at
 * either end. A range that covers no word at all (only punctuation) is returned trimmed, not widened.
 */
export function snapToWords(text: string, range: TextRange, options: { locale?: string; useSegmenter?: boolean } = {}): TextRange {
  let start = Math.max(0, Math.min(range.start, text.length));
  let end = Math.max(start, Math.min(range.end, text.length));
  for (const word of wordRanges(text, options)) {
    if (word.end <= start) continue;
    if (word.start >= end) break;
    // This word overlaps the range: take all of it if the range cuts it.
    if (word.start < start) start = word.start;
    if (word.end > end) end = word.end;
  }
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return { start, end };
}

/**
 * The sentences of `text` as [start, end) ranges, trimmed of white space (Intl.Segmenter where the
 * runtime has it, else split after . ! ? … followed by white space). The composer's "Quote a
 * sentence" list: a keyboard way to quote without selecting.
 */
export function sentenceRanges(text: string, options: { locale?: string; useSegmenter?: boolean } = {}): TextRange[] {
  const raw: TextRange[] = [];
  const Segmenter = (Intl as unknown as { Segmenter?: new (locale?: string, options?: { granularity: "sentence" }) => { segment(text: string): Iterable<Segment> } }).Segmenter;
  if (Segmenter && options.useSegmenter !== false) {
    for (const part of new Segmenter(options.locale, { granularity: "sentence" }).segment(text)) raw.push({ start: part.index, end: part.index + part.segment.length });
  } else {
    let start = 0;
    for (const match of text.matchAll(/[.!?…]+["'”’)\]]*\s+/gu)) {
      const end = match.index + match[0].length;
      raw.push({ start, end });
      start = end;
    }
    if (start < text.length) raw.push({ start, end: text.length });
  }
  const sentences: TextRange[] = [];
  for (let { start, end } of raw) {
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (start < end) sentences.push({ start, end });
  }
  return sentences;
}
