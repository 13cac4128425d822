/**
 * Named checks for `npm run test:scale`, printed as ✓ / × lines as they run. A check that needs an
 * earlier one which did not pass is skipped (the scenario is one story: nothing after a failed
 * step would prove anything).
 */
export interface CheckResult {
  key: string;
  title: string;
  status: "passed" | "failed" | "skipped";
  detail?: string;
  seconds: number;
}

export class Checks {
  readonly results: CheckResult[] = [];

  /** Runs `fn` unless a needed check did not pass; `fn` may return a short detail for the ✓ line. */
  async run(key: string, title: string, fn: () => Promise<string | void>, options: { needs?: string[]; timeoutMs?: number } = {}): Promise<boolean> {
    const missing = (options.needs ?? []).filter((need) => this.results.find((result) => result.key === need)?.status !== "passed");
    if (missing.length) {
      this.results.push({ key, title, status: "skipped", detail: `needs: ${missing.join(", ")}`, seconds: 0 });
      console.log(`  - ${title}  (skipped: needs ${missing.join(", ")})`);
      return false;
    }
    const started = Date.now();
    const timeoutMs = options.timeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const detail = await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the check did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
        }),
      ]);
      const seconds = (Date.now() - started) / 1000;
      this.results.push({ key, title, status: "passed", detail: detail || undefined, seconds });
      console.log(`  ✓ ${title}${detail ? `  (${detail})` : ""}  ${seconds.toFixed(1)}s`);
      return true;
    } catch (error) {
      const seconds = (Date.now() - started) / 1000;
      const message = error instanceof Error ? error.message : String(error);
      this.results.push({ key, title, status: "failed", detail: message, seconds });
      console.log(`  × ${title}  ${seconds.toFixed(1)}s`);
      for (const line of message.split("\n")) console.log(`      ${line}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  counts() {
    const count = (status: CheckResult["status"]) => this.results.filter((result) => result.status === status).length;
    return { passed: count("passed"), failed: count("failed"), skipped: count("skipped") };
  }
}
