import { useSyncExternalStore } from "react";

/**
 * Whether a media query matches, following changes. On the server and during hydration it is
 * `serverValue`, so the first render in the browser matches the HTML.
 */
export function useMediaQuery(query: string, serverValue: boolean): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener("change", onChange);
      return () => list.removeEventListener("change", onChange);
    },
    () => window.matchMedia(query).matches,
    () => serverValue,
  );
}
