/** Shared by the content tests: fixture paths and small builders. Not imported by application code. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const FIXTURES = path.resolve(import.meta.dirname, "../../tests/fixtures/content");
export const COURSE_FIXTURES = path.join(FIXTURES, "course");
export const BAD_FIXTURES = path.join(FIXTURES, "bad");

export function tempDir(prefix = "marginalia-content-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Lines joined with `\n` and a final newline, so test sources read like files. */
export function lines(...content: string[]): string {
  return `${content.join("\n")}\n`;
}
