/**
 * Stable passage keys across revisions of a reading (docs/content-format.md, "Revisions and stable keys").
 * Discussion threads hang on these keys, so a key must survive unchanged, moved and lightly edited passages,
 * and the same file imported into two databases must get the same keys.
 */
import { sha256Hex } from "./checksum.ts";

export interface PassageShape {
  kind: string;
  text: string;
}

export interface KeyedPassage extends PassageShape {
  key: string;
}

export type KeyMatch = "new" | "exact" | "moved" | "edited";

export interface AssignedKey {
  key: string;
  matchedBy: KeyMatch;
}

export const KEY_LENGTH = 8;
/** Minimum word-overlap (Dice) for a changed passage to keep its predecessor's key. */
export const EDIT_SIMILARITY_THRESHOLD = 0.6;
/** Added to the score of a same-kind candidate, so a paragraph prefers to inherit from a paragraph. */
const SAME_KIND_BONUS = 0.05;
/** Above this many cells the exact alignment falls back to prefix/suffix only (the rest is found as `moved`). */
const MAX_ALIGNMENT_CELLS = 4_000_000;
/** With many unmatched passages, edits are only looked for this far away (in passage positions). */
const MAX_EDIT_PAIRS = 250_000;
const EDIT_WINDOW = 200;

/** Text as compared for identity and hashed for keys: Unicode-normalised, runs of white space collapsed. */
export function normalizePassageText(text: string): string {
  return text.normalize("NFC").replace(/\s+/g, " ").trim();
}

/**
 * Keys for `next` (the new revision), reusing `previous` keys where passages survive.
 * `previous` is null for a reading's first revision: every passage is `new`.
 */
export function assignKeys(previous: readonly KeyedPassage[] | null, next: readonly PassageShape[]): AssignedKey[] {
  const before = previous ?? [];
  const assigned: (AssignedKey | undefined)[] = new Array(next.length);
  const usedBefore = new Array<boolean>(before.length).fill(false);
  const identity = (passage: PassageShape) => `${passage.kind}\u0000${normalizePassageText(passage.text)}`;
  const beforeIds = before.map(identity);
  const nextIds = next.map(identity);

  const reuse = (beforeIndex: number, nextIndex: number, matchedBy: KeyMatch) => {
    assigned[nextIndex] = { key: (before[beforeIndex] as KeyedPassage).key, matchedBy };
    usedBefore[beforeIndex] = true;
  };

  for (const [beforeIndex, nextIndex] of alignEqual(beforeIds, nextIds)) reuse(beforeIndex, nextIndex, "exact");
  for (const [beforeIndex, nextIndex] of matchMoved(beforeIds, nextIds, usedBefore, assigned)) reuse(beforeIndex, nextIndex, "moved");
  for (const [beforeIndex, nextIndex] of matchEdited(before, next, usedBefore, assigned)) reuse(beforeIndex, nextIndex, "edited");

  const taken = new Set(before.map((passage) => passage.key));
  return next.map((passage, index) => assigned[index] ?? { key: freshKey(passage.text, taken), matchedBy: "new" });
}

/** A key derived from the text alone; a repeat (or a collision with a key in use) takes the next variant. */
function freshKey(text: string, taken: Set<string>): string {
  const normalized = normalizePassageText(text);
  for (let variant = 1; ; variant++) {
    const key = sha256Hex(variant === 1 ? normalized : `${normalized}\u0000${variant}`).slice(0, KEY_LENGTH);
    if (!taken.has(key)) {
      taken.add(key);
      return key;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Exact: the longest common subsequence of identical passages keeps its place.

type Pair = [beforeIndex: number, nextIndex: number];

function alignEqual(before: readonly string[], next: readonly string[]): Pair[] {
  let prefix = 0;
  while (prefix < before.length && prefix < next.length && before[prefix] === next[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < before.length - prefix &&
    suffix < next.length - prefix &&
    before[before.length - 1 - suffix] === next[next.length - 1 - suffix]
  ) {
    suffix++;
  }
  const pairs: Pair[] = [];
  for (let index = 0; index < prefix; index++) pairs.push([index, index]);
  const middleBefore = before.slice(prefix, before.length - suffix);
  const middleNext = next.slice(prefix, next.length - suffix);
  if (middleBefore.length * middleNext.length <= MAX_ALIGNMENT_CELLS) {
    for (const [b, n] of longestCommonSubsequence(middleBefore, middleNext)) pairs.push([b + prefix, n + prefix]);
  }
  for (let index = suffix; index > 0; index--) pairs.push([before.length - index, next.length - index]);
  return pairs;
}

function longestCommonSubsequence(a: readonly string[], b: readonly string[]): Pair[] {
  const width = b.length + 1;
  // lengths[i * width + j] = LCS length of a[i..] and b[j..]
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j] ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0);
    }
  }
  const pairs: Pair[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      pairs.push([i++, j++]);
    } else if ((lengths[(i + 1) * width + j] ?? 0) >= (lengths[i * width + j + 1] ?? 0)) {
      i++;
    } else {
      j++;
    }
  }
  return pairs;
}

// ---------------------------------------------------------------------------------------------
// Moved: identical text that the alignment left out, paired with the nearest unused predecessor.

function matchMoved(
  beforeIds: readonly string[],
  nextIds: readonly string[],
  usedBefore: readonly boolean[],
  assigned: readonly (AssignedKey | undefined)[],
): Pair[] {
  const free = new Map<string, number[]>();
  beforeIds.forEach((id, index) => {
    if (usedBefore[index]) return;
    const indices = free.get(id);
    if (indices) indices.push(index);
    else free.set(id, [index]);
  });
  const pairs: Pair[] = [];
  nextIds.forEach((id, nextIndex) => {
    const candidates = free.get(id);
    if (assigned[nextIndex] || !candidates || candidates.length === 0) return;
    const nearest = candidates.reduce((best, index) => (Math.abs(index - nextIndex) < Math.abs(best - nextIndex) ? index : best));
    candidates.splice(candidates.indexOf(nearest), 1);
    pairs.push([nearest, nextIndex]);
  });
  return pairs;
}

// ---------------------------------------------------------------------------------------------
// Edited: similar text; best-scoring pairs first, each predecessor used at most once.

function matchEdited(
  before: readonly PassageShape[],
  next: readonly PassageShape[],
  usedBefore: readonly boolean[],
  assigned: readonly (AssignedKey | undefined)[],
): Pair[] {
  const freeBefore = before.flatMap((_, index) => (usedBefore[index] ? [] : [index]));
  const freeNext = next.flatMap((_, index) => (assigned[index] ? [] : [index]));
  const windowed = freeBefore.length * freeNext.length > MAX_EDIT_PAIRS;
  const words = new Map<string, Map<string, number>>();
  const wordsOf = (text: string) => {
    let counted = words.get(text);
    if (!counted) words.set(text, (counted = wordCounts(text)));
    return counted;
  };

  const candidates: { pair: Pair; score: number; distance: number }[] = [];
  for (const nextIndex of freeNext) {
    const after = next[nextIndex] as PassageShape;
    for (const beforeIndex of freeBefore) {
      const distance = Math.abs(beforeIndex - nextIndex);
      if (windowed && distance > EDIT_WINDOW) continue;
      const earlier = before[beforeIndex] as PassageShape;
      const similarity = diceSimilarity(wordsOf(earlier.text), wordsOf(after.text), earlier.text, after.text);
      if (similarity < EDIT_SIMILARITY_THRESHOLD) continue;
      candidates.push({ pair: [beforeIndex, nextIndex], score: similarity + (earlier.kind === after.kind ? SAME_KIND_BONUS : 0), distance });
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.distance - b.distance || a.pair[1] - b.pair[1] || a.pair[0] - b.pair[0]);

  const takenBefore = new Set<number>();
  const takenNext = new Set<number>();
  const pairs: Pair[] = [];
  for (const { pair } of candidates) {
    if (takenBefore.has(pair[0]) || takenNext.has(pair[1])) continue;
    takenBefore.add(pair[0]);
    takenNext.add(pair[1]);
    pairs.push(pair);
  }
  return pairs;
}

/** Word-overlap similarity in 0..1 (Sørensen–Dice over word multisets, case-insensitive). */
export function textSimilarity(a: string, b: string): number {
  return diceSimilarity(wordCounts(a), wordCounts(b), a, b);
}

function diceSimilarity(a: Map<string, number>, b: Map<string, number>, textA: string, textB: string): number {
  const sizeA = total(a);
  const sizeB = total(b);
  // Passages without words (a lone dash, an emoji) are only similar when they are the same.
  if (sizeA === 0 || sizeB === 0) return normalizePassageText(textA) === normalizePassageText(textB) ? 1 : 0;
  let shared = 0;
  for (const [word, count] of a) shared += Math.min(count, b.get(word) ?? 0);
  return (2 * shared) / (sizeA + sizeB);
}

function wordCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

function total(counts: Map<string, number>): number {
  let sum = 0;
  for (const count of counts.values()) sum += count;
  return sum;
}
