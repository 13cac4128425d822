import { describe, expect, it } from "vitest";
import { isReadOnlyStatement, Mutex } from "./sqlite-adapter.server.ts";

describe("isReadOnlyStatement", () => {
  it("lets a single SELECT through without the write lock", () => {
    expect(isReadOnlyStatement('SELECT "main"."User"."id" FROM "main"."User" WHERE 1')).toBe(true);
    expect(isReadOnlyStatement("  select 1")).toBe(true);
  });

  it("counts everything else as a write", () => {
    for (const sql of [
      'INSERT INTO "main"."Comment" ("id") VALUES (?) RETURNING "id"',
      'UPDATE "main"."User" SET "displayName" = ?',
      'DELETE FROM "main"."Session"',
      "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
      "PRAGMA defer_foreign_keys = ON",
      "SELECT 1; DELETE FROM t",
      "BEGIN IMMEDIATE",
      "SELECTED",
    ]) {
      expect(isReadOnlyStatement(sql), sql).toBe(false);
    }
  });
});

describe("Mutex", () => {
  it("hands the lock on first come, first served, and only once per release", async () => {
    const mutex = new Mutex();
    const order: string[] = [];
    const first = await mutex.acquire();
    const waiters = ["b", "c", "d"].map((name) => mutex.acquire().then((release) => (order.push(name), release)));
    expect(mutex.locked).toBe(true);
    first();
    first(); // a second release of the same grant changes nothing
    const b = await waiters[0]!;
    expect(order).toEqual(["b"]);
    b();
    (await waiters[1]!)();
    (await waiters[2]!)();
    expect(order).toEqual(["b", "c", "d"]);
    expect(mutex.locked).toBe(false);
  });

  it("releases the lock when the work throws", async () => {
    const mutex = new Mutex();
    await expect(mutex.run(async () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(mutex.locked).toBe(false);
    expect(await mutex.run(async () => 42)).toBe(42);
  });
});

describe("cachePreparedStatements", () => {
  it("prepares each SQL once, binds arguments per call, and keeps at most `size` statements", async () => {
    const { default: Database } = await import("better-sqlite3");
    const { cachePreparedStatements } = await import("./sqlite-adapter.server.ts");
    const connection = new Database(":memory:");
    connection.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
    const cache = cachePreparedStatements(connection, 2);
    const insert = "INSERT INTO t (name) VALUES (?)";
    for (const name of ["a", "b", "c"]) connection.prepare(insert).bind([name]).run();
    const select = connection.prepare("SELECT id, name FROM t WHERE name <> ? ORDER BY id") as unknown as {
      reader: boolean;
      bind(args: unknown[]): { columns(): { name: string }[]; raw(): { all(): unknown[][] } };
    };
    expect(select.reader).toBe(true);
    const bound = select.bind(["b"]);
    expect(bound.columns().map((column) => column.name)).toEqual(["id", "name"]);
    expect(bound.raw().all()).toEqual([
      [1, "a"],
      [3, "c"],
    ]);
    expect((connection.prepare("SELECT id, name FROM t WHERE name <> ? ORDER BY id") as unknown as typeof select).bind(["a"]).raw().all()).toEqual([
      [2, "b"],
      [3, "c"],
    ]);
    expect(cache.size()).toBe(2);
    connection.prepare("SELECT 1").bind([]);
    expect(cache.size()).toBe(2);
    connection.close();
  });
});
