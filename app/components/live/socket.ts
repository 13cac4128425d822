import type { Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "~/realtime/events.ts";

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The page's live connection: WebSocket only (a closed page never lingers as a long-polling ghost),
 * reconnecting with exponential backoff (1 s doubling up to 10 s, randomized so that a restarted
 * server is not hit by every client at once). The session cookie is the only credential.
 *
 * socket.io-client is imported here on demand, so it is a chunk of its own that only pages with live
 * features fetch, after they hydrate, instead of part of every page's initial JavaScript
 * (docs/decisions/0016).
 */
export async function connectLive(): Promise<LiveSocket> {
  const { io } = await import("socket.io-client");
  const socket: LiveSocket = io({ transports: ["websocket"], reconnectionDelay: 1_000, reconnectionDelayMax: 10_000, randomizationFactor: 0.5 });
  // The session behind the connection ended (logout elsewhere, password changed): show the signed-out page.
  socket.on("session:ended", () => window.location.reload());
  return socket;
}

type Attach = (socket: LiveSocket) => () => void;

/**
 * An effect's body for a live connection: connects, hands the socket to `attach` (which sets up its
 * listeners and returns their cleanup), and returns the effect's cleanup, which disconnects — also
 * when the page is left before socket.io-client has loaded. `attach` may be a promise of it (its code
 * loaded on demand too): both load side by side, and the socket connects once both have, so no event
 * comes before its listener. `onUnavailable` is told when the code could not be loaded (offline, or a
 * newer deployment replaced the files).
 */
export function withLiveSocket(attach: Attach | Promise<Attach>, onUnavailable?: () => void): () => void {
  let detach: (() => void) | null = null;
  let cancelled = false;
  Promise.all([attach, import("socket.io-client")]).then(
    async ([attachNow]) => {
      if (cancelled) return;
      const socket = await connectLive();
      if (cancelled) socket.disconnect();
      else detach = attachNow(socket);
    },
    (error: unknown) => {
      if (cancelled) return;
      console.warn("live updates are unavailable: could not load the connection code", error);
      onUnavailable?.();
    },
  );
  return () => {
    cancelled = true;
    detach?.();
  };
}
