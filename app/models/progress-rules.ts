/**
 * The rules of reading progress, pure so they are tested directly: when a passage counts as read,
 * a member's local day, streaks, the calendar, lesson statuses and who may see whose progress.
 */

/** About 300 words a minute: 200 ms a word. */
export const MS_PER_WORD = 200;
export const MIN_DWELL_MS = 1_500;
export const MAX_DWELL_MS = 20_000;
/** A batch holds at most this many reads. */
export const MAX_BATCH = 300;
/** Timestamps further in the future than this are refused (clocks drift a little). */
export const FUTURE_SLACK_MS = 60_000;
/** Reads dated this much before the session began are still taken (the browser's clock may be behind). */
export const PAST_SLACK_MS = 5 * 60_000;

/**
 * Why a read dated `at` cannot be taken, or null. A read happens while its session lives: not before
 * the session was created (minus PAST_SLACK_MS for a clock behind ours), not after now (plus
 * FUTURE_SLACK_MS for a clock ahead).
 */
export function readTimeProblem(at: number, window: { sessionStart: Date; now: Date }): string | null {
  if (at > window.now.getTime() + FUTURE_SLACK_MS) return "A read is dated in the future: check your device's clock.";
  if (at < window.sessionStart.getTime() - PAST_SLACK_MS) return "A read is dated before you signed in: check your device's clock.";
  return null;
}

export function wordCount(text: string): number {
  const words = text.trim().split(/\s+/u).filter(Boolean);
  return words.length;
}

/** How long a passage must be in view to count as read: proportional to its words, within bounds. */
export function requiredDwellMs(textOrWords: string | number): number {
  const words = typeof textOrWords === "number" ? Math.max(0, textOrWords) : wordCount(textOrWords);
  return Math.min(MAX_DWELL_MS, Math.max(MIN_DWELL_MS, words * MS_PER_WORD));
}

export function isRead(text: string, dwellMs: number): boolean {
  return dwellMs >= requiredDwellMs(text);
}

const dayFormats = new Map<string, Intl.DateTimeFormat | null>();

/** Making a DateTimeFormat costs far more than using one: one per time zone (null: not a zone). */
function dayFormat(timeZone: string): Intl.DateTimeFormat | null {
  let format = dayFormats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    } catch {
      format = null;
    }
    if (dayFormats.size < 1_000) dayFormats.set(timeZone, format);
  }
  return format;
}

/** The calendar date (YYYY-MM-DD) of the instant `at` in `timeZone` (invalid zones fall back to UTC). */
export function localDay(at: Date, timeZone: string): string {
  return dayFormat(timeZone)?.format(at) ?? at.toISOString().slice(0, 10);
}

export function isKnownTimeZone(timeZone: string): boolean {
  return timeZone.length <= 64 && dayFormat(timeZone) !== null;
}

export function isValidDay(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`));
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Streaks over local days with reading activity. The current streak counts back from `today`, or
 * from yesterday when nothing was read yet today (the streak is not lost until the day is over).
 */
export function streak(dates: Iterable<string>, today: string): { current: number; longest: number } {
  const days = new Set([...dates].filter(isValidDay));
  let current = 0;
  let cursor = days.has(today) ? today : addDays(today, -1);
  while (days.has(cursor)) {
    current += 1;
    cursor = addDays(cursor, -1);
  }
  let longest = 0;
  for (const day of days) {
    if (days.has(addDays(day, -1))) continue;
    let length = 1;
    while (days.has(addDays(day, length))) length += 1;
    longest = Math.max(longest, length);
  }
  return { current, longest };
}

export interface CalendarCell {
  day: string;
  count: number;
  future: boolean;
}

/**
 * Weeks (Monday first) ending with the week of `today`, `weeks` of them: each a row of 7 cells.
 */
export function calendarWeeks(counts: ReadonlyMap<string, number>, today: string, weeks = 10): CalendarCell[][] {
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  const start = addDays(today, -weekday - (weeks - 1) * 7);
  const rows: CalendarCell[][] = [];
  for (let week = 0; week < weeks; week += 1) {
    const row: CalendarCell[] = [];
    for (let index = 0; index < 7; index += 1) {
      const day = addDays(start, week * 7 + index);
      row.push({ day, count: counts.get(day) ?? 0, future: day > today });
    }
    rows.push(row);
  }
  return rows;
}

export type LessonStatus = "done" | "in-progress" | "not-started" | "locked";

export const STATUS_LABEL: Record<LessonStatus, string> = {
  done: "Done",
  "in-progress": "In progress",
  "not-started": "Not started",
  locked: "Locked",
};

/** A lesson is done when marked done or every passage was read; in progress once anything was read. */
export function lessonStatus(progress: { readCount: number; doneAt: Date | string | null } | undefined, passageCount: number, locked = false): LessonStatus {
  if (progress?.doneAt || (progress && passageCount > 0 && progress.readCount >= passageCount)) return "done";
  if (progress && progress.readCount > 0) return "in-progress";
  return locked ? "locked" : "not-started";
}

/** What a viewer may see of someone's progress: everything, each day's status, done or not per day, or nothing. */
export type ProgressVisibility = "full" | "statuses" | "done-only" | "none";

/**
 * A member sees their own full history (calendar, streaks, passages); the group's moderators and
 * owner see each day's status on the dashboard (done / in progress / not started), whatever the
 * member's setting; other members see only done / not done per day, and nothing when the member
 * opted out. Nobody else sees anything.
 */
export function progressVisibility(input: { viewerId: string; subjectId: string; sameGroup: boolean; viewerIsModerator: boolean; subjectShares: boolean }): ProgressVisibility {
  if (input.viewerId === input.subjectId) return "full";
  if (!input.sameGroup) return "none";
  if (input.viewerIsModerator) return "statuses";
  return input.subjectShares ? "done-only" : "none";
}

/** A status as the viewer may see it (null: not shown at all). */
export function visibleStatus(status: LessonStatus, visibility: ProgressVisibility): LessonStatus | "not-done" | null {
  switch (visibility) {
    case "full":
    case "statuses":
      return status;
    case "done-only":
      return status === "done" ? "done" : "not-done";
    default:
      return null;
  }
}

/** One CSV field: quoted when needed, and neutralised when a spreadsheet would read it as a formula. */
export function csvField(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** Members per page of a group's progress dashboard (the CSV export has everyone). */
export const DASHBOARD_PAGE_SIZE = 50;

export interface MembersPage {
  /** 1-based; always a page that exists (page 1 of an empty group). */
  page: number;
  pageCount: number;
  /** Rows to skip before this page. */
  offset: number;
  /** "Members 51–100 of 200": the first and last member on the page, 1-based (0 and 0 when none). */
  first: number;
  last: number;
  total: number;
}

/**
 * The page of `?page=` to show: junk (not a whole number, empty, negative) is page 1, a page past
 * the end is the last one. Never throws, so no `?page=` value makes the dashboard fail.
 */
export function membersPage(asked: string | null, total: number, size = DASHBOARD_PAGE_SIZE): MembersPage {
  const pageCount = Math.max(1, Math.ceil(total / size));
  const number = asked !== null && /^\s*\d{1,15}\s*$/.test(asked) ? Number(asked) : asked !== null && /^\s*\d+\s*$/.test(asked) ? pageCount : 1;
  const page = Math.min(pageCount, Math.max(1, number));
  const offset = (page - 1) * size;
  const last = Math.min(total, offset + size);
  return { page, pageCount, offset, first: last > offset ? offset + 1 : 0, last, total };
}
