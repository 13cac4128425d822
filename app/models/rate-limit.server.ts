import type { Db } from "~/db/client.server.ts";

export interface RateLimitRule {
  /** How many hits a key may take per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimitState {
  allowed: boolean;
  /** Hits in the current window, this one included. */
  count: number;
  /** When the window ends (0 while allowed). */
  retryAfterMs: number;
}

/**
 * Fixed-window counters in the database, so every process behind a load balancer shares them.
 *
 * `consume` counts the attempt *before* anything is checked, in one atomic statement (an upsert that
 * starts a new window or adds one, returning the count), so parallel requests each get their own
 * number: of 14 simultaneous attempts against a limit of 8, exactly 8 are allowed.
 */
export async function consumeRateLimit(db: Db, key: string, rule: RateLimitRule, now = new Date()): Promise<RateLimitState> {
  const windowOver = new Date(now.getTime() - rule.windowMs);
  const rows = await db.$queryRaw<Array<{ count: number | bigint; windowStart: Date | string }>>`
    INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${key}, ${now}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" <= ${windowOver} THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" <= ${windowOver} THEN ${now} ELSE "RateLimit"."windowStart" END
    RETURNING "count", "windowStart"`;
  const row = rows[0];
  if (!row) throw new Error(`rate limit ${key}: the counter was not returned`);
  const count = Number(row.count);
  const windowStart = new Date(row.windowStart).getTime();
  const allowed = count <= rule.limit;
  return { allowed, count, retryAfterMs: allowed ? 0 : Math.max(1_000, windowStart + rule.windowMs - now.getTime()) };
}

/** Gives one hit back (an attempt that, after all, should not count: a successful login from an address). */
export async function refundRateLimit(db: Db, key: string): Promise<void> {
  await db.rateLimit.updateMany({ where: { key, count: { gt: 0 } }, data: { count: { decrement: 1 } } });
}

export async function clearRateLimit(db: Db, key: string): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key } });
}

/** "Try again in 40 seconds." / "… in 3 minutes." */
export function retryAfterText(retryAfterMs: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  if (seconds < 90) return `Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Every limit, in one place. Logins count failures per account and per address; writes count every
 * attempt per person (per address for sign-ups, which have no person yet).
 */
export const DEFAULT_RATE_LIMITS = {
  loginPerAccount: { limit: 8, windowMs: 15 * MINUTE },
  loginPerAddress: { limit: 40, windowMs: 15 * MINUTE },
  signUpPerAddress: { limit: 10, windowMs: HOUR },
  /** Comments, replies, prompt answers and live-session questions. */
  postsPerUser: { limit: 20, windowMs: MINUTE },
  /** Invitation links and invitations by email. */
  invitesPerUser: { limit: 30, windowMs: HOUR },
  /** Lesson uploads on a course's import page. */
  uploadsPerUser: { limit: 20, windowMs: HOUR },
} satisfies Record<string, RateLimitRule>;

export type RateLimits = Record<keyof typeof DEFAULT_RATE_LIMITS, RateLimitRule>;
