/**
 * What a transaction may and may not do to the statements of other requests (issue 11, ADR 0010):
 * a statement sent while another request's transaction is open never runs inside it — it does not
 * read the transaction's uncommitted changes, and a rollback of that transaction never takes the
 * statement's own, already acknowledged write with it. A failed COMMIT leaves no transaction open.
 * Runs on SQLite (the embedded default) and, under npm run test:pg, on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/db/client.server.ts";
import { freshDatabaseUrl, testEnv } from "../support/database.ts";

const provider = process.env.TEST_POSTGRES_URL ? "postgresql" : "sqlite";

let database: Database;
let userA: string;
let userB: string;

beforeAll(async () => {
  database = await openDatabase(testEnv(await freshDatabaseUrl()).database);
  const users = await database.db.user.findMany({ orderBy: { email: "asc" }, take: 2, select: { id: true } });
  expect(users).toHaveLength(2);
  userA = users[0]!.id;
  userB = users[1]!.id;
});

afterAll(async () => {
  await database?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nameOf = async (id: string) => (await database.db.user.findUniqueOrThrow({ where: { id } })).displayName;

/** Resolves when `inside` has run inside an open transaction; the transaction then holds for `holdMs`. */
function openTransaction(inside: (tx: Parameters<Parameters<Database["db"]["$transaction"]>[0]>[0]) => Promise<void>, holdMs: number, outcome: "commit" | "throw") {
  let opened!: () => void;
  const ready = new Promise<void>((resolve) => (opened = resolve));
  const done = database.db.$transaction(async (tx) => {
    await inside(tx);
    opened();
    await sleep(holdMs);
    if (outcome === "throw") throw new Error("refused on purpose");
  });
  return { ready, done };
}

describe(`transactions on ${provider}`, () => {
  it("a rollback never takes another request's acknowledged write with it, and nobody reads its uncommitted change", async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const before = await nameOf(userA);
      const tx = openTransaction((tx) => tx.user.update({ where: { id: userA }, data: { displayName: `uncommitted ${attempt}` } }).then(() => undefined), 100, "throw");
      await tx.ready;
      // Another request, while the transaction is open: a read, then a write it is told was saved.
      const seen = await nameOf(userA);
      await database.db.user.update({ where: { id: userB }, data: { displayName: `saved ${attempt}` } });
      await expect(tx.done).rejects.toThrow("refused on purpose");

      expect(seen).toBe(before);
      expect(await nameOf(userA)).toBe(before);
      expect(await nameOf(userB)).toBe(`saved ${attempt}`);
    }
  });

  it("a commit keeps both its own change and the write made beside it", async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const tx = openTransaction((tx) => tx.user.update({ where: { id: userA }, data: { displayName: `committed ${attempt}` } }).then(() => undefined), 50, "commit");
      await tx.ready;
      const beside = database.db.user.update({ where: { id: userB }, data: { displayName: `beside ${attempt}` } });
      await Promise.all([tx.done, beside]);
      expect(await nameOf(userA)).toBe(`committed ${attempt}`);
      expect(await nameOf(userB)).toBe(`beside ${attempt}`);
    }
  });

  it("many writes and reads beside a failing transaction are all kept, and none sees its change", async () => {
    const course = await database.db.course.findFirstOrThrow({ select: { id: true, title: true } });
    const tx = openTransaction((tx) => tx.course.update({ where: { id: course.id }, data: { title: "never committed" } }).then(() => undefined), 80, "throw");
    await tx.ready;
    const writes = Array.from({ length: 20 }, (_, i) =>
      database.db.rateLimit.create({ data: { key: `beside-${i}`, count: i, windowStart: new Date() } }),
    );
    const reads = Array.from({ length: 20 }, () => database.db.course.findUniqueOrThrow({ where: { id: course.id }, select: { title: true } }));
    const [, , titles] = await Promise.all([tx.done.catch(() => "rolled back"), Promise.all(writes), Promise.all(reads)]);
    expect(titles.map((row) => row.title)).toEqual(Array(20).fill(course.title));
    expect(await database.db.rateLimit.count({ where: { key: { startsWith: "beside-" } } })).toBe(20);
    expect((await database.db.course.findUniqueOrThrow({ where: { id: course.id } })).title).toBe(course.title);
  });

  it("transactions one after another or at once each commit or roll back whole", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        database.db.$transaction(async (tx) => {
          await tx.rateLimit.create({ data: { key: `tx-${i}`, count: 1, windowStart: new Date() } });
          await sleep(5);
          if (i % 2) throw new Error(`odd ${i}`);
          await tx.rateLimit.update({ where: { key: `tx-${i}` }, data: { count: 2 } });
        }),
      ),
    );
    expect(results.filter((result) => result.status === "rejected")).toHaveLength(4);
    const rows = await database.db.rateLimit.findMany({ where: { key: { startsWith: "tx-" } }, orderBy: { key: "asc" } });
    expect(rows.map((row) => [row.key, row.count])).toEqual([
      ["tx-0", 2],
      ["tx-2", 2],
      ["tx-4", 2],
      ["tx-6", 2],
    ]);
  });

  it("a transaction that runs past its timeout is rolled back whole, and writes beside it are kept", async () => {
    let late!: Promise<unknown>;
    const timedOut = database.db.$transaction(
      async (tx) => {
        await tx.user.update({ where: { id: userA }, data: { displayName: "before the timeout" } });
        await sleep(400);
        late = tx.user.update({ where: { id: userB }, data: { displayName: "after the timeout" } });
        await late;
      },
      { timeout: 150 },
    );
    const beside = database.db.rateLimit.create({ data: { key: "beside-timeout", count: 1, windowStart: new Date() } });
    await expect(timedOut).rejects.toThrow();
    await beside;
    await expect(late).rejects.toThrow();
    expect(await nameOf(userA)).not.toBe("before the timeout");
    expect(await nameOf(userB)).not.toBe("after the timeout");
    expect(await database.db.rateLimit.count({ where: { key: "beside-timeout" } })).toBe(1);
    await database.db.user.update({ where: { id: userB }, data: { displayName: "after" } });
    expect(await nameOf(userB)).toBe("after");
  });

  // SQLite keeps a transaction open when its COMMIT fails; PostgreSQL ends it by itself.
  if (provider === "sqlite") {
    it("a COMMIT that fails leaves no transaction open: later writes are committed, not held in it", async () => {
      // A deferred foreign key makes COMMIT itself fail; SQLite then keeps the transaction open.
      const failed = database.db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("PRAGMA defer_foreign_keys = ON");
        await tx.session.create({ data: { id: "orphan-session", secretHash: new Uint8Array(32), userId: "no-such-user", expiresAt: new Date(Date.now() + 60_000) } });
      });
      await expect(failed).rejects.toThrow();
      await database.db.user.update({ where: { id: userB }, data: { displayName: "after the failed commit" } });

      // A second connection sees only what was committed.
      const other = await openDatabase(testEnv(`file:${fileOf(database)}`).database);
      try {
        expect((await other.db.user.findUniqueOrThrow({ where: { id: userB } })).displayName).toBe("after the failed commit");
        expect(await other.db.session.count({ where: { id: "orphan-session" } })).toBe(0);
      } finally {
        await other.close();
      }
      // And the next transaction on this connection starts cleanly.
      await database.db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: userA }, data: { displayName: "next transaction" } });
      });
      expect(await nameOf(userA)).toBe("next transaction");
    });
  }
});

function fileOf(opened: Database): string {
  if (opened.provider !== "sqlite" || !opened.file) throw new Error("not a SQLite database");
  return opened.file;
}
