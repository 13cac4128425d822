/**
 * Content only the benchmark needs, written into the benchmark's throw-away database through the
 * app's own model functions before the server starts:
 *
 * - a one-day course whose lesson has 300 passages (the real importer);
 * - a reading group on it with 1,000 comments in 300 threads (one per passage, a third on a quote,
 *   700 replies spread unevenly over them, some nested, answers marked on questions, reactions), and
 *   a second group with 10 comments on the same lesson, both with the same member signed in through
 *   a session made here (the cookie is handed to the cases);
 * - a 60-day course read by a group of 200 members (the progress cases);
 * - a reading group of up to 1,000 members on the long lesson, in a running live session, each
 *   member signed in through a session made here (the socket cases).
 */
import { parseImportBuffers } from "~/content/import-set.ts";
import { makeQuoteSelector } from "~/content/anchoring.ts";
import { mentionHandle } from "~/content/comment-markdown.ts";
import { openDatabase, type Db } from "~/db/client.server.ts";
import { importContent } from "~/models/content.server.ts";
import { markAnswer, postComment, postReply, toggleReaction, type PostResult, type Viewer } from "~/models/discussion.server.ts";
import { REACTIONS } from "~/models/discussion-rules.ts";
import { addMember, createGroup } from "~/models/group.server.ts";
import { createSession, SESSION_COOKIE } from "~/models/session.server.ts";
import { mulberry32 } from "./reanchor.ts";
import { createUser } from "~/models/user.server.ts";

export const BENCH_LESSON_PATH = "/courses/bench-long-lesson/day/1";
export const BENCH_LESSON_MARKER = "Passage 300 closes the long lesson";

const WORDS = "log page write crash replay commit durable buffer checkpoint record order flush disk memory reader group margin".split(" ");

function sentence(seed: number, length: number): string {
  const words = Array.from({ length }, (_, index) => WORDS[(seed * 7 + index * 3) % WORDS.length]!);
  return `${words.join(" ")}.`.replace(/^./, (first) => first.toUpperCase());
}

/** 300 passages: a heading every 20, list items in runs, paragraphs of two to four sentences. */
export function longLessonMarkdown(): string {
  const lines = ["---", "course: bench-long-lesson", "courseTitle: Benchmark course", "days: 1", "day: 1", "title: A lesson of three hundred passages", "kind: lesson", "---", ""];
  for (let index = 1; index <= 300; index += 1) {
    if (index === 300) lines.push(`${BENCH_LESSON_MARKER}, number ${index}.`, "");
    else if (index % 20 === 1) lines.push(`## Section ${Math.ceil(index / 20)}`, "");
    else if (index % 10 === 5) lines.push(`- ${sentence(index, 9)} Item ${index}.`, "");
    else lines.push(`${sentence(index, 12)} ${sentence(index + 1, 10)} Passage ${index}.`, "");
  }
  return lines.join("\n");
}

export interface BenchGroup {
  groupId: string;
  /** The group's page for the long lesson, e.g. /groups/<id>/day/1. */
  path: string;
  /**
   * That page opened at the group's last thread (as a link to a comment opens it): the page sends
   * only the open passage's threads, so this is the page with a discussion on it.
   */
  threadPath: string;
  threads: number;
  comments: number;
  reactions: number;
}

export interface BenchSeed {
  /** A Cookie header signing in the member who reads both groups' discussion pages. */
  cookie: string;
  viewerId: string;
  lessonId: string;
  /** 1,000 comments in 300 threads. */
  large: BenchGroup;
  /** 10 comments: the same page with little discussion, for the query-count comparison. */
  small: BenchGroup;
  /** A 60-day course read by a group of 200 members (the progress cases). */
  progress: ProgressSeed;
  /** A group of many members in a live session of the long lesson (the socket cases). */
  live: LiveSeed;
  /**
   * The "live session, N members, one comment" cases: a second live room of the first
   * BENCH_LIVE_DISCUSSION_MEMBERS live members (same cookies), whose lesson holds a copy of the
   * large group's 1,000 comments written by them; null when fewer live members were seeded.
   */
  liveDiscussion: LiveSeed | null;
}

/** Members of the live room with a discussion (tests/bench/live-delta-cases.ts). */
export const BENCH_LIVE_DISCUSSION_MEMBERS = 100;

/** Words in the large group's last thread, which the discussion page must show. */
export const BENCH_DISCUSSION_MARKER = "Thread 300 closes the long discussion";
export const BENCH_DISCUSSION = { threads: 300, replies: 700, members: 12, smallThreads: 4, smallReplies: 6 } as const;

/** Opens the benchmark's database file with the app's own client. */
export function openBenchDatabase(databaseUrl: string) {
  return openDatabase({ provider: "sqlite", url: databaseUrl, file: databaseUrl.slice("file:".length) });
}

export async function seedBenchContent(databaseUrl: string, options: { liveMembers: number }): Promise<BenchSeed> {
  const database = await openBenchDatabase(databaseUrl);
  try {
    const set = parseImportBuffers([{ name: "long-lesson.md", data: new TextEncoder().encode(longLessonMarkdown()) }]);
    const result = await importContent(database.db, set);
    const passages = result.readings[0]?.passages ?? 0;
    if (passages !== 300) throw new Error(`the long lesson has ${passages} passages, not 300`);
    const discussions = await seedDiscussions(database.db);
    const progress = await seedProgress(database.db);
    const live = await seedLive(database.db, options.liveMembers);
    const liveDiscussion = live.members.length >= BENCH_LIVE_DISCUSSION_MEMBERS ? await seedLiveDiscussion(database.db, discussions.large.groupId, live) : null;
    return { ...discussions, progress, live, liveDiscussion };
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The discussions

const FIRST_NAMES = "Ada Basil Cleo Dev Esme Farid Greta Hugo Ines Jonas Kemi Lior".split(" ");

/** A few sentences of Markdown, sometimes with emphasis, code, a link or a mention. */
function commentBody(random: () => number, index: number, handles: string[]): string {
  const parts = [sentence(index * 13 + 1, 8 + Math.floor(random() * 10))];
  if (random() < 0.6) parts.push(sentence(index * 17 + 5, 6 + Math.floor(random() * 12)));
  const flourish = random();
  if (flourish < 0.15) parts.push("This is the *crux*: the `flush` comes before the acknowledgement.");
  else if (flourish < 0.25) parts.push("See [the write-ahead log](https://en.wikipedia.org/wiki/Write-ahead_logging) for the background.");
  else if (flourish < 0.3) parts.push(`@${handles[index % handles.length]} what do you make of this?`);
  return parts.join(" ");
}

function ok(result: PostResult, what: string): string {
  if (!result.ok) throw new Error(`seeding the discussion: ${what} was refused (${result.status}: ${result.message})`);
  return result.commentId;
}

function commentId(prefix: string, index: number) {
  // Client-chosen ids are 16–40 of [A-Za-z0-9_-].
  return `bench-${prefix}-${index.toString().padStart(6, "0")}`;
}

interface Member extends Viewer {
  displayName: string;
}

async function seedDiscussions(db: Db): Promise<Omit<BenchSeed, "progress" | "live" | "liveDiscussion">> {
  const lesson = await db.lesson.findFirst({
    where: { day: 1, course: { slug: "bench-long-lesson" } },
    select: {
      id: true,
      courseId: true,
      readings: { select: { id: true, currentRevision: { select: { passages: { orderBy: { position: "asc" }, select: { key: true, kind: true, text: true } } } } } },
    },
  });
  const reading = lesson?.readings[0];
  const passages = reading?.currentRevision?.passages ?? [];
  if (!lesson || !reading || passages.length !== 300) throw new Error("the long lesson is missing from the benchmark database");
  const scope = (groupId: string) => ({ groupId, lessonId: lesson.id });

  // The people: argon2 makes each sign-up slowish, so a dozen is plenty.
  const members: Member[] = [];
  for (const [index, name] of FIRST_NAMES.slice(0, BENCH_DISCUSSION.members).entries()) {
    const displayName = `${name} Bench`;
    const created = await createUser(db, { email: `bench-${name.toLowerCase()}@example.org`, displayName, password: "bench password 1234" });
    if (!created.ok) throw new Error(`seeding the discussion: ${created.message}`);
    members.push({ userId: created.userId, displayName, role: index === 0 ? "owner" : "member" });
  }
  const handles = members.map((member) => mentionHandle(member.displayName));
  // The reader whose session the cases use: a plain member of both groups.
  const viewer = members[1]!;
  const settings = { name: "Benchmark circle", description: "", paceMode: "self" as const, startDate: null, daysPerWeek: null, timeZone: "UTC", lockAhead: false };
  const newGroup = async (name: string, owner: Member, others: Member[]) => {
    const group = await createGroup(db, owner.userId, lesson.courseId, { ...settings, name });
    await db.$transaction(async (tx) => {
      for (const member of others) await addMember(tx, group.id, member.userId, "bench seed");
    });
    return group.id;
  };
  const largeId = await newGroup("Benchmark circle (1,000 comments)", members[0]!, members.slice(1));
  const smallId = await newGroup("Benchmark circle (10 comments)", members[2]!, [viewer, members[3]!]);

  const random = mulberry32(20_241_122);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  // Large group: one thread per passage, a third on a quote, one in seven a question.
  const threads: { id: string; authorId: string; kind: "comment" | "question"; replies: { id: string; authorId: string }[] }[] = [];
  for (const [index, passage] of passages.entries()) {
    const author = members[index % members.length]!;
    let quote: { quoteExact?: string; quoteStart: number | null; quoteEnd: number | null } = { quoteStart: null, quoteEnd: null };
    if (index % 3 === 0) {
      const words = [...passage.text.matchAll(/\S+/g)];
      const first = Math.floor(random() * words.length);
      const last = Math.min(words.length - 1, first + 1 + Math.floor(random() * 6));
      const selector = makeQuoteSelector(passage.text, words[first]!.index!, words[last]!.index! + words[last]![0].length);
      if (selector) quote = { quoteExact: selector.exact, quoteStart: selector.start, quoteEnd: selector.end };
    }
    const kind = index % 7 === 3 ? "question" : "comment";
    const body = index === passages.length - 1 ? `${BENCH_DISCUSSION_MARKER}. ${commentBody(random, index, handles)}` : commentBody(random, index, handles);
    const id = ok(
      await postComment(db, scope(largeId), author, { id: commentId("thread", index + 1), body, kind, readingId: reading.id, passageKey: passage.key, ...quote }),
      `thread ${index + 1}`,
    );
    threads.push({ id, authorId: author.userId, kind, replies: [] });
  }
  // 700 replies, unevenly: the first passages of a lesson draw the most talk; one in four answers
  // an earlier reply rather than the thread.
  for (let index = 0; index < BENCH_DISCUSSION.replies; index += 1) {
    const thread = threads[Math.floor(threads.length * random() ** 1.6)]!;
    const author = members[(index * 5 + 3) % members.length]!;
    const parentId = thread.replies.length > 0 && random() < 0.25 ? pick(thread.replies).id : thread.id;
    const id = ok(await postReply(db, scope(largeId), author, { id: commentId("reply", index + 1), body: commentBody(random, index + 1000, handles), parentId }), `reply ${index + 1}`);
    thread.replies.push({ id, authorId: author.userId });
  }
  // Every other question that has replies gets its first reply marked as the answer by whoever asked.
  const answerable = threads.filter((thread) => thread.kind === "question" && thread.replies.length > 0);
  for (const thread of answerable.filter((_, index) => index % 2 === 0)) {
    const asker = members.find((member) => member.userId === thread.authorId)!;
    const marked = await markAnswer(db, scope(largeId), asker, thread.replies[0]!.id);
    if (!marked.ok) throw new Error(`seeding the discussion: marking an answer was refused (${marked.message})`);
  }
  // Reactions: about one for every two comments, some of them the viewer's own.
  const everyComment = threads.flatMap((thread) => [thread.id, ...thread.replies.map((reply) => reply.id)]);
  const reacted = new Set<string>();
  let largeReactions = 0;
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const target = pick(everyComment);
    const member = pick(members);
    const reaction = pick(REACTIONS);
    const key = `${target} ${member.userId} ${reaction}`;
    if (reacted.has(key)) continue;
    reacted.add(key);
    const result = await toggleReaction(db, scope(largeId), member, { commentId: target, reaction });
    if (!result.ok) throw new Error(`seeding the discussion: a reaction was refused (${result.message})`);
    largeReactions += 1;
  }
  const largeComments = threads.length + BENCH_DISCUSSION.replies;

  // Small group: 4 threads and 6 replies on the same lesson.
  const smallMembers = [members[2]!, viewer, members[3]!];
  const smallThreads: string[] = [];
  for (let index = 0; index < BENCH_DISCUSSION.smallThreads; index += 1) {
    const passage = passages[index * 40 + 2]!;
    const id = ok(
      await postComment(db, scope(smallId), smallMembers[index % 3]!, {
        id: commentId("small-thread", index + 1),
        body: commentBody(random, index + 5000, handles),
        kind: "comment",
        readingId: reading.id,
        passageKey: passage.key,
        quoteStart: null,
        quoteEnd: null,
      }),
      `small-group thread ${index + 1}`,
    );
    smallThreads.push(id);
  }
  for (let index = 0; index < BENCH_DISCUSSION.smallReplies; index += 1) {
    ok(
      await postReply(db, scope(smallId), smallMembers[(index + 1) % 3]!, { id: commentId("small-reply", index + 1), body: commentBody(random, index + 6000, handles), parentId: smallThreads[index % smallThreads.length]! }),
      `small-group reply ${index + 1}`,
    );
  }
  const smallReaction = await toggleReaction(db, scope(smallId), smallMembers[0]!, { commentId: smallThreads[1]!, reaction: "insightful" });
  if (!smallReaction.ok) throw new Error(`seeding the discussion: a reaction was refused (${smallReaction.message})`);

  const { token } = await createSession(db, viewer.userId);
  return {
    cookie: `${SESSION_COOKIE}=${token}`,
    viewerId: viewer.userId,
    lessonId: lesson.id,
    large: {
      groupId: largeId,
      path: `/groups/${largeId}/day/1`,
      threadPath: `/groups/${largeId}/day/1?comment=${threads.at(-1)!.id}`,
      threads: threads.length,
      comments: largeComments,
      reactions: largeReactions,
    },
    small: {
      groupId: smallId,
      path: `/groups/${smallId}/day/1`,
      threadPath: `/groups/${smallId}/day/1?comment=${smallThreads.at(-1)!}`,
      threads: BENCH_DISCUSSION.smallThreads,
      comments: BENCH_DISCUSSION.smallThreads + BENCH_DISCUSSION.smallReplies,
      reactions: 1,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Progress: a 60-day course, a group of 200 members following it on a schedule, their progress

export const BENCH_PROGRESS = { days: 60, passagesPerDay: 20, members: 200, paceDay: 40 } as const;
export const BENCH_PROGRESS_COURSE = "bench-sixty-days";
export const BENCH_DASHBOARD_MARKER = "Benchmark progress circle";

export interface ProgressSeed {
  groupId: string;
  dashboardPath: string;
  /** The owner's Cookie header (the dashboard is for moderators). */
  moderatorCookie: string;
  /** One Cookie header per member, for 200 members recording progress at once. */
  memberCookies: string[];
  courseSlug: string;
  /** Day by day, the passages of each lesson's one reading. */
  lessons: { day: number; readingId: string; keys: string[] }[];
}

/**
 * Written straight into the tables (the importer and Argon2 sign-ups would take minutes for this
 * much): members have no password anyone could use and sign in through sessions made here.
 */
async function seedProgress(db: Db): Promise<ProgressSeed> {
  const { days, passagesPerDay, members: memberCount, paceDay } = BENCH_PROGRESS;
  const course = await db.course.create({ data: { slug: BENCH_PROGRESS_COURSE, title: "Sixty days of reading", dayCount: days } });
  const lessons: ProgressSeed["lessons"] = [];
  for (let day = 1; day <= days; day += 1) {
    const lesson = await db.lesson.create({ data: { courseId: course.id, day, title: `Day ${day} of the long course` } });
    const reading = await db.reading.create({ data: { lessonId: lesson.id, slug: "lesson", kind: "lesson", title: `Reading ${day}`, position: 0 } });
    const keys = Array.from({ length: passagesPerDay }, (_, index) => `d${day}p${index}`);
    const revision = await db.readingRevision.create({
      data: {
        readingId: reading.id,
        number: 1,
        checksum: `bench-${day}`,
        sourceName: `day-${day}.md`,
        format: "markdown",
        passages: { create: keys.map((key, index) => ({ key, position: index, kind: index === 0 ? "heading" : index === passagesPerDay - 1 ? "prompt" : "paragraph", text: sentence(day * 31 + index, 14) })) },
      },
    });
    await db.reading.update({ where: { id: reading.id }, data: { currentRevisionId: revision.id } });
    lessons.push({ day, readingId: reading.id, keys });
  }
  const now = Date.now();
  await db.user.createMany({
    data: Array.from({ length: memberCount }, (_, index) => ({
      id: `bench-progress-${index.toString().padStart(3, "0")}`,
      email: `bench-progress-${index}@example.org`,
      displayName: `${FIRST_NAMES[index % FIRST_NAMES.length]} ${index}`,
      passwordHash: "no password: signed in through seeded sessions",
    })),
  });
  const userIds = Array.from({ length: memberCount }, (_, index) => `bench-progress-${index.toString().padStart(3, "0")}`);
  const startDate = new Date(now - (paceDay - 1) * 86_400_000).toISOString().slice(0, 10);
  const group = await createGroup(db, userIds[0]!, course.id, {
    name: BENCH_DASHBOARD_MARKER,
    description: "",
    paceMode: "scheduled",
    startDate,
    daysPerWeek: 7,
    timeZone: "UTC",
    lockAhead: false,
  });
  await db.membership.createMany({ data: userIds.slice(1).map((userId) => ({ groupId: group.id, userId, role: "member" })) });

  // Each member has done a different number of days (some ahead of the pace, many behind), and is
  // part-way through the next one; a third of them read the pace day's passages.
  const random = mulberry32(60);
  const lessonRows = await db.lesson.findMany({ where: { courseId: course.id }, select: { id: true, day: true } });
  const lessonId = new Map(lessonRows.map((row) => [row.day, row.id]));
  const progress: { userId: string; lessonId: string; courseId: string; readCount: number; doneAt: Date | null; updatedAt: Date }[] = [];
  for (const userId of userIds) {
    const doneUpTo = Math.floor(random() * (days * 0.8));
    for (let day = 1; day <= Math.min(days, doneUpTo + 1); day += 1) {
      const done = day <= doneUpTo;
      progress.push({ userId, lessonId: lessonId.get(day)!, courseId: course.id, readCount: done ? passagesPerDay : Math.floor(random() * passagesPerDay), doneAt: done ? new Date(now - (doneUpTo - day) * 86_400_000) : null, updatedAt: new Date(now) });
    }
  }
  for (let index = 0; index < progress.length; index += 2_000) await db.lessonProgress.createMany({ data: progress.slice(index, index + 2_000) });
  const pace = lessons[paceDay - 1]!;
  const reads = userIds
    .filter((_, index) => index % 3 === 0)
    .flatMap((userId) =>
      pace.keys.map((passageKey) => ({ userId, readingId: pace.readingId, passageKey, lessonId: lessonId.get(paceDay)!, courseId: course.id, dwellMs: 5_000, readAt: new Date(now), localDay: new Date(now).toISOString().slice(0, 10) })),
    );
  await db.passageRead.createMany({ data: reads });

  const memberCookies: string[] = [];
  for (const userId of userIds) memberCookies.push(`${SESSION_COOKIE}=${(await createSession(db, userId)).token}`);
  return {
    groupId: group.id,
    dashboardPath: `/groups/${group.id}/dashboard?day=${paceDay}`,
    moderatorCookie: memberCookies[0]!,
    memberCookies,
    courseSlug: course.slug,
    lessons,
  };
}

// ---------------------------------------------------------------------------------------------
// Live: one big group in a live session of the long lesson, for the socket cases

export const BENCH_LIVE_GROUP = "Benchmark live room";

export interface LiveSeed {
  groupId: string;
  day: number;
  /** The long lesson's one reading and its 300 passage keys (comments and shared positions). */
  readingId: string;
  passageKeys: string[];
  /** Every member: the owner first (who facilitates the session), each with a Cookie header of its own. */
  members: { userId: string; cookie: string }[];
}

/**
 * Written straight into the tables like the progress group: `members` users (ids as long as the
 * app's cuids, so the payloads weigh what they would), a self-paced group of them on the long
 * lesson, a live session of day 1 started by the owner, and one session cookie per member.
 */
async function seedLive(db: Db, memberCount: number): Promise<LiveSeed> {
  const lesson = await db.lesson.findFirst({
    where: { day: 1, course: { slug: "bench-long-lesson" } },
    select: { id: true, courseId: true, readings: { select: { id: true, currentRevision: { select: { passages: { orderBy: { position: "asc" }, select: { key: true } } } } } } },
  });
  const reading = lesson?.readings[0];
  const passageKeys = reading?.currentRevision?.passages.map((passage) => passage.key) ?? [];
  if (!lesson || !reading || passageKeys.length !== 300) throw new Error("the long lesson is missing from the benchmark database");
  const count = Math.max(1, memberCount);
  // 25 characters, like a cuid.
  const userIds = Array.from({ length: count }, (_, index) => `bench-live-user-${index.toString().padStart(9, "0")}`);
  for (let index = 0; index < count; index += 500) {
    await db.user.createMany({
      data: userIds.slice(index, index + 500).map((id, offset) => ({
        id,
        email: `${id}@example.org`,
        displayName: `${FIRST_NAMES[(index + offset) % FIRST_NAMES.length]} Live ${index + offset}`,
        passwordHash: "no password: signed in through seeded sessions",
      })),
    });
  }
  const group = await createGroup(db, userIds[0]!, lesson.courseId, {
    name: BENCH_LIVE_GROUP,
    description: "",
    paceMode: "self",
    startDate: null,
    daysPerWeek: null,
    timeZone: "UTC",
    lockAhead: false,
  });
  for (let index = 1; index < count; index += 500) {
    await db.membership.createMany({ data: userIds.slice(index, index + 500).map((userId) => ({ groupId: group.id, userId, role: "member" })) });
  }
  await db.liveSession.create({ data: { groupId: group.id, lessonId: lesson.id, day: 1, title: "Benchmark live session", facilitatorId: userIds[0]!, startedAt: new Date() } });
  const members: LiveSeed["members"] = [];
  for (const userId of userIds) members.push({ userId, cookie: `${SESSION_COOKIE}=${(await createSession(db, userId)).token}` });
  return { groupId: group.id, day: 1, readingId: reading.id, passageKeys, members };
}

// ---------------------------------------------------------------------------------------------
// Other groups' data: what the discussion page must not pay for

export const BENCH_NOISE = { groups: 4, commentsPerGroup: 500, editsPerComment: 100, flagsPerComment: 5, reactionsPerComment: 6, questionsPerGroup: 50, votesPerQuestion: 100 } as const;

export interface NoiseSeed {
  comments: number;
  edits: number;
  flags: number;
  reactions: number;
  votes: number;
}

/**
 * Written straight into the tables, while the server runs (between two cases): BENCH_NOISE.groups
 * more groups on the same long lesson, each with comments carrying 100 edits (200,000 CommentEdit
 * rows in all), open flags and reactions, and an ended live session whose questions have votes.
 * The members are the progress group's 200 (users with no password, signed in nowhere here).
 */
export async function seedOtherGroupsNoise(databaseUrl: string, lessonId: string): Promise<NoiseSeed> {
  const database = await openBenchDatabase(databaseUrl);
  const db = database.db;
  try {
    const lesson = await db.lesson.findUniqueOrThrow({ where: { id: lessonId }, select: { courseId: true, readings: { select: { id: true, currentRevision: { select: { number: true, passages: { select: { key: true } } } } } } } });
    const reading = lesson.readings[0]!;
    const keys = reading.currentRevision!.passages.map((passage) => passage.key);
    const users = Array.from({ length: BENCH_PROGRESS.members }, (_, index) => `bench-progress-${index.toString().padStart(3, "0")}`);
    const totals: NoiseSeed = { comments: 0, edits: 0, flags: 0, reactions: 0, votes: 0 };
    const inChunks = async <T>(rows: T[], write: (chunk: T[]) => Promise<unknown>) => {
      for (let index = 0; index < rows.length; index += 5_000) await write(rows.slice(index, index + 5_000));
    };
    const at = Date.now() - 86_400_000;
    for (let g = 0; g < BENCH_NOISE.groups; g += 1) {
      const group = await db.group.create({ data: { courseId: lesson.courseId, name: `Benchmark noise ${g + 1}` } });
      const members = users.slice(g * 40, g * 40 + 40);
      await db.membership.createMany({ data: members.map((userId, index) => ({ groupId: group.id, userId, role: index === 0 ? "owner" : "member" })) });
      const comments = Array.from({ length: BENCH_NOISE.commentsPerGroup }, (_, index) => {
        const id = `bench-noise-${g}-${index.toString().padStart(5, "0")}`;
        const rootId = index % 3 === 0 ? id : `bench-noise-${g}-${(index - (index % 3)).toString().padStart(5, "0")}`;
        return {
          id,
          groupId: group.id,
          lessonId,
          readingId: reading.id,
          passageKey: keys[index % keys.length]!,
          anchorRevision: reading.currentRevision!.number,
          originalRevision: reading.currentRevision!.number,
          originalPassageKey: keys[index % keys.length]!,
          parentId: rootId === id ? null : rootId,
          rootId,
          authorId: members[index % members.length]!,
          kind: "comment",
          body: `Noise comment ${index} of group ${g + 1}, edited many times.`,
          createdAt: new Date(at + index * 1_000),
          editedAt: new Date(at + index * 1_000 + 500),
        };
      });
      await inChunks(comments, (chunk) => db.comment.createMany({ data: chunk }));
      const edits = comments.flatMap((comment, index) =>
        Array.from({ length: BENCH_NOISE.editsPerComment }, (_, edit) => ({ commentId: comment.id, body: `Version ${edit} of noise comment ${index}`, editedAt: new Date(at + index * 1_000 + edit) })),
      );
      await inChunks(edits, (chunk) => db.commentEdit.createMany({ data: chunk }));
      const flags = comments.flatMap((comment, index) =>
        Array.from({ length: BENCH_NOISE.flagsPerComment }, (_, flag) => ({ commentId: comment.id, reporterId: members[(index + flag + 1) % members.length]!, reason: "Benchmark noise flag" })),
      );
      await inChunks(flags, (chunk) => db.flag.createMany({ data: chunk }));
      const reactions = comments.flatMap((comment, index) =>
        Array.from({ length: BENCH_NOISE.reactionsPerComment }, (_, reaction) => ({ commentId: comment.id, userId: members[(index + reaction) % members.length]!, kind: REACTIONS[reaction % REACTIONS.length]! })),
      );
      await inChunks(reactions, (chunk) => db.reaction.createMany({ data: chunk }));
      const session = await db.liveSession.create({ data: { groupId: group.id, lessonId, day: 1, title: "Noise session", facilitatorId: members[0]!, startedAt: new Date(at), endedAt: new Date(at + 3_600_000) } });
      const questions = Array.from({ length: BENCH_NOISE.questionsPerGroup }, (_, index) => ({ id: `bench-noise-q-${g}-${index}`, sessionId: session.id, authorId: members[index % members.length]!, body: `Noise question ${index}` }));
      await db.sessionQuestion.createMany({ data: questions });
      const voters = users.filter((userId) => !members.includes(userId)).slice(0, BENCH_NOISE.votesPerQuestion);
      const votes = questions.flatMap((question) => voters.map((userId) => ({ questionId: question.id, userId })));
      await inChunks(votes, (chunk) => db.sessionQuestionVote.createMany({ data: chunk }));
      totals.comments += comments.length;
      totals.edits += edits.length;
      totals.flags += flags.length;
      totals.reactions += reactions.length;
      totals.votes += votes.length;
    }
    return totals;
  } finally {
    await database.close();
  }
}

/**
 * A second live room for the live-delta cases: the first BENCH_LIVE_DISCUSSION_MEMBERS live members
 * (their cookies serve again) in a group of their own, in a live session of the long lesson, whose
 * discussion is a copy of the large group's 1,000 comments and their reactions, written by them (so
 * a lesson page there costs what the 1,000-comment page costs, with 100 members in its list).
 */
async function seedLiveDiscussion(db: Db, fromGroupId: string, live: LiveSeed): Promise<LiveSeed> {
  const members = live.members.slice(0, BENCH_LIVE_DISCUSSION_MEMBERS);
  const lesson = await db.lesson.findFirstOrThrow({ where: { day: 1, course: { slug: "bench-long-lesson" } }, select: { id: true, courseId: true } });
  const group = await createGroup(db, members[0]!.userId, lesson.courseId, {
    name: `${BENCH_LIVE_GROUP} with a discussion`,
    description: "",
    paceMode: "self",
    startDate: null,
    daysPerWeek: null,
    timeZone: "UTC",
    lockAhead: false,
  });
  await db.membership.createMany({ data: members.slice(1).map((member) => ({ groupId: group.id, userId: member.userId, role: "member" })) });
  await db.liveSession.create({ data: { groupId: group.id, lessonId: lesson.id, day: 1, title: "Benchmark live session with a discussion", facilitatorId: members[0]!.userId, startedAt: new Date() } });
  const comments = await db.comment.findMany({ where: { groupId: fromGroupId }, orderBy: { createdAt: "asc" } });
  // Each original author (and anyone who marked, pinned or hid) becomes one of the live members.
  const people = new Map<string, string>();
  const person = (userId: string | null) => {
    if (userId === null) return null;
    if (!people.has(userId)) people.set(userId, members[(people.size * 7 + 1) % members.length]!.userId);
    return people.get(userId)!;
  };
  const copy = (id: string | null) => (id === null ? null : `lv-${id}`);
  for (let index = 0; index < comments.length; index += 200) {
    await db.comment.createMany({
      data: comments.slice(index, index + 200).map((comment) => ({
        ...comment,
        id: copy(comment.id)!,
        groupId: group.id,
        parentId: copy(comment.parentId),
        rootId: copy(comment.rootId)!,
        answerId: copy(comment.answerId),
        authorId: person(comment.authorId)!,
        answerMarkedById: person(comment.answerMarkedById),
        pinnedById: person(comment.pinnedById),
        hiddenById: person(comment.hiddenById),
      })),
    });
  }
  const reactions = await db.reaction.findMany({ where: { comment: { groupId: fromGroupId } } });
  await db.reaction.createMany({ data: reactions.map((reaction) => ({ ...reaction, commentId: copy(reaction.commentId)!, userId: person(reaction.userId)! })) });
  return { ...live, groupId: group.id, members };
}
