/**
 * One full garbage collection when the process goes quiet. Under load V8 grows the young generation
 * to 32 MB (two 16 MB semi-spaces) and keeps it: it shrinks it only in a collection made while little
 * is being allocated, which an idle server never makes, so an idle process kept ~30 MB it did not use.
 * After `quietMs` without a request (following at least one), this collects once; V8 then shrinks
 * the young generation. It costs one collection (tens of milliseconds) per busy-then-quiet period,
 * never under steady load, and needs `--expose-gc` (npm start's flag); without it, it does nothing.
 * See docs/decisions/0016.
 */
export const IDLE_GC_QUIET_MS = 10_000;

export interface IdleCollector {
  /** Call on each request: the process is busy. */
  touch(): void;
  stop(): void;
}

export function idleCollector({ quietMs = IDLE_GC_QUIET_MS, gc = (globalThis as { gc?: () => void }).gc, now = () => Date.now() } = {}): IdleCollector {
  if (!gc) return { touch() {}, stop() {} };
  let lastActivity = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const check = () => {
    const quietFor = now() - lastActivity;
    if (quietFor < quietMs) {
      timer = setTimeout(check, quietMs - quietFor);
      timer.unref();
      return;
    }
    timer = null;
    gc();
  };
  return {
    touch() {
      lastActivity = now();
      if (timer) return;
      timer = setTimeout(check, quietMs);
      timer.unref();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
