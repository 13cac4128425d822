import type { Db } from "~/db/client.server.ts";

export interface RateLimitRule {
  /** How many hits a key may take per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimitState {
  allowed: boolean;
  retryAfterMs: number;
}

/**
 * Fixed-window counters in the database, so every process behind a load balancer shares them.
 * `peek` checks without counting; `hit` counts one attempt.
 */
export async function peekRateLimit(db: Db, key: string, rule: RateLimitRule, now = new Date()): Promise<RateLimitState> {
  const row = await db.rateLimit.findUnique({ where: { key } });
  if (!row || now.getTime() - row.windowStart.getTime() >= rule.windowMs) return { allowed: true, retryAfterMs: 0 };
  const retryAfterMs = row.windowStart.getTime() + rule.windowMs - now.getTime();
  return { allowed: row.count < rule.limit, retryAfterMs };
}

export async function hitRateLimit(db: Db, key: string, rule: RateLimitRule, now = new Date()): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.rateLimit.findUnique({ where: { key } });
    if (!row || now.getTime() - row.windowStart.getTime() >= rule.windowMs) {
      await tx.rateLimit.upsert({
        where: { key },
        create: { key, windowStart: now, count: 1 },
        update: { windowStart: now, count: 1 },
      });
    } else {
      await tx.rateLimit.update({ where: { key }, data: { count: { increment: 1 } } });
    }
  });
}

export async function clearRateLimit(db: Db, key: string): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key } });
}
