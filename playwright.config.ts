import { defineConfig, type ReporterDescription } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./tests/support/chromium.ts";

const port = process.env.E2E_PORT ?? "4317";
// localhost, not 127.0.0.1: the session cookie then behaves as it does for a user's browser.
const baseURL = `http://localhost:${port}`;

/** PLAYWRIGHT_REPORTER names one or more reporters, comma-separated (e.g. "list,json"). */
function reporters(): ReporterDescription[] {
  const names = (process.env.PLAYWRIGHT_REPORTER ?? "list")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) names.push("list");
  return names.map((name): ReporterDescription => {
    // Beside another reporter, a JSON report goes to a file instead of mixing into the console.
    if (name === "json" && names.length > 1 && !process.env.PLAYWRIGHT_JSON_OUTPUT_FILE && !process.env.PLAYWRIGHT_JSON_OUTPUT_NAME) {
      return ["json", { outputFile: "test-results/results.json" }];
    }
    return [name];
  });
}

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 2,
  // No retries, on CI either: a flaky test gets fixed, not retried.
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: reporters(),
  use: {
    baseURL,
    browserName: "chromium",
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: "npx tsx tests/e2e/serve.ts",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
