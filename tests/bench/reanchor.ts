/**
 * Re-anchoring benchmark: the time to re-anchor 10,000 comments after a revision (app/content/anchoring.ts).
 *
 * A synthetic reading of 300 passages of generated sentences gets 10,000 anchors (three in four on a
 * quote, the rest on a whole passage), then a revision that copy-edits 10% of the passages, moves 5%
 * and deletes 2%; keys come from keys.ts as at import. `reanchorAll` is timed three times and the median
 * reported, with counts by status. Deterministic (seeded), in-process, no server or database.
 *
 * Run alone: `npx tsx tests/bench/reanchor.ts`; tests/bench/run.ts may call `runReanchorBench()`.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { makeQuoteSelector, reanchorAll, type Anchor, type PassageText, type ReanchorResult } from "../../app/content/anchoring.ts";
import { assignKeys, type KeyedPassage } from "../../app/content/keys.ts";

export const REANCHOR_BENCH = {
  passages: 300,
  anchors: 10_000,
  /** Share of anchors on a quote; the rest are on a whole passage. */
  quoteShare: 0.75,
  editedShare: 0.1,
  movedShare: 0.05,
  deletedShare: 0.02,
  runs: 3,
  seed: 20_240_611,
} as const;

export interface ReanchorBenchResult {
  medianMs: number;
  counts: Record<string, number>;
}

export async function runReanchorBench(log: (line: string) => void = () => {}): Promise<ReanchorBenchResult> {
  const { previous, next, anchors, fates } = buildScenario();
  const timings: number[] = [];
  let results: ReanchorResult[] = [];
  for (let run = 0; run < REANCHOR_BENCH.runs; run++) {
    const started = performance.now();
    results = reanchorAll(anchors, previous, next);
    timings.push(performance.now() - started);
    // Let the event loop breathe between runs (and keep the signature async for the main bench).
    await new Promise((resolve) => setImmediate(resolve));
  }
  const medianMs = median(timings);

  const counts: Record<string, number> = { exact: 0, moved: 0, fuzzy: 0, orphan: 0, changed: 0 };
  const byFate = new Map<string, Record<string, number>>();
  results.forEach((result, index) => {
    counts[result.status] = (counts[result.status] ?? 0) + 1;
    if (result.changed) counts.changed = (counts.changed ?? 0) + 1;
    const fate = `${fates[index]}, ${(anchors[index] as Anchor).quote ? "quote" : "passage"}`;
    const row = byFate.get(fate) ?? {};
    row[result.status] = (row[result.status] ?? 0) + 1;
    byFate.set(fate, row);
  });

  log(`re-anchor: ${anchors.length} anchors, ${previous.length} → ${next.length} passages`);
  log(`  runs: ${timings.map((ms) => `${ms.toFixed(1)} ms`).join(", ")}; median ${medianMs.toFixed(1)} ms`);
  log(`  by status: ${Object.entries(counts).map(([status, count]) => `${status} ${count}`).join(", ")}`);
  for (const [fate, row] of [...byFate].sort(([a], [b]) => a.localeCompare(b))) {
    log(`  ${fate.padEnd(26)} ${Object.entries(row).map(([status, count]) => `${status} ${count}`).join(", ")}`);
  }
  return { medianMs, counts };
}

// ---------------------------------------------------------------------------------------------
// The synthetic reading, anchors and revision

type Fate = "unchanged" | "edited" | "moved" | "deleted";

function buildScenario(): { previous: PassageText[]; next: PassageText[]; anchors: Anchor[]; fates: Fate[] } {
  const random = mulberry32(REANCHOR_BENCH.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const texts = Array.from({ length: REANCHOR_BENCH.passages }, () => paragraph(random, pick));
  const previous: KeyedPassage[] = assignKeys(null, texts.map((text) => ({ kind: "paragraph", text }))).map(({ key }, index) => ({
    kind: "paragraph",
    text: texts[index] as string,
    key,
  }));

  // Each passage gets one fate; the changed ones are disjoint.
  const order = shuffle(previous.map((_, index) => index), random);
  const fateOf = new Array<Fate>(previous.length).fill("unchanged");
  const take = (count: number, fate: Fate) => {
    for (const index of order.splice(0, Math.round(count))) fateOf[index] = fate;
  };
  take(previous.length * REANCHOR_BENCH.editedShare, "edited");
  take(previous.length * REANCHOR_BENCH.movedShare, "moved");
  take(previous.length * REANCHOR_BENCH.deletedShare, "deleted");

  const anchors: Anchor[] = [];
  const fates: Fate[] = [];
  for (let n = 0; n < REANCHOR_BENCH.anchors; n++) {
    const index = Math.floor(random() * previous.length);
    const passage = previous[index] as KeyedPassage;
    anchors.push({ passageKey: passage.key, quote: random() < REANCHOR_BENCH.quoteShare ? randomQuote(passage.text, random) : null });
    fates.push(fateOf[index] as Fate);
  }

  // The revision: copy-edits in place, moved passages re-inserted elsewhere, deleted ones dropped.
  const kept: string[] = [];
  const moved: string[] = [];
  previous.forEach((passage, index) => {
    const fate = fateOf[index];
    if (fate === "deleted") return;
    if (fate === "moved") moved.push(passage.text);
    else kept.push(fate === "edited" ? copyEdit(passage.text, random, pick) : passage.text);
  });
  for (const text of moved) kept.splice(Math.floor(random() * (kept.length + 1)), 0, text);
  const next = assignKeys(previous, kept.map((text) => ({ kind: "paragraph", text }))).map(({ key }, index) => ({ key, text: kept[index] as string }));

  return { previous: previous.map(({ key, text }) => ({ key, text })), next, anchors, fates };
}

const WORDS = (
  "wind tide sail reef mast boom keel rudder tiller helm bow stern port starboard deck hatch line sheet halyard cleat winch " +
  "anchor chain mooring harbour channel buoy current swell wave squall gust breeze calm fog chart compass bearing course " +
  "crew skipper watch galley bunk cockpit jib genoa spinnaker mainsail batten block shackle fender dinghy oar paddle " +
  "garden bed soil compost mulch seed seedling root stem leaf bud bloom hedge lawn path border bean pea onion leek potato " +
  "tomato spade fork rake hoe trowel barrow shed frost rain drought sun shade pruning cutting graft orchard apple pear plum"
).split(" ");
const VERBS = "trim ease haul check watch reef steer hold turn lift lower tie coil stow plant water prune weed sow dig feed cover".split(" ");
const LINKS = "the a your every each our that this".split(" ");
const GLUE = "and but so while before after when until because".split(" ");

function sentence(random: () => number, pick: <T>(items: readonly T[]) => T): string {
  const clauses = 1 + Math.floor(random() * 3);
  const parts: string[] = [];
  for (let c = 0; c < clauses; c++) {
    const clause = [pick(VERBS), pick(LINKS), pick(WORDS)];
    const extra = Math.floor(random() * 5);
    for (let e = 0; e < extra; e++) clause.push(random() < 0.4 ? pick(LINKS) : pick(WORDS));
    parts.push(clause.join(" "));
  }
  const text = parts.join(` ${pick(GLUE)} `);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function paragraph(random: () => number, pick: <T>(items: readonly T[]) => T): string {
  const count = 2 + Math.floor(random() * 4);
  return Array.from({ length: count }, () => sentence(random, pick)).join(" ");
}

/** A span of 1–9 whole words, as a reader would select it. */
function randomQuote(text: string, random: () => number) {
  const words = [...text.matchAll(/\S+/g)];
  const first = Math.floor(random() * words.length);
  const last = Math.min(words.length - 1, first + Math.floor(random() * 9));
  const start = (words[first] as RegExpMatchArray).index as number;
  const end = ((words[last] as RegExpMatchArray).index as number) + (words[last] as RegExpMatchArray)[0].length;
  return makeQuoteSelector(text, start, end);
}

/** One or two light edits: a word swapped for another, or two letters transposed (a typo). */
function copyEdit(text: string, random: () => number, pick: <T>(items: readonly T[]) => T): string {
  let edited = text;
  const edits = 1 + Math.floor(random() * 2);
  for (let e = 0; e < edits; e++) {
    const words = [...edited.matchAll(/[a-z]{4,}/g)];
    if (words.length === 0) break;
    const word = pick(words);
    const at = word.index as number;
    const replacement = random() < 0.5 ? pick(WORDS) : `${word[0].slice(0, 1)}${word[0].charAt(2)}${word[0].charAt(1)}${word[0].slice(3)}`;
    edited = edited.slice(0, at) + replacement + edited.slice(at + word[0].length);
  }
  return edited;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** A seeded random number generator, so every benchmark run builds the same data. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  // No top-level await: this file is also imported by other scripts.
  void runReanchorBench((line) => console.log(line)).then(({ medianMs, counts }) => {
    console.log(JSON.stringify({ medianMs: Math.round(medianMs * 10) / 10, counts }));
  });
}
