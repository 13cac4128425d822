import { Link } from "@remix-run/react";
import type { ReaderPassage } from "~/models/reader.server.ts";
import { dayPath } from "./paths.ts";

/** A passage's words, with its mentions of other days ("tomorrow", "Day 2") as links to them. */
export function PassageText({ passage, courseSlug }: { passage: ReaderPassage; courseSlug: string }) {
  const { text, refs } = passage;
  if (refs.length === 0) return <>{text}</>;
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const ref of refs) {
    if (ref.start < at) continue;
    if (ref.start > at) parts.push(text.slice(at, ref.start));
    const words = text.slice(ref.start, ref.end);
    parts.push(
      <Link key={ref.start} to={dayPath(courseSlug, ref.day)} className="day-ref">
        {words}
        {/* "tomorrow" alone does not say where the link goes. */}
        {words.toLowerCase() === ref.label.toLowerCase() ? null : <span className="visually-hidden">{` (${ref.label})`}</span>}
      </Link>,
    );
    at = ref.end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}
