/**
 * The production build, made only when it is missing or older than what it is built from:
 * `npm start` and the test runners call this, so an unchanged app starts without rebuilding.
 *   npx tsx app/cli/build.ts          build if stale (prints which)
 *   npx tsx app/cli/build.ts --force  build
 * A build is complete once `build/.built` exists (written by app/cli/precompress.ts, its last step).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const rootDir = path.resolve(import.meta.dirname, "..", "..");
export const BUILD_STAMP = path.join(rootDir, "build", ".built");

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

/** Whether the build is older than the app, its public files or its build configuration. */
export function buildIsStale(): boolean {
  if (!existsSync(BUILD_STAMP)) return true;
  const sources = ["app", "public", "vite.config.ts", "tsconfig.json", "package-lock.json"].map((name) => newestMtime(path.join(rootDir, name)));
  return statSync(BUILD_STAMP).mtimeMs < Math.max(...sources);
}

/** Runs `npm run build` when the build is stale (or always, with `force`). */
export function ensureProductionBuild(options: { force?: boolean; quiet?: boolean } = {}): "built" | "current" {
  if (!options.force && !buildIsStale()) return "current";
  // NODE_ENV=test (set by Vitest) would give the browser React's development build.
  const result = spawnSync("npm", ["run", "build"], {
    cwd: rootDir,
    stdio: options.quiet ? ["ignore", "ignore", "inherit"] : "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error("npm run build failed");
  return "built";
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outcome = ensureProductionBuild({ force: process.argv.includes("--force") });
  if (outcome === "current") console.log("The build is current: not rebuilding (npx tsx app/cli/build.ts --force to rebuild).");
}
