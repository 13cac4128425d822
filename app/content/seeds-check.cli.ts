/**
 * `tsx app/content/seeds-check.cli.ts [folder]` — checks the importer against the real sample documents.
 * Prints what it found; exits 1 when anything differs from what is expected (or the folder is missing).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkSampleDocuments } from "./seeds-check.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dir = path.resolve(process.argv[2] ?? path.join(repoRoot, "../shared/seeds"));

try {
  const { lesson, summary } = checkSampleDocuments(dir);
  console.log(`Sample documents in ${dir}:`);
  console.log(`  lesson: ${lesson.format}, day ${lesson.day} of ${lesson.dayCount}, ${describeCounts(lesson.counts)}; refers to days ${lesson.referencedDays.join(", ")}`);
  console.log(`  summary: ${summary.format}, ${describeCounts(summary.counts)}; headings: ${summary.headings.join(" | ")}`);
  console.log("OK");
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(", ");
}
