import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { rootDir } from "./paths.ts";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "generated") newest = Math.max(newest, newestMtime(full));
    } else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the production bundle when it is missing or older than the app's sources. */
export function ensureProductionBuild() {
  const buildFile = path.join(rootDir, "build", "server", "index.js");
  const stale =
    !existsSync(buildFile) ||
    statSync(buildFile).mtimeMs < Math.max(newestMtime(path.join(rootDir, "app")), statSync(path.join(rootDir, "vite.config.ts")).mtimeMs);
  if (!stale) return;
  // NODE_ENV=test (set by Vitest) would give the browser React's development build.
  const result = spawnSync("npx", ["remix", "vite:build"], {
    cwd: rootDir,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error("npm run build failed");
}
