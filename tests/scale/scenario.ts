/**
 * The scale-out scenario behind `npm run test:scale`: two Marginalia processes on one PostgreSQL
 * schema and one Redis, behind a TCP load balancer, serving the demo group; one of them is killed
 * half-way. Each step is a named check (see checks.ts); every wait is bounded: ≤ 15 s, start-up ≤ 120 s.
 *
 * Layout of the live connections (all through the balancer, steered so they land like this):
 *   process A: the moderator, the member's second tab
 *   process B: the member's first tab
 * A is the one that gets killed. One check (a person moving from A to B) uses Day 2 and its own
 * sockets, so that it leaves Day 1's room as it was.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { PresencePerson } from "~/realtime/events.ts";
import { TestClient } from "../support/client.ts";
import { rootDir } from "../support/paths.ts";
import type { Balancer } from "./balancer.ts";
import type { Checks } from "./checks.ts";
import { LiveClient, waitUntil } from "./live-client.ts";
import { sleep, startReaper, startServer, tail, waitReady, type ServerProcess } from "./servers.ts";
import type { ChildProcess } from "node:child_process";

const DEMO_PASSWORD = "marginalia-demo";
const DEMO_GROUP = "Evening readers";
const MODERATOR_EMAIL = "moderator@example.org";
const MEMBER_EMAIL = "member@example.org";
const STARTUP_TIMEOUT_MS = 120_000;
const WAIT_MS = 15_000;
const DAY = 1;
/** Comfortably longer than the server's presence coalescing (150 ms). */
const SETTLE_MS = 500;
const MOVE_WAIT_MS = 3_000;

export interface ScaleContext {
  /** postgres://… without a schema (for the test's own queries). */
  postgresUrl: string;
  schema: string;
  redisUrl: string;
  /** Prefix of the server log files in tests/.tmp. */
  logName: string;
  balancer: Balancer;
  /** Filled in as processes start: the runner stops whatever is here at the end. */
  servers: ServerProcess[];
  clients: LiveClient[];
  /** Ends the servers if the runner itself is killed outright; the runner stops it at the end. */
  reaper?: ChildProcess;
}

interface Person {
  email: string;
  userId: string;
  displayName: string;
  /** Logged in through the balancer. */
  client: TestClient;
}

export async function runScenario(ctx: ScaleContext, checks: Checks): Promise<void> {
  const { balancer } = ctx;
  const urls: Record<string, string> = {};
  const server = (name: "A" | "B") => ctx.servers.find((candidate) => candidate.name === name)!;
  let groupId = "";
  let readingId = "";
  let passageKey = "";
  const people: { moderator?: Person; member?: Person } = {};
  const live: { moderator?: LiveClient; memberTab1?: LiveClient; memberTab2?: LiveClient } = {};

  const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: ctx.postgresUrl, connectionTimeoutMillis: 5_000, query_timeout: 10_000 });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end().catch(() => {});
    }
  };
  const table = (name: string) => `"${ctx.schema}"."${name}"`;

  // ---------------------------------------------------------------- start-up
  await checks.run(
    "start",
    "two processes started at the same time on one fresh schema are both ready",
    async () => {
      const env = {
        NODE_ENV: "production",
        DATABASE_URL: withSchema(ctx.postgresUrl, ctx.schema),
        REDIS_URL: ctx.redisUrl,
        SEED_DEMO: "true",
        HOST: "127.0.0.1",
        PORT: "0",
        // See servers.ts: the "ready at <url>" line is an info line.
        LOG_LEVEL: "info",
        // Nothing from the caller's environment: the origin is whatever Host the request carries.
        PUBLIC_ORIGIN: "",
        TRUST_PROXY: "",
        COOKIE_SECURE: "",
      };
      ctx.servers.push(startServer("A", env, ctx.logName), startServer("B", env, ctx.logName));
      ctx.reaper = startReaper(ctx.servers.map((process) => process.pid).filter((pid) => pid > 0));
      const [urlA, urlB] = await Promise.all([waitReady(server("A"), STARTUP_TIMEOUT_MS), waitReady(server("B"), STARTUP_TIMEOUT_MS)]).catch((error: Error) => {
        // Two `CREATE SCHEMA IF NOT EXISTS` at once collide unless the schema is created under the migration lock.
        if (error.message.includes("pg_namespace_nspname_index")) error.message += "\n(both processes created the schema at once: it must be created under the advisory lock, app/db/migrate.server.ts)";
        throw error;
      });
      urls.A = urlA;
      urls.B = urlB;
      balancer.setBackends(
        (["A", "B"] as const).map((name) => ({ name, host: new URL(urls[name]!).hostname, port: Number(new URL(urls[name]!).port) })),
      );
      return `A ${urlA}, B ${urlB}, balancer ${balancer.url}`;
    },
    { timeoutMs: STARTUP_TIMEOUT_MS + 10_000 },
  );

  await checks.run(
    "migrated-once",
    "concurrent start-up migrated once: one _prisma_migrations row per migration folder, applied by one process",
    async () => {
      const migrationsDir = path.join(rootDir, "prisma", "postgres", "migrations");
      const folders = readdirSync(migrationsDir)
        .filter((name) => statSync(path.join(migrationsDir, name)).isDirectory())
        .sort();
      const rows = await query<{ migration_name: string; finished: boolean; rolled_back: boolean }>(
        `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM ${table("_prisma_migrations")} ORDER BY migration_name`,
      );
      const names = rows.map((row) => row.migration_name);
      const problems: string[] = [];
      if (rows.length !== folders.length) problems.push(`${rows.length} rows for ${folders.length} migration folders`);
      for (const folder of folders) {
        const count = names.filter((name) => name === folder).length;
        if (count !== 1) problems.push(`${folder}: ${count} rows`);
      }
      for (const name of names) if (!folders.includes(name)) problems.push(`${name}: a row without a folder`);
      for (const row of rows) if (!row.finished || row.rolled_back) problems.push(`${row.migration_name}: not finished, or rolled back`);
      // Each process logs the migrations it applied: under the advisory lock one applies them all,
      // the other waits and finds nothing to do.
      const applied = Object.fromEntries(
        ctx.servers.map((process) => [process.name, process.lines.filter((line) => line.includes("applied migration ")).length]),
      );
      const total = Object.values(applied).reduce((sum, count) => sum + count, 0);
      if (total !== folders.length) problems.push(`the processes logged ${total} applied migrations in all (${JSON.stringify(applied)}), expected ${folders.length}`);
      if (Object.values(applied).filter((count) => count > 0).length > 1) problems.push(`both processes applied migrations: ${JSON.stringify(applied)}`);
      if (problems.length) throw new Error(problems.join("\n"));
      const by = Object.entries(applied).find(([, count]) => count > 0)?.[0] ?? "?";
      return `${folders.length} migrations, each once, all applied by ${by}`;
    },
    { needs: ["start"] },
  );

  await checks.run(
    "seeded-once",
    "the demo course, accounts and group were seeded once",
    async () => {
      const [counts] = await query<{ users: string; courses: string; groups: string }>(
        `SELECT (SELECT count(*) FROM ${table("User")}) AS users, (SELECT count(*) FROM ${table("Course")}) AS courses,
                (SELECT count(*) FROM ${table("Group")} WHERE name = $1) AS groups`,
        [DEMO_GROUP],
      );
      const seededBy = ctx.servers.filter((process) => process.lines.some((line) => line.includes("created the demo course"))).map((process) => process.name);
      if (counts?.users !== "2" || counts.courses !== "1" || counts.groups !== "1" || seededBy.length !== 1) {
        throw new Error(`users ${counts?.users}, courses ${counts?.courses}, "${DEMO_GROUP}" groups ${counts?.groups}; seeded by: ${seededBy.join(", ") || "nobody"}`);
      }
      const [group] = await query<{ id: string; courseId: string }>(`SELECT id, "courseId" FROM ${table("Group")} WHERE name = $1`, [DEMO_GROUP]);
      const [target] = await query<{ readingId: string; key: string }>(
        `SELECT r.id AS "readingId", p.key
           FROM ${table("Lesson")} l
           JOIN ${table("Reading")} r ON r."lessonId" = l.id
           JOIN ${table("ReadingRevision")} rev ON rev.id = r."currentRevisionId"
           JOIN ${table("Passage")} p ON p."revisionId" = rev.id
          WHERE l."courseId" = $1 AND l.day = $2 AND r.kind = 'lesson' AND p.kind = 'paragraph'
          ORDER BY r.position, p.position
          LIMIT 1`,
        [group!.courseId, DAY],
      );
      if (!target) throw new Error(`the demo course has no Day ${DAY} lesson reading with a paragraph`);
      groupId = group!.id;
      readingId = target.readingId;
      passageKey = target.key;
      return `seeded by ${seededBy[0]}; group ${groupId}`;
    },
    { needs: ["start"] },
  );

  // ---------------------------------------------------------------- sessions
  await checks.run(
    "login",
    "moderator and member log in through the balancer, and either process accepts their sessions",
    async () => {
      const users = await query<{ id: string; email: string; displayName: string }>(
        `SELECT id, email, "displayName" FROM ${table("User")} WHERE email = ANY($1)`,
        [[MODERATOR_EMAIL, MEMBER_EMAIL]],
      );
      for (const [role, email] of [
        ["moderator", MODERATOR_EMAIL],
        ["member", MEMBER_EMAIL],
      ] as const) {
        const user = users.find((candidate) => candidate.email === email);
        if (!user) throw new Error(`no user ${email}`);
        const client = new TestClient(balancer.url);
        const response = await client.logIn(email, DEMO_PASSWORD);
        if (![302, 303].includes(response.status) || !client.sessionToken()) {
          throw new Error(`logging in ${email} through the balancer answered ${response.status} ${client.sessionToken() ? "" : "without a session cookie"}`);
        }
        people[role] = { email, userId: user.id, displayName: user.displayName, client };
      }
      // The same session cookie, sent straight to each process: both find the session in PostgreSQL.
      for (const person of [people.moderator!, people.member!]) {
        for (const name of ["A", "B"] as const) {
          const direct = withCookies(urls[name]!, person.client);
          const response = await direct.get("/groups", { signal: AbortSignal.timeout(WAIT_MS) });
          const body = await response.text();
          if (response.status !== 200 || !body.includes(DEMO_GROUP)) {
            throw new Error(`GET /groups on process ${name} as ${person.email}: ${response.status}${response.headers.get("location") ? ` → ${response.headers.get("location")}` : ""}${response.status === 200 ? ` without "${DEMO_GROUP}"` : ""}`);
          }
        }
      }
      return "GET /groups with each session answered 200 on A and on B";
    },
    { needs: ["seeded-once"] },
  );

  // ---------------------------------------------------------------- live connections
  await checks.run(
    "sockets",
    "3 sockets through the balancer land on both processes (moderator → A, member tab 1 → B, member tab 2 → A) and join Day 1",
    async () => {
      const ref = { groupId, day: DAY };
      const open = async (label: string, person: Person, expected: "A" | "B") => {
        balancer.steerNext(expected);
        const client = new LiveClient(label, balancer.url, person.client.cookieHeader(), ref, balancer);
        ctx.clients.push(client);
        await waitUntil(`${label} connected and joined`, () => client.lastJoin() !== undefined, () => client.describe(), WAIT_MS);
        const join = client.lastJoin()!;
        if (!join.ok) throw new Error(`${label}: lesson:join failed: ${join.error}`);
        if (client.backend !== expected) throw new Error(`${label} landed on ${client.backend ?? "an unknown process"}, not ${expected}`);
        return client;
      };
      live.moderator = await open("moderator", people.moderator!, "A");
      live.memberTab1 = await open("member tab 1", people.member!, "B");
      live.memberTab2 = await open("member tab 2", people.member!, "A");
      return ctx.clients.map((client) => `${client.label} on ${client.backend}`).join(", ");
    },
    { needs: ["login"] },
  );

  const bothPeople = () => [people.moderator!, people.member!];
  const seesBoth = (client: LiveClient) => presenceMatches(client.present, bothPeople());
  const explainAll = () => ctx.clients.map((client) => `  ${client.describe()}`).join("\n");

  await checks.run(
    "presence",
    "every client sees presence with both people, each once (the member's tabs are on different processes)",
    async () => {
      const ms = await waitUntil("presence with both people on every client", () => ctx.clients.every(seesBoth), explainAll, WAIT_MS);
      return `after ${ms} ms: ${ctx.clients[0]!.present.map((person) => person.displayName).join(" + ")}`;
    },
    { needs: ["sockets"] },
  );

  await checks.run(
    "event-across",
    "a comment posted over HTTP via process A reaches the client on process B as discussion:changed",
    async () => {
      const viaA = withCookies(urls.A!, people.moderator!.client);
      const commentId = await postComment(viaA, groupId, { readingId, passageKey, body: "Posted through process A." });
      const onB = ctx.clients.filter((client) => client.backend === "B");
      const ms = await waitUntil(
        `discussion:changed ${commentId} on every client`,
        () => ctx.clients.every((client) => client.changes.some((change) => change.commentId === commentId)),
        () => ctx.clients.map((client) => `  ${client.label} (on ${client.backend}): got [${client.changes.map((change) => change.commentId).join(", ")}]`).join("\n"),
        WAIT_MS,
      );
      const change = onB[0]!.changes.find((candidate) => candidate.commentId === commentId)!;
      if (change.intent !== "post" || change.passageKey !== passageKey || change.actorId !== people.moderator!.userId) {
        throw new Error(`unexpected event on B: ${JSON.stringify(change)}`);
      }
      return `${onB.map((client) => client.label).join(", ")} on B got it ${ms} ms after the post returned, as did everyone on A`;
    },
    { needs: ["presence"] },
  );

  await checks.run(
    "move",
    "presence follows a person who moves to the other process: moderator leaves A, comes back on B (Day 2, own sockets)",
    async () => {
      // Day 2's room is apart from Day 1's, so this leaves the clients and presence of the rest alone.
      const ref = { groupId, day: 2 };
      const opened: LiveClient[] = [];
      const open = async (label: string, person: Person, expected: "A" | "B") => {
        balancer.steerNext(expected);
        const client = new LiveClient(label, balancer.url, person.client.cookieHeader(), ref, balancer);
        opened.push(client);
        await waitUntil(`${label} connected and joined`, () => client.lastJoin() !== undefined, () => client.describe(), WAIT_MS);
        if (!client.lastJoin()!.ok) throw new Error(`${label}: lesson:join failed: ${client.lastJoin()!.error}`);
        if (client.backend !== expected) throw new Error(`${label} landed on ${client.backend ?? "an unknown process"}, not ${expected}`);
        return client;
      };
      const explain = () => opened.map((client) => `  ${client.describe()}`).join("\n");
      try {
        const moderatorOnA = await open("moderator (Day 2)", people.moderator!, "A");
        const member = await open("member (Day 2)", people.member!, "B");
        await waitUntil("both people on Day 2", () => seesBoth(member) && seesBoth(moderatorOnA), explain, WAIT_MS);
        // Past the server's presence coalescing (150 ms): both processes have sent what they will send.
        await sleep(SETTLE_MS);
        moderatorOnA.close();
        await waitUntil("the member sees the moderator gone", () => presenceMatches(member.present, [people.member!]), explain, WAIT_MS);
        await sleep(SETTLE_MS);
        const moderatorOnB = await open("moderator back (Day 2)", people.moderator!, "B");
        await waitUntil(
          "the member sees the moderator back (now on B)",
          () => seesBoth(member) && seesBoth(moderatorOnB),
          () => `${explain()}\n  (if the member still sees only themselves: B skipped the broadcast because it equals what B itself last sent, though A has sent another since)`,
          // Presence is coalesced for 150 ms: 3 s is plenty. Not 15 s: the servers' idle sweep (every
          // 20 s) would eventually send the right presence anyway, and a pass should not hang on it.
          MOVE_WAIT_MS,
        );
        return "the member saw the moderator leave A and come back on B";
      } finally {
        for (const client of opened) client.close();
      }
    },
    { needs: ["sockets"] },
  );

  // ---------------------------------------------------------------- one process dies
  let killedAt = 0;
  await checks.run(
    "failover",
    "process A is killed (SIGKILL): its clients reconnect through the balancer to B and re-join",
    async () => {
      const onA = ctx.clients.filter((client) => client.backend === "A");
      const onB = ctx.clients.filter((client) => client.backend === "B");
      const a = server("A");
      killedAt = Date.now();
      a.child.kill("SIGKILL");
      const how = await Promise.race([a.exited, new Promise<string>((resolve) => setTimeout(() => resolve("still running"), 5_000))]);
      if (how !== "SIGKILL") throw new Error(`process A did not die on SIGKILL (${how})`);
      await waitUntil(
        "A's clients back on B and re-joined",
        () =>
          onA.every((client) => {
            const join = client.lastJoin();
            return client.socket.connected && client.connects >= 2 && join !== undefined && join.at >= killedAt && join.ok && join.backend === "B";
          }),
        explainAll,
        WAIT_MS,
      );
      const dropped = onB.filter((client) => client.connects !== 1 || !client.socket.connected);
      if (dropped.length) throw new Error(`clients on B lost their connection too:\n${dropped.map((client) => `  ${client.describe()}`).join("\n")}`);
      const rejoined = onA.map((client) => `${client.label} +${client.lastJoin()!.at - killedAt} ms`).join(", ");
      return `re-joined on B after the kill: ${rejoined}; ${onB.map((client) => client.label).join(", ")} stayed connected`;
    },
    { needs: ["event-across"] },
  );

  await checks.run(
    "converged",
    "presence converges again: every client sees both people, each once, and it stays so",
    async () => {
      const explain = () => `  (A was killed at ${new Date(killedAt).toISOString().slice(11, 23)})\n${explainAll()}`;
      await waitUntil("presence with both people on every client after the kill", () => ctx.clients.every(seesBoth), explain, WAIT_MS);
      const convergedAfter = Date.now() - killedAt;
      // Longer than the server's presence coalescing (150 ms): no late update undoes it.
      await sleep(1_000);
      const off = ctx.clients.filter((client) => !seesBoth(client));
      if (off.length) throw new Error(`presence changed again after converging:\n${off.map((client) => `  ${client.describe()}`).join("\n")}`);
      return `${convergedAfter} ms after the kill, steady for 1 s`;
    },
    { needs: ["failover"] },
  );

  await checks.run(
    "event-after",
    "a comment posted via B (through the balancer, A being dead) reaches every client",
    async () => {
      const skippedBefore = balancer.stats.skipped.get("A") ?? 0;
      const commentId = await postComment(people.member!.client, groupId, { readingId, passageKey, body: "Posted after process A died." });
      if (balancer.lastRoute !== "B") throw new Error(`the post went to ${balancer.lastRoute}, not B`);
      const ms = await waitUntil(
        `discussion:changed ${commentId} on every client`,
        () => ctx.clients.every((client) => client.changes.some((change) => change.commentId === commentId && change.actorId === people.member!.userId)),
        () => ctx.clients.map((client) => `  ${client.label} (on ${client.backend}): got [${client.changes.map((change) => change.commentId).join(", ")}]`).join("\n"),
        WAIT_MS,
      );
      const skipped = balancer.stats.skipped.get("A") ?? 0;
      return `everyone got it ${ms} ms after the post; the balancer skipped dead A ${skipped} time(s)${skipped > skippedBefore ? ", once for this post" : ""}`;
    },
    { needs: ["converged"] },
  );

  if (checks.results.some((result) => result.status === "failed")) {
    for (const process of ctx.servers) {
      console.log(`\n    last lines of process ${process.name} (full log: ${path.relative(rootDir, process.logFile)}):`);
      console.log(tail(process));
    }
  }
}

/** Each of `people` exactly once, and nobody else. */
function presenceMatches(present: PresencePerson[], people: { userId: string }[]): boolean {
  const ids = present.map((person) => person.userId);
  return ids.length === people.length && people.every((person) => ids.filter((id) => id === person.userId).length === 1);
}

/** A client for `baseUrl` carrying another client's cookies (the session), as a browser would. */
function withCookies(baseUrl: string, from: TestClient): TestClient {
  const client = new TestClient(baseUrl);
  for (const [name, value] of from.cookies) client.cookies.set(name, value);
  return client;
}

/** Posts a new comment as a browser without JavaScript does; returns its id. */
async function postComment(client: TestClient, groupId: string, fields: { readingId: string; passageKey: string; body: string }): Promise<string> {
  const id = randomBytes(12).toString("base64url");
  const path = `/groups/${groupId}/day/${DAY}`;
  const response = await client.post(path, { intent: "post", id, kind: "comment", ...fields }, { signal: AbortSignal.timeout(WAIT_MS) });
  const location = response.headers.get("location") ?? "";
  if (![302, 303].includes(response.status) || !location.includes(`#c-${id}`)) {
    const text = (await response.text()).replace(/\s+/g, " ").slice(0, 300);
    const hint = response.status === 404 ? " (is app/routes/groups.$groupId.day.$day.tsx in the production build?)" : "";
    throw new Error(`POST ${client.baseUrl}${path} answered ${response.status}${location ? ` → ${location}` : ""}${hint}: ${text}`);
  }
  return id;
}

export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("schema", schema);
  return parsed.toString();
}
