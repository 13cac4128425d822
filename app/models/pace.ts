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
