import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseImportBuffers } from "~/content/import-set.ts";
import type { Role } from "~/models/authz.ts";
import { importContent, importContentTx, planImport } from "~/models/content.server.ts";
import {
  deleteComment,
  editComment,
  editHistory,
  flagComment,
  listFlagged,
  listNotifications,
  listOpenQuestions,
  loadDiscussion,
  markAnswer,
  moderate,
  postComment,
  postReply,
  setPin,
  toggleReaction,
  unreadNotificationCount,
} from "~/models/discussion.server.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
const db = () => server.database.db;
const newId = () => randomBytes(12).toString("base64url");

interface Person {
  userId: string;
  role: Role;
}
let groupId: string;
let otherGroupId: string;
let lessonId: string;
let readingId: string;
let passages: { key: string; kind: string; text: string }[];
let owner: Person;
let member: Person;
let second: Person;
let outsiderGroupComment: string;

async function user(name: string) {
  return db().user.create({ data: { email: `${name}-${newId()}@example.org`, displayName: name, passwordHash: "x" } });
}

beforeAll(async () => {
  server = await startTestServer();
  const course = await db().course.findFirstOrThrow();
  const [o, m, s, x] = await Promise.all([user("Olive"), user("Milo"), user("Sasha"), user("Xavier")]);
  const group = await db().group.create({ data: { courseId: course.id, name: "Test group" } });
  const other = await db().group.create({ data: { courseId: course.id, name: "Other group" } });
  groupId = group.id;
  otherGroupId = other.id;
  await db().membership.createMany({
    data: [
      { groupId, userId: o.id, role: "owner" },
      { groupId, userId: m.id, role: "member" },
      { groupId, userId: s.id, role: "member" },
      { groupId: otherGroupId, userId: x.id, role: "owner" },
    ],
  });
  owner = { userId: o.id, role: "owner" };
  member = { userId: m.id, role: "member" };
  second = { userId: s.id, role: "member" };
  const lesson = await db().lesson.findFirstOrThrow({
    where: { courseId: course.id, day: 1 },
    include: { readings: { where: { kind: "lesson" }, include: { currentRevision: { include: { passages: { orderBy: { position: "asc" } } } } } } },
  });
  lessonId = lesson.id;
  readingId = lesson.readings[0]!.id;
  passages = lesson.readings[0]!.currentRevision!.passages;
  const outsider = await postComment(db(), { groupId: otherGroupId, lessonId }, { userId: x.id, role: "owner" }, {
    id: newId(), body: "Other group's thought", kind: "comment", readingId, passageKey: passages[1]!.key, quoteStart: null, quoteEnd: null,
  });
  outsiderGroupComment = (outsider as { commentId: string }).commentId;
});
afterAll(async () => {
  await server?.close();
});

const scope = () => ({ groupId, lessonId });
const paragraph = () => passages.find((passage) => passage.kind === "paragraph" && passage.text.length > 80)!;
const prompt = () => passages.find((passage) => passage.kind === "prompt")!;
const view = (viewer: Person, filter: "all" | "open" | "pinned" | "mine" = "all") =>
  loadDiscussion(db(), { groupId, lessonId, viewer, promptKeys: new Set([prompt().key]), filter });

async function comment(author: Person, body: string, extra: Partial<Parameters<typeof postComment>[3]> = {}) {
  const result = await postComment(db(), scope(), author, {
    id: newId(), body, kind: "comment", readingId, passageKey: paragraph().key, quoteStart: null, quoteEnd: null, ...extra,
  });
  if (!result.ok) throw new Error(result.message);
  return result.commentId;
}

describe("posting", () => {
  it("anchors a comment to a quote inside a passage, with its context", async () => {
    const text = paragraph().text;
    const exact = text.slice(10, 40);
    const id = await comment(member, "About this phrase", { quoteExact: exact, quoteStart: 10, quoteEnd: 40 });
    const stored = await db().comment.findUniqueOrThrow({ where: { id } });
    expect(stored.quoteExact).toBe(exact.trim());
    expect(stored.quotePrefix!.length).toBeGreaterThan(0);
    expect(stored.originalQuote).toBe(stored.quoteExact);
    const thread = (await view(owner)).threads.find((t) => t.id === id)!;
    expect(thread.quote).toMatchObject({ exact: exact.trim() });
  });

  it("refuses a quote that is not in the passage, and changes nothing", async () => {
    const before = await db().comment.count();
    const result = await postComment(db(), scope(), member, {
      id: newId(), body: "x", kind: "comment", readingId, passageKey: paragraph().key, quoteExact: "words that are nowhere in it", quoteStart: 0, quoteEnd: 28,
    });
    expect(result).toEqual({ ok: false, status: 400, message: "The quoted words are not in that passage: select them again." });
    expect(await db().comment.count()).toBe(before);
  });

  it("stores a retried post once (same client id)", async () => {
    const id = newId();
    const input = { id, body: "Posted twice by a double click", kind: "comment" as const, readingId, passageKey: paragraph().key, quoteStart: null, quoteEnd: null };
    expect(await postComment(db(), scope(), member, input)).toEqual({ ok: true, commentId: id, duplicate: false });
    expect(await postComment(db(), scope(), member, input)).toEqual({ ok: true, commentId: id, duplicate: true });
    expect(await db().comment.count({ where: { id } })).toBe(1);
    // Someone else reusing the id is refused.
    expect(await postComment(db(), scope(), second, input)).toMatchObject({ ok: false, status: 409 });
  });

  it("refuses a passage of another lesson and a reply to another group's comment", async () => {
    expect(await postComment(db(), scope(), member, { id: newId(), body: "x", kind: "comment", readingId, passageKey: "nosuchkey", quoteStart: null, quoteEnd: null })).toMatchObject({ ok: false, status: 400 });
    expect(await postReply(db(), scope(), member, { id: newId(), body: "sneaky", parentId: outsiderGroupComment })).toMatchObject({ ok: false, status: 404 });
  });

  it("notifies the parent's author of a reply and mentioned members once, never non-members", async () => {
    const root = await comment(second, "Root by Sasha");
    const before = await unreadNotificationCount(db(), second.userId);
    const ownerBefore = await unreadNotificationCount(db(), owner.userId);
    await postReply(db(), scope(), member, { id: newId(), body: "Reply mentioning @sasha twice @sasha and @olive and @xavier", parentId: root });
    expect(await unreadNotificationCount(db(), second.userId)).toBe(before + 1);
    expect(await unreadNotificationCount(db(), owner.userId)).toBe(ownerBefore + 1);
    const xavier = await db().user.findFirstOrThrow({ where: { displayName: "Xavier" } });
    expect(await unreadNotificationCount(db(), xavier.id)).toBe(0);
    const notes = await listNotifications(db(), second.userId);
    expect(notes[0]).toMatchObject({ type: "reply", actor: "Milo", groupId, day: 1 });
  });
});

describe("threads", () => {
  it("lets only the author edit, keeping the history for moderators", async () => {
    const id = await comment(member, "First wording");
    expect(await editComment(db(), scope(), second, { commentId: id, body: "hijack" })).toEqual({ ok: false, status: 403, message: "You can only edit your own comments." });
    expect(await editComment(db(), scope(), member, { commentId: id, body: "Second wording" })).toEqual({ ok: true });
    const thread = (await view(owner)).threads.find((t) => t.id === id)!;
    expect(thread.body).toBe("Second wording");
    expect(thread.editedAt).not.toBeNull();
    expect(thread.editCount).toBe(1);
    expect(await editHistory(db(), scope(), owner, id)).toMatchObject([{ body: "First wording" }]);
    expect(await editHistory(db(), scope(), member, id)).toBeNull();
  });

  it("shows a deleted comment with replies as removed, keeps the replies, and drops one without", async () => {
    const root = await comment(member, "Will be deleted");
    const reply = newId();
    await postReply(db(), scope(), second, { id: reply, body: "I stay", parentId: root });
    const lonely = await comment(member, "Deleted, nobody answered");
    expect(await deleteComment(db(), scope(), second, root)).toMatchObject({ ok: false, status: 403 });
    expect(await deleteComment(db(), scope(), member, root)).toEqual({ ok: true });
    expect(await deleteComment(db(), scope(), member, lonely)).toEqual({ ok: true });
    const discussion = await view(second);
    const thread = discussion.threads.find((t) => t.id === root)!;
    expect(thread).toMatchObject({ state: "removed", body: null });
    expect(thread.replies.map((r) => r.body)).toEqual(["I stay"]);
    expect(discussion.threads.some((t) => t.id === lonely)).toBe(false);
  });

  it("marks a reply as the answer (asker or moderator only), shown first, and filters open questions", async () => {
    const question = await comment(member, "Why does the log come first?", { kind: "question" });
    const first = newId();
    const second_ = newId();
    await postReply(db(), scope(), second, { id: first, body: "Guess", parentId: question });
    await postReply(db(), scope(), owner, { id: second_, body: "Because recovery replays it", parentId: question });
    expect((await view(member, "open")).threads.some((t) => t.id === question)).toBe(true);
    expect(await markAnswer(db(), scope(), second, second_)).toMatchObject({ ok: false, status: 403 });
    expect(await markAnswer(db(), scope(), member, second_)).toEqual({ ok: true, marked: true });
    const thread = (await view(second)).threads.find((t) => t.id === question)!;
    expect(thread.answerId).toBe(second_);
    expect(thread.answerMarkedBy).toBe("Milo");
    expect(thread.replies[0]!.id).toBe(second_);
    expect((await view(member, "open")).threads.some((t) => t.id === question)).toBe(false);
    expect((await listOpenQuestions(db(), groupId)).some((q) => q.id === question)).toBe(false);
    const notes = await listNotifications(db(), owner.userId);
    expect(notes.some((note) => note.type === "answer" && note.commentId === second_)).toBe(true);
  });

  it("lets moderators pin and unpin; pinned threads lead; members cannot pin", async () => {
    const id = await comment(second, "Worth keeping");
    expect(await setPin(db(), scope(), member, { commentId: id, pin: "lesson" })).toMatchObject({ ok: false, status: 403 });
    expect(await setPin(db(), scope(), owner, { commentId: id, pin: "lesson" })).toEqual({ ok: true });
    const pinnedView = await view(member);
    expect(pinnedView.threads[0]!.id).toBe(id);
    expect(pinnedView.threads[0]!.pinned).toEqual({ scope: "lesson" });
    expect((await view(member, "pinned")).threads.map((t) => t.id)).toContain(id);
    expect(await setPin(db(), scope(), owner, { commentId: id, pin: null })).toEqual({ ok: true });
    expect((await view(member, "pinned")).threads.map((t) => t.id)).not.toContain(id);
  });

  it("toggles reactions from the fixed set and counts confusion per passage", async () => {
    const id = await comment(member, "Confusing bit");
    expect(await toggleReaction(db(), scope(), second, { commentId: id, reaction: "confused" })).toEqual({ ok: true, on: true });
    await toggleReaction(db(), scope(), owner, { commentId: id, reaction: "confused" });
    const discussion = await view(second);
    expect(discussion.threads.find((t) => t.id === id)!.reactions.confused).toBe(2);
    expect(discussion.threads.find((t) => t.id === id)!.myReactions).toEqual(["confused"]);
    expect(discussion.counts[paragraph().key]!.confused).toBeGreaterThanOrEqual(2);
    expect(await toggleReaction(db(), scope(), second, { commentId: id, reaction: "confused" })).toEqual({ ok: true, on: false });
  });
});

describe("prompts", () => {
  it("keeps others' answers hidden until you have answered; moderators see all; pinned ones show to everyone", async () => {
    const answer = (author: Person, body: string) =>
      postComment(db(), scope(), author, { id: newId(), body, kind: "answer", readingId, passageKey: prompt().key, quoteStart: null, quoteEnd: null });
    const milo = await answer(member, "Milo's answer");
    expect(milo.ok).toBe(true);
    const before = await view(second);
    expect(before.threads.some((t) => t.body === "Milo's answer")).toBe(false);
    expect(before.counts[prompt().key]!.concealedAnswers).toBeGreaterThanOrEqual(1);
    expect(await postReply(db(), scope(), second, { id: newId(), body: "peek", parentId: (milo as { commentId: string }).commentId })).toMatchObject({ ok: false, status: 403 });
    expect((await view(owner)).threads.some((t) => t.body === "Milo's answer")).toBe(true);
    await answer(second, "Sasha's answer");
    expect((await view(second)).threads.some((t) => t.body === "Milo's answer")).toBe(true);
    expect(await postComment(db(), scope(), member, { id: newId(), body: "x", kind: "answer", readingId, passageKey: paragraph().key, quoteStart: null, quoteEnd: null })).toMatchObject({ ok: false, status: 400 });
  });
});

describe("moderation", () => {
  it("flag → queue → hide: members see a placeholder, moderators the text; restore brings it back; all audited", async () => {
    const id = await comment(second, "Something rude");
    expect(await flagComment(db(), scope(), second, { commentId: id, reason: "mine" })).toMatchObject({ ok: false, status: 400 });
    expect(await flagComment(db(), scope(), member, { commentId: id, reason: "Rude to others" })).toEqual({ ok: true });
    expect(await flagComment(db(), scope(), member, { commentId: id, reason: "Again" })).toMatchObject({ ok: false, status: 409 });
    expect((await listFlagged(db(), groupId)).map((c) => c.id)).toContain(id);
    expect(await moderate(db(), scope(), member, { commentId: id, action: "hide" })).toMatchObject({ ok: false, status: 403 });
    expect(await moderate(db(), scope(), owner, { commentId: id, action: "hide" })).toEqual({ ok: true });
    expect((await listFlagged(db(), groupId)).map((c) => c.id)).not.toContain(id);
    expect((await view(member)).threads.find((t) => t.id === id)).toMatchObject({ state: "hidden", body: null });
    expect((await view(owner)).threads.find((t) => t.id === id)).toMatchObject({ state: "hidden", body: "Something rude" });
    await moderate(db(), scope(), owner, { commentId: id, action: "restore" });
    expect((await view(member)).threads.find((t) => t.id === id)).toMatchObject({ state: "visible", body: "Something rude" });
    const actions = (await db().auditEvent.findMany({ where: { groupId, action: { startsWith: "comment." } } })).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(["comment.hide", "comment.restore"]));
  });

  it("a locked thread takes no replies from members", async () => {
    const id = await comment(member, "Lock me");
    await moderate(db(), scope(), owner, { commentId: id, action: "lock" });
    expect(await postReply(db(), scope(), second, { id: newId(), body: "late", parentId: id })).toEqual({ ok: false, status: 403, message: "This thread is locked: no new replies." });
  });
});

describe("re-anchoring on a new revision", () => {
  it("keeps threads on edited passages, flags the change, and turns a deleted passage's threads into orphans", async () => {
    const course = await db().course.create({ data: { slug: `re-${randomBytes(6).toString("hex")}`, title: "Re-anchor", dayCount: 1 } });
    const group = await db().group.create({ data: { courseId: course.id, name: "Re-anchor group" } });
    await db().membership.create({ data: { groupId: group.id, userId: member.userId, role: "member" } });
    const source = (paragraphs: string[]) =>
      parseImportBuffers([{ name: "day-1.md", data: new TextEncoder().encode(`---\ncourse: ${course.slug}\ncourseTitle: Re-anchor\ndays: 1\nday: 1\ntitle: One\n---\n\n${paragraphs.join("\n\n")}\n`) }]);
    const keep = "The harbour wall shelters the small boats when the wind turns east in the evening.";
    const edit = "Sailors check the forecast twice: once at dawn and once before they cast off the lines.";
    const drop = "Gulls gather on the slipway whenever the fishing boats come back with their catch.";
    await importContent(db(), source([keep, edit, drop]));
    const lesson = await db().lesson.findFirstOrThrow({ where: { courseId: course.id }, include: { readings: { include: { currentRevision: { include: { passages: true } } } } } });
    const reading = lesson.readings[0]!;
    const keyOf = (text: string) => reading.currentRevision!.passages.find((p) => p.text === text)!.key;
    const where = { groupId: group.id, lessonId: lesson.id };
    const post = async (text: string, quote: string) => {
      const start = text.indexOf(quote);
      const result = await postComment(db(), where, member, { id: newId(), body: "note", kind: "comment", readingId: reading.id, passageKey: keyOf(text), quoteExact: quote, quoteStart: start, quoteEnd: start + quote.length });
      return (result as { commentId: string }).commentId;
    };
    const onKeep = await post(keep, "shelters the small boats");
    const onEdit = await post(edit, "once before they cast off the lines");
    const onDrop = await post(drop, "the fishing boats come back");

    const result = await importContent(db(), source([keep, edit.replace("once before they cast off", "again before they cast off"), "A new closing paragraph about tides."]));
    expect(result.readings[0]!.reanchored).toMatchObject({ orphan: 1 });
    const kept = await db().comment.findUniqueOrThrow({ where: { id: onKeep } });
    const edited = await db().comment.findUniqueOrThrow({ where: { id: onEdit } });
    const dropped = await db().comment.findUniqueOrThrow({ where: { id: onDrop } });
    expect(kept).toMatchObject({ passageKey: keyOf(keep), anchorStatus: "exact", anchorChanged: false, anchorRevision: 2 });
    expect(edited).toMatchObject({ passageKey: keyOf(edit), anchorChanged: true });
    expect(edited.quoteExact).toContain("before they cast off the lines");
    expect(dropped).toMatchObject({ passageKey: null, anchorStatus: "orphan", originalQuote: "the fishing boats come back" });
    const discussion = await loadDiscussion(db(), { ...where, viewer: member, promptKeys: new Set() });
    expect(discussion.orphans.map((t) => t.id)).toEqual([onDrop]);
    expect(discussion.threads.map((t) => t.id).sort()).toEqual([onKeep, onEdit].sort());
  });

  it("is worked out before the import's transaction opens, and a thread started or a revision made meanwhile is still placed right", async () => {
    const course = await db().course.create({ data: { slug: `plan-${randomBytes(6).toString("hex")}`, title: "Plan", dayCount: 1 } });
    const group = await db().group.create({ data: { courseId: course.id, name: "Plan group" } });
    await db().membership.create({ data: { groupId: group.id, userId: member.userId, role: "member" } });
    const source = (paragraphs: string[]) =>
      parseImportBuffers([{ name: "day-1.md", data: new TextEncoder().encode(`---\ncourse: ${course.slug}\ncourseTitle: Plan\ndays: 1\nday: 1\ntitle: One\n---\n\n${paragraphs.join("\n\n")}\n`) }]);
    const first = "Tide tables print the hour of high water for every day of the coming month.";
    const second = "Fishermen plan their trips around the ebb so the boats are never stranded.";
    await importContent(db(), source([first, second]));
    const lesson = await db().lesson.findFirstOrThrow({ where: { courseId: course.id }, include: { readings: { include: { currentRevision: { include: { passages: true } } } } } });
    const reading = lesson.readings[0]!;
    const keyOf = (text: string) => reading.currentRevision!.passages.find((p) => p.text === text)!.key;
    const post = async (text: string, quote: string) => {
      const start = text.indexOf(quote);
      const result = await postComment(db(), { groupId: group.id, lessonId: lesson.id }, member, { id: newId(), body: "note", kind: "comment", readingId: reading.id, passageKey: keyOf(text), quoteExact: quote, quoteStart: start, quoteEnd: start + quote.length });
      return (result as { commentId: string }).commentId;
    };
    const early = await post(second, "never stranded");

    // The second paragraph moves to the top: its threads follow it.
    const revised = source(["A new opening about charts.", second, first]);
    const plans = await planImport(db(), revised);
    expect(plans.size).toBe(1);
    const late = await post(first, "the coming month");
    await db().$transaction((tx) => importContentTx(tx, revised, {}, plans));
    for (const [id, text] of [[early, second], [late, first]] as const) {
      expect(await db().comment.findUniqueOrThrow({ where: { id } })).toMatchObject({ passageKey: keyOf(text), anchorRevision: 2, anchorStatus: expect.not.stringMatching("orphan") });
    }

    // A plan made against revision 2 is not used once revision 3 exists: the gone passage's thread is an orphan.
    const restored = source([second, first]);
    const stale = await planImport(db(), restored);
    await importContent(db(), source([second]));
    await db().$transaction((tx) => importContentTx(tx, restored, {}, stale));
    const revision = await db().reading.findUniqueOrThrow({ where: { id: reading.id }, include: { currentRevision: { include: { passages: true } } } });
    expect(revision.currentRevision!.number).toBe(4);
    // Keys are matched against revision 3, where the first paragraph was gone: it comes back as new.
    expect(revision.currentRevision!.passages.find((p) => p.text === first)).toMatchObject({ matchedBy: "new" });
    expect(await db().comment.findUniqueOrThrow({ where: { id: late } })).toMatchObject({ anchorStatus: "orphan", anchorRevision: 3 });
  });
});
