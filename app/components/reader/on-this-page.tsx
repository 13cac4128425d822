import { useEffect, useRef } from "react";
import type { ReaderReading } from "~/models/reader.server.ts";
import { HashLink } from "./hash-link.tsx";
import { passageId, readingId } from "./paths.ts";

/** Wide enough for the contents to sit in a column beside the text (matches app.css). */
const SIDEBAR_QUERY = "(min-width: 72rem)";

/**
 * The readings of the day and their headings. Collapsed until there is room to show it beside the
 * text; `collapsed` keeps it a menu at every width (the group lesson's toolbar), following a link
 * closes it.
 */
export function OnThisPage({ readings, collapsed = false, label = "On this page" }: { readings: ReaderReading[]; collapsed?: boolean; label?: string }) {
  const details = useRef<HTMLDetailsElement>(null);

  // Opened here rather than rendered open so that narrow screens never see it jump shut after loading.
  useEffect(() => {
    if (!collapsed && details.current && window.matchMedia(SIDEBAR_QUERY).matches) details.current.open = true;
  }, [collapsed]);

  return (
    <nav aria-label="On this page" className={collapsed ? "toc toc-menu toolbar-menu" : "toc"}>
      <details
        ref={details}
        onClick={(event) => {
          if (collapsed && (event.target as Element).closest("a") && details.current) details.current.open = false;
        }}
      >
        <summary>{label}</summary>
        <ol>
          {readings.map((reading) => {
            const headings = reading.passages.filter((passage) => passage.kind === "heading");
            return (
              <li key={reading.id}>
                <HashLink id={readingId(reading.slug)}>{reading.title}</HashLink>
                {headings.length > 0 ? (
                  <ol>
                    {headings.map((heading) => (
                      <li key={heading.key}>
                        <HashLink id={passageId(heading.key)}>{heading.text}</HashLink>
                      </li>
                    ))}
                  </ol>
                ) : null}
              </li>
            );
          })}
        </ol>
      </details>
    </nav>
  );
}
