import type { ReaderPassage } from "~/models/reader.server.ts";
import { CopyLink } from "./copy-link.tsx";
import { PassageText } from "./passage-text.tsx";
import { passageId } from "./paths.ts";

interface PassageProps {
  passage: ReaderPassage;
  courseSlug: string;
  changed: boolean;
}

/** What every passage element carries: its address, a focus target for j/k, and its styling. */
function passageProps(passage: ReaderPassage, changed: boolean) {
  return {
    id: passageId(passage.key),
    tabIndex: -1,
    "data-passage": "",
    className: `passage passage-${passage.kind}${changed ? " passage-changed" : ""}`,
  };
}

function ChangedLabel({ changed }: { changed: boolean }) {
  return changed ? <span className="visually-hidden">Changed since your last visit: </span> : null;
}

/** One passage in its natural element. List items are rendered by PassageList instead. */
export function Passage({ passage, courseSlug, changed }: PassageProps) {
  const props = passageProps(passage, changed);
  const words = (
    <>
      <ChangedLabel changed={changed} />
      <PassageText passage={passage} courseSlug={courseSlug} />
    </>
  );
  switch (passage.kind) {
    case "heading":
      // The copy button sits beside the heading, not in it, so it stays out of the heading's name.
      return (
        <div className="passage-heading-block">
          <h3 {...props}>{words}</h3>
          <CopyLink passageKey={passage.key} />
        </div>
      );
    case "quote":
      return (
        <blockquote {...props}>
          <p>{words}</p>
          <CopyLink passageKey={passage.key} />
        </blockquote>
      );
    case "prompt":
      return (
        <aside {...props} aria-label="Practice prompt">
          <p>{words}</p>
          <CopyLink passageKey={passage.key} />
        </aside>
      );
    default:
      return (
        <p {...props}>
          {words}
          <CopyLink passageKey={passage.key} />
        </p>
      );
  }
}

/** Consecutive list items, as one real list. */
export function PassageList({ passages, courseSlug, changedKeys }: { passages: ReaderPassage[]; courseSlug: string; changedKeys: ReadonlySet<string> }) {
  return (
    <ul className="passage-list">
      {passages.map((passage) => {
        const changed = changedKeys.has(passage.key);
        return (
          <li key={passage.key} {...passageProps(passage, changed)}>
            <ChangedLabel changed={changed} />
            <PassageText passage={passage} courseSlug={courseSlug} />
            <CopyLink passageKey={passage.key} />
          </li>
        );
      })}
    </ul>
  );
}

export type PassageBlock = { kind: "single"; passage: ReaderPassage } | { kind: "list"; passages: ReaderPassage[] };

/** Groups runs of list items so that each run becomes one <ul>. */
export function groupPassages(passages: readonly ReaderPassage[]): PassageBlock[] {
  const blocks: PassageBlock[] = [];
  for (const passage of passages) {
    const last = blocks.at(-1);
    if (passage.kind !== "list-item") blocks.push({ kind: "single", passage });
    else if (last?.kind === "list") last.passages.push(passage);
    else blocks.push({ kind: "list", passages: [passage] });
  }
  return blocks;
}
