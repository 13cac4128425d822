/**
 * "Look again": asks the route's loaders for fresh data, but never over a load already in flight.
 * Revalidating during a revalidation, a navigation or a form's round trip aborts the earlier load
 * half-way through its body (Remix then logs an AbortError), so a request made meanwhile waits until
 * everything is idle and then loads once. Many requests in a burst become one load.
 */
import { useFetchers, useNavigation, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";

const DEBOUNCE_MS = 250;

export function useCatchUp() {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const fetchers = useFetchers();
  const [wanted, setWanted] = useState(0);
  const served = useRef(0);
  const busy = revalidator.state !== "idle" || navigation.state !== "idle" || fetchers.some((fetcher) => fetcher.state !== "idle");
  const revalidateRef = useRef(revalidator.revalidate);
  revalidateRef.current = revalidator.revalidate;

  useEffect(() => {
    if (busy || wanted === served.current) return;
    const timer = setTimeout(() => {
      served.current = wanted;
      revalidateRef.current();
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [busy, wanted]);

  return useCallback(() => setWanted((count) => count + 1), []);
}
