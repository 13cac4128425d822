/**
 * The reading tracker's work (read-tracker.tsx): observing the passages and sending the batches. A
 * chunk loaded on demand once the page has hydrated — it renders nothing, so it is not part of the
 * page's initial JavaScript (docs/decisions/0016).
 */
import type { MutableRefObject } from "react";
import { passageId } from "~/components/reader/paths.ts";
import type { PendingRead, ReadTrackerProps, TrackedPassage } from "./read-tracker.tsx";

const MAX_BATCH = 300;

/** Starts tracking; returns what stops it (and sends what was read). */
export function trackReads(
  { endpoint, courseSlug, day, passages, readKeys = [], flushMs = 10_000 }: Omit<ReadTrackerProps, "onRecorded">,
  onRecordedRef: MutableRefObject<ReadTrackerProps["onRecorded"]>,
): (() => void) | undefined {
  if (typeof IntersectionObserver === "undefined") return;
  const done = new Set(readKeys);
  const byElement = new Map<Element, TrackedPassage>();
  const dwell = new Map<string, number>();
  const visibleSince = new Map<string, number>();
  let queue: PendingRead[] = [];
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const id = (passage: TrackedPassage) => `${passage.readingId}:${passage.key}`;

  /** Adds the time in view so far to each visible passage; those now long enough join the queue. */
  const settle = (now: number) => {
    for (const [key, since] of visibleSince) {
      const total = (dwell.get(key) ?? 0) + (now - since);
      dwell.set(key, total);
      visibleSince.set(key, now);
      const passage = tracked.get(key);
      if (passage && !done.has(key) && total >= passage.requiredMs) {
        done.add(key);
        queue.push({ passageKey: passage.key, readingId: passage.readingId, dwellMs: Math.round(total), at: Date.now() });
        visibleSince.delete(key);
      }
    }
  };
  const body = (reads: PendingRead[]) => JSON.stringify({ courseSlug, day, timeZone, reads });
  const flush = (viaBeacon: boolean) => {
    settle(performance.now());
    while (queue.length > 0) {
      const reads = queue.slice(0, MAX_BATCH);
      queue = queue.slice(MAX_BATCH);
      if (viaBeacon && typeof navigator.sendBeacon === "function" && navigator.sendBeacon(endpoint, body(reads))) continue;
      fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: body(reads), keepalive: true, credentials: "same-origin" })
        .then(async (response) => {
          if (!response.ok) return;
          const result = (await response.json()) as { readCount: number; passageCount: number; status: string };
          onRecordedRef.current?.(result);
        })
        .catch(() => {
          // Offline: put them back for the next batch (the server ignores any it already has).
          queue.push(...reads);
        });
    }
  };

  const tracked = new Map<string, TrackedPassage>();
  for (const passage of passages) {
    if (done.has(id(passage))) continue;
    const element = document.getElementById(passageId(passage.key));
    if (!element) continue;
    tracked.set(id(passage), passage);
    byElement.set(element, passage);
  }
  if (tracked.size === 0) return;

  const observer = new IntersectionObserver(
    (entries) => {
      const now = performance.now();
      settle(now);
      const viewport = window.innerHeight || document.documentElement.clientHeight;
      for (const entry of entries) {
        const passage = byElement.get(entry.target);
        if (!passage) continue;
        const key = id(passage);
        // In view: mostly visible, or (a long passage) filling most of the screen.
        const inView = entry.isIntersecting && (entry.intersectionRatio >= 0.6 || entry.intersectionRect.height >= viewport * 0.5);
        if (inView && !done.has(key) && !document.hidden) {
          if (!visibleSince.has(key)) visibleSince.set(key, now);
        } else visibleSince.delete(key);
      }
    },
    { threshold: [0, 0.25, 0.5, 0.6, 0.75, 1] },
  );
  for (const element of byElement.keys()) observer.observe(element);

  const tick = window.setInterval(() => settle(performance.now()), 1_000);
  const send = window.setInterval(() => flush(false), flushMs);
  const onHide = () => flush(true);
  const onVisibility = () => {
    if (document.visibilityState === "hidden") {
      flush(true);
      visibleSince.clear();
    } else {
      // Back on the page: observing again reports what is in view now.
      for (const element of byElement.keys()) {
        observer.unobserve(element);
        observer.observe(element);
      }
    }
  };
  window.addEventListener("pagehide", onHide);
  document.addEventListener("visibilitychange", onVisibility);
  return () => {
    observer.disconnect();
    window.clearInterval(tick);
    window.clearInterval(send);
    window.removeEventListener("pagehide", onHide);
    document.removeEventListener("visibilitychange", onVisibility);
    // Leaving the lesson inside the app: send what was read.
    flush(true);
  };
}
