import type { Db } from "~/db/client.server.ts";
import type { RateLimits } from "~/models/rate-limit.server.ts";
import type { RealtimeControl } from "~/realtime/socket.server.ts";
import type { Logger } from "./logger.server.ts";
import type { Mailer } from "./mailer.server.ts";
import type { RequestAuth } from "./http-guards.server.ts";

/** What server.ts hands every loader and action. */
export interface AppContext {
  db: Db;
  dbProvider: "sqlite" | "postgresql";
  /** The signed-in user and session, validated once per request by server.ts. */
  auth: RequestAuth | null;
  realtime: RealtimeControl;
  cookieSecure: boolean;
  clientAddress: string;
  logger: Logger;
  mailer: Mailer;
  /** PUBLIC_ORIGIN when configured (links in mail), else links use the request's origin. */
  publicOrigin: string | undefined;
  /** Every rate limit (app/models/rate-limit.server.ts), the same for every request of this server. */
  rateLimits: RateLimits;
  /** This response's Content-Security-Policy nonce: Remix's inline scripts carry it (entry.server.tsx). */
  cspNonce: string;
}

declare module "@remix-run/server-runtime" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends AppContext {}
}
