import type { z } from "zod";
import type { Db } from "~/db/client.server.ts";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./password.server.ts";
import type { changePasswordSchema, logInSchema, signUpSchema } from "./user-rules.ts";
import { clearRateLimit, consumeRateLimit, DEFAULT_RATE_LIMITS, refundRateLimit, type RateLimits } from "./rate-limit.server.ts";

export async function findUserByEmail(db: Db, address: string) {
  return db.user.findUnique({ where: { email: address.trim().toLowerCase() } });
}

export async function getUser(db: Db, id: string) {
  return db.user.findUnique({ where: { id }, select: { id: true, email: true, displayName: true, createdAt: true } });
}

export type SignUpResult = { ok: true; userId: string } | { ok: false; field: "email"; message: string };

export async function createUser(db: Db, input: z.output<typeof signUpSchema>): Promise<SignUpResult> {
  if (await findUserByEmail(db, input.email)) {
    return { ok: false, field: "email", message: "An account with this email already exists. Log in instead?" };
  }
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await db.user.create({
      data: { email: input.email, displayName: input.displayName, passwordHash },
    });
    return { ok: true, userId: user.id };
  } catch (error) {
    // Two sign-ups with one address at the same moment: the unique index decides.
    if ((error as { code?: string }).code === "P2002") {
      return { ok: false, field: "email", message: "An account with this email already exists. Log in instead?" };
    }
    throw error;
  }
}

export type LogInResult =
  | { ok: true; userId: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate-limited"; retryAfterMs: number };

/**
 * Checks credentials with the login rate limit: each attempt is counted per account and per client
 * address before the password is checked (atomically, so parallel guesses cannot slip past the limit);
 * a successful login gives its count back, so a busy shared address is not locked out by its own users.
 * Unknown accounts and wrong passwords take the same time and give the same answer.
 */
export async function logIn(
  db: Db,
  input: z.output<typeof logInSchema>,
  clientAddress: string,
  limits: Pick<RateLimits, "loginPerAccount" | "loginPerAddress"> = DEFAULT_RATE_LIMITS,
): Promise<LogInResult> {
  const accountKey = `login:account:${input.email}`;
  const addressKey = `login:address:${clientAddress}`;
  const [account, address] = await Promise.all([
    consumeRateLimit(db, accountKey, limits.loginPerAccount),
    consumeRateLimit(db, addressKey, limits.loginPerAddress),
  ]);
  if (!account.allowed || !address.allowed) {
    return { ok: false, reason: "rate-limited", retryAfterMs: Math.max(account.retryAfterMs, address.retryAfterMs) };
  }
  const user = await findUserByEmail(db, input.email);
  const valid = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (!user || !valid) return { ok: false, reason: "invalid" };
  await Promise.all([clearRateLimit(db, accountKey), refundRateLimit(db, addressKey)]);
  return { ok: true, userId: user.id };
}

export type ChangePasswordResult = { ok: true } | { ok: false; field: "currentPassword"; message: string };

export async function changePassword(
  db: Db,
  userId: string,
  input: z.output<typeof changePasswordSchema>,
): Promise<ChangePasswordResult> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    return { ok: false, field: "currentPassword", message: "That is not your current password." };
  }
  await db.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(input.newPassword) } });
  return { ok: true };
}

export async function updateDisplayName(db: Db, userId: string, displayName: string) {
  await db.user.update({ where: { id: userId }, data: { displayName } });
}

export { changePasswordSchema, displayNameSchema, logInSchema, PASSWORD_MIN, signUpSchema } from "./user-rules.ts";
