/**
 * The realtime layer: Socket.IO on the app's own server and port. The handshake reads the session
 * cookie (and refuses other origins); every client event is validated with Zod and answered through
 * an acknowledgement `{ data } | { error }`; rooms are admitted through the same authorization module
 * as the HTTP pages. Writes never happen here: HTTP actions commit to the database and then call the
 * control methods below to tell the room. Presence and shared reading positions live on the sockets
 * (across processes through the Redis adapter) and are never stored.
 */
import type { Server, Socket } from "socket.io";
import type { ZodType } from "zod";
import type { Db } from "~/db/client.server.ts";
import type { Logger } from "~/server/logger.server.ts";
import { SESSION_COOKIE, readCookie, sessionStates, validateSessionToken } from "~/models/session.server.ts";
import { createSessionChecker } from "./session-check.ts";
import { expectedOrigin } from "~/server/http-guards.server.ts";
import { can, decide, type Role } from "~/models/authz.ts";
import { loadGroupForMember } from "~/models/group.server.ts";
import { findLessonId } from "~/models/group-lesson.server.ts";
import { lessonEventsAfter, membersNotSeeingTarget, redactChange } from "~/models/lesson-events.server.ts";
import { allRunningSessions, briefOf, endAbandonedSession, FACILITATOR_AWAY_MS, loadSessionView, myVotes, runningBrief, runningSession, runningSessionView } from "~/models/live-session.server.ts";
import { isDayLocked } from "~/models/pace.ts";
import {
  emptySchema,
  groupWatchSchema,
  joinSchema,
  lessonRefSchema,
  positionSchema,
  typingSchema,
  type AckError,
  type AckResponse,
  type ClientToServerEvents,
  type DiscussionChange,
  type InterServerEvents,
  type LessonRef,
  type LiveBrief,
  type PositionChange,
  type PresencePerson,
  type ServerToClientEvents,
  type SessionEndReason,
  type SocketData,
} from "./events.ts";
import { RoomBatcher } from "./batcher.ts";
import { IDLE_AFTER_MS, presenceDelta, summarizePresence } from "./presence.ts";
import { TokenBucket } from "./rate-limit.ts";

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** How often things happen; tests shorten some of them (idle after a few hundred ms, say). */
export interface RealtimeTimings {
  /** A person with no activity on the page for this long shows as idle. */
  idleAfterMs: number;
  /** Presence of a room is sent at most once per this window, and only when it changed. */
  presenceCoalesceMs: number;
  /** How often idleness is looked at again (and how soon people of a dead process drop out). */
  idleSweepMs: number;
  /** Shared reading positions of a room go out in one batch per window, at least this long… */
  positionWindowMs: number;
  /** …and at most this long: the window grows by a millisecond per socket in the room. */
  positionWindowMaxMs: number;
  /** Session changes of a room (votes, questions…) are sent once per this window. */
  sessionCoalesceMs: number;
  /** How long a process trusts what it knows of a lesson's running session without asking again. */
  sessionCacheMs: number;
  /**
   * How often every open socket's session is looked up again (it is also looked up on each event): a
   * socket whose session expired or was revoked is told why (`session:ended`) and disconnected.
   */
  sessionRecheckMs: number;
  /** How long a session found current is trusted before an event looks it up again (app/realtime/session-check.ts). */
  sessionFreshMs: number;
  /** A running session whose facilitator has had no connection on its lesson for this long ends itself. */
  facilitatorAwayMs: number;
  /** How often running sessions' facilitators are looked for. */
  facilitatorSweepMs: number;
}

export const DEFAULT_TIMINGS: RealtimeTimings = {
  idleAfterMs: IDLE_AFTER_MS,
  presenceCoalesceMs: 150,
  idleSweepMs: 10_000,
  positionWindowMs: 250,
  positionWindowMaxMs: 1_000,
  sessionCoalesceMs: 100,
  sessionCacheMs: 15_000,
  sessionRecheckMs: 60_000,
  sessionFreshMs: 1_000,
  facilitatorAwayMs: FACILITATOR_AWAY_MS,
  facilitatorSweepMs: 60_000,
};

export interface RealtimeDeps {
  db: Db;
  logger: Logger;
  publicOrigin?: string;
  trustProxy: boolean;
  /** Several processes share rooms through an adapter (Redis): tell the others about session changes. */
  clustered?: boolean;
  timings?: Partial<RealtimeTimings>;
}

export const rooms = {
  user: (userId: string) => `user:${userId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  group: (groupId: string) => `group:${groupId}`,
  lesson: (groupId: string, day: number) => `lesson:${groupId}:${day}`,
};

function lessonOfRoom(room: string): LessonRef {
  const [, groupId, day] = room.split(":");
  return { groupId: groupId!, day: Number(day) };
}

const KNOWN_EVENTS = new Set<string>(["session:whoami", "lesson:join", "lesson:leave", "presence:activity", "typing", "position:update", "group:watch"]);
/** Per socket: bursts of 30 events, 10 a second sustained. A client past that is disconnected. */
export const SOCKET_RATE = { capacity: 30, perSecond: 10 };

export interface RealtimeControl {
  /** Ends live connections of these sessions at once (logout, password change). */
  endSessions(sessionIds: string[], reason: SessionEndReason): void;
  /** A member left or was removed: their sockets leave the group's rooms at once. */
  membershipEnded(groupId: string, userId: string): void;
  /**
   * Committed to the database (and logged, see lesson-events.server.ts): tell everyone on that lesson;
   * `redactFor`, members who may not see the changed comment (a concealed prompt answer's thread), hear
   * of it redacted.
   */
  discussionChanged(groupId: string, day: number, change: DiscussionChange, options?: { redactFor?: string[] }): void;
  /**
   * A live session of this lesson changed in the database: everyone on the lesson gets its new state;
   * when it started or ended (`lifecycle`), the group's home pages hear of it too.
   */
  sessionChanged(groupId: string, day: number, sessionId: string, options?: { lifecycle?: boolean }): void;
  /** Stops timers (server shutdown). */
  stop(): void;
}

/** Only browsers on our own origin may open a socket: the cookie alone would not stop a cross-site page. */
export function originAllowed(
  headers: Record<string, string | string[] | undefined>,
  secure: boolean,
  publicOrigin: string | undefined,
): boolean {
  const origin = headers.origin;
  if (typeof origin !== "string") return false;
  return origin === expectedOrigin({ protocol: secure ? "https" : "http", headers }, publicOrigin);
}

interface RunningInfo {
  sessionId: string;
  facilitatorId: string | null;
}

export function createRealtime(io: RealtimeServer, deps: RealtimeDeps): RealtimeControl {
  const timings: RealtimeTimings = { ...DEFAULT_TIMINGS, ...deps.timings };

  io.use(async (socket, next) => {
    try {
      const headers = socket.request.headers;
      const forwardedProto = deps.trustProxy ? String(headers["x-forwarded-proto"] ?? "").split(",")[0] : "";
      const secure = forwardedProto === "https" || Boolean((socket.request.socket as { encrypted?: boolean }).encrypted);
      if (!originAllowed(headers, secure, deps.publicOrigin)) {
        deps.logger.warn(`socket refused: origin ${String(headers.origin ?? "(none)")}`);
        return next(new Error("forbidden-origin"));
      }
      const token = readCookie(headers.cookie, SESSION_COOKIE);
      const auth = token ? await validateSessionToken(deps.db, token) : null;
      if (!auth) return next(new Error("unauthorized"));
      socket.data.userId = auth.user.id;
      socket.data.displayName = auth.user.displayName;
      socket.data.sessionId = auth.session.id;
      next();
    } catch (error) {
      deps.logger.error("socket handshake failed", error);
      next(new Error("server-error"));
    }
  });

  // ---- presence: computed from the sockets in a room (across processes with the Redis adapter),
  // sent at most once per presenceCoalesceMs per room, and only what changed since this process last
  // sent it (a person arriving in a room of a thousand sends one entry, not the whole list again).
  const pending = new Map<string, NodeJS.Timeout>();
  const lastSent = new Map<string, Map<string, PresencePerson>>();
  const touched = new Map<string, Set<string>>();
  const positionIn = (room: string) => (data: SocketData) =>
    data.position?.room === room ? { ...data, position: { passageKey: data.position.passageKey, at: data.position.at } } : { ...data, position: undefined };
  const presentIn = async (room: string) => {
    const sockets = await io.in(room).fetchSockets();
    return summarizePresence(sockets.map((socket) => positionIn(room)(socket.data)), Date.now(), timings.idleAfterMs);
  };
  /** `who` joined or left the room through this process: whatever else was said, they are included. */
  const schedulePresence = (room: string, who?: string) => {
    if (who) touched.set(room, (touched.get(room) ?? new Set()).add(who));
    if (pending.has(room)) return;
    pending.set(
      room,
      setTimeout(() => {
        pending.delete(room);
        void broadcastPresence(room);
      }, timings.presenceCoalesceMs),
    );
  };
  const broadcastPresence = async (room: string) => {
    const forced = touched.get(room) ?? new Set<string>();
    touched.delete(room);
    try {
      const present = await presentIn(room);
      const previous = lastSent.get(room) ?? new Map<string, PresencePerson>();
      if (present.length === 0) lastSent.delete(room);
      else lastSent.set(room, new Map(present.map((person) => [person.userId, person])));
      const delta = presenceDelta(previous, present, forced);
      if (delta) io.to(room).emit("presence:delta", { ...lessonOfRoom(room), ...delta });
    } catch (error) {
      deps.logger.warn(`presence for ${room} failed: ${(error as Error).message}`);
    }
  };
  // People turn idle without sending anything: look again now and then.
  const sweep = setInterval(() => {
    for (const room of lastSent.keys()) schedulePresence(room);
  }, timings.idleSweepMs);
  sweep.unref();

  // ---- sessions of open sockets: an expired or revoked one (a row deleted by hand, a logout whose
  // news was lost) stops the socket within sessionRecheckMs; events are checked as they come too.
  const endSocket = (socket: RealtimeSocket, reason: SessionEndReason) => {
    if (!socket.connected) return;
    deps.logger.info(`socket of user ${socket.data.userId} disconnected: session ${reason}`);
    socket.emit("session:ended", { reason });
    socket.disconnect(true);
  };
  // Every event's session check, shared across sockets: one query per turn, trusted for sessionFreshMs.
  const sessionChecker = createSessionChecker(
    async (ids) => {
      const rows = await deps.db.session.findMany({ where: { id: { in: ids } }, select: { id: true, expiresAt: true } });
      return new Map(rows.map((row) => [row.id, { expiresAt: row.expiresAt.getTime() }]));
    },
    { freshMs: timings.sessionFreshMs },
  );
  let rechecking = false;
  const recheckSessions = async () => {
    if (rechecking) return;
    rechecking = true;
    try {
      const open = [...io.sockets.sockets.values()].filter((socket) => socket.data.sessionId);
      if (open.length === 0) return;
      const states = await sessionStates(deps.db, open.map((socket) => socket.data.sessionId));
      for (const socket of open) {
        const state = states.get(socket.data.sessionId);
        if (state && state !== "current") endSocket(socket, state);
      }
    } catch (error) {
      deps.logger.warn(`re-checking socket sessions failed: ${(error as Error).message}`);
    } finally {
      rechecking = false;
    }
  };
  const recheck = setInterval(() => void recheckSessions(), timings.sessionRecheckMs);
  recheck.unref();

  // ---- facilitators who left: a running session whose facilitator has had no socket in its lesson
  // room (on any process: fetchSockets spans the adapter) for facilitatorAwayMs ends itself. Each
  // process counts from when it first looked (or last saw them), so a restart only delays the end;
  // the end itself is one conditional update, so two processes cannot end a session twice.
  const facilitatorSeen = new Map<string, number>();
  let watching = false;
  const watchFacilitators = async () => {
    if (watching) return;
    watching = true;
    try {
      const sessions = await allRunningSessions(deps.db);
      const now = Date.now();
      const runningIds = new Set(sessions.map((session) => session.id));
      for (const id of facilitatorSeen.keys()) if (!runningIds.has(id)) facilitatorSeen.delete(id);
      for (const session of sessions) {
        const room = rooms.lesson(session.groupId, session.day);
        const sockets = session.facilitatorId ? await io.in(room).fetchSockets() : [];
        const present = sockets.some((socket) => socket.data.userId === session.facilitatorId);
        if (present || !facilitatorSeen.has(session.id)) facilitatorSeen.set(session.id, now);
        if (present || now - facilitatorSeen.get(session.id)! < timings.facilitatorAwayMs) continue;
        facilitatorSeen.delete(session.id);
        if (await endAbandonedSession(deps.db, session.id, new Date(now))) {
          deps.logger.info(`live session ${session.id} ended: its facilitator was away`);
          control.sessionChanged(session.groupId, session.day, session.id, { lifecycle: true });
        }
      }
    } catch (error) {
      deps.logger.warn(`watching facilitators failed: ${(error as Error).message}`);
    } finally {
      watching = false;
    }
  };
  const facilitatorWatch = setInterval(() => void watchFacilitators(), timings.facilitatorSweepMs);
  facilitatorWatch.unref();

  // ---- shared reading positions: one batch of changes per room and window.
  const positions = new RoomBatcher<PositionChange>(
    (room) => Math.min(timings.positionWindowMaxMs, Math.max(timings.positionWindowMs, io.sockets.adapter.rooms.get(room)?.size ?? 0)),
    (room, changes) => io.to(room).emit("positions:update", { ...lessonOfRoom(room), positions: changes }),
  );

  // ---- what this process knows of each lesson's running session (positions are only shared then).
  const running = new Map<string, { value: RunningInfo | null; at: number }>();
  /** Counts what this process learned of sessions: a database answer older than the latest news loses. */
  let learned = 0;
  const runningIn = async (ref: LessonRef): Promise<RunningInfo | null> => {
    const room = rooms.lesson(ref.groupId, ref.day);
    const known = running.get(room);
    if (known && Date.now() - known.at < timings.sessionCacheMs) return known.value;
    const asked = learned;
    const session = await runningSession(deps.db, ref.groupId);
    const value = session && session.day === ref.day ? { sessionId: session.id, facilitatorId: session.facilitatorId } : null;
    // Something newer arrived while the database answered (another process ended the session): it wins.
    if (learned !== asked && running.has(room)) return running.get(room)!.value;
    running.set(room, { value, at: Date.now() });
    return value;
  };
  /** The session of this room is over (or another started elsewhere): nobody's position stays. */
  const clearPositions = (room: string) => {
    positions.drop(room);
    for (const socketId of io.sockets.adapter.rooms.get(room) ?? []) {
      const socket = io.sockets.sockets.get(socketId);
      if (socket?.data.position?.room === room) delete socket.data.position;
    }
  };
  const learnRunning = (room: string, value: RunningInfo | null) => {
    const before = running.get(room)?.value ?? null;
    learned += 1;
    running.set(room, { value, at: Date.now() });
    if (before && (!value || value.sessionId !== before.sessionId)) clearPositions(room);
  };
  io.on("lesson:session", (payload) => {
    const room = rooms.lesson(payload.groupId, payload.day);
    learnRunning(room, payload.sessionId ? { sessionId: payload.sessionId, facilitatorId: payload.facilitatorId } : null);
    if (!payload.sessionId) clearPositions(room);
  });

  // ---- session changes: the view is read once per window and sent to the whole room.
  const sessionTimers = new Map<string, NodeJS.Timeout>();
  const sessionToSend = new Map<string, { sessionId: string; lifecycle: boolean }>();
  const broadcastSession = async (room: string, sessionId: string, lifecycle: boolean) => {
    const ref = lessonOfRoom(room);
    try {
      const session = await loadSessionView(deps.db, ref.groupId, sessionId);
      if (!session) return;
      const isRunning = session.status === "live";
      const value = isRunning ? { sessionId, facilitatorId: session.facilitator?.id ?? null } : null;
      learnRunning(room, value);
      if (!isRunning) clearPositions(room);
      if (deps.clustered) io.serverSideEmit("lesson:session", { ...ref, sessionId: value?.sessionId ?? null, facilitatorId: value?.facilitatorId ?? null });
      io.to(room).emit("session:update", { ...ref, session });
      if (lifecycle) {
        const live: LiveBrief | null = isRunning ? briefOf(session) : null;
        io.to(rooms.group(ref.groupId)).emit("group:session", { groupId: ref.groupId, live });
      }
    } catch (error) {
      deps.logger.warn(`session update for ${room} failed: ${(error as Error).message}`);
    }
  };

  const lessonRoomsOf = (socket: { rooms: Set<string> }) => [...socket.rooms].filter((room) => room.startsWith("lesson:"));

  /** May this socket's user be in this group's lesson? The same rules as the HTTP pages. */
  async function authorizeLesson(userId: string, ref: LessonRef): Promise<{ room: string; lessonId: string; role: Role } | AckError> {
    const membership = await loadGroupForMember(deps.db, ref.groupId, userId);
    const decision = decide(membership?.role ?? null, "discussion.view");
    if (!membership || !decision.ok) return { code: "not-found", message: "No such group, or you are not a member of it." };
    const lessonId = await findLessonId(deps.db, membership.group.course.id, ref.day);
    if (!lessonId) return { code: "not-found", message: "This day has no lesson." };
    if (isDayLocked(membership.group, ref.day, membership.group.course.dayCount) && !can(membership.role, "lesson.viewAhead")) {
      return { code: "forbidden", message: "This day is not open yet." };
    }
    return { room: rooms.lesson(ref.groupId, ref.day), lessonId, role: membership.role };
  }

  io.on("connection", (socket: RealtimeSocket) => {
    socket.data.lastActiveAt = Date.now();
    void socket.join([rooms.user(socket.data.userId), rooms.session(socket.data.sessionId)]);
    const bucket = new TokenBucket(SOCKET_RATE.capacity, SOCKET_RATE.perSecond);
    let warned = false;
    const misbehaved = (why: string) => {
      if (!warned) deps.logger.warn(`socket of user ${socket.data.userId} disconnected: ${why}`);
      warned = true;
      socket.disconnect(true);
    };
    // Events run in the order they came, each after its session was found still current.
    let inOrder: Promise<unknown> = Promise.resolve();
    socket.use((packet, next) => {
      const [event] = packet;
      if (!KNOWN_EVENTS.has(String(event))) return misbehaved(`unknown event ${JSON.stringify(String(event)).slice(0, 60)}`);
      if (!bucket.take()) return misbehaved("too many events");
      inOrder = inOrder.then(async () => {
        let state: "current" | "expired" | "revoked" | undefined;
        try {
          state = await sessionChecker.state(socket.data.sessionId);
        } catch (error) {
          deps.logger.error("socket session check failed", error);
          const ack = packet.at(-1);
          if (packet.length > 1 && typeof ack === "function") ack({ error: { code: "server-error", message: "Something went wrong on our side." } });
          return;
        }
        if (state === "current") return next();
        const ack = packet.at(-1);
        if (packet.length > 1 && typeof ack === "function") {
          ack({ error: { code: "unauthorized", message: state === "expired" ? "Your session has expired: sign in again." : "Your session has ended: sign in again." } });
        }
        endSocket(socket, state ?? "revoked");
      });
    });

    /**
     * Validates the payload, runs the handler, answers through the ack, never throws. The ack is the
     * last argument when it is a function; exactly one payload must come before it (a missing or an
     * extra argument is answered as invalid, not left hanging).
     */
    const handle = <T, R>(schema: ZodType<T>, run: (payload: T) => Promise<AckResponse<R>> | AckResponse<R>) =>
      async (...args: unknown[]) => {
        const last = args.at(-1);
        const reply = typeof last === "function" ? (last as (response: AckResponse<R>) => void) : () => {};
        const payloads = typeof last === "function" ? args.slice(0, -1) : args;
        if (payloads.length !== 1) {
          return reply({ error: { code: "invalid", message: `Expected one payload and an acknowledgement, got ${payloads.length} payload${payloads.length === 1 ? "" : "s"}.` } });
        }
        const parsed = schema.safeParse(payloads[0]);
        if (!parsed.success) return reply({ error: { code: "invalid", message: parsed.error.issues[0]?.message ?? "Malformed payload." } });
        try {
          reply(await run(parsed.data));
        } catch (error) {
          deps.logger.error("socket handler failed", error);
          reply({ error: { code: "server-error", message: "Something went wrong on our side." } });
        }
      };

    socket.on("session:whoami", handle(emptySchema, () => ({ data: { userId: socket.data.userId, displayName: socket.data.displayName } })));

    socket.on(
      "lesson:join",
      handle(joinSchema, async (ref) => {
        const allowed = await authorizeLesson(socket.data.userId, ref);
        if ("code" in allowed) return { error: allowed };
        socket.data.lastActiveAt = Date.now();
        await socket.join([allowed.room, rooms.group(ref.groupId)]);
        // The joiner gets everyone in the answer; the others hear of the joiner (always: another process
        // may have said they left, as when a person moves between processes or one process dies).
        schedulePresence(allowed.room, socket.data.userId);
        const asked = learned;
        const [present, session, missed] = await Promise.all([
          presentIn(allowed.room),
          runningSessionView(deps.db, ref.groupId, ref.day),
          ref.after === undefined ? null : lessonEventsAfter(deps.db, { groupId: ref.groupId, day: ref.day, after: ref.after, viewer: { userId: socket.data.userId, role: allowed.role, lessonId: allowed.lessonId } }),
        ]);
        // Unless newer news of the session arrived meanwhile, the database's answer is what we know now.
        if (learned === asked) learnRunning(allowed.room, session ? { sessionId: session.id, facilitatorId: session.facilitator?.id ?? null } : null);
        const votes = session ? await myVotes(deps.db, session.id, socket.data.userId) : [];
        return { data: { present, session, myVotes: votes, missed } };
      }),
    );

    socket.on(
      "lesson:leave",
      handle(lessonRefSchema, async (ref) => {
        const room = rooms.lesson(ref.groupId, ref.day);
        // Only a room this socket was admitted to: else the room would hear of someone who was never there.
        if (!socket.rooms.has(room)) return { error: { code: "forbidden", message: "Join the lesson first." } };
        await socket.leave(room);
        if (socket.data.position?.room === room) delete socket.data.position;
        schedulePresence(room, socket.data.userId);
        return { data: { left: true as const } };
      }),
    );

    socket.on(
      "presence:activity",
      handle(emptySchema, () => {
        const wasIdle = Date.now() - socket.data.lastActiveAt >= timings.idleAfterMs;
        socket.data.lastActiveAt = Date.now();
        if (wasIdle) for (const room of lessonRoomsOf(socket)) schedulePresence(room);
        return { data: { ok: true as const } };
      }),
    );

    socket.on(
      "typing",
      handle(typingSchema, async (payload) => {
        const room = rooms.lesson(payload.groupId, payload.day);
        // Only into a room this socket was admitted to.
        if (!socket.rooms.has(room)) return { error: { code: "forbidden", message: "Join the lesson first." } };
        // Someone writing under a prompt answer concealed from some members is not announced to them.
        const concealedFrom = await membersNotSeeingTarget(deps.db, payload.groupId, payload.target);
        socket.to(room).except(concealedFrom.map((userId) => rooms.user(userId))).emit("typing:update", {
          groupId: payload.groupId,
          day: payload.day,
          userId: socket.data.userId,
          displayName: socket.data.displayName,
          target: payload.target,
          typing: payload.typing,
        });
        return { data: { ok: true as const } };
      }),
    );

    socket.on(
      "position:update",
      handle(positionSchema, async (payload) => {
        const room = rooms.lesson(payload.groupId, payload.day);
        if (!socket.rooms.has(room)) return { error: { code: "forbidden", message: "Join the lesson first." } };
        if (payload.passageKey === null) {
          if (socket.data.position?.room === room) delete socket.data.position;
          positions.add(room, socket.data.userId, { userId: socket.data.userId, passageKey: null });
          return { data: { ok: true as const } };
        }
        if (!(await runningIn(payload))) return { error: { code: "forbidden", message: "Reading positions are shared only during a live session." } };
        socket.data.lastActiveAt = Date.now();
        socket.data.position = { room, passageKey: payload.passageKey, at: Date.now() };
        positions.add(room, socket.data.userId, { userId: socket.data.userId, passageKey: payload.passageKey });
        return { data: { ok: true as const } };
      }),
    );

    socket.on(
      "group:watch",
      handle(groupWatchSchema, async ({ groupId }) => {
        const membership = await loadGroupForMember(deps.db, groupId, socket.data.userId);
        if (!membership || !can(membership.role, "group.view")) return { error: { code: "not-found", message: "No such group, or you are not a member of it." } };
        await socket.join(rooms.group(groupId));
        return { data: { live: await runningBrief(deps.db, groupId) } };
      }),
    );

    socket.on("disconnecting", () => {
      // Gone within moments of closing the page: the room's presence is recomputed without this socket.
      // (Their other tabs may keep them here, with another shared position: they are sent as they are now.)
      for (const room of lessonRoomsOf(socket)) setTimeout(() => schedulePresence(room, socket.data.userId), 0);
    });
  });

  const control: RealtimeControl = {
    stop() {
      clearInterval(facilitatorWatch);
      clearInterval(sweep);
      clearInterval(recheck);
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
      for (const timer of sessionTimers.values()) clearTimeout(timer);
      sessionTimers.clear();
      positions.stop();
    },
    discussionChanged(groupId, day, change, options = {}) {
      const hidden = (options.redactFor ?? []).map((userId) => rooms.user(userId));
      io.to(rooms.lesson(groupId, day)).except(hidden).emit("discussion:changed", { groupId, day, ...change });
      // Those who may not see the comment (the reveal rule) hear only that the lesson changed.
      if (hidden.length > 0) io.to(hidden).emit("discussion:changed", { groupId, day, ...redactChange(change) });
    },
    sessionChanged(groupId, day, sessionId, options = {}) {
      const room = rooms.lesson(groupId, day);
      const queued = sessionToSend.get(room);
      sessionToSend.set(room, { sessionId, lifecycle: Boolean(options.lifecycle) || (queued?.lifecycle ?? false) });
      if (sessionTimers.has(room)) return;
      const timer = setTimeout(() => {
        sessionTimers.delete(room);
        const latest = sessionToSend.get(room) ?? { sessionId, lifecycle: Boolean(options.lifecycle) };
        sessionToSend.delete(room);
        void broadcastSession(room, latest.sessionId, latest.lifecycle);
      }, timings.sessionCoalesceMs);
      sessionTimers.set(room, timer);
    },
    endSessions(sessionIds, reason) {
      for (const sessionId of sessionIds) {
        const room = io.to(rooms.session(sessionId));
        room.emit("session:ended", { reason });
        io.in(rooms.session(sessionId)).disconnectSockets(true);
      }
    },
    membershipEnded(groupId, userId) {
      io.to(rooms.user(userId)).emit("group:membership-ended", { groupId });
      void io
        .in(rooms.user(userId))
        .fetchSockets()
        .then((sockets) => {
          for (const socket of sockets) {
            const left = [...socket.rooms].filter((room) => room === rooms.group(groupId) || room.startsWith(`lesson:${groupId}:`));
            for (const room of left) {
              socket.leave(room);
              schedulePresence(room, userId);
            }
          }
        });
    },
  };
  return control;
}
