/**
 * Discussion rules shared by the browser and the server: reactions, kinds, filters and the reveal rule
 * of prompt answers. The forms' validation schemas are in discussion-schemas.server.ts, so that zod
 * stays out of the browser's JavaScript (docs/decisions/0016).
 */

export const REACTIONS = ["agree", "insightful", "confused"] as const;
export type ReactionKind = (typeof REACTIONS)[number];
export const REACTION_LABELS: Record<ReactionKind, string> = { agree: "Agree", insightful: "Insightful", confused: "Confused" };

export const COMMENT_KINDS = ["comment", "question", "answer"] as const;
export type CommentKind = (typeof COMMENT_KINDS)[number];

export const FILTERS = ["all", "open", "pinned", "mine"] as const;
export type DiscussionFilter = (typeof FILTERS)[number];
export const FILTER_LABELS: Record<DiscussionFilter, string> = {
  all: "All",
  open: "Questions without an answer",
  pinned: "Pinned",
  mine: "Mine",
};

// ------------------------------------------------------------------ the reveal rule of prompt answers

/** What the reveal rule needs to know of a comment (a thread's first comment or a reply). */
export interface RevealComment {
  id: string;
  /** The thread's first comment (itself for a first comment). */
  rootId: string;
  parentId: string | null;
  kind: string;
  authorId: string;
  readingId: string;
  /** Where it is attached now; null once a revision removed its passage (an orphan). */
  passageKey: string | null;
  /** The passage it was written on: for an answer, the prompt it answers, in any revision. */
  originalPassageKey: string;
  pinnedAt: Date | string | null;
  deletedAt: Date | string | null;
}

export interface RevealViewer {
  userId: string;
  /** Moderators (and owners) see every answer. */
  moderator: boolean;
}

/**
 * The prompts an answer belongs to: the passage it was written on (which keeps its key across
 * revisions), and the passage it is attached to now (it may have been moved to another key).
 * Two answers are to the same prompt when they share one of these.
 */
function promptsOf(answer: Pick<RevealComment, "readingId" | "passageKey" | "originalPassageKey">): string[] {
  const keys = [`${answer.readingId}\u0000${answer.originalPassageKey}`];
  if (answer.passageKey !== null && answer.passageKey !== answer.originalPassageKey) keys.push(`${answer.readingId}\u0000${answer.passageKey}`);
  return keys;
}

const isPromptAnswer = (comment: RevealComment) => comment.kind === "answer" && comment.parentId === null;

/**
 * The prompts `viewer` has answered: the prompts of their own answers (first comments of kind
 * "answer", not deleted) in this lesson, whatever revision they were written on and whether or not
 * the prompt is still in the current text.
 */
export function answeredPrompts(comments: readonly RevealComment[], viewer: Pick<RevealViewer, "userId">): Set<string> {
  const answered = new Set<string>();
  for (const comment of comments) {
    if (isPromptAnswer(comment) && comment.authorId === viewer.userId && !comment.deletedAt) for (const key of promptsOf(comment)) answered.add(key);
  }
  return answered;
}

/**
 * Whether a prompt answer (a thread's first comment of kind "answer") is hidden from `viewer`:
 * others' answers stay hidden until you have answered the same prompt yourself. Moderators see all;
 * authors see their own; a pinned answer is shown to everyone.
 */
export function isAnswerConcealed(answer: RevealComment, viewer: RevealViewer, answered: ReadonlySet<string>): boolean {
  if (!isPromptAnswer(answer)) return false;
  if (viewer.moderator || answer.authorId === viewer.userId || answer.pinnedAt) return false;
  return !promptsOf(answer).some((key) => answered.has(key));
}

/**
 * The reveal rule over a lesson's comments: the ids of every comment `viewer` may not see because
 * it belongs to a concealed answer's thread — the answer and all its replies, at any depth. Applied
 * wherever the discussion is served (the lesson page and its `.data`, exports, catch-up, live events).
 * `comments` must hold the viewer's own answers of the lesson (to know what they answered) and the
 * first comment of every thread a reply in it belongs to.
 */
export function concealedCommentIds(comments: readonly RevealComment[], viewer: RevealViewer): Set<string> {
  const answered = answeredPrompts(comments, viewer);
  const concealedRoots = new Set(comments.filter((comment) => isAnswerConcealed(comment, viewer, answered)).map((comment) => comment.id));
  return new Set(comments.filter((comment) => concealedRoots.has(comment.rootId)).map((comment) => comment.id));
}
