/**
 * Times as people read them: "3 min ago" when recent, a local date otherwise, always in a
 * `<time datetime>` with the exact local time (and zone) on hover and for assistive technology.
 *
 * The server does not know the browser's clock or zone, so it renders (and the browser hydrates) the
 * exact time in UTC — the same text on both sides, no hydration mismatch — and only once hydrated does
 * the browser switch to the relative, local text. The zone is the one chosen on the account page
 * (sent by the root loader), else the browser's own.
 */
import { useRouteLoaderData } from "@remix-run/react";
import { useEffect, useState, useSyncExternalStore } from "react";
import { formatWhen } from "~/components/discussion/format.ts";

const subscribeNothing = () => () => {};
function useHydratedHere(): boolean {
  return useSyncExternalStore(
    subscribeNothing,
    () => true,
    () => false,
  );
}

// One clock for every time on the page, ticking each minute.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
function subscribeClock(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      listeners.forEach((notify) => notify());
    }, 60_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
function useNow(): number {
  return useSyncExternalStore(
    subscribeClock,
    () => now,
    () => 0,
  );
}

/** The reader's time zone: the account's choice (root loader), else the browser's. */
export function useReaderTimeZone(): string | undefined {
  const root = useRouteLoaderData("root") as { user?: { timeZone?: string | null } | null } | undefined;
  const [browserZone, setBrowserZone] = useState<string | undefined>(undefined);
  useEffect(() => setBrowserZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  return root?.user?.timeZone ?? browserZone;
}

function safeFormat(options: Intl.DateTimeFormatOptions, timeZone: string | undefined): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone });
  } catch {
    return new Intl.DateTimeFormat(undefined, options);
  }
}

/** "4 March 2026 at 10:05 CET": the exact local time. */
export function exactLocalTime(date: Date, timeZone?: string): string {
  return safeFormat({ dateStyle: "long", timeStyle: "short" }, timeZone).format(date) + ` ${zoneName(date, timeZone)}`.trimEnd();
}

function zoneName(date: Date, timeZone?: string): string {
  const part = safeFormat({ timeZoneName: "short" }, timeZone)
    .formatToParts(date)
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? "";
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "just now", "3 min ago", "2 hr ago", "yesterday", "3 days ago" within a week; after that the local
 * date ("4 Mar", with the year when it is not this year). Times ahead (a session later today) read
 * "in 2 hr". Pure: the caller gives the clock and the zone.
 */
export function relativeTime(date: Date, nowMs: number, timeZone?: string, locale?: string): string {
  const diff = date.getTime() - nowMs;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto", style: "short" });
  if (abs < MINUTE) return diff <= 0 ? "just now" : "in a moment";
  if (abs < HOUR) return rtf.format(Math.round(diff / MINUTE), "minute");
  if (abs < DAY) return rtf.format(Math.round(diff / HOUR), "hour");
  if (abs < 7 * DAY) return rtf.format(Math.round(diff / DAY), "day");
  const sameYear = safeFormat({ year: "numeric" }, timeZone).format(date) === safeFormat({ year: "numeric" }, timeZone).format(new Date(nowMs));
  return safeFormat(sameYear ? { day: "numeric", month: "short" } : { day: "numeric", month: "short", year: "numeric" }, timeZone).format(date);
}

/**
 * A time in a `<time datetime>`: exact UTC text from the server (and while hydrating), then relative
 * and local in the browser, with the exact local time as its title (hover) and accessible label.
 */
export function RelativeTime({ iso, className, exact = false }: { iso: string; className?: string; exact?: boolean }) {
  const hydrated = useHydratedHere();
  const clock = useNow();
  const timeZone = useReaderTimeZone();
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  if (!hydrated || clock === 0) {
    return (
      <time dateTime={date.toISOString()} className={className}>
        {formatWhen(iso)}
      </time>
    );
  }
  const full = exactLocalTime(date, timeZone);
  return (
    <time dateTime={date.toISOString()} className={className} title={full}>
      {exact ? full : relativeTime(date, clock, timeZone)}
    </time>
  );
}
