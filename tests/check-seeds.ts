/**
 * CI's check against the real sample documents (../shared/seeds): they are read from there, never
 * copied into the repository. Records its outcome in the run's summary.
 */
import path from "node:path";
import { checkSampleDocuments } from "~/content/seeds-check.ts";
import { recordResult } from "./summary.ts";

const dir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, "..", "..", "shared", "seeds"));
const started = Date.now();
const checks: [string, () => void | Promise<void>][] = [
  ["parse both formats (day 32 of 60, prompt, headings, list items)", () => void checkSampleDocuments(dir)],
];
let passed = 0;
let failed = 0;
for (const [name, check] of checks) {
  try {
    await check();
    passed += 1;
    console.log(`  ✓ ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`  × ${name}\n    ${(error as Error).message.split("\n").join("\n    ")}`);
  }
}
recordResult({ step: "sample documents (../shared/seeds)", ok: failed === 0, passed, failed, skipped: 0, seconds: (Date.now() - started) / 1000 });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
