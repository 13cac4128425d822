import type { Highlight } from "~/components/reader/passage-text.tsx";
import type { Block } from "~/content/comment-tree.ts";
import type { CommentView as LoadedComment, Discussion, ThreadView as LoadedThread } from "~/models/discussion.server.ts";
import type { ReaderReading } from "~/models/reader.server.ts";
import type { KeyAnswer as LoadedKeyAnswer } from "~/models/lesson-view.ts";

export { EARLIER_VERSION } from "~/models/lesson-view.ts";

/**
 * A comment as the page gets it: as loaded, with its body's Markdown parsed on the server (`tree`,
 * null when `body` is), so that marked stays out of the browser (app/models/comment-trees.server.ts).
 */
export interface CommentView extends Omit<LoadedComment, "replies"> {
  tree: Block[] | null;
  replies: CommentView[];
}

/** A thread's first comment as the page gets it (see CommentView). */
export interface ThreadView extends Omit<LoadedThread, "replies"> {
  tree: Block[] | null;
  replies: CommentView[];
}

/** A key answer as the page gets it, its body parsed. */
export interface KeyAnswer extends LoadedKeyAnswer {
  tree: Block[];
}

/** A former version of a comment (the moderators' edit history), its body parsed. */
export interface CommentVersion {
  body: string;
  editedAt: string;
  tree: Block[];
}

/** Replies are indented this many levels; deeper ones are reached by "Continue this thread". */
export const MAX_DEPTH = 4;

/** What the group's lesson page hands its discussion components (the loader's data, as sent). */
export interface LessonData {
  group: { id: string; name: string };
  course: { slug: string; title: string; dayCount: number };
  lesson: { day: number; title: string };
  previous: { day: number; title: string } | null;
  next: { day: number; title: string } | null;
  readings: ReaderReading[];
  filter: string;
  open: string | null;
  focus: string | null;
  seed: string;
  me: { id: string };
  may: { moderate: boolean; post: boolean };
  /**
   * The threads of the open panel only (none when no passage is open): a lesson with a thousand
   * comments sends and renders one passage's worth. Opening another passage loads its threads.
   */
  threads: Record<string, ThreadView[]>;
  /** Threads whose passage is gone (kept few by re-anchoring), always sent. */
  orphans: ThreadView[];
  /** Threads per passage under the current filter: the margin's counts. */
  shown: Record<string, number>;
  counts: Discussion["counts"];
  /** Comments new since the member's last visit, per passage (EARLIER_VERSION for orphans). */
  newIds: Record<string, string[]>;
  /** Prompt passages the member has already answered. */
  answeredPrompts: string[];
  highlights: Record<string, Highlight[]>;
  members: { id: string; displayName: string; handle: string }[];
  lastVisit: string | null;
  keyAnswers: KeyAnswer[];
  history: { commentId: string; versions: CommentVersion[] } | null;
  exports: { jsonld: string; markdown: string } | null;
}

/** Where a comment sits: its thread, its depth (the thread's first comment is 0) and its panel. */
export interface Located {
  comment: CommentView;
  root: ThreadView;
  depth: number;
  panel: string;
  parentId: string | null;
}

/** Every comment of some threads by id (built for one panel, or for the whole page on demand). */
export function indexThreads(threads: readonly ThreadView[], panelOf: (root: ThreadView) => string): Map<string, Located> {
  const index = new Map<string, Located>();
  const walk = (comment: CommentView, root: ThreadView, depth: number, parentId: string | null) => {
    index.set(comment.id, { comment, root, depth, panel: panelOf(root), parentId });
    for (const reply of comment.replies) walk(reply, root, depth + 1, comment.id);
  };
  for (const root of threads) walk(root, root, 0, null);
  return index;
}

/**
 * The comment a panel must be narrowed to ("continue this thread") for `id` to be shown: none for the
 * first MAX_DEPTH levels, else its ancestor MAX_DEPTH, 2×MAX_DEPTH… levels down.
 */
export function focusFor(locate: (id: string) => Located | undefined, id: string): string | null {
  const found = locate(id);
  if (!found || found.depth <= MAX_DEPTH) return null;
  const depth = MAX_DEPTH * Math.floor((found.depth - 1) / MAX_DEPTH);
  let current: Located | undefined = found;
  while (current && current.depth > depth) current = current.parentId ? locate(current.parentId) : undefined;
  return current?.comment.id ?? null;
}

export function countReplies(comment: CommentView): number {
  return comment.replies.reduce((sum, reply) => sum + 1 + countReplies(reply), 0);
}
