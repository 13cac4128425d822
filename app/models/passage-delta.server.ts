/**
 * A live change's delta (ADR 15): what one passage's margin shows one viewer now — its threads (when
 * the page has them), its counts, highlights, "new" markers, whether the viewer answered it, and the
 * key answers pinned on it — read with the page's own rules (loadDiscussion restricted to the passage,
 * then buildLessonView), so the hidden, the concealed and the removed stay exactly as the page shows
 * them. A page that hears `discussion:changed` fetches this for the passage instead of reloading the
 * lesson: its cost is one passage's rows, not the lesson's.
 */
import type { Db } from "~/db/client.server.ts";
import type { Highlight } from "~/components/reader/passage-text.tsx";
import type { KeyAnswer, ThreadView } from "~/components/discussion/types.ts";
import type { Role } from "./authz.ts";
import { keyAnswerWithTree, threadWithTrees } from "./comment-trees.server.ts";
import { loadDiscussion, type Discussion } from "./discussion.server.ts";
import type { DiscussionFilter } from "./discussion-rules.ts";
import { latestLessonEvent } from "./lesson-events.server.ts";
import { buildLessonView } from "./lesson-view.ts";

export interface PassageDelta {
  passageKey: string;
  /**
   * The log's latest id read before the passage's data (as the loader's `live.cursor`): the delta
   * reflects every change on this passage up to it. A page keeps the newer of a delta and a full load.
   */
  seq: number;
  /** The passage's threads under the page's filter; null when the page did not ask (its panel is not loaded). */
  threads: ThreadView[] | null;
  /** Threads shown on the passage under the filter (the margin's count). */
  shown: number;
  counts: Discussion["counts"][string] | null;
  highlights: Highlight[] | null;
  /** Comments on the passage new since the viewer's last visit. */
  newIds: string[];
  answered: boolean;
  /** Key answers (pinned to the lesson) on this passage. */
  keyAnswers: KeyAnswer[];
  members: Discussion["members"];
}

/** Either the passage's delta, or "reload the lesson" (the change is not on a passage of the current text). */
export type PassageDeltaAnswer = { delta: PassageDelta } | { reload: true; seq: number };

export type DeltaTarget = { passageKey: string } | { seq: number };

/**
 * The delta of the passage a change is on, for one member. `target` names the passage, or the change
 * (its LessonEvent id: a change heard redacted names no passage, so the server finds it, and answers
 * only with what this viewer may see of that passage). The caller has checked membership and the day.
 */
export async function loadPassageDelta(
  db: Db,
  input: { groupId: string; day: number; lessonId: string; userId: string; role: Role; filter: DiscussionFilter; target: DeltaTarget; withThreads: boolean },
): Promise<PassageDeltaAnswer> {
  // Read before the data, as the loader does (ADR 8): the delta reflects at least this much.
  const seq = await latestLessonEvent(db);
  const passageKey = "passageKey" in input.target ? input.target.passageKey : await passageOfChange(db, input.groupId, input.day, input.target.seq);
  if (!passageKey) return { reload: true, seq };
  const passage = await db.passage.findFirst({
    where: { key: passageKey, revision: { currentOf: { lessonId: input.lessonId } } },
    select: { key: true, text: true },
  });
  // Not in the current text (an orphan's thread, a revision meanwhile): only a full load places it.
  if (!passage) return { reload: true, seq };
  const discussion = await loadDiscussion(db, {
    groupId: input.groupId,
    lessonId: input.lessonId,
    viewer: { userId: input.userId, role: input.role },
    promptKeys: new Set(),
    filter: input.filter,
    passageKey,
  });
  const view = buildLessonView({ passageText: new Map([[passage.key, passage.text]]), discussion, openParam: null, commentParam: null });
  // Bodies go out parsed, as the page's do (comment-trees.server.ts): the browser never needs marked.
  const mentionable = new Set(discussion.members.map((member) => member.handle));
  return {
    delta: {
      passageKey,
      seq,
      threads: input.withThreads ? (view.threads[passageKey] ?? []).map((thread) => threadWithTrees(thread, mentionable)) : null,
      shown: view.shown[passageKey] ?? 0,
      counts: discussion.counts[passageKey] ?? null,
      highlights: view.highlights[passageKey] ?? null,
      newIds: view.newIds[passageKey] ?? [],
      answered: view.answeredPrompts.includes(passageKey),
      keyAnswers: view.keyAnswers.map((answer) => keyAnswerWithTree(answer, mentionable)),
      members: discussion.members,
    },
  };
}

/** The passage a logged change of this lesson is on now (its comment may have moved since). */
async function passageOfChange(db: Db, groupId: string, day: number, seq: number): Promise<string | null> {
  const event = await db.lessonEvent.findFirst({ where: { id: seq, groupId, day }, select: { commentId: true, passageKey: true } });
  if (!event) return null;
  const comment = await db.comment.findFirst({ where: { id: event.commentId, groupId }, select: { passageKey: true } });
  return comment ? comment.passageKey : event.passageKey;
}
