/**
 * Comment anchors and re-anchoring them on a new revision of a reading.
 *
 * An anchor names a passage by its stable key (app/content/keys.ts) and optionally a quote inside it:
 * the exact text, up to QUOTE_CONTEXT_LENGTH characters of context either side, and its offsets into
 * the passage's text (UTF-16 code units, as JavaScript strings count). When a reading gets a new
 * revision the server re-attaches every anchor (`reanchorAll`), cheapest evidence first:
 *
 *   1. the same key, the exact quote at the same offsets with the same context        → exact
 *   2. the same key, the exact quote elsewhere in the passage (the occurrence whose
 *      context and position fit best; a repeated short quote is told apart by context) → exact
 *      (or moved, when its surroundings were rewritten)
 *   3. the exact quote in another, new or changed passage, with its context            → moved
 *   4. a fuzzy match (approx-string-match) in the same-key passage, then in the other
 *      new or changed passages, scored on quote, context and position                  → fuzzy
 *   5. nothing good enough                                                             → orphan
 *
 * Lessons from Hypothesis's anchoring (docs: /work/shared/notes/STYLE.md): short quotes never match
 * fuzzily, a copy-edit never moves a note to an earlier occurrence (context decides, not order), and a
 * rewritten paragraph becomes an orphan instead of matching a look-alike. Because we hold both
 * revisions, one more rule is available to us: text that was already in a passage in the previous
 * revision cannot be where an anchor from another passage went. So steps 3 and 4 only look at new and
 * changed passages (which also keeps re-anchoring cheap), and there only at text the passage gained.
 *
 * Pure: no database, no I/O. `changed` in a result is relative to `previous`; a caller that wants the
 * "the text changed since this was written" note to persist across later revisions keeps it sticky.
 */
import search from "approx-string-match";
import { normalizePassageText } from "./keys.ts";

// ---------------------------------------------------------------------------------------------
// Types

export interface QuoteSelector {
  /** The quoted text, exactly as it appears in the passage (no leading or trailing white space). */
  exact: string;
  /** Up to QUOTE_CONTEXT_LENGTH characters before the quote, within the passage. */
  prefix: string;
  /** Up to QUOTE_CONTEXT_LENGTH characters after the quote, within the passage. */
  suffix: string;
  /** Offsets of `exact` in the passage's text: text.slice(start, end) === exact. */
  start: number;
  end: number;
}

export interface Anchor {
  passageKey: string;
  /** null: the comment is on the whole passage. */
  quote: QuoteSelector | null;
}

/** One passage of a revision, in reading order. */
export interface PassageText {
  key: string;
  text: string;
}

export type ReanchorStatus = "exact" | "moved" | "fuzzy" | "orphan";

export interface ReanchorResult {
  /**
   * exact: same passage, same quoted text (its offsets may have shifted with edits around it);
   * moved: the same quoted text, found in another passage or with its surroundings rewritten;
   * fuzzy: the quoted text itself was edited; orphan: not found, show it under "earlier version".
   */
  status: ReanchorStatus;
  /** The passage in the new revision; null for an orphan. */
  passageKey: string | null;
  /** The quote in the new revision; null for a passage-only anchor and for an orphan. */
  quote: QuoteSelector | null;
  /**
   * The match's score in 0..1 (quote, context and position, weighted): 1 when the quote is where it was;
   * for an orphan, the best score that was turned down (0 if none).
   */
  score: number;
  /** The anchored text or its place changed: the UI shows "the text changed since this was written". */
  changed: boolean;
}

// ---------------------------------------------------------------------------------------------
// Thresholds

/** Characters of context kept either side of a quote (Hypothesis uses 32 too). */
export const QUOTE_CONTEXT_LENGTH = 32;

/**
 * Quotes this short ("the wind", "reef") occur by chance in unrelated text, and a few edits turn one
 * short phrase into another: they are only ever matched exactly, and only where their context agrees.
 */
export const SHORT_QUOTE_MAX_LENGTH = 12;

/**
 * A fuzzy match may differ from the quote in at most this share of its characters. A copy-edit (a typo
 * fixed, a word swapped) stays well inside it; a rewritten sentence does not.
 */
export const FUZZY_ERROR_RATE = 0.25;

/** Cap on errors for long quotes: keeps Myers' search fast (cost grows with errors / 32) and a long quote honest. */
export const MAX_FUZZY_ERRORS = 64;

/** Weights of a candidate's score. The quote's own text is the main evidence; context tells copies apart. */
export const QUOTE_WEIGHT = 0.5;
export const CONTEXT_WEIGHT = 0.3;
/** Nearness is the weakest evidence: a tie-breaker between similar candidates, never enough alone. */
export const POSITION_WEIGHT = 0.2;

/**
 * A fuzzy match, or an exact one in another passage, needs at least this score. A copy-edited quote with
 * its context intact scores about 0.9; a look-alike (quote at the error limit, unrelated context, same
 * place) about 0.6–0.7. Below it the comment becomes an orphan, which stays visible with its quote.
 */
export const ACCEPT_SCORE = 0.75;

/**
 * Context similarity at which context "agrees": at least one side essentially intact, or both lightly
 * edited; unrelated English text scores about 0.3. Below it an exact quote in its own passage is reported
 * as `moved` (its surroundings were rewritten). Every other match needs it on top of ACCEPT_SCORE: a
 * short quote, an exact quote in another passage and a fuzzy match all need their context to vouch for
 * the place — a rewritten look-alike can come close on the quote and position, never on the context.
 */
export const CONTEXT_AGREEMENT = 0.5;

/**
 * A short quote in another passage needs more: one side of its context intact over its full length and
 * the other not contradicting it (a passage edge scores BOUNDARY_CONTEXT_SIMILARITY, so a quote now
 * opening a split-off paragraph still qualifies: (1 + 0.4) / 2 = 0.7). Common short words ("your", "the
 * wind") otherwise find half-similar context somewhere in a long reading.
 */
export const SHORT_QUOTE_CONTEXT_AGREEMENT = 0.65;

/**
 * Context hidden by a passage boundary (the quote now starts a passage, or used to) counts as this
 * similarity: a little above unrelated text, so splitting or merging paragraphs is not punished as a
 * mismatch, and below CONTEXT_AGREEMENT, so a boundary is never taken as agreement.
 */
export const BOUNDARY_CONTEXT_SIMILARITY = 0.4;

/**
 * Position nearness of a candidate in another passage is scaled by this: being in the same passage is
 * worth more than being in a neighbouring one, so another passage needs stronger textual evidence.
 */
export const OTHER_PASSAGE_POSITION_FACTOR = 0.5;

/**
 * An exact quote at least this long, occurring exactly once in the whole new revision (and not in its own
 * passage), is accepted in another new or changed passage even without context: a unique sentence moved
 * on its own is not a coincidence.
 */
export const DISTINCTIVE_QUOTE_LENGTH = 40;

/** Fuzzy matches scored per search (approx-string-match returns every lowest-error end; they cluster). */
const MAX_FUZZY_MATCHES = 32;

// ---------------------------------------------------------------------------------------------
// Selectors

/**
 * The selector for text.slice(start, end), with surrounding white space trimmed off the selection and
 * QUOTE_CONTEXT_LENGTH characters of context. Returns null — never throws — when the range is not a pair
 * of integers with 0 <= start < end <= text.length, or selects only white space: callers turn null into
 * a validation error. A range that cuts a surrogate pair is widened to keep the character whole.
 */
export function makeQuoteSelector(text: string, start: number, end: number): QuoteSelector | null {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > text.length || start >= end) return null;
  while (start < end && isWhiteSpace(text.charCodeAt(start))) start++;
  while (end > start && isWhiteSpace(text.charCodeAt(end - 1))) end--;
  if (start === end) return null;
  if (start > 0 && isLowSurrogate(text.charCodeAt(start)) && isHighSurrogate(text.charCodeAt(start - 1))) start--;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end)) && isHighSurrogate(text.charCodeAt(end - 1))) end++;
  return selectorAt(text, start, end);
}

/**
 * Checks a selector sent by a client against the passage's text. Returns the selector as the server
 * stores it — real offsets, context taken from the text, not from the client — or null when the quote
 * does not occur in the passage. Offsets that do not point at the quote are tolerated (the client may
 * count differently): the occurrence whose context and position fit best is taken.
 */
export function validateQuote(passageText: string, selector: QuoteSelector): QuoteSelector | null {
  const exact = selector.exact.trim();
  if (exact === "") return null;
  const { start, end } = selector;
  if (Number.isInteger(start) && Number.isInteger(end) && passageText.slice(start, end) === selector.exact) {
    return makeQuoteSelector(passageText, start, end);
  }
  const wanted: QuoteSelector = { ...selector, exact, start: Number.isFinite(start) ? start : 0 };
  let best: Candidate | null = null;
  for (const at of occurrences(passageText, exact)) {
    const candidate = scoreCandidate(passageText, at, at + exact.length, 0, wanted, samePassageNearness(at, wanted, passageText), null, true);
    if (!best || candidate.score > best.score) best = candidate;
  }
  return best ? selectorAt(passageText, best.start, best.end) : null;
}

function selectorAt(text: string, start: number, end: number): QuoteSelector {
  return { exact: text.slice(start, end), prefix: contextBefore(text, start), suffix: contextAfter(text, end), start, end };
}

function contextBefore(text: string, start: number): string {
  let from = Math.max(0, start - QUOTE_CONTEXT_LENGTH);
  if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from++;
  return text.slice(from, start);
}

function contextAfter(text: string, end: number): string {
  let to = Math.min(text.length, end + QUOTE_CONTEXT_LENGTH);
  if (to < text.length && isHighSurrogate(text.charCodeAt(to - 1))) to--;
  return text.slice(end, to);
}

function isWhiteSpace(code: number): boolean {
  return /\s/.test(String.fromCharCode(code));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

// ---------------------------------------------------------------------------------------------
// Re-anchoring

/** Re-attaches one anchor made on `previous` to `next`. For many anchors use `reanchorAll`. */
export function reanchor(anchor: Anchor, previous: readonly PassageText[], next: readonly PassageText[]): ReanchorResult {
  return reanchorIn(anchor, new Revision(previous, next));
}

/**
 * Re-attaches every anchor; results are in the order of `anchors`. The revision is indexed once, identical
 * anchors are resolved once, and exact and fuzzy searches of other passages are cached per quote, so an
 * anchor whose own passage still holds its quote costs a lookup and a string comparison.
 */
export function reanchorAll(anchors: readonly Anchor[], previous: readonly PassageText[], next: readonly PassageText[]): ReanchorResult[] {
  const revision = new Revision(previous, next);
  const resolved = new Map<string, ReanchorResult>();
  return anchors.map((anchor) => {
    const unchanged = untouched(anchor, revision);
    if (unchanged) return unchanged;
    const quote = anchor.quote;
    const id = quote
      ? `${anchor.passageKey}\u0000${quote.start}\u0000${quote.end}\u0000${quote.exact}\u0000${quote.prefix}\u0000${quote.suffix}`
      : anchor.passageKey;
    let result = resolved.get(id);
    if (!result) {
      result = reanchorIn(anchor, revision);
      resolved.set(id, result);
      return result;
    }
    return { ...result, quote: result.quote && { ...result.quote } };
  });
}

interface NextPassage {
  index: number;
  key: string;
  text: string;
  /**
   * New, or its text changed (beyond white space) since the previous revision: the only places an anchor
   * from another passage can have moved to.
   */
  target: boolean;
  /** Its key existed in the previous revision with a different text (beyond white space). */
  edited: boolean;
  /** Index in the joined text of targets, or -1. */
  targetIndex: number;
}

interface Occurrence {
  passage: NextPassage;
  start: number;
}

interface FuzzyHit {
  passage: NextPassage;
  start: number;
  end: number;
  errors: number;
}

/** The two revisions, indexed once, with per-quote caches of searches across passages. */
class Revision {
  readonly previousByKey = new Map<string, { index: number; text: string }>();
  readonly nextByKey = new Map<string, NextPassage>();
  readonly passages: NextPassage[];
  readonly targets: NextPassage[];
  readonly previousCount: number;
  private joined: Joined | null = null;
  private joinedTargets: Joined | null = null;
  private readonly exactCache = new Map<string, Occurrence[]>();
  private readonly fuzzyCache = new Map<string, FuzzyHit[]>();

  constructor(previous: readonly PassageText[], next: readonly PassageText[]) {
    this.previousCount = previous.length;
    previous.forEach((passage, index) => {
      if (!this.previousByKey.has(passage.key)) this.previousByKey.set(passage.key, { index, text: passage.text });
    });
    this.passages = next.map((passage, index) => {
      const before = this.previousByKey.get(passage.key);
      const edited = before !== undefined && before.text !== passage.text && normalizePassageText(before.text) !== normalizePassageText(passage.text);
      return { index, key: passage.key, text: passage.text, target: !before || edited, edited, targetIndex: -1 };
    });
    for (const passage of this.passages) if (!this.nextByKey.has(passage.key)) this.nextByKey.set(passage.key, passage);
    this.targets = this.passages.filter((passage) => passage.target);
    this.targets.forEach((passage, targetIndex) => (passage.targetIndex = targetIndex));
  }

  /** Every exact occurrence of `exact` in the new and changed passages, in reading order. */
  exactInTargets(exact: string): Occurrence[] {
    let found = this.exactCache.get(exact);
    if (found) return found;
    found = [];
    if (!exact.includes(SEPARATOR) && this.targets.length > 0) {
      this.joinedTargets ??= join(this.targets, MAX_FUZZY_ERRORS + 1);
      const { text, starts, passages } = this.joinedTargets;
      let index = 0;
      for (let at = text.indexOf(exact); at !== -1; at = text.indexOf(exact, at + 1)) {
        while (index + 1 < starts.length && (starts[index + 1] as number) <= at) index++;
        found.push({ passage: passages[index] as NextPassage, start: at - (starts[index] as number) });
      }
    }
    this.exactCache.set(exact, found);
    return found;
  }

  /** How many times `exact` occurs in the whole new revision, counting up to `limit`. */
  countEverywhere(exact: string, limit: number): number {
    this.joined ??= join(this.passages, 1);
    let count = 0;
    for (let at = this.joined.text.indexOf(exact); at !== -1 && count < limit; at = this.joined.text.indexOf(exact, at + 1)) count++;
    return count;
  }

  /**
   * The lowest-error fuzzy matches of `exact` among the new and changed passages other than `own`. The
   * targets are searched as one text (passages apart by more separators than the error cap, so no match
   * spans two), in at most two calls around `own`: much cheaper than a call per passage. The price: only
   * the fewest-error matches come back, so a better-placed match with more errors than a look-alike is
   * not seen — the look-alike then fails on context and the anchor is an orphan, never a wrong match.
   */
  fuzzyHits(exact: string, maxErrors: number, own: NextPassage | undefined): FuzzyHit[] {
    const skip = own && own.target ? own.targetIndex : -1;
    const cacheKey = `${skip}\u0000${maxErrors}\u0000${exact}`;
    let hits = this.fuzzyCache.get(cacheKey);
    if (hits) return hits;
    hits = [];
    if (!exact.includes(SEPARATOR) && this.targets.length > 0) {
      this.joinedTargets ??= join(this.targets, MAX_FUZZY_ERRORS + 1);
      const { text, starts, passages } = this.joinedTargets;
      const segments: [from: number, to: number][] =
        skip === -1 ? [[0, text.length]] : [[0, starts[skip] as number], [(starts[skip + 1] as number | undefined) ?? text.length, text.length]];
      for (const [from, to] of segments) {
        if (to - from < exact.length - maxErrors) continue;
        let index = 0;
        for (const match of search(text.slice(from, to), exact, maxErrors).slice(0, MAX_FUZZY_MATCHES)) {
          // Matches come in order of their end. A match may take a separator as one of its errors:
          // it belongs to the passage holding its last character, clamped to that passage's text.
          const last = match.end + from - 1;
          while (index + 1 < starts.length && (starts[index + 1] as number) <= last) index++;
          const passage = passages[index] as NextPassage;
          const offset = starts[index] as number;
          const start = Math.max(0, match.start + from - offset);
          const end = Math.min(passage.text.length, match.end + from - offset);
          if (start < end) hits.push({ passage, start, end, errors: match.errors });
        }
      }
    }
    this.fuzzyCache.set(cacheKey, hits);
    return hits;
  }

  /**
   * Whether `text` is new in `passage`: a new passage, or one that holds it more often than it did. Text
   * that was already there cannot be where an anchor from another passage went.
   */
  gained(passage: NextPassage, text: string): boolean {
    const before = this.previousByKey.get(passage.key);
    return !before || occurrences(passage.text, text).length > occurrences(before.text, text).length;
  }

  /** Where the passage that held `key` sat in the previous revision, as a fraction of the reading; null if unknown. */
  previousPlace(key: string): number | null {
    const before = this.previousByKey.get(key);
    return before ? before.index / Math.max(1, this.previousCount - 1) : null;
  }

  nextPlace(passage: NextPassage): number {
    return passage.index / Math.max(1, this.passages.length - 1);
  }
}

interface Joined {
  text: string;
  /** Offset of each passage in `text`. */
  starts: number[];
  passages: NextPassage[];
}

function join(passages: NextPassage[], separators: number): Joined {
  const separator = SEPARATOR.repeat(separators);
  const starts: number[] = [];
  let offset = 0;
  for (const passage of passages) {
    starts.push(offset);
    offset += passage.text.length + separator.length;
  }
  return { text: passages.map((passage) => passage.text).join(separator), starts, passages };
}

/** Joins passages for searching them at once; quotes never contain it (passage text is plain prose). */
const SEPARATOR = "\u0000";

interface Candidate {
  passage: NextPassage | null;
  start: number;
  end: number;
  quoteSimilarity: number;
  contextSimilarity: number;
  score: number;
}

function reanchorIn(anchor: Anchor, revision: Revision): ReanchorResult {
  const own = revision.nextByKey.get(anchor.passageKey);
  const quote = anchor.quote;
  if (!quote || quote.exact.trim() === "") {
    // A passage-only anchor (or a quote with nothing in it) follows its key: keys.ts already decided
    // whether an edited passage is still the same passage.
    if (!own) return orphan(0);
    return { status: "exact", passageKey: own.key, quote: null, score: 1, changed: own.edited };
  }

  const exact = quote.exact;
  const short = exact.length <= SHORT_QUOTE_MAX_LENGTH;
  let bestRejected = 0;
  const consider = (candidate: Candidate | null, accepted: boolean): Candidate | null => {
    if (!candidate) return null;
    if (accepted) return candidate;
    bestRejected = Math.max(bestRejected, candidate.score);
    return null;
  };

  // 1. Same passage, same offsets, same context: nothing to do.
  const unchanged = untouched(anchor, revision);
  if (unchanged) return unchanged;

  // 2. Same passage, the exact quote elsewhere: the occurrence whose context and position fit best.
  let ownOccurrences = 0;
  let ownExact: Candidate | null = null;
  if (own) {
    for (const at of occurrences(own.text, exact)) {
      ownOccurrences++;
      const candidate = scoreCandidate(own.text, at, at + exact.length, 0, quote, samePassageNearness(at, quote, own.text), own, true);
      if (!ownExact || candidate.score > ownExact.score) ownExact = candidate;
    }
    if (ownExact && ownExact.contextSimilarity >= CONTEXT_AGREEMENT) return found("exact", ownExact);
    // Context rewritten around it: still this passage's text unless the quote is short enough to be chance.
    ownExact = consider(ownExact, !short);
  }

  // 3. The exact quote in another new or changed passage, where its context agrees (or it is distinctive).
  const elsewhere = revision
    .exactInTargets(exact)
    .filter((occurrence) => occurrence.passage.key !== anchor.passageKey && revision.gained(occurrence.passage, exact));
  const distinctive =
    exact.length >= DISTINCTIVE_QUOTE_LENGTH && ownOccurrences === 0 && elsewhere.length === 1 && revision.countEverywhere(exact, 2) === 1;
  const previousPlace = revision.previousPlace(anchor.passageKey);
  let movedExact: Candidate | null = null;
  for (const { passage, start } of elsewhere) {
    const nearness = otherPassageNearness(revision, passage, previousPlace);
    const candidate = scoreCandidate(passage.text, start, start + exact.length, 0, quote, nearness, passage, false);
    const acceptedHere = distinctive || (acceptable(candidate) && (!short || candidate.contextSimilarity >= SHORT_QUOTE_CONTEXT_AGREEMENT));
    if (consider(candidate, acceptedHere) && (!movedExact || candidate.score > movedExact.score)) movedExact = candidate;
  }

  // 4a. Fuzzy in the same passage (never for short quotes; pointless if the exact text is there).
  const maxErrors = Math.min(MAX_FUZZY_ERRORS, Math.floor(exact.length * FUZZY_ERROR_RATE));
  let ownFuzzy: Candidate | null = null;
  if (own && !short && ownOccurrences === 0 && maxErrors > 0) {
    for (const match of search(own.text, exact, maxErrors).slice(0, MAX_FUZZY_MATCHES)) {
      const candidate = scoreCandidate(own.text, match.start, match.end, match.errors, quote, samePassageNearness(match.start, quote, own.text), own, true);
      if (consider(candidate, acceptable(candidate)) && (!ownFuzzy || candidate.score > ownFuzzy.score)) ownFuzzy = candidate;
    }
  }

  // Exact before fuzzy on a tie; otherwise the better-supported candidate wins.
  const ranked = [
    { status: "moved" as const, candidate: ownExact },
    { status: "moved" as const, candidate: movedExact },
    { status: "fuzzy" as const, candidate: ownFuzzy },
  ].filter((option): option is { status: "moved" | "fuzzy"; candidate: Candidate } => option.candidate !== null);
  const winner = ranked.reduce<(typeof ranked)[number] | null>((best, option) => (!best || option.candidate.score > best.candidate.score ? option : best), null);
  if (winner) return found(winner.status, winner.candidate);

  // 4b. Fuzzy in the other new or changed passages.
  if (!short && maxErrors > 0) {
    let best: Candidate | null = null;
    for (const hit of revision.fuzzyHits(exact, maxErrors, own)) {
      if (!revision.gained(hit.passage, hit.passage.text.slice(hit.start, hit.end))) continue;
      const nearness = otherPassageNearness(revision, hit.passage, previousPlace);
      const candidate = scoreCandidate(hit.passage.text, hit.start, hit.end, hit.errors, quote, nearness, hit.passage, false);
      if (consider(candidate, acceptable(candidate)) && (!best || candidate.score > best.score)) best = candidate;
    }
    if (best) return found("fuzzy", best);
  }

  // 5. Nothing good enough: an orphan, shown with its original quote by the caller.
  return orphan(bestRejected);
}

/** The bar for every match other than the exact quote in its own passage. */
function acceptable(candidate: Candidate): boolean {
  return candidate.score >= ACCEPT_SCORE && candidate.contextSimilarity >= CONTEXT_AGREEMENT;
}

/** The result for a quote still at its offsets with the same context in its own passage, or null. */
function untouched(anchor: Anchor, revision: Revision): ReanchorResult | null {
  const quote = anchor.quote;
  const own = revision.nextByKey.get(anchor.passageKey);
  if (!quote || !own || own.text.slice(quote.start, quote.end) !== quote.exact || quote.exact === "") return null;
  if (contextBefore(own.text, quote.start) !== quote.prefix || contextAfter(own.text, quote.end) !== quote.suffix) return null;
  return { status: "exact", passageKey: own.key, quote, score: 1, changed: false };
}

function found(status: "exact" | "moved" | "fuzzy", candidate: Candidate): ReanchorResult {
  const passage = candidate.passage as NextPassage;
  // A fuzzy match may start or end on white space the quote did not have; makeQuoteSelector trims it.
  const quote = makeQuoteSelector(passage.text, candidate.start, candidate.end) ?? selectorAt(passage.text, candidate.start, candidate.end);
  return { status, passageKey: passage.key, quote, score: roundScore(candidate.score), changed: status !== "exact" };
}

function orphan(bestRejected: number): ReanchorResult {
  return { status: "orphan", passageKey: null, quote: null, score: roundScore(bestRejected), changed: true };
}

function roundScore(score: number): number {
  return Math.round(score * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Scoring

function occurrences(text: string, exact: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(exact); at !== -1; at = text.indexOf(exact, at + 1)) found.push(at);
  return found;
}

function scoreCandidate(
  text: string,
  start: number,
  end: number,
  errors: number,
  quote: QuoteSelector,
  nearness: number,
  passage: NextPassage | null,
  ownPassage: boolean,
): Candidate {
  const quoteSimilarity = 1 - errors / Math.max(1, quote.exact.length);
  const contextSimilarity =
    (sideSimilarity(quote.prefix, contextBefore(text, start), "before", ownPassage) +
      sideSimilarity(quote.suffix, contextAfter(text, end), "after", ownPassage)) /
    2;
  const score = QUOTE_WEIGHT * quoteSimilarity + CONTEXT_WEIGHT * contextSimilarity + POSITION_WEIGHT * nearness;
  return { passage, start, end, quoteSimilarity, contextSimilarity, score };
}

/**
 * Similarity of stored and actual context on one side, compared on the characters nearest the quote.
 * Context hidden by a passage edge counts as BOUNDARY_CONTEXT_SIMILARITY: in the quote's own passage,
 * the part only one of the two lacks; in another passage, everything short of QUOTE_CONTEXT_LENGTH —
 * there, sitting at a passage edge proves nothing (every passage has two), so "Trim " before a quote at
 * the start of some other passage is five characters of evidence, not a perfect match.
 */
function sideSimilarity(stored: string, actual: string, side: "before" | "after", ownPassage: boolean): number {
  const shared = Math.min(stored.length, actual.length);
  const window = ownPassage ? Math.max(stored.length, actual.length) : Math.max(QUOTE_CONTEXT_LENGTH, stored.length, actual.length);
  if (window === 0) return 1;
  const near = (text: string) => (side === "before" ? text.slice(text.length - shared) : text.slice(0, shared));
  const overlap = shared === 0 ? 0 : 1 - levenshtein(near(stored), near(actual)) / shared;
  return (shared * overlap + (window - shared) * BOUNDARY_CONTEXT_SIMILARITY) / window;
}

/** 1 at the old offset, falling to 0 a passage-length away. */
function samePassageNearness(start: number, quote: QuoteSelector, text: string): number {
  return 1 - Math.min(1, Math.abs(start - quote.start) / Math.max(1, text.length));
}

/** Up to OTHER_PASSAGE_POSITION_FACTOR, for a passage at the same place in the reading as the old one. */
function otherPassageNearness(revision: Revision, passage: NextPassage, previousPlace: number | null): number {
  if (previousPlace === null) return 0;
  return OTHER_PASSAGE_POSITION_FACTOR * (1 - Math.min(1, Math.abs(revision.nextPlace(passage) - previousPlace)));
}

let row = new Uint32Array(64);

/** Edit distance (insertions, deletions, substitutions of UTF-16 code units); inputs are context-sized. */
function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  if (row.length < b.length + 1) row = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    const code = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      const substitution = diagonal + (code === b.charCodeAt(j - 1) ? 0 : 1);
      row[j] = Math.min(substitution, above + 1, (row[j - 1] as number) + 1);
      diagonal = above;
    }
  }
  return row[b.length] as number;
}
