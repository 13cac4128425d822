/** Reads an import set from disk: files and folders as given on the command line, plus an optional manifest. */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { contentError, ContentImportError, type ContentError } from "./errors.ts";
import { parseImportBuffers, type ImportSet, type SourceFile } from "./import-set.ts";
import { MANIFEST_FILE_NAMES } from "./manifest.ts";
import { MAX_FILE_BYTES, tooLargeReason } from "./parse.ts";

export { parseImportBuffers };
export type { ImportCourse, ImportSet, ResolvedReading, SourceFile } from "./import-set.ts";

const CONTENT_FILE = /\.(md|markdown|txt)$/i;

export interface LoadOptions {
  /** An explicit manifest; it takes the place of any `manifest.yaml` found in a folder. */
  manifestPath?: string;
}

interface Gathered {
  files: string[];
  manifests: string[];
  errors: ContentError[];
}

/** Reads, checks and resolves the given files and folders. Throws one ContentImportError listing every problem. */
export async function loadImportSet(paths: readonly string[], opts: LoadOptions = {}): Promise<ImportSet> {
  const gathered: Gathered = { files: [], manifests: [], errors: [] };
  for (const given of paths) await gather(given, gathered);

  const manifestPath = chooseManifest(opts.manifestPath, gathered);
  const sources = await readSources(gathered.files, gathered.errors);
  const manifestText = manifestPath === undefined ? undefined : await readManifest(manifestPath, gathered.errors);
  if (gathered.errors.length > 0) throw new ContentImportError(gathered.errors);

  return parseImportBuffers(sources, manifestText, manifestPath);
}

async function gather(given: string, into: Gathered): Promise<void> {
  const info = await stat(given).catch(() => null);
  if (!info) {
    into.errors.push(contentError(given, null, "no such file or folder"));
  } else if (info.isDirectory()) {
    // Only files directly inside the folder, in name order, so the import order never depends on the file system.
    const names = (await readdir(given, { withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      if (isManifestName(name)) into.manifests.push(path.join(given, name));
      // A folder's README is for the people who keep it, not a reading (name it explicitly to import it).
      else if (CONTENT_FILE.test(name) && !/^readme\./i.test(name)) into.files.push(path.join(given, name));
    }
  } else if (isManifestName(path.basename(given))) {
    into.manifests.push(given);
  } else if (CONTENT_FILE.test(given)) {
    into.files.push(given);
  } else {
    into.errors.push(contentError(given, null, "not a content file: only .md, .markdown and .txt files are imported"));
  }
}

function isManifestName(name: string): boolean {
  return (MANIFEST_FILE_NAMES as readonly string[]).includes(name.toLowerCase());
}

function chooseManifest(explicit: string | undefined, gathered: Gathered): string | undefined {
  if (explicit !== undefined) return explicit;
  if (gathered.manifests.length > 1) {
    for (const extra of gathered.manifests.slice(1)) {
      gathered.errors.push(contentError(extra, null, `more than one manifest found (also ${gathered.manifests[0]}); pass one with --manifest`));
    }
  }
  return gathered.manifests[0];
}

/** Sizes are checked with stat before reading, so an oversized file is never loaded into memory. */
async function readSources(files: readonly string[], errors: ContentError[]): Promise<SourceFile[]> {
  const sources: SourceFile[] = [];
  for (const file of files) {
    const data = await readWithinLimit(file, errors);
    if (data) sources.push({ name: file, data });
  }
  return sources;
}

async function readWithinLimit(file: string, errors: ContentError[]): Promise<Buffer | null> {
  try {
    const { size } = await stat(file);
    if (size <= MAX_FILE_BYTES) return await readFile(file);
    errors.push(contentError(file, null, tooLargeReason(size)));
  } catch (error) {
    errors.push(contentError(file, null, `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`));
  }
  return null;
}

async function readManifest(manifestPath: string, errors: ContentError[]): Promise<string | undefined> {
  const data = await readWithinLimit(manifestPath, errors);
  if (!data) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    errors.push(contentError(manifestPath, null, "the manifest is not UTF-8 text"));
    return undefined;
  }
}
