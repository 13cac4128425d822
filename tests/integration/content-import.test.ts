import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContentImportError } from "~/content/errors.ts";
import { loadImportSet } from "~/content/load.server.ts";
import { importContent } from "~/models/content.server.ts";
import { searchCourse } from "~/models/search.server.ts";
import { TestClient, uniqueEmail } from "../support/client.ts";
import { rootDir } from "../support/paths.ts";
import { freshDatabaseUrl, startTestServer, type TestServer } from "../support/server.ts";

const fixtures = path.join(rootDir, "tests", "fixtures", "content");
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ databaseUrl: await freshDatabaseUrl({ empty: true }) });
});
afterAll(async () => {
  await server?.close();
});

function copyOfCourse() {
  const dir = mkdtempSync(path.join(tmpdir(), "marginalia-course-"));
  cpSync(path.join(fixtures, "course"), dir, { recursive: true });
  return dir;
}

async function currentPassages(day: number, slug: string) {
  const reading = await server.database.db.reading.findFirstOrThrow({
    where: { slug, lesson: { day, course: { slug: "bread-in-ten-days" } } },
    include: { currentRevision: { include: { passages: { orderBy: { position: "asc" } } } } },
  });
  return { reading, passages: reading.currentRevision!.passages };
}

describe("importing a course", () => {
  it("imports every format into days, readings and passages; a re-import changes nothing", async () => {
    const dir = copyOfCourse();
    const first = await importContent(server.database.db, await loadImportSet([dir]));
    expect(first.courseCreated).toBe(true);
    expect(first.readings.map((reading) => [reading.day, reading.reading, reading.status])).toEqual([
      [3, "lesson", "created"],
      [3, "summary", "created"],
      [9, "lesson", "created"],
      [9, "summary", "created"],
    ]);
    const course = await server.database.db.course.findUniqueOrThrow({ where: { slug: "bread-in-ten-days" } });
    expect(course.dayCount).toBe(10);
    const lesson9 = await currentPassages(9, "lesson");
    expect(lesson9.passages.filter((passage) => passage.kind === "prompt")).toHaveLength(1);
    const revisionsBefore = await server.database.db.readingRevision.count();
    const passagesBefore = await server.database.db.passage.count();

    const again = await importContent(server.database.db, await loadImportSet([dir]));
    expect(again.readings.every((reading) => reading.status === "unchanged")).toBe(true);
    expect(await server.database.db.readingRevision.count()).toBe(revisionsBefore);
    expect(await server.database.db.passage.count()).toBe(passagesBefore);
  });

  it("a one-sentence edit becomes a new revision in which every other passage keeps its key; the old text is kept", async () => {
    const dir = copyOfCourse();
    await importContent(server.database.db, await loadImportSet([dir]));
    const before = await currentPassages(9, "lesson");
    const file = path.join(dir, "lesson-09.txt");
    const original = readFileSync(file, "utf8");
    const edited = original.replace("Steam keeps the crust soft long enough for the loaf to expand.", "Steam keeps the crust supple for long enough that the loaf can expand.");
    expect(edited).not.toBe(original);
    writeFileSync(file, edited);

    const result = await importContent(server.database.db, await loadImportSet([dir]));
    const lessonResult = result.readings.find((reading) => reading.day === 9 && reading.reading === "lesson")!;
    expect(lessonResult.status).toBe("revised");
    expect(lessonResult.revision).toBe(before.reading.currentRevision!.number + 1);
    expect(lessonResult.matched.edited).toBe(1);
    expect(lessonResult.matched.new).toBe(0);
    const after = await currentPassages(9, "lesson");
    expect(after.passages.map((passage) => passage.key)).toEqual(before.passages.map((passage) => passage.key));
    const changed = after.passages.filter((passage, index) => passage.text !== before.passages[index]!.text);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.matchedBy).toBe("edited");
    // The revision that comments were written against is still there, with its own text.
    const old = await server.database.db.passage.findFirstOrThrow({ where: { revisionId: before.reading.currentRevisionId!, key: changed[0]!.key } });
    expect(old.text).toContain("Steam keeps the crust soft");
    expect(result.readings.filter((reading) => reading.status === "unchanged")).toHaveLength(3);
  });

  it("a folder with one bad file imports nothing and names the file and line", async () => {
    const dir = copyOfCourse();
    writeFileSync(path.join(dir, "day-05-lesson.md"), "---\nday: 50\nkind: lesson\ntitle: Too far\n---\n\nA paragraph.\n");
    const before = await server.database.db.passage.count();
    await expect(loadImportSet([dir])).rejects.toThrow(ContentImportError);
    await expect(loadImportSet([dir])).rejects.toThrow(/day-05-lesson\.md:\d+: .*day 50/i);
    expect(await server.database.db.passage.count()).toBe(before);
  });

  it("search finds passages of the current revision only, with the matched words marked", async () => {
    const dir = copyOfCourse();
    await importContent(server.database.db, await loadImportSet([dir]));
    const course = await server.database.db.course.findUniqueOrThrow({ where: { slug: "bread-in-ten-days" } });
    const hits = await searchCourse(server.database.db, server.database.provider, course.id, "oven spring");
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]!.day).toBe(9);
    const marked = hits[0]!.segments.filter((segment) => segment.match).map((segment) => segment.text.toLowerCase());
    expect(marked.some((word) => word.startsWith("oven"))).toBe(true);
    // This import restored the original wording: the edit of the previous test lives only in an old
    // revision now, which search does not return.
    expect(await server.database.db.passage.count({ where: { text: { contains: "supple" } } })).toBe(1);
    expect(await searchCourse(server.database.db, server.database.provider, course.id, "supple")).toEqual([]);
    expect((await searchCourse(server.database.db, server.database.provider, course.id, "crust soft")).length).toBeGreaterThan(0);
    expect(await searchCourse(server.database.db, server.database.provider, course.id, "zzzxq")).toEqual([]);
    expect(await searchCourse(server.database.db, server.database.provider, course.id, '"*) OR NEAR(')).toEqual([]);
  });
});

describe("content:import command", () => {
  function runImport(args: string[], databaseUrl: string) {
    return spawnSync(process.execPath, ["--import", "tsx", path.join(rootDir, "app", "cli", "content-import.ts"), ...args], {
      cwd: rootDir,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" },
      encoding: "utf8",
    });
  }

  it("imports a folder into a new database, then reports a re-import as unchanged", async () => {
    const url = await freshDatabaseUrl({ empty: true });
    const first = runImport([path.join(fixtures, "course")], url);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("Course bread-in-ten-days (created):");
    expect(first.stdout).toMatch(/Day 9 lesson .*created revision 1/);
    const second = runImport([path.join(fixtures, "course")], url);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/Day 9 lesson .*unchanged, still revision 1/);
  });

  it("refuses a bad file with its name, line and reason, and exits 1", async () => {
    const url = await freshDatabaseUrl({ empty: true });
    const result = runImport([path.join(fixtures, "course"), path.join(fixtures, "bad", "bad-day.txt")], url);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Nothing was imported: /);
    expect(result.stderr).toMatch(/bad-day\.txt:2: /);
  });
});

describe("the import page", () => {
  async function owner() {
    const client = new TestClient(server.url);
    await client.signUp({ email: uniqueEmail("author") });
    const user = await server.database.db.user.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    return { client, user };
  }

  function upload(client: TestClient, slug: string, files: { name: string; text: string }[]) {
    const form = new FormData();
    for (const file of files) form.append("files", new Blob([file.text], { type: "text/plain" }), file.name);
    return client.request(`/courses/${slug}/import`, { method: "POST", body: form });
  }

  it("lets the owner revise a lesson by upload, and refuses everybody else", async () => {
    const { client, user } = await owner();
    await server.database.db.course.create({ data: { slug: "owned-course", title: "Owned", dayCount: 3, ownerId: user.id } });
    const lesson = { name: "day-1.md", text: "---\nday: 1\ntitle: First day\n---\n\nOne paragraph <script>alert(1)</script> of text.\n" };

    const ok = await upload(client, "owned-course", [lesson]);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("created revision 1");
    const page = await client.get("/courses/owned-course/day/1");
    const html = await page.text();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");

    const stranger = new TestClient(server.url);
    await stranger.signUp({ email: uniqueEmail("stranger") });
    expect((await stranger.get("/courses/owned-course/import")).status).toBe(403);
    expect((await upload(stranger, "owned-course", [{ ...lesson, text: lesson.text.replace("First", "Hijacked") }])).status).toBe(403);
    expect((await server.database.db.lesson.findFirstOrThrow({ where: { course: { slug: "owned-course" } } })).title).toBe("First day");
    const anonymous = new TestClient(server.url);
    expect((await anonymous.get("/courses/owned-course/import")).status).toBe(302);
  });

  it("refuses a bad upload with the file's reason and keeps what was saved", async () => {
    const { client, user } = await owner();
    await server.database.db.course.create({ data: { slug: "owned-two", title: "Owned two", dayCount: 3, ownerId: user.id } });
    await upload(client, "owned-two", [{ name: "day-1.md", text: "---\nday: 1\ntitle: Kept\n---\n\nKept text.\n" }]);
    const changed = { name: "day-1.md", text: "---\nday: 1\ntitle: Changed\n---\n\nChanged text.\n" };
    const empty = await upload(client, "owned-two", [changed, { name: "empty.txt", text: "" }]);
    expect(empty.status).toBe(400);
    const emptyHtml = await empty.text();
    expect(emptyHtml).toContain("Nothing was imported");
    expect(emptyHtml).toContain("empty.txt:1: the file is empty");
    const beyond = await upload(client, "owned-two", [changed, { name: "day-9.md", text: "---\nday: 9\ntitle: Beyond\n---\n\nText.\n" }]);
    expect(beyond.status).toBe(400);
    expect(await beyond.text()).toMatch(/day-9\.md:\d+: [^<]*9/);
    expect((await server.database.db.lesson.findFirstOrThrow({ where: { course: { slug: "owned-two" } } })).title).toBe("Kept");
  });
});
