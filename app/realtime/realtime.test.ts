import { describe, expect, it } from "vitest";
import { IDLE_AFTER_MS, summarizePresence } from "./presence.ts";
import { TokenBucket } from "./rate-limit.ts";

describe("summarizePresence", () => {
  const now = 10_000_000;
  it("counts a person once across tabs, active if any tab is", () => {
    const people = summarizePresence(
      [
        { userId: "a", displayName: "Ada", lastActiveAt: now - IDLE_AFTER_MS - 1 },
        { userId: "a", displayName: "Ada", lastActiveAt: now - 1000 },
        { userId: "b", displayName: "Bo", lastActiveAt: now - IDLE_AFTER_MS - 1 },
      ],
      now,
    );
    expect(people).toEqual([
      { userId: "a", displayName: "Ada", state: "active" },
      { userId: "b", displayName: "Bo", state: "idle" },
    ]);
  });
});

describe("TokenBucket", () => {
  it("allows a burst, refuses past it, refills with time", () => {
    const bucket = new TokenBucket(3, 1, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(999)).toBe(false);
    expect(bucket.take(1000)).toBe(true);
  });
});

describe("initials", async () => {
  const { initials } = await import("~/components/live/presence-bar.tsx");
  it("takes letters only", () => {
    expect(initials("Mira (moderator)")).toBe("MM");
    expect(initials("Zoë")).toBe("Z");
    expect(initials("42")).toBe("?");
  });
});
