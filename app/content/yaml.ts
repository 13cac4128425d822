/** YAML parsing with line numbers, and turning Zod issues into `file:line: reason` errors. */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { contentError, type ContentError } from "./errors.ts";
import { failed, ok, type Result } from "./types.ts";

type YamlPath = readonly PropertyKey[];

export interface YamlSource {
  /** The document as plain JavaScript data (null for an empty document). */
  value: unknown;
  /** File line of the node at `path` (the key's line for a mapping entry), or where its nearest existing ancestor's value starts. */
  lineOf(path: YamlPath): number | null;
}

/**
 * Parses YAML text. `lineOffset` is the number of file lines before the YAML text starts
 * (front matter starts after its opening `---`), so reported lines are file lines.
 */
export function parseYaml(text: string, sourceName: string, lineOffset = 0): Result<YamlSource> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return failed(
      doc.errors.map((error) => {
        const line = error.linePos?.[0].line;
        return contentError(sourceName, line === undefined ? null : line + lineOffset, `invalid YAML: ${firstSentence(error.message)}`);
      }),
    );
  }
  const lineAt = (offset: number) => lineCounter.linePos(offset).line + lineOffset;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Alias bombs and similar: toJS refuses them rather than expanding without bound.
    return failed([contentError(sourceName, lineOffset + 1, `invalid YAML: ${(error as Error).message}`)]);
  }
  return ok({ value: value ?? null, lineOf: (path) => lineOfPath(doc, path, lineAt) });
}

function firstSentence(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

function lineOfPath(doc: Document, path: YamlPath, lineAt: (offset: number) => number): number | null {
  let node: unknown = doc.contents;
  let line = rangeStart(node);
  for (const [index, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      // The last segment points at its key; an intermediate one at its value, where a missing key would go.
      const isLast = index === path.length - 1;
      line = (isLast ? rangeStart(pair.key) : (rangeStart(pair.value) ?? rangeStart(pair.key))) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      line = rangeStart(node) ?? line;
    } else {
      break;
    }
  }
  return line === null ? null : lineAt(line);
}

function rangeStart(node: unknown): number | null {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : null;
}

/** Turns Zod issues into errors pointing at the YAML line of the offending key. */
export function zodIssuesToErrors(issues: readonly z.core.$ZodIssue[], source: YamlSource, sourceName: string): ContentError[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) =>
        contentError(sourceName, source.lineOf([...issue.path, key]), `unknown key "${formatPath([...issue.path, key])}"`),
      );
    }
    const label = issue.path.length > 0 ? `${formatPath(issue.path)}: ` : "";
    return [contentError(sourceName, source.lineOf(issue.path), `${label}${issue.message}`)];
  });
}

/** `["readings", 2, "day"]` → `readings[2].day`. */
export function formatPath(path: YamlPath): string {
  return path
    .map((segment, index) => (typeof segment === "number" ? `[${segment}]` : `${index === 0 ? "" : "."}${String(segment)}`))
    .join("");
}
