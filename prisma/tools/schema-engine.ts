/**
 * Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm), loaded by hand: the
 * package expects a bundler to import its .wasm file. Used only to diff two schemas into SQL.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

let lastPanic = "";
// The wasm build reports a Rust panic through this global before throwing.
(globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = {
  set_message(message: string) {
    lastPanic = message;
  },
};

let engineModule: Promise<{ SchemaEngine: typeof SchemaEngine }> | undefined;

// Instantiate once per process: the bindings cache views of the wasm memory they were given first.
function loadEngineModule() {
  engineModule ??= instantiateEngineModule();
  return engineModule;
}

async function instantiateEngineModule() {
  const dir = path.dirname(fileURLToPath(import.meta.resolve("@prisma/schema-engine-wasm")));
  const bindings = await import(path.join(dir, "schema_engine_bg.js"));
  const { instance } = await WebAssembly.instantiate(readFileSync(path.join(dir, "schema_engine_bg.wasm")), {
    "./schema_engine_bg.js": bindings,
  });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  return bindings as { SchemaEngine: typeof SchemaEngine };
}

/**
 * SQL that takes a database from `fromSchema` (null: an empty database) to `toSchema`.
 * SQLite needs no server; PostgreSQL needs any reachable one (the engine reads its version).
 */
export async function diffSchemas(options: {
  provider: "sqlite" | "postgresql";
  fromSchema: string | null;
  toSchema: string;
  postgresUrl?: string;
}): Promise<string> {
  const { SchemaEngine } = await loadEngineModule();
  const factory =
    options.provider === "sqlite"
      ? new (await import("@prisma/adapter-better-sqlite3")).PrismaBetterSqlite3({ url: ":memory:" })
      : new (await import("@prisma/adapter-pg")).PrismaPg({
          connectionString: options.postgresUrl ?? "postgres://postgres@127.0.0.1:5432/postgres",
        });
  const adapter = bindMigrationAwareSqlAdapterFactory(factory as never);
  const engine = await SchemaEngine.new({ datamodels: [["schema.prisma", options.toSchema]] }, () => {}, adapter);
  try {
    const result = await engine.diff({
      from: options.fromSchema === null
        ? { tag: "empty" }
        : { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: options.fromSchema }] },
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: options.toSchema }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout ?? "";
  } catch (error) {
    throw new Error(`schema engine (${options.provider}) failed: ${lastPanic || (error as Error).message}`);
  } finally {
    engine.free();
  }
}

export function isEmptyMigration(sql: string): boolean {
  return sql.replace(/--.*$/gm, "").trim() === "";
}
