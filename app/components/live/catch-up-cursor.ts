/**
 * The page's catch-up cursor (ADR 8): the last discussion change (LessonEvent id) that the data the
 * page shows reflects — the `seq` its loader returned, never more. Events and a join's list of missed
 * changes only say "load again"; the cursor moves when a load has brought the data, so a page that
 * drops, or whose server restarts, right after an event rejoins asking for that change again instead
 * of being told "nothing happened".
 */
import type { Missed } from "~/realtime/events.ts";

export class CatchUpCursor {
  private seq: number;

  constructor(loadedSeq: number) {
    this.seq = loadedSeq;
  }

  /** What `lesson:join` sends as `after`. */
  get value(): number {
    return this.seq;
  }

  /** The page now shows data that reflects every change up to `seq` (the loader's `live.cursor`). */
  loaded(seq: number): void {
    this.seq = Math.max(this.seq, seq);
  }

  /** A `discussion:changed` event: must the page load? (Not when its data already reflects it.) */
  heard(change: { seq: number }): boolean {
    return change.seq > this.seq;
  }

  /** A join's answer: must the page load what it missed? */
  rejoined(missed: Missed | null): boolean {
    if (!missed) return false;
    return !missed.complete || missed.changes.some((change) => change.seq > this.seq);
  }
}
