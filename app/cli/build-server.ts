/**
 * Compiles server.ts (and the app modules it imports) into build/server/main.js, so production runs
 * plain JavaScript: no TypeScript loader at run time (tsx costs ~30 MB and start-up time). Packages
 * stay in node_modules; the Remix build is loaded from build/server/index.js as before.
 *
 * Code splitting keeps each dynamic `import()` a module of its own (build/server/chunks/): without
 * it esbuild inlines the imported module and hoists its package imports to the top of main.js, so
 * the Redis client (~27 MB of RSS) and the PostgreSQL client were loaded by every process, configured
 * or not (docs/decisions/0016).
 */
import path from "node:path";
import { build } from "esbuild";

const rootDir = path.resolve(import.meta.dirname, "..", "..");
await build({
  entryPoints: [path.join(rootDir, "server.ts")],
  outdir: path.join(rootDir, "build", "server"),
  entryNames: "main",
  chunkNames: "chunks/[name]-[hash]",
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  alias: { "~": path.join(rootDir, "app") },
  sourcemap: "linked",
  logLevel: "warning",
});
console.log("compiled server.ts → build/server/main.js");
