import { DEFAULT_RATE_LIMITS, type RateLimits } from "~/models/rate-limit.server.ts";

/**
 * The limits test servers run with: one script signs up, posts and invites far more from 127.0.0.1
 * than a person would, so the write limits are lifted; the login limits stay as they are. The tests of
 * the limits themselves start a server with DEFAULT_RATE_LIMITS.
 */
export const LIFTED_RATE_LIMITS: RateLimits = {
  ...DEFAULT_RATE_LIMITS,
  signUpPerAddress: { limit: 100_000, windowMs: 60_000 },
  postsPerUser: { limit: 100_000, windowMs: 60_000 },
  invitesPerUser: { limit: 100_000, windowMs: 60_000 },
  uploadsPerUser: { limit: 100_000, windowMs: 60_000 },
};
