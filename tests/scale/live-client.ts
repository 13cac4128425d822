/**
 * One browser tab's live connection, as the app's client (app/components/live/use-lesson-live.ts)
 * makes it: WebSocket only, automatic reconnection, `lesson:join` on every connect, presence from the
 * join's answer and then from `presence:update`. It also notes which process each connection reached
 * (asked of the balancer by the connection's local port) and every `discussion:changed` it receives.
 */
import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, DiscussionChange, LessonRef, PresencePerson, ServerToClientEvents } from "~/realtime/events.ts";
import type { Balancer } from "./balancer.ts";
import { sleep } from "./servers.ts";

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const JOIN_ACK_TIMEOUT_MS = 10_000;

export interface JoinOutcome {
  at: number;
  backend: string | undefined;
  ok: boolean;
  error?: string;
}

export class LiveClient {
  readonly socket: ClientSocket;
  present: PresencePerson[] = [];
  /** When `present` last changed (a join's answer or a presence:update). */
  presentAt = 0;
  readonly changes: (LessonRef & DiscussionChange)[] = [];
  readonly joins: JoinOutcome[] = [];
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
      void this.join(this.backend);
    });
    this.socket.on("disconnect", (reason) => {
      this.disconnects += 1;
      this.lastProblem = `disconnected: ${reason}`;
    });
    this.socket.on("connect_error", (error) => (this.lastProblem = `connect_error: ${error.message}`));
    this.socket.on("presence:update", (payload) => {
      if (payload.groupId === ref.groupId && payload.day === ref.day) {
        this.present = payload.present;
        this.presentAt = Date.now();
      }
    });
    this.socket.on("discussion:changed", (change) => {
      if (change.groupId === ref.groupId && change.day === ref.day) this.changes.push(change);
    });
  }

  private async join(backend: string | undefined) {
    const at = Date.now();
    try {
      const answer = await this.socket.timeout(JOIN_ACK_TIMEOUT_MS).emitWithAck("lesson:join", this.ref);
      if ("error" in answer) {
        this.joins.push({ at, backend, ok: false, error: `${answer.error.code}: ${answer.error.message}` });
        return;
      }
      this.present = answer.data.present;
      this.presentAt = Date.now();
      this.joins.push({ at, backend, ok: true });
    } catch (error) {
      this.joins.push({ at, backend, ok: false, error: (error as Error).message });
    }
  }

  /** The local port of the WebSocket's TCP connection (the balancer knows where it went). */
  private localPort(): number | undefined {
    const transport = this.socket.io.engine?.transport as unknown as { ws?: { _socket?: { localPort?: number } } } | undefined;
    return transport?.ws?._socket?.localPort;
  }

  lastJoin(): JoinOutcome | undefined {
    return this.joins.at(-1);
  }

  describe(): string {
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
