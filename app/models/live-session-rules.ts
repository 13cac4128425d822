/**
 * Live sessions: the form limits (shared by the browser and the server), a session's status, the
 * group's time zone for scheduled times, and where the group is reading ("6 of 9 are past Method").
 * Pure: no database here, so every rule is tested directly. The forms' zod schemas are in
 * live-session-schemas.server.ts, so that zod stays out of the browser (docs/decisions/0016).
 */

export const MAX_QUESTION_LENGTH = 300;
export const MAX_SESSION_TITLE_LENGTH = 120;
/** How far ahead a session may be scheduled. */
export const MAX_SCHEDULE_AHEAD_DAYS = 366;

export type SessionStatus = "scheduled" | "live" | "ended";

export function sessionStatus(session: { startedAt: Date | string | null; endedAt: Date | string | null }): SessionStatus {
  if (session.endedAt) return "ended";
  return session.startedAt ? "live" : "scheduled";
}

// ---------------------------------------------------------------- time zones

/** The offset of `timeZone` from UTC at `instant`, in minutes (east positive). */
function offsetMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/**
 * The instant a wall-clock time ("2026-12-02T19:00") names in `timeZone`. In the hour skipped when
 * clocks go forward it lands an hour later, as the wall clock would; in the repeated hour, the first.
 */
export function zonedTimeToUtc(local: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!match) return null;
  const [y, mo, d, h, mi] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  const s = match[6] ? Number(match[6]) : 0;
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(naive);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  // The zone's offset a day before and a day after: a wall-clock time is one of these two readings.
  const before = offsetMinutes(naive - 86_400_000, timeZone);
  const after = offsetMinutes(naive + 86_400_000, timeZone);
  const readings = [naive - before * 60_000, naive - after * 60_000].filter((instant) => instant + offsetMinutes(instant, timeZone) * 60_000 === naive);
  // Both fit in the repeated hour (take the first); neither in the skipped one (the old offset lands an hour on).
  return new Date(readings.length > 0 ? Math.min(...readings) : naive - before * 60_000);
}

/** "Wed 2 Dec, 19:00" in the group's time zone, with the zone's short name. */
export function formatSessionTime(at: Date | string, timeZone: string): string {
  const date = typeof at === "string" ? new Date(at) : at;
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(date);
}

/** Refuses times in the past (with a minute's grace) and too far ahead; null when fine. */
export function scheduleProblem(at: Date, now = new Date()): string | null {
  if (at.getTime() < now.getTime() - 60_000) return "Choose a time that has not passed yet.";
  if (at.getTime() > now.getTime() + MAX_SCHEDULE_AHEAD_DAYS * 86_400_000) return "Schedule sessions at most a year ahead.";
  return null;
}

// ---------------------------------------------------------------- where the group is reading

export interface SharedPosition {
  userId: string;
  /** The passage the person is reading (null: not sharing). */
  passageKey: string | null;
}

export interface PassageOrder {
  /** Every passage key of the lesson in reading order (readings in order, passages in order). */
  keys: readonly string[];
  /** The headings among them, in order: sections are named after them. */
  headings: readonly { key: string; text: string }[];
}

/** The heading of the section `passageKey` is in (the last heading at or before it), if any. */
export function sectionOf(order: PassageOrder, passageKey: string | null): { key: string; text: string } | null {
  if (!passageKey) return null;
  const index = order.keys.indexOf(passageKey);
  if (index < 0) return null;
  let found: { key: string; text: string } | null = null;
  for (const heading of order.headings) {
    const at = order.keys.indexOf(heading.key);
    if (at <= index) found = heading;
    else break;
  }
  return found;
}

/**
 * "6 of 9 are past Method": of the people sharing a known position, how many are at or beyond the
 * heading `headingKey` (in the section it opens, or further on).
 */
export function pastHeading(positions: readonly SharedPosition[], order: PassageOrder, headingKey: string): { past: number; sharing: number } {
  const indexOf = new Map(order.keys.map((key, index) => [key, index] as const));
  const headingIndex = indexOf.get(headingKey);
  let past = 0;
  let sharing = 0;
  for (const position of positions) {
    const at = position.passageKey === null ? undefined : indexOf.get(position.passageKey);
    if (at === undefined) continue;
    sharing += 1;
    if (headingIndex !== undefined && at >= headingIndex) past += 1;
  }
  return { past, sharing };
}

/** Per passage, the people reading it now: the margin's markers. */
export function peopleByPassage<T extends SharedPosition>(positions: readonly T[], order: PassageOrder): Map<string, T[]> {
  const known = new Set(order.keys);
  const byPassage = new Map<string, T[]>();
  for (const position of positions) {
    if (!position.passageKey || !known.has(position.passageKey)) continue;
    byPassage.set(position.passageKey, [...(byPassage.get(position.passageKey) ?? []), position]);
  }
  return byPassage;
}

/** How long a running session waits for its facilitator to come back before it ends itself. */
export const FACILITATOR_AWAY_MS = 30 * 60 * 1000;
/** LiveSession.endedReason of a session that ended itself because its facilitator was away. */
export const ENDED_FACILITATOR_AWAY = "facilitator-away";
