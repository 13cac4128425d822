/**
 * A live session in three browser contexts: Mira (the demo moderator) starts one on Day 4 and
 * facilitates; Sam (the demo member) sees the group home turn live, joins, and shares where he reads;
 * Tia (a new member, invited by link) joins and follows Mira. Mira spotlights a passage: Sam gets a
 * gentle prompt, Tia's page moves there by itself, and moves again with Mira. Questions are raised and
 * upvoted live; ending the session leaves a summary.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { DEMO_MODERATOR, DEMO_PASSWORD, expect, logIn, newUser, open, test } from "./support.ts";

const MEMBER = { email: "member@example.org", displayName: "Sam (member)" };
// Day 4, which no other browser test uses: the demo group runs one session at a time.
const DAY = 4;

async function groupPath(page: Page) {
  await open(page, "/groups");
  const href = await page.getByRole("link", { name: "Evening readers" }).first().getAttribute("href");
  return href!;
}

/** A passage element of the lesson by the start of its words. */
const passage = (page: Page, start: string) => page.locator("[data-passage]").filter({ hasText: start }).first();

/** The passage's top is near the reading line (30% down the window): the page was brought there. */
async function expectAtReadingLine(page: Page, start: string) {
  await expect
    .poll(
      async () => {
        const box = await passage(page, start).boundingBox();
        const height = page.viewportSize()!.height;
        return box ? Math.abs(box.y - height * 0.3) < height * 0.2 : false;
      },
      { timeout: 10_000, message: `“${start}…” near the reading line` },
    )
    .toBe(true);
}

async function liveLesson(page: Page, path: string) {
  await open(page, `${path}/day/${DAY}`);
  await expect(page.getByRole("status").filter({ hasText: /^Connected$/ }).first()).toBeVisible();
}

test("a facilitated session: spotlight with a prompt, follow, questions with upvotes, and a summary", async ({ newContext }) => {
  test.setTimeout(120_000);
  const contexts: BrowserContext[] = [await newContext(), await newContext(), await newContext()];
  const [mira, sam, tia] = await Promise.all(contexts.map((context) => context.newPage()));
  await logIn(mira!, DEMO_MODERATOR.email, DEMO_PASSWORD);
  await logIn(sam!, MEMBER.email, DEMO_PASSWORD);
  const path = await groupPath(mira!);

  // Tia joins the group through an invite link Mira makes.
  await open(mira!, `${path}/members`);
  await mira!.getByRole("button", { name: "Create invite link" }).click();
  const inviteUrl = await mira!.getByRole("region", { name: "Open invitations" }).getByRole("textbox").first().inputValue();
  const tiaUser = newUser({ displayName: `Tia ${Date.now().toString(36).slice(-4)}` });
  await open(tia!, `/signup?redirectTo=${encodeURIComponent(new URL(inviteUrl).pathname)}`);
  await tia!.getByLabel("Email", { exact: true }).fill(tiaUser.email);
  await tia!.getByLabel("Display name", { exact: true }).fill(tiaUser.displayName);
  await tia!.getByLabel("Password", { exact: true }).fill(tiaUser.password);
  await tia!.getByRole("button", { name: "Sign up" }).click();
  await expect(tia!).toHaveURL(path);

  // Sam waits on the group home; Mira starts a session on Day 4 from the sessions page.
  await open(sam!, path);
  await expect(sam!.getByRole("region", { name: "Live session" })).toContainText("No live session is running or scheduled.");
  await open(mira!, `${path}/sessions`);
  await mira!.getByLabel("Lesson").first().selectOption(String(DAY));
  await mira!.getByLabel("Title (optional)").first().fill("Day 4 together");
  await mira!.getByRole("button", { name: "Start now" }).click();
  await expect(mira!).toHaveURL(`${path}/day/${DAY}`);
  const miraPanel = mira!.getByRole("region", { name: /Live session/ });
  await expect(miraPanel).toContainText("You are facilitating");
  await expect(mira!.getByRole("status").filter({ hasText: /^Connected$/ }).first()).toBeVisible();

  // Sam's group home turns live without a reload; he goes and joins.
  const samHomeLive = sam!.getByRole("region", { name: "Live session" });
  await expect(samHomeLive).toContainText("Live now", { timeout: 10_000 });
  await expect(samHomeLive).toContainText("Day 4 together");
  await samHomeLive.getByRole("link", { name: "Join the live session" }).click();
  await expect(sam!).toHaveURL(`${path}/day/${DAY}`);
  await expect(sam!.getByRole("status").filter({ hasText: /^Connected$/ }).first()).toBeVisible();
  const samPanel = sam!.getByRole("region", { name: /Live session/ });
  await samPanel.getByRole("button", { name: "Join the session" }).click();
  // The button is gone once joined: focus moves on to what joining offers, not to the page's start.
  await expect(samPanel.getByLabel("Share where I am reading")).toBeFocused();
  await samPanel.getByLabel("Share where I am reading").check();

  // Tia opens the lesson, joins and follows Mira.
  await liveLesson(tia!, path);
  const tiaPanel = tia!.getByRole("region", { name: /Live session/ });
  await tiaPanel.getByRole("button", { name: "Join the session" }).click();
  await tiaPanel.getByLabel(`Follow ${DEMO_MODERATOR.displayName}`).check();
  const following = tia!.getByRole("paragraph").filter({ hasText: `Following ${DEMO_MODERATOR.displayName}` }).filter({ has: tia!.getByRole("button", { name: "Stop following" }) });
  await expect(following).toBeVisible();

  // Everyone sees three people here, and Mira sees the attendance.
  for (const page of [mira!, sam!, tia!]) await expect(page.getByLabel("Who is here")).toContainText("3 here now");
  await expect(miraPanel).toContainText("Attendance: 3 joined, 3 here now");

  // Mira gathers everyone at a passage far down the lesson.
  const paragraphs = mira!.locator(".reader-text p[data-passage]");
  const words = async (index: number) => ((await paragraphs.nth(index).textContent()) ?? "").trim().split(/\s+/).slice(0, 5).join(" ");
  const count = await paragraphs.count();
  const target = await words(5);
  await passage(mira!, target).hover();
  await mira!.getByRole("button", { name: new RegExp(`^Gather here: ask everyone to look at “${escape(target)}`) }).click();
  await expect(mira!.getByText(`${DEMO_MODERATOR.displayName} asks everyone to gather here`)).toBeVisible();
  // Sam gets a gentle prompt (his page does not move by itself) and goes there.
  const prompt = sam!.locator(".spotlight-prompt");
  await expect(prompt).toContainText(`${DEMO_MODERATOR.displayName} asks everyone to gather at “${target}`);
  expect(await sam!.evaluate(() => window.scrollY)).toBe(0);
  await prompt.getByRole("button", { name: "Go there" }).click();
  await expectAtReadingLine(sam!, target);
  await expect(passage(sam!, target)).toBeFocused();
  // Tia follows: her page went there without her doing anything.
  await expectAtReadingLine(tia!, target);

  // Mira reads on, further down: Tia's page moves with her; Mira sees where Sam is.
  const further = await words(count - 3);
  expect(further).not.toBe(target);
  await passage(mira!, further).evaluate((element) => window.scrollTo({ top: element.getBoundingClientRect().top + window.scrollY - window.innerHeight * 0.3 + 4 }));
  await expectAtReadingLine(tia!, further);
  // The strip at the top says where the group is, while Mira reads: she and Sam share their places.
  await expect(mira!.locator(".session-strip")).toContainText(/[12] of 2 are past “/);
  await miraPanel.getByText(/^Where everyone is reading/).click();
  await expect(miraPanel.getByRole("listitem").filter({ hasText: MEMBER.displayName })).toContainText(target);
  // Scrolling herself, Tia stops following.
  await tia!.mouse.wheel(0, -400);
  await expect(following).toHaveCount(0);
  await expect(tiaPanel.getByLabel(`Follow ${DEMO_MODERATOR.displayName}`)).not.toBeChecked();

  // Tia raises a question; Sam upvotes it; Mira sees the vote and marks it answered.
  await tiaPanel.getByLabel("Raise a question").fill("Does the log ever get too big?");
  await tiaPanel.getByRole("button", { name: "Ask", exact: true }).click();
  await expect(tiaPanel.getByLabel("Raise a question")).toHaveValue("");
  const samQuestion = samPanel.getByRole("listitem").filter({ hasText: "Does the log ever get too big?" });
  await samQuestion.getByRole("button", { name: /Upvote/ }).click();
  await expect(samQuestion.getByRole("button", { name: /Upvote/ })).toHaveAttribute("aria-pressed", "true");
  const miraQuestion = miraPanel.getByRole("listitem").filter({ hasText: "Does the log ever get too big?" });
  await expect(miraQuestion).toContainText("(1)");
  await miraQuestion.getByRole("button", { name: "Mark answered" }).click();
  await expect(tiaPanel.getByText("Answered (1)")).toBeVisible();

  // From the keyboard: Mira moves to a passage and presses g; Sam is asked to gather there.
  await passage(mira!, further).focus();
  await mira!.keyboard.press("g");
  await expect(sam!.locator(".spotlight-prompt")).toContainText(`asks everyone to gather at “${further}`);

  // Mira ends the session (it asks first): the others are told, and the summary keeps it.
  await miraPanel.getByRole("button", { name: "End the session…" }).click();
  await mira!.getByRole("dialog", { name: "End the live session?" }).getByRole("button", { name: "End the session", exact: true }).click();
  for (const page of [sam!, tia!]) await expect(page.getByText("This live session has ended.")).toBeVisible();
  await sam!.getByRole("link", { name: "See the summary" }).click();
  await expect(sam!.getByRole("heading", { level: 1 })).toContainText("Session summary: Day 4");
  await expect(sam!.getByRole("region", { name: /Attendance/ })).toContainText(tiaUser.displayName);
  await expect(sam!.getByRole("region", { name: /Questions raised/ })).toContainText("Does the log ever get too big?");
  await expect(sam!.getByRole("region", { name: /Questions raised/ })).toContainText("1 upvote");
});

function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
