/**
 * Whether an open socket's session is still current, asked on every event it sends (issue 12). A
 * lookup per event would be one query per scroll position in a live session (10,000 a second with
 * 1,000 readers), so the answers are shared:
 * - lookups asked for in the same turn of the event loop go out as one query;
 * - a session found current is trusted for `freshMs` (1 s) — within that, its expiry is still checked
 *   against the clock on every event — so a revoked session is noticed within `freshMs` of its next
 *   event, and an expired one at once. The minute sweep (socket.server.ts) catches idle sockets.
 */
export type SessionState = "current" | "expired" | "revoked";

export interface SessionChecker {
  state(sessionId: string): Promise<SessionState>;
  /** Forget what is known (a sweep found changes, or a session was ended here). */
  forget(sessionId?: string): void;
}

export function createSessionChecker(
  lookup: (sessionIds: string[]) => Promise<Map<string, { expiresAt: number } | null>>,
  options: { freshMs?: number; now?: () => number } = {},
): SessionChecker {
  const freshMs = options.freshMs ?? 1_000;
  const now = options.now ?? Date.now;
  const known = new Map<string, { expiresAt: number; checkedAt: number }>();
  let pending: Map<string, Array<{ resolve: (state: SessionState) => void; reject: (error: unknown) => void }>> | null = null;

  const flush = async (batch: NonNullable<typeof pending>) => {
    try {
      const found = await lookup([...batch.keys()]);
      const at = now();
      for (const [id, waiters] of batch) {
        const row = found.get(id) ?? null;
        if (row) known.set(id, { expiresAt: row.expiresAt, checkedAt: at });
        else known.delete(id);
        const state: SessionState = !row ? "revoked" : row.expiresAt <= at ? "expired" : "current";
        for (const waiter of waiters) waiter.resolve(state);
      }
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    }
  };

  return {
    state(sessionId) {
      const at = now();
      const cached = known.get(sessionId);
      if (cached && at - cached.checkedAt < freshMs) return Promise.resolve(cached.expiresAt <= at ? "expired" : "current");
      return new Promise((resolve, reject) => {
        if (!pending) {
          pending = new Map();
          const batch = pending;
          setImmediate(() => {
            pending = null;
            void flush(batch);
          });
        }
        const waiters = pending.get(sessionId) ?? [];
        waiters.push({ resolve, reject });
        pending.set(sessionId, waiters);
      });
    },
    forget(sessionId) {
      if (sessionId === undefined) known.clear();
      else known.delete(sessionId);
    },
  };
}
