import { afterEach, describe, expect, it, vi } from "vitest";
import { idleCollector } from "./idle-gc.server.ts";

describe("the idle collector", () => {
  afterEach(() => vi.useRealTimers());

  it("collects once after the requests stop, and not while they keep coming", () => {
    vi.useFakeTimers();
    const gc = vi.fn();
    const collector = idleCollector({ quietMs: 1_000, gc });
    vi.advanceTimersByTime(5_000);
    expect(gc).not.toHaveBeenCalled();
    for (let index = 0; index < 10; index += 1) {
      collector.touch();
      vi.advanceTimersByTime(500);
    }
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(gc).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(gc).toHaveBeenCalledTimes(1);
    collector.touch();
    vi.advanceTimersByTime(1_000);
    expect(gc).toHaveBeenCalledTimes(2);
    collector.stop();
  });

  it("does nothing without an exposed gc", () => {
    const collector = idleCollector({ gc: undefined });
    collector.touch();
    collector.stop();
  });
});
