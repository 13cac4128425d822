/**
 * CPU time and peak memory of the current process over a window that `reset()` starts: what the
 * benchmark's server processes (server-process.ts, socket-baseline-process.ts) answer to `stats`.
 */
import type { ServerStats } from "./protocol.ts";

const SAMPLE_EVERY_MS = 100;
const MB = 1024 * 1024;

export class ResourceWindow {
  private startedAt = performance.now();
  private cpuAtStart = process.cpuUsage();
  private peakRss = 0;
  private peakHeap = 0;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  private sample() {
    const memory = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, memory.rss);
    this.peakHeap = Math.max(this.peakHeap, memory.heapUsed);
  }

  reset() {
    this.peakRss = 0;
    this.peakHeap = 0;
    this.sample();
    this.startedAt = performance.now();
    this.cpuAtStart = process.cpuUsage();
  }

  read(): ServerStats {
    const cpu = process.cpuUsage(this.cpuAtStart);
    const wallMs = performance.now() - this.startedAt;
    this.sample();
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return {
      wallMs,
      cpuMs,
      cpuPercent: wallMs > 0 ? (cpuMs / wallMs) * 100 : 0,
      peakRssMb: this.peakRss / MB,
      peakHeapMb: this.peakHeap / MB,
    };
  }

  stop() {
    clearInterval(this.timer);
  }
}
