/**
 * Compression. Pages, `.data` and JSON are compressed as they stream out (brotli when the browser
 * takes it, else gzip); the hashed build assets are compressed once, at build time
 * (app/cli/precompress.ts), and served from their `.br` / `.gz` copies.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { constants } from "node:zlib";
import compression from "compression";
import type express from "express";

/** Compressible responses made per request. Quality 4 brotli: most of the gain at a small CPU cost. */
export function dynamicCompression(): express.RequestHandler {
  return compression({
    threshold: 1024,
    brotli: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
}

const ENCODINGS = [
  { name: "br", suffix: ".br" },
  { name: "gzip", suffix: ".gz" },
] as const;

/**
 * Serves `<file>.br` or `<file>.gz` beside a build asset when the request accepts it. The list of
 * copies is read once at start-up, so a request never touches the disk to look for one.
 */
export function precompressedAssets(dir: string, cacheControl: string): express.RequestHandler {
  const available = new Map<string, Set<string>>();
  if (existsSync(dir)) {
    for (const name of readdirSync(dir, { recursive: true }) as string[]) {
      for (const { name: encoding, suffix } of ENCODINGS) {
        if (!name.endsWith(suffix)) continue;
        const original = name.slice(0, -suffix.length);
        if (!available.has(original)) available.set(original, new Set());
        available.get(original)!.add(encoding);
      }
    }
  }
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const relative = req.path.replace(/^\/+/, "");
    const encodings = available.get(relative);
    if (!encodings) return next();
    const accepted = req.acceptsEncodings([...encodings]);
    const chosen = ENCODINGS.find((encoding) => encoding.name === accepted);
    if (!chosen) return next();
    res.setHeader("Vary", "Accept-Encoding");
    res.setHeader("Content-Encoding", chosen.name);
    res.setHeader("Cache-Control", cacheControl);
    res.type(path.extname(relative));
    res.sendFile(path.join(dir, relative + chosen.suffix), { cacheControl: false, lastModified: false }, (error) => {
      if (error) next(error);
    });
  };
}
