/**
 * Marginalia's one HTTP server: Remix (Vite middleware in development, the production build
 * otherwise) and Socket.IO on the same port. `createAppServer` is the factory the tests use
 * (port 0); running this file starts the app and stops it gracefully on SIGTERM/SIGINT.
 */
import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Duplex } from "node:stream";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { Server as SocketServer } from "socket.io";
import type { ViteDevServer } from "vite";
import { cookieSecureFor, parseEnv, EnvError, type AppEnv } from "./app/env.server.ts";
import { prepareDatabase } from "./app/db/prepare.server.ts";
import type { Database } from "./app/db/client.server.ts";
import { seedDemoIfEmpty } from "./app/models/demo.server.ts";
import { createLogger, type Logger } from "./app/server/logger.server.ts";
import { logMailer, type Mailer } from "./app/server/mailer.server.ts";
import { DEFAULT_RATE_LIMITS, type RateLimits } from "./app/models/rate-limit.server.ts";
import { securityHeaders } from "./app/server/security-headers.server.ts";
import { dynamicCompression, precompressedAssets } from "./app/server/compression.server.ts";
import { idleCollector } from "./app/server/idle-gc.server.ts";
import {
  bodyLimitGuard,
  csrfGuard,
  formBodyGuard,
  requestShapeGuard,
  sessionGuard,
  DEFAULT_BODY_LIMIT,
  type RequestAuth,
} from "./app/server/http-guards.server.ts";
import { createRealtime, type RealtimeServer, type RealtimeTimings } from "./app/realtime/socket.server.ts";
import { pruneLessonEvents } from "./app/models/lesson-events.server.ts";
import type { AppContext } from "./app/server/context.server.ts";

/** The project folder: this file's, or — run as the compiled build/server/main.js — two folders up. */
const rootDir = existsSync(path.join(import.meta.dirname, "package.json")) ? import.meta.dirname : path.resolve(import.meta.dirname, "..", "..");
const UPLOAD_BODY_LIMIT = 12 * 1024 * 1024;
const SHUTDOWN_GRACE_MS = 10_000;
export const SOCKET_MESSAGE_LIMIT = 16 * 1024;
const PRUNE_EVERY_MS = 6 * 60 * 60 * 1000;

export interface AppServer {
  url: string;
  port: number;
  env: AppEnv;
  database: Database;
  io: RealtimeServer;
  close(): Promise<void>;
}

export interface CreateAppServerOptions {
  env: AppEnv;
  logger?: Logger;
  /** Serve the production build even when NODE_ENV is not production (tests, benchmarks). */
  mode?: "production" | "development";
  /** Where invitation mail goes (default: the server log). */
  mailer?: Mailer;
  /** Mounts extra Express handlers before Remix (benchmark baselines). */
  beforeRemix?: (app: express.Express) => void;
  /** Realtime timings to change (tests: idle after a few hundred milliseconds). */
  realtimeTimings?: Partial<RealtimeTimings>;
  /** Rate limits to change (tests that post more than a person would, or reach a limit quickly). */
  rateLimits?: Partial<RateLimits>;
}

export async function createAppServer({ env, logger = createLogger(env.logLevel), mode, beforeRemix, mailer = logMailer(logger), realtimeTimings, rateLimits }: CreateAppServerOptions): Promise<AppServer> {
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...rateLimits };
  const production = (mode ?? (env.nodeEnv === "production" ? "production" : "development")) === "production";
  const database = await prepareDatabase(env.database, {
    rootDir,
    logger,
    seed: env.seedDemo ? (db) => seedDemoIfEmpty(db, path.join(rootDir, "prisma", "demo-course")) : undefined,
  });
  const { db } = database;

  const app = express();
  app.disable("x-powered-by");
  if (env.trustProxy) app.set("trust proxy", true);
  const httpServer = http.createServer(app);
  const io: RealtimeServer = new SocketServer(httpServer, {
    // Every client event is a few hundred bytes at most: a bigger message closes the connection.
    maxHttpBufferSize: SOCKET_MESSAGE_LIMIT,
    serveClient: false,
    // Upgrades on other paths are refused at once by refuseStrayUpgrades (below), not after a delay.
    destroyUpgrade: false,
  });
  // The Redis client and adapter are loaded only when configured.
  const closeRedis = env.redisUrl ? await (await import("./app/realtime/redis.server.ts")).attachRedisAdapter(io, env.redisUrl, logger) : async () => {};
  const realtime = createRealtime(io, { db, logger, publicOrigin: env.publicOrigin, trustProxy: env.trustProxy, clustered: Boolean(env.redisUrl), timings: realtimeTimings });
  // The discussion change log keeps two weeks (lesson-events.server.ts); several processes pruning is harmless.
  const prune = () => pruneLessonEvents(db).catch((error: unknown) => logger.warn(`pruning lesson events failed: ${(error as Error).message}`));
  void prune();
  const pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
  pruneTimer.unref();

  // A quiet process gives back the young generation it grew under load (with --expose-gc: npm start).
  const idle = idleCollector();
  app.use((_req, _res, next) => {
    idle.touch();
    next();
  });
  // First, so that every response carries them, errors included.
  app.use(securityHeaders({ contentSecurityPolicy: production }));
  // Pages, .data and JSON compressed as they go out; hashed assets from their precompressed copies (below).
  app.use(dynamicCompression());

  app.get("/healthz", async (_req, res) => {
    try {
      await db.$queryRawUnsafe("SELECT 1");
      res.json({ ok: true });
    } catch {
      res.status(503).json({ ok: false });
    }
  });

  // Every refused request (4xx) is one line in the log: status, method, path, and the reason when a guard gave one.
  app.use((req, res, next) => {
    res.once("finish", () => {
      if (res.statusCode < 400 || res.statusCode >= 500) return;
      const reason = typeof res.locals.refusal === "string" ? `: ${oneLine(res.locals.refusal)}` : "";
      logger.info(`${res.statusCode} ${req.method} ${oneLine(req.originalUrl)}${reason}`);
    });
    next();
  });
  // Before the static files and Remix: each of them throws (a 500) on these.
  app.use(requestShapeGuard());

  let vite: ViteDevServer | undefined;
  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (production) {
    const buildFile = path.join(rootDir, "build", "server", "index.js");
    if (!existsSync(buildFile)) throw new Error("No production build found: run `npm run build` first.");
    build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
    // Hashed file names never change content: cache them for a year.
    const assets = path.join(rootDir, "build", "client", "assets");
    app.use("/assets", precompressedAssets(assets, "public, max-age=31536000, immutable"));
    app.use("/assets", express.static(assets, { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.join(rootDir, "build", "client"), { maxAge: "1h" }));
  } else {
    const { createServer } = await import("vite");
    vite = await createServer({ server: { middlewareMode: true, hmr: { server: httpServer } }, appType: "custom" });
    app.use(vite.middlewares);
    const devServer = vite;
    build = () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
  }

  refuseStrayUpgrades(httpServer, io.path(), Boolean(vite));

  beforeRemix?.(app);
  app.use(bodyLimitGuard((requestPath) => (requestPath.endsWith("/import") ? UPLOAD_BODY_LIMIT : DEFAULT_BODY_LIMIT)));
  app.use(csrfGuard(env.publicOrigin));
  // The reader's progress tracker sends JSON (fetch) and text (sendBeacon); every other action takes forms.
  app.use(formBodyGuard((requestPath) => requestPath === "/api/progress" || requestPath === "/api/progress.data"));
  const cookieSecure = (req: express.Request) => cookieSecureFor(env.cookieSecure, req.hostname);
  app.use(sessionGuard(db, cookieSecure));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: production ? "production" : "development",
      getLoadContext: (req, res) => ({
        db,
        dbProvider: database.provider,
        auth: (res.locals.auth as RequestAuth | null) ?? null,
        realtime,
        cookieSecure: cookieSecure(req),
        clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
        logger,
        mailer,
        publicOrigin: env.publicOrigin,
        rateLimits: limits,
        cspNonce: res.locals.cspNonce ?? "",
      }) satisfies AppContext,
    }),
  );
  app.use((error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    // Express and its static files say when the request was at fault (a path that does not decode, a
    // range that cannot be served…): a 4xx, logged in one line.
    const status = clientErrorStatus(error);
    if (status) {
      res.locals.refusal = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) res.status(status).type("text/plain").send("Bad request: this address or request cannot be served.");
      return;
    }
    logger.error("request failed", error);
    if (!res.headersSent) res.status(500).type("text/plain").send("Something went wrong on our side.");
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(env.port, env.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const displayHost = env.host === "0.0.0.0" || env.host === "::" ? "localhost" : env.host;
  const url = `http://${displayHost.includes(":") ? `[${displayHost}]` : displayHost}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Stop accepting, let in-flight requests finish, then close sockets and the database.
      const drained = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      realtime.stop();
      idle.stop();
      clearInterval(pruneTimer);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      const timer = setTimeout(() => httpServer.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await drained;
      clearTimeout(timer);
      await vite?.close();
      await closeRedis();
      await database.close();
    })();
    return closing;
  };

  return { url, port, env, database, io, close };
}

/** The 4xx status an error carries (http-errors style `status` / `statusCode`), if any. */
function clientErrorStatus(error: unknown): number | null {
  if (typeof error !== "object" || error === null) return null;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === "number" ? status : typeof statusCode === "number" ? statusCode : null;
  return value !== null && value >= 400 && value < 500 ? value : null;
}

/** A value fit for one log line: control characters shown as `?`, at most 300 characters. */
export function oneLine(value: string) {
  return value.replace(/[\u0000-\u001f\u007f]/g, "?").slice(0, 300);
}

const STRAY_UPGRADE_BODY = "Only Socket.IO's path accepts protocol upgrades.";
const STRAY_UPGRADE_ANSWER =
  `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(STRAY_UPGRADE_BODY)}\r\n\r\n` +
  STRAY_UPGRADE_BODY;

/**
 * Node hands every upgrade request's socket to the `upgrade` listeners and forgets it: no timeout,
 * no keep-alive handling. Socket.IO answers (or refuses and closes) those on its own path, Vite's
 * hot reload those it names; every other one is answered 400 and its connection closed now, so a
 * client cannot hold descriptors by asking to upgrade where nothing will.
 */
function refuseStrayUpgrades(httpServer: http.Server, socketIoPath: string, development: boolean) {
  const ownPath = `${socketIoPath.replace(/\/$/, "")}/`;
  httpServer.on("upgrade", (req: http.IncomingMessage, socket: Duplex) => {
    if ((req.url ?? "").startsWith(ownPath)) return;
    if (development) {
      const protocols = String(req.headers["sec-websocket-protocol"] ?? "").split(",").map((value) => value.trim());
      if (protocols.includes("vite-hmr") || protocols.includes("vite-ping")) return;
    }
    socket.on("error", () => socket.destroy());
    const timer = setTimeout(() => socket.destroy(), 1_000);
    timer.unref();
    socket.end(STRAY_UPGRADE_ANSWER, () => {
      clearTimeout(timer);
      socket.destroy();
    });
  });
}

async function main() {
  let env: AppEnv;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(env.logLevel);
  const server = await createAppServer({ env, logger });
  // Said at every log level but silent: with PORT=0 it is the only way to learn the port.
  if (env.logLevel !== "silent") console.log(`Marginalia is ready at ${server.url} (${env.database.provider}${env.redisUrl ? " + redis" : ""}, ${env.nodeEnv})`);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      logger.info(`${signal}: shutting down`);
      server.close().then(
        () => process.exit(0),
        (error) => {
          logger.error("shutdown failed", error);
          process.exit(1);
        },
      );
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(`Marginalia failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
