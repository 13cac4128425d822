import type { TestProject } from "vitest/node";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { ensureProductionBuild } from "../support/build.ts";
import { dropSchemasWithPrefix, migrateAndSeed, postgresBaseUrl, uniqueName } from "../support/database.ts";
import { templateDbFile, tmpDir } from "../support/paths.ts";

/** Runs once per Vitest run: the production build and a migrated, seeded template database. */
export default async function globalSetup(project: TestProject) {
  ensureProductionBuild();
  mkdirSync(tmpDir, { recursive: true });
  for (const name of readdirSync(tmpDir)) if (/^db_.*\.db/.test(name)) rmSync(path.join(tmpDir, name), { force: true });
  if (postgresBaseUrl) {
    const prefix = uniqueName("run");
    project.provide("schemaPrefix", prefix);
    return async () => dropSchemasWithPrefix(postgresBaseUrl!, prefix);
  }
  for (const suffix of ["", "-wal", "-shm", ".lock"]) rmSync(templateDbFile + suffix, { force: true });
  await migrateAndSeed(`file:${templateDbFile}`);
  return undefined;
}

declare module "vitest" {
  export interface ProvidedContext {
    schemaPrefix: string;
  }
}
