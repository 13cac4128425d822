import type { Highlight } from "~/components/reader/passage-text.tsx";

/**
 * The quoted ranges of a passage's threads as highlights: sorted, overlapping ranges merged (their
 * thread ids together), ranges outside the text dropped. Pure; the page's loader runs it.
 */
export function mergeHighlights(textLength: number, quotes: readonly { id: string; start: number; end: number }[]): Highlight[] {
  const ranges = quotes
    .filter((quote) => Number.isInteger(quote.start) && Number.isInteger(quote.end) && quote.start >= 0 && quote.end <= textLength && quote.start < quote.end)
    .slice()
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Highlight[] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && range.start < last.end) {
      last.end = Math.max(last.end, range.end);
      last.ids.push(range.id);
    } else {
      merged.push({ start: range.start, end: range.end, ids: [range.id] });
    }
  }
  return merged;
}
