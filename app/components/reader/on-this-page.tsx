import { useEffect, useRef } from "react";
import type { ReaderReading } from "~/models/reader.server.ts";
import { HashLink } from "./hash-link.tsx";
import { passageId, readingId } from "./paths.ts";

/** Wide enough for the contents to sit in a column beside the text (matches app.css). */
const SIDEBAR_QUERY = "(min-width: 72rem)";

/** The readings of the day and their headings. Collapsed until there is room to show it beside the text. */
export function OnThisPage({ readings }: { readings: ReaderReading[] }) {
  const details = useRef<HTMLDetailsElement>(null);

  // Opened here rather than rendered open so that narrow screens never see it jump shut after loading.
  useEffect(() => {
    if (details.current && window.matchMedia(SIDEBAR_QUERY).matches) details.current.open = true;
  }, []);

  return (
    <nav aria-label="On this page" className="toc">
      <details ref={details}>
        <summary>On this page</summary>
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
