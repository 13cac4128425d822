/**
 * Writing in the margin: drafts kept in the browser (reload, navigation, discard), the warning before
 * leaving unsent text, the @ picker by keyboard, an @handle that names nobody, the quoted words kept
 * marked and snapped to whole words, times in the reader's zone, and the time zone on the account page.
 */
import type { Page } from "@playwright/test";
import { expect, newUser, open, openDemoLesson, signUp, startOwnGroup, test, wordPoints } from "./support.ts";

const MEMBER = { email: "member@example.org", displayName: "Sam (member)" };
const DAY_1_TITLE = "The Log Comes First: Durability and the Write-Ahead Log";

async function openDayOne(page: Page, email = MEMBER.email) {
  await openDemoLesson(page, email, 1);
  await expect(page.getByRole("heading", { level: 1, name: DAY_1_TITLE })).toBeVisible();
  await expect(page.getByRole("button", { name: "Press ? for keyboard shortcuts" })).toBeVisible();
}

function margin(page: Page, start: string) {
  const escaped = start.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return {
    toggle: page.getByRole("button", { name: new RegExp(`on “${escaped}`) }),
    panel: page.getByRole("region", { name: new RegExp(`^Comments on “${escaped}`) }),
  };
}

async function ensureOpen(toggle: ReturnType<typeof margin>["toggle"]) {
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
}

test("a draft survives a reload and a navigation, and goes when discarded", async ({ page }) => {
  await openDayOne(page);
  const { toggle, panel } = margin(page, "There is a quiet assumption");
  await ensureOpen(toggle);
  const field = panel.getByLabel("Your comment");
  await field.fill("Half a thought about fsync");
  await expect(panel.getByText("Draft kept in this browser")).toBeVisible();

  await page.reload({ waitUntil: "networkidle" });
  await ensureOpen(toggle);
  await expect(panel.getByLabel("Your comment")).toHaveValue("Half a thought about fsync");

  const lesson = new URL(page.url()).pathname;
  await open(page, "/groups");
  await open(page, lesson);
  await ensureOpen(toggle);
  await expect(panel.getByLabel("Your comment")).toHaveValue("Half a thought about fsync");

  await panel.getByRole("button", { name: "Discard draft" }).click();
  await expect(panel.getByLabel("Your comment")).toHaveValue("");
  await expect(panel.getByLabel("Your comment")).toBeFocused();
  await page.reload({ waitUntil: "networkidle" });
  await ensureOpen(toggle);
  await expect(panel.getByLabel("Your comment")).toHaveValue("");
});

test("leaving the page with unsent text asks first", async ({ page }) => {
  await openDayOne(page);
  const { toggle, panel } = margin(page, "Notice what the log does not");
  await ensureOpen(toggle);
  await panel.getByLabel("Your comment").pressSequentially("Not sent yet");
  const dialog = page.waitForEvent("dialog");
  await page.close({ runBeforeUnload: true });
  const shown = await dialog;
  expect(shown.type()).toBe("beforeunload");
  await shown.accept();
});

test("@ offers the group's members by keyboard, and a handle that names nobody is said before posting", async ({ page }) => {
  await openDayOne(page);
  const { toggle, panel } = margin(page, "Notice what the log does not");
  await ensureOpen(toggle);
  const field = panel.getByRole("combobox", { name: "Your comment" });
  await field.fill("");
  await field.pressSequentially("Ask @mi");
  await expect(field).toHaveAttribute("aria-expanded", "true");
  const list = panel.getByRole("listbox", { name: "Members to mention" });
  await expect(list.getByRole("option", { name: /Mira \(moderator\)/ })).toBeVisible();
  await expect(field).toHaveAttribute("aria-activedescendant", /.+/);
  await expect(list.getByRole("option", { selected: true })).toHaveCount(1);
  await page.keyboard.press("Enter");
  await expect(field).toHaveValue("Ask @miramoderator ");
  await expect(field).toHaveAttribute("aria-expanded", "false");
  await expect(field).toBeFocused();

  // Escape closes the list and keeps the text (and the panel) as it is.
  await field.pressSequentially("and @");
  await expect(list).toBeVisible();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Escape");
  await expect(list).toBeHidden();
  await expect(panel).toBeVisible();
  await expect(field).toHaveValue("Ask @miramoderator and @");

  await field.pressSequentially("nobodyhere about it");
  await expect(panel.getByText(/No member of this group is called @nobodyhere/)).toBeVisible();
  await expect(field).toHaveAttribute("aria-describedby", /.+/);
  await field.fill("Ask @miramoderator about it");
  await expect(panel.getByText(/No member of this group is called/)).toBeHidden();
  await panel.getByRole("button", { name: "Discard draft" }).click();
});

test("a new comment's time reads 'just now', with the exact local time on hover", async ({ newContext }) => {
  const page = await (await newContext({ timezoneId: "Asia/Tokyo", locale: "en-GB" })).newPage();
  // A new person in Tokyo (the zone their browser gave at sign-up) starts a group and opens Day 1.
  await signUp(page, newUser({ displayName: `Kenji ${Date.now().toString(36).slice(-4)}` }));
  const { path } = await startOwnGroup(page, "Tokyo circle");
  await open(page, `${path}/day/1`);
  await expect(page.getByRole("heading", { level: 1, name: DAY_1_TITLE })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /^Connected$/ }).first()).toBeAttached();
  const { toggle, panel } = margin(page, "There is a quiet assumption");
  await ensureOpen(toggle);
  const body = `Timed ${Date.now()}`;
  await panel.getByLabel("Your comment").fill(body);
  await panel.getByRole("button", { name: "Post", exact: true }).click();
  const comment = panel.getByRole("article", { name: /Kenji/ }).filter({ hasText: body });
  const time = comment.locator("time").first();
  await expect(time).toHaveText(/just now|min/);
  await expect(time).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // The zone detected at sign-up (Tokyo) is used.
  await expect(time).toHaveAttribute("title", /GMT\+9|JST/);
});

test("the quoted words snap to whole words and stay marked while writing", async ({ page }) => {
  await openDayOne(page);
  const words = "When a database tells";
  // Select from inside "When" to inside "tells" with the keyboard-free DOM API.
  await page.evaluate((wanted) => {
    for (const element of document.querySelectorAll("[data-passage-text]")) {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf(wanted);
        if (at === -1) continue;
        const range = document.createRange();
        range.setStart(node, at + 2);
        range.setEnd(node, at + wanted.length - 2);
        document.getSelection()!.removeAllRanges();
        document.getSelection()!.addRange(range);
        return;
      }
    }
  }, words);
  await page.getByRole("button", { name: "Comment on selection" }).click();
  const { panel } = margin(page, "When a database tells");
  await expect(panel.getByRole("figure", { name: "On the words" }).locator("blockquote")).toHaveText(words);
  await expect(panel.getByLabel("Your comment")).toBeFocused();
  expect(await page.evaluate(() => (CSS as unknown as { highlights: Map<string, unknown> }).highlights.has("marginalia-draft-quote"))).toBe(true);
  await panel.getByLabel("Your comment").fill("x");
  await panel.getByRole("button", { name: "Discard draft" }).click();
});

test("the time zone is detected at sign-up and chosen on the account page", async ({ newContext }) => {
  const page = await (await newContext({ timezoneId: "America/New_York" })).newPage();
  const user = newUser();
  await signUp(page, user);
  await open(page, "/account");
  const select = page.getByRole("combobox", { name: "Your time zone" });
  await expect(select).toHaveValue("America/New_York");
  await select.selectOption("Asia/Tokyo");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Asia/Tokyo" })).toBeVisible();
  await page.reload({ waitUntil: "networkidle" });
  await expect(page.getByRole("combobox", { name: "Your time zone" })).toHaveValue("Asia/Tokyo");
  // /progress says which zone, and sends people to the account page to change it.
  await open(page, "/progress");
  await expect(page.getByText("Asia/Tokyo").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Change your time zone on your account page" })).toBeVisible();
});


test("a live update waits until a drag is finished and its selection let go: the words never change under it", async ({ page, newContext }) => {
  await openDayOne(page);
  await expect(page.getByRole("status").filter({ hasText: /^Connected$/ }).first()).toBeAttached();
  const words = "The operating system and the drive";
  await page.getByText(words).first().scrollIntoViewIfNeeded();
  const points = await wordPoints(page, words);
  expect(points).not.toBeNull();
  await page.mouse.move(points!.x1, points!.y1);
  await page.mouse.down();
  await page.mouse.move((points!.x1 + points!.x2) / 2, points!.y1, { steps: 4 });

  // Meanwhile Mira quotes another sentence of the same passage (by keyboard: "Quote a sentence").
  const mira = await (await newContext()).newPage();
  await openDayOne(mira, "moderator@example.org");
  const theirs = margin(mira, "There is a quiet assumption");
  await ensureOpen(theirs.toggle);
  const sentence = "This is why database engineers care so much about what fsync actually guarantees on their hardware.";
  await theirs.panel.getByLabel("Quote a sentence").selectOption({ label: sentence.slice(0, 67).trimEnd() + "…" });
  await expect(theirs.panel.getByRole("figure", { name: "On the words" })).toContainText(sentence);
  await theirs.panel.getByLabel("Your comment").fill(`Live while selecting ${Date.now()}`);
  await theirs.panel.getByRole("button", { name: "Post", exact: true }).click();
  await expect(mira.getByRole("status").filter({ hasText: "Comment posted" })).toBeVisible();

  // Sam's page has heard of it but does not load while the button is down...
  await page.waitForTimeout(1500);
  await expect(page.locator("mark").filter({ hasText: sentence })).toHaveCount(0);
  await page.mouse.move(points!.x2, points!.y2, { steps: 4 });
  await page.mouse.up();
  expect(await page.evaluate(() => document.getSelection()?.toString())).toBe(words);
  // ...nor while the selection is held,
  await page.waitForTimeout(1000);
  await expect(page.locator("mark").filter({ hasText: sentence })).toHaveCount(0);
  expect(await page.evaluate(() => document.getSelection()?.toString())).toBe(words);
  // and does once it is let go.
  await page.evaluate(() => document.getSelection()?.removeAllRanges());
  await expect(page.locator("mark").filter({ hasText: sentence })).toBeVisible();
});
