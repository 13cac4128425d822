import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RoomBatcher } from "./batcher.ts";
import { coalesce } from "./coalesce.ts";
import { applyPresenceDelta, IDLE_AFTER_MS, presenceDelta, summarizePresence } from "./presence.ts";
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

describe("summarizePresence with shared positions", () => {
  const now = 10_000_000;
  it("takes a person's position from the tab that moved last, and leaves it out for those not sharing", () => {
    const people = summarizePresence(
      [
        { userId: "a", displayName: "Ada", lastActiveAt: now, position: { passageKey: "p1", at: 5 } },
        { userId: "a", displayName: "Ada", lastActiveAt: now, position: { passageKey: "p7", at: 9 } },
        { userId: "a", displayName: "Ada", lastActiveAt: now },
        { userId: "b", displayName: "Bo", lastActiveAt: now },
      ],
      now,
    );
    expect(people).toEqual([
      { userId: "a", displayName: "Ada", state: "active", passageKey: "p7" },
      { userId: "b", displayName: "Bo", state: "active" },
    ]);
  });
});

describe("presence deltas", () => {
  const ada = { userId: "a", displayName: "Ada", state: "active" as const };
  const bo = { userId: "b", displayName: "Bo", state: "active" as const };
  const cy = { userId: "c", displayName: "Cy", state: "active" as const };
  const before = new Map([ada, bo].map((person) => [person.userId, person]));

  it("says who arrived, changed or left, and nothing when nothing did", () => {
    expect(presenceDelta(before, [ada, bo])).toBeNull();
    expect(presenceDelta(before, [ada, bo, cy])).toEqual({ upsert: [cy], gone: [] });
    expect(presenceDelta(before, [{ ...ada, state: "idle" }, bo])).toEqual({ upsert: [{ ...ada, state: "idle" }], gone: [] });
    expect(presenceDelta(before, [bo])).toEqual({ upsert: [], gone: ["a"] });
  });

  it("leaves shared positions to their own batches, but always includes whoever joined or left here", () => {
    expect(presenceDelta(before, [{ ...ada, passageKey: "p9" }, bo])).toBeNull();
    // Bo rejoined through this process (another process may have said he left): he is sent again.
    expect(presenceDelta(before, [ada, bo], new Set(["b"]))).toEqual({ upsert: [bo], gone: [] });
    // Cy left through this process without this process ever having sent her: she is said to be gone.
    expect(presenceDelta(before, [ada, bo], new Set(["c"]))).toEqual({ upsert: [], gone: ["c"] });
  });

  it("applied by a client, gives the same list as the server's", () => {
    const client = applyPresenceDelta([ada, bo], { upsert: [cy, { ...ada, state: "idle" }], gone: ["b"] });
    expect(client).toEqual(summarizePresence([{ ...cy, lastActiveAt: 10 }, { ...ada, lastActiveAt: 0 }], 10, 5));
    expect(client.map((person) => person.displayName)).toEqual(["Cy", "Ada"]);
  });
});

describe("coalesce (a reader's position going out)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends the first value at once, the last of a burst when the window closes, and nothing unchanged", () => {
    const sent: string[] = [];
    const sender = coalesce<string>((value) => sent.push(value), 1000, () => Date.now());
    sender.push("p1");
    for (let index = 2; index <= 60; index += 1) {
      vi.advanceTimersByTime(10);
      sender.push(`p${index}`);
    }
    expect(sent).toEqual(["p1"]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual(["p1", "p60"]);
    // The same place again: nothing to send.
    vi.advanceTimersByTime(2000);
    sender.push("p60");
    vi.advanceTimersByTime(2000);
    expect(sent).toEqual(["p1", "p60"]);
    // After a reset (a reconnect: the server forgot), the same place goes out again.
    sender.reset();
    sender.push("p60");
    expect(sent).toEqual(["p1", "p60", "p60"]);
  });

  it("a burst of 100 scroll positions in 3 seconds sends at most 4 messages", () => {
    const sent: string[] = [];
    const sender = coalesce<string>((value) => sent.push(value), 1000, () => Date.now());
    for (let index = 0; index < 100; index += 1) {
      sender.push(`p${index}`);
      vi.advanceTimersByTime(30);
    }
    vi.advanceTimersByTime(1000);
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(sent.at(-1)).toBe("p99");
  });
});

describe("RoomBatcher (the server's broadcasts of positions)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends one batch per room and window, with each person's latest change", () => {
    const sent: Array<[string, Array<{ userId: string; passageKey: string | null }>]> = [];
    const batcher = new RoomBatcher<{ userId: string; passageKey: string | null }>(() => 250, (room, changes) => sent.push([room, changes]));
    for (let index = 0; index < 10; index += 1) batcher.add("lesson:g:1", "ada", { userId: "ada", passageKey: `p${index}` });
    batcher.add("lesson:g:1", "bo", { userId: "bo", passageKey: "p3" });
    batcher.add("lesson:g:2", "cy", { userId: "cy", passageKey: "q1" });
    batcher.add("lesson:g:1", "ada", { userId: "ada", passageKey: null });
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(250);
    expect(sent).toEqual([
      ["lesson:g:1", [{ userId: "bo", passageKey: "p3" }, { userId: "ada", passageKey: null }]],
      ["lesson:g:2", [{ userId: "cy", passageKey: "q1" }]],
    ]);
  });

  it("forgets a room's pending changes when its session ends", () => {
    const sent: unknown[] = [];
    const batcher = new RoomBatcher<string>(() => 100, (_room, changes) => sent.push(changes));
    batcher.add("r", "a", "x");
    batcher.drop("r");
    vi.advanceTimersByTime(500);
    expect(sent).toEqual([]);
    batcher.add("r", "a", "y");
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([["y"]]);
    batcher.stop();
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
