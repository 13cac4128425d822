import type { ReaderPassage } from "~/models/reader.server.ts";
import { CopyLink } from "./copy-link.tsx";
import { PassageText, type Highlight } from "./passage-text.tsx";
import { passageId } from "./paths.ts";

/**
 * What a page may add to a passage (the group's discussion does): highlighted quotes in the text,
 * and something to show in the margin beside it (below it on narrow screens). With an annotation the
 * passage's words sit in their own element, `[data-passage-text]`, holding exactly the passage's text
 * (apart from the visually hidden link labels), so that a selection can be measured against it.
 */
export interface PassageAnnotation {
  highlights?: readonly Highlight[];
  margin?: React.ReactNode;
}

export type Annotate = (passage: ReaderPassage) => PassageAnnotation | null | undefined;

interface PassageProps {
  passage: ReaderPassage;
  courseSlug: string;
  changed: boolean;
  annotation?: PassageAnnotation | null;
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

function Words({ passage, courseSlug, annotation }: { passage: ReaderPassage; courseSlug: string; annotation?: PassageAnnotation | null }) {
  if (!annotation) return <PassageText passage={passage} courseSlug={courseSlug} />;
  return (
    <span className="passage-text" data-passage-text={passage.key}>
      <PassageText passage={passage} courseSlug={courseSlug} highlights={annotation.highlights} />
    </span>
  );
}

/** One passage in its natural element. List items are rendered by PassageList instead. */
export function Passage({ passage, courseSlug, changed, annotation }: PassageProps) {
  const props = passageProps(passage, changed);
  const words = (
    <>
      <ChangedLabel changed={changed} />
      <Words passage={passage} courseSlug={courseSlug} annotation={annotation} />
    </>
  );
  let element: React.ReactNode;
  switch (passage.kind) {
    case "heading":
      // The copy button sits beside the heading, not in it, so it stays out of the heading's name.
      element = (
        <div className="passage-heading-block">
          <h3 {...props}>{words}</h3>
          <CopyLink passageKey={passage.key} />
        </div>
      );
      break;
    case "quote":
      element = (
        <blockquote {...props}>
          <p>{words}</p>
          <CopyLink passageKey={passage.key} />
        </blockquote>
      );
      break;
    case "prompt":
      element = (
        <aside {...props} aria-label="Practice prompt">
          <p>{words}</p>
          <CopyLink passageKey={passage.key} />
        </aside>
      );
      break;
    default:
      element = (
        <p {...props}>
          {words}
          <CopyLink passageKey={passage.key} />
        </p>
      );
  }
  if (!annotation) return element;
  // A <p> or <h3> cannot hold the margin's forms, so the margin follows the passage in a wrapper.
  return (
    <div className={`annotated annotated-${passage.kind}`} data-passage-key={passage.key}>
      {element}
      {annotation.margin}
    </div>
  );
}

/** Consecutive list items, as one real list. */
export function PassageList({
  passages,
  courseSlug,
  changedKeys,
  annotate,
}: {
  passages: ReaderPassage[];
  courseSlug: string;
  changedKeys: ReadonlySet<string>;
  annotate?: Annotate;
}) {
  return (
    <ul className={annotate ? "passage-list annotated-list" : "passage-list"}>
      {passages.map((passage) => {
        const changed = changedKeys.has(passage.key);
        const annotation = annotate?.(passage);
        const props = passageProps(passage, changed);
        return (
          <li key={passage.key} {...props} className={annotation ? `${props.className} annotated-item` : props.className}>
            <ChangedLabel changed={changed} />
            <Words passage={passage} courseSlug={courseSlug} annotation={annotation} />
            <CopyLink passageKey={passage.key} />
            {annotation?.margin}
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
