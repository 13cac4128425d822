/**
 * Discussion in the margin of a group's lesson: threads anchored to passages and quotes, answers,
 * pins, prompt answers, reactions, flags, moderation and notifications. Reads take a fixed number
 * of queries however many threads a lesson has; every write checks app/models/authz.ts.
 */
import type { Db } from "~/db/client.server.ts";
import { findMentions, mentionHandle } from "~/content/comment-markdown.ts";
import { validateQuote, makeQuoteSelector } from "~/content/anchoring.ts";
import { can, decide, type Decision, type Role } from "./authz.ts";
import { isUniqueViolation, writeOnce } from "./client-ids.server.ts";
import { audit } from "./group.server.ts";
import { notifyMember } from "./notifications.server.ts";
import { answeredPrompts, concealedCommentIds, isAnswerConcealed, REACTIONS, type CommentKind, type DiscussionFilter, type ReactionKind } from "./discussion-rules.ts";

export interface Viewer {
  userId: string;
  role: Role;
}

export type Refusal = { ok: false; status: 400 | 403 | 404 | 409; message: string };
export type Done<T = object> = { ok: true } & T;

const refuse = (status: Refusal["status"], message: string): Refusal => ({ ok: false, status, message });
const fromDecision = (decision: Decision): Refusal | null => (decision.ok ? null : refuse(403, decision.reason));

// ------------------------------------------------------------------ reading

export interface CommentView {
  id: string;
  parentId: string | null;
  rootId: string;
  author: { id: string; displayName: string; handle: string };
  kind: string;
  createdAt: string;
  editedAt: string | null;
  /** visible; hidden (placeholder for members, text for moderators); removed (deleted, kept for its replies) */
  state: "visible" | "hidden" | "removed";
  /** The Markdown source, or null when the viewer may not see it. */
  body: string | null;
  reactions: Record<ReactionKind, number>;
  myReactions: ReactionKind[];
  pinned: { scope: string } | null;
  isNew: boolean;
  mine: boolean;
  flags: number;
  editCount: number;
  replies: CommentView[];
}

export interface ThreadView extends CommentView {
  passageKey: string | null;
  quote: { exact: string; start: number; end: number } | null;
  anchorStatus: string;
  anchorChanged: boolean;
  originalQuote: string | null;
  originalRevision: number;
  locked: boolean;
  answerId: string | null;
  answerMarkedBy: string | null;
  /** Prompt answers of others the viewer cannot see yet (they have not answered). */
  concealed: boolean;
}

export interface Discussion {
  threads: ThreadView[];
  /** Threads whose passage is gone from the current text: shown with their original quote. */
  orphans: ThreadView[];
  /** Per passage: threads shown and prompt answers still concealed from the viewer. */
  counts: Record<string, { threads: number; concealedAnswers: number; confused: number }>;
  members: { id: string; displayName: string; handle: string }[];
  lastVisit: string | null;
}

/** Everything the margin shows for one lesson of one group, in five queries. */
export async function loadDiscussion(
  db: Db,
  input: {
    groupId: string;
    lessonId: string;
    viewer: Viewer;
    promptKeys: ReadonlySet<string>;
    filter?: DiscussionFilter;
    /** Only this passage's threads (a live delta, app/models/passage-delta.server.ts): the same rules, one passage's rows. */
    passageKey?: string;
  },
): Promise<Discussion> {
  const { groupId, lessonId, viewer } = input;
  const moderator = can(viewer.role, "discussion.moderate");
  const scope = input.passageKey === undefined ? { groupId, lessonId } : { groupId, lessonId, passageKey: input.passageKey };
  const [comments, reactionCounts, myReactions, members, visit, ownAnswers, flagCounts, editCounts] = await Promise.all([
    // Authors' names come from the members list below: an include here would send one id per comment.
    db.comment.findMany({ where: scope, orderBy: { createdAt: "asc" } }),
    db.reaction.groupBy({ by: ["commentId", "kind"], where: { comment: scope }, _count: { _all: true } }),
    db.reaction.findMany({ where: { userId: viewer.userId, comment: scope }, select: { commentId: true, kind: true } }),
    db.membership.findMany({ where: { groupId }, select: { user: { select: { id: true, displayName: true } } } }),
    db.lessonVisit.findUnique({ where: { userId_groupId_lessonId: { userId: viewer.userId, groupId, lessonId } } }),
    // One passage: the reveal rule still needs every answer of the viewer's in the lesson (one may
    // answer this prompt from another passage it was moved to).
    input.passageKey === undefined || moderator
      ? Promise.resolve([])
      : db.comment.findMany({ where: { groupId, lessonId, kind: "answer", parentId: null, authorId: viewer.userId, deletedAt: null }, select: { id: true, rootId: true, parentId: true, kind: true, authorId: true, readingId: true, passageKey: true, originalPassageKey: true, pinnedAt: true, deletedAt: true } }),
    // Open flags and edits, which only moderators see: counted over these comments only (a relation
    // `_count` would group the whole Flag and CommentEdit tables, every group's, on each read).
    moderator ? db.flag.groupBy({ by: ["commentId"], where: { resolvedAt: null, comment: scope }, _count: { _all: true } }) : Promise.resolve([]),
    moderator ? db.commentEdit.groupBy({ by: ["commentId"], where: { comment: scope }, _count: { _all: true } }) : Promise.resolve([]),
  ]);
  const flagsOf = new Map(flagCounts.map((row) => [row.commentId, row._count._all]));
  const editsOf = new Map(editCounts.map((row) => [row.commentId, row._count._all]));
  const names = new Map(members.map((member) => [member.user.id, member.user.displayName]));
  // People who wrote here and have since left the group: one lookup of just them.
  const departed = [...new Set(comments.map((comment) => comment.authorId))].filter((id) => !names.has(id));
  if (departed.length > 0) {
    for (const user of await db.user.findMany({ where: { id: { in: departed } }, select: { id: true, displayName: true } })) names.set(user.id, user.displayName);
  }
  const lastVisit = visit?.visitedAt ?? null;
  const counts = new Map<string, Record<ReactionKind, number>>();
  for (const row of reactionCounts) {
    const entry = counts.get(row.commentId) ?? { agree: 0, insightful: 0, confused: 0 };
    if ((REACTIONS as readonly string[]).includes(row.kind)) entry[row.kind as ReactionKind] = row._count._all;
    counts.set(row.commentId, entry);
  }
  const mine = new Map<string, ReactionKind[]>();
  for (const row of myReactions) mine.set(row.commentId, [...(mine.get(row.commentId) ?? []), row.kind as ReactionKind]);
  // The reveal rule (app/models/discussion-rules.ts): concealed answers and every reply under them.
  const concealedIds = concealedCommentIds(ownAnswers.length > 0 ? [...comments, ...ownAnswers] : comments, { userId: viewer.userId, moderator });
  const hasReplies = new Set(comments.filter((comment) => comment.parentId && !comment.deletedAt).map((comment) => comment.parentId));

  const views = new Map<string, ThreadView>();
  for (const comment of comments) {
    const state = comment.deletedAt ? "removed" : comment.hiddenAt ? "hidden" : "visible";
    // A removed comment nobody answered leaves no trace.
    if (state === "removed" && !hasReplies.has(comment.id)) continue;
    const concealed = concealedIds.has(comment.id);
    const canRead = state === "visible" || (state === "hidden" && (moderator || comment.authorId === viewer.userId));
    views.set(comment.id, {
      id: comment.id,
      parentId: comment.parentId,
      rootId: comment.rootId,
      author: { id: comment.authorId, displayName: names.get(comment.authorId) ?? "A former member", handle: mentionHandle(names.get(comment.authorId) ?? "") },
      kind: comment.kind,
      createdAt: comment.createdAt.toISOString(),
      editedAt: comment.editedAt?.toISOString() ?? null,
      state,
      body: canRead && !concealed ? comment.body : null,
      reactions: counts.get(comment.id) ?? { agree: 0, insightful: 0, confused: 0 },
      myReactions: mine.get(comment.id) ?? [],
      pinned: comment.pinnedAt ? { scope: comment.pinScope ?? "passage" } : null,
      isNew: lastVisit !== null && comment.createdAt > lastVisit && comment.authorId !== viewer.userId,
      mine: comment.authorId === viewer.userId,
      flags: flagsOf.get(comment.id) ?? 0,
      editCount: editsOf.get(comment.id) ?? 0,
      replies: [],
      passageKey: comment.passageKey,
      quote: comment.quoteExact !== null && comment.quoteStart !== null && comment.quoteEnd !== null ? { exact: comment.quoteExact, start: comment.quoteStart, end: comment.quoteEnd } : null,
      anchorStatus: comment.anchorStatus,
      anchorChanged: comment.anchorChanged,
      originalQuote: comment.originalQuote,
      originalRevision: comment.originalRevision,
      locked: comment.lockedAt !== null,
      answerId: comment.answerId,
      answerMarkedBy: null,
      concealed,
    });
  }
  const roots: ThreadView[] = [];
  for (const comment of comments) {
    const view = views.get(comment.id);
    if (!view) continue;
    if (comment.answerMarkedById) view.answerMarkedBy = names.get(comment.answerMarkedById) ?? "a former member";
    if (comment.parentId) views.get(comment.parentId)?.replies.push(view);
    else roots.push(view);
  }
  // The marked answer leads its thread's replies.
  for (const root of roots) {
    if (root.answerId) root.replies.sort((a, b) => Number(b.id === root.answerId) - Number(a.id === root.answerId));
  }
  const filtered = roots.filter((root) => matchesFilter(root, input.filter ?? "all"));
  // Pinned threads lead the margin; then in reading order of creation.
  filtered.sort((a, b) => Number(Boolean(b.pinned)) - Number(Boolean(a.pinned)));

  const passageCounts: Discussion["counts"] = {};
  for (const root of roots) {
    if (!root.passageKey) continue;
    const entry = (passageCounts[root.passageKey] ??= { threads: 0, concealedAnswers: 0, confused: 0 });
    if (root.concealed) entry.concealedAnswers += 1;
    else entry.threads += 1;
    entry.confused += root.reactions.confused;
  }
  // A concealed answer's thread is never sent, on its passage or under "earlier version": only counted.
  return {
    threads: filtered.filter((root) => root.passageKey !== null && !root.concealed),
    orphans: filtered.filter((root) => root.passageKey === null && !root.concealed),
    counts: passageCounts,
    members: members.map((member) => ({ id: member.user.id, displayName: member.user.displayName, handle: mentionHandle(member.user.displayName) })),
    lastVisit: lastVisit?.toISOString() ?? null,
  };
}

function matchesFilter(root: ThreadView, filter: DiscussionFilter): boolean {
  switch (filter) {
    case "open":
      return root.kind === "question" && !root.answerId && root.state === "visible";
    case "pinned":
      return root.pinned !== null || root.replies.some((reply) => reply.pinned);
    case "mine": {
      const anyMine = (view: CommentView): boolean => view.mine || view.replies.some(anyMine);
      return anyMine(root);
    }
    default:
      return true;
  }
}

export async function recordLessonVisit(db: Db, input: { userId: string; groupId: string; lessonId: string }, now = new Date()) {
  await db.lessonVisit.upsert({
    where: { userId_groupId_lessonId: input },
    create: { ...input, visitedAt: now },
    update: { visitedAt: now },
  });
}

/** Questions without an answer across the group's lessons (newest first). */
export async function listOpenQuestions(db: Db, groupId: string) {
  const questions = await db.comment.findMany({
    where: { groupId, kind: "question", parentId: null, answerId: null, deletedAt: null, hiddenAt: null },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: { id: true, body: true, passageKey: true, createdAt: true, lessonId: true, author: { select: { displayName: true } }, _count: { select: { replies: true } } },
  });
  const lessons = await db.lesson.findMany({ where: { id: { in: [...new Set(questions.map((question) => question.lessonId))] } }, select: { id: true, day: true, title: true } });
  const byId = new Map(lessons.map((lesson) => [lesson.id, lesson]));
  return questions.map((question) => ({ ...question, lesson: byId.get(question.lessonId)! }));
}

// ------------------------------------------------------------------ writing

interface LessonScope {
  groupId: string;
  lessonId: string;
}

/** A reading of this lesson, with the current text of the passage being commented on. */
async function currentPassage(db: Db, lessonId: string, readingId: string, passageKey: string) {
  const reading = await db.reading.findFirst({
    where: { id: readingId, lessonId },
    select: { id: true, currentRevision: { select: { number: true, passages: { where: { key: passageKey }, select: { key: true, kind: true, text: true } } } } },
  });
  const passage = reading?.currentRevision?.passages[0];
  if (!reading || !passage) return null;
  return { revision: reading.currentRevision!.number, passage };
}

export type PostResult = Done<{ commentId: string; duplicate: boolean }> | Refusal;

/** What a post is: who writes it where. The same id again is the same post only if all of this matches. */
interface PostKey {
  id: string;
  authorId: string;
  groupId: string;
  lessonId: string;
  /** The comment replied to; null for a thread of its own, which names its passage instead. */
  parentId: string | null;
  passage?: { readingId: string; passageKey: string };
}

/**
 * Idempotent on the client-chosen id (app/models/client-ids.server.ts): the same post sent again, or
 * several times at once, is stored once and every copy is answered as a duplicate of it; the same id
 * for someone else's post or another target is refused and changes nothing.
 */
function postOnce(db: Db, key: PostKey, write: () => Promise<Refusal | void>): Promise<PostResult> {
  return writeOnce<PostResult>(
    () => existingPost(db, key),
    async () => (await write()) ?? { ok: true, commentId: key.id, duplicate: false },
  );
}

async function existingPost(db: Db, key: PostKey): Promise<PostResult | null> {
  const existing = await db.comment.findUnique({
    where: { id: key.id },
    select: { authorId: true, groupId: true, lessonId: true, parentId: true, readingId: true, originalPassageKey: true },
  });
  if (!existing) return null;
  const same =
    existing.authorId === key.authorId &&
    existing.groupId === key.groupId &&
    existing.lessonId === key.lessonId &&
    existing.parentId === key.parentId &&
    (!key.passage || (existing.readingId === key.passage.readingId && existing.originalPassageKey === key.passage.passageKey));
  if (same) return { ok: true, commentId: key.id, duplicate: true };
  return refuse(409, "That comment id is taken: reload the page and try again.");
}

export async function postComment(
  db: Db,
  scope: LessonScope,
  viewer: Viewer,
  input: { id: string; body: string; kind: CommentKind; readingId: string; passageKey: string; quoteExact?: string; quoteStart: number | null; quoteEnd: number | null },
): Promise<PostResult> {
  const denied = fromDecision(decide(viewer.role, "discussion.post"));
  if (denied) return denied;
  const key = { id: input.id, authorId: viewer.userId, groupId: scope.groupId, lessonId: scope.lessonId, parentId: null, passage: { readingId: input.readingId, passageKey: input.passageKey } };
  return postOnce(db, key, async () => {
    const target = await currentPassage(db, scope.lessonId, input.readingId, input.passageKey);
    if (!target) return refuse(400, "That passage is not in this lesson (it may have just been revised): reload the page.");
    if (input.kind === "answer" && target.passage.kind !== "prompt") return refuse(400, "Answers go on practice prompts; use a comment or a question here.");
    let quote: { exact: string; prefix: string; suffix: string; start: number; end: number } | null = null;
    if (input.quoteExact) {
      const proposed = input.quoteStart !== null && input.quoteEnd !== null ? makeQuoteSelector(target.passage.text, input.quoteStart, input.quoteEnd) : null;
      quote = validateQuote(target.passage.text, { exact: input.quoteExact, prefix: proposed?.prefix ?? "", suffix: proposed?.suffix ?? "", start: input.quoteStart ?? 0, end: input.quoteEnd ?? 0 });
      if (!quote) return refuse(400, "The quoted words are not in that passage: select them again.");
    }
    await db.$transaction(async (tx) => {
      await tx.comment.create({
        data: {
          id: input.id,
          groupId: scope.groupId,
          lessonId: scope.lessonId,
          readingId: input.readingId,
          passageKey: target.passage.key,
          anchorRevision: target.revision,
          quoteExact: quote?.exact ?? null,
          quotePrefix: quote?.prefix ?? null,
          quoteSuffix: quote?.suffix ?? null,
          quoteStart: quote?.start ?? null,
          quoteEnd: quote?.end ?? null,
          originalRevision: target.revision,
          originalPassageKey: target.passage.key,
          originalQuote: quote?.exact ?? null,
          rootId: input.id,
          authorId: viewer.userId,
          kind: input.kind,
          body: input.body,
        },
      });
      await notifyMentions(tx as unknown as Db, { groupId: scope.groupId, commentId: input.id, actorId: viewer.userId, body: input.body, skip: new Set() });
    });
  });
}

/**
 * Whether the thread under `root` is concealed from the viewer by the reveal rule of prompt answers
 * (app/models/discussion-rules.ts): the viewer's own answers of this lesson, in any revision, decide.
 */
async function concealedFromViewer(db: Db, scope: LessonScope, viewer: Viewer, root: Parameters<typeof isAnswerConcealed>[0]): Promise<boolean> {
  if (root.kind !== "answer" || root.authorId === viewer.userId || can(viewer.role, "discussion.moderate")) return false;
  const own = await db.comment.findMany({ where: { groupId: scope.groupId, lessonId: scope.lessonId, kind: "answer", parentId: null, authorId: viewer.userId, deletedAt: null } });
  return isAnswerConcealed(root, { userId: viewer.userId, moderator: false }, answeredPrompts(own, viewer));
}

/** The thread's first comment of `comment`, for the reveal rule. */
async function rootOf<T extends { id: string; rootId: string }>(db: Db, comment: T) {
  return comment.rootId === comment.id ? comment : db.comment.findUniqueOrThrow({ where: { id: comment.rootId } });
}

export async function postReply(db: Db, scope: LessonScope, viewer: Viewer, input: { id: string; body: string; parentId: string }): Promise<PostResult> {
  const denied = fromDecision(decide(viewer.role, "discussion.post"));
  if (denied) return denied;
  const key = { id: input.id, authorId: viewer.userId, groupId: scope.groupId, lessonId: scope.lessonId, parentId: input.parentId };
  return postOnce(db, key, async () => {
    const parent = await db.comment.findFirst({ where: { id: input.parentId, groupId: scope.groupId, lessonId: scope.lessonId } });
    if (!parent) return refuse(404, "The comment you are replying to is not in this lesson.");
    const root = parent.rootId === parent.id ? parent : await db.comment.findUniqueOrThrow({ where: { id: parent.rootId } });
    if (root.lockedAt && !can(viewer.role, "discussion.moderate")) return refuse(403, "This thread is locked: no new replies.");
    if (await concealedFromViewer(db, scope, viewer, root)) {
      return refuse(403, "Post your own answer to this prompt first; then you can see and reply to the others.");
    }
    await db.$transaction(async (tx) => {
      await tx.comment.create({
        data: {
          id: input.id,
          groupId: scope.groupId,
          lessonId: scope.lessonId,
          readingId: root.readingId,
          passageKey: root.passageKey,
          anchorRevision: root.anchorRevision,
          originalRevision: root.originalRevision,
          originalPassageKey: root.originalPassageKey,
          parentId: parent.id,
          rootId: root.id,
          authorId: viewer.userId,
          kind: "comment",
          body: input.body,
        },
      });
      const skip = new Set<string>();
      if (parent.authorId !== viewer.userId && !parent.deletedAt) {
        await notifyMember(tx, { userId: parent.authorId, groupId: scope.groupId, type: "reply", commentId: input.id, actorId: viewer.userId });
        skip.add(parent.authorId);
      }
      await notifyMentions(tx as unknown as Db, { groupId: scope.groupId, commentId: input.id, actorId: viewer.userId, body: input.body, skip });
    });
  });
}

/** One notification per mentioned member (never the author, never twice, never a non-member). */
async function notifyMentions(db: Db, input: { groupId: string; commentId: string; actorId: string; body: string; skip: Set<string> }) {
  const handles = new Set(findMentions(input.body));
  if (handles.size === 0) return;
  const members = await db.membership.findMany({ where: { groupId: input.groupId }, select: { user: { select: { id: true, displayName: true } } } });
  const mentioned = members.filter((member) => handles.has(mentionHandle(member.user.displayName)) && member.user.id !== input.actorId && !input.skip.has(member.user.id));
  if (mentioned.length === 0) return;
  await db.notification.createMany({
    data: mentioned.map((member) => ({ userId: member.user.id, groupId: input.groupId, type: "mention", commentId: input.commentId, actorId: input.actorId })),
  });
}

async function findInLesson(db: Db, scope: LessonScope, commentId: string) {
  return db.comment.findFirst({ where: { id: commentId, groupId: scope.groupId, lessonId: scope.lessonId } });
}

export async function editComment(db: Db, scope: LessonScope, viewer: Viewer, input: { commentId: string; body: string }, now = new Date()): Promise<Done | Refusal> {
  const comment = await findInLesson(db, scope, input.commentId);
  if (!comment || comment.deletedAt) return refuse(404, "That comment is not in this lesson.");
  if (comment.authorId !== viewer.userId) return refuse(403, "You can only edit your own comments.");
  if (comment.body === input.body) return { ok: true };
  // Only from the text just read: of copies sent at once, one edits and keeps the old text in the history.
  const edited = await db.$transaction(async (tx) => {
    const { count } = await tx.comment.updateMany({ where: { id: comment.id, body: comment.body, deletedAt: null }, data: { body: input.body, editedAt: now } });
    if (count === 1) await tx.commentEdit.create({ data: { commentId: comment.id, body: comment.body, editedAt: now } });
    return count === 1;
  });
  if (edited) return { ok: true };
  const current = await findInLesson(db, scope, input.commentId);
  if (current && !current.deletedAt && current.body === input.body) return { ok: true };
  return refuse(409, "The comment was changed meanwhile: reload the page and edit it again.");
}

/** Authors delete their own; moderators anyone's. The text goes to the edit history (moderators only). */
export async function deleteComment(db: Db, scope: LessonScope, viewer: Viewer, commentId: string, now = new Date()): Promise<Done | Refusal> {
  const comment = await findInLesson(db, scope, commentId);
  if (!comment || comment.deletedAt) return refuse(404, "That comment is not in this lesson.");
  const moderating = comment.authorId !== viewer.userId;
  if (moderating && !can(viewer.role, "discussion.moderate")) return refuse(403, "You can only delete your own comments.");
  // Deleted once: of copies sent at once, the others find it deleted.
  const deleted = await db.$transaction(async (tx) => {
    const { count } = await tx.comment.updateMany({ where: { id: comment.id, deletedAt: null }, data: { deletedAt: now, body: "", pinnedAt: null, pinScope: null } });
    if (count !== 1) return false;
    await tx.commentEdit.create({ data: { commentId: comment.id, body: comment.body, editedAt: now } });
    if (moderating) await audit(tx, scope.groupId, viewer.userId, "comment.deleted", comment.authorId, comment.id);
    return true;
  });
  return deleted ? { ok: true } : refuse(404, "That comment is not in this lesson.");
}

export async function toggleReaction(db: Db, scope: LessonScope, viewer: Viewer, input: { commentId: string; reaction: ReactionKind }): Promise<Done<{ on: boolean }> | Refusal> {
  const denied = fromDecision(decide(viewer.role, "discussion.post"));
  if (denied) return denied;
  const comment = await findInLesson(db, scope, input.commentId);
  // A comment concealed from the viewer is, for them, not there.
  if (!comment || comment.deletedAt || (await concealedFromViewer(db, scope, viewer, await rootOf(db, comment)))) return refuse(404, "That comment is not in this lesson.");
  const key = { commentId_userId_kind: { commentId: comment.id, userId: viewer.userId, kind: input.reaction } };
  // As toggleVote: a copy that finds nothing to take back adds it; two at once leave one.
  const { count } = await db.reaction.deleteMany({ where: key.commentId_userId_kind });
  if (count === 0) {
    try {
      await db.reaction.create({ data: key.commentId_userId_kind });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return { ok: true, on: count === 0 };
}

/** On a question, its asker or a moderator marks one reply of the thread as the answer (again: unmarks). */
export async function markAnswer(db: Db, scope: LessonScope, viewer: Viewer, replyId: string, now = new Date()): Promise<Done<{ marked: boolean }> | Refusal> {
  const reply = await findInLesson(db, scope, replyId);
  if (!reply || !reply.parentId || reply.deletedAt) return refuse(404, "That reply is not in this lesson.");
  const question = await db.comment.findUniqueOrThrow({ where: { id: reply.rootId } });
  if (question.kind !== "question") return refuse(400, "Only a question's replies can be marked as its answer.");
  if (question.authorId !== viewer.userId && !can(viewer.role, "discussion.moderate")) return refuse(403, "Only the person who asked, or a moderator, can mark the answer.");
  const unmark = question.answerId === reply.id;
  // From the answer just read only: copies sent at once toggle it once, the others are told to reload.
  const changed = await db.$transaction(async (tx) => {
    const { count } = await tx.comment.updateMany({
      where: { id: question.id, answerId: question.answerId },
      data: unmark ? { answerId: null, answerMarkedById: null, answerMarkedAt: null } : { answerId: reply.id, answerMarkedById: viewer.userId, answerMarkedAt: now },
    });
    if (count === 1 && !unmark && reply.authorId !== viewer.userId) {
      await notifyMember(tx, { userId: reply.authorId, groupId: scope.groupId, type: "answer", commentId: reply.id, actorId: viewer.userId });
    }
    return count === 1;
  });
  if (!changed) return refuse(409, "The answer to this question was just changed: reload the page.");
  return { ok: true, marked: !unmark };
}

export async function setPin(db: Db, scope: LessonScope, viewer: Viewer, input: { commentId: string; pin: "passage" | "lesson" | null }, now = new Date()): Promise<Done | Refusal> {
  const denied = fromDecision(decide(viewer.role, "discussion.moderate"));
  if (denied) return denied;
  const comment = await findInLesson(db, scope, input.commentId);
  if (!comment || comment.deletedAt) return refuse(404, "That comment is not in this lesson.");
  await db.$transaction(async (tx) => {
    // Pinned where it already is (a double click, copies at once): nothing changes, nothing is audited or notified.
    const { count } = await tx.comment.updateMany({
      where: { id: comment.id, ...(input.pin ? { OR: [{ pinScope: null }, { pinScope: { not: input.pin } }] } : { pinScope: { not: null } }) },
      data: input.pin ? { pinnedAt: now, pinnedById: viewer.userId, pinScope: input.pin } : { pinnedAt: null, pinnedById: null, pinScope: null },
    });
    if (count !== 1) return;
    await audit(tx, scope.groupId, viewer.userId, input.pin ? "comment.pinned" : "comment.unpinned", comment.authorId, `${comment.id}${input.pin ? ` to the ${input.pin}` : ""}`);
    if (input.pin && comment.authorId !== viewer.userId) {
      await notifyMember(tx, { userId: comment.authorId, groupId: scope.groupId, type: "pin", commentId: comment.id, actorId: viewer.userId });
    }
  });
  return { ok: true };
}

export async function flagComment(db: Db, scope: LessonScope, viewer: Viewer, input: { commentId: string; reason: string }): Promise<Done | Refusal> {
  const denied = fromDecision(decide(viewer.role, "discussion.post"));
  if (denied) return denied;
  const comment = await findInLesson(db, scope, input.commentId);
  if (!comment || comment.deletedAt || (await concealedFromViewer(db, scope, viewer, await rootOf(db, comment)))) return refuse(404, "That comment is not in this lesson.");
  if (comment.authorId === viewer.userId) return refuse(400, "You cannot flag your own comment; edit or delete it instead.");
  const already = await db.flag.findUnique({ where: { commentId_reporterId: { commentId: comment.id, reporterId: viewer.userId } } });
  const flagged = refuse(409, "You have already flagged this comment; a moderator will look at it.");
  if (already && !already.resolvedAt) return flagged;
  // Flagged once: of copies sent at once, one creates (or reopens) the flag, the others are told it is there.
  if (!already) {
    try {
      await db.flag.create({ data: { commentId: comment.id, reporterId: viewer.userId, reason: input.reason } });
    } catch (error) {
      if (isUniqueViolation(error)) return flagged;
      throw error;
    }
    return { ok: true };
  }
  const { count } = await db.flag.updateMany({
    where: { id: already.id, resolvedAt: { not: null } },
    data: { reason: input.reason, resolvedAt: null, resolvedById: null, resolution: null, createdAt: new Date() },
  });
  return count === 1 ? { ok: true } : flagged;
}

export type ModerationAction = "hide" | "restore" | "lock" | "unlock" | "dismiss";

/** Hide or restore a comment, lock or unlock a thread, dismiss flags: moderators only, all audited. */
export async function moderate(db: Db, scope: LessonScope, viewer: Viewer, input: { commentId: string; action: ModerationAction }, now = new Date()): Promise<Done | Refusal> {
  const denied = fromDecision(decide(viewer.role, "discussion.moderate"));
  if (denied) return denied;
  const comment = await findInLesson(db, scope, input.commentId);
  if (!comment) return refuse(404, "That comment is not in this lesson.");
  if ((input.action === "lock" || input.action === "unlock") && comment.parentId) return refuse(400, "Lock the thread from its first comment.");
  const data = {
    hide: { hiddenAt: now, hiddenById: viewer.userId },
    restore: { hiddenAt: null, hiddenById: null },
    lock: { lockedAt: now },
    unlock: { lockedAt: null },
    dismiss: {},
  }[input.action];
  // Only what changes something: hiding a hidden comment (a double click, copies at once) is audited once.
  const unchanged = {
    hide: { hiddenAt: null },
    restore: { hiddenAt: { not: null } },
    lock: { lockedAt: null },
    unlock: { lockedAt: { not: null } },
    dismiss: {},
  }[input.action];
  await db.$transaction(async (tx) => {
    let changed = true;
    if (input.action !== "dismiss") changed = (await tx.comment.updateMany({ where: { id: comment.id, ...unchanged }, data })).count === 1;
    if (changed && (input.action === "hide" || input.action === "dismiss")) {
      const resolved = await tx.flag.updateMany({
        where: { commentId: comment.id, resolvedAt: null },
        data: { resolvedAt: now, resolvedById: viewer.userId, resolution: input.action === "hide" ? "hidden" : "dismissed" },
      });
      if (input.action === "dismiss") changed = resolved.count > 0;
    }
    if (changed) await audit(tx, scope.groupId, viewer.userId, `comment.${input.action}`, comment.authorId, comment.id);
  });
  return { ok: true };
}

/** The moderation queue: flagged comments not yet dealt with, across the group's lessons. */
export async function listFlagged(db: Db, groupId: string) {
  const comments = await db.comment.findMany({
    where: { groupId, flags: { some: { resolvedAt: null } } },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      body: true,
      hiddenAt: true,
      deletedAt: true,
      createdAt: true,
      lessonId: true,
      author: { select: { displayName: true } },
      flags: { where: { resolvedAt: null }, select: { reason: true, createdAt: true, reporter: { select: { displayName: true } } } },
    },
  });
  const lessons = await db.lesson.findMany({ where: { id: { in: [...new Set(comments.map((comment) => comment.lessonId))] } }, select: { id: true, day: true, title: true } });
  const byId = new Map(lessons.map((lesson) => [lesson.id, lesson]));
  return comments.map((comment) => ({ ...comment, lesson: byId.get(comment.lessonId)! }));
}

export async function editHistory(db: Db, scope: LessonScope, viewer: Viewer, commentId: string) {
  if (!can(viewer.role, "discussion.moderate")) return null;
  const comment = await findInLesson(db, scope, commentId);
  if (!comment) return null;
  return db.commentEdit.findMany({ where: { commentId }, orderBy: { editedAt: "asc" }, select: { body: true, editedAt: true } });
}

// ------------------------------------------------------------------ notifications

// Written, listed and counted by their own module: only for members, only what they can still open.
export { listNotifications, markNotificationsRead, unreadNotificationCount } from "./notifications.server.ts";
