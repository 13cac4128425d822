/**
 * The demo group's discussion of Day 1, written for Marginalia about the demo course's own text
 * (prisma/demo-course/day-01-*.md): questions with a marked answer, a pinned key answer, reactions
 * from both demo accounts, the Day 1 prompt with two answers, and one question still open. Seeded
 * once, with the demo, inside its transaction (demo.server.ts); threads sit on list items, the quote
 * and the prompt, so the lesson's paragraphs start without comments.
 */
import type { Tx } from "./content.server.ts";

export const DEMO_THREADS = {
  flushQuestion: "Does “flushed” mean the log record is on the disk itself, or only handed to the operating system? If the OS can still lose it, what did the commit actually promise?",
  flushAnswer:
    "On the disk itself — that is what the fsync paragraph further down is about. The database calls fsync on the log and waits for it to return before it says “committed”. A drive with a volatile write cache, or a filesystem that answers too early, quietly breaks exactly this rule.",
  flushThanks: "That makes the second rule click: the acknowledgement waits for the fsync, not for the write call.",
  quoteComment:
    "Worth rereading after the group commit paragraph: one flush can acknowledge hundreds of commits at once, and every one of them is exactly as durable as that flush — no more, no less.",
  stealQuestion: "How do STEAL and NO-FORCE line up with the three rules in today's lesson?",
  stealAnswer:
    "NO-FORCE is the third rule in action: pages go back to disk whenever convenient, so the log must be able to redo committed work. STEAL is why the first rule exists: a page with uncommitted changes may reach the disk, and the log record written before it is what lets recovery undo it (that is Day 2).",
  checkpointQuestion: "If the log holds everything, what stops recovery from replaying years of it after a crash? Is that what checkpoints are for?",
  checkpointReply: "Yes — hold that thought for Day 2: ARIES starts its redo pass from the last checkpoint, not from the beginning of the log.",
  miraPromptAnswer:
    "The commit record is in the log, on disk, before anyone hears “committed”, and the log holds enough to rebuild every change. The table pages are a cache of the log: they can be written later, or rebuilt after a crash.",
  samPromptAnswer:
    "Because the log reaches the disk first and says exactly what changed, a crash can only lose pages the log can rebuild. Writing the pages is just catching up, so it can happen whenever it is cheap.",
} as const;

interface DemoPeople {
  groupId: string;
  courseId: string;
  moderatorId: string;
  memberId: string;
}

export async function seedDemoDiscussion(tx: Tx, people: DemoPeople, now = new Date()) {
  const lesson = await tx.lesson.findUniqueOrThrow({
    where: { courseId_day: { courseId: people.courseId, day: 1 } },
    select: { id: true, readings: { select: { id: true, currentRevision: { select: { number: true, passages: { select: { key: true, kind: true, text: true } } } } } } },
  });
  const passages = lesson.readings.flatMap((reading) =>
    (reading.currentRevision?.passages ?? []).map((passage) => ({ ...passage, readingId: reading.id, revision: reading.currentRevision!.number })),
  );
  const find = (kind: string, start: string) => {
    const found = passages.find((passage) => passage.kind === kind && passage.text.startsWith(start));
    if (!found) throw new Error(`demo discussion: no ${kind} starting “${start}” on Day 1`);
    return found;
  };
  const flushRule = find("list-item", "A commit is not acknowledged");
  const quote = find("quote", "A commit is exactly as durable");
  const steal = find("list-item", "Buffer replacement");
  const checkpoints = find("list-item", "Checkpoints");
  const prompt = find("prompt", "Prompt:");

  // Written over the two days before the demo starts, oldest first.
  let minutes = 0;
  const at = () => new Date(now.getTime() - 2 * 86_400_000 + (minutes += 37) * 60_000);
  const { groupId, moderatorId: mira, memberId: sam } = people;
  let counter = 0;

  async function thread(passage: typeof flushRule, authorId: string, kind: "comment" | "question" | "answer", body: string, quoteText?: string) {
    counter += 1;
    const id = `demo-day1-comment-${String(counter).padStart(2, "0")}`;
    const start = quoteText ? passage.text.indexOf(quoteText) : -1;
    if (quoteText && start < 0) throw new Error(`demo discussion: “${quoteText}” is not in its passage`);
    const end = start + (quoteText?.length ?? 0);
    await tx.comment.create({
      data: {
        id,
        groupId,
        lessonId: lesson.id,
        readingId: passage.readingId,
        passageKey: passage.key,
        anchorRevision: passage.revision,
        originalRevision: passage.revision,
        originalPassageKey: passage.key,
        ...(quoteText
          ? {
              quoteExact: quoteText,
              quotePrefix: passage.text.slice(Math.max(0, start - 32), start),
              quoteSuffix: passage.text.slice(end, end + 32),
              quoteStart: start,
              quoteEnd: end,
              originalQuote: quoteText,
            }
          : {}),
        rootId: id,
        authorId,
        kind,
        body,
        createdAt: at(),
      },
    });
    return { id, passage };
  }
  async function reply(root: { id: string; passage: typeof flushRule }, parentId: string, authorId: string, body: string) {
    counter += 1;
    const id = `demo-day1-comment-${String(counter).padStart(2, "0")}`;
    const parent = await tx.comment.findUniqueOrThrow({ where: { id: parentId }, select: { authorId: true } });
    const createdAt = at();
    await tx.comment.create({
      data: {
        id,
        groupId,
        lessonId: lesson.id,
        readingId: root.passage.readingId,
        passageKey: root.passage.key,
        anchorRevision: root.passage.revision,
        originalRevision: root.passage.revision,
        originalPassageKey: root.passage.key,
        parentId,
        rootId: root.id,
        authorId,
        kind: "comment",
        body,
        createdAt,
      },
    });
    // As a reply through the page would: the person replied to hears of it.
    if (parent.authorId !== authorId) await tx.notification.create({ data: { userId: parent.authorId, groupId, type: "reply", commentId: id, actorId: authorId, createdAt } });
    return id;
  }
  const react = (commentId: string, userId: string, kind: "agree" | "insightful" | "confused") => tx.reaction.create({ data: { commentId, userId, kind, createdAt: at() } });

  // Sam asks about "flushed"; Mira answers; Sam marks it, and Mira pins it as the lesson's key answer.
  const flush = await thread(flushRule, sam, "question", DEMO_THREADS.flushQuestion, "every log record up to and including the commit record has been flushed");
  const flushAnswer = await reply(flush, flush.id, mira, DEMO_THREADS.flushAnswer);
  await reply(flush, flushAnswer, sam, DEMO_THREADS.flushThanks);
  await tx.comment.update({ where: { id: flush.id }, data: { answerId: flushAnswer, answerMarkedById: sam, answerMarkedAt: at() } });
  await tx.comment.update({ where: { id: flushAnswer }, data: { pinnedAt: at(), pinnedById: mira, pinScope: "lesson" } });
  await react(flushAnswer, sam, "insightful");
  await react(flush.id, mira, "agree");

  // Mira on the quote; Sam agrees.
  const quoted = await thread(quote, mira, "comment", DEMO_THREADS.quoteComment);
  await react(quoted.id, sam, "agree");
  await react(quoted.id, sam, "insightful");

  // A question on the paper summary, answered by Mira and marked by her as moderator.
  const stealThread = await thread(steal, sam, "question", DEMO_THREADS.stealQuestion, "STEAL");
  const stealAnswer = await reply(stealThread, stealThread.id, mira, DEMO_THREADS.stealAnswer);
  await tx.comment.update({ where: { id: stealThread.id }, data: { answerId: stealAnswer, answerMarkedById: mira, answerMarkedAt: at() } });
  await react(stealAnswer, sam, "agree");

  // The prompt: an answer from each of them, with a reaction on the other's.
  const miraAnswer = await thread(prompt, mira, "answer", DEMO_THREADS.miraPromptAnswer);
  const samAnswer = await thread(prompt, sam, "answer", DEMO_THREADS.samPromptAnswer);
  await react(samAnswer.id, mira, "insightful");
  await react(miraAnswer.id, sam, "agree");

  // Still open: Sam's question that leads into Day 2, with Mira's reply but no marked answer yet.
  const open = await thread(checkpoints, sam, "question", DEMO_THREADS.checkpointQuestion);
  await reply(open, open.id, mira, DEMO_THREADS.checkpointReply);
}
