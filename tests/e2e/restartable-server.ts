/**
 * A server of a browser test's own, which the test can stop and start again: the same production
 * build as the shared one (tests/e2e/serve.ts), in its own process, on a port and database file of
 * its own that survive the restart — as when an operator restarts Marginalia.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { rootDir, tmpDir } from "../support/paths.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export class RestartableServer {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    readonly databaseFile: string,
  ) {}

  /** localhost, as in playwright.config.ts: the session cookie behaves as it does for a user. */
  get url() {
    return `http://localhost:${this.port}`;
  }

  static async start(): Promise<RestartableServer> {
    const server = new RestartableServer(await freePort(), path.join(tmpDir, `e2e-restart-${Date.now().toString(36)}.db`));
    await server.start();
    return server;
  }

  /** Starts the process and resolves once it says it is ready (it answers from then on). */
  async start(): Promise<void> {
    if (this.child) throw new Error("already running");
    const child = spawn(process.execPath, ["--import", "tsx", path.join(rootDir, "tests", "e2e", "serve.ts")], {
      cwd: rootDir,
      env: { ...process.env, E2E_PORT: String(this.port), E2E_DATABASE: this.databaseFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("is ready at")) resolve();
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.once("exit", (code) => reject(new Error(`the test's server exited (${code}) before it was ready:\n${output}`)));
    });
  }

  /** Stops it as an operator would (SIGTERM: in-flight requests finish, sockets close) and waits until it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}
