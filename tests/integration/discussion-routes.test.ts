/**
 * The group's lesson page and its one action, through real HTTP as a browser uses them: plain form
 * posts without JavaScript (post/redirect/get back to the comment), the `_js=1` answer fetchers get,
 * idempotent retries, validation and authorization refusals (each changing nothing), bodies rendered
 * as text, the prompt-answer reveal, and the exports.
 */
import { randomBytes } from "node:crypto";
import { marked } from "marked";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postComment } from "~/models/discussion.server.ts";
import { TestClient } from "../support/client.ts";
import { createGroupDirectly, readPage, signUp, uniqueLabel, visitor, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const DEMO_PASSWORD = "marginalia-demo";

let server: TestServer;
const db = () => server.database.db;
const newId = () => randomBytes(15).toString("base64url");

let moderator: TestClient;
let member: TestClient;
let groupId: string;
let page: string;
let readingId: string;
/** Day 1's passages, the lesson's first, then the paper summary's. */
let passages: { key: string; kind: string; text: string; readingId: string }[];

async function logIn(email: string) {
  const client = new TestClient(server.url);
  const response = await client.logIn(email, DEMO_PASSWORD);
  expect(response.status, `log in as ${email}`).toBe(302);
  return client;
}

/** A paragraph of Day 1's lesson (a different one per `index`, so tests do not see each other's threads). */
const paragraph = (index = 0) => passages.filter((passage) => passage.kind === "paragraph" && passage.text.length > 120)[index]!;
const prompt = () => passages.find((passage) => passage.kind === "prompt")!;

function postFields(fields: Record<string, string>) {
  const passageKey = fields.passageKey ?? paragraph().key;
  const reading = passages.find((passage) => passage.key === passageKey)?.readingId ?? readingId;
  return { intent: "post", id: newId(), kind: "comment", readingId: reading, passageKey, ...fields };
}

async function comments(where: object = {}) {
  return db().comment.count({ where: { groupId, ...where } });
}

/** The page with one passage's panel open, decoded. */
async function openPanel(client: TestClient, passageKey: string) {
  const response = await client.get(`${page}?open=${passageKey}`);
  expect(response.status).toBe(200);
  return readPage(response);
}

beforeAll(async () => {
  server = await startTestServer();
  const group = await db().group.findFirstOrThrow({ where: { name: "Evening readers" } });
  groupId = group.id;
  page = `/groups/${groupId}/day/1`;
  const lesson = await db().lesson.findFirstOrThrow({
    where: { courseId: group.courseId, day: 1 },
    include: { readings: { orderBy: { position: "asc" }, include: { currentRevision: { include: { passages: { orderBy: { position: "asc" } } } } } } },
  });
  readingId = lesson.readings.find((reading) => reading.kind === "lesson")!.id;
  passages = lesson.readings.flatMap((reading) =>
    reading.currentRevision!.passages.map((passage) => ({ key: passage.key, kind: passage.kind, text: passage.text, readingId: reading.id })),
  );
  moderator = await logIn("moderator@example.org");
  member = await logIn("member@example.org");
});
afterAll(async () => {
  await server?.close();
});

describe("posting without JavaScript", () => {
  it("redirects back to the new comment, and the page shows it in its passage's panel", async () => {
    const id = newId();
    const response = await member.post(page, postFields({ id, body: "The log is the *real* database." }));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${page}#c-${id}`);

    // Collapsed: the margin says how many; open (?open=), the thread is there, with a reply form.
    const closed = await readPage(await member.get(page));
    expect(closed.text).toMatch(/1 comment<span class="visually-hidden"> on “/);
    expect(closed.raw).toContain(`href="${page}?open=${paragraph().key}#p-${paragraph().key}"`);
    expect(closed.raw).not.toContain(`id="c-${id}"`);
    const open = await openPanel(member, paragraph().key);
    expect(open.raw).toContain(`id="c-${id}"`);
    expect(open.raw).toContain("The log is the <em>real</em> database.");
    expect(open.text).toContain("Reply to Sam (member)");
  });

  it("comes back to the open panel when the form says so (?open=)", async () => {
    const id = newId();
    const response = await member.post(`${page}?open=${paragraph().key}`, postFields({ id, body: "Back to the panel" }));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${page}?open=${paragraph().key}#c-${id}`);
  });

  it("stores a post sent twice (double click, resend) once", async () => {
    const fields = postFields({ body: "Sent twice" });
    const first = await member.post(page, fields);
    const second = await member.post(page, fields);
    expect(first.status).toBe(302);
    expect(second.status).toBe(302);
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    expect(await comments({ body: "Sent twice" })).toBe(1);
  });

  it("replies to a comment, nested under it", async () => {
    const rootId = newId();
    await member.post(page, postFields({ id: rootId, body: "Where do checkpoints fit?" }));
    const replyId = newId();
    const response = await moderator.post(page, { intent: "reply", id: replyId, parentId: rootId, body: "Tomorrow, with ARIES." });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${page}#c-${replyId}`);
    const { raw } = await openPanel(member, paragraph().key);
    const root = raw.indexOf(`id="c-${rootId}"`);
    const reply = raw.indexOf(`id="c-${replyId}"`);
    expect(root).toBeGreaterThan(-1);
    expect(reply).toBeGreaterThan(root);
    expect(raw.slice(root, reply)).toContain('class="replies"');
  });

  it("reacts, and the count shows", async () => {
    const id = newId();
    await moderator.post(page, postFields({ id, body: "React to me" }));
    const response = await member.post(page, { intent: "react", commentId: id, reaction: "insightful" });
    expect(response.status).toBe(302);
    expect(await db().reaction.count({ where: { commentId: id, kind: "insightful" } })).toBe(1);
    const { raw } = await openPanel(member, paragraph().key);
    const at = raw.indexOf(`id="c-${id}"`);
    expect(raw.slice(at)).toMatch(/value="insightful" class="reaction" aria-pressed="true">Insightful<span class="reaction-count"> <!-- -->1/);
  });

  it("anchors a quote: the words are highlighted in the text", async () => {
    const text = paragraph(1).text;
    const start = text.indexOf(" ", 20) + 1;
    const exact = text.slice(start, start + 30);
    const id = newId();
    const response = await member.post(page, postFields({ id, passageKey: paragraph(1).key, body: "On these words", quoteExact: exact, quoteStart: String(start), quoteEnd: String(start + 30) }));
    expect(response.status).toBe(302);
    const stored = await db().comment.findUniqueOrThrow({ where: { id } });
    expect(stored).toMatchObject({ quoteExact: exact.trim(), quoteStart: start });
    const { raw } = await readPage(await member.get(page));
    expect(raw).toContain(`<mark class="anchor" data-anchor="${id}" data-count="1">`);
  });
});

describe("with JavaScript (_js=1)", () => {
  it("answers a fetcher with data instead of a redirect", async () => {
    const id = newId();
    const response = await member.post(`${page}.data`, { ...postFields({ id, body: "Posted by a fetcher" }), _js: "1" });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain(id);
    expect(body).toContain('"ok"');
    expect(await comments({ id })).toBe(1);
  });

  it("answers a refusal with its message, the typed text, and a 400", async () => {
    const response = await member.post(`${page}.data`, { ...postFields({ body: "   " }), _js: "1" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Write something first.");
  });
});

describe("refusals change nothing", () => {
  it("a body of 100 KB: 400 'Keep it under 10,000 characters.'", async () => {
    const before = await comments();
    const response = await member.post(page, postFields({ body: "x".repeat(100_000) }));
    expect(response.status).toBe(400);
    const { text } = await readPage(response);
    expect(text).toContain("Keep it under 10,000 characters.");
    expect(await comments()).toBe(before);
  });

  it("a reaction that is not one of agree, insightful, confused: 400", async () => {
    const id = newId();
    await moderator.post(page, postFields({ id, body: "Not a heart" }));
    const response = await member.post(page, { intent: "react", commentId: id, reaction: "heart" });
    expect(response.status).toBe(400);
    expect((await readPage(response)).text).toContain("Reactions are agree, insightful, confused.");
    expect(await db().reaction.count({ where: { commentId: id } })).toBe(0);
  });

  it("a reply to another group's comment: 404", async () => {
    const outsider = await signUp(server);
    const other = await createGroupDirectly(server, uniqueLabel("Other"), [[outsider, "owner"]]);
    const lessonId = (await db().reading.findUniqueOrThrow({ where: { id: readingId } })).lessonId;
    const theirs = await postComment(db(), { groupId: other.id, lessonId }, { userId: outsider.id, role: "owner" }, {
      id: newId(), body: "Elsewhere", kind: "comment", readingId: paragraph().readingId, passageKey: paragraph().key, quoteStart: null, quoteEnd: null,
    });
    expect(theirs.ok).toBe(true);
    const before = await comments();
    const response = await member.post(page, { intent: "reply", id: newId(), parentId: (theirs as { commentId: string }).commentId, body: "Sneaky" });
    expect(response.status).toBe(404);
    expect((await readPage(response)).text).toContain("The comment you are replying to is not in this lesson.");
    expect(await comments()).toBe(before);
  });

  it("a quote that is not in the passage: 400", async () => {
    const before = await comments();
    const response = await member.post(page, postFields({ body: "Quoting nothing", quoteExact: "words that are nowhere in the passage", quoteStart: "0", quoteEnd: "37" }));
    expect(response.status).toBe(400);
    expect((await readPage(response)).text).toContain("The quoted words are not in that passage: select them again.");
    expect(await comments()).toBe(before);
  });

  it("editing someone else's comment: 403", async () => {
    const id = newId();
    await moderator.post(page, postFields({ id, body: "Mira's words" }));
    const response = await member.post(page, { intent: "edit", commentId: id, body: "Sam's words now" });
    expect(response.status).toBe(403);
    expect((await db().comment.findUniqueOrThrow({ where: { id } })).body).toBe("Mira's words");
  });

  it("a member pinning or hiding: 403", async () => {
    const id = newId();
    await moderator.post(page, postFields({ id, body: "Pin me, hide me" }));
    const refused: Record<string, string>[] = [
      { intent: "pin", commentId: id, scope: "lesson" },
      { intent: "moderate", commentId: id, action: "hide" },
      { intent: "moderate", commentId: id, action: "lock" },
    ];
    for (const fields of refused) {
      const response = await member.post(page, fields);
      expect(response.status, fields.intent).toBe(403);
      expect((await readPage(response)).text).toContain("Only the group's moderators can do that.");
    }
    expect(await db().comment.findUniqueOrThrow({ where: { id } })).toMatchObject({ pinnedAt: null, hiddenAt: null, lockedAt: null });
  });

  it("a signed-out visitor is sent to log in, for the page and for a post", async () => {
    const stranger = visitor(server);
    const get = await stranger.get(page);
    expect(get.status).toBe(302);
    expect(get.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(page)}`);
    const before = await comments();
    const post = await stranger.post(page, postFields({ body: "Anonymous" }));
    expect(post.status).toBe(302);
    expect(post.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    expect(await comments()).toBe(before);
  });

  it("a member of another group: 404 for the page and for every intent", async () => {
    const outsider = await signUp(server);
    await createGroupDirectly(server, uniqueLabel("Elsewhere"), [[outsider, "owner"]]);
    expect((await outsider.client.get(page)).status).toBe(404);
    const target = newId();
    await moderator.post(page, postFields({ id: target, body: "Members only" }));
    const before = await comments();
    const intents: Record<string, string>[] = [
      postFields({ body: "Intruding" }),
      { intent: "reply", id: newId(), parentId: target, body: "Intruding" },
      { intent: "edit", commentId: target, body: "Intruding" },
      { intent: "delete", commentId: target },
      { intent: "react", commentId: target, reaction: "agree" },
      { intent: "answer", commentId: target },
      { intent: "pin", commentId: target, scope: "lesson" },
      { intent: "flag", commentId: target, reason: "Intruding" },
      { intent: "moderate", commentId: target, action: "hide" },
    ];
    for (const fields of intents) {
      const response = await outsider.client.post(page, fields);
      expect(response.status, fields.intent).toBe(404);
      const js = await outsider.client.post(`${page}.data`, { ...fields, _js: "1" });
      expect(js.status, `${fields.intent} with _js`).toBe(404);
    }
    expect(await comments()).toBe(before);
    expect(await db().comment.findUniqueOrThrow({ where: { id: target } })).toMatchObject({ body: "Members only", deletedAt: null, hiddenAt: null, pinnedAt: null });
    expect(await db().reaction.count({ where: { commentId: target } })).toBe(0);
    expect(await db().flag.count({ where: { commentId: target } })).toBe(0);
  });
});

describe("bodies are text, never HTML", () => {
  it("renders <script> and <img onerror> as the characters typed", async () => {
    const key = paragraph(2).key;
    for (const body of ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">']) {
      const response = await member.post(page, postFields({ passageKey: key, body }));
      expect(response.status).toBe(302);
    }
    const { raw, text } = await openPanel(member, key);
    expect(raw).not.toContain("<script>alert(1)</script>");
    expect(raw).not.toMatch(/<img[^>]*onerror/i);
    expect(raw).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(raw).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(text).toContain('<img src=x onerror="alert(1)">');
  });
});

describe("prompt answers", () => {
  let second: Person;

  beforeAll(async () => {
    second = await signUp(server, { displayName: uniqueLabel("Reader") });
    await db().membership.create({ data: { groupId, userId: second.id, role: "member" } });
  });

  it("stay hidden from a member until they post their own", async () => {
    const key = prompt().key;
    const answer = "Because the log already holds every change, and it is flushed first.";
    expect((await member.post(page, postFields({ passageKey: key, kind: "answer", body: answer }))).status).toBe(302);

    // The demo's own Day 1 discussion already holds answers (demo-discussion.server.ts): count relatively.
    const answers = await comments({ passageKey: key, kind: "answer", parentId: null, deletedAt: null });
    const before = await openPanel(second.client, key);
    expect(before.text).toContain(`${answers} answer${answers === 1 ? "" : "s"} — post yours to see ${answers === 1 ? "it" : "them"}`);
    expect(before.text).not.toContain(answer);
    // Not in the page's data either.
    expect(before.raw).not.toContain("flushed first");

    // The moderator sees every answer.
    expect((await openPanel(moderator, key)).text).toContain(answer);

    expect((await second.client.post(page, postFields({ passageKey: key, kind: "answer", body: "The log is written before the pages." }))).status).toBe(302);
    const after = await openPanel(second.client, key);
    expect(after.text).toContain(answer);
    expect(after.text).not.toContain("post yours to see");
  });

  it("refuses an answer on a passage that is not a prompt", async () => {
    const response = await member.post(page, postFields({ kind: "answer", body: "Not a prompt" }));
    expect(response.status).toBe(400);
    expect(await comments({ body: "Not a prompt" })).toBe(0);
  });
});

describe("questions, answers and moderation through forms", () => {
  it("the asker marks a reply as the answer; it shows with who marked it", async () => {
    const question = newId();
    await member.post(page, postFields({ id: question, kind: "question", body: "Why sequential?" }));
    const reply = newId();
    await moderator.post(page, { intent: "reply", id: reply, parentId: question, body: "Appends need no seeks." });
    expect((await member.post(page, { intent: "answer", commentId: reply })).status).toBe(302);
    const { text } = await openPanel(moderator, paragraph().key);
    expect(text).toMatch(/<strong>Answer<\/strong> · marked by <!-- -->Sam \(member\)/);
  });

  it("a moderator hides a flagged comment: members see a placeholder, moderators the text", async () => {
    const id = newId();
    await moderator.post(page, postFields({ id, passageKey: paragraph(3).key, body: "Regrettable words" }));
    expect((await member.post(page, { intent: "flag", commentId: id, reason: "Off topic" })).status).toBe(302);
    const hide = await moderator.post(page, { intent: "moderate", commentId: id, action: "hide", redirectTo: `/groups/${groupId}/moderation` });
    expect(hide.status).toBe(302);
    expect(hide.headers.get("location")).toBe(`/groups/${groupId}/moderation`);
    const seenByMember = await openPanel(member, paragraph(3).key);
    expect(seenByMember.text).toContain("This comment was hidden by a moderator.");
    expect(seenByMember.text).not.toContain("Regrettable words");
    const seenByModerator = await openPanel(moderator, paragraph(3).key);
    expect(seenByModerator.text).toContain("Regrettable words");
    expect(seenByModerator.text).toContain("Hidden by a moderator: members see only a placeholder.");
  });

  it("a deleted comment with replies shows as deleted and keeps its replies", async () => {
    const root = newId();
    await member.post(page, postFields({ id: root, passageKey: paragraph(3).key, body: "Soon gone" }));
    const reply = newId();
    await moderator.post(page, { intent: "reply", id: reply, parentId: root, body: "A reply that stays" });
    expect((await member.post(page, { intent: "delete", commentId: root })).status).toBe(302);
    const { text } = await openPanel(member, paragraph(3).key);
    expect(text).toContain("This comment was deleted.");
    expect(text).not.toContain("Soon gone");
    expect(text).toContain("A reply that stays");
  });
});

describe("the page", () => {
  it("sends and renders only the open passage's threads; ?comment= opens the panel a comment is in", async () => {
    const here = newId();
    const there = newId();
    await member.post(page, postFields({ id: here, passageKey: paragraph(4).key, body: "Thread on passage four" }));
    await member.post(page, postFields({ id: there, passageKey: paragraph(5).key, body: "Thread on passage five" }));
    const open = await openPanel(member, paragraph(4).key);
    expect(open.text).toContain("Thread on passage four");
    expect(open.text).not.toContain("Thread on passage five");
    const linked = await readPage(await member.get(`${page}?comment=${there}`));
    expect(linked.raw).toContain(`id="c-${there}"`);
    expect(linked.text).not.toContain("Thread on passage four");
  });

  it("marks what is new since the member's last visit, per thread and in the margin", async () => {
    const key = paragraph(6).key;
    await member.get(page); // a visit
    const id = newId();
    await moderator.post(page, postFields({ id, passageKey: key, body: "Posted while Sam was away" }));
    const first = await openPanel(member, key);
    expect(first.raw).toMatch(new RegExp(`id="c-${id}"[^>]*data-new="true"`));
    expect(first.text).toContain("1 new");
    const again = await openPanel(member, key);
    expect(again.raw).not.toMatch(new RegExp(`id="c-${id}"[^>]*data-new="true"`));
  });

  it("an edit is marked, and moderators can read the earlier version", async () => {
    const key = paragraph(6).key;
    const id = newId();
    await member.post(page, postFields({ id, passageKey: key, body: "Frist draft" }));
    expect((await member.post(page, { intent: "edit", commentId: id, body: "First draft" })).status).toBe(302);
    const seen = await openPanel(member, key);
    expect(seen.text).toContain("First draft");
    expect(seen.raw).toMatch(new RegExp(`id="c-${id}"[\\s\\S]*?class="comment-edited"`));
    expect(seen.text).not.toContain("1 earlier version");
    expect((await readPage(await member.get(`${page}?open=${key}&history=${id}`))).text).not.toContain("Frist draft");
    const history = await readPage(await moderator.get(`${page}?open=${key}&history=${id}`));
    expect(history.text).toContain("1 earlier version");
    expect(history.text).toContain("Earlier versions (moderators only)");
    expect(history.text).toContain("Frist draft");
  });

  it("a comment pinned to the lesson leads the page's key answers; ?filter=pinned keeps it", async () => {
    const key = paragraph(6).key;
    const id = newId();
    await member.post(page, postFields({ id, passageKey: key, body: "Durability is a promise about the log." }));
    expect((await moderator.post(page, { intent: "pin", commentId: id, scope: "lesson" })).status).toBe(302);
    const { text } = await readPage(await member.get(page));
    const keyAnswers = text.indexOf("Key answers");
    expect(keyAnswers).toBeGreaterThan(-1);
    expect(text.indexOf("Durability is a promise about the log.")).toBeGreaterThan(keyAnswers);
    const pinned = await readPage(await member.get(`${page}?filter=pinned&open=${key}`));
    expect(pinned.text).toContain("Pinned to the lesson");
    expect(pinned.text).not.toContain("Posted while Sam was away");
  });

  it("a locked thread takes no more replies from members", async () => {
    const key = paragraph(6).key;
    const id = newId();
    await member.post(page, postFields({ id, passageKey: key, body: "Lock this one" }));
    expect((await moderator.post(page, { intent: "moderate", commentId: id, action: "lock" })).status).toBe(302);
    const response = await member.post(page, { intent: "reply", id: newId(), parentId: id, body: "Too late" });
    expect(response.status).toBe(403);
    const { raw } = await openPanel(member, key);
    const thread = raw.slice(raw.indexOf(`id="c-${id}"`));
    expect(thread.slice(0, thread.indexOf("</article>"))).not.toContain("<summary>Reply</summary>");
  });

  it("keeps threads whose passage is gone under 'an earlier version', with the words they quoted", async () => {
    const id = newId();
    const text = paragraph(7).text;
    await member.post(page, postFields({ id, passageKey: paragraph(7).key, body: "On a sentence since rewritten", quoteExact: text.slice(0, 25), quoteStart: "0", quoteEnd: "25" }));
    // What re-anchoring does when the passage is rewritten beyond recognition.
    await db().comment.update({ where: { id }, data: { passageKey: null, anchorStatus: "orphan", quoteExact: null, quoteStart: null, quoteEnd: null } });
    const moved = newId();
    await member.post(page, postFields({ id: moved, passageKey: paragraph(7).key, body: "Its words moved" }));
    await db().comment.update({ where: { id: moved }, data: { anchorStatus: "moved", anchorChanged: true } });
    const { text: earlier, raw } = await readPage(await member.get(page));
    expect(earlier).toContain("Comments on an earlier version");
    expect(raw).toContain(`id="c-${id}"`);
    expect(earlier).toContain(text.slice(0, 25).trim());
    expect((await openPanel(member, paragraph(7).key)).text).toContain("The text changed since this was written.");
  });
});

describe("export", () => {
  it("gives moderators JSON-LD with quote and position selectors, and Markdown; members 403", async () => {
    const jsonld = await moderator.get(`${page}/export?format=jsonld`);
    expect(jsonld.status).toBe(200);
    const annotations = await jsonld.text();
    expect(annotations).toContain("TextQuoteSelector");
    expect(annotations).toContain("TextPositionSelector");
    const markdown = await moderator.get(`${page}/export?format=md`);
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get("content-type")).toContain("text/markdown");
    expect((await member.get(`${page}/export?format=jsonld`)).status).toBe(403);
    expect((await member.get(`${page}/export?format=md`)).status).toBe(403);
    // The page links to them for moderators only.
    expect((await readPage(await moderator.get(page))).raw).toContain(`href="${page}/export?format=md"`);
    expect((await readPage(await member.get(page))).raw).not.toContain("/export?format=");
  });

  it("writes Markdown that a viewer renders as text: no HTML and no javascript: link from a comment or a name", async () => {
    const id = newId();
    const body = '<img src=x onerror="alert(1)"> and [click](javascript:alert(1)) and <script>alert(2)</script>';
    expect((await member.post(page, postFields({ id, body }))).status).toBe(302);
    const author = await db().comment.findUniqueOrThrow({ where: { id }, select: { authorId: true } });
    const name = await db().user.findUniqueOrThrow({ where: { id: author.authorId }, select: { displayName: true } });
    await db().user.update({ where: { id: author.authorId }, data: { displayName: "<b onmouseover=alert(3)>Sam</b>" } });
    try {
      const markdown = await (await moderator.get(`${page}/export?format=md`)).text();
      const html = marked.parse(markdown, { async: false, gfm: true });
      expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; and click and &lt;script&gt;alert(2)&lt;/script&gt;");
      expect(html).toContain("&lt;b onmouseover=alert(3)&gt;Sam&lt;/b&gt;");
      expect(html).not.toMatch(/<(img|script|b)\b/);
      expect(html).not.toContain("javascript:");
    } finally {
      await db().user.update({ where: { id: author.authorId }, data: { displayName: name.displayName } });
    }
  });
});
