/**
 * Sessions as the Lucia project prescribes (https://lucia-auth.com, "Sessions" guide), implemented
 * here rather than through the deprecated `lucia` package. See docs/decisions/0001-sessions-the-lucia-way.md.
 *
 * A token is `<id>.<secret>`; the database keeps the id and the SHA-256 of the secret, never the token.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "~/db/client.server.ts";

export const SESSION_COOKIE = "mg_session";
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** Renew when less than half the lifetime is left, and never more often than once an hour. */
const RENEW_WHEN_LEFT_MS = SESSION_LIFETIME_MS / 2;
const RENEW_AT_MOST_EVERY_MS = 60 * 60 * 1000;

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
}

export interface ValidSession {
  id: string;
  userId: string;
  expiresAt: Date;
  /** When the session was created (signing in): progress reads dated before it are refused. */
  createdAt: Date;
  /** True when this validation extended the session, so the cookie must be sent again. */
  renewed: boolean;
}

// Lower-case base32 without padding: 24 characters carry 120 bits.
const BASE32 = "abcdefghijkmnpqrstuvwxyz23456789";

function randomToken(): string {
  const bytes = randomBytes(24);
  let out = "";
  for (const byte of bytes) out += BASE32[byte & 31];
  return out;
}

function hashSecret(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

export async function createSession(db: Db, userId: string, now = new Date()) {
  const id = randomToken();
  const secret = randomToken();
  const session = await db.session.create({
    data: {
      id,
      userId,
      secretHash: new Uint8Array(hashSecret(secret)),
      createdAt: now,
      renewedAt: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
    },
  });
  return { token: `${id}.${secret}`, session };
}

const TOKEN_PATTERN = /^[a-z2-9]{24}\.[a-z2-9]{24}$/;

/** Validates a token; returns null when it is malformed, unknown, forged or expired. */
export async function validateSessionToken(
  db: Db,
  token: string,
  now = new Date(),
): Promise<{ session: ValidSession; user: SessionUser } | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const [id, secret] = token.split(".") as [string, string];
  // One statement: the session and its user (an include would send two).
  const rows = await db.$queryRaw<
    Array<{ secretHash: Uint8Array; userId: string; createdAt: Date | string; expiresAt: Date | string; renewedAt: Date | string; email: string; displayName: string }>
  >`SELECT s."secretHash", s."userId", s."createdAt", s."expiresAt", s."renewedAt", u."email", u."displayName"
    FROM "Session" s JOIN "User" u ON u."id" = s."userId" WHERE s."id" = ${id}`;
  const found = rows[0];
  const row = found
    ? {
        ...found,
        createdAt: new Date(found.createdAt),
        expiresAt: new Date(found.expiresAt),
        renewedAt: new Date(found.renewedAt),
        user: { id: found.userId, email: found.email, displayName: found.displayName },
      }
    : null;
  if (!row) return null;
  const expected = Buffer.from(row.secretHash);
  const actual = hashSecret(secret);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  if (row.expiresAt.getTime() <= now.getTime()) {
    await db.session.deleteMany({ where: { id } });
    return null;
  }
  let expiresAt = row.expiresAt;
  let renewed = false;
  if (
    expiresAt.getTime() - now.getTime() < RENEW_WHEN_LEFT_MS &&
    now.getTime() - row.renewedAt.getTime() >= RENEW_AT_MOST_EVERY_MS
  ) {
    expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
    await db.session.update({ where: { id }, data: { expiresAt, renewedAt: now } });
    renewed = true;
  }
  return { session: { id, userId: row.userId, expiresAt, createdAt: row.createdAt, renewed }, user: row.user };
}

export async function invalidateSession(db: Db, sessionId: string) {
  await db.session.deleteMany({ where: { id: sessionId } });
}

/** Every session of a user (log out everywhere, password change); returns the ids that were removed. */
export async function invalidateUserSessions(db: Db, userId: string, exceptSessionId?: string) {
  const where = { userId, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) };
  const sessions = await db.session.findMany({ where, select: { id: true } });
  await db.session.deleteMany({ where });
  return sessions.map((session) => session.id);
}

/**
 * What became of sessions that were valid once (open sockets re-check theirs): "current", "expired",
 * or "revoked" (the row is gone: logged out, logged out everywhere, password changed).
 */
export async function sessionStates(db: Db, sessionIds: string[], now = new Date()): Promise<Map<string, "current" | "expired" | "revoked">> {
  const states = new Map<string, "current" | "expired" | "revoked">();
  const unique = [...new Set(sessionIds)];
  for (let start = 0; start < unique.length; start += 500) {
    const chunk = unique.slice(start, start + 500);
    const rows = await db.session.findMany({ where: { id: { in: chunk } }, select: { id: true, expiresAt: true } });
    const expiry = new Map(rows.map((row) => [row.id, row.expiresAt.getTime()]));
    for (const id of chunk) {
      const expiresAt = expiry.get(id);
      states.set(id, expiresAt === undefined ? "revoked" : expiresAt <= now.getTime() ? "expired" : "current");
    }
  }
  return states;
}

export async function countUserSessions(db: Db, userId: string, now = new Date()) {
  return db.session.count({ where: { userId, expiresAt: { gt: now } } });
}

export interface CookieOptions {
  secure: boolean;
}

export function sessionCookie(token: string, expiresAt: Date, options: CookieOptions): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Expires=${expiresAt.toUTCString()}`,
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

export function blankSessionCookie(options: CookieOptions): string {
  return [
    `${SESSION_COOKIE}=`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    "Max-Age=0",
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

/** Reads one cookie from a Cookie header without pulling in a parser. */
export function readCookie(header: string | undefined | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index === -1) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}
