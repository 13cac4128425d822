import type { PresencePerson } from "./events.ts";

/** Idle after this long without activity on the page. */
export const IDLE_AFTER_MS = 3 * 60 * 1000;

export interface PresenceSocket {
  userId: string;
  displayName: string;
  lastActiveAt: number;
  /** A shared reading position in this room (live sessions only). */
  position?: { passageKey: string; at: number };
}

/**
 * Each person once, however many tabs and devices: active if any of their connections is; their
 * shared reading position is the one they moved most recently.
 */
export function summarizePresence(sockets: readonly PresenceSocket[], now = Date.now(), idleAfterMs = IDLE_AFTER_MS): PresencePerson[] {
  const people = new Map<string, PresencePerson & { positionAt?: number }>();
  for (const socket of sockets) {
    const state = now - socket.lastActiveAt < idleAfterMs ? "active" : "idle";
    let person = people.get(socket.userId);
    if (!person) {
      person = { userId: socket.userId, displayName: socket.displayName, state };
      people.set(socket.userId, person);
    } else if (state === "active") person.state = "active";
    if (socket.position && (person.positionAt === undefined || socket.position.at > person.positionAt)) {
      person.passageKey = socket.position.passageKey;
      person.positionAt = socket.position.at;
    }
  }
  return [...people.values()]
    .map(({ positionAt: _at, ...person }) => person)
    .sort((a, b) => Number(b.state === "active") - Number(a.state === "active") || a.displayName.localeCompare(b.displayName));
}

/** What makes presence worth sending again: who is here and who is idle (positions travel apart). */
export function presenceKey(people: readonly PresencePerson[]): string {
  return people.map((person) => `${person.userId}:${person.state}`).join(",");
}
