/**
 * The previous run beside this one: before `npm run bench` rewrites docs/performance.md, the figures
 * table already there is read back (its cases by name), so the new file shows, for every case, the
 * previous run's CPU ms/op, p99 and ratio to the baseline next to this run's. A case that is new, or
 * renamed, has no previous figures ("—").
 */
export interface PreviousRun {
  /** The previous run's machine lines (date and load), as written. */
  when: string | null;
  rows: Map<string, Record<string, string>>;
}

/** Reads the "## Figures" table (and the run's date and load) of a performance.md written by the bench. */
export function parsePreviousRun(doc: string | null): PreviousRun | null {
  if (!doc) return null;
  const figures = doc.split(/^## Figures\s*$/m)[1];
  if (!figures) return null;
  const lines = figures.split("\n").filter((line) => line.startsWith("|"));
  if (lines.length < 3) return null;
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replace(/\\\|/g, "|"));
  const header = cells(lines[0]!);
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines.slice(2)) {
    const values = cells(line);
    const row = Object.fromEntries(header.map((name, index) => [name, values[index] ?? ""]));
    const name = (row.case ?? "").replace(/\s*\(!\)$/, "");
    if (name) rows.set(name, row);
  }
  const date = /^- Date: (.+)$/m.exec(doc)?.[1];
  const load = /^- Load average when the run started \(1\/5\/15 min\): ([\d.]+)/m.exec(doc)?.[1];
  return { when: date ? `${date}${load ? `, load ${load}` : ""}` : null, rows };
}

/** "0.10× of static file" → "0.10×". */
const ratio = (cell: string | undefined) => (cell && /^[\d.]+×/.test(cell) ? cell.split(" ")[0]! : "—");
const figure = (cell: string | undefined) => (cell && cell !== "" ? cell : "—");

/** Markdown: every case of this run with the previous run's figures beside its own. */
export function besidePrevious(current: string[][], columns: readonly string[], previous: PreviousRun | null): string {
  if (!previous) return "No previous run to compare with (docs/performance.md had no figures table).\n";
  const at = (name: string) => columns.indexOf(name);
  const lines = [
    `The previous run: ${previous.when ?? "date unknown"}. Each cell is previous → this run; "—" where a case is new or renamed.`,
    "",
    "| case | CPU ms/op | p99 ms | vs baseline |",
    "| --- | ---: | ---: | ---: |",
  ];
  for (const row of current) {
    const name = row[0]!.replace(/\s*\(!\)$/, "");
    const before = previous.rows.get(name);
    const pair = (column: string, format: (cell: string | undefined) => string) => `${before ? format(before[column]) : "—"} → ${format(row[at(column)])}`;
    lines.push(`| ${row[0]!.replace(/\|/g, "\\|")} | ${pair("CPU ms/op", figure)} | ${pair("p99 ms", figure)} | ${pair("vs baseline", ratio)} |`);
  }
  return `${lines.join("\n")}\n`;
}
