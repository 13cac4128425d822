/**
 * The scale-out scenario behind `npm run test:scale`: two Marginalia processes on one PostgreSQL
 * schema and one Redis, behind a TCP load balancer, serving the demo group; one of them is killed
 * half-way. Each step is a named check (see checks.ts); every wait is bounded: ≤ 15 s, start-up ≤ 120 s.
 *
 * Layout of the live connections (all through the balancer, steered so they land like this):
 *   process A: the moderator, the member's second tab
 *   process B: the member's first tab, the member's group home page (group:watch only, from
 *              "session-start" on)
 * A is the one that gets killed. One check (a person moving from A to B) uses Day 2 and its own
 * sockets, so that it leaves Day 1's room as it was.
 *
 * In order, it proves:
 *   - start-up: both processes start at once on a fresh schema, which is migrated and seeded once;
 *     a session cookie from either works on both;
 *   - presence and `discussion:changed` are the same whichever process a client is on, and presence
 *     follows a person who moves from A to B;
 *   - a live session on Day 1, driven by HTTP forms posted straight to one process or the other:
 *     started via A, it reaches B's clients (`session:update`) and B's group home (`group:session`);
 *     B accepts a reading position right after (it learned of the session through the inter-server
 *     `lesson:session`: its own cache, made fresh by a re-join just before, said "no session");
 *     positions cross processes both ways (`positions:update`, and presence in a join's answer); a
 *     question asked via B shows on A, an upvote and the spotlight via A show on B; ended via B, it
 *     reaches A's clients and B's group home, and A refuses positions at once and has dropped those
 *     of its sockets (again against its own fresh cache, which said "running");
 *   - failover: with a second session running (started via B), A is killed; its clients reconnect to
 *     B, presence converges, their join's answer on B carries the session and the member's shared
 *     position, B takes their positions, and a comment posted via B reaches everyone.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { LiveSessionView, PresencePerson } from "~/realtime/events.ts";
import { TestClient } from "../support/client.ts";
import { rootDir } from "../support/paths.ts";
import type { Balancer } from "./balancer.ts";
import type { Checks } from "./checks.ts";
import { LiveClient, waitUntil, type JoinOutcome, type PositionOutcome } from "./live-client.ts";
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
/**
 * A process trusts what it cached of a lesson's session for 15 s (sessionCacheMs): an answer within
 * this long of setting the cache can only come from the cache or from `lesson:session`.
 */
const CACHE_PROOF_MS = 14_000;

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
  /** Day 1's first paragraphs (passageKey is the first): positions and the spotlight point at them. */
  let passageKeys: string[] = [];
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
      const targets = await query<{ readingId: string; key: string }>(
        `SELECT r.id AS "readingId", p.key
           FROM ${table("Lesson")} l
           JOIN ${table("Reading")} r ON r."lessonId" = l.id
           JOIN ${table("ReadingRevision")} rev ON rev.id = r."currentRevisionId"
           JOIN ${table("Passage")} p ON p."revisionId" = rev.id
          WHERE l."courseId" = $1 AND l.day = $2 AND r.kind = 'lesson' AND p.kind = 'paragraph'
          ORDER BY r.position, p.position
          LIMIT 6`,
        [group!.courseId, DAY],
      );
      const target = targets[0];
      if (!target || targets.length < 6) throw new Error(`the demo course has ${targets.length} Day ${DAY} lesson paragraphs: the scenario needs 6`);
      groupId = group!.id;
      readingId = target.readingId;
      passageKey = target.key;
      passageKeys = targets.map((row) => row.key);
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
  /** The clients on Day 1's lesson page (ctx.clients also holds the member's group home, from "session-start" on). */
  const lessonClients = () => ctx.clients.filter((client) => client.page === "lesson");
  const explainAll = () => ctx.clients.map((client) => `  ${client.describe()}`).join("\n");

  await checks.run(
    "presence",
    "every client sees presence with both people, each once (the member's tabs are on different processes)",
    async () => {
      const ms = await waitUntil("presence with both people on every client", () => lessonClients().every(seesBoth), explainAll, WAIT_MS);
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
      const onB = lessonClients().filter((client) => client.backend === "B");
      const ms = await waitUntil(
        `discussion:changed ${commentId} on every client`,
        () => lessonClients().every((client) => client.changes.some((change) => change.commentId === commentId)),
        () => lessonClients().map((client) => `  ${client.label} (on ${client.backend}): got [${client.changes.map((change) => change.commentId).join(", ")}]`).join("\n"),
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

  // ---------------------------------------------------------------- a live session across processes
  // Each process knows whether a lesson's session runs from its own cache (read from the database,
  // trusted for 15 s) or from the inter-server event `lesson:session` that the process handling the
  // start or end sends through Redis. The checks below make that cache fresh and wrong on purpose
  // (a lesson:join re-reads it: "no session" just before the start, "running" just before the end),
  // so that only `lesson:session` can explain what the other process then accepts or refuses.
  let sessionId = "";
  let secondSessionId = "";
  let startReturnedAt = 0;
  /** The member tab 1's re-join on B just before the start: B's cache was set to "no session" after `at`. */
  let cacheSetOnB: JoinOutcome | undefined;
  let home: LiveClient | undefined;

  const postSession = async (name: "A" | "B", person: Person, fields: Record<string, string>): Promise<Response> => {
    const sessionsPath = `/groups/${groupId}/sessions`;
    const response = await withCookies(urls[name]!, person.client).post(sessionsPath, fields, { signal: AbortSignal.timeout(WAIT_MS) });
    if (response.status !== 302) {
      const text = (await response.text()).replace(/\s+/g, " ").slice(0, 300);
      throw new Error(`POST ${sessionsPath} intent=${fields.intent} straight to process ${name} as ${person.email} answered ${response.status}: ${text}`);
    }
    await response.body?.cancel();
    return response;
  };
  const runningSessionIds = async () =>
    (await query<{ id: string }>(`SELECT id FROM ${table("LiveSession")} WHERE "groupId" = $1 AND "startedAt" IS NOT NULL AND "endedAt" IS NULL`, [groupId])).map((row) => row.id);
  const explainSessions = () => ctx.clients.map((client) => `  ${client.describeSession()}`).join("\n");
  const sees = (client: LiveClient, id: string, accept: (session: LiveSessionView) => boolean) =>
    client.sessionUpdates.some((update) => update.payload.id === id && accept(update.payload));
  const accepted = (outcome: PositionOutcome) => "data" in outcome.answer && outcome.answer.data.ok === true;
  const forbidden = (outcome: PositionOutcome) => "error" in outcome.answer && outcome.answer.error.code === "forbidden";
  const answerOf = (outcome: PositionOutcome) => JSON.stringify(outcome.answer);
  const onProcess = (name: "A" | "B") => lessonClients().filter((client) => client.backend === name);

  await checks.run(
    "session-start",
    "a session started via process A reaches the clients on B as session:update (live), and the member's group home on B (group:watch) gets group:session",
    async () => {
      // The group's home page, on B, watching before anything starts.
      balancer.steerNext("B");
      home = new LiveClient("member's group home", balancer.url, people.member!.client.cookieHeader(), { groupId, day: DAY }, balancer, "home");
      ctx.clients.push(home);
      await waitUntil("the member's group home connected and watching", () => home!.lastWatch() !== undefined, () => home!.describe(), WAIT_MS);
      const watch = home.lastWatch()!;
      if (!watch.ok) throw new Error(`group:watch failed: ${watch.error}`);
      if (home.backend !== "B") throw new Error(`the group home landed on ${home.backend ?? "an unknown process"}, not B`);
      if (watch.live !== null) throw new Error(`before the start, group:watch answered a live session: ${JSON.stringify(watch.live)}`);
      if ((await runningSessionIds()).length) throw new Error("a session is already running before the start");

      // B's own knowledge of the lesson, made fresh: "no session" for the next 15 s.
      const tab1 = live.memberTab1!;
      cacheSetOnB = await tab1.rejoin();
      if (!cacheSetOnB.ok || cacheSetOnB.backend !== "B") throw new Error(`member tab 1's re-join on B failed: ${tab1.describe()}`);
      if (cacheSetOnB.session !== null) throw new Error(`before the start, the join's answer had a session: ${JSON.stringify(cacheSetOnB.session)}`);
      const before = await tab1.sharePosition(passageKeys[1]!);
      if (!forbidden(before)) throw new Error(`before the start, B answered a reading position with ${answerOf(before)}, not forbidden`);

      await postSession("A", people.moderator!, { intent: "start", day: String(DAY), title: "Scale-out session" });
      startReturnedAt = Date.now();
      const ids = await runningSessionIds();
      if (ids.length !== 1) throw new Error(`${ids.length} running sessions in the database after the start`);
      sessionId = ids[0]!;
      const ms = await waitUntil(
        `session:update (live, ${sessionId}) on every client`,
        () => lessonClients().every((client) => sees(client, sessionId, (session) => session.status === "live")),
        explainSessions,
        WAIT_MS,
      );
      const view = tab1.sessionUpdates.find((update) => update.payload.id === sessionId)!.payload;
      if (view.day !== DAY || view.facilitator?.id !== people.moderator!.userId || !view.attendance.some((entry) => entry.userId === people.moderator!.userId)) {
        throw new Error(`unexpected session on B: ${JSON.stringify(view)}`);
      }
      const homeMs = await waitUntil(
        "group:session (live) on the member's group home on B",
        () => home!.groupSessions.some((entry) => entry.payload?.sessionId === sessionId),
        explainSessions,
        WAIT_MS,
      );
      const brief = home.groupSessions.find((entry) => entry.payload?.sessionId === sessionId)!.payload!;
      if (brief.day !== DAY || brief.facilitator !== people.moderator!.displayName) throw new Error(`unexpected group:session on B: ${JSON.stringify(brief)}`);
      return `on every client ${ms} ms after the start returned, on B's group home after ${Math.max(ms, homeMs)} ms`;
    },
    { needs: ["presence"] },
  );

  await checks.run(
    "session-known-on-B",
    "B accepts a reading position right after the start via A: it learned of the session through lesson:session (its own cache, set just before, said none)",
    async () => {
      const tab1 = live.memberTab1!;
      const outcome = await tab1.sharePosition(passageKeys[1]!);
      const sinceStart = outcome.answeredAt - startReturnedAt;
      // B set its cache no earlier than when the re-join was sent; it trusts it for 15 s.
      const sinceCache = outcome.answeredAt - cacheSetOnB!.at;
      if (!accepted(outcome)) {
        throw new Error(
          `B answered ${answerOf(outcome)} ${sinceStart} ms after the start via A: B still believes there is no session, so the inter-server ` +
            `lesson:session from A did not reach it (its own cache said "no session" ${sinceCache} ms before)`,
        );
      }
      if (outcome.backend !== "B") throw new Error(`member tab 1 is on ${outcome.backend}, not B`);
      if (sinceCache >= CACHE_PROOF_MS) {
        throw new Error(`accepted, but ${sinceCache} ms after B cached "no session": its 15 s cache may have expired, so this proves nothing about lesson:session`);
      }
      return `accepted ${sinceStart} ms after the start returned; B had cached "no session" ${sinceCache} ms before`;
    },
    { needs: ["session-start"] },
  );

  await checks.run(
    "positions-across",
    "shared reading positions cross processes: A's reach B and B's reach A as positions:update, and a join on B shows both in presence",
    async () => {
      const moderator = live.moderator!;
      const tab1 = live.memberTab1!;
      const shared = await moderator.sharePosition(passageKeys[2]!);
      if (!accepted(shared)) throw new Error(`the moderator's position on A answered ${answerOf(shared)}`);
      const ms = await waitUntil(
        "positions:update with the moderator's position (from A) on member tab 1 (on B), and the member's (from B) on the moderator (on A)",
        () => tab1.positionOf(people.moderator!.userId) === passageKeys[2] && moderator.positionOf(people.member!.userId) === passageKeys[1],
        explainSessions,
        WAIT_MS,
      );
      // Presence carries positions too: B fetches the moderator's from A's socket.
      const join = await tab1.rejoin();
      const positionOf = (userId: string) => join.present?.find((person) => person.userId === userId)?.passageKey;
      if (!join.ok || positionOf(people.moderator!.userId) !== passageKeys[2] || positionOf(people.member!.userId) !== passageKeys[1]) {
        throw new Error(`the join's presence on B: ${JSON.stringify(join.present ?? join.error)}; expected the moderator at ${passageKeys[2]} and the member at ${passageKeys[1]}`);
      }
      return `both ways within ${ms} ms; B's join showed both positions`;
    },
    { needs: ["session-known-on-B"] },
  );

  await checks.run(
    "question-across",
    "a question asked via B shows on the clients on A, and the moderator's upvote via A shows on the clients on B",
    async () => {
      const questionId = randomBytes(15).toString("base64url");
      await postSession("B", people.member!, { intent: "ask", sessionId, id: questionId, body: "Does the question cross processes?" });
      const askedMs = await waitUntil(
        `session:update with question ${questionId} on the clients on A`,
        () => onProcess("A").every((client) => sees(client, sessionId, (session) => session.questions.some((question) => question.id === questionId && question.votes === 0))),
        explainSessions,
        WAIT_MS,
      );
      const question = live.moderator!.lastSession()!.questions.find((candidate) => candidate.id === questionId);
      if (question?.author.id !== people.member!.userId || question.body !== "Does the question cross processes?") throw new Error(`unexpected question on A: ${JSON.stringify(question)}`);
      await postSession("A", people.moderator!, { intent: "vote", sessionId, questionId });
      const votedMs = await waitUntil(
        `session:update with 1 vote on ${questionId} on the clients on B`,
        () => onProcess("B").every((client) => sees(client, sessionId, (session) => session.questions.some((candidate) => candidate.id === questionId && candidate.votes === 1))),
        explainSessions,
        WAIT_MS,
      );
      return `the question on A after ${askedMs} ms, the upvote on B after ${votedMs} ms`;
    },
    { needs: ["session-start"] },
  );

  await checks.run(
    "spotlight-across",
    "the spotlight set via A shows on the clients on B",
    async () => {
      await postSession("A", people.moderator!, { intent: "spotlight", sessionId, passageKey: passageKeys[3]! });
      const ms = await waitUntil(
        `session:update with the spotlight on ${passageKeys[3]} on the clients on B`,
        () => onProcess("B").every((client) => sees(client, sessionId, (session) => session.spotlight?.passageKey === passageKeys[3])),
        explainSessions,
        WAIT_MS,
      );
      return `after ${ms} ms`;
    },
    { needs: ["session-start"] },
  );

  await checks.run(
    "session-end",
    "ending the session via B reaches the clients on A (ended) and B's group home; A then refuses positions and has dropped its sockets' positions (it learned through lesson:session)",
    async () => {
      const tab2 = live.memberTab2!;
      // A's own knowledge, made fresh: "running" for the next 15 s. And a position on A to forget.
      const cacheSetOnA = await tab2.rejoin();
      if (!cacheSetOnA.ok || cacheSetOnA.backend !== "A" || cacheSetOnA.session?.id !== sessionId || cacheSetOnA.session.status !== "live") {
        throw new Error(`member tab 2's re-join on A: ${cacheSetOnA.ok ? `session ${JSON.stringify(cacheSetOnA.session)}` : cacheSetOnA.error}`);
      }
      const before = await tab2.sharePosition(passageKeys[4]!);
      if (!accepted(before)) throw new Error(`before the end, A answered member tab 2's position with ${answerOf(before)}`);
      await waitUntil(`member tab 2's position (from A) on member tab 1 (on B)`, () => live.memberTab1!.positionOf(people.member!.userId) === passageKeys[4], explainSessions, WAIT_MS);

      await postSession("B", people.moderator!, { intent: "end", sessionId });
      const endReturnedAt = Date.now();
      const ms = await waitUntil(
        "session:update (ended) on the clients on A",
        () => onProcess("A").every((client) => sees(client, sessionId, (session) => session.status === "ended")),
        explainSessions,
        WAIT_MS,
      );
      await waitUntil("group:session (none live) on the member's group home on B", () => home!.groupSessions.at(-1)?.payload === null, explainSessions, WAIT_MS);

      const after = await tab2.sharePosition(passageKeys[5]!);
      const sinceCache = after.answeredAt - cacheSetOnA.at;
      if (!forbidden(after)) {
        throw new Error(
          `A answered ${answerOf(after)} ${after.answeredAt - endReturnedAt} ms after the end via B: A still believes the session runs, so the inter-server ` +
            `lesson:session from B did not reach it (its own cache said "running" ${sinceCache} ms before)`,
        );
      }
      if (sinceCache >= CACHE_PROOF_MS) throw new Error(`refused, but ${sinceCache} ms after A cached "running": its 15 s cache may have expired, so this proves nothing about lesson:session`);
      // Presence on B is computed from every process's sockets: a position left on A's would show.
      const join = await live.memberTab1!.rejoin();
      if (!join.ok || join.session !== null) throw new Error(`member tab 1's join on B after the end: ${join.ok ? `session ${JSON.stringify(join.session)}` : join.error}`);
      const leftOver = (join.present ?? []).filter((person) => person.passageKey !== undefined);
      if (leftOver.length) throw new Error(`positions remain after the end (A did not clear its sockets'): ${JSON.stringify(leftOver)}`);
      return `ended on A after ${ms} ms; A refused a position ${after.answeredAt - endReturnedAt} ms after the end (its cache said "running" ${sinceCache} ms before); no position left`;
    },
    { needs: ["session-start"] },
  );

  await checks.run(
    "session-restart",
    "a second session started via B reaches the clients on A, and the member shares a position in it on B",
    async () => {
      await postSession("B", people.moderator!, { intent: "start", day: String(DAY), title: "Scale-out session, again" });
      const ids = await runningSessionIds();
      if (ids.length !== 1 || ids[0] === sessionId) throw new Error(`running sessions after the second start: [${ids.join(", ")}]`);
      secondSessionId = ids[0]!;
      const ms = await waitUntil(
        `session:update (live, ${secondSessionId}) on the clients on A`,
        () => onProcess("A").every((client) => sees(client, secondSessionId, (session) => session.status === "live")),
        explainSessions,
        WAIT_MS,
      );
      const shared = await live.memberTab1!.sharePosition(passageKeys[5]!);
      if (!accepted(shared)) throw new Error(`member tab 1's position on B answered ${answerOf(shared)}`);
      return `live on A after ${ms} ms`;
    },
    { needs: ["session-end"] },
  );

  // ---------------------------------------------------------------- one process dies
  let killedAt = 0;
  await checks.run(
    "failover",
    "process A is killed (SIGKILL): its clients reconnect through the balancer to B and re-join",
    async () => {
      const onA = lessonClients().filter((client) => client.backend === "A");
      // The member's group home is on B too: it must not notice anything either.
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
      await waitUntil("presence with both people on every client after the kill", () => lessonClients().every(seesBoth), explain, WAIT_MS);
      const convergedAfter = Date.now() - killedAt;
      // Longer than the server's presence coalescing (150 ms): no late update undoes it.
      await sleep(1_000);
      const off = lessonClients().filter((client) => !seesBoth(client));
      if (off.length) throw new Error(`presence changed again after converging:\n${off.map((client) => `  ${client.describe()}`).join("\n")}`);
      return `${convergedAfter} ms after the kill, steady for 1 s`;
    },
    { needs: ["failover"] },
  );

  await checks.run(
    "session-rejoined",
    "the clients that moved from A to B get the running session, and the member's shared position, in their lesson:join answer on B, and B takes their positions",
    async () => {
      const moved = lessonClients().filter((client) => client.connects >= 2 && client.lastJoin()?.backend === "B" && client.lastJoin()!.at >= killedAt);
      if (moved.length !== 2) throw new Error(`${moved.length} clients re-joined on B after the kill, expected 2:\n${explainAll()}`);
      for (const client of moved) {
        const join = client.lastJoin()!;
        if (join.session?.id !== secondSessionId || join.session.status !== "live") {
          throw new Error(`${client.label}'s join on B answered the session ${JSON.stringify(join.session)}, expected ${secondSessionId} live`);
        }
        const member = join.present?.find((person) => person.userId === people.member!.userId);
        if (member?.passageKey !== passageKeys[5]) throw new Error(`${client.label}'s join on B: the member at ${member?.passageKey ?? "no position"}, expected ${passageKeys[5]}`);
      }
      const shared = await live.moderator!.sharePosition(passageKeys[0]!);
      if (!accepted(shared) || shared.backend !== "B") throw new Error(`the moderator's position (now on B) answered ${answerOf(shared)} on ${shared.backend}`);
      const ms = await waitUntil("the moderator's position on member tab 1", () => live.memberTab1!.positionOf(people.moderator!.userId) === passageKeys[0], explainSessions, WAIT_MS);
      return `${moved.map((client) => client.label).join(" and ")} got session ${secondSessionId} with the join; the moderator's position reached tab 1 in ${ms} ms`;
    },
    { needs: ["converged", "session-restart"] },
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
        () => lessonClients().every((client) => client.changes.some((change) => change.commentId === commentId && change.actorId === people.member!.userId)),
        () => lessonClients().map((client) => `  ${client.label} (on ${client.backend}): got [${client.changes.map((change) => change.commentId).join(", ")}]`).join("\n"),
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
