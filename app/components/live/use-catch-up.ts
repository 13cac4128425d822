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
 */
import { useFetchers, useNavigation, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { useSelectingText } from "~/components/discussion/selection-guard.ts";

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

/** `failed`: how many loads in a row failed (0: the data the page shows is fresh). */
export function useCatchUp(failed = 0) {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const fetchers = useFetchers();
  const [wanted, setWanted] = useState(0);
  const served = useRef(0);
  // Never under a selection being made or held in the text: the load waits until it is done.
  const selecting = useSelectingText();
  const busy = selecting || revalidator.state !== "idle" || navigation.state !== "idle" || fetchers.some((fetcher) => fetcher.state !== "idle");
  const revalidateRef = useRef(revalidator.revalidate);
  revalidateRef.current = revalidator.revalidate;

  useEffect(() => {
    if (revalidator.state === "idle") liveReload = false;
  }, [revalidator.state]);

  useEffect(() => {
    if (busy || wanted === served.current) return;
    const timer = setTimeout(() => {
      served.current = wanted;
      liveReload = true;
      revalidateRef.current();
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [busy, wanted]);

  // The last load failed: try again later (each failure is a new count, so each gets its own retry).
  useEffect(() => {
    if (failed === 0) return;
    const timer = setTimeout(() => setWanted((count) => count + 1), retryDelay(failed));
    return () => clearTimeout(timer);
  }, [failed]);

  return useCallback(() => setWanted((count) => count + 1), []);
}
