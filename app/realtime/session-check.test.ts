import { describe, expect, it } from "vitest";
import { createSessionChecker } from "./session-check.ts";

function fakeSessions(rows: Record<string, number>) {
  const calls: string[][] = [];
  const lookup = async (ids: string[]) => {
    calls.push([...ids].sort());
    return new Map(ids.map((id) => [id, id in rows ? { expiresAt: rows[id]! } : null]));
  };
  return { calls, lookup, rows };
}

describe("createSessionChecker", () => {
  it("asks once for every session wanted in the same turn, and says current, expired or revoked", async () => {
    const clock = { at: 1_000 };
    const sessions = fakeSessions({ a: 5_000, b: 500 });
    const checker = createSessionChecker(sessions.lookup, { now: () => clock.at });
    const states = await Promise.all([checker.state("a"), checker.state("a"), checker.state("b"), checker.state("gone")]);
    expect(states).toEqual(["current", "current", "expired", "revoked"]);
    expect(sessions.calls).toEqual([["a", "b", "gone"]]);
  });

  it("trusts a current session for a second, checking its expiry on every event, then asks again", async () => {
    const clock = { at: 1_000 };
    const sessions = fakeSessions({ a: 1_500 });
    const checker = createSessionChecker(sessions.lookup, { now: () => clock.at, freshMs: 1_000 });
    expect(await checker.state("a")).toBe("current");
    clock.at = 1_400;
    expect(await checker.state("a")).toBe("current");
    clock.at = 1_600;
    expect(await checker.state("a")).toBe("expired");
    expect(sessions.calls).toHaveLength(1);
    // Revoked meanwhile: noticed once the second is over.
    delete sessions.rows.a;
    sessions.rows.a = 10_000;
    clock.at = 2_100;
    delete sessions.rows.a;
    expect(await checker.state("a")).toBe("revoked");
    expect(sessions.calls).toHaveLength(2);
  });

  it("forgets on request, and passes a failed lookup on to every waiter", async () => {
    const clock = { at: 0 };
    const sessions = fakeSessions({ a: 10_000 });
    const checker = createSessionChecker(sessions.lookup, { now: () => clock.at });
    await checker.state("a");
    checker.forget("a");
    await checker.state("a");
    expect(sessions.calls).toHaveLength(2);
    const failing = createSessionChecker(async () => Promise.reject(new Error("database down")));
    await expect(Promise.all([failing.state("x"), failing.state("y")])).rejects.toThrow("database down");
  });
});
