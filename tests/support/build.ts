import { ensureProductionBuild as ensure } from "../../app/cli/build.ts";

/** Builds the production bundle (`npm run build`) when it is missing or older than the app's sources. */
export function ensureProductionBuild() {
  ensure({ quiet: true });
}
