import path from "node:path";
import { z } from "zod";

const booleanString = z
  .enum(["true", "false", "1", "0", "yes", "no"], {
    error: "must be true or false",
  })
  .transform((value) => value === "true" || value === "1" || value === "yes");

const databaseUrl = z
  .string()
  .trim()
  .refine((value) => /^(file:|postgres(ql)?:\/\/)/.test(value), {
    message: 'must start with "file:" (SQLite) or "postgres://" (PostgreSQL)',
  });

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  DATABASE_URL: databaseUrl.optional(),
  DATA_DIR: z.string().trim().min(1).default("data"),
  REDIS_URL: z
    .string()
    .trim()
    .refine((value) => /^rediss?:\/\//.test(value), { message: 'must start with "redis://" or "rediss://"' })
    .optional(),
  PUBLIC_ORIGIN: z
    .url({ message: "must be an origin such as https://marginalia.example.org" })
    .transform((value) => new URL(value).origin)
    .optional(),
  TRUST_PROXY: booleanString.default(false),
  COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  SEED_DEMO: booleanString.default(true),
  LOG_LEVEL: z.enum(["silent", "error", "warn", "info", "debug"]).default("info"),
});

export type EnvInput = z.input<typeof envSchema>;

export interface AppEnv {
  nodeEnv: "development" | "production" | "test";
  port: number;
  host: string;
  /** Resolved database location: a SQLite file path or a PostgreSQL URL. */
  database: { provider: "sqlite"; url: string; file: string } | { provider: "postgresql"; url: string };
  redisUrl: string | undefined;
  publicOrigin: string | undefined;
  trustProxy: boolean;
  /** "auto": Secure in production, except for requests to a loopback host (trying it out locally over http). */
  cookieSecure: boolean | "auto";
  seedDemo: boolean;
  logLevel: "silent" | "error" | "warn" | "info" | "debug";
}

export class EnvError extends Error {}

/** Validates the environment; throws an EnvError whose message is one line per bad variable. */
export function parseEnv(source: Record<string, string | undefined>, cwd = process.cwd()): AppEnv {
  const cleaned = Object.fromEntries(
    Object.keys(envSchema.shape).map((key) => [key, source[key] === "" ? undefined : source[key]]),
  );
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join(".");
      const value = source[name];
      return `${name}${value === undefined ? "" : `="${value}"`}: ${issue.message}`;
    });
    throw new EnvError(`Invalid environment: ${lines.join("; ")}`);
  }
  const env = result.data;
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    database: resolveDatabase(env.DATABASE_URL, path.resolve(cwd, env.DATA_DIR), cwd),
    redisUrl: env.REDIS_URL,
    publicOrigin: env.PUBLIC_ORIGIN,
    trustProxy: env.TRUST_PROXY,
    cookieSecure:
      env.COOKIE_SECURE === "auto" ? (env.NODE_ENV === "production" ? "auto" : false) : env.COOKIE_SECURE === "true",
    seedDemo: env.SEED_DEMO,
    logLevel: env.LOG_LEVEL,
  };
}

function resolveDatabase(url: string | undefined, dataDir: string, cwd: string): AppEnv["database"] {
  if (!url || url.startsWith("file:")) {
    // A relative file: URL is relative to the working directory, as in Prisma's own CLI.
    const file = url ? path.resolve(cwd, url.slice("file:".length)) : path.join(dataDir, "marginalia.db");
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  return { provider: "postgresql", url };
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** Whether the session cookie of a request to `hostname` carries the Secure flag. */
export function cookieSecureFor(setting: AppEnv["cookieSecure"], hostname: string): boolean {
  if (setting !== "auto") return setting;
  return !LOOPBACK_HOSTS.has(hostname) && !hostname.endsWith(".localhost");
}
