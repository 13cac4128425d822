/**
 * Sends at most one value per `everyMs`: the first at once, the last of a burst when the window
 * closes, nothing when it did not change. A burst of scrolling makes a few messages, not hundreds.
 */
export function coalesce<T>(send: (value: T) => void, everyMs: number, now: () => number = Date.now) {
  let last: T | undefined;
  let lastAt = -Infinity;
  let queued: { value: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    if (!queued) return;
    const { value } = queued;
    queued = null;
    if (value === last) return;
    last = value;
    lastAt = now();
    send(value);
  };
  return {
    push(value: T) {
      queued = { value };
      if (timer) return;
      const wait = Math.max(0, lastAt + everyMs - now());
      if (wait === 0) flush();
      else timer = setTimeout(flush, wait);
    },
    /** Forget what was sent: the next value goes out even if equal (a reconnect, a new session). */
    reset() {
      last = undefined;
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      queued = null;
    },
  };
}
