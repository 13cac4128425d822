import type { Server, Socket } from "socket.io";
import type { Db } from "~/db/client.server.ts";
import type { Logger } from "~/server/logger.server.ts";
import { SESSION_COOKIE, readCookie, validateSessionToken } from "~/models/session.server.ts";
import { expectedOrigin } from "~/server/http-guards.server.ts";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "./events.ts";

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
};

export interface RealtimeControl {
  /** Ends live connections of these sessions at once (logout, password change). */
  endSessions(sessionIds: string[], reason: "logout" | "logout-everywhere" | "password-changed"): void;
  /** A member left or was removed: their sockets leave the group's rooms at once. */
  membershipEnded(groupId: string, userId: string): void;
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

  io.on("connection", (socket: RealtimeSocket) => {
    void socket.join([rooms.user(socket.data.userId), rooms.session(socket.data.sessionId)]);
    socket.on("session:whoami", (_payload, ack) => {
      if (typeof ack !== "function") return;
      ack({ data: { userId: socket.data.userId, displayName: socket.data.displayName } });
    });
  });

  return {
    endSessions(sessionIds, reason) {
      for (const sessionId of sessionIds) {
        const room = io.to(rooms.session(sessionId));
        room.emit("session:ended", { reason });
        io.in(rooms.session(sessionId)).disconnectSockets(true);
      }
    },
    membershipEnded(groupId, userId) {
      io.in(rooms.user(userId)).socketsLeave(rooms.group(groupId));
    },
  };
}
