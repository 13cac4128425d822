/**
 * After `remix vite:build`: writes a brotli (`.br`) and a gzip (`.gz`) copy beside every compressible
 * hashed asset of the client build, at the highest levels (done once, so the server never spends CPU
 * on them). server.ts serves them (app/server/compression.server.ts).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { BUILD_STAMP } from "./build.ts";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dir = path.resolve(import.meta.dirname, "..", "..", "build", "client", "assets");
const COMPRESSIBLE = /\.(js|mjs|css|svg|json|txt|html|map)$/;

let files = 0;
let before = 0;
let after = 0;
for (const name of readdirSync(dir, { recursive: true }) as string[]) {
  const file = path.join(dir, name);
  if (!COMPRESSIBLE.test(name) || !statSync(file).isFile() || statSync(file).size < 1024) continue;
  const data = readFileSync(file);
  const br = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  writeFileSync(`${file}.br`, br);
  writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
  files += 1;
  before += data.length;
  after += br.length;
}
console.log(`precompressed ${files} assets: ${(before / 1024).toFixed(0)} KB → ${(after / 1024).toFixed(0)} KB with brotli`);
// The build is complete: app/cli/build.ts compares this stamp with the sources.
writeFileSync(BUILD_STAMP, `${new Date().toISOString()}\n`);
