/**
 * npm run test:scale — scale-out on this machine: two Marginalia processes (production build) started
 * at the same time on one fresh PostgreSQL schema, with the Socket.IO Redis adapter, behind a small
 * TCP load balancer; the demo group's moderator and member connect through it, and one process is
 * killed half-way (tests/scale/scenario.ts says what each check proves).
 *
 * PostgreSQL: postgres://postgres@127.0.0.1:5432/test (or TEST_POSTGRES_URL); Redis:
 * redis://127.0.0.1:6379 (or TEST_REDIS_URL). The schema and both processes are gone at the end,
 * whatever happened (also on Ctrl-C).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { postgresProblem } from "./support/services.ts";
import { createClient } from "redis";
import { Balancer } from "./scale/balancer.ts";
import { Checks } from "./scale/checks.ts";
import { runScenario, type ScaleContext } from "./scale/scenario.ts";
import { stopServer } from "./scale/servers.ts";
import { banner } from "./steps.ts";
import { clearResults, printSummary, recordResult } from "./summary.ts";
import { rootDir } from "./support/paths.ts";

const STEP = "scale-out (2 processes, PostgreSQL + Redis)";
const BUILD_TIMEOUT_MS = 10 * 60_000;
const RUN_TIMEOUT_MS = 6 * 60_000;

const postgresUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function redisProblem(): Promise<string | null> {
  const client = createClient({ url: redisUrl, socket: { connectTimeout: 3_000, reconnectStrategy: false } });
  client.on("error", () => {});
  try {
    await withTimeout(client.connect(), 4_000, "connect");
    const pong = await withTimeout(client.ping(), 3_000, "PING");
    return pong === "PONG" ? null : `PING answered ${pong}`;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.disconnect().catch(() => {});
  }
}

/** The production build, in a child process group that is ended if it takes too long. */
function ensureBuild(): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(rootDir, "tests", "scale", "ensure-build.ts")], {
      cwd: rootDir,
      stdio: ["ignore", "inherit", "inherit"],
      detached: true,
    });
    const stopBuild = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {}
    };
    process.once("exit", stopBuild);
    const timer = setTimeout(() => {
      stopBuild();
      resolve(`the production build took longer than ${BUILD_TIMEOUT_MS / 60_000} minutes`);
    }, BUILD_TIMEOUT_MS);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      process.off("exit", stopBuild);
      resolve(code === 0 ? null : `the production build failed (${signal ?? `exit ${code}`}): see above`);
    });
  });
}

// ---------------------------------------------------------------- prerequisites
const [postgres, redis] = await Promise.all([postgresProblem(postgresUrl), redisProblem()]);
if (postgres || redis) {
  if (postgres) console.error(`PostgreSQL is not reachable at ${postgresUrl} (${postgres}). Start it (e.g. \`sudo service postgresql start\`), or set TEST_POSTGRES_URL.`);
  if (redis) console.error(`Redis is not reachable at ${redisUrl} (${redis}). Start it (e.g. \`sudo service redis-server start\`), or set TEST_REDIS_URL.`);
  console.error("npm run test:scale needs both: two app processes share the PostgreSQL database and reach each other through Redis.");
  process.exit(1);
}

/** Schemas of earlier runs that were killed outright (no clean-up ran), older than an hour. */
async function dropLeftoverSchemas() {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5_000, query_timeout: 15_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ nspname: string }>(String.raw`SELECT nspname FROM pg_namespace WHERE nspname ~ '^scale_[0-9a-z]+_[0-9a-f]{8}$'`);
    for (const { nspname } of rows) {
      const createdAt = parseInt(nspname.split("_")[1]!, 36);
      if (Date.now() - createdAt > 60 * 60_000) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
    }
  } catch (error) {
    console.warn(`could not look for leftover schemas: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

await dropLeftoverSchemas();
clearResults();
const started = Date.now();
const schema = `scale_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
const checks = new Checks();
const ctx: ScaleContext = { postgresUrl, schema, redisUrl, logName: schema, balancer: new Balancer(), servers: [], clients: [] };

let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const client of ctx.clients) client.close();
    await ctx.balancer.close().catch(() => {});
    await Promise.all(ctx.servers.map((server) => stopServer(server, "SIGTERM", 5_000)));
    ctx.reaper?.kill();
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5_000, query_timeout: 15_000 });
    try {
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } catch (error) {
      console.error(`could not drop schema ${schema}: ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return cleaning;
}

function finish(note?: string): never {
  const counts = checks.counts();
  const ok = !note && counts.failed === 0 && counts.skipped === 0 && counts.passed > 0;
  // The servers' logs are kept when something failed (their paths are printed above).
  if (ok) for (const server of ctx.servers) rmSync(server.logFile, { force: true });
  recordResult({ step: STEP, ok, ...counts, note, seconds: (Date.now() - started) / 1000 });
  process.exit(printSummary() ? 0 : 1);
}

// Last resort if something throws past everything else: no server outlives the runner.
process.on("exit", () => {
  for (const server of ctx.servers) if (server.alive()) server.child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping the processes and dropping schema ${schema}…`);
    void withTimeout(cleanUp(), 20_000, "clean-up")
      .catch(() => {})
      .finally(() => process.exit(130));
  });
}

banner("test:scale — production build");
const buildProblem = await ensureBuild();
if (buildProblem) {
  console.error(buildProblem);
  finish(buildProblem);
}

banner(`test:scale — 2 processes, PostgreSQL schema ${schema} + Redis, behind a TCP balancer`);
await ctx.balancer.listen();
let timedOut = false;
const watchdog = setTimeout(() => {
  timedOut = true;
  console.error(`\ntest:scale did not finish within ${RUN_TIMEOUT_MS / 60_000} minutes: stopping.`);
  void withTimeout(cleanUp(), 20_000, "clean-up")
    .catch(() => {})
    .finally(() => finish("timed out"));
}, RUN_TIMEOUT_MS);
try {
  await runScenario(ctx, checks);
} catch (error) {
  console.error(`the scenario stopped: ${(error as Error).stack ?? error}`);
  await withTimeout(cleanUp(), 20_000, "clean-up").catch(() => {});
  finish("the scenario stopped unexpectedly");
}
if (!timedOut) {
  clearTimeout(watchdog);
  await withTimeout(cleanUp(), 20_000, "clean-up").catch((error) => console.error((error as Error).message));
  finish();
}
