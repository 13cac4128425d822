/**
 * Test results of each step of a run, recorded as small JSON files so that `npm test`, `npm run
 * test:pg` and CI can end with one summary: a table of steps, then "N passed, N failed".
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const resultsDir = path.join(import.meta.dirname, ".tmp", "results");

export interface StepResult {
  step: string;
  ok: boolean;
  passed: number;
  failed: number;
  skipped: number;
  note?: string;
  seconds: number;
}

/** Starts a run's results afresh, unless CI is collecting several runs into one summary. */
export function clearResults() {
  if (process.env.KEEP_TEST_RESULTS === "1") return;
  rmSync(resultsDir, { recursive: true, force: true });
}

export function recordResult(result: StepResult) {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, `${Date.now()}-${result.step.replace(/\W+/g, "-")}.json`), JSON.stringify(result));
}

export function readResults(): StepResult[] {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir)
    .sort()
    .map((name) => JSON.parse(readFileSync(path.join(resultsDir, name), "utf8")) as StepResult);
}

/** Vitest's JSON reporter output → counts. */
export function vitestCounts(file: string) {
  if (!existsSync(file)) return null;
  const report = JSON.parse(readFileSync(file, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
}

/** Playwright's JSON reporter output → counts (a flaky pass counts as a failure: it must be fixed). */
export function playwrightCounts(file: string) {
  if (!existsSync(file)) return null;
  const report = JSON.parse(readFileSync(file, "utf8")) as { stats: { expected: number; unexpected: number; skipped: number; flaky: number } };
  return { passed: report.stats.expected, failed: report.stats.unexpected + report.stats.flaky, skipped: report.stats.skipped };
}

export function printSummary(results = readResults()): boolean {
  const width = Math.max(12, ...results.map((result) => result.step.length));
  console.log("\nSummary");
  for (const result of results) {
    const counts = result.passed + result.failed + result.skipped > 0 ? `${result.passed} passed, ${result.failed} failed${result.skipped ? `, ${result.skipped} skipped` : ""}` : "";
    console.log(`  ${result.ok ? "ok  " : "FAIL"}  ${result.step.padEnd(width)}  ${counts}${result.note ? `  (${result.note})` : ""}  ${result.seconds.toFixed(0)}s`);
  }
  const passed = results.reduce((sum, result) => sum + result.passed, 0);
  const failed = results.reduce((sum, result) => sum + result.failed + (result.ok || result.failed ? 0 : 1), 0);
  const skipped = results.reduce((sum, result) => sum + result.skipped, 0);
  console.log("");
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return results.every((result) => result.ok);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  process.exit(printSummary() ? 0 : 1);
}
