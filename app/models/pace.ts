/**
 * A group's pace: self-paced (every published day open) or scheduled (a start date and a number of
 * lesson days per week, in the group's time zone). Pure functions, so the rule is tested directly.
 */
export interface Pace {
  paceMode: string;
  startDate: string | null;
  daysPerWeek: number | null;
  timeZone: string;
  lockAhead: boolean;
}

/** The calendar date (YYYY-MM-DD) it is now in `timeZone`. */
export function localDate(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The group's current day: for a schedule, the number of lesson days released from the start date
 * through today (the first `daysPerWeek` days of every week counted from the start), at most the
 * course length; 0 before the start. Self-paced groups have every day open.
 */
export function currentDay(pace: Pace, dayCount: number, now = new Date()): number {
  if (pace.paceMode !== "scheduled" || !pace.startDate || !pace.daysPerWeek) return dayCount;
  const elapsed = daysBetween(pace.startDate, localDate(now, pace.timeZone));
  if (elapsed < 0) return 0;
  const released = Math.floor(elapsed / 7) * pace.daysPerWeek + Math.min((elapsed % 7) + 1, pace.daysPerWeek);
  return Math.min(dayCount, released);
}

/** Whether `day` is locked for people who may not read ahead. */
export function isDayLocked(pace: Pace, day: number, dayCount: number, now = new Date()): boolean {
  return pace.paceMode === "scheduled" && pace.lockAhead && day > currentDay(pace, dayCount, now);
}

export function describePace(pace: Pace, dayCount: number, now = new Date()): string {
  if (pace.paceMode !== "scheduled") return "Self-paced: every day is open.";
  const day = currentDay(pace, dayCount, now);
  const schedule = `${pace.daysPerWeek} day${pace.daysPerWeek === 1 ? "" : "s"} a week from ${pace.startDate}`;
  if (day === 0) return `Starts on ${pace.startDate} (${schedule}).`;
  return `Day ${day} of ${dayCount} today (${schedule}${pace.lockAhead ? ", later days locked" : ""}).`;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * What "lock days ahead" promises outside the group's own pages. A locked day is closed to the
 * group's members (not its moderators and owner) until its date: its text, its discussion, its
 * search hits and its progress. The course reader and search are the course's, not one group's: they
 * lock a day for a person whose only way into the course is through groups that all lock that day.
 * Anyone else — the course's owner, someone in no group of the course, a moderator or owner of one of
 * its groups, a member of a group that is self-paced, does not lock, or is already on that day —
 * reads it there in full.
 *
 * Returns the last day the person may open in the course reader, or null for every day.
 */
export function readerOpenThrough(
  input: { ownsCourse: boolean; dayCount: number; groups: readonly { pace: Pace; mayReadAhead: boolean }[] },
  now = new Date(),
): number | null {
  if (input.ownsCourse || input.groups.length === 0) return null;
  let through = 0;
  for (const group of input.groups) {
    if (group.mayReadAhead || group.pace.paceMode !== "scheduled" || !group.pace.lockAhead) return null;
    through = Math.max(through, currentDay(group.pace, input.dayCount, now));
  }
  return through >= input.dayCount ? null : through;
}

/** The sentence for a day closed by `readerOpenThrough` (or by one group's lock: pass its current day). */
export function lockedDayMessage(day: number, openThrough: number): string {
  return openThrough === 0
    ? `Day ${day} is not open yet: your group has not started the course.`
    : `Day ${day} is not open yet: your group is on Day ${openThrough}, and later days open on schedule.`;
}
