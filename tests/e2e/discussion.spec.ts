/**
 * The group's discussion in the margin of Day 1, in real browsers: the demo moderator (Mira) and
 * member (Sam), each in their own browser context, and a third person who joins through an invite
 * link. Comments on selected words (a real mouse drag), replies seen from another browser, questions
 * and their marked answers, the prompt-answer reveal, flag → hide, and the same forms without JavaScript.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { DEMO_THREADS } from "../../app/models/demo-discussion.server.ts";
import { DEMO_MODERATOR, DEMO_PASSWORD, expect, logIn, newUser, open, test, wordPoints } from "./support.ts";

const MEMBER = { email: "member@example.org", displayName: "Sam (member)" };
const DAY_1_TITLE = "The Log Comes First: Durability and the Write-Ahead Log";

let dayOne = "";

/** Signs in and opens the demo group's Day 1, waiting for its scripts (the shortcuts hint shows then). */
async function openDayOne(page: Page, email: string, options: { javaScript?: boolean } = {}) {
  await logIn(page, email, DEMO_PASSWORD);
  if (!dayOne) {
    await open(page, "/groups");
    const href = await page.getByRole("link", { name: "Evening readers" }).first().getAttribute("href");
    dayOne = `${href}/day/1`;
  }
  await open(page, dayOne);
  await expect(page.getByRole("heading", { level: 1, name: DAY_1_TITLE })).toBeVisible();
  if (options.javaScript !== false) {
    await expect(page.getByRole("button", { name: "Press ? for keyboard shortcuts" })).toBeVisible();
    // Connected: nothing arriving later shifts the text under a mouse drag.
    await expect(page.getByRole("status").filter({ hasText: /^Connected$/ })).toBeVisible();
  }
}

async function browserFor(newContext: () => Promise<BrowserContext>, email: string) {
  const page = await (await newContext()).newPage();
  await openDayOne(page, email);
  return page;
}

/** The margin toggle of the passage that starts with `start`, and its thread panel. */
function margin(page: Page, start: string) {
  const pattern = new RegExp(`on “${start.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);
  return {
    toggle: page.getByRole("button", { name: pattern }),
    panel: page.getByRole("region", { name: new RegExp(`^Comments on “${start.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) }),
  };
}

/** Opens a margin's panel unless it already is (the address keeps ?open= across a reload). */
async function ensureOpen(toggle: ReturnType<typeof margin>["toggle"]) {
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
}

/** Selects `words` in the reader with the mouse: press before the first character, drag past the last. */
async function dragSelect(page: Page, words: string) {
  await page.getByText(words).first().scrollIntoViewIfNeeded();
  const points = await wordPoints(page, words);
  expect(points, `"${words}" in a passage`).not.toBeNull();
  await page.mouse.move(points!.x1, points!.y1);
  await page.mouse.down();
  await page.mouse.move(points!.x2, points!.y2, { steps: 10 });
  await page.mouse.up();
  expect(await page.evaluate(() => document.getSelection()?.toString())).toBe(words);
}

test("a comment on selected words: highlighted in the text, counted in the margin, replied to from another browser", async ({ page, newContext }) => {
  const sentence = "It works, but it is painfully slow, because one transaction may touch pages scattered all over the disk and each costs a random write.";
  await openDayOne(page, DEMO_MODERATOR.email);
  const { toggle, panel } = margin(page, "The naive approach is to write");
  await expect(toggle).toHaveText(/^Comment on|^\d+ comments? on/);
  const before = Number(/^(\d+) comment/.exec((await toggle.textContent()) ?? "")?.[1] ?? 0);

  await dragSelect(page, sentence);
  await page.getByRole("button", { name: "Comment on selection" }).click();
  await expect(panel).toBeVisible();
  await expect(panel.getByRole("figure", { name: "On the words" })).toContainText(sentence);
  const field = panel.getByLabel("Your comment");
  await expect(field).toBeFocused();
  await field.fill("This is the **whole** argument for a log.");
  await panel.getByRole("button", { name: "Post", exact: true }).click();

  await expect(page.getByRole("status").filter({ hasText: "Comment posted" })).toBeVisible();
  const thread = panel.getByRole("article", { name: /Mira \(moderator\)/ }).filter({ hasText: "This is the whole argument for a log." });
  await expect(thread).toBeVisible();
  await expect(thread.getByRole("strong")).toHaveText("whole");
  await expect(page.locator("mark").filter({ hasText: sentence })).toBeVisible();
  await expect(toggle).toHaveText(new RegExp(`^${before + 1} comments? on`));
  await expect(field).toHaveValue("");

  // Sam, in another browser, finds it behind the margin's count and replies.
  const sam = await browserFor(newContext, MEMBER.email);
  const samMargin = margin(sam, "The naive approach is to write");
  await expect(sam.locator("mark").filter({ hasText: sentence })).toBeVisible();
  await samMargin.toggle.click();
  await expect(samMargin.toggle).toHaveAttribute("aria-expanded", "true");
  const theirView = samMargin.panel.getByRole("article", { name: /Mira \(moderator\)/ }).filter({ hasText: "This is the whole argument for a log." });
  await expect(theirView).toBeVisible();
  await theirView.getByRole("button", { name: "Reply" }).first().click();
  const reply = samMargin.panel.getByLabel("Reply to Mira (moderator)");
  await expect(reply).toBeFocused();
  await reply.fill("And group commit makes it cheaper still.");
  await samMargin.panel.getByRole("button", { name: "Post reply" }).click();
  await expect(sam.getByRole("status").filter({ hasText: "Reply posted" })).toBeVisible();
  await expect(theirView.getByRole("article", { name: /Sam \(member\)/ })).toContainText("And group commit makes it cheaper still.");

  // Escape closes the panel and gives focus back to its button.
  await samMargin.panel.getByRole("button", { name: "Agree" }).first().focus();
  await sam.keyboard.press("Escape");
  await expect(samMargin.panel).toBeHidden();
  await expect(samMargin.toggle).toBeFocused();

  // Mira reloads and sees the reply, nested under her comment.
  await page.reload({ waitUntil: "networkidle" });
  await ensureOpen(toggle);
  await expect(panel.getByRole("article", { name: /Mira \(moderator\)/ }).getByRole("article", { name: /Sam \(member\)/ })).toContainText(
    "And group commit makes it cheaper still.",
  );
});

test("a question, a reply, and the asker marks it as the answer", async ({ page, newContext }) => {
  await openDayOne(page, MEMBER.email);
  const passage = "Appending to a log is cheap";
  const { toggle, panel } = margin(page, passage);
  await toggle.click();
  await panel.getByRole("radio", { name: "Question" }).check();
  await panel.getByLabel("Your question").fill("Why is a sequential append so much cheaper than a page write?");
  await panel.getByRole("button", { name: "Post", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Question posted" })).toBeVisible();
  const question = panel.getByRole("article", { name: /Sam \(member\)/ }).filter({ hasText: "Why is a sequential append" });
  await expect(question).toContainText("Question");

  const mira = await browserFor(newContext, DEMO_MODERATOR.email);
  const theirs = margin(mira, passage);
  await theirs.toggle.click();
  const theirQuestion = theirs.panel.getByRole("article", { name: /Sam \(member\)/ }).filter({ hasText: "Why is a sequential append" });
  await theirQuestion.getByRole("button", { name: "Reply" }).first().click();
  await theirs.panel.getByLabel("Reply to Sam (member)").fill("No seek per record: the disk head (or flash page) just keeps going.");
  await theirs.panel.getByRole("button", { name: "Post reply" }).click();
  await expect(mira.getByRole("status").filter({ hasText: "Reply posted" })).toBeVisible();

  await page.reload({ waitUntil: "networkidle" });
  await ensureOpen(toggle);
  const answer = question.getByRole("article", { name: /Mira \(moderator\)/ });
  await expect(answer).toContainText("No seek per record");
  await answer.getByRole("button", { name: "Mark as answer" }).click();
  await expect(answer).toContainText("Answer · marked by Sam (member)");
  await expect(question).toContainText("Answered question");
  await expect(answer.getByRole("button", { name: "Unmark answer" })).toBeVisible();

  // The moderator sees it too, and the question has left the "without an answer" filter.
  await mira.reload({ waitUntil: "networkidle" });
  await ensureOpen(theirs.toggle);
  await expect(theirs.panel.getByRole("article", { name: /Mira \(moderator\)/ }).filter({ hasText: "No seek per record" })).toContainText("marked by Sam (member)");
  // The filters are a menu of the lesson's toolbar ("All comments").
  await mira.getByRole("navigation", { name: "Discussion" }).getByText("All comments", { exact: true }).click();
  await mira.getByRole("link", { name: "Questions without an answer" }).click();
  await expect(mira).toHaveURL(/\?filter=open$/);
  await expect(margin(mira, passage).toggle).toHaveText(/^Comment on/);
});

async function inviteSomeone(page: Page, browser: { newPage: () => Promise<Page> }) {
  // Mira makes an invite link on the members page; a new reader signs up through it.
  await open(page, dayOne.replace(/\/day\/1$/, "/members"));
  await page.getByRole("button", { name: "Create invite link" }).click();
  const inviteUrl = await page.getByRole("region", { name: "Open invitations" }).getByRole("textbox").first().inputValue();
  const reader = newUser();
  const theirs = await browser.newPage();
  await open(theirs, inviteUrl);
  await theirs.getByRole("link", { name: "Sign up to join" }).click();
  await theirs.getByLabel("Email", { exact: true }).fill(reader.email);
  await theirs.getByLabel("Display name", { exact: true }).fill(reader.displayName);
  await theirs.getByLabel("Password", { exact: true }).fill(reader.password);
  await theirs.getByRole("button", { name: "Sign up" }).click();
  await expect(theirs.getByRole("heading", { level: 1, name: "Evening readers" })).toBeVisible();
  return { page: theirs, reader };
}

test("a prompt's answers stay hidden until you have posted yours", async ({ page, newContext }) => {
  await openDayOne(page, DEMO_MODERATOR.email);
  const newcomer = await inviteSomeone(page, await newContext());

  // Sam answered Day 1's prompt in the demo's own discussion (demo-discussion.server.ts).
  const prompt = "Prompt: In two sentences";
  const samAnswer = DEMO_THREADS.samPromptAnswer;
  const theirs = newcomer.page;
  await open(theirs, dayOne);
  await expect(theirs.getByRole("button", { name: "Press ? for keyboard shortcuts" })).toBeVisible();
  const theirMargin = margin(theirs, prompt);
  await theirMargin.toggle.click();
  await expect(theirMargin.panel.getByRole("radio", { name: "Answer to the prompt" })).toBeChecked();
  await expect(theirMargin.panel).toContainText(/\d+ answers? — post yours to see (it|them)/);
  await expect(theirMargin.panel).not.toContainText(samAnswer);
  const mine = `Durability lives in the log; data pages are a cache of it. ${Date.now().toString(36)}`;
  await theirMargin.panel.getByLabel("Your answer").fill(mine);
  await theirMargin.panel.getByRole("button", { name: "Post", exact: true }).click();
  await expect(theirs.getByRole("status").filter({ hasText: "Answer posted" })).toBeVisible();
  await expect(theirMargin.panel).toContainText(samAnswer);
  await expect(theirMargin.panel).not.toContainText("post yours to see");

  // Sam, who has answered, sees the newcomer's answer in his own browser.
  const sam = await browserFor(newContext, MEMBER.email);
  const samMargin = margin(sam, prompt);
  await ensureOpen(samMargin.toggle);
  await expect(samMargin.panel).toContainText(mine);
});

test("a flagged comment hidden from the moderation queue shows members a placeholder", async ({ page, newContext }) => {
  await openDayOne(page, DEMO_MODERATOR.email);
  const passage = "There is a quiet assumption inside";
  const text = `Regrettable remark ${Date.now().toString(36)}`;
  const mira = margin(page, passage);
  await mira.toggle.click();
  await mira.panel.getByLabel("Your comment").fill(text);
  await mira.panel.getByRole("button", { name: "Post", exact: true }).click();
  await expect(mira.panel.getByRole("article").filter({ hasText: text })).toBeVisible();

  const sam = await browserFor(newContext, MEMBER.email);
  const theirs = margin(sam, passage);
  await theirs.toggle.click();
  const comment = theirs.panel.getByRole("article").filter({ hasText: text });
  await comment.getByText("More", { exact: true }).click();
  await comment.getByLabel("Why should a moderator look at this?").fill("Off topic for the reading");
  await comment.getByRole("button", { name: "Flag for moderators" }).click();
  await expect(sam.getByRole("status").filter({ hasText: "Flag sent" })).toBeVisible();

  await open(page, dayOne.replace(/\/day\/1$/, "/moderation"));
  const card = page.getByRole("listitem").filter({ hasText: text });
  await expect(card).toContainText("Off topic for the reading");
  await card.getByRole("button", { name: "Hide comment" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: text })).toHaveCount(0);

  await sam.reload({ waitUntil: "networkidle" });
  await ensureOpen(theirs.toggle);
  await expect(theirs.panel).toContainText("This comment was hidden by a moderator.");
  await expect(theirs.panel).not.toContainText(text);
});

test("without JavaScript: a comment and a reply through plain forms", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await openDayOne(page, MEMBER.email, { javaScript: false });
    const passage = "Notice what the log does not";
    // The margin's count is a link that opens the panel.
    await page.getByRole("link", { name: new RegExp(`on “${passage}`) }).click();
    await expect(page).toHaveURL(/\?open=[^#]+#p-/);
    const panel = page.getByRole("region", { name: new RegExp(`^Comments on “${passage}`) });
    const text = `Undo is tomorrow ${Date.now().toString(36)}`;
    await panel.getByLabel("Your comment").fill(text);
    await panel.getByRole("button", { name: "Post", exact: true }).click();
    await expect(page).toHaveURL(/\?open=[^#]+#c-/);
    const comment = panel.getByRole("article", { name: /Sam \(member\)/ }).filter({ hasText: text });
    await expect(comment).toBeVisible();

    await comment.getByText("Reply", { exact: true }).click();
    await comment.getByLabel("Reply to Sam (member)").fill("Replying to myself, without scripts.");
    await comment.getByRole("button", { name: "Post reply" }).click();
    await expect(page).toHaveURL(/#c-/);
    await expect(panel.getByRole("article", { name: /Sam \(member\)/ }).filter({ hasText: text }).getByRole("article")).toContainText(
      "Replying to myself, without scripts.",
    );
    await expect(page.getByRole("link", { name: new RegExp(`^1 comment on “${passage}`) })).toBeVisible();
  } finally {
    await context.close();
  }
});
