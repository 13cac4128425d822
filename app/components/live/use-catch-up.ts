/**
 * "Look again": asks the route's loaders for fresh data, but never over a load already in flight.
 * A load also waits while a selection is being made or held in the text (selection-guard.ts).
 * Revalidating during a revalidation, a navigation or a form's round trip aborts the earlier load
 * half-way through its body (Remix then logs an AbortError), so a request made meanwhile waits until
 * everything is idle and then loads once. Many requests in a burst become one load.
 *
 * A load that could not reach the server (it restarts, the connection is gone) leaves the page as it
 * was (the lesson route's clientLoader keeps its data and counts the failure: `failed`); it is tried
 * again with backoff until one succeeds. While a catch-up load runs, `liveReloadInFlight()` is true:
 * the root layout then keeps its data instead of loading it too (see app/root.tsx).
 *
 * A change on one passage asks for that passage's delta instead (ADR 15, passage-deltas.ts): under
 * the same rules (never over a load in flight, never under a selection; a burst is one round of
 * fetches), and merged into the page without reloading it. A delta that cannot be had (refused,
 * unreachable, a change the server cannot place on a passage) falls back to the full load.
 */
import { useFetchers, useNavigation, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSelectingText } from "~/components/discussion/selection-guard.ts";
import { targetKey, type DeltaSource, type DeltaTarget, type PassageDelta } from "./passage-deltas.ts";

const DEBOUNCE_MS = 250;
/** Retries of a failed load: 1 s doubling up to 15 s, randomized so a restarted server is not hit at once. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 15_000;

let liveReload = false;
/** A live catch-up (not a navigation or a form) is loading the page's data now. */
export function liveReloadInFlight() {
  return liveReload;
}

export function retryDelay(failures: number, random = Math.random()) {
  const base = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.75 + random * 0.5));
}

export interface CatchUp {
  /** Load the page's data again (all of it). */
  reload(): void;
  /**
   * Fetch these passages' deltas and merge them (without a source: reload). `applied` runs once they
   * all are merged, not when the round fell back to a full load (which brings its own cursor).
   */
  delta(targets: DeltaTarget[], applied?: () => void): void;
}

/** `failed`: how many loads in a row failed (0: the data the page shows is fresh). */
export function useCatchUp(failed = 0, source?: DeltaSource): CatchUp {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const fetchers = useFetchers();
  const [wanted, setWanted] = useState(0);
  const served = useRef(0);
  // Never under a selection being made or held in the text: the load waits until it is done.
  const selecting = useSelectingText();
  const [fetching, setFetching] = useState(false);
  const busy = selecting || fetching || revalidator.state !== "idle" || navigation.state !== "idle" || fetchers.some((fetcher) => fetcher.state !== "idle");
  const revalidateRef = useRef(revalidator.revalidate);
  revalidateRef.current = revalidator.revalidate;

  useEffect(() => {
    if (revalidator.state === "idle") liveReload = false;
  }, [revalidator.state]);

  useEffect(() => {
    if (busy || wanted === served.current) return;
    const timer = setTimeout(() => {
      served.current = wanted;
      // The full load brings every passage: the deltas asked for meanwhile are part of it.
      targets.current.clear();
      afterApplied.current = [];
      liveReload = true;
      revalidateRef.current();
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [busy, wanted]);

  // ---- deltas: asked for by passage, fetched in rounds when nothing else runs, merged when no
  // selection is held (a fetch may finish while one is being made).
  const [deltaWanted, setDeltaWanted] = useState(0);
  const deltaServed = useRef(0);
  const targets = useRef(new Map<string, DeltaTarget>());
  const afterApplied = useRef<Array<() => void>>([]);
  const [ready, setReady] = useState<{ deltas: PassageDelta[]; then: Array<() => void> } | null>(null);
  const sourceRef = useRef(source);
  sourceRef.current = source;
  const reload = useCallback(() => setWanted((count) => count + 1), []);

  useEffect(() => {
    if (busy || ready || deltaWanted === deltaServed.current || wanted !== served.current) return;
    const timer = setTimeout(() => {
      deltaServed.current = deltaWanted;
      const round = [...targets.current.values()];
      const then = afterApplied.current;
      targets.current.clear();
      afterApplied.current = [];
      const from = sourceRef.current;
      if (round.length === 0 || !from) return;
      setFetching(true);
      void Promise.all(round.map((target) => from.fetch(target))).then((answers) => {
        setFetching(false);
        const deltas = answers.filter((answer): answer is PassageDelta => answer !== "reload");
        if (deltas.length < answers.length) reload();
        else setReady({ deltas, then });
      });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [busy, ready, deltaWanted, wanted, reload]);

  useEffect(() => {
    if (!ready || selecting) return;
    setReady(null);
    sourceRef.current?.apply(ready.deltas);
    for (const done of ready.then) done();
  }, [ready, selecting]);

  // The last load failed: try again later (each failure is a new count, so each gets its own retry).
  useEffect(() => {
    if (failed === 0) return;
    const timer = setTimeout(() => setWanted((count) => count + 1), retryDelay(failed));
    return () => clearTimeout(timer);
  }, [failed]);

  const delta = useCallback(
    (asked: DeltaTarget[], applied?: () => void) => {
      if (!sourceRef.current) return reload();
      for (const target of asked) targets.current.set(targetKey(target), target);
      if (applied) afterApplied.current.push(applied);
      setDeltaWanted((count) => count + 1);
    },
    [reload],
  );
  return useMemo(() => ({ reload, delta }), [reload, delta]);
}
