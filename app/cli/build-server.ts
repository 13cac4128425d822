/**
 * Compiles server.ts (and the app modules it imports) into build/server/main.js, so production runs
 * plain JavaScript: no TypeScript loader at run time (tsx costs ~30 MB and start-up time). Packages
 * stay in node_modules; the Remix build is loaded from build/server/index.js as before.
 */
import path from "node:path";
import { build } from "esbuild";

const rootDir = path.resolve(import.meta.dirname, "..", "..");
await build({
  entryPoints: [path.join(rootDir, "server.ts")],
  outfile: path.join(rootDir, "build", "server", "main.js"),
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
