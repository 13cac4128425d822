import { describe, expect, it } from "vitest";
import { concealedCommentIds, isAnswerConcealed, answeredPrompts, type RevealComment } from "./discussion-rules.ts";

let counter = 0;
function comment(overrides: Partial<RevealComment> & { authorId: string }): RevealComment {
  counter += 1;
  const id = overrides.id ?? `c${counter}`;
  return {
    id,
    rootId: id,
    parentId: null,
    kind: "answer",
    readingId: "r1",
    passageKey: "prompt-a",
    originalPassageKey: "prompt-a",
    pinnedAt: null,
    deletedAt: null,
    ...overrides,
  };
}
function reply(to: RevealComment, authorId: string, parent: RevealComment = to): RevealComment {
  return comment({ authorId, kind: "comment", rootId: to.id, parentId: parent.id, passageKey: to.passageKey, originalPassageKey: to.originalPassageKey, readingId: to.readingId });
}
const member = { userId: "me", moderator: false };

describe("the reveal rule of prompt answers", () => {
  it("hides others' answers and their whole thread, at any depth, until you answer the same prompt", () => {
    const answer = comment({ authorId: "ann" });
    const first = reply(answer, "bob");
    const deeper = reply(answer, "ann", first);
    const deepest = reply(answer, "cat", deeper);
    const question = comment({ authorId: "dan", kind: "question" });
    const all = [answer, first, deeper, deepest, question];
    expect(concealedCommentIds(all, member)).toEqual(new Set([answer.id, first.id, deeper.id, deepest.id]));
    const mine = comment({ authorId: "me" });
    expect(concealedCommentIds([...all, mine], member).size).toBe(0);
  });

  it("shows everything to moderators, your own answer to you, and a pinned answer to everyone", () => {
    const answer = comment({ authorId: "ann" });
    const thread = [answer, reply(answer, "bob")];
    expect(concealedCommentIds(thread, { userId: "mod", moderator: true }).size).toBe(0);
    expect(concealedCommentIds(thread, { userId: "ann", moderator: false }).size).toBe(0);
    expect(concealedCommentIds([{ ...answer, pinnedAt: new Date() }, thread[1]!], member).size).toBe(0);
  });

  it("answering another prompt, or only replying, or a deleted answer, is not answering this one", () => {
    const answer = comment({ authorId: "ann" });
    const elsewhere = comment({ authorId: "me", passageKey: "prompt-b", originalPassageKey: "prompt-b" });
    const sameKeyOtherReading = comment({ authorId: "me", readingId: "r2" });
    const deleted = comment({ authorId: "me", deletedAt: new Date() });
    const comment_ = comment({ authorId: "me", kind: "comment" });
    expect(concealedCommentIds([answer, elsewhere, sameKeyOtherReading, deleted, comment_], member).has(answer.id)).toBe(true);
  });

  it("orphaned answers (their prompt gone in a revision) stay hidden from members who never answered that prompt", () => {
    const orphanA = comment({ authorId: "ann", passageKey: null, originalPassageKey: "prompt-a" });
    const orphanReply = reply(orphanA, "bob");
    // The member's own answer to another prompt, orphaned too: both have no passage now, which must not match.
    const myOrphanB = comment({ authorId: "me", passageKey: null, originalPassageKey: "prompt-b" });
    expect(concealedCommentIds([orphanA, orphanReply, myOrphanB], member)).toEqual(new Set([orphanA.id, orphanReply.id]));
  });

  it("a member whose own answer to the same prompt was orphaned too has answered it", () => {
    const orphanA = comment({ authorId: "ann", passageKey: null, originalPassageKey: "prompt-a" });
    const orphanReply = reply(orphanA, "bob");
    const myOrphanA = comment({ authorId: "me", passageKey: null, originalPassageKey: "prompt-a" });
    expect(concealedCommentIds([orphanA, orphanReply, myOrphanA], member).size).toBe(0);
  });

  it("an answer in any revision counts: one moved to another key matches answers written there", () => {
    // Written on prompt-a, re-anchored to prompt-c by a revision; the member answered prompt-c since.
    const moved = comment({ authorId: "ann", passageKey: "prompt-c", originalPassageKey: "prompt-a" });
    const mine = comment({ authorId: "me", passageKey: "prompt-c", originalPassageKey: "prompt-c" });
    expect(isAnswerConcealed(moved, member, answeredPrompts([mine], member))).toBe(false);
    // And the other way round: the member's early answer moved, a newer answer written on the new key.
    const myMoved = comment({ authorId: "me", passageKey: "prompt-c", originalPassageKey: "prompt-a" });
    const newer = comment({ authorId: "ann", passageKey: "prompt-c", originalPassageKey: "prompt-c" });
    expect(isAnswerConcealed(newer, member, answeredPrompts([myMoved], member))).toBe(false);
  });

  it("replies, questions and comments are never concealed on their own", () => {
    const question = comment({ authorId: "ann", kind: "question" });
    expect(isAnswerConcealed(question, member, new Set())).toBe(false);
    expect(concealedCommentIds([question, reply(question, "bob")], member).size).toBe(0);
  });
});
