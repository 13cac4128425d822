/**
 * Marginalia server processes for `npm run test:scale`: `node --import tsx server.ts`, production
 * build, port 0. Their log lines are kept (and written to tests/.tmp/scale-<schema>-<name>.log);
 * warnings, errors and anything that is not a log line (a crash) are echoed with the process's name.
 *
 * The processes log at "info" because the line that says which port they took,
 * "Marginalia is ready at …", is an info line: at LOG_LEVEL=warn a process on PORT=0 never says
 * where it listens. Info lines go to the log file only, so the console stays as quiet as at "warn".
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import path from "node:path";
import { rootDir, tmpDir } from "../support/paths.ts";

const READY = /Marginalia is ready at (http:\/\/\S+)/;
const LOG_LINE = /^\d{4}-\d\d-\d\dT\S+ (INFO|DEBUG|WARN |ERROR) /;

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  lines: string[];
  logFile: string;
  /** Resolves with the exit code (or the signal) once the process is gone. */
  exited: Promise<string>;
  alive(): boolean;
}

export function startServer(name: string, env: Record<string, string>, logName: string): ServerProcess {
  mkdirSync(tmpDir, { recursive: true });
  const logFile = path.join(tmpDir, `${logName}-${name}.log`);
  const file: WriteStream = createWriteStream(logFile);
  const child = spawn(process.execPath, ["--import", "tsx", path.join(rootDir, "server.ts")], {
    cwd: rootDir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let gone = false;
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => {
      gone = true;
      resolve(signal ?? String(code));
    });
    child.once("error", (error) => {
      gone = true;
      lines.push(`spawn failed: ${error.message}`);
      resolve("spawn-error");
    });
  });
  exited.finally(() => file.end());
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      partial += chunk;
      const complete = partial.split("\n");
      partial = complete.pop()!;
      for (const line of complete) {
        lines.push(line);
        file.write(`${line}\n`);
        const level = LOG_LINE.exec(line)?.[1];
        if ((level === undefined && line.trim() && !line.includes("npm warn")) || level === "WARN " || level === "ERROR") {
          console.log(`      [${name}] ${line}`);
        }
      }
    });
  }
  if (child.pid === undefined) lines.push("could not start the process");
  return { name, child, pid: child.pid ?? -1, lines, logFile, exited, alive: () => !gone && child.exitCode === null && child.signalCode === null };
}

/** The URL the process listens on, once it says it is ready; rejects if it exits or takes too long. */
export async function waitReady(server: ServerProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exitedWith: string | undefined;
  void server.exited.then((how) => (exitedWith = how));
  while (Date.now() < deadline) {
    for (const line of server.lines) {
      const match = READY.exec(line);
      if (match) return match[1]!;
    }
    if (exitedWith !== undefined) throw new Error(`process ${server.name} exited (${exitedWith}) before it was ready:\n${tail(server)}`);
    await sleep(50);
  }
  throw new Error(`process ${server.name} was not ready within ${timeoutMs / 1000} s:\n${tail(server)}`);
}

/** SIGTERM (or the given signal), then SIGKILL if it is still there after `graceMs`. */
export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = "SIGTERM", graceMs = 5_000): Promise<void> {
  if (!server.alive()) return;
  server.child.kill(signal);
  const timer = setTimeout(() => {
    if (server.alive()) server.child.kill("SIGKILL");
  }, graceMs);
  await server.exited;
  clearTimeout(timer);
}

export function tail(server: ServerProcess, count = 25): string {
  const lines = server.lines.slice(-count);
  return lines.length ? lines.map((line) => `        ${line}`).join("\n") : "        (no output)";
}

/**
 * If this runner is killed outright (SIGKILL: no handler runs), a detached watcher ends the server
 * processes it started, by their ids, within about a second. Stop it (`.kill()`) once the servers
 * are stopped normally.
 */
export function startReaper(pids: number[]): ChildProcess {
  // Only a process that is still a Marginalia server (a process id can be reused).
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; for p in ${pids.join(" ")}; do grep -qa server.ts /proc/$p/cmdline 2>/dev/null && kill -9 $p; done; exit 0`;
  const reaper = spawn("/bin/sh", ["-c", script], { detached: true, stdio: "ignore" });
  reaper.unref();
  return reaper;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
