import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type Plugin } from "vite";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

/** Where the client build's chunk map goes (outside build/client, so it is never served). */
export const CLIENT_CHUNKS_FILE = path.resolve(import.meta.dirname, "build", "client-chunks.json");

/**
 * Writes, for the client build, every chunk's file, its static and dynamic imports and the modules
 * in it with their minified lengths (paths relative to the project) to build/client-chunks.json: what the bundle checks
 * (tests/support/bundle.ts) read to tell which packages a page's initial JavaScript holds.
 */
function clientChunkMap(): Plugin {
  let ssr = false;
  let root = "";
  return {
    name: "marginalia:client-chunk-map",
    apply: "build",
    configResolved(config) {
      ssr = Boolean(config.build.ssr);
      root = config.root;
    },
    generateBundle(_options, bundle) {
      if (ssr) return;
      const chunks = Object.values(bundle).flatMap((output) =>
        output.type === "chunk"
          ? [{
              file: output.fileName,
              isEntry: output.isEntry,
              isDynamicEntry: output.isDynamicEntry,
              imports: output.imports,
              dynamicImports: output.dynamicImports,
              // Each module's path relative to the project, and its length in the chunk (minified, before gzip).
              modules: Object.fromEntries(
                Object.entries(output.modules).map(([id, info]) => [path.relative(root, id.replace(/^\0/, "")).split(path.sep).join("/"), info.renderedLength]),
              ),
            }]
          : [],
      );
      mkdirSync(path.dirname(CLIENT_CHUNKS_FILE), { recursive: true });
      writeFileSync(CLIENT_CHUNKS_FILE, `${JSON.stringify({ chunks }, null, 1)}\n`);
    },
  };
}

export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  server: { hmr: process.env.NODE_ENV === "test" ? false : undefined },
  build: { target: "es2022" },
  plugins: [
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
    clientChunkMap(),
  ],
});
