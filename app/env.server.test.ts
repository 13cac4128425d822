import path from "node:path";
import { describe, expect, it } from "vitest";
import { cookieSecureFor, EnvError, parseEnv } from "./env.server.ts";

describe("parseEnv", () => {
  it("defaults to an embedded SQLite file under the data folder, no Redis, port 3000", () => {
    const env = parseEnv({}, "/srv/app");
    expect(env.database).toEqual({ provider: "sqlite", url: "file:/srv/app/data/marginalia.db", file: "/srv/app/data/marginalia.db" });
    expect(env.port).toBe(3000);
    expect(env.redisUrl).toBeUndefined();
    expect(env.seedDemo).toBe(true);
  });

  it("chooses PostgreSQL and Redis from their URLs alone", () => {
    const env = parseEnv({ DATABASE_URL: "postgres://u@db:5432/m", REDIS_URL: "redis://cache:6379" });
    expect(env.database).toEqual({ provider: "postgresql", url: "postgres://u@db:5432/m" });
    expect(env.redisUrl).toBe("redis://cache:6379");
  });

  it("resolves a relative file: URL against the working directory", () => {
    expect(parseEnv({ DATABASE_URL: "file:./x/app.db" }, "/srv/app").database).toMatchObject({ file: path.resolve("/srv/app/x/app.db") });
  });

  it("sets Secure cookies in production unless told otherwise, or tried out on this machine over http", () => {
    const production = parseEnv({ NODE_ENV: "production" }).cookieSecure;
    expect(cookieSecureFor(production, "marginalia.example.org")).toBe(true);
    expect(cookieSecureFor(production, "localhost")).toBe(false);
    expect(cookieSecureFor(production, "127.0.0.1")).toBe(false);
    expect(cookieSecureFor(parseEnv({ NODE_ENV: "production", COOKIE_SECURE: "true" }).cookieSecure, "localhost")).toBe(true);
    expect(parseEnv({ NODE_ENV: "production", COOKIE_SECURE: "false" }).cookieSecure).toBe(false);
    expect(parseEnv({}).cookieSecure).toBe(false);
  });

  it("names every bad variable in one line", () => {
    expect(() => parseEnv({ PORT: "-1", TRUST_PROXY: "maybe" })).toThrow(EnvError);
    try {
      parseEnv({ PORT: "-1", TRUST_PROXY: "maybe" });
    } catch (error) {
      expect((error as Error).message).not.toContain("\n");
      expect((error as Error).message).toMatch(/PORT="-1": .*; TRUST_PROXY="maybe": must be true or false/);
    }
  });
});
