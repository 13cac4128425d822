/**
 * Live sessions of a group: scheduling, starting and ending one, joining it (attendance), the
 * facilitator's spotlight ("gather here"), the question queue with upvotes, and the summary that
 * remains when it ends. Every write asks app/models/authz.ts; refusals carry a status and a sentence.
 * Presence and reading positions are not here: they live on the sockets and are never stored.
 */
import type { Db } from "~/db/client.server.ts";
import { decide, type Decision, type Role } from "./authz.ts";
import { isUniqueViolation, writeOnce } from "./client-ids.server.ts";
import { audit } from "./group.server.ts";
import { ENDED_FACILITATOR_AWAY, FACILITATOR_AWAY_MS, scheduleProblem, sessionStatus, type SessionStatus } from "./live-session-rules.ts";
import type { LiveBrief } from "~/realtime/events.ts";

export type SessionRefusal = { ok: false; status: 400 | 403 | 404 | 409; message: string };
const refuse = (status: SessionRefusal["status"], message: string): SessionRefusal => ({ ok: false, status, message });
const fromDecision = (decision: Decision): SessionRefusal | null => (decision.ok ? null : refuse(403, decision.reason));

/** Per person, open questions at once; per session, questions in all (a flood stops here). */
export const MAX_OPEN_QUESTIONS_PER_PERSON = 10;
export const MAX_QUESTIONS_PER_SESSION = 300;

export interface Actor {
  userId: string;
  role: Role;
}

export interface QuestionView {
  id: string;
  author: { id: string; displayName: string };
  body: string;
  createdAt: string;
  votes: number;
  answered: boolean;
}

/** A session as everyone in its lesson sees it (the same for every member: it is broadcast). */
export interface LiveSessionView {
  id: string;
  groupId: string;
  day: number;
  lessonTitle: string;
  title: string;
  status: SessionStatus;
  facilitator: { id: string; displayName: string } | null;
  scheduledFor: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** Why it ended by itself ("facilitator-away"), or null (ended by someone, or still running). */
  endedReason: string | null;
  spotlight: { passageKey: string; at: string } | null;
  attendance: { userId: string; displayName: string; joinedAt: string }[];
  /** Open questions first (most upvoted, then oldest), then the answered ones; dismissed ones are gone. */
  questions: QuestionView[];
}

const sessionInclude = {
  facilitator: { select: { id: true, displayName: true } },
  attendance: { orderBy: { joinedAt: "asc" as const }, select: { userId: true, joinedAt: true, user: { select: { displayName: true } } } },
  questions: {
    where: { dismissedAt: null },
    select: { id: true, body: true, createdAt: true, answeredAt: true, author: { select: { id: true, displayName: true } }, _count: { select: { votes: true } } },
  },
};

type SessionRow = NonNullable<Awaited<ReturnType<typeof findSession>>>;

function findSession(db: Db, where: { id: string } | { groupId: string; id: string }) {
  return db.liveSession.findFirst({ where, include: sessionInclude });
}

function toView(row: SessionRow, lessonTitle: string): LiveSessionView {
  const questions = row.questions
    .map((question) => ({
      id: question.id,
      author: question.author,
      body: question.body,
      createdAt: question.createdAt.toISOString(),
      votes: question._count.votes,
      answered: question.answeredAt !== null,
    }))
    .sort((a, b) => Number(a.answered) - Number(b.answered) || b.votes - a.votes || a.createdAt.localeCompare(b.createdAt));
  return {
    id: row.id,
    groupId: row.groupId,
    day: row.day,
    lessonTitle,
    title: row.title,
    status: sessionStatus(row),
    facilitator: row.facilitator,
    scheduledFor: row.scheduledFor?.toISOString() ?? null,
    startedAt: row.startedAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    endedReason: row.endedReason ?? null,
    spotlight: row.spotlightKey && row.spotlightAt ? { passageKey: row.spotlightKey, at: row.spotlightAt.toISOString() } : null,
    attendance: row.attendance.map((entry) => ({ userId: entry.userId, displayName: entry.user.displayName, joinedAt: entry.joinedAt.toISOString() })),
    questions,
  };
}

async function lessonTitle(db: Db, lessonId: string) {
  return (await db.lesson.findUnique({ where: { id: lessonId }, select: { title: true } }))?.title ?? "";
}

export async function loadSessionView(db: Db, groupId: string, sessionId: string): Promise<LiveSessionView | null> {
  const row = await findSession(db, { groupId, id: sessionId });
  return row ? toView(row, await lessonTitle(db, row.lessonId)) : null;
}

/** The group's running session, if any (at most one runs at a time). */
export async function runningSession(db: Db, groupId: string) {
  return db.liveSession.findFirst({ where: { groupId, startedAt: { not: null }, endedAt: null }, select: { id: true, day: true, lessonId: true, title: true, facilitatorId: true, startedAt: true } });
}

/** The group's running session in brief (the group's home page), or null. */
export async function runningBrief(db: Db, groupId: string): Promise<LiveBrief | null> {
  const row = await db.liveSession.findFirst({
    where: { groupId, startedAt: { not: null }, endedAt: null },
    select: { id: true, day: true, lessonId: true, title: true, startedAt: true, facilitator: { select: { displayName: true } } },
  });
  if (!row) return null;
  return { sessionId: row.id, day: row.day, lessonTitle: await lessonTitle(db, row.lessonId), title: row.title, facilitator: row.facilitator?.displayName ?? null, startedAt: row.startedAt?.toISOString() ?? null };
}

export function briefOf(view: LiveSessionView): LiveBrief {
  return { sessionId: view.id, day: view.day, lessonTitle: view.lessonTitle, title: view.title, facilitator: view.facilitator?.displayName ?? null, startedAt: view.startedAt };
}

/** The running session of one lesson of the group, as its members see it. */
export async function runningSessionView(db: Db, groupId: string, day: number): Promise<LiveSessionView | null> {
  const row = await db.liveSession.findFirst({ where: { groupId, day, startedAt: { not: null }, endedAt: null }, include: sessionInclude });
  return row ? toView(row, await lessonTitle(db, row.lessonId)) : null;
}

/** The questions this person has upvoted in a session (not broadcast: votes are anonymous). */
export async function myVotes(db: Db, sessionId: string, userId: string): Promise<string[]> {
  const rows = await db.sessionQuestionVote.findMany({ where: { userId, question: { sessionId } }, select: { questionId: true } });
  return rows.map((row) => row.questionId);
}

export interface SessionListItem {
  id: string;
  day: number;
  lessonTitle: string;
  title: string;
  status: SessionStatus;
  facilitator: string | null;
  scheduledFor: string | null;
  startedAt: string | null;
  endedAt: string | null;
  attended: number;
}

/** The group's sessions: the running one, the scheduled ones (soonest first), and the latest ended ones. */
export async function listSessions(db: Db, groupId: string, options: { pastTake?: number } = {}) {
  const [live, upcoming, past] = await Promise.all([
    db.liveSession.findMany({ where: { groupId, startedAt: { not: null }, endedAt: null }, include: { facilitator: { select: { displayName: true } }, _count: { select: { attendance: true } } } }),
    db.liveSession.findMany({
      where: { groupId, startedAt: null, endedAt: null },
      orderBy: { scheduledFor: "asc" },
      take: 20,
      include: { facilitator: { select: { displayName: true } }, _count: { select: { attendance: true } } },
    }),
    db.liveSession.findMany({
      where: { groupId, endedAt: { not: null }, startedAt: { not: null } },
      orderBy: { endedAt: "desc" },
      take: options.pastTake ?? 10,
      include: { facilitator: { select: { displayName: true } }, _count: { select: { attendance: true } } },
    }),
  ]);
  const lessons = await db.lesson.findMany({ where: { id: { in: [...new Set([...live, ...upcoming, ...past].map((row) => row.lessonId))] } }, select: { id: true, title: true } });
  const titles = new Map(lessons.map((lesson) => [lesson.id, lesson.title]));
  const item = (row: (typeof live)[number]): SessionListItem => ({
    id: row.id,
    day: row.day,
    lessonTitle: titles.get(row.lessonId) ?? "",
    title: row.title,
    status: sessionStatus(row),
    facilitator: row.facilitator?.displayName ?? null,
    scheduledFor: row.scheduledFor?.toISOString() ?? null,
    startedAt: row.startedAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    attended: row._count.attendance,
  });
  return { live: live[0] ? item(live[0]) : null, upcoming: upcoming.map(item), past: past.map(item) };
}

// ---------------------------------------------------------------- running a session

async function lessonOfDay(db: Db, groupId: string, day: number) {
  const group = await db.group.findUnique({ where: { id: groupId }, select: { courseId: true } });
  if (!group) return null;
  return db.lesson.findUnique({ where: { courseId_day: { courseId: group.courseId, day } }, select: { id: true, title: true } });
}

const ALREADY_RUNNING = "A live session is already running in this group: end it before starting another.";

/** `duplicate`: what was asked was already done (a retried question): nothing changed now. */
export type SessionResult = { ok: true; sessionId: string; day: number; duplicate?: boolean } | SessionRefusal;

/** Starts a session on `day` now, with the actor as its facilitator. */
export async function startSession(db: Db, groupId: string, actor: Actor, input: { day: number; title: string }, now = new Date()): Promise<SessionResult> {
  const denied = fromDecision(decide(actor.role, "session.run"));
  if (denied) return denied;
  const lesson = await lessonOfDay(db, groupId, input.day);
  if (!lesson) return refuse(400, `Day ${input.day} has no lesson to meet about.`);
  if (await runningSession(db, groupId)) return refuse(409, ALREADY_RUNNING);
  try {
    const session = await db.$transaction(async (tx) => {
      const created = await tx.liveSession.create({
        data: { groupId, lessonId: lesson.id, day: input.day, title: input.title, facilitatorId: actor.userId, startedAt: now, createdAt: now },
      });
      await tx.liveSessionAttendance.create({ data: { sessionId: created.id, userId: actor.userId, joinedAt: now } });
      await audit(tx, groupId, actor.userId, "session.started", null, `Day ${input.day}`);
      return created;
    });
    return { ok: true, sessionId: session.id, day: session.day };
  } catch (error) {
    // Two moderators at once: the partial unique index lets one session run (see the migration).
    if (isUniqueViolation(error)) return refuse(409, ALREADY_RUNNING);
    throw error;
  }
}

/** Schedules a session on `day` at `at` (already converted from the group's time zone). */
export async function scheduleSession(db: Db, groupId: string, actor: Actor, input: { day: number; title: string; at: Date }, now = new Date()): Promise<SessionResult> {
  const denied = fromDecision(decide(actor.role, "session.run"));
  if (denied) return denied;
  const problem = scheduleProblem(input.at, now);
  if (problem) return refuse(400, problem);
  const lesson = await lessonOfDay(db, groupId, input.day);
  if (!lesson) return refuse(400, `Day ${input.day} has no lesson to meet about.`);
  const session = await db.liveSession.create({
    data: { groupId, lessonId: lesson.id, day: input.day, title: input.title, facilitatorId: actor.userId, scheduledFor: input.at, createdAt: now },
  });
  await audit(db, groupId, actor.userId, "session.scheduled", null, `Day ${input.day}, ${input.at.toISOString()}`);
  return { ok: true, sessionId: session.id, day: session.day };
}

async function sessionOf(db: Db, groupId: string, sessionId: string) {
  return db.liveSession.findFirst({ where: { id: sessionId, groupId }, select: { id: true, day: true, lessonId: true, startedAt: true, endedAt: true, facilitatorId: true } });
}

/** Starts a scheduled session now; the actor becomes its facilitator. */
export async function startScheduled(db: Db, groupId: string, actor: Actor, sessionId: string, now = new Date()): Promise<SessionResult> {
  const denied = fromDecision(decide(actor.role, "session.run"));
  if (denied) return denied;
  const session = await sessionOf(db, groupId, sessionId);
  if (!session) return refuse(404, "No such session in this group.");
  if (session.endedAt) return refuse(409, "This session has already ended or was cancelled.");
  if (session.startedAt) return { ok: true, sessionId, day: session.day };
  if (await runningSession(db, groupId)) return refuse(409, ALREADY_RUNNING);
  try {
    await db.$transaction(async (tx) => {
      // Started once: of copies sent at once, the others find it started (and answer as the first did).
      const { count } = await tx.liveSession.updateMany({ where: { id: sessionId, startedAt: null, endedAt: null }, data: { startedAt: now, facilitatorId: actor.userId } });
      if (count !== 1) return;
      await tx.liveSessionAttendance.upsert({
        where: { sessionId_userId: { sessionId, userId: actor.userId } },
        create: { sessionId, userId: actor.userId, joinedAt: now },
        update: {},
      });
      await audit(tx, groupId, actor.userId, "session.started", null, `Day ${session.day}`);
    });
  } catch (error) {
    if (isUniqueViolation(error)) return refuse(409, ALREADY_RUNNING);
    throw error;
  }
  return { ok: true, sessionId, day: session.day };
}

/** Cancels a scheduled session (it ends without having started, and is not listed as past). */
export async function cancelScheduled(db: Db, groupId: string, actor: Actor, sessionId: string, now = new Date()): Promise<SessionResult> {
  const denied = fromDecision(decide(actor.role, "session.run"));
  if (denied) return denied;
  const session = await sessionOf(db, groupId, sessionId);
  if (!session) return refuse(404, "No such session in this group.");
  if (session.startedAt) return refuse(409, "This session has started: end it instead.");
  if (!session.endedAt) {
    // Cancelled once: of copies sent at once, only the one that cancels it is audited.
    const cancelled = await db.$transaction(async (tx) => {
      const { count } = await tx.liveSession.updateMany({ where: { id: sessionId, startedAt: null, endedAt: null }, data: { endedAt: now } });
      if (count === 1) await audit(tx, groupId, actor.userId, "session.cancelled", null, `Day ${session.day}`);
      return count === 1;
    });
    if (!cancelled && (await sessionOf(db, groupId, sessionId))?.startedAt) return refuse(409, "This session has started: end it instead.");
  }
  return { ok: true, sessionId, day: session.day };
}

/** Ends a running session: its summary page is what remains. Ending twice is harmless. */
export async function endSession(db: Db, groupId: string, actor: Actor, sessionId: string, now = new Date()): Promise<SessionResult> {
  const denied = fromDecision(decide(actor.role, "session.run"));
  if (denied) return denied;
  const session = await sessionOf(db, groupId, sessionId);
  if (!session) return refuse(404, "No such session in this group.");
  if (!session.startedAt) return refuse(409, "This session has not started: cancel it instead.");
  if (!session.endedAt) {
    // Ended once: of copies sent at once, only the one that ends it is audited.
    await db.$transaction(async (tx) => {
      const { count } = await tx.liveSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: now, spotlightKey: null, spotlightAt: null } });
      if (count === 1) await audit(tx, groupId, actor.userId, "session.ended", null, `Day ${session.day}`);
    });
  }
  return { ok: true, sessionId, day: session.day };
}

export { ENDED_FACILITATOR_AWAY, FACILITATOR_AWAY_MS };

/** The group's running sessions everywhere (the realtime layer watches their facilitators). */
export async function allRunningSessions(db: Db) {
  return db.liveSession.findMany({
    where: { startedAt: { not: null }, endedAt: null },
    select: { id: true, groupId: true, day: true, facilitatorId: true, startedAt: true },
  });
}

/**
 * Ends a running session nobody ended: its facilitator has been away (no connection on the lesson)
 * for the away timeout. Only a session still running ends, once, however many processes ask at once;
 * the summary says why. Returns whether this call ended it.
 */
export async function endAbandonedSession(db: Db, sessionId: string, now = new Date()): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const ended = await tx.liveSession.updateMany({
      where: { id: sessionId, startedAt: { not: null }, endedAt: null },
      data: { endedAt: now, endedReason: ENDED_FACILITATOR_AWAY, spotlightKey: null, spotlightAt: null },
    });
    if (ended.count === 0) return false;
    const session = await tx.liveSession.findUniqueOrThrow({ where: { id: sessionId }, select: { groupId: true, day: true } });
    await audit(tx, session.groupId, null, "session.ended", null, `Day ${session.day}: the facilitator was away`);
    return true;
  });
}

async function runningOrRefuse(db: Db, groupId: string, sessionId: string) {
  const session = await sessionOf(db, groupId, sessionId);
  if (!session) return refuse(404, "No such session in this group.");
  if (!session.startedAt) return refuse(409, "This session has not started yet.");
  if (session.endedAt) return refuse(409, "This session has ended.");
  return session;
}

/** A member joins the running session: they are on its attendance list from now on. */
export async function joinSession(db: Db, groupId: string, actor: Actor, sessionId: string, now = new Date()): Promise<SessionResult> {
  const denied = fromDecision(decide(actor.role, "session.join"));
  if (denied) return denied;
  const session = await runningOrRefuse(db, groupId, sessionId);
  if ("ok" in session) return session;
  // On the list once: copies sent at once race for the row, the key keeps one.
  try {
    await db.liveSessionAttendance.upsert({
      where: { sessionId_userId: { sessionId, userId: actor.userId } },
      create: { sessionId, userId: actor.userId, joinedAt: now },
      update: {},
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  return { ok: true, sessionId, day: session.day };
}

/** "Gather here": the passage everyone is asked to look at (empty key: clear it). */
export async function setSpotlight(db: Db, groupId: string, actor: Actor, input: { sessionId: string; passageKey: string }, now = new Date()): Promise<SessionResult> {
  const denied = fromDecision(decide(actor.role, "session.run"));
  if (denied) return denied;
  const session = await runningOrRefuse(db, groupId, input.sessionId);
  if ("ok" in session) return session;
  if (input.passageKey) {
    const found = await db.passage.findFirst({
      where: { key: input.passageKey, revision: { currentOf: { lessonId: session.lessonId } } },
      select: { key: true },
    });
    if (!found) return refuse(400, "That passage is not in this lesson (it may have just been revised): reload the page.");
  }
  await db.liveSession.update({
    where: { id: session.id },
    data: input.passageKey ? { spotlightKey: input.passageKey, spotlightAt: now } : { spotlightKey: null, spotlightAt: null },
  });
  return { ok: true, sessionId: session.id, day: session.day };
}

// ---------------------------------------------------------------- the question queue

export async function raiseQuestion(db: Db, groupId: string, actor: Actor, input: { sessionId: string; id: string; body: string }, now = new Date()): Promise<SessionResult> {
  const denied = fromDecision(decide(actor.role, "session.ask"));
  if (denied) return denied;
  const session = await runningOrRefuse(db, groupId, input.sessionId);
  if ("ok" in session) return session;
  // Idempotent on the client-chosen id (app/models/client-ids.server.ts): the same question sent
  // again, or several times at once, is asked once; the id of someone else's question is refused.
  const asked = async (): Promise<SessionResult | null> => {
    const existing = await db.sessionQuestion.findUnique({ where: { id: input.id }, select: { authorId: true, sessionId: true } });
    if (!existing) return null;
    if (existing.authorId === actor.userId && existing.sessionId === session.id) return { ok: true, sessionId: session.id, day: session.day, duplicate: true };
    return refuse(409, "That question id is taken: reload the page and try again.");
  };
  return writeOnce(asked, async () => {
    const [mineOpen, total] = await Promise.all([
      db.sessionQuestion.count({ where: { sessionId: session.id, authorId: actor.userId, answeredAt: null, dismissedAt: null } }),
      db.sessionQuestion.count({ where: { sessionId: session.id } }),
    ]);
    if (mineOpen >= MAX_OPEN_QUESTIONS_PER_PERSON) return refuse(400, `You have ${MAX_OPEN_QUESTIONS_PER_PERSON} open questions: wait for some to be answered.`);
    if (total >= MAX_QUESTIONS_PER_SESSION) return refuse(400, "This session's question queue is full.");
    await db.sessionQuestion.create({ data: { id: input.id, sessionId: session.id, authorId: actor.userId, body: input.body, createdAt: now } });
    return { ok: true, sessionId: session.id, day: session.day };
  });
}

async function questionIn(db: Db, sessionId: string, questionId: string) {
  return db.sessionQuestion.findFirst({ where: { id: questionId, sessionId, dismissedAt: null }, select: { id: true, authorId: true, answeredAt: true } });
}

/** Upvotes a question, or takes the upvote back. One vote per person; not on one's own question. */
export async function toggleVote(db: Db, groupId: string, actor: Actor, input: { sessionId: string; questionId: string }, now = new Date()): Promise<SessionResult & { voted?: boolean }> {
  const denied = fromDecision(decide(actor.role, "session.ask"));
  if (denied) return denied;
  const session = await runningOrRefuse(db, groupId, input.sessionId);
  if ("ok" in session) return session;
  const question = await questionIn(db, session.id, input.questionId);
  if (!question) return refuse(404, "That question is no longer in the queue.");
  if (question.authorId === actor.userId) return refuse(400, "You cannot upvote your own question.");
  const key = { questionId: question.id, userId: actor.userId };
  const deleted = await db.sessionQuestionVote.deleteMany({ where: key });
  if (deleted.count === 0) {
    try {
      await db.sessionQuestionVote.create({ data: { ...key, createdAt: now } });
    } catch (error) {
      // Two clicks at once: the vote is there either way.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return { ok: true, sessionId: session.id, day: session.day, voted: deleted.count === 0 };
}

/** The facilitator marks a question answered (or open again). */
export async function setAnswered(db: Db, groupId: string, actor: Actor, input: { sessionId: string; questionId: string; answered: boolean }, now = new Date()): Promise<SessionResult> {
  const denied = fromDecision(decide(actor.role, "session.run"));
  if (denied) return denied;
  const session = await runningOrRefuse(db, groupId, input.sessionId);
  if ("ok" in session) return session;
  const question = await questionIn(db, session.id, input.questionId);
  if (!question) return refuse(404, "That question is no longer in the queue.");
  await db.sessionQuestion.update({
    where: { id: question.id },
    data: input.answered ? { answeredAt: question.answeredAt ?? now, answeredById: actor.userId } : { answeredAt: null, answeredById: null },
  });
  return { ok: true, sessionId: session.id, day: session.day };
}

/** Takes a question out of the queue: a moderator's call, or its author withdrawing it. */
export async function dismissQuestion(db: Db, groupId: string, actor: Actor, input: { sessionId: string; questionId: string }, now = new Date()): Promise<SessionResult> {
  const session = await runningOrRefuse(db, groupId, input.sessionId);
  if ("ok" in session) return session;
  const question = await questionIn(db, session.id, input.questionId);
  if (!question) return refuse(404, "That question is no longer in the queue.");
  if (question.authorId !== actor.userId) {
    const denied = fromDecision(decide(actor.role, "session.run"));
    if (denied) return refuse(403, "Only the facilitator or the person who asked can take a question out of the queue.");
  }
  await db.sessionQuestion.update({ where: { id: question.id }, data: { dismissedAt: now } });
  return { ok: true, sessionId: session.id, day: session.day };
}

// ---------------------------------------------------------------- the summary

export interface SessionSummary {
  session: LiveSessionView;
  durationMinutes: number | null;
  /** Questions in the order they were raised, with their upvotes; dismissed ones are left out. */
  questions: { raised: number; answered: number; list: QuestionView[] };
  /** Comments (and replies) pinned while the session ran, still pinned. */
  pinned: { id: string; author: string; body: string; passageKey: string | null; scope: string }[];
  /** Comments written in the lesson while the session ran. */
  commentsWritten: number;
}

export async function sessionSummary(db: Db, groupId: string, sessionId: string, now = new Date()): Promise<SessionSummary | null> {
  const row = await findSession(db, { groupId, id: sessionId });
  if (!row) return null;
  const view = toView(row, await lessonTitle(db, row.lessonId));
  const from = row.startedAt;
  const until = row.endedAt ?? now;
  const [pinned, commentsWritten] = from
    ? await Promise.all([
        db.comment.findMany({
          where: { groupId, lessonId: row.lessonId, pinnedAt: { gte: from, lte: until }, deletedAt: null, hiddenAt: null },
          orderBy: { pinnedAt: "asc" },
          select: { id: true, body: true, passageKey: true, pinScope: true, author: { select: { displayName: true } } },
        }),
        db.comment.count({ where: { groupId, lessonId: row.lessonId, createdAt: { gte: from, lte: until } } }),
      ])
    : [[], 0];
  const list = [...view.questions].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return {
    session: view,
    durationMinutes: from ? Math.max(0, Math.round((until.getTime() - from.getTime()) / 60_000)) : null,
    questions: { raised: list.length, answered: list.filter((question) => question.answered).length, list },
    pinned: pinned.map((comment) => ({ id: comment.id, author: comment.author.displayName, body: comment.body, passageKey: comment.passageKey, scope: comment.pinScope ?? "passage" })),
    commentsWritten,
  };
}
