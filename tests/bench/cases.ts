/**
 * The benchmark's cases, run in this order by tests/bench/run.ts into one table. A later issue adds
 * its case here: `{ name, baseline?, runsOn?, setup?, run, teardown? }`. `baseline` names an earlier
 * case measured in the same run (the static file for HTTP pages; a bare Socket.IO server for socket
 * cases, tests/bench/socket-cases.ts), and the table shows this case's rate as a ratio of it.
 */
import autocannon from "autocannon";
import { TestClient, uniqueEmail } from "../support/client.ts";
import { BENCH_DASHBOARD_MARKER, BENCH_DISCUSSION_MARKER, BENCH_LESSON_PATH, BENCH_LESSON_MARKER, BENCH_PROGRESS, seedOtherGroupsNoise, type BenchSeed, type NoiseSeed } from "./content.ts";
import { dataPathCpuMs } from "./query-count.ts";
import { socketCases } from "./socket-cases.ts";
import { DASHBOARD_PAGE_SIZE } from "~/models/progress-rules.ts";
import { liveDeltaCases } from "./live-delta-cases.ts";

export interface BenchContext {
  /**
   * The base URL of the server the case runs on (`runsOn`), e.g. http://127.0.0.1:43121: the app's,
   * or the bare Socket.IO server's.
   */
  baseUrl: string;
  /** Seconds of measured load per case (BENCH_DURATION, default 5). */
  durationSeconds: number;
  /** Seconds of unmeasured warm-up load before each case (BENCH_WARMUP, default 1). */
  warmupSeconds: number;
  /** Concurrent connections for HTTP cases (BENCH_CONNECTIONS, default 10). */
  connections: number;
  /** Writes a file the server serves as a static baseline; returns its path on the server. */
  writeStatic(fileName: string, content: string | Uint8Array): string;
  /** A cookie header for one signed-up user (created on first use, shared by later cases). */
  signedInCookie(): Promise<string>;
  /** What tests/bench/content.ts seeded: the discussion groups and their member's cookie. */
  seed: BenchSeed;
  /** SQL statements the app's server has sent so far (tests/bench/sql-counter.ts, in the server process). */
  statementCount(): Promise<number>;
  /** The benchmark's database (the server's), for cases that add data between cases. */
  databaseUrl: string;
  /** A progress line on the console. */
  log(message: string): void;
  /** A line to print under the table (and in docs/performance.md), after the runner's own. */
  note(line: string): void;
}

export interface CaseResult {
  /** What `rate` counts: HTTP requests or socket messages. */
  unit: "req/s" | "msg/s";
  rate: number;
  p50Ms: number;
  /** Only for cases that keep every latency (autocannon reports no p95). */
  p95Ms?: number;
  p99Ms: number;
  /** Requests sent or messages delivered over the measured window. */
  total: number;
  /** Problems seen under load (non-2xx answers, socket errors, timeouts); empty when clean. */
  problems: string[];
}

export interface BenchCase<State = unknown> {
  name: string;
  /** The name of an earlier case to compare throughput with. */
  baseline?: string;
  /**
   * The process the case loads and measures: the app's server (default), or the bare Socket.IO
   * server of the socket baselines (tests/bench/socket-baseline-process.ts, started on first use).
   */
  runsOn?: "app" | "socket-baseline";
  /** Live members (each with a session cookie) the case needs seeded; the socket cases' own count otherwise. */
  liveMembers?: number;
  /** Unmeasured preparation: create users, fetch pages, write static files, connect clients. */
  setup?(ctx: BenchContext): Promise<State>;
  /** The measured load; the server's CPU and memory are recorded around this call only. */
  run(ctx: BenchContext, state: State): Promise<CaseResult>;
  /** Unmeasured clean-up after `run` (also when it failed): disconnect clients. */
  teardown?(ctx: BenchContext, state: State): Promise<void>;
}

/** Keeps each case's own state type while letting the registry hold them all. */
export function defineCase<State>(benchCase: BenchCase<State>): BenchCase<unknown> {
  return benchCase as BenchCase<unknown>;
}

export interface HttpTarget {
  path: string;
  headers?: Record<string, string>;
}

/** Fetches a page once (outside the measurement) and checks it is the page we mean to load. */
export async function checkPage(ctx: BenchContext, target: HttpTarget, mustContain: string): Promise<string> {
  const response = await fetch(new URL(target.path, ctx.baseUrl), { headers: target.headers, redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const body = await response.text();
  if (response.status !== 200) {
    throw new Error(`GET ${target.path} answered ${response.status} (expected 200)${response.headers.get("location") ? ` → ${response.headers.get("location")}` : ""}`);
  }
  if (!body.includes(mustContain)) throw new Error(`GET ${target.path} did not contain ${JSON.stringify(mustContain)}`);
  return body;
}

/** autocannon against one URL: warm-up (unmeasured, inside setup) is separate from the measured run. */
export async function loadHttp(ctx: BenchContext, target: HttpTarget, seconds = ctx.durationSeconds): Promise<CaseResult> {
  const result = await autocannon({
    url: new URL(target.path, ctx.baseUrl).toString(),
    connections: ctx.connections,
    duration: seconds,
    timeout: 10,
    headers: target.headers,
  });
  const problems: string[] = [];
  if (result.non2xx > 0) {
    const codes = Object.entries(result.statusCodeStats)
      .filter(([code]) => !code.startsWith("2"))
      .map(([code, { count }]) => `${count}×${code}`);
    problems.push(`${result.non2xx} non-2xx (${codes.join(", ")})`);
  }
  // autocannon counts a timeout as an error too.
  const connectionErrors = result.errors - result.timeouts;
  if (connectionErrors > 0) problems.push(`${connectionErrors} connection errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  // A connection the server closes mid-request is silently reopened by autocannon: count the
  // requests that never got an answer (beyond the one per connection still in flight at the end).
  const unanswered = result.requests.sent - result.latency.totalCount - result.errors - ctx.connections;
  if (unanswered > 0) problems.push(`${unanswered} unanswered`);
  if (result.latency.totalCount === 0) problems.push("no responses");
  return {
    unit: "req/s",
    rate: result.duration > 0 ? result.latency.totalCount / result.duration : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.latency.totalCount,
    problems,
  };
}

/** The usual HTTP case: check the page once, warm up, then measure. */
function pageCase(options: {
  name: string;
  baseline?: string;
  mustContain: string;
  target(ctx: BenchContext): Promise<HttpTarget>;
}): BenchCase<unknown> {
  return defineCase<HttpTarget>({
    name: options.name,
    baseline: options.baseline,
    async setup(ctx) {
      const target = await options.target(ctx);
      await checkPage(ctx, target, options.mustContain);
      if (ctx.warmupSeconds > 0) await loadHttp(ctx, target, ctx.warmupSeconds);
      return target;
    },
    run: (ctx, target) => loadHttp(ctx, target),
  });
}

const BATCH_SIZE = 10;
/** The read tracker's flush interval (app/components/progress/read-tracker.tsx). */
const TRACKER_FLUSH_SECONDS = 10;
/** At least one whole flush interval is measured, so every member sends at least once. */
const OPEN_LOOP_MIN_SECONDS = TRACKER_FLUSH_SECONDS;

export const STATIC_BASELINE = "static file (baseline)";
const LESSON_PATH = "/courses/how-databases-keep-promises/day/1";

export const cases: BenchCase<unknown>[] = [
  pageCase({
    name: STATIC_BASELINE,
    mustContain: "Read together, one day at a time.",
    // The home page's exact HTML, served by the same server as a file: what the page would cost
    // if rendering were free.
    async target(ctx) {
      const html = await checkPage(ctx, { path: "/" }, "Read together, one day at a time.");
      return { path: ctx.writeStatic("home.html", html) };
    },
  }),
  pageCase({
    name: "home page (signed out)",
    baseline: STATIC_BASELINE,
    mustContain: "Read together, one day at a time.",
    target: async () => ({ path: "/" }),
  }),
  pageCase({
    name: "signed-in page (/account)",
    baseline: STATIC_BASELINE,
    mustContain: "Your account",
    target: async (ctx) => ({ path: "/account", headers: { cookie: await ctx.signedInCookie() } }),
  }),
  pageCase({
    name: "lesson page (Day 1, signed in)",
    baseline: STATIC_BASELINE,
    mustContain: `class="reader-header"`,
    target: async (ctx) => ({ path: LESSON_PATH, headers: { cookie: await ctx.signedInCookie() } }),
  }),
  ...sequentialPair({
    name: "lesson of 300 passages",
    mustContain: BENCH_LESSON_MARKER,
    target: async (ctx) => ({ path: BENCH_LESSON_PATH, headers: { cookie: await ctx.signedInCookie() } }),
  }),
  // The same 300-passage lesson as a group's day page, with 1,000 comments in 300 threads, opened
  // at the last thread (as a link to a comment opens it): its passage's threads are on the page.
  ...sequentialPair({
    name: "discussion page, 1,000 comments",
    mustContain: BENCH_DISCUSSION_MARKER,
    target: async (ctx) => ({ path: ctx.seed.large.threadPath, headers: { cookie: ctx.seed.cookie } }),
  }),
  // The same page once other groups of the same lesson have 200,000 comment edits, open flags,
  // reactions and question votes (written by the first of these two cases' setups): its cost must not grow.
  ...sequentialPair({
    name: "discussion page, 1,000 comments, 200,000 edits in other groups",
    mustContain: BENCH_DISCUSSION_MARKER,
    async target(ctx) {
      await addNoise(ctx);
      return { path: ctx.seed.large.threadPath, headers: { cookie: ctx.seed.cookie } };
    },
  }),
  // 200 members reading, each sending its read tracker's batch of 10 passages every 10 s (the tracker's
  // flush interval), open loop: the batches go out on schedule, spread evenly, whatever the answers.
  progressBatchCase(1),
  // Five times that: each member every 2 s.
  progressBatchCase(5),
  // The moderators' dashboard of 200 members × 60 days: its first page of the members grid
  // (DASHBOARD_PAGE_SIZE), the group's totals over all 200, the behind-the-pace list and a heatmap of 20 passages.
  ...sequentialPair({
    name: `progress dashboard, ${BENCH_PROGRESS.days} days × ${BENCH_PROGRESS.members} members, ${DASHBOARD_PAGE_SIZE} a page`,
    mustContain: BENCH_DASHBOARD_MARKER,
    target: async (ctx) => ({ path: ctx.seed.progress.dashboardPath, headers: { cookie: ctx.seed.progress.moderatorCookie } }),
  }),
  // A live session: N members in one lesson room (BENCH_SOCKET_CLIENTS, default 100, 500, 1,000),
  // a comment reaching them all and a scroll storm, each beside a bare Socket.IO server.
  ...socketCases(),
  // One comment in a live session of 100 members on the 1,000-comment lesson: the server's CPU per
  // comment with the clients' follow-up fetches (a passage delta each; the old full reload each) and without.
  ...liveDeltaCases(),
];

let noise: Promise<NoiseSeed> | undefined;

/** Other groups' data, added once (tests/bench/content.ts, seedOtherGroupsNoise). */
async function addNoise(ctx: BenchContext) {
  if (noise) return noise;
  const before = await dataPathCpuMs(ctx.databaseUrl, ctx.seed);
  noise = seedOtherGroupsNoise(ctx.databaseUrl, ctx.seed.lessonId);
  const added = await noise;
  const after = await dataPathCpuMs(ctx.databaseUrl, ctx.seed);
  // The seeding kept this process busy for a while: a kept-alive connection may have been closed
  // meanwhile. One answered request before the measured ones (up to three tries).
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    try {
      await (await fetch(new URL("/", ctx.baseUrl), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).arrayBuffer();
      break;
    } catch (error) {
      ctx.log(`after seeding the other groups' data: ${error instanceof Error ? `${error.message} (${String((error as { cause?: unknown }).cause ?? "")})` : String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const n = (value: number) => value.toLocaleString("en-US");
  ctx.note(
    `Other groups' data (before the "200,000 edits in other groups" cases): ${n(added.comments)} comments on the same lesson in other groups, ` +
      `with ${n(added.edits)} edits, ${n(added.flags)} open flags, ${n(added.reactions)} reactions, and ${n(added.votes)} question votes. ` +
      `The page's data path (loadLessonGroup + loadLessonPage in the benchmark process, SQLite included) took ${before.toFixed(1)} ms of CPU per page before, ${after.toFixed(1)} ms after.`,
  );
  return added;
}

/** Whether the other groups' data was added in this run (the statement counts after the cases then include it). */
export const noiseAdded = () => noise !== undefined;


/** Member `member`'s batch number `round`: the next 10 passages of the course, as the tracker sends them. */
function postBatch(ctx: BenchContext, member: number, round: number) {
  const { lessons, courseSlug, memberCookies } = ctx.seed.progress;
  const perLesson = BENCH_PROGRESS.passagesPerDay / BATCH_SIZE;
  const lesson = lessons[(member + Math.floor(round / perLesson)) % lessons.length]!;
  const offset = (round % perLesson) * BATCH_SIZE;
  const at = Date.now();
  const reads = lesson.keys.slice(offset, offset + BATCH_SIZE).map((passageKey, index) => ({ passageKey, readingId: lesson.readingId, dwellMs: 20_000, at: at - (BATCH_SIZE - index) * 1_000 }));
  return fetch(new URL("/api/progress", ctx.baseUrl), {
    method: "POST",
    headers: { cookie: memberCookies[member]!, origin: new URL(ctx.baseUrl).origin, "content-type": "application/json" },
    body: JSON.stringify({ courseSlug, day: lesson.day, timeZone: "Europe/Berlin", reads }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
}

/** Each member's next round: batches only move forward, so a batch seldom repeats an earlier one. */
interface BatchState {
  rounds: number[];
}

/**
 * The tracker's load at `times` × its real rate: every member one batch per 10 s / `times`, the
 * batches of all members spread evenly over that interval (200 members: 20 req/s × `times`).
 */
function progressBatchCase(times: number): BenchCase<unknown> {
  const members = BENCH_PROGRESS.members;
  const rate = (members / TRACKER_FLUSH_SECONDS) * times;
  return defineCase<BatchState>({
    name: `progress batches, ${members} members, one each per ${TRACKER_FLUSH_SECONDS / times} s (${rate} req/s, open loop)`,
    async setup(ctx) {
      const state: BatchState = { rounds: sharedRounds(ctx) };
      const answer = await postBatch(ctx, 0, state.rounds[0]!++);
      if (answer.status !== 200) throw new Error(`POST /api/progress answered ${answer.status}: ${await answer.text()}`);
      await answer.arrayBuffer().catch(() => undefined);
      if (ctx.warmupSeconds > 0) await openLoopProgress(ctx, state, rate, ctx.warmupSeconds);
      return state;
    },
    async run(ctx, state) {
      const before = await ctx.statementCount();
      const result = await openLoopProgress(ctx, state, rate, Math.max(ctx.durationSeconds, OPEN_LOOP_MIN_SECONDS));
      const statements = ((await ctx.statementCount()) - before) / Math.max(1, result.total);
      ctx.note(`Progress batches at ${rate} req/s: ${statements.toFixed(1)} SQL statements per batch (the server's, session check included), ${result.total} batches of ${BATCH_SIZE} passages.`);
      return result;
    },
  });
}

const roundsByRun = new WeakMap<BenchSeed, number[]>();
/** One round counter per member for the whole run, shared by both progress cases. */
function sharedRounds(ctx: BenchContext): number[] {
  let rounds = roundsByRun.get(ctx.seed);
  if (!rounds) roundsByRun.set(ctx.seed, (rounds = ctx.seed.progress.memberCookies.map(() => 0)));
  return rounds;
}

/**
 * Open loop: batch i leaves at start + i / rate (member i mod 200, its next round), whether or not
 * earlier ones were answered. Latency counts from the scheduled moment, so a server (or load
 * generator) that falls behind shows in the figures instead of slowing the load down.
 */
async function openLoopProgress(ctx: BenchContext, state: BatchState, rate: number, seconds: number): Promise<CaseResult> {
  const total = Math.round(rate * seconds);
  const times: number[] = [];
  const failures = new Map<string, number>();
  const fail = (what: string) => failures.set(what, (failures.get(what) ?? 0) + 1);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const member = index % state.rounds.length;
    const round = state.rounds[member]!++;
    inFlight.push(
      (async () => {
        try {
          const response = await postBatch(ctx, member, round);
          await response.arrayBuffer();
          if (response.status !== 200) fail(`HTTP ${response.status}`);
        } catch (error) {
          fail(error instanceof Error ? error.name : "error");
        }
        times.push(performance.now() - due);
      })(),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  const late = performance.now() - (started + seconds * 1000);
  if (late > 1000) fail(`the last answers came ${(late / 1000).toFixed(1)} s after the schedule ended`);
  times.sort((a, b) => a - b);
  const at = (fraction: number) => times[Math.min(times.length - 1, Math.floor(fraction * times.length))] ?? 0;
  return {
    unit: "req/s",
    rate: times.length / elapsed,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    total: times.length,
    problems: [...failures].map(([what, count]) => `${count}× ${what}`),
  };
}

export const SEQUENTIAL_REQUESTS = 200;
/** A slow page stops early: at most this long per case (and never fewer than 20 requests). */
export const SEQUENTIAL_MAX_SECONDS = 60;
const SEQUENTIAL_MIN_REQUESTS = 20;
/** One request that takes longer than this is a failure, not a figure. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** One request at a time, so each latency is the server's own time for the page (plus loopback). */
async function timeSequentially(ctx: BenchContext, target: HttpTarget): Promise<CaseResult> {
  const url = new URL(target.path, ctx.baseUrl);
  const times: number[] = [];
  const problems: string[] = [];
  const started = performance.now();
  const deadline = started + SEQUENTIAL_MAX_SECONDS * 1000;
  for (let index = 0; index < SEQUENTIAL_REQUESTS; index += 1) {
    if (index >= SEQUENTIAL_MIN_REQUESTS && performance.now() > deadline) {
      ctx.log(`stopped after ${index} requests (the ${SEQUENTIAL_MAX_SECONDS} s limit)`);
      break;
    }
    const before = performance.now();
    const response = await fetch(url, { headers: target.headers, redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await response.arrayBuffer();
    times.push(performance.now() - before);
    if (response.status !== 200 && problems.length === 0) problems.push(`answered ${response.status}`);
  }
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const at = (fraction: number) => times[Math.min(times.length - 1, Math.floor(fraction * times.length))]!;
  return { unit: "req/s", rate: times.length / elapsed, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), total: times.length, problems };
}

/**
 * A page timed request by request (median and p95 server time), beside the very same HTML served
 * as a static file in the same run.
 */
function sequentialPair(options: { name: string; mustContain: string; target(ctx: BenchContext): Promise<HttpTarget> }): BenchCase<unknown>[] {
  const baselineName = `${options.name} as a static file (baseline)`;
  return [
    defineCase<HttpTarget>({
      name: baselineName,
      async setup(ctx) {
        const html = await checkPage(ctx, await options.target(ctx), options.mustContain);
        ctx.log(`${Math.round(Buffer.byteLength(html) / 1024).toLocaleString("en-US")} KB of HTML`);
        return { path: ctx.writeStatic(`${options.name.replace(/\W+/g, "-")}.html`, html) };
      },
      run: (ctx, target) => timeSequentially(ctx, target),
    }),
    defineCase<HttpTarget>({
      name: `${options.name} (one request at a time)`,
      baseline: baselineName,
      async setup(ctx) {
        const target = await options.target(ctx);
        await checkPage(ctx, target, options.mustContain);
        return target;
      },
      run: (ctx, target) => timeSequentially(ctx, target),
    }),
  ];
}

/** Signs up one user through the real form, as a browser would; returns its cookie header. */
export async function signUpOneUser(baseUrl: string): Promise<string> {
  const client = new TestClient(baseUrl);
  const response = await client.signUp({ email: uniqueEmail("bench"), displayName: "Bench Reader" });
  if (response.status !== 302 || !client.sessionToken()) {
    throw new Error(`signing up answered ${response.status} without a session cookie: ${(await response.text()).slice(0, 200)}`);
  }
  return client.cookieHeader();
}
