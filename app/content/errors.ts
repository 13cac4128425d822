/** One problem with one input file, reported as `file:line: reason`. */
export interface ContentError {
  file: string;
  /** 1-based line, or null when the problem concerns the whole file. */
  line: number | null;
  reason: string;
}

export function contentError(file: string, line: number | null, reason: string): ContentError {
  return { file, line, reason };
}

export function formatContentError(error: ContentError): string {
  return error.line === null ? `${error.file}: ${error.reason}` : `${error.file}:${error.line}: ${error.reason}`;
}

/** Thrown when an import set has any problem; nothing of the set may be imported. */
export class ContentImportError extends Error {
  readonly errors: readonly ContentError[];

  constructor(errors: readonly ContentError[]) {
    const count = errors.length === 1 ? "1 problem" : `${errors.length} problems`;
    super(`Content import refused (${count}):\n${errors.map(formatContentError).join("\n")}`);
    this.name = "ContentImportError";
    this.errors = errors;
  }
}
