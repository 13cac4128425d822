/**
 * The lesson reader as a member uses it: j/k between passages, the shortcuts dialog, links to a
 * passage, references to other days, the "On this page" contents and copying a passage's link.
 * Signed in as the demo moderator, reading Day 1 of the demo course.
 */
import type { Page } from "@playwright/test";
import { DEMO_MODERATOR, DEMO_PASSWORD, logIn, open, test, expect } from "./support.ts";

const DAY_1 = "/courses/how-databases-keep-promises/day/1";

/** Opens Day 1 and waits until its scripts run (the shortcuts hint only appears then). */
async function openDayOne(page: Page, hash = "") {
  await open(page, `${DAY_1}${hash}`);
  await expect(page.getByRole("heading", { level: 1, name: "The Log Comes First: Durability and the Write-Ahead Log" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Press ? for keyboard shortcuts" })).toBeVisible();
}

function focusedId(page: Page) {
  return page.evaluate(() => document.activeElement?.id ?? "");
}

function targetId(page: Page) {
  return page.evaluate(() => document.querySelector(":target")?.id ?? "");
}

test.beforeEach(async ({ page }) => {
  await logIn(page, DEMO_MODERATOR.email, DEMO_PASSWORD);
});

test("j and k move between passages, and the address follows", async ({ page }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await openDayOne(page);

  await page.keyboard.press("j");
  const firstHeading = page.getByRole("heading", { level: 3, name: 'What "committed" promises' });
  await expect(firstHeading).toBeFocused();
  const first = await focusedId(page);
  expect(first).toMatch(/^p-[0-9a-f]+$/);
  await expect(page).toHaveURL(`${DAY_1}#${first}`);

  await page.keyboard.press("j");
  await expect(page.getByText("When a database tells your application")).toBeFocused();
  const second = await focusedId(page);
  await expect(page).toHaveURL(`${DAY_1}#${second}`);

  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await expect(page.getByRole("heading", { level: 3, name: "Write the intention, then the change" })).toBeFocused();
  const fourth = await focusedId(page);
  await expect(page).toHaveURL(`${DAY_1}#${fourth}`);

  for (let step = 0; step < 6; step++) await page.keyboard.press("j");
  const far = page.locator(":focus");
  await expect(far).toBeInViewport();
  expect(await focusedId(page)).toMatch(/^p-/);

  for (let step = 0; step < 6; step++) await page.keyboard.press("k");
  await expect(page).toHaveURL(`${DAY_1}#${fourth}`);
  await page.keyboard.press("k");
  await page.keyboard.press("k");
  await expect(page).toHaveURL(`${DAY_1}#${second}`);
  expect(await focusedId(page)).toBe(second);
  await expect(page.locator(":focus")).toBeInViewport();

  // Typing in a field is left alone.
  await page.evaluate(() => {
    const input = document.createElement("input");
    input.setAttribute("aria-label", "Scratch");
    document.querySelector("main")!.prepend(input);
  });
  await page.getByLabel("Scratch").pressSequentially("jjk");
  await expect(page.getByLabel("Scratch")).toBeFocused();
  await expect(page.getByLabel("Scratch")).toHaveValue("jjk");
  await expect(page).toHaveURL(`${DAY_1}#${second}`);
});

test("? opens the list of shortcuts, Escape closes it, and focus comes back", async ({ page }) => {
  await openDayOne(page);
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(dialog).toBeHidden();

  await page.keyboard.press("?");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("listitem")).toHaveCount(4);
  await expect(dialog.getByRole("listitem").filter({ hasText: "Next passage" })).toContainText("j");
  await expect(dialog.getByRole("listitem").filter({ hasText: "Previous passage" })).toContainText("k");
  // Shortcuts are off while the dialog is open.
  await page.keyboard.press("j");
  await expect(page).toHaveURL(DAY_1);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // The same list from the hint, for mouse and screen-reader users; Close returns focus to it.
  const hint = page.getByRole("button", { name: "Press ? for keyboard shortcuts" });
  await hint.click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
  await expect(hint).toBeFocused();

  await hint.press("Enter");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(hint).toBeFocused();
});

test("a link to a passage opens the page scrolled to it, highlighted as the target", async ({ page }) => {
  await openDayOne(page);
  const id = await page.getByText("The framework assumes volatile memory").getAttribute("id");
  expect(id).toMatch(/^p-[0-9a-f]+$/);

  await openDayOne(page, `#${id}`);
  const passage = page.getByText("The framework assumes volatile memory");
  await expect(passage).toBeInViewport();
  expect(await targetId(page)).toBe(id);
  await expect(page.getByRole("heading", { level: 1 })).not.toBeInViewport();
});

test("a reference to another day is a link to that day", async ({ page }) => {
  await openDayOne(page);
  const tomorrow = page.getByRole("link", { name: "tomorrow (Day 2)", exact: true });
  await expect(tomorrow).toHaveAttribute("href", "/courses/how-databases-keep-promises/day/2");
  await expect(page.getByRole("link", { name: "Day 5", exact: true })).toHaveAttribute("href", "/courses/how-databases-keep-promises/day/5");

  await page.getByRole("link", { name: "Day 2", exact: true }).first().click();
  await expect(page).toHaveURL("/courses/how-databases-keep-promises/day/2");
  await expect(page.getByRole("heading", { level: 1, name: "Undo, Redo, and the Morning After a Crash" })).toBeVisible();
  await expect(page.getByText("Day 2 of 6")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Other days" }).getByRole("link", { name: /^Day 1:/ })).toBeVisible();
});

test("the “On this page” links jump to the readings and their headings, and focus follows", async ({ page }) => {
  await openDayOne(page);
  const contents = page.getByRole("navigation", { name: "On this page" });
  await expect(contents.getByRole("link")).toHaveCount(2 + 2 + 5);

  const jumps: [link: string | RegExp, heading: ReturnType<Page["getByRole"]>][] = [
    ["Open questions", page.getByRole("heading", { level: 3, name: "Open questions" })],
    [/^Paper summary/, page.getByRole("heading", { level: 2, name: /^Paper summary/ })],
    ["Write the intention, then the change", page.getByRole("heading", { level: 3, name: "Write the intention, then the change" })],
    ["Key results", page.getByRole("heading", { level: 3, name: "Key results" })],
  ];
  for (const [link, heading] of jumps) {
    await contents.getByRole("link", { name: link }).click();
    await expect(heading).toBeInViewport();
    await expect(heading).toBeFocused();
    await expect(page).toHaveURL(`${DAY_1}#${await heading.getAttribute("id")}`);
  }
  // j carries on from the heading the contents led to.
  await page.keyboard.press("j");
  await expect(page.getByText("The central insight follows directly from the axes.")).toBeFocused();

  // Back goes to the previous heading's place.
  await page.goBack();
  await expect(page).toHaveURL(`${DAY_1}#${await jumps[2]![1].getAttribute("id")}`);
  await expect(jumps[2]![1]).toBeInViewport();
});

test("the copy-link button copies the passage's address and says so", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  await openDayOne(page);
  const passage = page.getByText("The naive approach is to write every changed data page");
  const id = await passage.getAttribute("id");

  await passage.hover();
  await passage.getByRole("button", { name: "Copy link to this passage" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Link copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${baseURL}${DAY_1}#${id}`);

  // Without a mouse: j on to the next passage (a heading), Tab to its copy button, Enter.
  await page.keyboard.press("j");
  const heading = page.getByRole("heading", { level: 3, name: "Write the intention, then the change" });
  await expect(heading).toBeFocused();
  await page.keyboard.press("Tab");
  const focused = page.locator(":focus");
  await expect(focused).toHaveAccessibleName("Copy link to this passage");
  await expect(focused).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Link copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${baseURL}${DAY_1}#${await heading.getAttribute("id")}`);
});

test("landmarks and headings: one article, h1 for the lesson, h2 per reading, h3 for its headings", async ({ page }) => {
  await openDayOne(page);
  const article = page.getByRole("article", { name: "The Log Comes First: Durability and the Write-Ahead Log" });
  await expect(article).toBeVisible();
  await expect(article.getByRole("heading", { level: 2 })).toHaveText(["Lesson", /^Paper summary/]);
  await expect(article.getByRole("region", { name: "Lesson" }).getByRole("heading", { level: 3 })).toHaveCount(2);
  await expect(article.getByRole("complementary", { name: "Practice prompt" })).toContainText("In two sentences");
  await expect(article.getByRole("region", { name: "Lesson" }).getByRole("list")).toHaveCount(1);
  await expect(article.getByRole("region", { name: "Lesson" }).getByRole("list").getByRole("listitem")).toHaveCount(3);
});
