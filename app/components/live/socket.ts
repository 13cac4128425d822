import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "~/realtime/events.ts";

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The page's live connection: WebSocket only (a closed page never lingers as a long-polling ghost),
 * reconnecting with exponential backoff (1 s doubling up to 10 s, randomized so that a restarted
 * server is not hit by every client at once). The session cookie is the only credential.
 */
export function connectLive(): LiveSocket {
  const socket: LiveSocket = io({ transports: ["websocket"], reconnectionDelay: 1_000, reconnectionDelayMax: 10_000, randomizationFactor: 0.5 });
  // The session behind the connection ended (logout elsewhere, password changed): show the signed-out page.
  socket.on("session:ended", () => window.location.reload());
  return socket;
}
