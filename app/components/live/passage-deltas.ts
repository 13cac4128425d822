/**
 * Live deltas on the lesson page (ADR 15): a `discussion:changed` makes the page fetch the changed
 * passage's margin (GET /api/groups/:groupId/day/:day/passage, app/models/passage-delta.server.ts)
 * and merge it into the data it shows, instead of reloading the lesson. Pure helpers here; the hook
 * that keeps the merged data is `useLessonDeltas`, the one that schedules fetches is `useCatchUp`.
 */
import { useCallback, useMemo, useRef, useState } from "react";
import type { LessonData } from "~/components/discussion/types.ts";
import type { DeltaTarget, PassageDelta, PassageDeltaAnswer } from "~/models/passage-delta.server.ts";
import type { DiscussionChange } from "~/realtime/events.ts";

export type { DeltaTarget, PassageDelta, PassageDeltaAnswer };

/** More passages than this to fetch after a reconnect: one full load is cheaper. */
export const MAX_DELTAS_ON_REJOIN = 10;

/** Where a change is: its passage, or (heard redacted, or on no passage) the change itself for the server to place. */
export function targetOf(change: Pick<DiscussionChange, "seq" | "passageKey" | "commentId">): DeltaTarget {
  return change.passageKey && change.commentId ? { passageKey: change.passageKey } : { seq: change.seq };
}

export const targetKey = (target: DeltaTarget) => ("passageKey" in target ? `p:${target.passageKey}` : `s:${target.seq}`);

/** The distinct targets of some changes, or null when there are too many (load everything instead). */
export function targetsOf(changes: readonly Pick<DiscussionChange, "seq" | "passageKey" | "commentId">[], max = MAX_DELTAS_ON_REJOIN): DeltaTarget[] | null {
  const targets = new Map<string, DeltaTarget>();
  for (const change of changes) {
    const target = targetOf(change);
    targets.set(targetKey(target), target);
  }
  return targets.size > max ? null : [...targets.values()];
}

function setOrDelete<T>(record: Record<string, T>, key: string, value: T | null | undefined): Record<string, T> {
  const next = { ...record };
  if (value === null || value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** The page's data with one passage's margin replaced by what the delta says it is now. */
export function mergePassageDelta<T extends LessonData>(data: T, delta: PassageDelta): T {
  const key = delta.passageKey;
  const keyAnswers = data.keyAnswers.filter((answer) => answer.passageKey !== key);
  const at = data.keyAnswers.findIndex((answer) => answer.passageKey === key);
  keyAnswers.splice(at === -1 ? keyAnswers.length : at, 0, ...delta.keyAnswers);
  return {
    ...data,
    // A panel the page has not loaded stays unloaded (opening it loads it); one it has is replaced.
    threads: delta.threads !== null ? { ...data.threads, [key]: delta.threads } : data.threads,
    shown: setOrDelete(data.shown, key, delta.shown > 0 ? delta.shown : null),
    counts: setOrDelete(data.counts, key, delta.counts),
    highlights: setOrDelete(data.highlights, key, delta.highlights && delta.highlights.length > 0 ? delta.highlights : null),
    newIds: setOrDelete(data.newIds, key, delta.newIds.length > 0 ? delta.newIds : null),
    answeredPrompts: delta.answered
      ? data.answeredPrompts.includes(key)
        ? data.answeredPrompts
        : [...data.answeredPrompts, key]
      : data.answeredPrompts.filter((answered) => answered !== key),
    keyAnswers,
    members: delta.members,
  };
}

/**
 * Applies the deltas newer than the loaded data: a delta whose `seq` is not above the loader's
 * cursor was read no later than that load, which then wins (the patch is dropped).
 */
export function applyDeltas<T extends LessonData>(data: T, cursor: number, deltas: Iterable<PassageDelta>): T {
  let merged = data;
  for (const delta of deltas) if (delta.seq > cursor) merged = mergePassageDelta(merged, delta);
  return merged;
}

/** The request for a target's delta, from a page showing `data`. */
export function deltaHref(data: Pick<LessonData, "group" | "lesson" | "filter" | "threads">, target: DeltaTarget): string {
  const params = new URLSearchParams();
  if ("passageKey" in target) params.set("key", target.passageKey);
  else params.set("seq", String(target.seq));
  if (data.filter !== "all") params.set("filter", data.filter);
  // The passage's threads only when the page shows them (a redacted change's passage is unknown: ask).
  if (!("passageKey" in target) || target.passageKey in data.threads) params.set("threads", "1");
  return `/api/groups/${data.group.id}/day/${data.lesson.day}/passage?${params}`;
}

export interface DeltaSource {
  /** The target's delta; "reload" when only a full load will do (refused, unreachable, not placeable). */
  fetch(target: DeltaTarget): Promise<PassageDelta | "reload">;
  apply(deltas: PassageDelta[]): void;
}

/** Counts the deltas fetched (browser tests read it: live changes came without a full load). */
declare global {
  interface Window {
    __marginaliaDeltas?: number;
  }
}

/**
 * The lesson page's data: the loader's, with the live deltas that arrived since merged in. A new load
 * drops the deltas it has caught up with (see applyDeltas).
 */
export function useLessonDeltas<T extends LessonData & { live: { cursor: number } }>(loaded: T): { data: T; source: DeltaSource } {
  const [patches, setPatches] = useState<ReadonlyMap<string, PassageDelta>>(() => new Map());
  const data = useMemo(() => applyDeltas(loaded, loaded.live.cursor, patches.values()), [loaded, patches]);
  const dataRef = useRef(data);
  dataRef.current = data;
  const cursorRef = useRef(loaded.live.cursor);
  cursorRef.current = loaded.live.cursor;
  const fetchDelta = useCallback(async (target: DeltaTarget): Promise<PassageDelta | "reload"> => {
    try {
      const response = await fetch(deltaHref(dataRef.current, target), { headers: { accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return "reload";
      const answer = (await response.json()) as PassageDeltaAnswer;
      window.__marginaliaDeltas = (window.__marginaliaDeltas ?? 0) + 1;
      return "delta" in answer ? answer.delta : "reload";
    } catch {
      return "reload";
    }
  }, []);
  const apply = useCallback((deltas: PassageDelta[]) => {
    setPatches((current) => {
      const next = new Map<string, PassageDelta>();
      // Those a load has caught up with go; per passage the newest stays.
      for (const [key, delta] of current) if (delta.seq > cursorRef.current) next.set(key, delta);
      for (const delta of deltas) {
        const held = next.get(delta.passageKey);
        if (!held || delta.seq >= held.seq) next.set(delta.passageKey, delta);
      }
      return next;
    });
  }, []);
  const source = useMemo(() => ({ fetch: fetchDelta, apply }), [fetchDelta, apply]);
  return { data, source };
}
