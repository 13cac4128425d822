/**
 * The view model of a group's lesson page, built from what the loader read (the passages' texts and
 * the discussion): threads by passage (a thread whose passage is gone joins the orphans), the quoted
 * words to highlight, the lesson's key answers, what is new per panel, the prompts the member has
 * answered, and which panel is open (`?open=`, or the panel of `?comment=`). Pure, so it is tested
 * on its own (lesson-view.test.ts); the route only reads the request and the database.
 */
import { mergeHighlights } from "~/components/discussion/highlights.ts";
import type { Highlight } from "~/components/reader/passage-text.tsx";
import type { CommentView, ThreadView } from "./discussion.server.ts";

/** The panel of the threads whose passage is gone from the current text. */
export const EARLIER_VERSION = "earlier-version";

export interface KeyAnswer {
  id: string;
  passageKey: string | null;
  author: string;
  body: string;
  kind: string;
}

export interface LessonViewInput {
  /** Every passage of the current text: key → its words. */
  passageText: ReadonlyMap<string, string>;
  discussion: { threads: readonly ThreadView[]; orphans: readonly ThreadView[] };
  /** `?open=` and `?comment=` of the request, as sent. */
  openParam: string | null;
  commentParam: string | null;
}

export interface LessonView {
  /** Threads by passage key (only passages of the current text). */
  threads: Record<string, ThreadView[]>;
  orphans: ThreadView[];
  highlights: Record<string, Highlight[]>;
  keyAnswers: KeyAnswer[];
  /** Comments new since the last visit, per panel (EARLIER_VERSION for the orphans). */
  newIds: Record<string, string[]>;
  answeredPrompts: string[];
  /** Threads per passage: the margin's counts. */
  shown: Record<string, number>;
  /** The panel shown open, or null. */
  open: string | null;
}

export function buildLessonView({ passageText, discussion, openParam, commentParam }: LessonViewInput): LessonView {
  // Threads by passage; a thread whose passage is not in the current text is shown with the orphans.
  const threads: Record<string, ThreadView[]> = {};
  const orphans: ThreadView[] = [...discussion.orphans];
  for (const thread of discussion.threads) {
    if (thread.passageKey && passageText.has(thread.passageKey)) (threads[thread.passageKey] ??= []).push(thread);
    else orphans.push(thread);
  }

  const highlights: Record<string, Highlight[]> = {};
  for (const [key, list] of Object.entries(threads)) {
    const quotes = list.flatMap((thread) => (thread.quote ? [{ id: thread.id, start: thread.quote.start, end: thread.quote.end }] : []));
    if (quotes.length > 0) highlights[key] = mergeHighlights(passageText.get(key)!.length, quotes);
  }

  // The lesson's key answers: comments (or replies) a moderator pinned to the lesson.
  const keyAnswers: KeyAnswer[] = [];
  const collect = (comment: CommentView, root: ThreadView) => {
    if (comment.pinned?.scope === "lesson" && comment.state === "visible" && comment.body !== null) {
      keyAnswers.push({ id: comment.id, passageKey: root.passageKey, author: comment.author.displayName, body: comment.body, kind: comment.kind });
    }
    for (const reply of comment.replies) collect(reply, root);
  };
  for (const thread of [...discussion.threads, ...discussion.orphans]) collect(thread, thread);

  // Which panel each comment is in (for ?comment=), what is new per panel, the prompts answered.
  const panelOf = new Map<string, string>();
  const newIds: Record<string, string[]> = {};
  const answeredPrompts = new Set<string>();
  const walk = (comment: CommentView, panel: string) => {
    panelOf.set(comment.id, panel);
    if (comment.isNew) (newIds[panel] ??= []).push(comment.id);
    for (const reply of comment.replies) walk(reply, panel);
  };
  for (const [key, list] of Object.entries(threads)) {
    for (const thread of list) {
      walk(thread, key);
      if (thread.kind === "answer" && thread.mine && thread.state !== "removed") answeredPrompts.add(key);
    }
  }
  for (const thread of orphans) walk(thread, EARLIER_VERSION);

  const open =
    openParam && (passageText.has(openParam) || openParam === EARLIER_VERSION)
      ? openParam
      : commentParam
        ? (panelOf.get(commentParam) ?? null)
        : null;

  return {
    threads,
    orphans,
    highlights,
    keyAnswers,
    newIds,
    answeredPrompts: [...answeredPrompts],
    shown: Object.fromEntries(Object.entries(threads).map(([key, list]) => [key, list.length])),
    open,
  };
}
