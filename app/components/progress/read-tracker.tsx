/**
 * Counts passages as read while they are in view long enough for their length, and sends them in
 * batches: every ~10 s while reading, and with navigator.sendBeacon when the page is hidden or left.
 * Never a request per scroll event. Renders nothing.
 *
 *   <ReadTracker endpoint="/api/progress" courseSlug={course.slug} day={lesson.day}
 *     passages={[{ key, readingId, requiredMs: requiredDwellMs(text) }]} readKeys={progress.readKeys} />
 *
 * Passages are found by their element id (`p-<key>`, app/components/reader/paths.ts).
 */
import { useEffect, useRef } from "react";

export interface TrackedPassage {
  key: string;
  readingId: string;
  /** requiredDwellMs(text): exactly the server's rule, so no read is sent that the server would ignore. */
  requiredMs: number;
}

export interface PendingRead {
  passageKey: string;
  readingId: string;
  dwellMs: number;
  at: number;
}

export interface ReadTrackerProps {
  endpoint: string;
  courseSlug: string;
  day: number;
  passages: readonly TrackedPassage[];
  /** "readingId:passageKey" of passages already recorded: not tracked again. */
  readKeys?: readonly string[];
  flushMs?: number;
  /** Called with the server's answer after each batch sent by fetch. */
  onRecorded?: (result: { readCount: number; passageCount: number; status: string }) => void;
}

/** The tracking itself (read-tracking.ts), loaded once the page has hydrated. */
const loadTracking = () => import("./read-tracking.ts");

export function ReadTracker({ endpoint, courseSlug, day, passages, readKeys = [], flushMs = 10_000, onRecorded }: ReadTrackerProps) {
  const onRecordedRef = useRef(onRecorded);
  onRecordedRef.current = onRecorded;
  const passagesSignature = passages.map((passage) => `${passage.readingId}:${passage.key}`).join("|");

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    loadTracking().then(
      ({ trackReads }) => {
        if (!cancelled) stop = trackReads({ endpoint, courseSlug, day, passages, readKeys, flushMs }, onRecordedRef);
      },
      (error: unknown) => console.warn("reading progress is not tracked: could not load its code", error),
    );
    return () => {
      cancelled = true;
      stop?.();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- re-run only when the lesson's passages change
  }, [endpoint, courseSlug, day, passagesSignature, flushMs]);

  return null;
}
