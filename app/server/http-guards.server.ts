/**
 * Express middleware that guards every request before Remix sees it: body size, CSRF, and the
 * session (validated once here, renewed with a fresh cookie when it slides).
 */
import type { NextFunction, Request, Response } from "express";
import type { Db } from "~/db/client.server.ts";
import {
  SESSION_COOKIE,
  blankSessionCookie,
  readCookie,
  sessionCookie,
  validateSessionToken,
  type SessionUser,
  type ValidSession,
} from "~/models/session.server.ts";

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origin this server answers as: PUBLIC_ORIGIN when set, else the request's own. */
export function expectedOrigin(req: { protocol: string; headers: Record<string, string | string[] | undefined> }, publicOrigin?: string) {
  if (publicOrigin) return publicOrigin;
  return `${req.protocol}://${req.headers.host ?? ""}`;
}

/** Lucia's CSRF rule: a non-GET request must come from our own origin. */
export function isSameOriginRequest(headers: Record<string, string | string[] | undefined>, expected: string): boolean {
  const origin = headers.origin;
  if (typeof origin === "string") return origin === expected;
  // Browsers that omit Origin still say where a request came from.
  return headers["sec-fetch-site"] === "same-origin";
}

export function csrfGuard(publicOrigin: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (isSameOriginRequest(req.headers, expectedOrigin(req, publicOrigin))) return next();
    res.status(403).type("text/plain").send("Cross-site request refused: this form must be sent from Marginalia itself.");
  };
}

export function bodyLimitGuard(limitFor: (path: string) => number) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const length = req.headers["content-length"];
    const limit = limitFor(req.path);
    if (length === undefined) {
      if (req.headers["transfer-encoding"]) {
        res.status(411).type("text/plain").send("Requests with a body must say how long it is (Content-Length).");
        return;
      }
      return next();
    }
    if (Number(length) > limit) {
      res.status(413).type("text/plain").send(`Request too large: the limit is ${Math.round(limit / 1024)} KB.`);
      // Do not read the rest of an oversized body.
      req.socket.setTimeout(5_000);
      return;
    }
    next();
  };
}

export interface RequestAuth {
  user: SessionUser;
  session: ValidSession;
}

export function sessionGuard(db: Db, cookieSecureForRequest: (req: Request) => boolean) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = readCookie(req.headers.cookie, SESSION_COOKIE);
      res.locals.auth = null;
      const cookieSecure = cookieSecureForRequest(req);
      if (token) {
        const result = await validateSessionToken(db, token);
        if (!result) {
          res.append("Set-Cookie", blankSessionCookie({ secure: cookieSecure }));
        } else {
          res.locals.auth = result satisfies RequestAuth;
          if (result.session.renewed) {
            res.append("Set-Cookie", sessionCookie(token, result.session.expiresAt, { secure: cookieSecure }));
          }
        }
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}
