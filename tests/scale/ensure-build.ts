/**
 * Run as a child of tests/run-scale.ts, so that the production build (when it is missing or stale)
 * can be bounded in time: the runner ends this process group if it takes too long.
 */
import { ensureProductionBuild } from "../support/build.ts";

try {
  ensureProductionBuild();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
