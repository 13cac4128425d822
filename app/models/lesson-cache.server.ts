/**
 * What never changes within a reading revision, kept in the process (docs/decisions/0014-discussion-page-caches.md):
 * a revision's passages (key, kind, text), and the reader's passages built from them (with their
 * links to other days). A revision is never edited: an import that changes a reading writes a new
 * revision with a new id and points `Reading.currentRevisionId` at it, so a cache keyed by the
 * revision id cannot serve an old text — the page reads the current revision ids in its own
 * statement on every request and only the passages come from here.
 *
 * Bounded: the least recently used revisions are dropped beyond MAX_REVISIONS (300 passages of a long
 * lesson take about 100 KB), and each revision keeps at most a few link variants (the links depend
 * on the course's published days, which an import can change without touching this reading).
 */
import type { Db } from "~/db/client.server.ts";
import { findDayReferences } from "~/content/references.ts";
import type { PassageKind, ReaderPassage } from "./reader.server.ts";

const MAX_REVISIONS = 200;
const MAX_VARIANTS = 4;
const PASSAGE_KINDS = new Set<string>(["heading", "paragraph", "list-item", "quote", "prompt"]);

export interface CachedRevision {
  passages: readonly { key: string; kind: PassageKind; text: string }[];
  /** key → text */
  text: ReadonlyMap<string, string>;
  /** The reader's passages per links variant (day, course length, published days). */
  variants: Map<string, ReaderPassage[]>;
}

const revisions = new Map<string, CachedRevision>();
let hits = 0;
let misses = 0;

function remember(id: string, entry: CachedRevision) {
  revisions.delete(id);
  revisions.set(id, entry);
  while (revisions.size > MAX_REVISIONS) revisions.delete(revisions.keys().next().value!);
}

/** The passages of these revisions: from the cache, the missing ones in one statement. */
export async function revisionPassages(db: Db, revisionIds: readonly string[]): Promise<Map<string, CachedRevision>> {
  const found = new Map<string, CachedRevision>();
  const missing: string[] = [];
  for (const id of revisionIds) {
    const entry = revisions.get(id);
    if (entry) {
      hits += 1;
      remember(id, entry);
      found.set(id, entry);
    } else missing.push(id);
  }
  if (missing.length === 0) return found;
  misses += missing.length;
  const rows = await db.passage.findMany({
    where: { revisionId: { in: missing } },
    orderBy: [{ revisionId: "asc" }, { position: "asc" }],
    select: { revisionId: true, key: true, kind: true, text: true },
  });
  const byRevision = new Map<string, { key: string; kind: PassageKind; text: string }[]>(missing.map((id) => [id, []]));
  for (const row of rows) {
    byRevision.get(row.revisionId)!.push({ key: row.key, kind: (PASSAGE_KINDS.has(row.kind) ? row.kind : "paragraph") as PassageKind, text: row.text });
  }
  for (const [id, passages] of byRevision) {
    const entry: CachedRevision = { passages, text: new Map(passages.map((passage) => [passage.key, passage.text])), variants: new Map() };
    remember(id, entry);
    found.set(id, entry);
  }
  return found;
}

/** The reader's passages of a cached revision, with links to the published days of the course. */
export function readerPassages(entry: CachedRevision, day: number, dayCount: number, publishedDays: readonly number[]): ReaderPassage[] {
  const variant = `${day}/${dayCount}/${publishedDays.join(",")}`;
  const cached = entry.variants.get(variant);
  if (cached) return cached;
  const published = new Set(publishedDays);
  const passages = entry.passages.map((passage) => ({
    key: passage.key,
    kind: passage.kind,
    text: passage.text,
    refs: findDayReferences(passage.text, day, dayCount).filter((ref) => published.has(ref.day)),
  }));
  if (entry.variants.size >= MAX_VARIANTS) entry.variants.delete(entry.variants.keys().next().value!);
  entry.variants.set(variant, passages);
  return passages;
}

/** For tests: how the cache has been used, and a way to start empty. */
export const revisionCache = {
  stats: () => ({ size: revisions.size, hits, misses }),
  clear() {
    revisions.clear();
    hits = 0;
    misses = 0;
  },
};
