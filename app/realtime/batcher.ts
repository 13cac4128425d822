/**
 * Coalesces per-room changes into one broadcast per window: the first change of a room starts its
 * window, later ones in it replace earlier ones for the same key (a person scrolling sends many
 * positions; only the last one in the window matters), and the flush sends what is left, once.
 */
export class RoomBatcher<T> {
  private readonly pending = new Map<string, Map<string, T>>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly windowMs: (room: string) => number,
    private readonly flush: (room: string, changes: T[]) => void,
  ) {}

  add(room: string, key: string, change: T) {
    let changes = this.pending.get(room);
    if (!changes) {
      changes = new Map();
      this.pending.set(room, changes);
    }
    // Re-inserting moves the key last: the batch keeps the order of the latest changes.
    changes.delete(key);
    changes.set(key, change);
    if (!this.timers.has(room)) {
      const timer = setTimeout(() => this.flushRoom(room), this.windowMs(room));
      timer.unref?.();
      this.timers.set(room, timer);
    }
  }

  /** Forgets what is pending for a room (its session ended: nothing of it should go out). */
  drop(room: string) {
    clearTimeout(this.timers.get(room));
    this.timers.delete(room);
    this.pending.delete(room);
  }

  private flushRoom(room: string) {
    this.timers.delete(room);
    const changes = this.pending.get(room);
    this.pending.delete(room);
    if (changes && changes.size > 0) this.flush(room, [...changes.values()]);
  }

  stop() {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }
}
