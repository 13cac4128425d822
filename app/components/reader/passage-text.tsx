import { Link } from "@remix-run/react";
import type { ReaderPassage } from "~/models/reader.server.ts";
import { useDayHref } from "./links.tsx";

/** A highlighted range of a passage's text (UTF-16 offsets), and the threads that quote it. */
export interface Highlight {
  start: number;
  end: number;
  ids: string[];
}

/**
 * A passage's words, with its mentions of other days ("tomorrow", "Day 2") as links to them and,
 * when given, quoted ranges (sorted, not overlapping) marked as `<mark class="anchor">`.
 */
export function PassageText({ passage, courseSlug, highlights }: { passage: ReaderPassage; courseSlug: string; highlights?: readonly Highlight[] }) {
  const dayHref = useDayHref();
  const { text, refs } = passage;
  const marks = highlights ?? [];
  if (refs.length === 0 && marks.length === 0) return <>{text}</>;

  /** text.slice(from, to), with the highlighted parts in marks. */
  const marked = (from: number, to: number): React.ReactNode[] => {
    const out: React.ReactNode[] = [];
    let at = from;
    for (const mark of marks) {
      if (mark.end <= at) continue;
      if (mark.start >= to) break;
      const start = Math.max(mark.start, at);
      const end = Math.min(mark.end, to);
      if (start > at) out.push(text.slice(at, start));
      out.push(
        <mark key={`m${start}`} className="anchor" data-anchor={mark.ids.join(" ")} data-count={Math.min(mark.ids.length, 3)}>
          {text.slice(start, end)}
        </mark>,
      );
      at = end;
    }
    if (at < to) out.push(text.slice(at, to));
    return out;
  };

  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const ref of refs) {
    if (ref.start < at) continue;
    if (ref.start > at) parts.push(...marked(at, ref.start));
    const words = text.slice(ref.start, ref.end);
    parts.push(
      <Link key={ref.start} to={dayHref(courseSlug, ref.day)} className="day-ref">
        {marked(ref.start, ref.end)}
        {/* "tomorrow" alone does not say where the link goes. */}
        {words.toLowerCase() === ref.label.toLowerCase() ? null : <span className="visually-hidden">{` (${ref.label})`}</span>}
      </Link>,
    );
    at = ref.end;
  }
  if (at < text.length) parts.push(...marked(at, text.length));
  return <>{parts}</>;
}
