import { memo, useEffect, useMemo, useRef } from "react";
import { useMediaQuery } from "~/components/reader/use-media-query.ts";
import type { ReaderPassage } from "~/models/reader.server.ts";
import { CommentItem } from "./comment.tsx";
import { LiveComposer } from "./composer.tsx";
import { useDiscussion } from "./context.tsx";
import { plural } from "./format.ts";
import { MARGIN_QUERY } from "./margin-layout.ts";
import { EARLIER_VERSION, indexThreads, type ThreadView } from "./types.ts";

export function panelId(key: string) {
  return `panel-${key}`;
}

export function toggleId(key: string) {
  return `toggle-${key}`;
}

/** The open/close control of a panel: a button with scripts, a link to `?open=` without. */
function PanelToggle({ panelKey, open, label, hash, extra }: { panelKey: string; open: boolean; label: React.ReactNode; hash: string; extra?: React.ReactNode }) {
  const { hydrated, openPanel, closePanel, pageHref } = useDiscussion();
  if (!hydrated) {
    return (
      <a className="margin-toggle" id={toggleId(panelKey)} href={pageHref(open ? null : panelKey, { hash })} data-open={open}>
        {label}
        {extra}
      </a>
    );
  }
  return (
    <button
      type="button"
      className="margin-toggle"
      id={toggleId(panelKey)}
      aria-expanded={open}
      aria-controls={panelId(panelKey)}
      onClick={() => (open ? closePanel(panelKey) : openPanel(panelKey))}
    >
      {label}
      {extra}
    </button>
  );
}

interface MarginProps {
  passage: ReaderPassage;
  readingId: string;
  /** Undefined until the passage is opened (only the open passage's threads are loaded). */
  threads: ThreadView[] | undefined;
  /** Threads on the passage under the current filter. */
  count: number;
  answered: boolean;
  concealed: number;
  confused: number;
  newCount: number;
  open: boolean;
}

/**
 * Beside a passage: "N comments" and, when open, its threads and a composer. Closed panels render
 * nothing but the button, so a lesson with a thousand comments costs little until one is opened.
 */
export const PassageMargin = memo(function PassageMargin({ passage, readingId, threads, count, answered, concealed, confused, newCount, open }: MarginProps) {
  const total = count + concealed;
  const which = `“${excerpt(passage.text)}”`;
  const label = (
    <>
      {total === 0 ? "Comment" : plural(total, "comment")}
      <span className="visually-hidden">{` on ${which}`}</span>
    </>
  );
  const extra = (
    <>
      {newCount > 0 ? <span className="margin-new"> · {newCount} new</span> : null}
      {confused > 0 ? <span className="margin-confused"> · {confused} confused</span> : null}
    </>
  );
  const { hydrated } = useDiscussion();
  // Narrow screens with scripts: the open panel is a sheet over the text (a non-modal dialog).
  const wide = useMediaQuery(MARGIN_QUERY, true);
  const sheet = hydrated && !wide;
  return (
    <div className="margin" data-open={open} data-empty={total === 0} data-margin-for={passage.key}>
      <PanelToggle panelKey={passage.key} open={open} label={label} extra={extra} hash={`p-${passage.key}`} />
      <section
        id={panelId(passage.key)}
        className="thread-panel"
        aria-label={`Comments on ${which}`}
        hidden={!open}
        role={sheet ? "dialog" : undefined}
        aria-modal={sheet ? false : undefined}
        data-sheet={sheet || undefined}
      >
        {open ? <ThreadPanel passage={passage} readingId={readingId} threads={threads} answered={answered} concealed={concealed} sheet={sheet} which={which} /> : null}
      </section>
    </div>
  );
});

/**
 * A sheet opened on a phone: the passage (the selected words, when there are some) is scrolled to
 * sit above it, and focus moves into it unless something in it already has it.
 */
function useSheet(body: React.RefObject<HTMLDivElement>, passageKey: string, sheet: boolean) {
  useEffect(() => {
    const element = body.current;
    if (!sheet || !element) return;
    const panel = element.closest<HTMLElement>(".thread-panel");
    const passage = document.getElementById(`p-${passageKey}`);
    if (panel && passage) {
      const selection = document.getSelection();
      const range = selection && selection.rangeCount > 0 && !selection.isCollapsed && passage.contains(selection.anchorNode) ? selection.getRangeAt(0) : null;
      const target = (range ?? passage).getBoundingClientRect();
      const strip = document.querySelector<HTMLElement>(".live-strip")?.getBoundingClientRect().bottom ?? 0;
      const top = Math.max(strip, 0) + 12;
      const sheetTop = panel.getBoundingClientRect().top;
      if (target.top < top || target.bottom > sheetTop - 8) {
        const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        window.scrollBy({ top: target.top - top, behavior: reduce ? "auto" : "smooth" });
      }
    }
    if (!element.contains(document.activeElement)) element.focus({ preventScroll: true });
  }, [body, passageKey, sheet]);
}

/**
 * A sheet can be swiped down to close, from its head (the handle and the title): past a third of its
 * height (at most 96 px) it closes and focus goes back to its toggle, less and it springs back. The
 * sheet follows the finger, except under reduced motion, where only the closing happens.
 */
function useSwipeToClose(head: React.RefObject<HTMLDivElement>, panelKey: string, enabled: boolean) {
  const { closePanel } = useDiscussion();
  useEffect(() => {
    const element = head.current;
    const panel = element?.closest<HTMLElement>(".thread-panel");
    if (!enabled || !element || !panel) return;
    let drag: { id: number; y: number; distance: number } | null = null;
    const reset = () => {
      drag = null;
      panel.style.removeProperty("transform");
      panel.style.removeProperty("transition");
    };
    const down = (event: PointerEvent) => {
      if (event.button !== 0 || (event.target as HTMLElement).closest("button, a, input, textarea, select")) return;
      drag = { id: event.pointerId, y: event.clientY, distance: 0 };
      element.setPointerCapture?.(event.pointerId);
    };
    const move = (event: PointerEvent) => {
      if (!drag || event.pointerId !== drag.id) return;
      drag.distance = Math.max(0, event.clientY - drag.y);
      if (!window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
        panel.style.transition = "none";
        panel.style.transform = `translateY(${drag.distance}px)`;
      }
    };
    const up = (event: PointerEvent) => {
      if (!drag || event.pointerId !== drag.id) return;
      const close = drag.distance > Math.min(96, panel.getBoundingClientRect().height / 3);
      reset();
      if (close) closePanel(panelKey, true);
    };
    element.addEventListener("pointerdown", down);
    element.addEventListener("pointermove", move);
    element.addEventListener("pointerup", up);
    element.addEventListener("pointercancel", reset);
    return () => {
      element.removeEventListener("pointerdown", down);
      element.removeEventListener("pointermove", move);
      element.removeEventListener("pointerup", up);
      element.removeEventListener("pointercancel", reset);
      reset();
    };
  }, [head, panelKey, enabled, closePanel]);
}

/** The first few words of a passage, to tell its margin's controls apart: "The naive approach is to…". */
export function excerpt(text: string, words = 6): string {
  const parts = text.trim().split(/\s+/);
  return parts.length <= words ? parts.join(" ") : `${parts.slice(0, words).join(" ")}…`;
}

function useEscapeToClose(panelKey: string) {
  const { closePanel } = useDiscussion();
  return (event: React.KeyboardEvent<HTMLElement>) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    const target = event.target as HTMLElement;
    // Escape in a text field with something in it keeps the draft (and the panel).
    if (target.matches("textarea, input") && (target as HTMLTextAreaElement).value.trim() !== "") return;
    const menu = target.closest("details[open]");
    if (menu && menu.closest(`#${CSS.escape(panelId(panelKey))}`)) {
      event.preventDefault();
      (menu as HTMLDetailsElement).open = false;
      menu.querySelector("summary")?.focus();
      return;
    }
    event.preventDefault();
    closePanel(panelKey, true);
  };
}

/** An open passage's threads (pinned first), the prompt's reveal notice, and the composer. */
function ThreadPanel({
  passage,
  readingId,
  threads,
  answered,
  concealed,
  sheet,
  which,
}: {
  passage: ReaderPassage;
  readingId: string;
  threads: ThreadView[] | undefined;
  answered: boolean;
  concealed: number;
  sheet: boolean;
  which: string;
}) {
  const { data, focusId, setFocus, pageHref, hydrated, closePanel } = useDiscussion();
  const onKeyDown = useEscapeToClose(passage.key);
  const body = useRef<HTMLDivElement>(null);
  const head = useRef<HTMLDivElement>(null);
  useSheet(body, passage.key, sheet);
  useSwipeToClose(head, passage.key, sheet);
  const index = useMemo(() => indexThreads(threads ?? [], () => passage.key), [threads, passage.key]);
  const focused = focusId ? index.get(focusId) : undefined;
  const prompt = passage.kind === "prompt";

  return (
    <div className="thread-panel-body" onKeyDown={onKeyDown} ref={body} tabIndex={-1}>
      {hydrated ? (
        <div className="thread-panel-head" ref={head}>
          <p className="thread-panel-title">
            <span className="visually-hidden">Comments on </span>
            {which}
          </p>
          <button type="button" className="icon-button" aria-label="Close the comments" onClick={() => closePanel(passage.key, true)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ) : null}
      {prompt && concealed > 0 ? (
        <p className="prompt-reveal">
          {`${plural(concealed, "answer")} — post yours to see ${concealed === 1 ? "it" : "them"}`}
        </p>
      ) : null}
      {focused ? (
        <>
          <p className="thread-back">
            <a
              href={pageHref(passage.key, { hash: `c-${focused.root.id}` })}
              onClick={(event) => {
                if (!hydrated) return;
                event.preventDefault();
                setFocus(null, focused.comment.id);
              }}
            >
              ← All comments on this passage
            </a>
          </p>
          <p className="muted">Continuing a thread started by {focused.root.author.displayName}:</p>
          <CommentItem comment={focused.comment} root={focused.root} depth={0} panel={passage.key} />
        </>
      ) : (
        <>
          {threads === undefined ? (
            <p className="thread-loading" role="status">
              Loading the comments…
            </p>
          ) : threads.length === 0 && concealed === 0 ? (
            <p className="empty">No comments here yet.</p>
          ) : null}
          {threads && threads.length > 0 ? (
            <ol className="thread-list">
              {threads.map((thread) => (
                <li key={thread.id}>
                  <CommentItem comment={thread} root={thread} depth={0} panel={passage.key} />
                </li>
              ))}
            </ol>
          ) : null}
          {data.may.post ? <LiveComposer target={{ mode: "post", passageKey: passage.key, readingId, prompt, answered }} /> : null}
        </>
      )}
    </div>
  );
}

/** Threads whose passage is gone from the current text: kept, with the words they were written on. */
export function EarlierVersion({ threads, open }: { threads: ThreadView[]; open: boolean }) {
  const { focusId, setFocus, hydrated, pageHref } = useDiscussion();
  const onKeyDown = useEscapeToClose(EARLIER_VERSION);
  const index = useMemo(() => indexThreads(threads, () => EARLIER_VERSION), [threads]);
  const focused = focusId ? index.get(focusId) : undefined;
  if (threads.length === 0) return null;
  return (
    <section className="earlier-version" aria-labelledby="earlier-version-title">
      <h2 id="earlier-version-title">Comments on an earlier version</h2>
      <p className="muted">The passages these were written on have since been rewritten or removed; each shows the words it was written on.</p>
      <PanelToggle panelKey={EARLIER_VERSION} open={open} label={open ? "Hide them" : `Show ${plural(threads.length, "comment")}`} hash="earlier-version-title" />
      <div id={panelId(EARLIER_VERSION)} className="thread-panel" hidden={!open} onKeyDown={onKeyDown}>
        {open && focused ? (
          <>
            <p className="thread-back">
              <a
                href={pageHref(EARLIER_VERSION, { hash: `c-${focused.root.id}` })}
                onClick={(event) => {
                  if (!hydrated) return;
                  event.preventDefault();
                  setFocus(null, focused.comment.id);
                }}
              >
                ← All comments on earlier versions
              </a>
            </p>
            <CommentItem comment={focused.comment} root={focused.root} depth={0} panel={EARLIER_VERSION} />
          </>
        ) : open ? (
          <ol className="thread-list">
            {threads.map((thread) => (
              <li key={thread.id}>
                <p className="earlier-note">Written on revision {thread.originalRevision}.</p>
                <CommentItem comment={thread} root={thread} depth={0} panel={EARLIER_VERSION} />
              </li>
            ))}
          </ol>
        ) : null}
      </div>
    </section>
  );
}
