/**
 * One browser tab's live connection, as the app's client (app/components/live/use-lesson-live.ts)
 * makes it: WebSocket only, automatic reconnection, `lesson:join` on every connect, presence from the
 * join's answer and then from each `presence:delta`. It also notes which process each connection reached
 * (asked of the balancer by the connection's local port) and everything live it receives: every
 * `discussion:changed`, `session:update`, `positions:update` and `group:session`.
 *
 * A "home" client is the group's home page instead: `group:watch` on every connect, no lesson.
 */
import { io as connect, type Socket } from "socket.io-client";
import { applyPresenceDelta } from "~/realtime/presence.ts";
import type {
  AckResponse,
  ClientToServerEvents,
  DiscussionChange,
  LessonRef,
  LiveBrief,
  LiveSessionView,
  PositionChange,
  PresencePerson,
  ServerToClientEvents,
} from "~/realtime/events.ts";
import type { Balancer } from "./balancer.ts";
import { sleep } from "./servers.ts";

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const JOIN_ACK_TIMEOUT_MS = 10_000;
const ACK_TIMEOUT_MS = 10_000;

export interface JoinOutcome {
  at: number;
  backend: string | undefined;
  ok: boolean;
  error?: string;
  /** When the answer came (`at` is when the join was sent). */
  answeredAt?: number;
  /** The lesson's running session, as the join's answer gave it. */
  session?: LiveSessionView | null;
  present?: PresencePerson[];
}

export interface WatchOutcome {
  at: number;
  backend: string | undefined;
  ok: boolean;
  error?: string;
  live?: LiveBrief | null;
}

/** A `position:update` and its answer (or the reason there was none). */
export interface PositionOutcome {
  sentAt: number;
  answeredAt: number;
  backend: string | undefined;
  answer: AckResponse<{ ok: true }> | { timeout: string };
}

export interface Received<T> {
  at: number;
  /** The process this connection was on when it arrived. */
  backend: string | undefined;
  payload: T;
}

export class LiveClient {
  readonly socket: ClientSocket;
  present: PresencePerson[] = [];
  /** When `present` last changed (a join's answer or a presence:delta). */
  presentAt = 0;
  readonly changes: (LessonRef & DiscussionChange)[] = [];
  readonly joins: JoinOutcome[] = [];
  readonly watches: WatchOutcome[] = [];
  readonly sessionUpdates: Received<LiveSessionView>[] = [];
  readonly positionBatches: Received<PositionChange[]>[] = [];
  readonly groupSessions: Received<LiveBrief | null>[] = [];
  connects = 0;
  disconnects = 0;
  backend: string | undefined;
  lastProblem: string | undefined;

  constructor(
    readonly label: string,
    url: string,
    cookie: string,
    private readonly ref: LessonRef,
    private readonly balancer: Balancer,
    readonly page: "lesson" | "home" = "lesson",
  ) {
    this.socket = connect(url, {
      transports: ["websocket"],
      reconnectionDelayMax: 10_000,
      forceNew: true,
      extraHeaders: { cookie, origin: new URL(url).origin },
    });
    this.socket.on("connect", () => {
      this.connects += 1;
      this.backend = this.balancer.backendOf(this.localPort());
      if (page === "lesson") void this.join(this.backend);
      else void this.watch(this.backend);
    });
    this.socket.on("disconnect", (reason) => {
      this.disconnects += 1;
      this.lastProblem = `disconnected: ${reason}`;
    });
    this.socket.on("connect_error", (error) => (this.lastProblem = `connect_error: ${error.message}`));
    this.socket.on("presence:delta", (payload) => {
      if (payload.groupId === ref.groupId && payload.day === ref.day) {
        this.present = applyPresenceDelta(this.present, payload);
        this.presentAt = Date.now();
      }
    });
    this.socket.on("discussion:changed", (change) => {
      if (change.groupId === ref.groupId && change.day === ref.day) this.changes.push(change);
    });
    this.socket.on("session:update", (payload) => {
      if (payload.groupId === ref.groupId && payload.day === ref.day) this.sessionUpdates.push({ at: Date.now(), backend: this.backend, payload: payload.session });
    });
    this.socket.on("positions:update", (payload) => {
      if (payload.groupId === ref.groupId && payload.day === ref.day) this.positionBatches.push({ at: Date.now(), backend: this.backend, payload: payload.positions });
    });
    this.socket.on("group:session", (payload) => {
      if (payload.groupId === ref.groupId) this.groupSessions.push({ at: Date.now(), backend: this.backend, payload: payload.live });
    });
  }

  private async join(backend: string | undefined): Promise<JoinOutcome> {
    const at = Date.now();
    let outcome: JoinOutcome;
    try {
      const answer = await this.socket.timeout(JOIN_ACK_TIMEOUT_MS).emitWithAck("lesson:join", this.ref);
      if ("error" in answer) {
        outcome = { at, backend, ok: false, error: `${answer.error.code}: ${answer.error.message}`, answeredAt: Date.now() };
      } else {
        this.present = answer.data.present;
        this.presentAt = Date.now();
        outcome = { at, backend, ok: true, answeredAt: Date.now(), session: answer.data.session, present: answer.data.present };
      }
    } catch (error) {
      outcome = { at, backend, ok: false, error: (error as Error).message };
    }
    this.joins.push(outcome);
    return outcome;
  }

  /** `lesson:join` again on the open connection, as the page does after a reconnect: its answer. */
  rejoin(): Promise<JoinOutcome> {
    if (this.page !== "lesson") throw new Error(`${this.label} is not on a lesson`);
    return this.join(this.backend);
  }

  private async watch(backend: string | undefined) {
    const at = Date.now();
    try {
      const answer = await this.socket.timeout(JOIN_ACK_TIMEOUT_MS).emitWithAck("group:watch", { groupId: this.ref.groupId });
      if ("error" in answer) this.watches.push({ at, backend, ok: false, error: `${answer.error.code}: ${answer.error.message}` });
      else this.watches.push({ at, backend, ok: true, live: answer.data.live });
    } catch (error) {
      this.watches.push({ at, backend, ok: false, error: (error as Error).message });
    }
  }

  /** Shares a reading position (null: stops sharing), as the lesson page does during a session. */
  async sharePosition(passageKey: string | null): Promise<PositionOutcome> {
    const sentAt = Date.now();
    const backend = this.backend;
    try {
      const answer = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck("position:update", { ...this.ref, passageKey });
      return { sentAt, answeredAt: Date.now(), backend, answer };
    } catch (error) {
      return { sentAt, answeredAt: Date.now(), backend, answer: { timeout: (error as Error).message } };
    }
  }

  /** The most recent session state received through `session:update`. */
  lastSession(): LiveSessionView | undefined {
    return this.sessionUpdates.at(-1)?.payload;
  }

  /** The latest reading position of `userId` received through `positions:update` (null: stopped; undefined: none). */
  positionOf(userId: string): string | null | undefined {
    for (let index = this.positionBatches.length - 1; index >= 0; index -= 1) {
      const change = this.positionBatches[index]!.payload.findLast((candidate) => candidate.userId === userId);
      if (change) return change.passageKey;
    }
    return undefined;
  }

  /** The local port of the WebSocket's TCP connection (the balancer knows where it went). */
  private localPort(): number | undefined {
    const transport = this.socket.io.engine?.transport as unknown as { ws?: { _socket?: { localPort?: number } } } | undefined;
    return transport?.ws?._socket?.localPort;
  }

  lastJoin(): JoinOutcome | undefined {
    return this.joins.at(-1);
  }

  lastWatch(): WatchOutcome | undefined {
    return this.watches.at(-1);
  }

  /** What this client last heard of live sessions: for failure messages. */
  describeSession(): string {
    const session = this.lastSession();
    const state = session
      ? `${session.status} ${session.id}, spotlight ${session.spotlight?.passageKey ?? "none"}, questions [${session.questions.map((question) => `${question.id.slice(0, 6)}…:${question.votes}`).join(", ")}]`
      : "none";
    const positions = this.positionBatches.flatMap((batch) => batch.payload.map((change) => `${change.userId.slice(0, 6)}…→${change.passageKey ?? "null"}`));
    const homes = this.groupSessions.map((entry) => (entry.payload ? `live ${entry.payload.sessionId}` : "null"));
    return `${this.label} (on ${this.backend ?? "?"}): ${this.sessionUpdates.length} session:update, last ${state}; positions:update [${positions.join(", ")}]${this.page === "home" ? `; group:session [${homes.join(", ")}]` : ""}`;
  }

  describe(): string {
    if (this.page === "home") {
      const watch = this.lastWatch();
      return `${this.label}: ${this.socket.connected ? `connected to ${this.backend ?? "?"}` : "not connected"}, connects ${this.connects}, last group:watch ${
        watch ? (watch.ok ? `ok on ${watch.backend ?? "?"}` : `failed (${watch.error})`) : "none"
      }${this.lastProblem ? `, last problem: ${this.lastProblem}` : ""}`;
    }
    const join = this.lastJoin();
    const people = this.present.map((person) => person.displayName).join(", ") || "nobody";
    return `${this.label}: ${this.socket.connected ? `connected to ${this.backend ?? "?"}` : "not connected"}, connects ${this.connects}, last join ${
      join ? `${join.ok ? `ok on ${join.backend ?? "?"}` : `failed (${join.error})`} at ${new Date(join.at).toISOString().slice(11, 23)}` : "none"
    }, sees [${people}] since ${this.presentAt ? new Date(this.presentAt).toISOString().slice(11, 23) : "-"}${this.lastProblem ? `, last problem: ${this.lastProblem}` : ""}`;
  }

  close() {
    this.socket.disconnect();
  }
}

/** Waits until `predicate` holds, checking every 25 ms; fails after `timeoutMs` with `explain()`. */
export async function waitUntil(what: string, predicate: () => boolean, explain: () => string, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s\n${explain()}`);
    await sleep(25);
  }
  return Date.now() - started;
}
