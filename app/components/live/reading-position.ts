/**
 * Where a person is reading: the passage under the reading line, a fixed fraction of the way down
 * the window. Following someone scrolls their passage to the same line, so both see the same text.
 */
import { useEffect, useState } from "react";
import { passageId } from "~/components/reader/paths.ts";

/** The reading line: this fraction of the window's height from its top. */
export const READING_LINE = 0.3;

/** The last passage (in document order) whose top is at or above the reading line; null above the text. */
export function passageAtLine(elements: readonly HTMLElement[], line: number): HTMLElement | null {
  let low = 0;
  let high = elements.length - 1;
  let found: HTMLElement | null = null;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (elements[middle]!.getBoundingClientRect().top <= line) {
      found = elements[middle]!;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/**
 * The key of the passage being read, updated at most once per animation frame while scrolling (and
 * on resize). `signature` changes when the passages on the page change.
 */
export function useCurrentPassage(enabled: boolean, signature: string): string | null {
  const [current, setCurrent] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const elements = [...document.querySelectorAll<HTMLElement>(".reader-text [data-passage]")];
    let frame = 0;
    const measure = () => {
      frame = 0;
      const element = passageAtLine(elements, window.innerHeight * READING_LINE);
      setCurrent(element ? element.id.replace(/^p-/, "") : null);
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(measure);
    };
    measure();
    window.addEventListener("scroll", schedule, { passive: true });
    window.addEventListener("resize", schedule, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener("scroll", schedule);
      window.removeEventListener("resize", schedule);
    };
  }, [enabled, signature]);
  return current;
}

/** Brings a passage to the reading line (instantly when the person prefers reduced motion). */
export function scrollToPassage(passageKey: string): boolean {
  const element = document.getElementById(passageId(passageKey));
  if (!element) return false;
  const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const top = element.getBoundingClientRect().top + window.scrollY - window.innerHeight * READING_LINE + 4;
  window.scrollTo({ top: Math.max(0, top), behavior: reduce ? "auto" : "smooth" });
  return true;
}
