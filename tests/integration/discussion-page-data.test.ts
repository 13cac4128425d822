/**
 * The group's lesson page's data path (issue 14), through the real server: how many SQL statements a
 * page load sends — the same small number whatever the size of the discussion, for junk `?open=`,
 * `?comment=` and `?filter=` values as for a normal page, for moderators as for members — that a
 * reload with nothing new writes nothing, and that the passages cached per reading revision never
 * outlive their revision (a new import shows its new text at once).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseImportBuffers } from "~/content/import-set.ts";
import { importContent } from "~/models/content.server.ts";
import { postComment, postReply, setPin, toggleReaction, flagComment, editComment } from "~/models/discussion.server.ts";
import { readPage, signUp, uniqueLabel, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { installStatementCounter, statementsOf } from "../support/statement-counter.ts";

/** The budget: session, header, group, lesson, threads, shown rows, members, one visit write. */
const MOST_STATEMENTS = 8;

const counter = installStatementCounter();
let server: TestServer;
const db = () => server.database.db;
const newId = () => randomBytes(15).toString("base64url");

let owner: Person;
let member: Person;
let other: Person;
let courseSlug: string;
let courseId: string;

const PARAGRAPHS = Array.from(
  { length: 12 },
  (_, index) => `Paragraph ${index + 1} of the harbour lesson: the tide comes in twice a day and the boats ${index % 2 ? "wait" : "leave"} with it.`,
);

function lessonSource(paragraphs: string[]) {
  const text = `---\ncourse: ${courseSlug}\ncourseTitle: Harbour\ndays: 1\nday: 1\ntitle: The harbour\n---\n\n${paragraphs.join("\n\n")}\n`;
  return parseImportBuffers([{ name: "day-1.md", data: new TextEncoder().encode(text) }]);
}

async function currentPassages() {
  const reading = await db().reading.findFirstOrThrow({
    where: { lesson: { courseId, day: 1 } },
    select: { id: true, lessonId: true, currentRevision: { select: { passages: { orderBy: { position: "asc" }, select: { key: true, text: true } } } } },
  });
  return { readingId: reading.id, lessonId: reading.lessonId, passages: reading.currentRevision!.passages };
}

/** A group on the harbour course with the owner (a moderator) and the member. */
async function newGroup() {
  const group = await db().group.create({ data: { courseId, name: uniqueLabel("Harbour circle") } });
  await db().membership.createMany({
    data: [
      { groupId: group.id, userId: owner.id, role: "owner" },
      { groupId: group.id, userId: member.id, role: "member" },
      { groupId: group.id, userId: other.id, role: "member" },
    ],
  });
  return group.id;
}

/** `threads` threads (spread over the passages, one in three with two replies), posted by `other`. */
async function discuss(groupId: string, threads: number) {
  const { readingId, lessonId, passages } = await currentPassages();
  const scope = { groupId, lessonId };
  const ids: string[] = [];
  for (let index = 0; index < threads; index += 1) {
    const passage = passages[index % passages.length]!;
    const id = newId();
    const posted = await postComment(db(), scope, { userId: other.id, role: "member" }, { id, body: `Thread ${index} on the tide`, kind: index % 4 === 1 ? "question" : "comment", readingId, passageKey: passage.key, quoteStart: null, quoteEnd: null });
    expect(posted.ok).toBe(true);
    ids.push(id);
    if (index % 3 === 0) {
      for (const body of ["A first reply", "A second reply"]) {
        expect((await postReply(db(), scope, { userId: owner.id, role: "owner" }, { id: newId(), body, parentId: id })).ok).toBe(true);
      }
    }
  }
  return { ids, passages, scope };
}

/** The statements one GET of `path` sends (after a first GET, so the visit exists and the caches are warm). */
async function statementsFor(person: Person, path: string) {
  expect((await person.client.get(path)).status).toBe(200);
  let status = 0;
  const sql = await statementsOf(counter, async () => {
    const response = await person.client.get(path);
    status = response.status;
    await response.text();
  });
  expect(status, `GET ${path}`).toBe(200);
  return sql;
}

const writes = (sql: string[]) => sql.filter((statement) => /^\s*(INSERT|UPDATE|DELETE|BEGIN)/i.test(statement));

beforeAll(async () => {
  server = await startTestServer();
  owner = await signUp(server, { displayName: uniqueLabel("Harbour Owner") });
  member = await signUp(server, { displayName: uniqueLabel("Harbour Member") });
  other = await signUp(server, { displayName: uniqueLabel("Harbour Other") });
  courseSlug = `harbour-${randomBytes(5).toString("hex")}`;
  courseId = (await db().course.create({ data: { slug: courseSlug, title: "Harbour", dayCount: 1 } })).id;
  await importContent(db(), lessonSource(PARAGRAPHS));
});
afterAll(async () => {
  await server?.close();
});

describe("SQL statements per page load", () => {
  let small: string;
  let large: string;
  let largeThread: string;
  let largePassage: string;

  beforeAll(async () => {
    small = await newGroup();
    await discuss(small, 2);
    large = await newGroup();
    const { ids, passages, scope } = await discuss(large, 60);
    largeThread = ids.at(-1)!;
    largePassage = passages[(ids.length - 1) % passages.length]!.key;
    // Reactions, flags, edits and pins on the large group's comments: counted for the rows shown only.
    for (const id of ids.slice(0, 20)) {
      expect((await toggleReaction(db(), scope, { userId: member.id, role: "member" }, { commentId: id, reaction: "agree" })).ok).toBe(true);
      expect((await flagComment(db(), scope, { userId: owner.id, role: "owner" }, { commentId: id, reason: "Off topic here" })).ok).toBe(true);
      expect((await editComment(db(), scope, { userId: other.id, role: "member" }, { commentId: id, body: `Edited ${id}` })).ok).toBe(true);
    }
    expect((await setPin(db(), scope, { userId: owner.id, role: "owner" }, { commentId: ids[4]!, pin: "lesson" })).ok).toBe(true);
  });

  it(`is at most ${MOST_STATEMENTS}, and the same for 2 threads as for 60`, async () => {
    const few = await statementsFor(member, `/groups/${small}/day/1`);
    const many = await statementsFor(member, `/groups/${large}/day/1`);
    // The session, the header, the group, the lesson, the threads, the rows shown, the members.
    expect(many.length).toBeGreaterThanOrEqual(5);
    expect(many.length).toBeLessThanOrEqual(MOST_STATEMENTS);
    expect(many.length).toBe(few.length);
  });

  it("is the same with a thread open, and for a moderator (who also sees flags and edits)", async () => {
    const closed = await statementsFor(member, `/groups/${large}/day/1`);
    const byComment = await statementsFor(member, `/groups/${large}/day/1?comment=${largeThread}`);
    const byPassage = await statementsFor(member, `/groups/${large}/day/1?open=${largePassage}`);
    expect(byComment.length).toBe(closed.length);
    expect(byPassage.length).toBe(closed.length);
    const moderator = await statementsFor(owner, `/groups/${large}/day/1?open=${largePassage}`);
    expect(moderator.length).toBe(closed.length);
    // The page opened at the thread shows it.
    const page = await readPage(await member.client.get(`/groups/${large}/day/1?comment=${largeThread}`));
    expect(page.raw).toContain(`id="c-${largeThread}"`);
  });

  it.each([
    ["?open=", "an unknown passage", "no-such-passage"],
    ["?open=", "5,000 characters", "x".repeat(5000)],
    ["?comment=", "an unknown comment", "no-such-comment-0000"],
    ["?comment=", "SQL", "'; DROP TABLE \"Comment\"; --"],
    ["?comment=", "5,000 characters", "y".repeat(5000)],
    ["?filter=", "an unknown filter", "everything"],
    ["?filter=", "another case", "OPEN"],
  ])("a junk %s (%s) costs what the normal page costs", async (param, _label, value) => {
    const normal = await statementsFor(member, `/groups/${large}/day/1`);
    const junk = await statementsFor(member, `/groups/${large}/day/1${param}${encodeURIComponent(value)}`);
    expect(junk.length).toBe(normal.length);
  });

  it("a reload with nothing new writes nothing; something new is marked once, then the visit moves on", async () => {
    const path = `/groups/${small}/day/1`;
    expect(writes(await statementsFor(member, path))).toEqual([]);
    const { readingId, passages } = await currentPassages();
    const lessonId = (await currentPassages()).lessonId;
    const id = newId();
    expect((await postComment(db(), { groupId: small, lessonId }, { userId: other.id, role: "member" }, { id, body: "Fresh news about the tide", kind: "comment", readingId, passageKey: passages[0]!.key, quoteStart: null, quoteEnd: null })).ok).toBe(true);
    const newSince = /1 new comment(<!-- -->)? since your last visit/;
    const marked = await readPage(await member.client.get(path));
    expect(newSince.test(marked.text), "the new comment is marked").toBe(true);
    const after = await readPage(await member.client.get(path));
    expect(after.text.includes("since your last visit"), "marked once only").toBe(false);
  });
});

describe("passages cached per reading revision", () => {
  it("a new revision's text is shown at once, with the revised notice, and the old text is gone", async () => {
    const groupId = await newGroup();
    const path = `/groups/${groupId}/day/1`;
    const before = await readPage(await member.client.get(path));
    expect(before.text.includes(PARAGRAPHS[3]!)).toBe(true);
    // Twice more: the passages now come from the cache.
    await member.client.get(path);
    const edited = "Paragraph 4 of the harbour lesson, rewritten: the tide now comes in three times on a full moon.";
    await importContent(db(), lessonSource(PARAGRAPHS.map((text, index) => (index === 3 ? edited : text))));
    const after = await readPage(await member.client.get(path));
    expect(after.text.includes(edited), "the new text").toBe(true);
    expect(after.text.includes(PARAGRAPHS[3]!), "not the old text").toBe(false);
    expect(after.text.includes("Changed since your last visit"), "the revised notice").toBe(true);
    // The next load has seen the revision: no notice, the same text.
    const again = await readPage(await member.client.get(path));
    expect(again.text.includes(edited)).toBe(true);
    expect(again.text.includes("Changed since your last visit")).toBe(false);
  });
});
