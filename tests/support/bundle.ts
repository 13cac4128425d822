/**
 * The JavaScript a page loads before it runs, read from the production build: Remix's manifest
 * (build/client/assets/manifest-*.js) names the entry, the root and each route with the chunks it
 * imports — exactly the `<link rel="modulepreload">` list a page of that route gets — and
 * build/client-chunks.json (written by vite.config.ts) says which modules each chunk holds. Chunks
 * loaded later by a dynamic `import()` are not part of it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { rootDir } from "./paths.ts";

const clientDir = path.join(rootDir, "build", "client");
const chunksFile = path.join(rootDir, "build", "client-chunks.json");

/** The group lesson page, /groups/:groupId/day/:day. */
export const LESSON_ROUTE = "routes/groups.$groupId.day.$day";

interface ManifestEntry {
  module: string;
  imports?: string[];
}

interface RemixManifest {
  entry: ManifestEntry;
  routes: Record<string, ManifestEntry & { parentId?: string }>;
}

interface ChunkInfo {
  file: string;
  isDynamicEntry: boolean;
  imports: string[];
  dynamicImports: string[];
  /** Module path (relative to the project) → its minified length in the chunk. */
  modules: Record<string, number>;
}

export interface RouteScripts {
  route: string;
  /** The files, as URLs (/assets/…), in no particular order. */
  files: { url: string; rawBytes: number; gzipBytes: number; modules: string[] }[];
  rawBytes: number;
  gzipBytes: number;
  /** npm packages with a module in those files (e.g. "react-dom", "@remix-run/router"). */
  packages: string[];
  /** The chunks those files load on demand (dynamic imports), as URLs. */
  onDemand: string[];
}

function readRemixManifest(): RemixManifest {
  const assets = path.join(clientDir, "assets");
  const file = readdirSync(assets).find((name) => /^manifest-[0-9a-f]+\.js$/.test(name));
  if (!file) throw new Error("no Remix manifest in build/client/assets: run `npm run build`");
  const source = readFileSync(path.join(assets, file), "utf8");
  return JSON.parse(source.replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, "")) as RemixManifest;
}

function readChunks(): Map<string, ChunkInfo> {
  if (!existsSync(chunksFile)) throw new Error("no build/client-chunks.json: run `npm run build`");
  const { chunks } = JSON.parse(readFileSync(chunksFile, "utf8")) as { chunks: ChunkInfo[] };
  return new Map(chunks.map((chunk) => [`/${chunk.file}`, chunk]));
}

/** The package a module path belongs to, if it is in node_modules. */
export function packageOf(modulePath: string): string | null {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(modulePath);
  return match ? match[1]! : null;
}

/** Bytes sent with gzip: the precompressed copy the server sends (app/cli/precompress.ts), else gzip -9. */
function gzipSize(file: string): number {
  if (existsSync(`${file}.gz`)) return readFileSync(`${file}.gz`).length;
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

/** The JavaScript a page of `route` (and its parents, the root and the entry) loads before it runs. */
export function routeScripts(route: string = LESSON_ROUTE): RouteScripts {
  const manifest = readRemixManifest();
  const chunks = readChunks();
  const urls = new Set<string>();
  const add = (entry: ManifestEntry) => {
    urls.add(entry.module);
    for (const url of entry.imports ?? []) urls.add(url);
  };
  add(manifest.entry);
  for (let id: string | undefined = route; id; id = manifest.routes[id]?.parentId) {
    const entry = manifest.routes[id];
    if (!entry) throw new Error(`the build has no route "${id}"`);
    add(entry);
  }
  const files = [...urls].map((url) => {
    const file = path.join(clientDir, url);
    const chunk = chunks.get(url);
    if (!chunk) throw new Error(`build/client-chunks.json does not know ${url}: rebuild`);
    return { url, rawBytes: readFileSync(file).length, gzipBytes: gzipSize(file), modules: Object.keys(chunk.modules) };
  });
  const packages = new Set(files.flatMap((file) => file.modules.flatMap((module) => packageOf(module) ?? [])));
  const onDemand = new Set(files.flatMap((file) => chunks.get(file.url)!.dynamicImports.map((name) => `/${name}`)).filter((url) => !urls.has(url)));
  return {
    route,
    files,
    rawBytes: files.reduce((sum, file) => sum + file.rawBytes, 0),
    gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0),
    packages: [...packages].sort(),
    onDemand: [...onDemand].sort(),
  };
}

/** The packages in the chunks a page loads on demand (what `onDemand` holds). */
export function onDemandPackages(scripts: RouteScripts): string[] {
  return [...new Set(onDemandModules(scripts).flatMap((module) => packageOf(module) ?? []))].sort();
}

/** The modules in the chunks a page loads on demand (what `onDemand` holds, and what those import). */
export function onDemandModules(scripts: RouteScripts): string[] {
  const chunks = readChunks();
  const found = new Set<string>();
  const seen = new Set<string>();
  const visit = (url: string) => {
    if (seen.has(url)) return;
    seen.add(url);
    const chunk = chunks.get(url);
    if (!chunk) return;
    for (const module of Object.keys(chunk.modules)) found.add(module);
    for (const name of chunk.imports) visit(`/${name}`);
  };
  for (const url of scripts.onDemand) visit(url);
  return [...found].sort();
}
