/**
 * Measuring a selection in the reader against a passage's plain text. The passage's words sit in an
 * element marked `[data-passage-text="<key>"]` that holds exactly its text, split by highlight marks
 * and day-reference links; the only other text inside is the links' visually hidden labels, skipped.
 * Offsets are UTF-16 code units, as the server counts them.
 */
import { snapToWords } from "./word-snap.ts";

export interface PassageSelection {
  passageKey: string;
  start: number;
  end: number;
  /** Where the selection is on screen (viewport coordinates). */
  rect: { top: number; bottom: number; left: number; right: number };
}

function countedTextNodes(root: Element): Text[] {
  const nodes: Text[] = [];
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement?.closest(".visually-hidden")) continue;
    nodes.push(node as Text);
  }
  return nodes;
}

/** The offset in the passage's text of a boundary point (node, offset) inside `root`. */
export function textOffset(root: Element, container: Node, offset: number): number {
  const point = root.ownerDocument.createRange();
  point.setStart(container, offset);
  point.collapse(true);
  let total = 0;
  for (const node of countedTextNodes(root)) {
    if (node === container) return total + Math.min(offset, node.length);
    // Entirely before the point: count it; otherwise the point lies before this node.
    if (point.comparePoint(node, node.length) <= 0) total += node.length;
    else break;
  }
  return total;
}

function passageTextOf(node: Node | null): HTMLElement | null {
  const element = node instanceof Element ? node : (node?.parentElement ?? null);
  return element?.closest<HTMLElement>("[data-passage-text]") ?? null;
}

/**
 * The current selection as a range of one passage's text, or null when nothing (or only white space)
 * is selected in a passage. A selection that runs on into the next passage is cut at the end of the first;
 * one that starts or ends inside a word is widened to the whole word (snapToWords).
 */
export function readSelection(text: (passageKey: string) => string | undefined): PassageSelection | null {
  const selection = typeof document === "undefined" ? null : document.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  const startRoot = passageTextOf(range.startContainer);
  const endRoot = passageTextOf(range.endContainer);
  const root = startRoot ?? endRoot;
  if (!root) return null;
  const passageKey = root.dataset.passageText!;
  const full = text(passageKey);
  if (full === undefined) return null;
  let start = startRoot === root ? textOffset(root, range.startContainer, range.startOffset) : 0;
  let end = endRoot === root ? textOffset(root, range.endContainer, range.endOffset) : full.length;
  start = Math.max(0, Math.min(start, full.length));
  end = Math.max(start, Math.min(end, full.length));
  // A quote is whole words: a drag that stopped half-way through a word takes all of it.
  ({ start, end } = snapToWords(full, { start, end }, { locale: root.closest<HTMLElement>("[lang]")?.lang || undefined }));
  if (start >= end) return null;
  const box = range.getBoundingClientRect();
  return { passageKey, start, end, rect: { top: box.top, bottom: box.bottom, left: box.left, right: box.right } };
}

/** A DOM range over [start, end) of a passage's text (the inverse of textOffset), or null. */
export function rangeInPassage(root: Element, start: number, end: number): Range | null {
  const range = root.ownerDocument.createRange();
  let total = 0;
  let started = false;
  for (const node of countedTextNodes(root)) {
    const next = total + node.length;
    if (!started && start <= next) {
      range.setStart(node, start - total);
      started = true;
    }
    if (started && end <= next) {
      range.setEnd(node, end - total);
      return range;
    }
    total = next;
  }
  return null;
}
