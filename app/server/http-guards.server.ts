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

/** A host name, IPv4 or bracketed IPv6 address, with an optional port: what Host and X-Forwarded-Host may hold. */
const HOST = /^(?:\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?\.?)(?::\d{1,5})?$/i;

function refuse(res: Response, status: number, message: string) {
  // Said again in the server's one log line for this answer (server.ts).
  res.locals.refusal = message;
  res.status(status).type("text/plain").send(message);
}

/**
 * Requests no browser sends, refused before anything reads them (Express, the static files and
 * Remix would each throw on them, answering 500): no Host or one that is not a host, an
 * X-Forwarded-Host that is not one, a request target that is not a path, and a path whose
 * percent-encoding does not decode.
 */
export function requestShapeGuard() {
  return (req: Request, res: Response, next: NextFunction) => {
    const host = req.headers.host;
    if (typeof host !== "string" || !HOST.test(host)) return refuse(res, 400, "Bad request: say which host it is for (a valid Host header).");
    const forwarded = req.headers["x-forwarded-host"];
    if (forwarded !== undefined && !String(forwarded).split(",").every((value) => HOST.test(value.trim()))) {
      return refuse(res, 400, "Bad request: X-Forwarded-Host is not a host name.");
    }
    if (!req.url.startsWith("/")) return refuse(res, 400, "Bad request: the request target must be a path on this site.");
    const pathname = req.url.split("?", 1)[0]!;
    try {
      decodeURIComponent(pathname);
    } catch {
      return refuse(res, 400, "Bad request: the address has a malformed percent-encoding (a % not followed by valid UTF-8 bytes).");
    }
    // %00 is the only way to write a NUL in an address (raw ones never pass Node's parser); no id,
    // slug or search of ours holds one, and PostgreSQL cannot compare one (a 500 after the checks).
    // A redirectTo is only ever read by safeRedirect, which falls back from it (README, Security).
    if (/%00/i.test(req.url)) {
      const query = req.url.slice(pathname.length + 1);
      const inQuery = [...new URLSearchParams(query)].some(([name, value]) => name !== "redirectTo" && `${name}${value}`.includes("\u0000"));
      if (/%00/i.test(pathname) || inQuery) return refuse(res, 400, "Bad request: the address holds a NUL character (%00).");
    }
    next();
  };
}

/** The host a request says it was sent to, as Remix reads it (X-Forwarded-Host's first value, else Host). */
function forwardedOrOwnHost(headers: Record<string, string | string[] | undefined>): string | undefined {
  const forwarded = headers["x-forwarded-host"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  if (first) return first;
  return typeof headers.host === "string" ? headers.host : undefined;
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

export function csrfGuard(publicOrigin: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (!isSameOriginRequest(req.headers, expectedOrigin(req, publicOrigin))) {
      return refuse(res, 403, "Cross-site request refused: this form must be sent from Marginalia itself.");
    }
    // Remix then checks that Origin names the host the request was sent to (X-Forwarded-Host, else
    // Host) and throws, a 500, when it does not: refuse those here, as what they are.
    const origin = req.headers.origin;
    if (typeof origin === "string" && hostOf(origin) !== forwardedOrOwnHost(req.headers)) {
      return refuse(res, 403, "Cross-site request refused: the Origin header does not match the host this request was sent to (X-Forwarded-Host or Host).");
    }
    next();
  };
}

/** The only bodies our forms send; a route may accept others (api.progress: JSON and text batches). */
export function formBodyGuard(acceptsOtherBodies: (path: string) => boolean) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const type = req.headers["content-type"] ?? "";
    const mediaType = type.split(";", 1)[0]!.trim().toLowerCase();
    if (mediaType === "application/x-www-form-urlencoded") return next();
    if (mediaType === "multipart/form-data" && /;\s*boundary=(?:"[^"]{1,70}"|[^\s;"]{1,70})\s*(?:;|$)/i.test(type)) return next();
    if ((mediaType === "application/json" || mediaType === "text/plain") && acceptsOtherBodies(req.path)) return next();
    refuse(res, 415, "Forms must be sent as application/x-www-form-urlencoded or multipart/form-data.");
  };
}

export function bodyLimitGuard(limitFor: (path: string) => number) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const length = req.headers["content-length"];
    const limit = limitFor(req.path);
    if (length === undefined) {
      if (req.headers["transfer-encoding"]) {
        refuse(res, 411, "Requests with a body must say how long it is (Content-Length).");
        return;
      }
      return next();
    }
    if (Number(length) > limit) {
      refuse(res, 413, `Request too large: the limit is ${Math.round(limit / 1024)} KB.`);
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
