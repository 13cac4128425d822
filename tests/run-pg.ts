/**
 * npm run test:pg — the integration suite on PostgreSQL (default postgres://postgres@127.0.0.1:5432/test,
 * or TEST_POSTGRES_URL). Every test file gets a fresh schema; the run's schemas are dropped at the end.
 */
import { postgresProblem } from "./support/services.ts";
import { vitest } from "./steps.ts";
import { clearResults, printSummary } from "./summary.ts";

const url = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const problem = await postgresProblem(url);
if (problem) {
  console.error(`PostgreSQL is not reachable at ${url} (${problem}). Start it, or set TEST_POSTGRES_URL.`);
  process.exit(1);
}
clearResults();
vitest("vitest (integration, PostgreSQL)", ["tests/integration", ...process.argv.slice(2)], { TEST_POSTGRES_URL: url });
process.exit(printSummary() ? 0 : 1);
