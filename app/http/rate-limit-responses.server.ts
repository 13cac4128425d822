/**
 * Rate limits as routes use them: count the attempt (atomically, before the work), and when it is
 * over the limit, say so with a 429, a Retry-After header and a message that says when to retry.
 */
import type { HeadersFunction } from "@remix-run/node";
import type { AppContext } from "~/server/context.server.ts";
import { consumeRateLimit, retryAfterText, type RateLimits } from "~/models/rate-limit.server.ts";

export interface OverLimit {
  status: 429;
  message: string;
  headers: { "Retry-After": string };
}

const WHAT: Record<keyof RateLimits, string> = {
  loginPerAccount: "Too many attempts.",
  loginPerAddress: "Too many attempts.",
  signUpPerAddress: "Too many accounts were created from this network just now.",
  postsPerUser: "You have posted a lot in a short time; what you wrote is kept.",
  invitesPerUser: "You have sent many invitations in a short time.",
  uploadsPerUser: "You have uploaded many lessons in a short time.",
};

/** Counts one attempt of `subject` (a person's id, or an address) against `rule`; null while within it. */
export async function overLimit(context: Pick<AppContext, "db" | "rateLimits">, rule: keyof RateLimits, subject: string): Promise<OverLimit | null> {
  const state = await consumeRateLimit(context.db, `${rule}:${subject}`, context.rateLimits[rule]);
  if (state.allowed) return null;
  return {
    status: 429,
    message: `${WHAT[rule]} ${retryAfterText(state.retryAfterMs)}`,
    headers: { "Retry-After": String(Math.ceil(state.retryAfterMs / 1000)) },
  };
}

/** A route's `headers`: documents carry an action's Retry-After only when the route passes it on. */
export const passRetryAfter: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};
