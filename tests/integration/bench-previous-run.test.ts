/** The benchmark's "beside the previous run" table (tests/bench/previous-run.ts), from a file it wrote. */
import { describe, expect, it } from "vitest";
import { besidePrevious, parsePreviousRun } from "../bench/previous-run.ts";

const COLUMNS = ["case", "rate", "p50 ms", "p95 ms", "p99 ms", "server CPU %", "CPU ms/op", "peak RSS MB", "vs baseline", "problems"] as const;

const previousDoc = `# Performance

## Machine

- Date: 2026-12-01 14:49 UTC
- Load average when the run started (1/5/15 min): 3.28 / 3.10 / 2.86

## Figures

| case | rate | p50 ms | p95 ms | p99 ms | server CPU % | CPU ms/op | peak RSS MB | vs baseline | problems |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |
| static file (baseline) | 4,780 req/s | 1 | — | 6 | 114 | 0.24 | 322 | (baseline) | — |
| discussion page, 1,000 comments (one request at a time) | 16 req/s | 60 | 77 | 129 | 102 | 63.80 | 805 | 0.10× of discussion page, 1,000 comments as a static file | — |
| a case with a pipe \\| in it (!) | 1 req/s | 1 | — | 2 | 3 | 4.00 | 5 | — | timeouts |

- a note
`;

describe("the benchmark beside its previous run", () => {
  it("reads the previous figures table and shows each case's figures before and now", () => {
    const previous = parsePreviousRun(previousDoc);
    expect(previous?.when).toBe("2026-12-01 14:49 UTC, load 3.28");
    expect(previous?.rows.get("discussion page, 1,000 comments (one request at a time)")?.["CPU ms/op"]).toBe("63.80");
    expect(previous?.rows.get("a case with a pipe | in it")?.problems).toBe("timeouts");

    const now = [
      ["discussion page, 1,000 comments (one request at a time)", "40 req/s", "20", "25", "31", "100", "21.50", "500", "0.30× of discussion page, 1,000 comments as a static file", "—"],
      ["a new case", "1 req/s", "1", "—", "1", "1", "1.00", "1", "—", "—"],
    ];
    const table = besidePrevious(now, COLUMNS, previous);
    expect(table).toContain("| discussion page, 1,000 comments (one request at a time) | 63.80 → 21.50 | 129 → 31 | 0.10× → 0.30× |");
    expect(table).toContain("| a new case | — → 1.00 | — → 1 | — → — |");
  });

  it("says so when there is nothing to compare with", () => {
    expect(parsePreviousRun(null)).toBeNull();
    expect(parsePreviousRun("# Performance\n\nno table")).toBeNull();
    expect(besidePrevious([], COLUMNS, null)).toMatch(/No previous run/);
  });
});
