import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "~/realtime/events.ts";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io-client connection, sending the cookie and Origin a browser would send. */
export function openSocket(url: string, headers: { cookie?: string; origin?: string | null }): ClientSocket {
  const extraHeaders: Record<string, string> = {};
  if (headers.cookie) extraHeaders.cookie = headers.cookie;
  const origin = headers.origin === undefined ? new URL(url).origin : headers.origin;
  if (origin) extraHeaders.origin = origin;
  return connect(url, { transports: ["websocket"], extraHeaders, reconnection: false, forceNew: true });
}

/** Resolves with "connected" or the server's refusal message. */
export function connectionOutcome(socket: ClientSocket): Promise<string> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("connect_error", (error) => resolve(error.message));
  });
}
