import { describe, expect, it } from "vitest";
import type { CommentView, ThreadView } from "./discussion.server.ts";
import { buildLessonView, EARLIER_VERSION } from "./lesson-view.ts";

let seq = 0;
function comment(overrides: Partial<CommentView> = {}): CommentView {
  const id = overrides.id ?? `c${++seq}`;
  return {
    id,
    parentId: null,
    rootId: id,
    author: { id: "u1", displayName: "Ada", handle: "ada" },
    kind: "comment",
    createdAt: "2026-12-01T10:00:00.000Z",
    editedAt: null,
    state: "visible",
    body: "text",
    reactions: { agree: 0, insightful: 0, confused: 0 } as CommentView["reactions"],
    myReactions: [],
    pinned: null,
    isNew: false,
    mine: false,
    flags: 0,
    editCount: 0,
    replies: [],
    ...overrides,
  };
}
function thread(passageKey: string | null, overrides: Partial<ThreadView> = {}): ThreadView {
  return {
    ...comment(overrides),
    passageKey,
    quote: null,
    anchorStatus: "exact",
    anchorChanged: false,
    originalQuote: null,
    originalRevision: 1,
    locked: false,
    answerId: null,
    answerMarkedBy: null,
    concealed: false,
    ...overrides,
  };
}

const passageText = new Map([
  ["a", "The quick brown fox jumps over the lazy dog."],
  ["b", "Write-ahead logs keep promises."],
  ["p", "Explain a checkpoint in your own words."],
]);
const build = (threads: ThreadView[], params: { open?: string; comment?: string } = {}, orphans: ThreadView[] = []) =>
  buildLessonView({ passageText, discussion: { threads, orphans }, openParam: params.open ?? null, commentParam: params.comment ?? null });

describe("buildLessonView", () => {
  it("groups threads by passage and sends threads of passages gone from the text to the orphans", () => {
    const one = thread("a");
    const two = thread("a");
    const three = thread("b");
    const gone = thread("removed-passage");
    const earlier = thread(null);
    const view = build([one, two, three, gone], {}, [earlier]);
    expect(view.threads).toEqual({ a: [one, two], b: [three] });
    expect(view.orphans).toEqual([earlier, gone]);
    expect(view.shown).toEqual({ a: 2, b: 1 });
  });

  it("highlights the quoted words of each passage, overlapping quotes merged, out-of-range ones dropped", () => {
    const first = thread("a", { quote: { exact: "quick brown", start: 4, end: 15 } });
    const overlapping = thread("a", { quote: { exact: "brown fox", start: 10, end: 19 } });
    const outside = thread("a", { quote: { exact: "?", start: 40, end: 400 } });
    const plain = thread("b");
    const view = build([first, overlapping, outside, plain]);
    expect(view.highlights).toEqual({ a: [{ start: 4, end: 19, ids: [first.id, overlapping.id] }] });
  });

  it("collects comments and replies pinned to the lesson as key answers, visible ones only", () => {
    const reply = comment({ pinned: { scope: "lesson" }, body: "Pinned reply", author: { id: "u2", displayName: "Bo", handle: "bo" } });
    const root = thread("b", { replies: [reply] });
    const hidden = thread("a", { pinned: { scope: "lesson" }, state: "hidden" });
    const passagePin = thread("a", { pinned: { scope: "passage" } });
    const orphanPin = thread(null, { pinned: { scope: "lesson" }, body: "Old answer", kind: "answer" });
    const view = build([root, hidden, passagePin], {}, [orphanPin]);
    expect(view.keyAnswers).toEqual([
      { id: reply.id, passageKey: "b", author: "Bo", body: "Pinned reply", kind: "comment" },
      { id: orphanPin.id, passageKey: null, author: "Ada", body: "Old answer", kind: "answer" },
    ]);
  });

  it("says what is new per panel and which prompts the member has answered", () => {
    const newReply = comment({ isNew: true });
    const a = thread("a", { replies: [newReply] });
    const answer = thread("p", { kind: "answer", mine: true, isNew: true });
    const removedAnswer = thread("b", { kind: "answer", mine: true, state: "removed" });
    const orphan = thread(null, { isNew: true });
    const view = build([a, answer, removedAnswer], {}, [orphan]);
    expect(view.newIds).toEqual({ a: [newReply.id], p: [answer.id], [EARLIER_VERSION]: [orphan.id] });
    expect(view.answeredPrompts).toEqual(["p"]);
  });

  it("opens the panel asked for, or the panel of a linked comment, and nothing unknown", () => {
    const reply = comment();
    const a = thread("a", { replies: [reply] });
    const orphan = thread(null);
    expect(build([a]).open).toBeNull();
    expect(build([a], { open: "b" }).open).toBe("b");
    expect(build([a], { open: EARLIER_VERSION }).open).toBe(EARLIER_VERSION);
    expect(build([a], { open: "no-such-passage" }).open).toBeNull();
    expect(build([a], { comment: reply.id }).open).toBe("a");
    expect(build([a], { comment: orphan.id }, [orphan]).open).toBe(EARLIER_VERSION);
    expect(build([a], { comment: "unknown" }).open).toBeNull();
    // ?open= wins over ?comment=.
    expect(build([a], { open: "b", comment: reply.id }).open).toBe("b");
  });
});
