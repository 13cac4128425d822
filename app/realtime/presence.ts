import type { PresencePerson } from "./events.ts";

/** Idle after this long without activity on the page. */
export const IDLE_AFTER_MS = 3 * 60 * 1000;

export interface PresenceSocket {
  userId: string;
  displayName: string;
  lastActiveAt: number;
}

/** Each person once, however many tabs and devices: active if any of their connections is. */
export function summarizePresence(sockets: readonly PresenceSocket[], now = Date.now()): PresencePerson[] {
  const people = new Map<string, PresencePerson>();
  for (const socket of sockets) {
    const state = now - socket.lastActiveAt < IDLE_AFTER_MS ? "active" : "idle";
    const known = people.get(socket.userId);
    if (!known) people.set(socket.userId, { userId: socket.userId, displayName: socket.displayName, state });
    else if (state === "active") known.state = "active";
  }
  return [...people.values()].sort((a, b) => Number(b.state === "active") - Number(a.state === "active") || a.displayName.localeCompare(b.displayName));
}

export function presenceKey(people: readonly PresencePerson[]): string {
  return people.map((person) => `${person.userId}:${person.state}`).join(",");
}
