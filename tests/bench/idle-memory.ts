/**
 * Idle memory of one production process, as `npm start` runs it: `node <the start script's flags>
 * build/server/main.js` with NODE_ENV=production on a data folder of its own (SQLite, the demo
 * course and accounts seeded by the server itself). The first start migrates and seeds; the process
 * measured is the second start on that data (a restart, as a server runs day to day), after the home
 * page, the demo group's page and its day-1 lesson (signed in as the demo member) were each loaded a
 * few times, once its RSS has stopped moving (readings start after the server's idle collection is
 * due, app/server/idle-gc.server.ts). The first start's figure is reported beside it.
 *
 *   npx tsx tests/bench/idle-memory.ts     prints both figures (the build must be current)
 *   IDLE_NODE_FLAGS="--max-semi-space-size=2" npx tsx tests/bench/idle-memory.ts   other node flags
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { IDLE_GC_QUIET_MS } from "../../app/server/idle-gc.server.ts";
import { TestClient } from "../support/client.ts";
import { rootDir, tmpDir } from "../support/paths.ts";

const READY_TIMEOUT_MS = 60_000;
const LOADS_PER_PAGE = 5;
/** RSS is read every SAMPLE_MS; it is settled once it moved less than SETTLED_MB over SETTLED_SAMPLES readings. */
const SAMPLE_MS = 500;
const SETTLED_SAMPLES = 8;
const SETTLED_MB = 1;
const SETTLE_MAX_MS = 20_000;
/** Readings start once the server's idle collection (app/server/idle-gc.server.ts) is due, and has run. */
const FIRST_READING_MS = IDLE_GC_QUIET_MS + 5_000;
const DEMO_MEMBER = { email: "member@example.org", password: "marginalia-demo" };
const DEMO_GROUP_NAME = "Evening readers";

export interface IdleMemory {
  /** RSS of the restarted process, settled after the page loads. */
  rssMb: number;
  /** The same on the very first start (which migrated the database and seeded the demo). */
  firstStartRssMb: number;
  /** The node flags the start script runs main.js with. */
  nodeFlags: string[];
  /** The variables it sets (NODE_ENV aside). */
  env: Record<string, string>;
  /** Whether the restarted process's RSS settled within the time allowed (if not, its last reading). */
  settled: boolean;
}

function startCommandWords(): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(rootDir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const command = scripts.start!.split("&&").map((part) => part.trim()).find((part) => part.includes("build/server/main.js"));
  if (!command) throw new Error("package.json's start script does not run build/server/main.js");
  return command.split(/\s+/);
}

/** The flags between `node` and `build/server/main.js` in package.json's start script. */
export function startScriptNodeFlags(): string[] {
  const words = startCommandWords();
  return words.slice(words.indexOf("node") + 1, words.indexOf("build/server/main.js"));
}

/** The variables the start script sets before `node` (with cross-env), NODE_ENV aside. */
export function startScriptEnv(): Record<string, string> {
  const words = startCommandWords();
  const assignments = words.slice(0, words.indexOf("node")).flatMap((word) => (/^[A-Z_][A-Z0-9_]*=/.test(word) ? [word.split("=") as [string, string]] : []));
  return Object.fromEntries(assignments.filter(([name]) => name !== "NODE_ENV"));
}

/** Resident memory of a process in MB (Linux /proc; `ps` elsewhere). */
export function rssMbOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
    if (Number.isFinite(kb)) return kb / 1024;
  } catch {
    // Not Linux: ask ps.
  }
  return Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).trim()) / 1024;
}

interface Started {
  child: ChildProcess;
  url: string;
}

export function startServer(dataDir: string, flags: string[]): Promise<Started> {
  const child = spawn(process.execPath, [...flags, path.join(rootDir, "build", "server", "main.js")], {
    cwd: rootDir,
    env: { ...process.env, ...startScriptEnv(), NODE_ENV: "production", HOST: "127.0.0.1", PORT: "0", DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", LOG_LEVEL: "warn", COOKIE_SECURE: "false", SEED_DEMO: "true" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the production server did not start within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      output += chunk;
      const url = /ready at (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the production server exited before it was ready (${signal ?? `code ${code}`}): ${output.slice(-300)}`));
    });
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

async function expectOk(response: Response, what: string): Promise<string> {
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${what} answered ${response.status}`);
  return body;
}

/** The home page, the demo group's page and its day-1 lesson, each LOADS_PER_PAGE times, as the demo member. */
export async function loadPages(url: string): Promise<void> {
  const client = new TestClient(url);
  for (let index = 0; index < LOADS_PER_PAGE; index += 1) await expectOk(await client.get("/"), "GET / (signed out)");
  const login = await client.logIn(DEMO_MEMBER.email, DEMO_MEMBER.password);
  if (login.status !== 302 || !client.sessionToken()) throw new Error(`logging in as the demo member answered ${login.status}`);
  const groups = await expectOk(await client.get("/groups"), "GET /groups");
  const anchor = new RegExp(`href="(/groups/[^"/]+)"[^>]*>(?:<[^>]+>)*\\s*${DEMO_GROUP_NAME}`).exec(groups);
  if (!anchor) throw new Error(`GET /groups did not link to "${DEMO_GROUP_NAME}"`);
  const group = anchor[1]!;
  for (let index = 0; index < LOADS_PER_PAGE; index += 1) {
    await expectOk(await client.get("/"), "GET / (signed in)");
    await expectOk(await client.get(group), `GET ${group}`);
    await expectOk(await client.get(`${group}/day/1`), `GET ${group}/day/1`);
  }
}

/** Waits until the process's RSS stops moving; its last reading, and whether it settled. */
async function settledRss(pid: number): Promise<{ rssMb: number; settled: boolean }> {
  await new Promise((resolve) => setTimeout(resolve, FIRST_READING_MS));
  const readings: number[] = [];
  const started = performance.now();
  for (;;) {
    readings.push(rssMbOf(pid));
    const recent = readings.slice(-SETTLED_SAMPLES);
    if (recent.length === SETTLED_SAMPLES && Math.max(...recent) - Math.min(...recent) < SETTLED_MB) return { rssMb: recent.at(-1)!, settled: true };
    if (performance.now() - started > SETTLE_MAX_MS) return { rssMb: readings.at(-1)!, settled: false };
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
  }
}

async function measureOnce(dataDir: string, flags: string[]) {
  const { child, url } = await startServer(dataDir, flags);
  try {
    await loadPages(url);
    return await settledRss(child.pid!);
  } finally {
    await stopServer(child);
  }
}

/** Starts the production server twice on fresh demo data (see the top of this file) and reads its idle RSS. */
export async function measureIdleMemory(): Promise<IdleMemory> {
  mkdirSync(tmpDir, { recursive: true });
  const dataDir = mkdtempSync(path.join(tmpDir, "idle-memory-"));
  // IDLE_NODE_FLAGS (space-separated) tries other flags than the start script's.
  const nodeFlags = process.env.IDLE_NODE_FLAGS === undefined ? startScriptNodeFlags() : process.env.IDLE_NODE_FLAGS.split(/\s+/).filter(Boolean);
  try {
    const first = await measureOnce(dataDir, nodeFlags);
    const restarted = await measureOnce(dataDir, nodeFlags);
    return { rssMb: restarted.rssMb, firstStartRssMb: first.rssMb, nodeFlags, env: startScriptEnv(), settled: restarted.settled };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function idleMemoryLine(memory: IdleMemory): string {
  const flags = memory.nodeFlags.length ? ` ${memory.nodeFlags.join(" ")}` : "";
  const env = Object.entries(memory.env).map(([name, value]) => `${name}=${value} `).join("");
  return (
    `Idle production process (${env}node${flags} build/server/main.js, SQLite with the demo data, after ${LOADS_PER_PAGE} loads each of the home page, ` +
    `the demo group and its day-1 lesson): ${Math.round(memory.rssMb)} MB RSS once restarted on that data` +
    `${memory.settled ? "" : " (still moving when read)"}, ${Math.round(memory.firstStartRssMb)} MB on the first start (which migrated and seeded).`
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const memory = await measureIdleMemory();
  console.log(idleMemoryLine(memory));
}
