/**
 * Compression (issue 14): pages and data go out brotli- or gzip-compressed when the browser takes
 * it; the hashed assets come from the copies made at build time, byte for byte.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rootDir } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** A raw request (fetch would decompress): status, headers and the bytes as sent. */
function raw(urlPath: string, encoding: string | null) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const request = http.get(new URL(urlPath, server.url), { headers: encoding ? { "accept-encoding": encoding } : {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on("error", reject);
  });
}

const assetsDir = path.join(rootDir, "build", "client", "assets");
const largestScript = () =>
  readdirSync(assetsDir)
    .filter((name) => name.endsWith(".js"))
    .sort((a, b) => statSync(path.join(assetsDir, b)).size - statSync(path.join(assetsDir, a)).size)[0]!;

describe("compression", () => {
  it("compresses a page with brotli, or gzip, and not for a client that takes neither", async () => {
    const br = await raw("/login", "gzip, deflate, br");
    expect(br.status).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    const html = brotliDecompressSync(br.body).toString("utf8");
    expect(html).toContain("</html>");

    const gzip = await raw("/login", "gzip");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzip.body).toString("utf8")).toContain("</html>");

    const plain = await raw("/login", null);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
  });

  it("compresses single-fetch data", async () => {
    const data = await raw("/login.data", "br");
    expect(data.status).toBe(200);
    expect(data.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(data.body).length).toBeGreaterThan(data.body.length);
  });

  it("serves a hashed asset from its precompressed copy, immutable, with the security headers", async () => {
    const name = largestScript();
    const original = readFileSync(path.join(assetsDir, name));
    const br = await raw(`/assets/${name}`, "br, gzip");
    expect(br.status).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["content-type"]).toMatch(/javascript/);
    expect(br.headers["cache-control"]).toContain("immutable");
    expect(br.headers["x-content-type-options"]).toBe("nosniff");
    expect(br.body.equals(readFileSync(path.join(assetsDir, `${name}.br`)))).toBe(true);
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);

    const gzip = await raw(`/assets/${name}`, "gzip");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzip.body).equals(original)).toBe(true);

    const plain = await raw(`/assets/${name}`, null);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
  });

  it("answers a junk asset path as a miss, not an error", async () => {
    expect((await raw("/assets/../../package.json", "br")).status).toBe(404);
    expect((await raw("/assets/no-such-file.js", "br")).status).toBe(404);
  });
});
