import { spawn } from "node:child_process";
import net from "node:net";
import { once } from "node:events";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { rootDir } from "../support/paths.ts";
import { freshDatabaseUrl } from "../support/server.ts";

/** The server as `npm start` runs it: the compiled build/server/main.js, plain Node, no TypeScript loader. */
function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--expose-gc", path.join(rootDir, "build", "server", "main.js")], {
    cwd: rootDir,
    env: { ...process.env, NODE_ENV: "production", PORT: "0", LOG_LEVEL: "info", SEED_DEMO: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

async function waitFor(predicate: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the server process", () => {
  it.each([
    [{ PORT: "eighty" }, /^Invalid environment: PORT="eighty": /],
    [{ DATABASE_URL: "mysql://localhost/x" }, /^Invalid environment: DATABASE_URL="mysql:\/\/localhost\/x": must start with "file:"/],
    [{ REDIS_URL: "localhost:6379" }, /^Invalid environment: REDIS_URL="localhost:6379": must start with "redis:\/\/"/],
  ])("stops on a bad environment value %j with one clear line", async (env, message) => {
    const { child, output } = startProcess(env);
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    const lines = output().trim().split("\n").filter((line) => !line.includes("npm warn"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it("serves, then on SIGTERM finishes in-flight requests and exits cleanly", async () => {
    const { child, output } = startProcess({ DATABASE_URL: await freshDatabaseUrl() });
    await waitFor(() => /ready at (http:\/\/\S+)/.test(output()));
    const url = /ready at (http:\/\/\S+)/.exec(output())![1]!;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // A request whose headers are half sent when the signal arrives is in flight by any definition.
    const { port } = new URL(url);
    const socket = net.connect(Number(port), "127.0.0.1");
    await once(socket, "connect");
    let response = "";
    socket.on("data", (chunk) => (response += chunk));
    socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill("SIGTERM");
    await waitFor(() => output().includes("SIGTERM: shutting down"));
    socket.write("Connection: close\r\n\r\n");
    await once(socket, "end");
    expect(response).toMatch(/^HTTP\/1.1 200 OK/);
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(output()).toContain("SIGTERM: shutting down");
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
