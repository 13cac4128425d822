/**
 * Security headers on every response — pages, `.data`, JSON, downloads, static files, errors:
 * - a Content-Security-Policy that runs only the app's own scripts: files from this origin, and the
 *   inline scripts Remix writes into a page (hydration data, scroll restoration, streamed single-fetch
 *   data), each carrying the request's nonce. No `eval`, no inline event handlers, no plugins, no
 *   framing (`frame-ancestors 'none'`), forms post only here, and `<base>` cannot move relative URLs;
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`, `X-Frame-Options: DENY` for
 *   older browsers, and the cross-origin isolation headers helmet sets by default;
 * - HSTS only on responses served over https (the header means nothing over http and would pin a
 *   development machine's localhost to https).
 * In development (Vite middleware, hot reload) the CSP is left out: Vite injects inline scripts of its own.
 */
import { randomBytes } from "node:crypto";
import type express from "express";
import helmet from "helmet";

export const HSTS = "max-age=31536000; includeSubDomains";

declare module "express-serve-static-core" {
  interface Locals {
    /** The nonce of this response's Content-Security-Policy, for Remix's inline scripts. */
    cspNonce?: string;
  }
}

export function securityHeaders({ contentSecurityPolicy }: { contentSecurityPolicy: boolean }): express.RequestHandler[] {
  const nonce = (_req: unknown, res: unknown) => `'nonce-${(res as express.Response).locals.cspNonce}'`;
  return [
    (_req, res, next) => {
      res.locals.cspNonce = randomBytes(16).toString("base64");
      next();
    },
    helmet({
      contentSecurityPolicy: contentSecurityPolicy
        ? {
            useDefaults: false,
            directives: {
              defaultSrc: ["'self'"],
              scriptSrc: ["'self'", nonce],
              // React writes a few style attributes (positions of margin cards and markers).
              styleSrc: ["'self'", "'unsafe-inline'"],
              imgSrc: ["'self'", "data:"],
              fontSrc: ["'self'"],
              connectSrc: ["'self'"],
              objectSrc: ["'none'"],
              baseUri: ["'self'"],
              formAction: ["'self'"],
              frameAncestors: ["'none'"],
            },
          }
        : false,
      strictTransportSecurity: false,
      xFrameOptions: { action: "deny" },
      referrerPolicy: { policy: "same-origin" },
    }),
    (req, res, next) => {
      if (req.secure) res.setHeader("Strict-Transport-Security", HSTS);
      next();
    },
  ];
}
