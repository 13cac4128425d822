/**
 * A live page never misses a change (issue 11): pages modelled as the lesson page's scripts run them —
 * the data comes from the route's loader (`.data`, as the page loads it), the catch-up cursor is the
 * page's CatchUpCursor fed only with the `seq` that loaded data reflects, and `discussion:changed`
 * events and a join's missed changes only make the page load again — over real socket.io-client
 * connections. A connection drop, and a server restart, right after an event: afterwards every page
 * shows exactly what the database holds, and asking again from its cursor finds nothing new.
 */
import { randomBytes } from "node:crypto";
import { decode } from "turbo-stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CatchUpCursor } from "~/components/live/catch-up-cursor.ts";
import type { ThreadView } from "~/models/discussion.server.ts";
import type { DiscussionChange } from "~/realtime/events.ts";
import { createGroupDirectly, signUp, uniqueLabel, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { connectionOutcome, nextEvent, openSocket, type ClientSocket } from "../support/socket.ts";

const ROUTE = "routes/groups.$groupId.day.$day";
const sockets: ClientSocket[] = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

interface LessonFixture {
  groupId: string;
  readingId: string;
  passageKey: string;
}

async function lessonFixture(server: TestServer, people: Person[]): Promise<LessonFixture> {
  const group = await createGroupDirectly(server, uniqueLabel("Catch-up"), people.map((person, index) => [person, index === 0 ? "owner" : "member"] as const));
  const reading = await server.database.db.reading.findFirstOrThrow({
    where: { kind: "lesson", lesson: { day: 1, courseId: group.courseId } },
    include: { currentRevision: { include: { passages: { where: { kind: "paragraph" }, take: 1 } } } },
  });
  return { groupId: group.id, readingId: reading.id, passageKey: reading.currentRevision!.passages[0]!.key };
}

const commentIds = (threads: ThreadView[]) => {
  const ids: string[] = [];
  const walk = (comment: { id: string; replies: unknown[] }) => {
    ids.push(comment.id);
    for (const reply of comment.replies as Array<{ id: string; replies: unknown[] }>) walk(reply);
  };
  for (const thread of threads) walk(thread);
  return ids.sort();
};

/**
 * One person's lesson page (the passage's panel open), as its scripts behave: loads, the cursor its
 * data reflects, and a load after every event or join that says it has something to load. A load that
 * cannot reach the server fails and changes nothing.
 */
class LessonPage {
  view: string[] = [];
  cursor = new CatchUpCursor(0);
  socket: ClientSocket | null = null;
  /** Loads that found the server unreachable. */
  failedLoads = 0;
  /** When set, the page hears events but its connection drops before it can load (the drop "right after"). */
  dropOnNextEvent = false;
  private loading: Promise<void> = Promise.resolve();
  private heard: DiscussionChange[] = [];

  constructor(
    private baseUrl: string,
    readonly person: Person,
    readonly lesson: LessonFixture,
  ) {}

  get path() {
    return `/groups/${this.lesson.groupId}/day/1`;
  }

  /** The route's loader, as the page calls it: the panel's threads and `live.cursor`. */
  load(): Promise<void> {
    this.loading = this.loading.then(async () => {
      let response: Response;
      try {
        response = await fetch(new URL(`${this.path}.data?open=${this.lesson.passageKey}&_routes=${encodeURIComponent(ROUTE)}`, this.baseUrl), {
          headers: { cookie: this.person.client.cookieHeader() },
        });
      } catch {
        this.failedLoads += 1;
        return;
      }
      expect(response.status).toBe(200);
      const decoded = (await decode(response.body!)).value as Record<string, { data: { threads: Record<string, ThreadView[]>; live: { cursor: number } } }>;
      const data = decoded[ROUTE]!.data;
      this.view = commentIds(data.threads[this.lesson.passageKey] ?? []);
      this.cursor.loaded(data.live.cursor);
    });
    return this.loading;
  }

  /** Settled: every load asked for so far is done. */
  settled() {
    return this.loading;
  }

  async connect(baseUrl = this.baseUrl) {
    this.baseUrl = baseUrl;
    const socket = openSocket(baseUrl, { cookie: this.person.client.cookieHeader() });
    sockets.push(socket);
    this.socket = socket;
    socket.on("discussion:changed", (change) => {
      this.heard.push(change);
      // The page hears of the change first (this is where the cursor used to move)…
      const mustLoad = this.cursor.heard(change);
      if (this.dropOnNextEvent) {
        // …and then the connection (and the network with it) goes away before it could load.
        this.dropOnNextEvent = false;
        socket.disconnect();
        return;
      }
      if (mustLoad) void this.load();
    });
    expect(await connectionOutcome(socket)).toBe("connected");
    return this.join();
  }

  /** `lesson:join` with the cursor; loads when the answer says something was missed. */
  async join() {
    const answer = await this.socket!.emitWithAck("lesson:join", { groupId: this.lesson.groupId, day: 1, after: this.cursor.value });
    if (!("data" in answer)) throw new Error(JSON.stringify(answer));
    if (this.cursor.rejoined(answer.data.missed)) await this.load();
    return answer.data;
  }

  /** Resolves with the next change this page hears (matching `commentId` if given). */
  hears(commentId?: string) {
    return nextEvent<DiscussionChange>(this.socket!, "discussion:changed", (change) => !commentId || change.commentId === commentId);
  }
}

async function post(_server: TestServer, who: Person, lesson: LessonFixture, body: string) {
  const id = randomBytes(12).toString("base64url");
  const response = await who.client.post(`/groups/${lesson.groupId}/day/1`, {
    intent: "post",
    id,
    body,
    kind: "comment",
    readingId: lesson.readingId,
    passageKey: lesson.passageKey,
  });
  expect(response.status, `posting "${body}"`).toBe(302);
  return id;
}

async function inDatabase(server: TestServer, lesson: LessonFixture) {
  const rows = await server.database.db.comment.findMany({ where: { groupId: lesson.groupId, passageKey: lesson.passageKey }, select: { id: true } });
  return rows.map((row) => row.id).sort();
}

/** Each page shows what the database holds, and asking again from its cursor finds nothing it lacks. */
async function expectCaughtUp(server: TestServer, lesson: LessonFixture, pages: LessonPage[]) {
  const truth = await inDatabase(server, lesson);
  for (const page of pages) {
    await page.settled();
    expect(page.view, `what ${page.person.displayName}'s page shows`).toEqual(truth);
    const again = await page.socket!.emitWithAck("lesson:join", { groupId: lesson.groupId, day: 1, after: page.cursor.value });
    expect(again, `${page.person.displayName} asking again from the cursor`).toMatchObject({ data: { missed: { changes: [], complete: true } } });
  }
}

describe("the catch-up cursor follows the data the page has loaded", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("a drop right after an event: the rejoin brings the change back", async () => {
    const writer = await signUp(server);
    const [ada, bo] = [await signUp(server), await signUp(server)];
    const lesson = await lessonFixture(server, [writer, ada, bo]);
    await post(server, writer, lesson, "Before anyone opened the page");
    const [adaPage, boPage] = [new LessonPage(server.url, ada, lesson), new LessonPage(server.url, bo, lesson)];
    for (const page of [adaPage, boPage]) {
      await page.load();
      await page.connect();
    }
    await expectCaughtUp(server, lesson, [adaPage, boPage]);
    const loadedBefore = adaPage.cursor.value;

    // Writer posts; Ada's connection drops the moment the event arrives, before her page could load.
    adaPage.dropOnNextEvent = true;
    const adaDropped = nextEvent(adaPage.socket!, "disconnect" as never);
    const boHears = boPage.hears();
    const id = await post(server, writer, lesson, "Announced, then the connection dropped");
    const change = await boHears;
    await adaDropped;
    expect(adaPage.view).not.toContain(id);
    // Her cursor still says what her page shows, not what the event announced.
    expect(adaPage.cursor.value).toBe(loadedBefore);
    expect(adaPage.cursor.value).toBeLessThan(change.seq);

    // Back: the join answers with the change after her cursor, and her page loads it.
    const back = await adaPage.connect();
    expect(back.missed?.changes.map((missed) => missed.commentId)).toEqual([id]);
    expect(adaPage.cursor.value).toBeGreaterThanOrEqual(change.seq);
    await expectCaughtUp(server, lesson, [adaPage, boPage]);
  });

  it("several drops after events in a run of posts: every page ends with what the database holds", async () => {
    const writer = await signUp(server);
    const readers = [await signUp(server), await signUp(server), await signUp(server)];
    const lesson = await lessonFixture(server, [writer, ...readers]);
    const pages = readers.map((reader) => new LessonPage(server.url, reader, lesson));
    for (const page of pages) {
      await page.load();
      await page.connect();
    }
    for (let round = 0; round < 9; round += 1) {
      // Reader round % 3 drops right after this round's event; the others load it live.
      const dropping = pages[round % pages.length]!;
      dropping.dropOnNextEvent = true;
      const dropped = nextEvent(dropping.socket!, "disconnect" as never);
      const others = pages.filter((page) => page !== dropping);
      const heard = others.map((page) => page.hears());
      const id = await post(server, writer, lesson, `Round ${round}`);
      await Promise.all([dropped, ...heard]);
      for (const page of others) {
        await page.settled();
        expect(page.view).toContain(id);
      }
      // The dropped page comes back before anything else happens: only its cursor can tell it.
      await dropping.connect();
      await expectCaughtUp(server, lesson, pages);
    }
  });
});

describe("the catch-up cursor across a server restart", () => {
  let server: TestServer;
  afterAll(async () => {
    await server?.close();
  });

  it("an event, then the server restarts before the page could load: the page catches up on the new process", async () => {
    server = await startTestServer();
    const { databaseUrl, port } = server;
    const writer = await signUp(server);
    const [cy, di] = [await signUp(server), await signUp(server)];
    const lesson = await lessonFixture(server, [writer, cy, di]);
    await post(server, writer, lesson, "Before the restart");
    const [cyPage, diPage] = [new LessonPage(server.url, cy, lesson), new LessonPage(server.url, di, lesson)];
    for (const page of [cyPage, diPage]) {
      await page.load();
      await page.connect();
    }

    // Di's page hears the event and loads it; Cy's hears it, but the server goes down before she loads.
    cyPage.dropOnNextEvent = true;
    const cyHeard = nextEvent(cyPage.socket!, "disconnect" as never);
    const diHears = diPage.hears();
    const id = await post(server, writer, lesson, "Announced just before the restart");
    await Promise.all([cyHeard, diHears]);
    await diPage.settled();
    expect(diPage.view).toContain(id);
    const diGone = nextEvent(diPage.socket!, "disconnect" as never);
    await server.close();
    await diGone;
    // Cy's page tries to load now: the server is not there.
    await cyPage.load();
    expect(cyPage.failedLoads).toBe(1);
    expect(cyPage.view).not.toContain(id);

    // A new process on the same database and port; both pages reconnect and rejoin with their cursors.
    server = await startTestServer({ databaseUrl, env: { PORT: String(port) } });
    const cyBack = await cyPage.connect(server.url);
    const diBack = await diPage.connect(server.url);
    expect(cyBack.missed?.changes.map((change) => change.commentId)).toEqual([id]);
    expect(diBack.missed?.changes).toEqual([]);
    await expectCaughtUp(server, lesson, [cyPage, diPage]);

    // And live delivery goes on from the new process.
    const hears = [cyPage.hears(), diPage.hears()];
    const after = await post(server, writer, lesson, "After the restart");
    await Promise.all(hears);
    await expectCaughtUp(server, lesson, [cyPage, diPage]);
    expect(cyPage.view).toContain(after);
  });
});
