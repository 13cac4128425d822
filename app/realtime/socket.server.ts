import type { Server, Socket } from "socket.io";
import type { Db } from "~/db/client.server.ts";
import type { Logger } from "~/server/logger.server.ts";
import { SESSION_COOKIE, readCookie, validateSessionToken } from "~/models/session.server.ts";
import { expectedOrigin } from "~/server/http-guards.server.ts";
import { can, decide } from "~/models/authz.ts";
import { loadGroupForMember } from "~/models/group.server.ts";
import { findLessonId } from "~/models/group-lesson.server.ts";
import { isDayLocked } from "~/models/pace.ts";
import {
  emptySchema,
  lessonRefSchema,
  typingSchema,
  type AckError,
  type AckResponse,
  type ClientToServerEvents,
  type DiscussionChange,
  type InterServerEvents,
  type LessonRef,
  type ServerToClientEvents,
  type SocketData,
} from "./events.ts";
import { IDLE_AFTER_MS, presenceKey, summarizePresence } from "./presence.ts";
import { TokenBucket } from "./rate-limit.ts";
import type { ZodType } from "zod";

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface RealtimeDeps {
  db: Db;
  logger: Logger;
  publicOrigin?: string;
  trustProxy: boolean;
}

export const rooms = {
  user: (userId: string) => `user:${userId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  group: (groupId: string) => `group:${groupId}`,
  lesson: (groupId: string, day: number) => `lesson:${groupId}:${day}`,
};

const KNOWN_EVENTS = new Set<string>(["session:whoami", "lesson:join", "lesson:leave", "presence:activity", "typing"]);
/** Per socket: bursts of 30 events, 10 a second sustained. A client past that is disconnected. */
export const SOCKET_RATE = { capacity: 30, perSecond: 10 };
const PRESENCE_COALESCE_MS = 150;
/** Also how soon people whose process died drop out of the others' presence. */
const IDLE_SWEEP_MS = 10_000;

export interface RealtimeControl {
  /** Ends live connections of these sessions at once (logout, password change). */
  endSessions(sessionIds: string[], reason: "logout" | "logout-everywhere" | "password-changed"): void;
  /** A member left or was removed: their sockets leave the group's rooms at once. */
  membershipEnded(groupId: string, userId: string): void;
  /** Committed to the database: tell everyone on that lesson to catch up. */
  discussionChanged(groupId: string, day: number, change: Omit<DiscussionChange, "at">): void;
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

export function createRealtime(io: RealtimeServer, deps: RealtimeDeps): RealtimeControl {
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
  // broadcast at most once per PRESENCE_COALESCE_MS per room and only when it changed.
  const pending = new Map<string, NodeJS.Timeout>();
  const lastSent = new Map<string, string>();
  const schedulePresence = (room: string) => {
    if (pending.has(room)) return;
    pending.set(
      room,
      setTimeout(() => {
        pending.delete(room);
        void broadcastPresence(room);
      }, PRESENCE_COALESCE_MS),
    );
  };
  const broadcastPresence = async (room: string) => {
    try {
      const sockets = await io.in(room).fetchSockets();
      const present = summarizePresence(sockets.map((socket) => socket.data));
      const key = presenceKey(present);
      if (present.length === 0) lastSent.delete(room);
      else if (lastSent.get(room) === key) return;
      else lastSent.set(room, key);
      const [, groupId, day] = room.split(":");
      io.to(room).emit("presence:update", { groupId: groupId!, day: Number(day), present });
    } catch (error) {
      deps.logger.warn(`presence for ${room} failed: ${(error as Error).message}`);
    }
  };
  // People turn idle without sending anything: look again now and then.
  const sweep = setInterval(() => {
    for (const room of lastSent.keys()) schedulePresence(room);
  }, IDLE_SWEEP_MS);
  sweep.unref();

  const lessonRoomsOf = (socket: { rooms: Set<string> }) => [...socket.rooms].filter((room) => room.startsWith("lesson:"));

  /** May this socket's user be in this group's lesson? The same rules as the HTTP pages. */
  async function authorizeLesson(userId: string, ref: LessonRef): Promise<{ room: string } | AckError> {
    const membership = await loadGroupForMember(deps.db, ref.groupId, userId);
    const decision = decide(membership?.role ?? null, "discussion.view");
    if (!membership || !decision.ok) return { code: "not-found", message: "No such group, or you are not a member of it." };
    const lessonId = await findLessonId(deps.db, membership.group.course.id, ref.day);
    if (!lessonId) return { code: "not-found", message: "This day has no lesson." };
    if (isDayLocked(membership.group, ref.day, membership.group.course.dayCount) && !can(membership.role, "lesson.viewAhead")) {
      return { code: "forbidden", message: "This day is not open yet." };
    }
    return { room: rooms.lesson(ref.groupId, ref.day) };
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
    socket.use(([event], next) => {
      if (!KNOWN_EVENTS.has(String(event))) return misbehaved(`unknown event ${JSON.stringify(String(event)).slice(0, 60)}`);
      if (!bucket.take()) return misbehaved("too many events");
      next();
    });

    /** Validates the payload, runs the handler, answers through the ack, never throws. */
    const handle = <T, R>(schema: ZodType<T>, run: (payload: T) => Promise<AckResponse<R>> | AckResponse<R>) =>
      async (payload: unknown, ack: unknown) => {
        const reply = typeof ack === "function" ? (ack as (response: AckResponse<R>) => void) : () => {};
        const parsed = schema.safeParse(payload);
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
      handle(lessonRefSchema, async (ref) => {
        const allowed = await authorizeLesson(socket.data.userId, ref);
        if ("code" in allowed) return { error: allowed };
        socket.data.lastActiveAt = Date.now();
        await socket.join([allowed.room, rooms.group(ref.groupId)]);
        // Always send after a join: another process may have sent a different presence since this
        // one last did (a person moving between processes, everyone reconnecting after a crash).
        lastSent.delete(allowed.room);
        schedulePresence(allowed.room);
        const present = summarizePresence((await io.in(allowed.room).fetchSockets()).map((peer) => peer.data));
        return { data: { present } };
      }),
    );

    socket.on(
      "lesson:leave",
      handle(lessonRefSchema, async (ref) => {
        const room = rooms.lesson(ref.groupId, ref.day);
        await socket.leave(room);
        schedulePresence(room);
        return { data: { left: true as const } };
      }),
    );

    socket.on(
      "presence:activity",
      handle(emptySchema, () => {
        const wasIdle = Date.now() - socket.data.lastActiveAt >= IDLE_AFTER_MS;
        socket.data.lastActiveAt = Date.now();
        if (wasIdle) for (const room of lessonRoomsOf(socket)) schedulePresence(room);
        return { data: { ok: true as const } };
      }),
    );

    socket.on(
      "typing",
      handle(typingSchema, (payload) => {
        const room = rooms.lesson(payload.groupId, payload.day);
        // Only into a room this socket was admitted to.
        if (!socket.rooms.has(room)) return { error: { code: "forbidden", message: "Join the lesson first." } };
        socket.to(room).emit("typing:update", {
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

    socket.on("disconnecting", () => {
      // Gone within moments of closing the page: the room's presence is recomputed without this socket.
      for (const room of lessonRoomsOf(socket)) setTimeout(() => schedulePresence(room), 0);
    });
  });

  return {
    stop() {
      clearInterval(sweep);
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
    discussionChanged(groupId, day, change) {
      io.to(rooms.lesson(groupId, day)).emit("discussion:changed", { groupId, day, ...change, at: new Date().toISOString() });
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
              schedulePresence(room);
            }
          }
        });
    },
  };
}
