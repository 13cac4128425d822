import type { ReaderReading } from "~/models/reader.server.ts";
import { groupPassages, Passage, PassageList, type Annotate } from "./passage.tsx";
import { readingId } from "./paths.ts";
import { RevisedNotice } from "./revised-notice.tsx";

// Fixed locale and time zone: the server and the browser must print the same words.
const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" });

/** `annotate`, when given, adds highlights and a margin to each passage (a group's discussion). */
export function Reading({ reading, courseSlug, annotate }: { reading: ReaderReading; courseSlug: string; annotate?: Annotate }) {
  const headingId = readingId(reading.slug);
  const changedKeys = new Set(reading.revised?.changedKeys ?? []);
  const date = <time dateTime={reading.revision.createdAt}>{dateFormat.format(new Date(reading.revision.createdAt))}</time>;
  return (
    <section aria-labelledby={headingId} className="reading">
      <h2 id={headingId} tabIndex={-1} className="reading-title">
        {reading.title}
      </h2>
      <p className="reading-meta">
        {reading.revision.number > 1 ? (
          <>
            Revision {reading.revision.number}, {date}
          </>
        ) : (
          <>Published {date}</>
        )}
      </p>
      {reading.revised ? <RevisedNotice notice={reading.revised} revision={reading.revision.number} /> : null}
      {groupPassages(reading.passages).map((block) =>
        block.kind === "list" ? (
          <PassageList key={block.passages[0]!.key} passages={block.passages} courseSlug={courseSlug} changedKeys={changedKeys} annotate={annotate} />
        ) : (
          <Passage
            key={block.passage.key}
            passage={block.passage}
            courseSlug={courseSlug}
            changed={changedKeys.has(block.passage.key)}
            annotation={annotate?.(block.passage)}
          />
        ),
      )}
    </section>
  );
}
