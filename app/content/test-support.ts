/** Shared by the content tests: fixture paths and small builders. Not imported by application code. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { onTestFinished } from "vitest";

export const FIXTURES = path.resolve(import.meta.dirname, "../../tests/fixtures/content");
export const COURSE_FIXTURES = path.join(FIXTURES, "course");
export const BAD_FIXTURES = path.join(FIXTURES, "bad");

/** A fresh folder under the OS temp dir, removed when the current test finishes (call it inside a test). */
export function tempDir(prefix = "marginalia-content-"): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Lines joined with `\n` and a final newline, so test sources read like files. */
export function lines(...content: string[]): string {
  return `${content.join("\n")}\n`;
}
