/**
 * `npm run bench`: starts the production server on a throw-away database in a child process
 * (tests/bench/server-process.ts), drives it from this process with the cases in
 * tests/bench/cases.ts, prints one table and writes it to docs/performance.md, with three more
 * figures under it: queries per discussion page with 10 and with 1,000 comments (counted in this
 * process, tests/bench/query-count.ts), SQL statements per discussion page request as the server
 * counted them, the time to re-anchor 10,000 comments after a revision (tests/bench/reanchor.ts),
 * and what the socket cases note (tests/bench/socket-cases.ts). The socket cases' baselines run on
 * a bare Socket.IO server in a second child process (tests/bench/socket-baseline-process.ts),
 * started when the first of them runs.
 *
 * Environment: BENCH_DURATION (seconds of measured load per case, default 5), BENCH_WARMUP
 * (seconds of unmeasured warm-up, default 1), BENCH_CONNECTIONS (default 10), BENCH_SOCKET_CLIENTS
 * (clients in the lesson room for the socket cases, default "100,500,1000"), BENCH_CASES (a
 * comma-separated list of name fragments to run only some cases; their baselines run too, and
 * docs/performance.md is then left alone).
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { besidePrevious, parsePreviousRun } from "./previous-run.ts";
import os from "node:os";
import path from "node:path";
import { ensureProductionBuild } from "../support/build.ts";
import { migrateAndSeed } from "../support/database.ts";
import { BENCH_DISCUSSION_MARKER, BENCH_LESSON_MARKER, BENCH_PROGRESS, seedBenchContent, type BenchSeed } from "./content.ts";
import { countDiscussionQueries, extraStatements, largestInList, type DiscussionQueries } from "./query-count.ts";
import { runReanchorBench, type ReanchorBenchResult } from "./reanchor.ts";
import { idleMemoryLine, measureIdleMemory, startScriptEnv, startScriptNodeFlags, type IdleMemory } from "./idle-memory.ts";
import { LESSON_ROUTE, routeScripts, type RouteScripts } from "../support/bundle.ts";
import { rootDir, tmpDir } from "../support/paths.ts";
import { DASHBOARD_PAGE_SIZE } from "~/models/progress-rules.ts";
import { cases, checkPage, noiseAdded, REQUEST_TIMEOUT_MS, SEQUENTIAL_MAX_SECONDS, SEQUENTIAL_REQUESTS, signUpOneUser, type BenchCase, type BenchContext, type CaseResult, type HttpTarget } from "./cases.ts";
import { COMMENTS, CONNECT_BATCH, SOCKET_CLIENTS, STORM_RATE, STORM_RECEIVERS, WARMUP_COMMENTS, socketNotes } from "./socket-cases.ts";
import type { ChildMessage, ParentMessage, ServerStats } from "./protocol.ts";

const STARTUP_TIMEOUT_MS = 60_000;
const REPLY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 15_000;
/** Requests per page when counting the server's SQL statements (one at a time). */
const COUNTED_REQUESTS = 5;
const DOCS_FILE = path.join(rootDir, "docs", "performance.md");

function numberFromEnv(name: string, fallback: number, { min, max }: { min: number; max: number }): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name}="${raw}": expected a number from ${min} to ${max}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// The server process

type Reply = Extract<ChildMessage, { id: number }>;
type AppReady = Extract<ChildMessage, { type: "ready" }>;
type SocketBaselineReady = Extract<ChildMessage, { type: "socket-baseline-ready" }>;
type Ready = AppReady | SocketBaselineReady;

/** A server in a child process (the app's, or the bare Socket.IO baseline) that answers protocol.ts. */
class BenchServer<R extends Ready = Ready> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  private exited = false;
  private readonly exitedPromise: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: R,
  ) {
    child.on("message", (message: ChildMessage) => {
      if (!("id" in message)) return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      waiter.resolve(message);
    });
    this.exitedPromise = new Promise((resolve) =>
      child.once("exit", () => {
        this.exited = true;
        for (const waiter of this.pending.values()) waiter.reject(new Error("the server process exited"));
        this.pending.clear();
        resolve();
      }),
    );
  }

  /** Starts the app's server process over a migrated and seeded SQLite file, which it deletes when stopped. */
  static startApp(databaseFile: string): Promise<BenchServer<AppReady>> {
    return BenchServer.start("server-process.ts", [databaseFile], (message): message is AppReady => message.type === "ready");
  }

  /** Starts the bare Socket.IO server of the socket baselines. */
  static startSocketBaseline(): Promise<BenchServer<SocketBaselineReady>> {
    return BenchServer.start("socket-baseline-process.ts", [], (message): message is SocketBaselineReady => message.type === "socket-baseline-ready");
  }

  get url(): string {
    return this.ready.url;
  }

  private static start<R extends Ready>(script: string, args: string[], isReady: (message: ChildMessage) => message is R): Promise<BenchServer<R>> {
    const child = fork(path.join(import.meta.dirname, script), args, {
      cwd: rootDir,
      // The node flags production runs with (package.json's start script), then the TypeScript loader.
      execArgv: [...startScriptNodeFlags(), "--import", "tsx"],
      // React and friends pick their production builds from NODE_ENV.
      env: { ...process.env, ...startScriptEnv(), NODE_ENV: "production" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${script} did not start within ${STARTUP_TIMEOUT_MS / 1000} s`));
      }, STARTUP_TIMEOUT_MS);
      const onMessage = (message: ChildMessage) => {
        if (isReady(message)) {
          cleanup();
          resolve(new BenchServer(child, message));
        } else if (message.type === "failed") {
          cleanup();
          reject(new Error(`${script} failed to start: ${message.message}`));
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        cleanup();
        reject(new Error(`${script} exited before it was ready (${signal ?? `code ${code}`})`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  }

  private request(message: Omit<ParentMessage, "id">): Promise<Reply> {
    if (this.exited) return Promise.reject(new Error("the server process has exited"));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the server process did not answer "${message.type}" within ${REPLY_TIMEOUT_MS / 1000} s`));
      }, REPLY_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          if (reply.type === "error") reject(new Error(reply.message));
          else resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ ...message, id } as ParentMessage);
    });
  }

  async resetStats(): Promise<void> {
    await this.request({ type: "stats-reset" });
  }

  /** SQL statements the server has sent so far. */
  async queryCount(): Promise<number> {
    const reply = await this.request({ type: "query-count" });
    if (reply.type !== "query-count") throw new Error(`unexpected answer "${reply.type}" to "query-count"`);
    return reply.statements;
  }

  async stats(): Promise<ServerStats> {
    const reply = await this.request({ type: "stats" });
    if (reply.type !== "stats") throw new Error(`unexpected answer "${reply.type}" to "stats"`);
    return reply.stats;
  }

  /** Asks the server to close (it removes its database and static folder), killing it if it hangs. */
  async stop(): Promise<void> {
    if (this.exited) return;
    if (this.child.connected) this.child.send({ id: this.nextId++, type: "stop" } satisfies ParentMessage);
    else this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await this.exitedPromise;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Running the cases

interface Row {
  name: string;
  baseline?: string;
  result?: CaseResult;
  stats?: ServerStats;
  /** This process's CPU over the measured window (the load generator), percent of one core. */
  loaderCpuPercent?: number;
  failure?: string;
}

function selectCases(all: BenchCase[], filter: string | undefined): BenchCase[] {
  if (!filter) return all;
  const fragments = filter.split(",").map((part) => part.trim().toLowerCase()).filter(Boolean);
  const wanted = new Set(all.filter((c) => fragments.some((fragment) => c.name.toLowerCase().includes(fragment))).map((c) => c.name));
  for (const c of all) if (wanted.has(c.name) && c.baseline) wanted.add(c.baseline);
  return all.filter((c) => wanted.has(c.name));
}

function checkRegistry(all: BenchCase[]) {
  const seen = new Set<string>();
  for (const c of all) {
    if (seen.has(c.name)) throw new Error(`two benchmark cases are named "${c.name}"`);
    if (c.baseline && !seen.has(c.baseline)) throw new Error(`case "${c.name}": its baseline "${c.baseline}" must be an earlier case`);
    seen.add(c.name);
  }
}

/** Runs one case against `server` (the process it loads, whose CPU and memory are recorded). */
async function runCase(server: BenchServer, ctx: BenchContext, benchCase: BenchCase): Promise<Row> {
  const row: Row = { name: benchCase.name, baseline: benchCase.baseline };
  const caseCtx: BenchContext = { ...ctx, baseUrl: server.url };
  let prepared = false;
  let state: unknown;
  try {
    state = await benchCase.setup?.(caseCtx);
    prepared = true;
    await server.resetStats();
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    row.result = await benchCase.run(caseCtx, state);
    const loaderCpu = process.cpuUsage(cpuBefore);
    row.loaderCpuPercent = ((loaderCpu.user + loaderCpu.system) / 1000 / (performance.now() - startedAt)) * 100;
    row.stats = await server.stats();
  } catch (error) {
    row.failure = error instanceof Error ? error.message : String(error);
  } finally {
    if (prepared && benchCase.teardown) {
      try {
        await benchCase.teardown(caseCtx, state);
      } catch (error) {
        row.failure ??= `cleaning up: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }
  return row;
}

// ---------------------------------------------------------------------------------------------
// The figures under the table

interface Extras {
  queries?: DiscussionQueries;
  /** SQL statements per request of each discussion page, as the server counted them, before the cases and after them. */
  httpBefore?: { small: number; large: number };
  http?: { small: number; large: number; noise: boolean };
  reanchor?: ReanchorBenchResult;
  /** The group lesson page's initial JavaScript, from the build's manifests. */
  bundle?: RouteScripts;
  /** An idle production process's RSS (tests/bench/idle-memory.ts). */
  idle?: IdleMemory;
  /** Lines the cases asked for (BenchContext.note), and the socket cases' connect times. */
  notes: string[];
  failures: string[];
}

async function attempt<T>(extras: Extras, what: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    extras.failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    console.log(`bench:   FAILED: ${what}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** Requests a page one at a time and divides the server's new SQL statements by the requests. */
async function statementsPerRequest(server: BenchServer, ctx: BenchContext, target: HttpTarget, mustContain: string): Promise<number> {
  // Once unmeasured: the page answers, and one-off work (first render, caches) stays out.
  await checkPage(ctx, target, mustContain);
  const before = await server.queryCount();
  for (let index = 0; index < COUNTED_REQUESTS; index += 1) {
    const response = await fetch(new URL(target.path, ctx.baseUrl), { headers: target.headers, redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`GET ${target.path} answered ${response.status}`);
  }
  return ((await server.queryCount()) - before) / COUNTED_REQUESTS;
}

const count = (value: number) => value.toLocaleString("en-US");
const perRequest = (value: number) => (Number.isInteger(value) ? value.toString() : value.toFixed(1));
const clip = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

function extraLines(extras: Extras, seed: BenchSeed): string[] {
  const lines: string[] = [];
  const small = count(seed.small.comments);
  const large = count(seed.large.comments);
  if (extras.queries) {
    const { small: few, large: many } = extras.queries;
    const grows = many.operations !== few.operations;
    lines.push(
      `Discussion page: ${few.operations} queries with ${small} comments, ${many.operations} with ${large}` +
        `${grows ? " (!) the queries grow with the number of threads" : ""} ` +
        `(model operations of loadLessonGroup + loadLessonPage for a member, opened at the last thread, caches warm, visit already recorded; ${few.statements} and ${many.statements} SQL statements).`,
    );
    if (many.statements !== few.statements) {
      const longest = largestInList(many);
      lines.push(
        `(!) The SQL statements of the discussion page grow: with ${large} comments, ${many.statements - few.statements} more ` +
          `(${extraStatements(few, many).map((sql) => clip(sql, 110)).join("; ")}). The longest IN list has ${count(longest)} values ` +
          `with ${large} comments, ${count(largestInList(few))} with ${small}` +
          `${longest >= 900 ? ": Prisma splits an IN list at SQLite's 999 bind values and runs the pieces in a transaction" : ""}.`,
      );
    }
  }
  if (extras.httpBefore) {
    lines.push(
      `Discussion page over HTTP: ${perRequest(extras.httpBefore.small)} SQL statements per request with ${small} comments, ` +
        `${perRequest(extras.httpBefore.large)} with ${large} (the whole request as the server sent them: session, header, loaders, visit; before the cases).`,
    );
  }
  if (extras.http) {
    lines.push(
      `Discussion page over HTTP after the cases${extras.http.noise ? ", with the other groups' data" : ""}: ${perRequest(extras.http.small)} SQL statements per request with ${small} comments, ` +
        `${perRequest(extras.http.large)} with ${large}.`,
    );
  }
  if (extras.reanchor) {
    const { medianMs, counts } = extras.reanchor;
    const statuses = ["exact", "moved", "fuzzy", "orphan"].map((status) => `${status} ${count(counts[status] ?? 0)}`).join(", ");
    lines.push(`Re-anchoring 10,000 comments after a revision: median ${medianMs.toFixed(1)} ms (${statuses}; ${count(counts.changed ?? 0)} changed).`);
  }
  if (extras.bundle) {
    const { files, rawBytes, gzipBytes } = extras.bundle;
    const kb = (bytes: number) => (bytes / 1024).toFixed(1);
    lines.push(
      `Group lesson page's JavaScript (/groups/:groupId/day/:day, before it runs: entry, root, route and their imports, ${files.length} files): ` +
        `${kb(gzipBytes)} KB gzipped, ${kb(rawBytes)} KB raw (from the build's manifests; chunks loaded on demand, such as the Socket.IO client, not counted).`,
    );
  }
  if (extras.idle) lines.push(idleMemoryLine(extras.idle));
  lines.push(...extras.notes);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The table

const COLUMNS = ["case", "rate", "p50 ms", "p95 ms", "p99 ms", "server CPU %", "CPU ms/op", "peak RSS MB", "vs baseline", "problems"] as const;
const RIGHT_ALIGNED = new Set<string>(["rate", "p50 ms", "p95 ms", "p99 ms", "server CPU %", "CPU ms/op", "peak RSS MB"]);

function formatRate(result: CaseResult) {
  return `${Math.round(result.rate).toLocaleString("en-US")} ${result.unit}`;
}

/** autocannon records whole milliseconds. */
function formatMs(ms: number) {
  return ms < 1 ? "<1" : Math.round(ms).toString();
}

function tableCells(rows: Row[]): string[][] {
  const byName = new Map(rows.map((row) => [row.name, row]));
  return rows.map((row) => {
    if (!row.result || !row.stats) return [row.name, "—", "—", "—", "—", "—", "—", "—", "—", `FAILED: ${row.failure ?? "no result"}`];
    const base = row.baseline ? byName.get(row.baseline)?.result : undefined;
    let versus = "(baseline)";
    if (row.baseline) versus = base && base.rate > 0 ? `${(row.result.rate / base.rate).toFixed(2)}× of ${shortName(row.baseline)}` : "baseline failed";
    if (!row.baseline && !rows.some((other) => other.baseline === row.name)) versus = "—";
    return [
      row.result.problems.length ? `${row.name} (!)` : row.name,
      formatRate(row.result),
      formatMs(row.result.p50Ms),
      row.result.p95Ms === undefined ? "—" : formatMs(row.result.p95Ms),
      formatMs(row.result.p99Ms),
      Math.round(row.stats.cpuPercent).toString(),
      row.result.total > 0 ? (row.stats.cpuMs / row.result.total).toFixed(2) : "—",
      Math.round(row.stats.peakRssMb).toString(),
      versus,
      row.result.problems.join("; ") || "—",
    ];
  });
}

/** "static file (baseline)" → "static file": the ratio column stays short. */
function shortName(name: string) {
  return name.replace(/\s*\(baseline\)\s*$/, "");
}

function plainTable(cells: string[][]): string {
  const widths = COLUMNS.map((heading, index) => Math.max(heading.length, ...cells.map((row) => row[index]!.length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, index) => (RIGHT_ALIGNED.has(COLUMNS[index]!) ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!)))
      .join("  ")
      .trimEnd();
  return [line(COLUMNS), widths.map((width) => "-".repeat(width)).join("  "), ...cells.map(line)].join("\n");
}

function markdownTable(cells: string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, "\\|");
  const line = (row: readonly string[]) => `| ${row.map(escape).join(" | ")} |`;
  const rule = `| ${COLUMNS.map((heading) => (RIGHT_ALIGNED.has(heading) ? "---:" : "---")).join(" | ")} |`;
  return [line(COLUMNS), rule, ...cells.map(line)].join("\n");
}

const loadAtStart = os.loadavg();

function machineLines(): string[] {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim().replace(/\s+/g, " ") ?? "unknown CPU";
  return [
    `- CPU: ${model}, ${cpus.length} logical core${cpus.length === 1 ? "" : "s"} (os.availableParallelism: ${os.availableParallelism()})`,
    `- Memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node.js: ${process.version}`,
    `- Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    `- Load average when the run started (1/5/15 min): ${loadAtStart.map((load) => load.toFixed(2)).join(" / ")}`,
  ];
}

/** A shared machine that is already busy gives the server less than a core: say so next to the figures. */
function busyWarning(): string {
  const cores = os.availableParallelism();
  if (loadAtStart[0]! <= cores * 0.75) return "";
  return `
The machine was busy when this run started (load average ${loadAtStart[0]!.toFixed(1)} on ${cores} cores): other
work competed with the server for CPU, so treat rates and latencies as rough; CPU ms/op and the ratios to
the baseline hold up better.
`;
}

function performanceDoc(cells: string[][], extras: string[], settings: { durationSeconds: number; warmupSeconds: number; connections: number }, beside: string): string {
  return `# Performance

The latest figures from \`npm run bench\`, which rewrites this file on every full run.

## What is measured

\`npm run bench\` builds the app if needed, then starts the real production server (Express + Remix +
Socket.IO, \`server.ts\`) in a child process on a throw-away SQLite database holding the demo course, and
drives it from a second process on 127.0.0.1: [autocannon](https://github.com/mcollina/autocannon) for
HTTP pages, real \`socket.io-client\`s for the socket cases. The cases run one after another against the
same server process (the socket cases' baselines against a bare Socket.IO server in a third process), both
run with the node flags and variables of \`npm start\`; each
gets ${settings.warmupSeconds} s of unmeasured warm-up, then ${settings.durationSeconds} s of measured load (${settings.connections} connections for HTTP cases;
the socket cases' comment fan-out posts a fixed number of comments instead).

- **rate**: requests (or messages) completed per second over the measured window.
- **p50 / p95 / p99 ms**: median, 95th- and 99th-percentile latency as the load generator saw it (p95
  only for the cases that keep every latency: those timed one request at a time, and the socket cases).
- **server CPU %**: the server process's own CPU time (user + system) over the window, as a percentage of
  one core; above 100 means it also used other threads (libuv pool, garbage collector).
- **CPU ms/op**: server CPU time per request (or message) completed. On a shared machine this moves less
  than the rate does, because it does not count the time the server waited for a core.
- **peak RSS MB**: the server process's highest resident memory, sampled every 100 ms during the window.
  RSS seldom shrinks, so a case's figure includes what earlier cases left behind.
- **vs baseline**: this case's rate as a ratio of a baseline measured in the same run: for HTTP pages, the
  home page's exact HTML served as a static file by the same server (\`/__bench/static/\`, mounted by the
  benchmark before Remix), i.e. what a page would cost if rendering and the database were free; for the
  socket cases, a bare Socket.IO server doing the same broadcasting (see below).
- **problems**: non-2xx answers, connection errors or timeouts under load; for socket cases, clients that
  could not join, lost connections, refused position updates, and messages that did not arrive. A case
  marked (!) had some; its figures are not to be trusted.

The load generator runs on the same machine as the server and competes with it for CPU, so the absolute
figures understate a dedicated server; the ratios to the baseline are the figures to compare across runs.

Cases named "(one request at a time)" send ${SEQUENTIAL_REQUESTS} requests, each after the previous answer (fewer
if that takes over ${SEQUENTIAL_MAX_SECONDS} s), so each latency is the server's own time for the page plus the
loopback; their baseline is the very same HTML served as a static file in the same run. They load big
pages, seeded through the app's model functions before the server starts (\`tests/bench/content.ts\`):

- **lesson of 300 passages**: a one-day course whose lesson has 300 passages (headings, paragraphs, lists).
- **discussion page, 1,000 comments**: that lesson as a reading group's day page
  (\`/groups/:groupId/day/1\`) for a member, with 1,000 comments in 300 threads: one thread per passage
  (a third on a quote, one in seven a question), 700 replies spread unevenly over them (a quarter
  nested), answers marked on half the questions that have replies, and about 500 reactions; opened at
  its last thread, as a link to a comment opens it (the page sends only the open passage's threads).
- **discussion page, 1,000 comments, 200,000 edits in other groups**: the same page after the first of these
  two cases' setup wrote, straight into the tables while the server runs, four more groups on the same lesson
  with 2,000 comments, 200,000 edits of them, 10,000 open flags, 12,000 reactions and an ended live session
  with 20,000 question votes: the page's cost must not grow with other groups' data. A line under the table
  gives the CPU of the page's data path alone (its loaders in the benchmark process, SQLite included) before
  and after that data was added.
- **progress dashboard**: the moderators' dashboard of a group of ${BENCH_PROGRESS.members} members following a ${BENCH_PROGRESS.days}-day course
  on a schedule (written straight into the tables), at day ${BENCH_PROGRESS.paceDay}: the first page of its members grid
  (${DASHBOARD_PAGE_SIZE} members a page, \`?page=\`), with the group's totals — members, done per day, who is behind the
  pace — counted in SQL over all ${BENCH_PROGRESS.members}, and the heatmap of the pace day.

**progress batches** (two cases) is the read tracker's real load, open loop: each of the ${BENCH_PROGRESS.members} members of that
group posts one batch of 10 passages (\`POST /api/progress\`) every 10 s, the tracker's flush interval, the members'
batches spread evenly over it (${BENCH_PROGRESS.members / 10} req/s); then five times that (each member every 2 s, ${BENCH_PROGRESS.members / 2} req/s). Every batch
leaves on schedule whether or not the earlier ones were answered, and its latency counts from its scheduled
moment, so a server that falls behind shows in p95 and p99 (and as a problem when the last answers come more
than 1 s after the schedule ended) instead of slowing the load down. Each case measures max(\`BENCH_DURATION\`,
10) s, so every member sends at least once; a member's batches move on through the course's passages, so
they seldom repeat one already stored. Under the table: the SQL statements per batch as the server counted
them, the session check included.

The socket cases (\`tests/bench/socket-cases.ts\`) put N clients (${SOCKET_CLIENTS.map(count).join(", ")}) in one lesson room
during a live session. Each client is a different member of one group, seeded before the server starts
with a session cookie of its own and a running live session of the 300-passage lesson; it connects as the
app's page does (WebSocket only, the cookie and the page's Origin) and sends \`lesson:join\`. Clients connect
${CONNECT_BATCH} at a time (each batch once the previous one has joined) before the measured window and all disconnect
after it. Every case runs first against the baseline, then against the app, with the same clients and
the same measurement code:

- **socket comment fan-out**: one member posts ${COMMENTS} comments through the discussion form (HTTP POST, answered
  302), after ${WARMUP_COMMENTS} unmeasured ones (the warm-up), one after another; each comment's \`discussion:changed\` must reach every client before the next is
  posted (15 s at most, then its missing deliveries are a problem). Latency: arrival at a client minus the
  moment the POST was sent, over every (client, comment) pair. Rate: deliveries per second; CPU ms/op is
  the server's CPU per delivery (the POST's own work included).
- **socket scroll storm**: every client shares a new reading position ${STORM_RATE} times a second, evenly spaced (the
  most the per-socket rate limit allows; the app's page sends at most one a second). The server batches
  them per room, one \`positions:update\` per window of max(250 ms, sockets in the room in ms), at most 1 s.
  Rate: \`positions:update\` messages all clients received per second, counted in whole batches (from the
  last batch client 0 got before the measured time to the last one within it, every client's copy of
  those batches). Latency: the delivery delay of a position, measured at ${STORM_RECEIVERS} receivers spread over the room:
  for each position {user, passage} in a batch they receive, the arrival minus the moment that user sent
  that passage. Only a user's latest position in a window is sent (the earlier ones are replaced, by
  design), so this is the age of the positions that are delivered, not the wait of a single change,
  which can be up to a window. CPU ms/op is the server's CPU per \`positions:update\` delivered, which
  includes receiving and acknowledging the ${STORM_RATE} × N updates a second. The window rule sets the rate, so
  its ratio to the baseline stays near 1 unless a server falls behind: compare the delays and CPU ms/op.
- **bare Socket.IO (baseline)**: \`tests/bench/socket-baseline-process.ts\`, the same Socket.IO version and
  message limit in a child process of its own on 127.0.0.1, with no cookie, origin check, validation,
  rate limit, database or presence: \`lesson:join\` joins the room, the same form POST emits the same
  \`discussion:changed\` payload to it, and \`position:update\` goes through the app's own \`RoomBatcher\`
  with the same window rule (the user id comes from the handshake). Its CPU and RSS are its own process's.

**live session, 100 members, one comment** (\`tests/bench/live-delta-cases.ts\`, issue 14, ADR 15): 100 real
socket.io-clients, each a different member, in the live session of a second group on the 300-passage
lesson, whose discussion is a copy of the 1,000 comments (and reactions) above written by its members. One
member posts comments through the form one after another (1 unmeasured first); each waits until every
client has its \`discussion:changed\` and has made its follow-up. Three cases, the same clients and code:

- **(events only)**: no follow-up: the POST and the broadcast alone (20 comments); the baseline of the two below.
- **(with every client's delta)**: each client then fetches the changed passage's delta as the lesson page
  does (\`GET /api/groups/:groupId/day/:day/passage?key=…&threads=1\`, as if every client had that panel
  open, the dearer kind) and must find the comment in it (20 comments).
- **(old path: every client reloads the lesson)**: each client then fetches the lesson route's \`.data\`
  with that passage open, as every page did before ADR 15, and must find the comment in it (3 comments).

Rate: comments completed per second; latency: from sending the POST to the last client's follow-up (or
event) done; CPU ms/op: the server's CPU per comment, everything included. The poster's own page is not
modelled (its form reloads it on either path). \`BENCH_LIVE_COMMENTS\` caps the comments per case (a quick look).

To keep the load generator (one Node.js process on the same cores) from being the bottleneck, only the
sampled receivers decode \`positions:update\` and \`presence:delta\`: the others count them, and their
bytes, in a wrapper around socket.io-client's decoder, without parsing the JSON. The load generator's own
CPU during each storm is given under the table.

**Beside the previous run**, at the end, puts each case's CPU ms/op, p99 and ratio to its baseline next to
the same case's in the file this run replaced (read back from its table, \`tests/bench/previous-run.ts\`):
the ratios and CPU ms/op are the ones to compare; a case new or renamed in this run has none.

Under the table:

- **Discussion page: queries** are the database queries (Prisma operations, raw queries included) the page's data takes
  — \`loadLessonGroup\` and \`loadLessonPage\` (app/models/lesson-page.server.ts), called in the benchmark process on the same database,
  opened at the last thread, with the passages cached and the visit already recorded —
  for a second group with 10 comments on the same lesson and for the group with 1,000. They must be equal:
  the number of queries must not grow with the number of threads. The SQL statements those operations
  sent are given too; one operation with an \`include\` can take several.
- **Progress batches**: the SQL statements per batch of each progress case, counted in the server process like
  the discussion page's below (all its statements over the measured window, divided by the batches).
- **Discussion page over HTTP**: the SQL statements the server sent per request of each group's page,
  opened at its last thread (${COUNTED_REQUESTS} requests, one at a time), counted in the server process by wrapping the SQLite driver
  adapter: everything a request costs the database, from the session check and the header to recording the visit;
  once before the cases and once after them (after the other groups' data was added, when that case ran).
- **Re-anchoring**: the time \`reanchorAll\` takes to re-anchor 10,000 comments on a 300-passage reading
  after a revision that copy-edits 10% of the passages, moves 5% and deletes 2% (median of three runs,
  in-process, \`tests/bench/reanchor.ts\`), with how many anchors ended exact, moved, fuzzy or orphaned.
- **Scroll storm**: for each storm, the position updates the clients actually sent per second, the time
  between batches at client 0 and the positions in each, how many delivery delays were sampled, any
  \`presence:delta\` received meanwhile, and the load generator's CPU.
- **Connecting N clients**: the time to connect and join all N clients, to the app and to the bare server,
  once per case; and the \`presence:delta\` messages (and their bytes) the clients received from the app
  while joining: the app sends everyone the whole room's presence after joins.
- **Group lesson page's JavaScript**: what a page of \`/groups/:groupId/day/:day\` loads before it runs — the
  entry, the root and the route with the chunks they import, i.e. its \`<link rel="modulepreload">\` list, read
  from Remix's manifest in \`build/client/assets\` — in KB gzipped (the precompressed \`.gz\` files the server
  sends) and raw. Chunks loaded later on demand (the Socket.IO client, which the live layer imports when
  it connects) are not counted. \`tests/integration/bundle.test.ts\` checks which packages are in it
  (\`build/client-chunks.json\` lists every chunk's modules).
- **Idle production process**: \`tests/bench/idle-memory.ts\` starts \`node build/server/main.js\` with the start
  script's node flags and NODE_ENV=production on a data folder of its own (SQLite; the server migrates
  and seeds the demo course and accounts itself), loads the home page 5 times signed out, then the home
  page, the demo group and its day-1 lesson 5 times each as the demo member, waits until the RSS
  (/proc) has moved less than 1 MB over 4 s, and reads it; then stops the server, starts it again on the
  same data (a restart, as a server runs day to day) and does the same. The figure is the restarted
  process's; the first start's is given beside it.

Run it with \`npm run bench\`. \`BENCH_DURATION\` (seconds, default 5; the storms' measured time too),
\`BENCH_WARMUP\` (default 1; a storm warms up for at least two batch windows), \`BENCH_CONNECTIONS\` (default
10), \`BENCH_SOCKET_CLIENTS\` (clients per room, default "100,500,1000") and \`BENCH_CASES\` (comma-separated
name fragments, e.g. "socket"; a partial run leaves this file alone) and \`BENCH_IDLE_MEMORY=0\` (skips the idle
process) adjust it. New cases go in \`tests/bench/cases.ts\`.

## Machine

${machineLines().join("\n")}
${busyWarning()}
## Figures

${markdownTable(cells)}
${extras.length ? `\n${extras.map((line) => `- ${line}`).join("\n")}\n` : ""}
## Beside the previous run

${beside}`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const durationSeconds = numberFromEnv("BENCH_DURATION", 5, { min: 1, max: 60 });
  const warmupSeconds = numberFromEnv("BENCH_WARMUP", 1, { min: 0, max: 30 });
  const connections = numberFromEnv("BENCH_CONNECTIONS", 10, { min: 1, max: 1000 });
  checkRegistry(cases);
  const selected = selectCases(cases, process.env.BENCH_CASES);
  if (selected.length === 0) throw new Error(`BENCH_CASES="${process.env.BENCH_CASES}" matches no case`);
  const partial = selected.length !== cases.length;

  console.log("bench: checking the production build…");
  ensureProductionBuild();
  const extras: Extras = { notes: [], failures: [] };
  extras.bundle = await attempt(extras, "measuring the lesson page's JavaScript", async () => routeScripts(LESSON_ROUTE));
  if (extras.bundle) console.log(`bench:   the group lesson page loads ${(extras.bundle.gzipBytes / 1024).toFixed(1)} KB of gzipped JavaScript (${(extras.bundle.rawBytes / 1024).toFixed(1)} KB raw)`);
  console.log("bench: creating a throw-away database with the demo course…");
  mkdirSync(tmpDir, { recursive: true });
  const databaseFile = path.join(tmpDir, `bench-${Date.now().toString(36)}-${process.pid}.db`);
  // The server process removes these when it stops; this is for when it could not.
  const removeDatabase = () => {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${databaseFile}${suffix}`, { force: true });
  };
  const databaseUrl = `file:${databaseFile}`;
  let server: BenchServer<AppReady>;
  let seed: BenchSeed;
  try {
    await migrateAndSeed(databaseUrl);
    console.log("bench: seeding a 300-passage lesson and a group discussing it with 1,000 comments…");
    const seeding = performance.now();
    // The socket cases' members are only needed when one of them runs.
    const liveMembers = Math.max(selected.some((c) => c.runsOn === "socket-baseline") ? Math.max(...SOCKET_CLIENTS) : 1, ...selected.map((c) => c.liveMembers ?? 1));
    seed = await seedBenchContent(databaseUrl, { liveMembers });
    console.log(
      `bench:   ${seed.large.comments} comments in ${seed.large.threads} threads with ${seed.large.reactions} reactions, ` +
        `and ${seed.small.comments} in another group; ${count(seed.live.members.length)} members in a live session; in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
    );
    console.log("bench: counting the discussion page's queries…");
    extras.queries = await attempt(extras, "counting the discussion page's queries", () => countDiscussionQueries(databaseUrl, seed));
    if (extras.queries) {
      const { small, large } = extras.queries;
      console.log(`bench:   ${small.comments} comments: ${small.operations} queries, ${small.statements} SQL statements; ${large.comments} comments: ${large.operations} queries, ${large.statements} SQL statements`);
      for (const sql of extraStatements(small, large)) console.log(`bench:   only with ${large.comments}: ${clip(sql, 160)}`);
    }
    console.log("bench: starting the server process…");
    server = await BenchServer.startApp(databaseFile);
  } catch (error) {
    removeDatabase();
    throw error;
  }
  let socketBaseline: Promise<BenchServer<SocketBaselineReady>> | undefined;
  const cleanUp = async () => {
    await Promise.all([server.stop(), socketBaseline?.then((baseline) => baseline.stop(), () => undefined)]);
    removeDatabase();
    rmSync(server.ready.staticDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`bench: ${signal}, stopping the server process`);
    cleanUp().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const rows: Row[] = [];
  try {
    const { url, staticDir, staticPrefix } = server.ready;
    console.log(`bench: server ready at ${url}; ${selected.length} case(s), ${warmupSeconds} s warm-up + ${durationSeconds} s each; load average ${loadAtStart.map((load) => load.toFixed(2)).join(" / ")}`);
    let cookie: Promise<string> | undefined;
    const ctx: BenchContext = {
      baseUrl: url,
      durationSeconds,
      warmupSeconds,
      connections,
      writeStatic(fileName, content) {
        if (fileName !== path.basename(fileName)) throw new Error(`writeStatic: "${fileName}" must be a plain file name`);
        writeFileSync(path.join(staticDir, fileName), content);
        return `${staticPrefix}/${fileName}`;
      },
      signedInCookie() {
        cookie ??= signUpOneUser(url);
        return cookie;
      },
      seed,
      statementCount: () => server.queryCount(),
      databaseUrl,
      log: (message) => console.log(`bench:   ${message}`),
      note(line) {
        extras.notes.push(line);
        console.log(`bench:   ${line}`);
      },
    };
    console.log("bench: counting the SQL statements per discussion page request in the server (before the cases)…");
    extras.httpBefore = await attempt(extras, "counting the server's SQL statements per discussion page", async () => ({
      small: await statementsPerRequest(server, ctx, { path: seed.small.threadPath, headers: { cookie: seed.cookie } }, BENCH_LESSON_MARKER),
      large: await statementsPerRequest(server, ctx, { path: seed.large.threadPath, headers: { cookie: seed.cookie } }, BENCH_DISCUSSION_MARKER),
    }));
    if (extras.httpBefore) console.log(`bench:   ${perRequest(extras.httpBefore.small)} with ${seed.small.comments} comments, ${perRequest(extras.httpBefore.large)} with ${seed.large.comments}`);
    for (const [index, benchCase] of selected.entries()) {
      console.log(`bench: [${index + 1}/${selected.length}] ${benchCase.name}…`);
      let row: Row;
      if (benchCase.runsOn === "socket-baseline") {
        socketBaseline ??= BenchServer.startSocketBaseline();
        const baseline = await socketBaseline.then(
          (started) => started,
          (error: unknown) => error as Error,
        );
        row = baseline instanceof BenchServer ? await runCase(baseline, ctx, benchCase) : { name: benchCase.name, baseline: benchCase.baseline, failure: baseline.message };
      } else {
        row = await runCase(server, ctx, benchCase);
      }
      rows.push(row);
      if (row.result && row.stats) {
        const problems = row.result.problems.length ? `  PROBLEMS: ${row.result.problems.join("; ")}` : "";
        console.log(
          `bench:   ${formatRate(row.result)}, p50 ${formatMs(row.result.p50Ms)} ms, p99 ${formatMs(row.result.p99Ms)} ms, ` +
            `server CPU ${Math.round(row.stats.cpuPercent)} %, peak RSS ${Math.round(row.stats.peakRssMb)} MB ` +
            `(heap ${Math.round(row.stats.peakHeapMb)} MB), ${row.result.total.toLocaleString("en-US")} in ${Math.round(row.stats.wallMs / 100) / 10} s, ` +
            `load generator CPU ${Math.round(row.loaderCpuPercent ?? 0)} %${problems}`,
        );
      } else {
        console.log(`bench:   FAILED: ${row.failure}`);
      }
    }
    console.log("bench: counting the SQL statements per discussion page request in the server…");
    extras.http = await attempt(extras, "counting the server's SQL statements per discussion page", async () => ({
      small: await statementsPerRequest(server, ctx, { path: seed.small.threadPath, headers: { cookie: seed.cookie } }, BENCH_LESSON_MARKER),
      large: await statementsPerRequest(server, ctx, { path: seed.large.threadPath, headers: { cookie: seed.cookie } }, BENCH_DISCUSSION_MARKER),
      noise: noiseAdded(),
    }));
    if (extras.http) console.log(`bench:   ${perRequest(extras.http.small)} with ${seed.small.comments} comments, ${perRequest(extras.http.large)} with ${seed.large.comments}`);
    extras.notes.push(...socketNotes());
  } finally {
    console.log("bench: stopping the server process…");
    await cleanUp();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }

  // In this process, with the server gone: nothing else competes for the CPU.
  console.log("bench: re-anchoring 10,000 comments after a revision…");
  extras.reanchor = await attempt(extras, "re-anchoring 10,000 comments", () => runReanchorBench((line) => console.log(`bench:   ${line}`)));
  if (process.env.BENCH_IDLE_MEMORY !== "0") {
    console.log("bench: an idle production process's memory (started twice on fresh demo data)…");
    extras.idle = await attempt(extras, "measuring an idle process's memory", () => measureIdleMemory());
    if (extras.idle) console.log(`bench:   ${idleMemoryLine(extras.idle)}`);
  }

  const cells = tableCells(rows);
  const lines = extraLines(extras, seed);
  console.log(`\n${plainTable(cells)}\n${lines.length ? `\n${lines.join("\n")}\n` : ""}`);
  const busy = busyWarning().trim().replace(/\s+/g, " ");
  if (busy) console.log(`bench: ${busy}`);
  const failed = rows.filter((row) => row.failure !== undefined);
  if (failed.length || extras.failures.length) {
    const what = [...failed.map((row) => `case "${row.name}"`), ...extras.failures];
    console.error(`bench: ${what.length} measurement(s) failed: ${what.join("; ")}; docs/performance.md not updated.`);
    return 1;
  }
  if (partial) {
    console.log("bench: a partial run (BENCH_CASES); docs/performance.md not updated.");
  } else {
    const previous = parsePreviousRun(existsSync(DOCS_FILE) ? readFileSync(DOCS_FILE, "utf8") : null);
    writeFileSync(DOCS_FILE, performanceDoc(cells, lines, { durationSeconds, warmupSeconds, connections }, besidePrevious(cells, COLUMNS, previous)));
    console.log(`bench: wrote ${path.relative(rootDir, DOCS_FILE)}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
