/**
 * "Live session, 100 members, one comment" (issue 14, ADR 15): 100 real socket.io-clients, each a
 * different member, in the live room of a lesson that holds 1,000 comments (tests/bench/content.ts,
 * `liveDiscussion`). One member posts a comment through the discussion form; each case waits until
 * every client is done with it, then posts the next:
 *
 * - **events only**: every client has its `discussion:changed` (no follow-up): the broadcast's cost;
 * - **with every client's delta**: every client then fetches the changed passage's delta, as the
 *   lesson page now does (GET /api/groups/:groupId/day/:day/passage?key=…&threads=1, its panel open:
 *   the dearer kind), and must find the new comment in it;
 * - **old path, every client reloads the lesson**: every client then fetches the lesson route's
 *   `.data` (that passage open), as the page did before ADR 15, and must find the comment in it.
 *
 * The server's CPU over the window divided by the comments posted is CPU ms/op: per comment,
 * everything included (the POST, the broadcast, each client's follow-up). Latency: from sending the
 * POST to the last client being done. The poster's own page is not modelled (its form reloads it either way).
 */
import type { BenchCase, CaseResult } from "./cases.ts";
import { BENCH_LIVE_DISCUSSION_MEMBERS, type LiveSeed } from "./content.ts";
import { Clients, type Target } from "./socket-cases.ts";

const DELIVERY_TIMEOUT_MS = 60_000;
const ROUTE = "routes/groups.$groupId.day.$day";

type FollowUp = "none" | "delta" | "reload";

interface State {
  clients: Clients;
  live: LiveSeed;
  baseUrl: string;
  tag: string;
  posted: number;
}

const percentile = (sorted: number[], fraction: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]! : 0);

/** The follow-up one client makes for a change on `passageKey`; resolves with a problem, or null. */
async function followUp(kind: FollowUp, state: State, cookie: string, passageKey: string, commentId: string): Promise<string | null> {
  if (kind === "none") return null;
  const { live, baseUrl } = state;
  const path =
    kind === "delta"
      ? `/api/groups/${live.groupId}/day/${live.day}/passage?key=${passageKey}&threads=1`
      : `/groups/${live.groupId}/day/${live.day}.data?open=${passageKey}&_routes=${encodeURIComponent(ROUTE)}`;
  try {
    const response = await fetch(new URL(path, baseUrl), { headers: { cookie }, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
    const body = await response.text();
    if (response.status !== 200) return `HTTP ${response.status}`;
    return body.includes(commentId) ? null : "the comment was not in the answer";
  } catch (error) {
    return error instanceof Error ? error.name : "error";
  }
}

/** Posts one comment and waits until every joined client has heard of it and made its follow-up. */
async function postOne(kind: FollowUp, state: State, problems: Map<string, number>): Promise<number | null> {
  const { clients, live, baseUrl } = state;
  const index = state.posted++;
  const id = `bench-delta-${state.tag}-${index}`;
  const passageKey = live.passageKeys[(index * 37) % live.passageKeys.length]!;
  const waiting: Promise<string | null>[] = [];
  let expected = 0;
  clients.joined.forEach((joined) => (expected += joined));
  let heard = 0;
  let allHeard!: () => void;
  const everyoneHeard = new Promise<void>((resolve) => (allHeard = resolve));
  clients.onDiscussion = (client, change) => {
    if (change.commentId !== id) return;
    waiting.push(followUp(kind, state, live.members[client]!.cookie, passageKey, id));
    heard += 1;
    if (heard === expected) allHeard();
  };
  const sentAt = performance.now();
  const response = await fetch(new URL(`/groups/${live.groupId}/day/${live.day}`, baseUrl), {
    method: "POST",
    headers: { cookie: live.members[0]!.cookie, origin: new URL(baseUrl).origin, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ intent: "post", id, kind: "comment", readingId: live.readingId, passageKey, body: `Live delta benchmark comment ${index + 1}` }),
    redirect: "manual",
  });
  await response.arrayBuffer();
  if (response.status !== 302) {
    problems.set(`posting answered ${response.status}`, (problems.get(`posting answered ${response.status}`) ?? 0) + 1);
    clients.onDiscussion = undefined;
    return null;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([everyoneHeard, new Promise<void>((resolve) => (timer = setTimeout(resolve, DELIVERY_TIMEOUT_MS)))]);
  clearTimeout(timer);
  clients.onDiscussion = undefined;
  if (heard < expected) problems.set("events missing", (problems.get("events missing") ?? 0) + expected - heard);
  for (const problem of await Promise.all(waiting)) if (problem) problems.set(problem, (problems.get(problem) ?? 0) + 1);
  return performance.now() - sentAt;
}

function liveDeltaCase(kind: FollowUp, name: string, comments: number, baseline?: string): BenchCase<State> {
  return {
    name,
    baseline,
    runsOn: "app",
    liveMembers: BENCH_LIVE_DISCUSSION_MEMBERS,
    async setup(ctx) {
      const live = ctx.seed.liveDiscussion;
      if (!live) throw new Error("the live room with a discussion was not seeded");
      const target: Target = { baseUrl: ctx.baseUrl, bare: false, ref: { groupId: live.groupId, day: live.day }, live, clients: live.members.length };
      const clients = await Clients.open(target);
      ctx.log(`${clients.connected} of ${live.members.length} clients connected and joined`);
      const state: State = { clients, live, baseUrl: ctx.baseUrl, tag: `${Date.now().toString(36)}${kind[0]}`, posted: 0 };
      // One unmeasured comment warms the paths up.
      if (ctx.warmupSeconds > 0) await postOne(kind, state, new Map());
      return state;
    },
    async run(_ctx, state): Promise<CaseResult> {
      const problems = new Map<string, number>();
      const latencies: number[] = [];
      const started = performance.now();
      for (let index = 0; index < comments; index += 1) {
        const latency = await postOne(kind, state, problems);
        if (latency !== null) latencies.push(latency);
      }
      const elapsed = (performance.now() - started) / 1000;
      const sorted = latencies.sort((a, b) => a - b);
      return {
        unit: "req/s",
        rate: elapsed > 0 ? latencies.length / elapsed : 0,
        p50Ms: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
        p99Ms: percentile(sorted, 0.99),
        total: latencies.length,
        problems: [...[...problems].map(([what, times]) => `${times}× ${what}`), ...state.clients.problems()],
      };
    },
    teardown: (_ctx, state) => state.clients.close(),
  };
}

export const LIVE_DELTA_EVENTS_ONLY = `live session, ${BENCH_LIVE_DISCUSSION_MEMBERS} members, one comment (events only)`;

/** Comments per case: BENCH_LIVE_COMMENTS caps them (e.g. 3 for a quick look). */
const commentsAtMost = (count: number) => Math.min(count, Number(process.env.BENCH_LIVE_COMMENTS) > 0 ? Number(process.env.BENCH_LIVE_COMMENTS) : count);

export function liveDeltaCases(): BenchCase<unknown>[] {
  return [
    liveDeltaCase("none", LIVE_DELTA_EVENTS_ONLY, commentsAtMost(20)),
    liveDeltaCase("delta", `live session, ${BENCH_LIVE_DISCUSSION_MEMBERS} members, one comment (with every client's delta)`, commentsAtMost(20), LIVE_DELTA_EVENTS_ONLY),
    // Dear (a whole lesson load per client per comment): a few comments suffice.
    liveDeltaCase("reload", `live session, ${BENCH_LIVE_DISCUSSION_MEMBERS} members, one comment (old path: every client reloads the lesson)`, commentsAtMost(3), LIVE_DELTA_EVENTS_ONLY),
  ] as BenchCase<unknown>[];
}
