import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "~/models/demo.server.ts";
import { TestClient, uniqueEmail } from "../support/client.ts";
import { rootDir } from "../support/paths.ts";
import { freshDatabaseUrl, startTestServer, type TestServer } from "../support/server.ts";

const started: TestServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((server) => server.close()));
});

async function start(databaseUrl: string, env: Record<string, string> = {}) {
  const server = await startTestServer({ databaseUrl, env });
  started.push(server);
  return server;
}

const provider = process.env.TEST_POSTGRES_URL ? "postgres" : "sqlite";
const migrationNames = readdirSync(path.join(rootDir, "prisma", provider === "postgres" ? "postgres/migrations" : "migrations"), {
  withFileTypes: true,
})
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe(`database on ${provider}`, () => {
  it("two servers starting at once on an empty database (each with its own connection and lock) apply each migration exactly once and seed once", async () => {
    const url = await freshDatabaseUrl({ empty: true });
    const [first] = await Promise.all([start(url, { SEED_DEMO: "true" }), start(url, { SEED_DEMO: "true" })]);
    const rows = await first.database.db.$queryRawUnsafe<{ migration_name: string; finished_at: unknown }[]>(
      `SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    expect(rows.every((row) => row.finished_at !== null)).toBe(true);
    expect(await first.database.db.course.count()).toBe(1);
    expect(await first.database.db.user.count()).toBe(2);
  });

  it("a restart applies nothing again and never seeds twice", async () => {
    const url = await freshDatabaseUrl({ empty: true });
    const first = await start(url, { SEED_DEMO: "true" });
    const lessons = await first.database.db.lesson.count();
    await first.close();
    const second = await start(url, { SEED_DEMO: "true" });
    const rows = await second.database.db.$queryRawUnsafe<unknown[]>(`SELECT id FROM "_prisma_migrations"`);
    expect(rows).toHaveLength(migrationNames.length);
    expect(await second.database.db.course.count()).toBe(1);
    expect(await second.database.db.lesson.count()).toBe(lessons);
  });

  it("never seeds a database that already has data", async () => {
    const url = await freshDatabaseUrl({ empty: true });
    const plain = await start(url, { SEED_DEMO: "false" });
    const client = new TestClient(plain.url);
    await client.signUp({ email: uniqueEmail() });
    await plain.close();
    const seeded = await start(url, { SEED_DEMO: "true" });
    expect(await seeded.database.db.course.count()).toBe(0);
    expect(await seeded.database.db.user.count()).toBe(1);
  });

  it("the demo course has at least five days, each with a lesson and a summary, and both demo accounts can log in", async () => {
    const server = await start(await freshDatabaseUrl());
    const course = await server.database.db.course.findFirstOrThrow({ include: { lessons: { include: { readings: true } } } });
    expect(course.lessons.length).toBeGreaterThanOrEqual(5);
    for (const lesson of course.lessons) expect(lesson.readings.map((reading) => reading.kind).sort()).toEqual(["lesson", "summary"]);
    for (const account of Object.values(DEMO_ACCOUNTS)) {
      const response = await new TestClient(server.url).logIn(account.email, "marginalia-demo");
      expect(response.status).toBe(302);
    }
  });
});
