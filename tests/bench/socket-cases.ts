/**
 * The live-session cases of `npm run bench`: N real socket.io-clients (BENCH_SOCKET_CLIENTS, default
 * 100, 500 and 1,000), each signed in as a different member of one group (tests/bench/content.ts),
 * all in the same lesson room while a live session runs. Each case runs twice, with the very same
 * clients and measurement code: first against a bare Socket.IO server doing only the broadcasting
 * (tests/bench/socket-baseline-process.ts, the baseline), then against the app.
 *
 * - **comment fan-out**: one member posts comments through the discussion form over HTTP, one after
 *   another; each comment's `discussion:changed` must reach every client before the next is posted.
 *   Latency is its arrival at a client minus the moment the POST was sent, over every (client,
 *   comment) pair.
 * - **scroll storm**: every client shares a new reading position 10 times a second (the most the
 *   per-socket rate limit allows; the app's own page sends at most one a second). The rate is the
 *   `positions:update` batches all clients received per second; latency is the delivery delay of a
 *   position, measured at a sample of receivers.
 *
 * Connecting, joining and disconnecting are outside the measured window; the connect times are
 * reported under the table. Bookkeeping is kept cheap: the load generator shares two cores with
 * the server.
 */
import { io as connect, type Socket } from "socket.io-client";
// socket.io-client's own parser (a dependency of it and of socket.io): only its decoder is wrapped.
import { Decoder, Encoder, PacketType } from "socket.io-parser";
import type { ClientToServerEvents, DiscussionChange, LessonRef, PositionChange, ServerToClientEvents } from "~/realtime/events.ts";
import type { LiveSeed } from "./content.ts";
import type { BenchCase, BenchContext } from "./cases.ts";

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const SOCKET_CLIENTS_MAX = 5_000;
/** Clients per room for each pair of cases: BENCH_SOCKET_CLIENTS, e.g. "100,500,1000". */
export const SOCKET_CLIENTS = clientCounts(process.env.BENCH_SOCKET_CLIENTS);

function clientCounts(raw: string | undefined): number[] {
  if (raw === undefined || raw.trim() === "") return [100, 500, 1_000];
  const counts = raw.split(",").map((part) => part.trim()).filter(Boolean).map(Number);
  if (counts.length === 0 || counts.some((count) => !Number.isInteger(count) || count < 2 || count > SOCKET_CLIENTS_MAX)) {
    throw new Error(`BENCH_SOCKET_CLIENTS="${raw}": expected a comma-separated list of whole numbers from 2 to ${SOCKET_CLIENTS_MAX}`);
  }
  return [...new Set(counts)];
}

/** Sockets opened at once while connecting; the next batch waits for this one to have joined. */
export const CONNECT_BATCH = 50;
const CONNECT_TIMEOUT_MS = 30_000;
export const COMMENTS = 25;
/** Posted before the measured ones when there is a warm-up (BENCH_WARMUP > 0). */
export const WARMUP_COMMENTS = 3;
/** A comment that has not reached every client by then is counted as missing where it did not. */
const DELIVERY_TIMEOUT_MS = 15_000;
/** After this many comments in a row time out, the case stops posting. */
const GIVE_UP_AFTER_TIMEOUTS = 3;
const HTTP_TIMEOUT_MS = 30_000;
/** Each client's position updates per second in the storm (the per-socket rate limit's refill rate). */
export const STORM_RATE = 10;
/** Clients are spread over this many send slots a period apart (every 5 ms at 10/s). */
const STORM_SLOTS = 20;
/** Receivers whose batches are searched for delivery delays. */
export const STORM_RECEIVERS = 10;
/** Time for the server to see the disconnects before the next case connects. */
const SETTLE_MS = 500;
/**
 * Broadcasts that hold a list the size of the room: clients other than the sampled receivers count
 * them (and their bytes) without decoding their JSON. Decoding 1,000 copies of a 1,000-position
 * batch a second would make the load generator, not the server, the bottleneck.
 */
const COUNTED_ONLY = ["positions:update", "presence:delta"] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const count = (value: number) => value.toLocaleString("en-US");
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

function tally(counts: Map<string, number>, what: string, by = 1) {
  counts.set(what, (counts.get(what) ?? 0) + by);
}

const describeTally = (counts: Map<string, number>) => [...counts].map(([what, times]) => `${count(times)}× ${what}`).join(", ");

// ---------------------------------------------------------------------------------------------
// The clients

/** Sampled receivers: STORM_RECEIVERS clients spread evenly over the room (all when fewer). */
function sampledClients(n: number): Set<number> {
  const samples = Math.min(STORM_RECEIVERS, n);
  return new Set(Array.from({ length: samples }, (_, sample) => Math.floor((sample * n) / samples)));
}

/**
 * What the counting decoders saw of the room-sized broadcasts, decoded or not. Every client in the
 * room gets every `positions:update` batch, in the same order: a client's n-th batch is the room's.
 */
interface Received {
  /** Per client: `positions:update` batches so far. */
  batches: Uint32Array;
  /** When the clock client (client 0, always sampled) got each of its batches. */
  clock: number[];
  presence: number;
  presenceBytes: number;
}

/**
 * socket.io-client's decoder, except that a client not sampling hands on room-sized broadcasts
 * (COUNTED_ONLY) as `{ skipped: true }` instead of decoding them; every client counts them.
 */
function countingParser(received: Received, index: number, decodeAll: boolean) {
  const prefixes = COUNTED_ONLY.map((event) => [event, `${PacketType.EVENT}["${event}",`] as const);
  class CountingDecoder extends Decoder {
    override add(packet: unknown) {
      if (typeof packet === "string") {
        for (const [event, prefix] of prefixes) {
          if (!packet.startsWith(prefix)) continue;
          if (event === "positions:update") {
            received.batches[index]! += 1;
            if (index === 0) received.clock.push(performance.now());
          } else {
            received.presence += 1;
            received.presenceBytes += packet.length;
          }
          if (!decodeAll) {
            this.emitReserved("decoded", { type: PacketType.EVENT, nsp: "/", data: [event, { skipped: true }] });
            return;
          }
        }
      }
      super.add(packet);
    }
  }
  return { Encoder, Decoder: CountingDecoder };
}

export interface Target {
  baseUrl: string;
  /** The bare Socket.IO server: it takes the user id from the handshake, having no sessions. */
  bare: boolean;
  ref: LessonRef;
  live: LiveSeed;
  clients: number;
}

/** N connected clients in the lesson room; events go to the hooks the running case sets. */
export class Clients {
  readonly sockets: ClientSocket[] = [];
  /** User id → index of its client. */
  readonly indexOf = new Map<string, number>();
  /** Connections lost while open (not closed by us), by reason. */
  readonly lost = new Map<string, number>();
  /** Clients that could not connect or join, by reason. */
  readonly failed = new Map<string, number>();
  /** 1 for each client that joined the lesson room. */
  readonly joined: Uint8Array;
  /** The clients that decode every message (the storm's delay samples come from them). */
  readonly sampled: Set<number>;
  readonly received: Received;
  connectMs = 0;
  /** Presence broadcasts received while connecting. */
  connectPresence = { messages: 0, bytes: 0 };
  onDiscussion: ((index: number, change: DiscussionChange, at: number) => void) | undefined;
  onPositions: ((index: number, positions: PositionChange[], at: number) => void) | undefined;
  private closing = false;

  private constructor(readonly target: Target) {
    this.sampled = sampledClients(target.clients);
    this.received = { batches: new Uint32Array(target.clients), clock: [], presence: 0, presenceBytes: 0 };
    this.joined = new Uint8Array(target.clients);
  }

  static async open(target: Target): Promise<Clients> {
    const clients = new Clients(target);
    const started = performance.now();
    try {
      for (let first = 0; first < target.clients; first += CONNECT_BATCH) {
        const batch = Array.from({ length: Math.min(CONNECT_BATCH, target.clients - first) }, (_, offset) => clients.openOne(first + offset));
        await Promise.all(batch);
      }
    } catch (error) {
      await clients.close();
      throw error;
    }
    clients.connectMs = performance.now() - started;
    clients.connectPresence = { messages: clients.received.presence, bytes: clients.received.presenceBytes };
    return clients;
  }

  get connected(): number {
    return this.sockets.filter((socket) => socket.connected).length;
  }

  private async openOne(index: number): Promise<void> {
    const { baseUrl, bare, live, ref } = this.target;
    const member = live.members[index]!;
    const socket: ClientSocket = connect(baseUrl, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      timeout: CONNECT_TIMEOUT_MS,
      extraHeaders: { cookie: member.cookie, origin: new URL(baseUrl).origin },
      parser: countingParser(this.received, index, this.sampled.has(index)),
      ...(bare ? { auth: { userId: member.userId } } : {}),
    });
    this.sockets[index] = socket;
    this.indexOf.set(member.userId, index);
    socket.on("discussion:changed", (change) => this.onDiscussion?.(index, change, performance.now()));
    if (this.sampled.has(index)) socket.on("positions:update", (payload) => this.onPositions?.(index, payload.positions, performance.now()));
    const outcome = await new Promise<string>((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", (error) => resolve(`connect_error: ${error.message}`));
    });
    if (outcome !== "connected") {
      tally(this.failed, outcome);
      return;
    }
    socket.on("disconnect", (reason) => {
      if (!this.closing) tally(this.lost, `disconnected (${reason})`);
    });
    try {
      const answer = await socket.timeout(CONNECT_TIMEOUT_MS).emitWithAck("lesson:join", ref);
      if ("error" in answer) {
        tally(this.failed, `join refused: ${answer.error.code}`);
        socket.disconnect();
      } else {
        this.joined[index] = 1;
      }
    } catch (error) {
      tally(this.failed, `join: ${(error as Error).message}`);
      socket.disconnect();
    }
  }

  /** What went wrong with the connections so far, for the problems column. */
  problems(): string[] {
    const problems: string[] = [];
    const failed = [...this.failed.values()].reduce((sum, value) => sum + value, 0);
    if (failed > 0) problems.push(`${count(failed)} of ${count(this.target.clients)} clients did not join (${describeTally(this.failed)})`);
    if (this.lost.size > 0) problems.push(describeTally(this.lost));
    return problems;
  }

  async close() {
    this.closing = true;
    this.onDiscussion = undefined;
    this.onPositions = undefined;
    for (const socket of this.sockets) socket?.disconnect();
    await sleep(SETTLE_MS);
  }
}

// ---------------------------------------------------------------------------------------------
// What the runner reports under the table

/** Connect times by client count: the app's and the bare server's, for each kind of case. */
const connectTimes = new Map<number, { app: number[]; bare: number[]; presence: { messages: number; bytes: number }[] }>();

function noteConnect(ctx: BenchContext, target: Target, clients: Clients) {
  const entry = connectTimes.get(target.clients) ?? { app: [], bare: [], presence: [] };
  (target.bare ? entry.bare : entry.app).push(clients.connectMs);
  if (!target.bare) entry.presence.push(clients.connectPresence);
  connectTimes.set(target.clients, entry);
  const { messages, bytes } = clients.connectPresence;
  ctx.log(
    `${count(clients.connected)} of ${count(target.clients)} clients connected and joined in ${seconds(clients.connectMs)}` +
      `${messages ? `, receiving ${count(messages)} presence:delta (${megabytes(bytes)})` : ""}`,
  );
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Lines under the table, once every socket case ran. */
export function socketNotes(): string[] {
  const lines: string[] = [];
  for (const [clients, { app, bare, presence }] of [...connectTimes].sort(([a], [b]) => a - b)) {
    const list = (times: number[]) => (times.length ? times.map(seconds).join(", ") : "not measured");
    const broadcasts = presence.length
      ? `; while joining the app, the clients received ${presence.map(({ messages, bytes }) => `${count(messages)} presence:delta (${megabytes(bytes)})`).join(", ")}`
      : "";
    lines.push(
      `Connecting ${count(clients)} clients and joining the lesson room (${CONNECT_BATCH} at a time, each batch after the previous one joined): ` +
        `${list(app)} to the app, ${list(bare)} to the bare Socket.IO server (once per case, comment fan-out first)${broadcasts}.`,
    );
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Comment fan-out

interface CommentState {
  clients: Clients;
  target: Target;
  tag: string;
  posted: number;
}

interface Posted {
  status: number | string;
  expected: number;
  missing: number;
  duplicates: number;
}

/** Posts one comment through the form and waits until every connected client has its event. */
async function postAndWait(state: CommentState, latencies: number[] | null): Promise<Posted> {
  const { clients, target } = state;
  const { live } = target;
  const index = state.posted++;
  const id = `bench-live-${state.tag}-${index}`;
  const expecting = new Uint8Array(target.clients);
  let expected = 0;
  clients.sockets.forEach((socket, client) => {
    if (socket?.connected && clients.joined[client] === 1) {
      expecting[client] = 1;
      expected += 1;
    }
  });
  let remaining = expected;
  let duplicates = 0;
  let allArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (allArrived = resolve));
  if (remaining === 0) allArrived();
  const sentAt = performance.now();
  clients.onDiscussion = (client, change, at) => {
    if (change.commentId !== id) return;
    if (expecting[client] !== 1) {
      if (expecting[client] === 2) duplicates += 1;
      return;
    }
    expecting[client] = 2;
    latencies?.push(at - sentAt);
    remaining -= 1;
    if (remaining === 0) allArrived();
  };
  const form = new URLSearchParams({
    intent: "post",
    id,
    kind: "comment",
    readingId: live.readingId,
    passageKey: live.passageKeys[index % live.passageKeys.length]!,
    body: `Live benchmark comment ${index + 1}: does everyone see this at once?`,
  });
  const response = fetch(new URL(`/groups/${target.ref.groupId}/day/${target.ref.day}`, target.baseUrl), {
    method: "POST",
    headers: { cookie: live.members[0]!.cookie, origin: new URL(target.baseUrl).origin, "content-type": "application/x-www-form-urlencoded" },
    body: form,
    redirect: "manual",
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  }).then(
    async (answer) => {
      await answer.arrayBuffer().catch(() => undefined);
      return answer.status as number | string;
    },
    (error: unknown) => (error instanceof Error ? error.name : "error"),
  );
  let timer: NodeJS.Timeout | undefined;
  const status = await response;
  // A refused post sends no event: do not wait for it.
  if (status === 302) await Promise.race([arrived, new Promise<void>((resolve) => (timer = setTimeout(resolve, DELIVERY_TIMEOUT_MS)))]);
  clearTimeout(timer);
  clients.onDiscussion = undefined;
  return { status, expected, missing: remaining, duplicates };
}

function commentCase(clientCount: number, bare: boolean, baselineName: string): BenchCase<CommentState> {
  const name = bare ? baselineName : `socket comment fan-out, ${count(clientCount)} clients`;
  return {
    name,
    baseline: bare ? undefined : baselineName,
    runsOn: bare ? "socket-baseline" : "app",
    async setup(ctx) {
      const target = targetFor(ctx, clientCount, bare);
      const clients = await Clients.open(target);
      noteConnect(ctx, target, clients);
      const state: CommentState = { clients, target, tag: `${Date.now().toString(36)}${bare ? "b" : "a"}${clientCount}`, posted: 0 };
      try {
        if (ctx.warmupSeconds > 0) for (let index = 0; index < WARMUP_COMMENTS; index += 1) await postAndWait(state, null);
      } catch (error) {
        await clients.close();
        throw error;
      }
      return state;
    },
    async run(_ctx, state) {
      const latencies: number[] = [];
      const statuses = new Map<string, number>();
      let expected = 0;
      let missing = 0;
      let duplicates = 0;
      let timeoutsInARow = 0;
      let posted = 0;
      const problems: string[] = [];
      const started = performance.now();
      for (let index = 0; index < COMMENTS; index += 1) {
        const outcome = await postAndWait(state, latencies);
        posted += 1;
        if (outcome.status !== 302) tally(statuses, typeof outcome.status === "number" ? `HTTP ${outcome.status}` : outcome.status);
        expected += outcome.expected;
        missing += outcome.missing;
        duplicates += outcome.duplicates;
        timeoutsInARow = outcome.missing > 0 ? timeoutsInARow + 1 : 0;
        if (timeoutsInARow >= GIVE_UP_AFTER_TIMEOUTS) {
          problems.push(`gave up after ${posted} of ${COMMENTS} comments (${GIVE_UP_AFTER_TIMEOUTS} in a row did not reach everyone within ${DELIVERY_TIMEOUT_MS / 1000} s)`);
          break;
        }
      }
      const elapsed = (performance.now() - started) / 1000;
      if (statuses.size > 0) problems.push(`posting answered ${describeTally(statuses)} (expected 302)`);
      if (missing > 0) problems.push(`${count(missing)} of ${count(expected)} deliveries missing after ${DELIVERY_TIMEOUT_MS / 1000} s`);
      if (duplicates > 0) problems.push(`${count(duplicates)} duplicate deliveries`);
      problems.push(...state.clients.problems());
      if (latencies.length === 0) problems.push("nothing delivered");
      const sorted = Float64Array.from(latencies).sort();
      return {
        unit: "msg/s",
        rate: elapsed > 0 ? latencies.length / elapsed : 0,
        p50Ms: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
        p99Ms: percentile(sorted, 0.99),
        total: latencies.length,
        problems,
      };
    },
    teardown: (_ctx, state) => state.clients.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Scroll storm

/** Every client sending STORM_RATE position updates a second, spread evenly over STORM_SLOTS slots. */
class Storm {
  private readonly period = 1000 / STORM_RATE;
  private readonly due: number[];
  private readonly step: Uint32Array;
  /** Per client: passage key → when it was last sent. */
  private readonly sentAt: Map<string, number>[];
  private readonly timer: NodeJS.Timeout;
  private measuring = false;
  sent = 0;
  skipped = 0;
  refused = new Map<string, number>();
  delays: number[] = [];
  /** Batches the clock client (client 0) decoded while measuring, and how many changes they held. */
  sampleBatches = 0;
  sampleChanges = 0;

  constructor(
    readonly clients: Clients,
    private readonly target: Target,
  ) {
    const n = target.clients;
    const started = performance.now();
    this.due = Array.from({ length: STORM_SLOTS }, (_, slot) => started + (slot * this.period) / STORM_SLOTS + Math.random() * (this.period / STORM_SLOTS));
    // Each client starts at its own place in the lesson, so positions differ from client to client.
    this.step = Uint32Array.from({ length: n }, (_, index) => (index * 7) % target.live.passageKeys.length);
    this.sentAt = Array.from({ length: n }, () => new Map());
    clients.onPositions = (index, positions, at) => {
      if (!this.measuring) return;
      if (index === 0) {
        this.sampleBatches += 1;
        this.sampleChanges += positions.length;
      }
      for (const change of positions) {
        const from = clients.indexOf.get(change.userId);
        if (from === undefined || from === index || change.passageKey === null) continue;
        const sent = this.sentAt[from]!.get(change.passageKey);
        if (sent !== undefined && sent <= at) this.delays.push(at - sent);
      }
    };
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.floor(this.period / STORM_SLOTS)));
  }

  private readonly onAck = (answer: { data: unknown } | { error: { code: string } }) => {
    if ("error" in answer) tally(this.refused, answer.error.code);
  };

  private tick() {
    const now = performance.now();
    const { sockets } = this.clients;
    const { ref, live } = this.target;
    const keys = live.passageKeys;
    for (let slot = 0; slot < STORM_SLOTS; slot += 1) {
      if (now < this.due[slot]!) continue;
      // Late (a busy event loop): send now and keep the period from here, never catching up in a burst.
      this.due[slot] = Math.max(this.due[slot]! + this.period, now + this.period / 2);
      for (let index = slot; index < sockets.length; index += STORM_SLOTS) {
        const socket = sockets[index];
        if (!socket?.connected) {
          this.skipped += 1;
          continue;
        }
        const step = this.step[index]!;
        const passageKey = keys[step % keys.length]!;
        this.step[index] = step + 1;
        this.sentAt[index]!.set(passageKey, now);
        socket.emit("position:update", { groupId: ref.groupId, day: ref.day, passageKey }, this.onAck);
        this.sent += 1;
      }
    }
  }

  startMeasuring() {
    this.measuring = true;
    this.sent = 0;
    this.skipped = 0;
    this.refused.clear();
  }

  stop() {
    this.measuring = false;
    clearInterval(this.timer);
  }
}

interface StormState {
  clients: Clients;
  storm: Storm;
  target: Target;
}

function stormCase(clientCount: number, bare: boolean, baselineName: string): BenchCase<StormState> {
  return {
    name: bare ? baselineName : `socket scroll storm, ${count(clientCount)} clients`,
    baseline: bare ? undefined : baselineName,
    runsOn: bare ? "socket-baseline" : "app",
    async setup(ctx) {
      const target = targetFor(ctx, clientCount, bare);
      const clients = await Clients.open(target);
      noteConnect(ctx, target, clients);
      // The storm starts now; the warm-up is its first seconds (at least two batch windows: the
      // first batch can come late, behind what joining left to send), the measured window follows.
      const storm = new Storm(clients, target);
      if (ctx.warmupSeconds > 0) await sleep(Math.max(ctx.warmupSeconds * 1000, 2 * positionWindowMs(clientCount)));
      return { clients, storm, target };
    },
    async run(ctx, { clients, storm }) {
      const { batches, clock } = clients.received;
      const cpuBefore = process.cpuUsage();
      const presenceBefore = clients.received.presence;
      // The window is counted in whole batches, as the clock client (client 0) saw them: from the
      // last batch before the measured time to the last one within it. Every client's share of
      // those batches is counted, however late it arrives (a 1-second window in a 5-second run
      // would otherwise make the count jump by a fifth).
      const first = batches[0]!;
      storm.startMeasuring();
      const started = performance.now();
      const from = first > 0 ? clock[first - 1]! : started;
      await sleep(ctx.durationSeconds * 1000);
      const elapsedMs = performance.now() - started;
      const last = batches[0]!;
      const { sent, skipped, sampleBatches, sampleChanges } = storm;
      storm.stop();
      const loaderCpu = process.cpuUsage(cpuBefore);
      const presence = clients.received.presence - presenceBefore;
      const until = last > first ? clock[last - 1]! : from;
      // Every joined client's copy of those batches, or a problem.
      const waitUntil = performance.now() + DELIVERY_TIMEOUT_MS;
      const behind = () => clients.joined.some((joined, index) => joined === 1 && clients.sockets[index]?.connected && batches[index]! < last);
      while (behind() && performance.now() < waitUntil) await sleep(20);
      let delivered = 0;
      let expected = 0;
      clients.joined.forEach((joined, index) => {
        if (joined !== 1) return;
        expected += last - first;
        delivered += Math.max(0, Math.min(batches[index]!, last) - first);
      });
      const problems: string[] = [];
      if (storm.refused.size > 0) problems.push(`position updates refused: ${describeTally(storm.refused)}`);
      if (skipped > 0) problems.push(`${count(skipped)} updates not sent (client disconnected)`);
      if (delivered < expected) problems.push(`${count(expected - delivered)} of ${count(expected)} batches not delivered within ${DELIVERY_TIMEOUT_MS / 1000} s`);
      problems.push(...clients.problems());
      if (last === first) problems.push("no positions:update within the window");
      const sorted = Float64Array.from(storm.delays).sort();
      const windowMs = positionWindowMs(clients.target.clients);
      ctx.note(
        `Scroll storm, ${count(clients.target.clients)} clients, ${clients.target.bare ? "bare Socket.IO" : "app"}: ` +
          `${count(Math.round(sent / (elapsedMs / 1000)))} position updates/s sent (${STORM_RATE}/s per client aimed for); ` +
          `${last > first ? `a batch every ${Math.round((until - from) / (last - first))} ms` : "no batch"} (window ${windowMs} ms) ` +
          `with ${sampleBatches ? Math.round(sampleChanges / sampleBatches) : "—"} positions on average; ` +
          `${count(sorted.length)} delivery delays sampled${presence ? `; ${count(presence)} presence:delta also received` : ""}; ` +
          `load generator CPU ${Math.round(((loaderCpu.user + loaderCpu.system) / 1000 / elapsedMs) * 100)} %.`,
      );
      return {
        unit: "msg/s",
        rate: until > from ? delivered / ((until - from) / 1000) : 0,
        p50Ms: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
        p99Ms: percentile(sorted, 0.99),
        total: delivered,
        problems,
      };
    },
    async teardown(_ctx, { clients, storm }) {
      storm.stop();
      await clients.close();
    },
  };
}

/** The batching window of a room of this many sockets, as both servers compute it. */
function positionWindowMs(sockets: number) {
  return Math.min(1_000, Math.max(250, sockets));
}

function targetFor(ctx: BenchContext, clients: number, bare: boolean): Target {
  const live = ctx.seed.live;
  if (live.members.length < clients) throw new Error(`only ${live.members.length} live members were seeded, ${clients} needed`);
  return { baseUrl: ctx.baseUrl, bare, ref: { groupId: live.groupId, day: live.day }, live, clients };
}

/** For each client count: comment fan-out and scroll storm, each after its bare Socket.IO baseline. */
export function socketCases(counts = SOCKET_CLIENTS): BenchCase<unknown>[] {
  return counts.flatMap((clients) => {
    const commentBaseline = `socket comment fan-out, ${count(clients)} clients, bare Socket.IO (baseline)`;
    const stormBaseline = `socket scroll storm, ${count(clients)} clients, bare Socket.IO (baseline)`;
    return [
      commentCase(clients, true, commentBaseline),
      commentCase(clients, false, commentBaseline),
      stormCase(clients, true, stormBaseline),
      stormCase(clients, false, stormBaseline),
    ] as BenchCase<unknown>[];
  });
}
