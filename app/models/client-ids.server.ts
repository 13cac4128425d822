/**
 * Writes keyed by a client-chosen id (comments, replies, prompt answers, live-session questions):
 * the id is the post's idempotency key, so a retry, a double click or a resend racing the first try
 * stores the post once and is answered as the first one was.
 *
 * Checking for the id first answers the usual retry without any work; two copies arriving at once
 * both pass that check, and the database's primary key decides between them: the loser's insert
 * fails with a unique violation, its transaction (the row and the side effects written with it,
 * such as notifications) rolls back whole, and it reads the winner's row to answer.
 */

/** A unique constraint refused the write (Prisma's P2002, on SQLite and PostgreSQL alike). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

/**
 * `earlier` reads what is stored under the id and says how to answer it (the same post again: as a
 * duplicate; someone else's or another target's: a refusal), or null when nothing is. `write`
 * validates and writes — the row and its side effects in one transaction — and must throw the
 * unique violation out of that transaction rather than catch it, so that nothing of the losing
 * copy remains.
 */
export async function writeOnce<T>(earlier: () => Promise<T | null>, write: () => Promise<T>): Promise<T> {
  const found = await earlier();
  if (found) return found;
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Another copy won the race (its transaction has committed: the constraint waited for it).
    const winner = await earlier();
    if (!winner) throw error;
    return winner;
  }
}
