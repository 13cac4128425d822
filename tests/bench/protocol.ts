/**
 * Messages between the benchmark runner (parent) and the server process (child), over the IPC
 * channel `child_process.fork` opens. Every request carries an id; the answer repeats it. The bare
 * Socket.IO server of the socket baselines speaks the same protocol (it has no SQL to count).
 */

/** The server's own resource use over one measuring window (from `stats-reset` to `stats`). */
export interface ServerStats {
  /** Wall-clock length of the window. */
  wallMs: number;
  /** User + system CPU time over the window. */
  cpuMs: number;
  /** The same as a percentage of one core over the window (may exceed 100). */
  cpuPercent: number;
  /** Highest resident set size seen while sampling every 100 ms during the window. */
  peakRssMb: number;
  /** Highest V8 heap in use seen during the window. */
  peakHeapMb: number;
}

export type ParentMessage =
  | { id: number; type: "stats-reset" }
  | { id: number; type: "stats" }
  /** SQL statements the server has sent to SQLite since it started (tests/bench/query-count.ts). */
  | { id: number; type: "query-count" }
  | { id: number; type: "stop" };

export type ChildMessage =
  | { type: "ready"; url: string; staticDir: string; staticPrefix: string; databaseFile: string }
  /** The bare Socket.IO server of the socket baselines (socket-baseline-process.ts) is listening. */
  | { type: "socket-baseline-ready"; url: string }
  | { type: "failed"; message: string }
  | { id: number; type: "ok" }
  | { id: number; type: "stats"; stats: ServerStats }
  | { id: number; type: "query-count"; statements: number }
  | { id: number; type: "error"; message: string };
