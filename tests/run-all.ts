/**
 * npm test — type-check, production build, Vitest (unit + integration on SQLite with the real server),
 * Playwright (Debian Chromium against the production build), then one summary.
 * Every step runs even when an earlier one fails, so one run shows everything that is wrong.
 */
import { build, playwright, typecheck, vitest } from "./steps.ts";
import { clearResults, printSummary } from "./summary.ts";

clearResults();
typecheck();
const built = build();
vitest("vitest (unit + integration, SQLite)", []);
if (built) playwright("playwright (e2e)");
process.exit(printSummary() ? 0 : 1);
