/**
 * The lesson reader: what loadReader gives for a day (links to other days, neighbours, 404s), the
 * "revised since your last visit" notice, and the page as a member's browser receives it.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseImportBuffers, textFile } from "~/content/import-set.ts";
import type { Db } from "~/db/client.server.ts";
import { importContent } from "~/models/content.server.ts";
import { compareRevisions, loadReader, parseDayParam, recordVisit, type ReaderData } from "~/models/reader.server.ts";
import { TestClient, uniqueEmail } from "../support/client.ts";
import { demoCourseDir } from "../support/database.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const DEMO = "how-databases-keep-promises";
let server: TestServer;
let db: Db;

beforeAll(async () => {
  server = await startTestServer();
  db = server.database.db;
});
afterAll(async () => {
  await server?.close();
});

async function newUserId() {
  const user = await db.user.create({ data: { email: uniqueEmail(), displayName: "Reader", passwordHash: "not used" } });
  return user.id;
}

async function readingOf(courseSlug: string, day: number, slug: string) {
  return db.reading.findFirstOrThrow({
    where: { slug, lesson: { day, course: { slug: courseSlug } } },
    include: { currentRevision: { include: { passages: { orderBy: { position: "asc" } } } } },
  });
}

type PassageRow = { key: string; kind: string; text: string };

/** A new current revision of a reading, its passages given by `edit` from the current ones. */
async function addRevision(readingId: string, edit: (passages: PassageRow[]) => PassageRow[]) {
  const reading = await db.reading.findUniqueOrThrow({
    where: { id: readingId },
    include: { currentRevision: { include: { passages: { orderBy: { position: "asc" } } } } },
  });
  const current = reading.currentRevision!;
  const passages = edit(current.passages.map(({ key, kind, text }) => ({ key, kind, text })));
  const revision = await db.readingRevision.create({
    data: {
      readingId,
      number: current.number + 1,
      checksum: randomUUID(),
      sourceName: "reader.test.ts",
      format: "markdown",
      passages: { create: passages.map((passage, position) => ({ ...passage, position, matchedBy: "exact" })) },
    },
  });
  await db.reading.update({ where: { id: readingId }, data: { currentRevisionId: revision.id } });
  return revision.number;
}

function passageWith(data: ReaderData, words: string) {
  const passage = data.readings.flatMap((reading) => reading.passages).find((candidate) => candidate.text.includes(words));
  if (!passage) throw new Error(`no passage with “${words}”`);
  return passage;
}

function linkedWords(passage: { text: string; refs: { start: number; end: number; day: number }[] }) {
  return passage.refs.map((ref) => [passage.text.slice(ref.start, ref.end), ref.day]);
}

/** Status and the page's text with tags removed and white space collapsed. */
async function page(client: TestClient, url: string) {
  const response = await client.get(url);
  const html = await response.text();
  const text = html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, "")
    .replace(/\s+/g, " ");
  return { status: response.status, html, text };
}

async function signedInClient() {
  const client = new TestClient(server.url);
  const email = uniqueEmail();
  expect((await client.signUp({ email })).status).toBe(302);
  const user = await db.user.findUniqueOrThrow({ where: { email } });
  return { client, userId: user.id };
}

describe("loadReader", () => {
  it("gives Day 1 of the demo course: the course, the lesson, the next day, and both readings in order", async () => {
    const data = await loadReader(db, { courseSlug: DEMO, day: 1, userId: await newUserId() });
    expect(data.course).toEqual({ slug: DEMO, title: "How Databases Keep Promises", dayCount: 6 });
    expect(data.lesson).toEqual({ day: 1, title: "The Log Comes First: Durability and the Write-Ahead Log" });
    expect(data.previous).toBeNull();
    expect(data.next).toMatchObject({ day: 2 });
    expect(data.readings.map((reading) => [reading.slug, reading.kind, reading.revision.number])).toEqual([
      ["lesson", "lesson", 1],
      ["summary", "summary", 1],
    ]);
    expect(Number.isNaN(Date.parse(data.readings[0]!.revision.createdAt))).toBe(false);
    expect(data.readings.every((reading) => reading.revised === null)).toBe(true);
    const lesson = data.readings[0]!;
    expect(lesson.passages[0]).toMatchObject({ kind: "heading", text: "What \"committed\" promises", refs: [] });
    expect(lesson.passages.map((passage) => passage.kind)).toContain("prompt");
  });

  it("turns mentions of other days into references, to the right day", async () => {
    const data = await loadReader(db, { courseSlug: DEMO, day: 1, userId: await newUserId() });
    expect(linkedWords(passageWith(data, "Day 2's recovery algorithm"))).toEqual([
      ["tomorrow", 2],
      ["Day 2", 2],
      ["Day 5", 5],
    ]);
    const dayThree = await loadReader(db, { courseSlug: DEMO, day: 3, userId: await newUserId() });
    expect(dayThree.previous).toMatchObject({ day: 2 });
    expect(dayThree.next).toMatchObject({ day: 4 });
  });

  it("links only to days that are published, and skips unpublished days between neighbours", async () => {
    const manifest = ["course:", "  slug: reader-gaps", "  title: Reader Gaps", "  days: 10"].join("\n");
    const file = (day: number, body: string) =>
      textFile(`day-${day}.md`, ["---", `day: ${day}`, "kind: lesson", `title: "Day ${day} lesson"`, "---", "", body, ""].join("\n"));
    await importContent(
      db,
      parseImportBuffers(
        [
          file(1, "Compare Day 3 with Day 4, with tomorrow, with next week and with Day 12."),
          file(3, "Back to Day 1, as promised the day before yesterday."),
          file(10, "The last day."),
        ],
        manifest,
      ),
    );
    const dayOne = await loadReader(db, { courseSlug: "reader-gaps", day: 1, userId: await newUserId() });
    // Day 4, Day 2 (tomorrow) and Day 8 (next week) have no lesson; Day 12 is past the end.
    expect(linkedWords(dayOne.readings[0]!.passages[0]!)).toEqual([["Day 3", 3]]);
    expect(dayOne.previous).toBeNull();
    expect(dayOne.next).toEqual({ day: 3, title: "Day 3 lesson" });

    const dayThree = await loadReader(db, { courseSlug: "reader-gaps", day: 3, userId: await newUserId() });
    expect(linkedWords(dayThree.readings[0]!.passages[0]!)).toEqual([
      ["Day 1", 1],
      ["the day before yesterday", 1],
    ]);
    expect(dayThree.previous).toEqual({ day: 1, title: "Day 1 lesson" });
    expect(dayThree.next).toEqual({ day: 10, title: "Day 10 lesson" });
  });

  it.each([
    ["no-such-course", 1, "There is no course at this address."],
    [DEMO, 0, "runs from Day 1 to Day 6"],
    [DEMO, 7, "runs from Day 1 to Day 6"],
    [DEMO, Number.NaN, "runs from Day 1 to Day 6"],
    [DEMO, 1.5, "runs from Day 1 to Day 6"],
    ["reader-gaps", 2, "Day 2 of “Reader Gaps” has not been published yet."],
  ])("answers %s day %s with a 404 saying why", async (courseSlug, day, message) => {
    const thrown = await loadReader(db, { courseSlug, day, userId: await newUserId() }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(Response);
    const response = thrown as Response;
    expect(response.status).toBe(404);
    expect(await response.text()).toContain(message);
  });

  it("says what changed since the member's last visit, and stops once they have seen it", async () => {
    const userId = await newUserId();
    const summary = await readingOf(DEMO, 4, "summary");
    const before = summary.currentRevision!.passages;
    const [first, second, third] = before.map((passage) => passage.key) as [string, string, string];

    const firstVisit = await loadReader(db, { courseSlug: DEMO, day: 4, userId });
    expect(firstVisit.readings.map((reading) => reading.revised)).toEqual([null, null]);
    await recordVisit(db, userId, firstVisit.readings);

    const number = await addRevision(summary.id, (passages) => [
      { ...passages[0]! },
      { ...passages[1]!, text: `${passages[1]!.text} One more sentence.` },
      // passages[2] removed
      ...passages.slice(3),
      { key: "newpass1", kind: "paragraph", text: "A passage that was not there before." },
    ]);

    const secondVisit = await loadReader(db, { courseSlug: DEMO, day: 4, userId });
    const [lesson, revisedSummary] = secondVisit.readings;
    expect(lesson!.revised).toBeNull();
    expect(revisedSummary!.revision.number).toBe(number);
    expect(revisedSummary!.revised).toEqual({ since: number - 1, changedKeys: [second, "newpass1"], removedCount: 1 });
    expect(revisedSummary!.passages.map((passage) => passage.key)).not.toContain(third);
    expect(revisedSummary!.passages[0]!.key).toBe(first);

    // Someone who never read the day has nothing to be told.
    const stranger = await loadReader(db, { courseSlug: DEMO, day: 4, userId: await newUserId() });
    expect(stranger.readings.map((reading) => reading.revised)).toEqual([null, null]);

    await recordVisit(db, userId, secondVisit.readings);
    const visits = await db.readingVisit.findMany({ where: { userId }, orderBy: { revisionNumber: "asc" } });
    expect(visits.map((visit) => visit.revisionNumber)).toEqual([1, number]);
    const thirdVisit = await loadReader(db, { courseSlug: DEMO, day: 4, userId });
    expect(thirdVisit.readings.map((reading) => reading.revised)).toEqual([null, null]);
  });

  it("reads the lesson in a fixed number of queries, however many passages changed", async () => {
    const userId = await newUserId();
    const lesson = await readingOf(DEMO, 5, "lesson");
    const summary = await readingOf(DEMO, 5, "summary");
    await recordVisit(db, userId, [
      { id: lesson.id, revision: { number: 1 } },
      { id: summary.id, revision: { number: 1 } },
    ]);
    const rewrite = (passages: PassageRow[]) => passages.map((passage) => ({ ...passage, text: `${passage.text} (revised)` }));
    await addRevision(lesson.id, rewrite);
    await addRevision(summary.id, rewrite);

    let operations = 0;
    const counted = db.$extends({
      query: {
        async $allOperations({ args, query }) {
          operations += 1;
          return query(args);
        },
      },
    }) as unknown as Db;
    const data = await loadReader(counted, { courseSlug: DEMO, day: 5, userId });
    expect(data.readings[0]!.revised!.changedKeys).toHaveLength(lesson.currentRevision!.passages.length);
    expect(data.readings[1]!.revised!.changedKeys).toHaveLength(summary.currentRevision!.passages.length);
    expect(operations).toBe(3);
  });
});

describe("parseDayParam", () => {
  it("reads plain digits only", () => {
    expect(parseDayParam("1")).toBe(1);
    expect(parseDayParam("031")).toBe(31);
    for (const odd of [undefined, "", " 1", "1.0", "1e0", "0x1", "-1", "one", "1234567"]) expect(parseDayParam(odd)).toBeNaN();
  });
});

describe("compareRevisions", () => {
  it("matches by key and ignores changes in white space only", () => {
    const before = [
      { key: "a", text: "Same words." },
      { key: "b", text: "Spaced  out\nwords." },
      { key: "c", text: "Old words." },
      { key: "d", text: "Gone." },
    ];
    const current = [
      { key: "b", text: "Spaced out words." },
      { key: "a", text: "Same words." },
      { key: "c", text: "New words." },
      { key: "e", text: "Added." },
    ];
    expect(compareRevisions(3, before, current)).toEqual({ since: 3, changedKeys: ["c", "e"], removedCount: 1 });
  });
});

describe("the reader page", () => {
  it("asks a signed-out visitor to log in first", async () => {
    const response = await new TestClient(server.url).get(`/courses/${DEMO}/day/1`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/courses/${DEMO}/day/1`)}`);
  });

  it("shows the lesson with addressable passages, links to other days and the way to the next day", async () => {
    const { client } = await signedInClient();
    const { status, html, text } = await page(client, `/courses/${DEMO}/day/1`);
    expect(status).toBe(200);
    const data = await loadReader(db, { courseSlug: DEMO, day: 1, userId: await newUserId() });
    for (const passage of data.readings.flatMap((reading) => reading.passages)) expect(html).toContain(`id="p-${passage.key}"`);
    expect(html).toMatch(/<nav aria-label="On this page"/);
    const dayTwo = `<a class="day-ref"[^>]* href="/courses/${DEMO}/day/2">`;
    expect(html).toMatch(new RegExp(`${dayTwo}tomorrow<span class="visually-hidden"> \\(Day 2\\)</span></a>&#x27;s subject`));
    expect(html).toMatch(new RegExp(`${dayTwo}Day 2</a>&#x27;s recovery`));
    expect(html).toMatch(/<a class="passage-link" href="#p-[0-9a-f]+" aria-label="Link to this passage">/);
    expect(text).toContain("Day 1 of 6");
    expect(text).not.toContain("revised since your last visit");
  });

  it("tells a member who read Day 1 that a passage was edited since, once", async () => {
    const { client, userId } = await signedInClient();
    expect((await page(client, `/courses/${DEMO}/day/1`)).status).toBe(200);
    const visits = await db.readingVisit.findMany({ where: { userId } });
    expect(visits.map((visit) => visit.revisionNumber)).toEqual([1, 1]);

    // An editor changes one sentence of the lesson and imports the course again.
    const files = readdirSync(demoCourseDir)
      .filter((name) => name.endsWith(".md"))
      .map((name) => {
        const source = readFileSync(path.join(demoCourseDir, name), "utf8");
        if (name !== "day-01-lesson.md") return textFile(name, source);
        const edited = source.replace("This is why database engineers care so much", "That is why database engineers care a great deal");
        expect(edited).not.toBe(source);
        return textFile(name, edited);
      });
    const result = await importContent(db, parseImportBuffers(files, readFileSync(path.join(demoCourseDir, "manifest.yaml"), "utf8")));
    // (Days 4 and 5, revised by hand above, are put back as well; this test looks at Day 1 only.)
    const dayOne = result.readings.filter((reading) => reading.day === 1);
    expect(dayOne).toMatchObject([
      { reading: "lesson", status: "revised", revision: 2, matched: { edited: 1, new: 0 } },
      { reading: "summary", status: "unchanged" },
    ]);
    const lesson = await readingOf(DEMO, 1, "lesson");
    const editedKey = lesson.currentRevision!.passages.find((passage) => passage.text.includes("That is why database engineers"))!.key;

    const second = await page(client, `/courses/${DEMO}/day/1`);
    expect(second.text).toContain("This reading was revised since your last visit (revision 1 → to 2): 1 passage changed.");
    expect(second.html).toMatch(new RegExp(`<p id="p-${editedKey}" tabindex="-1" data-passage="" class="passage passage-paragraph passage-changed">`));
    expect(second.text).toContain("Changed since your last visit: There is a quiet assumption");
    expect(second.html.match(/passage-changed/g)).toHaveLength(1);
    // Only the lesson changed: the summary has no notice.
    expect(second.text.match(/revised since your last visit/g)).toHaveLength(1);

    const third = await page(client, `/courses/${DEMO}/day/1`);
    expect(third.text).not.toContain("revised since your last visit");
  });

  it("shows markup in lesson text as text, never as markup", async () => {
    const { client } = await signedInClient();
    const lesson = await readingOf(DEMO, 2, "lesson");
    await addRevision(lesson.id, (passages) => [
      ...passages,
      { key: "xss00001", kind: "paragraph", text: `Beware <script>alert("owned")</script> and <img src=x onerror=alert(1)> tomorrow.` },
    ]);
    const { status, html } = await page(client, `/courses/${DEMO}/day/2`);
    expect(status).toBe(200);
    expect(html).toContain("Beware &lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<script>alert(");
    expect(html).not.toContain("<img src=x");
  });

  it("answers an unknown day with a 404 page that says so", async () => {
    const { client } = await signedInClient();
    const missing = await page(client, `/courses/${DEMO}/day/9`);
    expect(missing.status).toBe(404);
    expect(missing.text).toContain("“How Databases Keep Promises” runs from Day 1 to Day 6");
    expect((await page(client, `/courses/${DEMO}/day/0x1`)).status).toBe(404);
    const noCourse = await page(client, "/courses/nothing-here/day/1");
    expect(noCourse.status).toBe(404);
    expect(noCourse.text).toContain("There is no course at this address.");
  });
});
