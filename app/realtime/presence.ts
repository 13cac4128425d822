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
  return sortPresence([...people.values()].map(({ positionAt: _at, ...person }) => person));
}

/** Active people first, then by name: the order every list of who is here uses. */
export function sortPresence(people: PresencePerson[]): PresencePerson[] {
  return people.sort((a, b) => Number(b.state === "active") - Number(a.state === "active") || a.displayName.localeCompare(b.displayName));
}

export interface PresenceDelta {
  /** People who arrived or changed (state or name), as they are now (with their shared position, if any). */
  upsert: PresencePerson[];
  /** People who are no longer here. */
  gone: string[];
}

/**
 * What changed between what a process last sent for a room and who is there now. `touched` people
 * (who joined or left through this process since) are always included: another process may have told
 * the room something else about them in between. Null when nothing needs saying.
 */
export function presenceDelta(previous: ReadonlyMap<string, PresencePerson>, now: readonly PresencePerson[], touched: ReadonlySet<string> = new Set()): PresenceDelta | null {
  const here = new Set(now.map((person) => person.userId));
  const upsert = now.filter((person) => {
    const before = previous.get(person.userId);
    // Positions are left out: they travel in their own batches (positions:update), and comparing them
    // here would resend everyone who scrolled at every idle sweep.
    return touched.has(person.userId) || !before || before.state !== person.state || before.displayName !== person.displayName;
  });
  const gone = [...new Set([...previous.keys(), ...touched])].filter((userId) => !here.has(userId));
  return upsert.length > 0 || gone.length > 0 ? { upsert, gone } : null;
}

/** A client's list after a delta (in the same order as a full list). */
export function applyPresenceDelta(current: readonly PresencePerson[], delta: PresenceDelta): PresencePerson[] {
  const byId = new Map(current.map((person) => [person.userId, person]));
  for (const userId of delta.gone) byId.delete(userId);
  for (const person of delta.upsert) byId.set(person.userId, person);
  return sortPresence([...byId.values()]);
}
