import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const prismaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const schemaPaths = {
  sqlite: path.join(prismaDir, "schema.prisma"),
  postgres: path.join(prismaDir, "postgres", "schema.prisma"),
};

export const migrationDirs = {
  sqlite: path.join(prismaDir, "migrations"),
  postgres: path.join(prismaDir, "postgres", "migrations"),
};

/** The PostgreSQL copy of the schema: same models, other provider and client folder. */
export function postgresSchemaText(sqliteSchema: string): string {
  const banner =
    "// GENERATED from prisma/schema.prisma by prisma/tools/generate.ts: do not edit.\n";
  const swapped = sqliteSchema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/output\s*=\s*"\.\.\/app\/generated\/sqlite"/, 'output       = "../../app/generated/postgres"');
  if (swapped === sqliteSchema || !swapped.includes("generated/postgres")) {
    throw new Error("prisma/schema.prisma: could not derive the PostgreSQL schema (provider/output lines changed?)");
  }
  return banner + swapped;
}

export function writePostgresSchema(): string {
  const text = postgresSchemaText(readFileSync(schemaPaths.sqlite, "utf8"));
  mkdirSync(path.dirname(schemaPaths.postgres), { recursive: true });
  writeFileSync(schemaPaths.postgres, text);
  return text;
}

/** Environment for the Prisma CLI on machines that cannot download its Rust engine. */
export function prismaEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
  env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
  return env;
}
