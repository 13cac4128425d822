/**
 * The passages of reading revisions, cached in the process for the progress tracker's batches.
 *
 * A revision's passages never change once it is imported (a new text is a new revision: see
 * content.server.ts), so the cache is keyed by revision id and never goes stale: a reading that moves
 * to a new revision is looked up under the new id, and the old entry just ages out. What is current
 * (each reading's `currentRevisionId`) is read from the database on every batch; only the passages,
 * the big part, come from here. Bounded: the least recently used revisions go first.
 *
 * Only what the tracker needs (text and dwell time per key): a cache of the discussion page's would
 * hold more (markup, kinds, positions) and can live beside this one.
 */
import type { Db } from "~/db/client.server.ts";
import { requiredDwellMs } from "./progress-rules.ts";

export interface CachedPassage {
  text: string;
  /** requiredDwellMs(text), computed once. */
  requiredMs: number;
}

/** One revision's passages by key. */
export type RevisionPassages = ReadonlyMap<string, CachedPassage>;

const MAX_REVISIONS = 500;
const cache = new Map<string, RevisionPassages>();
let loads = 0;

/** The passages of each revision in `revisionIds`; the ones not cached yet are loaded in one query. */
export async function revisionPassages(db: Db, revisionIds: readonly string[]): Promise<Map<string, RevisionPassages>> {
  const result = new Map<string, RevisionPassages>();
  const missing: string[] = [];
  for (const id of new Set(revisionIds)) {
    const hit = cache.get(id);
    if (hit) {
      // Most recently used last: Map keeps insertion order.
      cache.delete(id);
      cache.set(id, hit);
      result.set(id, hit);
    } else missing.push(id);
  }
  if (missing.length > 0) {
    loads += 1;
    const rows = await db.passage.findMany({ where: { revisionId: { in: missing } }, select: { revisionId: true, key: true, text: true } });
    const loaded = new Map<string, Map<string, CachedPassage>>(missing.map((id) => [id, new Map()]));
    for (const row of rows) loaded.get(row.revisionId)?.set(row.key, { text: row.text, requiredMs: requiredDwellMs(row.text) });
    for (const [id, passages] of loaded) {
      cache.set(id, passages);
      result.set(id, passages);
    }
    while (cache.size > MAX_REVISIONS) cache.delete(cache.keys().next().value!);
  }
  return result;
}

/** For tests: how many times passages were loaded from the database, and emptying the cache. */
export const passageCacheStats = {
  get loads() {
    return loads;
  },
  get size() {
    return cache.size;
  },
  clear() {
    cache.clear();
  },
};
