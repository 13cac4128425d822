import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { playwrightCounts, recordResult, vitestCounts, type StepResult } from "./summary.ts";

export const rootDir = path.resolve(import.meta.dirname, "..");
const tmp = path.join(rootDir, "tests", ".tmp");

function run(command: string, args: string[], env: Record<string, string> = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: rootDir, stdio: "inherit", env: { ...process.env, ...env } });
  return { status: result.status ?? 1, seconds: (Date.now() - started) / 1000 };
}

function record(result: StepResult) {
  recordResult(result);
  return result.ok;
}

export function banner(title: string) {
  console.log(`\n━━━ ${title} ${"━".repeat(Math.max(0, 70 - title.length))}`);
}

export function typecheck() {
  banner("type-check (tsc --noEmit)");
  const { status, seconds } = run("npx", ["tsc", "--noEmit"]);
  return record({ step: "type-check", ok: status === 0, passed: 0, failed: 0, skipped: 0, note: status === 0 ? "no errors" : "type errors above", seconds });
}

export function build() {
  banner("production build (npm run build: remix vite:build, then precompressed assets)");
  const { status, seconds } = run("npm", ["run", "build"], { NODE_ENV: "production" });
  return record({ step: "build", ok: status === 0, passed: 0, failed: 0, skipped: 0, note: status === 0 ? undefined : "build failed", seconds });
}

export function vitest(step: string, args: string[], env: Record<string, string> = {}) {
  banner(`${step} (vitest)`);
  mkdirSync(tmp, { recursive: true });
  const report = path.join(tmp, `${step.replace(/\W+/g, "-")}.json`);
  rmSync(report, { force: true });
  const { status, seconds } = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...args], env);
  const counts = vitestCounts(report) ?? { passed: 0, failed: 0, skipped: 0 };
  const ok = status === 0 && counts.failed === 0 && counts.skipped === 0 && counts.passed > 0;
  return record({ step, ok, ...counts, note: counts.passed === 0 ? "no test ran" : undefined, seconds });
}

export function playwright(step: string) {
  banner(`${step} (playwright, Chromium)`);
  const report = path.join(tmp, "playwright.json");
  rmSync(report, { force: true });
  const { status, seconds } = run("npx", ["playwright", "test"], {
    PLAYWRIGHT_REPORTER: "list,json",
    PLAYWRIGHT_JSON_OUTPUT_FILE: report,
    PLAYWRIGHT_JSON_OUTPUT_NAME: report,
  });
  const counts = playwrightCounts(report) ?? { passed: 0, failed: 0, skipped: 0 };
  const ok = status === 0 && counts.failed === 0 && counts.skipped === 0 && counts.passed > 0;
  return record({ step, ok, ...counts, note: counts.passed === 0 ? "no test ran (is Chromium installed? see above)" : undefined, seconds });
}
