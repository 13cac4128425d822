import type { ImportResult } from "./content.server.ts";

/** One line per reading: what an import did, for the command line and the upload page. */
export function describeImport(result: ImportResult): string[] {
  const lines = [`Course ${result.courseSlug}${result.courseCreated ? " (created)" : ""}:`];
  for (const reading of result.readings) {
    const where = `Day ${reading.day} ${reading.reading} (${reading.sourceName})`;
    if (reading.status === "unchanged") {
      lines.push(`  ${where}: unchanged, still revision ${reading.revision}`);
      continue;
    }
    const matched = Object.entries(reading.matched)
      .filter(([, count]) => count > 0)
      .map(([how, count]) => `${count} ${how}`)
      .join(", ");
    const threads = Object.entries(reading.reanchored)
      .filter(([, count]) => count > 0)
      .map(([how, count]) => `${count} ${how}`)
      .join(", ");
    lines.push(`  ${where}: ${reading.status} revision ${reading.revision}, ${reading.passages} passages (${matched})${threads ? `; threads re-attached: ${threads}` : ""}`);
  }
  return lines;
}
