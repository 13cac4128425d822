import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, PresencePerson, ServerToClientEvents } from "~/realtime/events.ts";
import { applyPresenceDelta, type PresenceDelta } from "~/realtime/presence.ts";

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

/** The next event of this name that satisfies `accept`, or a rejection after `timeoutMs`. */
export function nextEvent<T>(socket: ClientSocket, event: string, accept: (payload: T) => boolean = () => true, timeoutMs = 4000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event as never, handler as never);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: T) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      socket.off(event as never, handler as never);
      resolve(payload);
    };
    socket.on(event as never, handler as never);
  });
}

/** Resolves true if the event (satisfying `accept`) arrives within the window, false otherwise. */
export function arrivesWithin<T>(socket: ClientSocket, event: string, windowMs = 700, accept: (payload: T) => boolean = () => true) {
  return nextEvent(socket, event, accept, windowMs).then(
    () => true,
    () => false,
  );
}

/** Every payload of an event from now on (call `stop()` to stop listening). */
export function collect<T>(socket: ClientSocket, event: string) {
  const seen: T[] = [];
  const handler = (payload: T) => seen.push(payload);
  socket.on(event as never, handler as never);
  return { seen, stop: () => socket.off(event as never, handler as never) };
}

/**
 * Who a client sees in a lesson, as the page keeps it: the list from its `lesson:join` answer, then
 * each `presence:delta` applied. `waitFor` resolves once the list satisfies a condition.
 */
export function trackPresence(socket: ClientSocket, ref: { groupId: string; day: number }) {
  let list: PresencePerson[] = [];
  const deltas: PresenceDelta[] = [];
  const waiting = new Set<() => void>();
  socket.on("presence:delta", (payload) => {
    if (payload.groupId !== ref.groupId || payload.day !== ref.day) return;
    deltas.push({ upsert: payload.upsert, gone: payload.gone });
    list = applyPresenceDelta(list, payload);
    for (const check of waiting) check();
  });
  return {
    get list() {
      return list;
    },
    deltas,
    async join() {
      const answer = await socket.emitWithAck("lesson:join", ref);
      if ("data" in answer) list = answer.data.present;
      return answer;
    },
    waitFor(accept: (people: PresencePerson[]) => boolean, timeoutMs = 4000): Promise<PresencePerson[]> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!accept(list)) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve(list);
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`presence did not come to that within ${timeoutMs} ms: [${list.map((person) => `${person.displayName} ${person.state}`).join(", ")}]`));
        }, timeoutMs);
        waiting.add(check);
        check();
      });
    },
  };
}
