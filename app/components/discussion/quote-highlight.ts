import { useEffect } from "react";
import { loadSelectionTools } from "./selection-on-demand.tsx";

const NAME = "marginalia-draft-quote";

interface HighlightRegistry {
  set(name: string, highlight: unknown): void;
  delete(name: string): void;
}

function registry(): { highlights: HighlightRegistry; Highlight: new (...ranges: Range[]) => unknown } | null {
  const css = (globalThis as unknown as { CSS?: { highlights?: HighlightRegistry } }).CSS;
  const Highlight = (globalThis as unknown as { Highlight?: new (...ranges: Range[]) => unknown }).Highlight;
  return css?.highlights && Highlight ? { highlights: css.highlights, Highlight } : null;
}

/**
 * Keeps the quoted words marked in the passage while their comment is written (the browser's own
 * selection goes when the cursor moves to the composer). A CSS custom highlight (`::highlight()`),
 * so the passage's text nodes are never touched; it is drawn again when the passage re-renders.
 * Where the browser has no custom highlights, the passage is marked with `data-quoting` instead.
 */
export function useQuoteHighlight(quote: { passageKey: string; start: number; end: number } | null) {
  const passageKey = quote?.passageKey;
  const start = quote?.start;
  const end = quote?.end;
  useEffect(() => {
    if (passageKey === undefined || start === undefined || end === undefined) return;
    const root = document.querySelector<HTMLElement>(`[data-passage-text="${CSS.escape(passageKey)}"]`);
    if (!root) return;
    const api = registry();
    // The range is found by the selection code (its own chunk, loaded by then in practice).
    let rangeInPassage: ((root: Element, start: number, end: number) => Range | null) | null = null;
    let cancelled = false;
    const draw = () => {
      const range = rangeInPassage?.(root, start, end);
      if (api && range) api.highlights.set(NAME, new api.Highlight(range));
    };
    root.dataset.quoting = "";
    void loadSelectionTools().then((tools) => {
      if (cancelled) return;
      rangeInPassage = tools.rangeInPassage;
      draw();
    });
    const observer = new MutationObserver(draw);
    observer.observe(root, { childList: true, subtree: true, characterData: true });
    return () => {
      cancelled = true;
      observer.disconnect();
      delete root.dataset.quoting;
      api?.highlights.delete(NAME);
    };
  }, [passageKey, start, end]);
}
