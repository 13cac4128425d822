import { describe, expect, it } from "vitest";
import { CatchUpCursor } from "./catch-up-cursor.ts";
import { retryDelay } from "./use-catch-up.ts";
import { loadFailedToReach } from "~/http/offline.ts";

const change = (seq: number) => ({ seq, commentId: `c${seq}`, intent: "post", passageKey: "p", actorId: "u", at: "2026-01-01T00:00:00.000Z" });

describe("the catch-up cursor", () => {
  it("moves only with loaded data: an event asks for a load and leaves the cursor where the data is", () => {
    const cursor = new CatchUpCursor(10);
    expect(cursor.heard(change(11))).toBe(true);
    expect(cursor.value).toBe(10);
    cursor.loaded(12);
    expect(cursor.value).toBe(12);
    // The data already reflects it (the page's own form reloaded it): nothing to load.
    expect(cursor.heard(change(11))).toBe(false);
    // Loaded data never moves it back.
    cursor.loaded(5);
    expect(cursor.value).toBe(12);
  });

  it("a join's missed changes ask for a load without moving the cursor, so a second drop asks again", () => {
    const cursor = new CatchUpCursor(3);
    const missed = { changes: [change(4), change(7)], complete: true, cursor: 7 };
    expect(cursor.rejoined(missed)).toBe(true);
    expect(cursor.value).toBe(3);
    expect(cursor.rejoined({ changes: [], complete: true, cursor: 3 })).toBe(false);
    expect(cursor.rejoined({ changes: [], complete: false, cursor: 3 })).toBe(true);
    expect(cursor.rejoined(null)).toBe(false);
  });
});

describe("failed reloads", () => {
  it("count as not reaching the server unless the server gave an answer the person can act on", () => {
    expect(loadFailedToReach(new TypeError("Failed to fetch"))).toBe(true);
    expect(loadFailedToReach(new Error("Unexpected Server Error"))).toBe(true);
    expect(loadFailedToReach(new Response(null, { status: 502 }))).toBe(true);
    expect(loadFailedToReach(new Response(null, { status: 302, headers: { location: "/login" } }))).toBe(false);
    expect(loadFailedToReach(new Response("Not a member", { status: 404 }))).toBe(false);
    expect(loadFailedToReach(new DOMException("aborted", "AbortError"))).toBe(false);
  });

  it("are tried again after 1 s, doubling up to 15 s, randomized by a quarter either way", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((failures) => retryDelay(failures, 0.5))).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect(retryDelay(1, 0)).toBe(750);
    expect(retryDelay(1, 1)).toBe(1250);
  });
});
