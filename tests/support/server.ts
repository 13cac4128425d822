import { inject } from "vitest";
import { createAppServer, type AppServer } from "../../server.ts";
import type { Logger } from "~/server/logger.server.ts";
import type { Mail, Mailer } from "~/server/mailer.server.ts";
import type { RealtimeTimings } from "~/realtime/socket.server.ts";
import type { RateLimits } from "~/models/rate-limit.server.ts";
import { LIFTED_RATE_LIMITS } from "./rate-limits.ts";
import { freshDatabaseUrl as freshUrl, postgresBaseUrl, testEnv } from "./database.ts";

export interface TestServer extends AppServer {
  databaseUrl: string;
}

/** The real server (production build) on port 0 over a fresh database holding the demo course. */
export async function startTestServer(
  options: {
    databaseUrl?: string;
    env?: Record<string, string>;
    empty?: boolean;
    mailer?: Mailer;
    logger?: Logger;
    realtimeTimings?: Partial<RealtimeTimings>;
    rateLimits?: Partial<RateLimits>;
  } = {},
): Promise<TestServer> {
  const databaseUrl = options.databaseUrl ?? (await freshDatabaseUrl({ empty: options.empty }));
  const server = await createAppServer({
    env: testEnv(databaseUrl, options.env),
    mode: "production",
    mailer: options.mailer,
    logger: options.logger,
    realtimeTimings: options.realtimeTimings,
    rateLimits: { ...LIFTED_RATE_LIMITS, ...options.rateLimits },
  });
  return Object.assign(server, { databaseUrl });
}

/** A fresh database for this test file (on PostgreSQL, a schema dropped when the run ends). */
export function freshDatabaseUrl(options: { empty?: boolean } = {}) {
  return freshUrl({ ...options, schemaPrefix: postgresBaseUrl ? inject("schemaPrefix") : undefined });
}

/** A mailer that keeps what it was asked to send, for tests that read invitation mail. */
export function capturingMailer(): Mailer & { sent: Mail[] } {
  const sent: Mail[] = [];
  return {
    sent,
    async send(mail) {
      sent.push(mail);
    },
  };
}
