/**
 * npm run content:import -- <folder or file>... [--manifest <file>] [--owner <email>]
 *
 * Imports lesson files (docs/content-format.md) into the database named by DATABASE_URL (default:
 * the app's SQLite file), migrating it first if needed. All files are checked before anything is
 * written; one problem anywhere and nothing is imported.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { ContentImportError } from "~/content/errors.ts";
import { loadImportSet } from "~/content/load.server.ts";
import { prepareDatabase } from "~/db/prepare.server.ts";
import { EnvError, parseEnv } from "~/env.server.ts";
import { describeImport } from "~/models/content-report.ts";
import { ImportRefused, importContent } from "~/models/content.server.ts";
import { findUserByEmail } from "~/models/user.server.ts";
import { createLogger } from "~/server/logger.server.ts";

const usage = "Usage: npm run content:import -- <folder or file>... [--manifest <file>] [--owner <email>]";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { manifest: { type: "string" }, owner: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help || positionals.length === 0) {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  const env = parseEnv(process.env);
  let set;
  try {
    set = await loadImportSet(positionals.map((entry) => path.resolve(entry)), {
      manifestPath: values.manifest ? path.resolve(values.manifest) : undefined,
    });
  } catch (error) {
    if (error instanceof ContentImportError) {
      console.error(`Nothing was imported: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const rootDir = path.resolve(import.meta.dirname, "..", "..");
  const database = await prepareDatabase(env.database, { rootDir, logger: createLogger("warn") });
  try {
    let ownerId: string | undefined;
    if (values.owner) {
      const owner = await findUserByEmail(database.db, values.owner);
      if (!owner) {
        console.error(`Nothing was imported: no account has the email ${values.owner}.`);
        return 1;
      }
      ownerId = owner.id;
    }
    const result = await importContent(database.db, set, { ownerId });
    for (const line of describeImport(result)) console.log(line);
    return 0;
  } catch (error) {
    if (error instanceof ImportRefused) {
      console.error(`Nothing was imported: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof EnvError ? error.message : `Import failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
