/**
 * The margin beside the text (wide screens, with scripts): every passage's margin — its count chip,
 * or the open thread card — is taken out of the text's flow and placed at its passage's top. When
 * cards would overlap, later ones are pushed down; the open card sits at its anchor and the ones
 * before it move up to make room. The text column never moves: only the margin is measured and
 * placed, by writing `top` straight onto the margin elements (React never renders that style).
 *
 * Without scripts, or on narrow screens, the CSS lays the margin out by itself (app.css).
 */
import { useEffect, useLayoutEffect } from "react";

/** Wide enough for the margin beside the text (matches app.css). */
export const MARGIN_QUERY = "(min-width: 64rem)";

const GAP = 8;

export interface MarginBox {
  /** Where its passage starts, from the top of the text. */
  anchor: number;
  height: number;
}

/**
 * Where each margin goes (tops, from the top of the text), in document order: at its anchor unless
 * the one before it is in the way; `active` (the open card) stays at its anchor, and those before it
 * move up as far as needed (never above `minTop`; without the room, the open card moves down). No two
 * overlap.
 */
export function placeMargins(boxes: readonly MarginBox[], active: number | null, gap = GAP, minTop = -Infinity): number[] {
  const tops: number[] = [];
  let bottom = -Infinity;
  for (const [index, box] of boxes.entries()) {
    const top = index === active ? box.anchor : Math.max(box.anchor, bottom + gap);
    tops.push(top);
    bottom = top + box.height;
  }
  if (active !== null && active >= 0 && active < boxes.length) {
    // Before the open card: pushed up so that none reaches into it.
    let limit = tops[active]!;
    for (let index = active - 1; index >= 0; index--) {
      const top = Math.max(minTop, Math.min(tops[index]!, limit - gap - boxes[index]!.height));
      tops[index] = top;
      limit = top;
    }
    // No room above (the top of the text): the open card moves down as little as it must. After it,
    // every card is pushed down from the real bottom of the one before.
    bottom = -Infinity;
    for (let index = 0; index < boxes.length; index++) {
      const floor = index > active ? boxes[index]!.anchor : tops[index]!;
      tops[index] = Math.max(floor, bottom + gap);
      bottom = tops[index]! + boxes[index]!.height;
    }
  }
  return tops;
}

const useBrowserLayoutEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

/**
 * Places the margins inside `container` (the `.reader-text`), again whenever the text or a margin
 * changes size, and when `openKey` changes. `enabled` is false before hydration.
 */
export function useMarginLayout(container: React.RefObject<HTMLElement>, openKey: string | null, enabled: boolean, revision: unknown) {
  useBrowserLayoutEffect(() => {
    const root = container.current;
    if (!enabled || !root) return;
    const wide = window.matchMedia(MARGIN_QUERY);
    let frame = 0;
    const layout = () => {
      frame = 0;
      const margins = [...root.querySelectorAll<HTMLElement>(".margin[data-margin-for]")];
      if (!wide.matches) {
        for (const margin of margins) margin.style.removeProperty("top");
        root.style.removeProperty("min-height");
        root.dataset.marginLayout = "flow";
        return;
      }
      root.dataset.marginLayout = "placed";
      const rootTop = root.getBoundingClientRect().top;
      const boxes: MarginBox[] = [];
      const parents: number[] = [];
      let active: number | null = null;
      for (const [index, margin] of margins.entries()) {
        const key = margin.dataset.marginFor!;
        const passage = document.getElementById(`p-${key}`);
        const anchor = passage ? passage.getBoundingClientRect().top - rootTop : 0;
        const parent = (margin.offsetParent as HTMLElement | null) ?? root;
        parents.push(parent === root ? 0 : parent.getBoundingClientRect().top - rootTop);
        boxes.push({ anchor, height: margin.getBoundingClientRect().height });
        if (key === openKey) active = index;
      }
      const tops = placeMargins(boxes, active, GAP, 0);
      let bottom = 0;
      for (const [index, margin] of margins.entries()) {
        margin.style.top = `${Math.round(tops[index]! - parents[index]!)}px`;
        bottom = Math.max(bottom, tops[index]! + boxes[index]!.height);
      }
      // The text block is as tall as its margin, so the last cards do not run into what follows.
      root.style.minHeight = `${Math.ceil(bottom)}px`;
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(layout);
    };
    layout();
    const observer = new ResizeObserver(schedule);
    observer.observe(root);
    for (const margin of root.querySelectorAll(".margin[data-margin-for]")) observer.observe(margin);
    wide.addEventListener("change", schedule);
    void document.fonts?.ready.then(schedule);
    return () => {
      observer.disconnect();
      wide.removeEventListener("change", schedule);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [container, openKey, enabled, revision]);
}
