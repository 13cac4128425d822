/**
 * Generates both Prisma clients (SQLite and PostgreSQL) from prisma/schema.prisma.
 *
 * The PostgreSQL schema is a derived copy (provider and output swapped), never edited by hand.
 * Prisma's CLI refuses to run unless PRISMA_SCHEMA_ENGINE_BINARY names an existing file when the
 * Rust engine cannot be downloaded; generation itself uses the bundled wasm, so any file will do.
 * We only set it when unset, so a machine with internet access keeps the real engine.
 */
import { spawnSync } from "node:child_process";
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
