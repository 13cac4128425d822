import { describe, expect, it } from "vitest";
import { exactLocalTime, relativeTime } from "./time.tsx";

const now = Date.parse("2026-03-04T12:00:00Z");

describe("relativeTime", () => {
  it("is relative when recent", () => {
    expect(relativeTime(new Date(now - 10_000), now, "UTC", "en")).toBe("just now");
    expect(relativeTime(new Date(now - 3 * 60_000), now, "UTC", "en")).toBe("3 min. ago");
    expect(relativeTime(new Date(now - 2 * 3_600_000), now, "UTC", "en")).toBe("2 hr. ago");
    expect(relativeTime(new Date(now - 24 * 3_600_000), now, "UTC", "en")).toBe("yesterday");
    expect(relativeTime(new Date(now + 2 * 3_600_000), now, "UTC", "en")).toBe("in 2 hr.");
  });
  it("is a local date after a week, with the year only when not this year", () => {
    expect(relativeTime(new Date("2026-02-01T23:30:00Z"), now, "UTC", "en")).toMatch(/Feb/);
    expect(relativeTime(new Date("2025-02-01T10:00:00Z"), now, "UTC", "en")).toMatch(/2025/);
  });
});

describe("exactLocalTime", () => {
  it("says the time in the reader's zone", () => {
    const text = exactLocalTime(new Date("2026-03-04T09:05:00Z"), "Asia/Tokyo");
    expect(text).toMatch(/18:05|6:05/);
    expect(text).toMatch(/GMT\+9|JST/);
  });
  it("falls back to the runtime's zone for an unknown zone", () => {
    expect(() => exactLocalTime(new Date(now), "Not/AZone")).not.toThrow();
  });
});
