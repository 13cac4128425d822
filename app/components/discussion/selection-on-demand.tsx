import { useEffect, useState } from "react";

/** The selection code's chunk (selection-tools.ts); cached after the first call. */
export const loadSelectionTools = () => import("./selection-tools.ts");
export type SelectionTools = Awaited<ReturnType<typeof loadSelectionTools>>;

/** The selection code once it has loaded (after hydration); null before, and on the server. */
export function useSelectionTools(): SelectionTools | null {
  const [tools, setTools] = useState<SelectionTools | null>(null);
  useEffect(() => {
    let current = true;
    loadSelectionTools().then(
      (module) => current && setTools(module),
      (error: unknown) => console.warn("selecting words to quote is unavailable: could not load its code", error),
    );
    return () => {
      current = false;
    };
  }, []);
  return tools;
}
