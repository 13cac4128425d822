/**
 * Generates both Prisma clients (SQLite and PostgreSQL) from prisma/schema.prisma.
 *
 * The PostgreSQL schema is a derived copy (provider and output swapped), never edited by hand.
 * Prisma's CLI refuses to run unless PRISMA_SCHEMA_ENGINE_BINARY names an existing file when the
 * Rust engine cannot be downloaded; generation itself uses the bundled wasm, so any file will do.
 * We only set it when unset, so a machine with internet access keeps the real engine.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writePostgresSchema, schemaPaths, prismaEnv } from "./schemas.ts";

writePostgresSchema();
for (const schema of [schemaPaths.sqlite, schemaPaths.postgres]) {
  const result = spawnSync("npx", ["prisma", "generate", "--schema", schema], {
    stdio: ["ignore", "inherit", "inherit"],
    env: prismaEnv(),
  });
  if (result.status !== 0) {
    console.error(`prisma generate failed for ${schema}`);
    process.exit(result.status ?? 1);
  }
}

/**
 * The generated clients import the query compiler's WebAssembly as a module holding one 2 MB base64
 * string: Node's module cache then keeps that source and the string for the life of the process
 * (about 4 MB of heap for bytes used once). Read as text instead, they are garbage once compiled
 * (docs/decisions/0016). If a Prisma upgrade changes the generated code, this says so and changes
 * nothing: the clients work either way.
 */
const WASM_IMPORT = /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/[\w.]+\.wasm-base64\.mjs)"\)\n(\s*)return await decodeBase64AsWasm\(wasm\)/;
for (const provider of ["sqlite", "postgres"]) {
  const file = path.join(import.meta.dirname, "..", "..", "app", "generated", provider, "internal", "class.ts");
  const source = readFileSync(file, "utf8");
  const patched = source.replace(
    WASM_IMPORT,
    (_, specifier: string, indent: string) =>
      `// Read as text, not imported: the module cache would keep the 2 MB string (prisma/tools/generate.ts).\n` +
      `${indent}const { readFile } = await import("node:fs/promises")\n` +
      `${indent}const { createRequire } = await import("node:module")\n` +
      `${indent}const text = await readFile(createRequire(import.meta.url).resolve("${specifier}"), "utf8")\n` +
      `${indent}return await decodeBase64AsWasm(text.slice(text.indexOf('"') + 1, text.lastIndexOf('"')))`,
  );
  if (patched === source) console.warn(`prisma/tools/generate.ts: ${path.relative(process.cwd(), file)} does not import the wasm as expected; left as generated`);
  else writeFileSync(file, patched);
}
