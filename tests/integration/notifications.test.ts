/**
 * Notifications through the real routes: a member who left or was removed gets none from the group
 * any more (replies, mentions, answers, pins), and the notifications page and the unread badge of
 * every page hold only what the person can still open — not a group they left, not a deleted comment,
 * not one hidden from them (a moderator still can), not a prompt answer concealed until they answer.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroupDirectly, readPage, signUp, uniqueLabel, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
const db = () => server.database.db;
const newId = () => randomBytes(15).toString("base64url");
let paragraph: { readingId: string; key: string; day: number };
let prompt: { readingId: string; key: string; day: number };

beforeAll(async () => {
  server = await startTestServer();
  const passage = async (kind: string) => {
    const found = await db().passage.findFirstOrThrow({
      where: { kind, revision: { currentOf: { is: { lesson: { course: { slug: "how-databases-keep-promises" } } } } } },
      select: { key: true, revision: { select: { currentOf: { select: { id: true, lesson: { select: { day: true } } } } } } },
    });
    const reading = found.revision.currentOf!;
    return { readingId: reading.id, key: found.key, day: reading.lesson.day };
  };
  [paragraph, prompt] = await Promise.all([passage("paragraph"), passage("prompt")]);
});
afterAll(async () => {
  await server?.close();
});

const handle = (who: Person) => who.displayName.replace(/\s/g, "").toLowerCase();

/** Posts through the lesson page's form, as a browser without JavaScript; returns the new comment's id. */
async function post(who: Person, groupId: string, fields: Record<string, string>, at = paragraph) {
  const id = newId();
  const response = await who.client.post(`/groups/${groupId}/day/${at.day}`, { intent: "post", id, kind: "comment", readingId: at.readingId, passageKey: at.key, ...fields });
  expect(response.status, `post by ${who.displayName}: ${response.status === 302 ? "" : await response.text()}`).toBe(302);
  return id;
}
async function reply(who: Person, groupId: string, parentId: string, body: string) {
  const id = newId();
  const response = await who.client.post(`/groups/${groupId}/day/${paragraph.day}`, { intent: "reply", id, parentId, body });
  expect(response.status, `reply by ${who.displayName}`).toBe(302);
  return id;
}
async function act(who: Person, groupId: string, fields: Record<string, string>, day = paragraph.day) {
  const response = await who.client.post(`/groups/${groupId}/day/${day}`, fields);
  expect(response.status, `${fields.intent} by ${who.displayName}`).toBe(302);
}

/** What a person's pages say: the badge's unread count, and the comments the notifications page links to. */
async function inbox(who: Person) {
  const { raw } = await readPage(await who.client.get("/notifications"));
  // The link reads "Notifications 3 unread" (its visible text, then "unread" for screen readers).
  const badge = /<span class="badge">(\d+|99\+)<\/span><span class="visually-hidden"> unread<\/span>/.exec(raw);
  const linked = [...raw.matchAll(/data-comment="([A-Za-z0-9_-]+)"/g)].map((match) => match[1]!);
  return { unread: badge ? Number(badge[1]) : 0, linked };
}

async function rowsFor(who: Person, groupId: string) {
  return db().notification.count({ where: { userId: who.id, groupId } });
}

describe("former members", () => {
  it("who left or were removed get no more notifications from the group, and see none of the old ones", async () => {
    const named = (name: string) => signUp(server, { displayName: uniqueLabel(name) });
    const [olga, bo, ada, cy] = await Promise.all([named("Olga"), named("Bo"), named("Ada"), named("Cy")]);
    const group = await createGroupDirectly(server, uniqueLabel("Circle"), [
      [olga, "owner"],
      [bo, "member"],
      [ada, "member"],
      [cy, "member"],
    ]);
    const g = group.id;
    // While they are members: Ada and Cy each write a comment and a reply to Bo's question.
    const question = await post(bo, g, { kind: "question", body: "Why write the log first?" });
    const adaComment = await post(ada, g, { body: "A comment by Ada" });
    const cyComment = await post(cy, g, { body: "A comment by Cy" });
    const adaAnswer = await reply(ada, g, question, "Because of crashes");
    const cyAnswer = await reply(cy, g, question, "Because of recovery");
    // One notification each while they belong: it shows.
    const early = await reply(bo, g, adaComment, "Early reply to Ada");
    await reply(bo, g, cyComment, "Early reply to Cy");
    expect(await inbox(ada)).toEqual({ unread: 1, linked: [early] });
    expect((await inbox(cy)).unread).toBe(1);

    // Ada leaves; the owner removes Cy.
    expect((await ada.client.post(`/groups/${g}`, { intent: "leave" })).status).toBe(302);
    expect((await olga.client.post(`/groups/${g}/members`, { intent: "remove", userId: cy.id })).status).toBe(200);
    const before = { ada: await rowsFor(ada, g), cy: await rowsFor(cy, g) };

    // Everything that would notify them: replies, mentions, an answer marked, pins.
    await reply(bo, g, adaComment, `Late reply to Ada, @${handle(ada)}`);
    await reply(bo, g, cyComment, `Late reply to Cy, @${handle(cy)}`);
    await post(bo, g, { body: `Mentioning @${handle(ada)} and @${handle(cy)}` });
    await act(bo, g, { intent: "answer", commentId: adaAnswer });
    await act(olga, g, { intent: "answer", commentId: cyAnswer });
    await act(olga, g, { intent: "pin", commentId: adaComment, scope: "passage" });
    await act(olga, g, { intent: "pin", commentId: cyComment, scope: "lesson" });

    expect({ ada: await rowsFor(ada, g), cy: await rowsFor(cy, g) }).toEqual(before);
    // And what they were sent while members is for a group they can no longer open: gone from the page and the badge.
    expect(await inbox(ada)).toEqual({ unread: 0, linked: [] });
    expect(await inbox(cy)).toEqual({ unread: 0, linked: [] });
    // Those who stayed were notified as ever (Bo: his question's replies).
    expect((await inbox(bo)).linked).toEqual(expect.arrayContaining([adaAnswer, cyAnswer]));
  });
});

describe("what the badge and the page count", () => {
  it("only notifications whose comment the person can still open: not deleted, not hidden from them", async () => {
    const named = (name: string) => signUp(server, { displayName: uniqueLabel(name) });
    const [olga, bo, ada] = await Promise.all([named("Olga"), named("Bo"), named("Ada")]);
    const g = (await createGroupDirectly(server, uniqueLabel("Circle"), [[olga, "owner"], [bo, "member"], [ada, "member"]])).id;
    const adaComment = await post(ada, g, { body: "Ada's thought" });
    const olgaComment = await post(olga, g, { body: "Olga's thought" });
    const toHide = await reply(bo, g, adaComment, "A reply that will be hidden");
    const toDelete = await reply(bo, g, adaComment, "A reply that will be deleted");
    const kept = await reply(bo, g, adaComment, "A reply that stays");
    const mention = await post(bo, g, { body: `Hello @${handle(ada)}` });
    const hiddenForOlga = await reply(bo, g, olgaComment, "Hidden, but Olga moderates");
    expect((await inbox(ada)).unread).toBe(4);

    await act(olga, g, { intent: "moderate", commentId: toHide, action: "hide" });
    await act(olga, g, { intent: "moderate", commentId: hiddenForOlga, action: "hide" });
    await act(bo, g, { intent: "delete", commentId: toDelete });

    const ada_ = await inbox(ada);
    expect(ada_.unread).toBe(2);
    expect(ada_.linked.sort()).toEqual([kept, mention].sort());
    // A moderator can still open a hidden comment: it still counts for her.
    expect(await inbox(olga)).toEqual({ unread: 1, linked: [hiddenForOlga] });
    // Restored: Ada can open it again.
    await act(olga, g, { intent: "moderate", commentId: toHide, action: "restore" });
    expect((await inbox(ada)).unread).toBe(3);
  });

  it("a mention in a prompt answer counts once the person has answered that prompt (until then it is concealed from them)", async () => {
    const named = (name: string) => signUp(server, { displayName: uniqueLabel(name) });
    const [olga, bo, ada] = await Promise.all([named("Olga"), named("Bo"), named("Ada")]);
    const g = (await createGroupDirectly(server, uniqueLabel("Circle"), [[olga, "owner"], [bo, "member"], [ada, "member"]])).id;
    const answer = await post(bo, g, { kind: "answer", body: `My answer; what do you think, @${handle(ada)}?` }, prompt);
    expect(await rowsFor(ada, g)).toBe(1);
    expect(await inbox(ada)).toEqual({ unread: 0, linked: [] });
    await post(ada, g, { kind: "answer", body: "My own answer" }, prompt);
    expect(await inbox(ada)).toEqual({ unread: 1, linked: [answer] });
  });
});
