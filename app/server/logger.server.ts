export type LogLevel = "silent" | "error" | "warn" | "info" | "debug";
const ORDER: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export interface Logger {
  error(message: string, error?: unknown): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const at = (wanted: LogLevel) => ORDER[level] >= ORDER[wanted];
  const line = (tag: string, message: string) => write(`${new Date().toISOString()} ${tag} ${message}`);
  return {
    error(message, error) {
      if (!at("error")) return;
      const detail = error instanceof Error ? `: ${error.stack ?? error.message}` : error ? `: ${String(error)}` : "";
      line("ERROR", message + detail);
    },
    warn: (message) => at("warn") && line("WARN ", message),
    info: (message) => at("info") && line("INFO ", message),
    debug: (message) => at("debug") && line("DEBUG", message),
  };
}
