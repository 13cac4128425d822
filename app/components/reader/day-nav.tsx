import { Link } from "@remix-run/react";
import type { DayLink } from "~/models/reader.server.ts";
import { useDayHref } from "./links.tsx";

export function DayNav({ courseSlug, previous, next }: { courseSlug: string; previous: DayLink | null; next: DayLink | null }) {
  const dayPath = useDayHref();
  return (
    <nav aria-label="Other days" className="day-nav">
      {previous ? (
        <Link rel="prev" to={dayPath(courseSlug, previous.day)} className="day-nav-previous">
          <span aria-hidden="true">← </span>
          Day {previous.day}: {previous.title}
        </Link>
      ) : (
        <span />
      )}
      {next ? (
        <Link rel="next" to={dayPath(courseSlug, next.day)} className="day-nav-next">
          Day {next.day}: {next.title}
          <span aria-hidden="true"> →</span>
        </Link>
      ) : null}
    </nav>
  );
}
