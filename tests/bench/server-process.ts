/**
 * The server side of `npm run bench`, run as a child process of tests/bench/run.ts so that the
 * load generator and the server never share an event loop, and so the server's CPU and memory can
 * be measured on their own.
 *
 * It serves the throw-away SQLite database the runner migrated and seeded (tests/.tmp/bench-*.db,
 * its path is the first argument; migrating here would leave Prisma's migration engine in this
 * process's memory and inflate every RSS figure), starts the real production server on
 * 127.0.0.1:0 with a static baseline mounted before Remix
 * (`/__bench/static/*`, served by express.static from a temporary folder the parent writes into),
 * reports `ready` over IPC, then answers `stats-reset` / `stats` / `query-count` / `stop` (see
 * protocol.ts). `query-count` is the number of SQL statements the app has sent so far, counted by
 * wrapping the SQLite driver adapter before the app opens its database (tests/bench/query-count.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import express from "express";
import { createAppServer, type AppServer } from "../../server.ts";
import { LIFTED_RATE_LIMITS } from "../support/rate-limits.ts";
import { testEnv } from "../support/database.ts";
import { tmpDir } from "../support/paths.ts";
import { installSqlStatementCounter } from "./sql-counter.ts";
import type { ChildMessage, ParentMessage } from "./protocol.ts";
import { ResourceWindow } from "./resource-window.ts";

const STATIC_PREFIX = "/__bench/static";

function send(message: ChildMessage) {
  process.send?.(message);
}

async function main() {
  if (!process.send) throw new Error("server-process.ts is started by tests/bench/run.ts (it needs an IPC channel).");
  const databaseFile = process.argv[2];
  if (!databaseFile) throw new Error("usage: server-process.ts <migrated SQLite database file>");
  mkdirSync(tmpDir, { recursive: true });
  const staticDir = mkdtempSync(path.join(tmpDir, "bench-static-"));
  const databaseUrl = `file:${databaseFile}`;
  const statements = installSqlStatementCounter();

  let server: AppServer | undefined;
  let window: ResourceWindow | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      window?.stop();
      try {
        await server?.close();
      } finally {
        for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${databaseFile}${suffix}`, { force: true });
        rmSync(staticDir, { recursive: true, force: true });
      }
    })();
    return stopping;
  };
  // If the runner dies or Ctrl-C reaches the whole process group, clean up and go.
  const stopAndExit = () => {
    stop().finally(() => process.exit(0));
  };
  process.once("disconnect", stopAndExit);
  process.once("SIGINT", stopAndExit);
  process.once("SIGTERM", stopAndExit);

  try {
    const env = testEnv(databaseUrl, {
      NODE_ENV: "production",
      COOKIE_SECURE: "false",
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "warn",
    });
    server = await createAppServer({
      env,
      // The benchmark posts as fast as it can: it measures the server, not a person.
      rateLimits: LIFTED_RATE_LIMITS,
      mode: "production",
      beforeRemix(app) {
        // The baseline: the same Express app and middleware stack up to here, serving a file.
        app.use(STATIC_PREFIX, express.static(staticDir, { etag: false, lastModified: false, maxAge: 0 }));
      },
    });
  } catch (error) {
    send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    await stop().catch(() => {});
    process.exit(1);
  }

  window = new ResourceWindow();
  const measuring = window;
  process.on("message", (raw: ParentMessage) => {
    switch (raw.type) {
      case "stats-reset":
        measuring.reset();
        send({ id: raw.id, type: "ok" });
        break;
      case "stats":
        send({ id: raw.id, type: "stats", stats: measuring.read() });
        break;
      case "query-count":
        send({ id: raw.id, type: "query-count", statements: statements.count });
        break;
      case "stop":
        // The runner waits for this process to exit; nothing is sent back.
        stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error("bench server: stopping failed", error);
            process.exit(1);
          },
        );
        break;
    }
  });
  send({ type: "ready", url: server.url, staticDir, staticPrefix: STATIC_PREFIX, databaseFile });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
