/**
 * The group lesson's layout in a real browser, in a group of its own (a new owner, the demo course):
 * the first screen shows the title and the start of the text; at 1440 px the threads sit in a margin
 * beside their passages and opening one never moves the text; on a phone a thread opens in a sheet
 * over the text with the passage above it, Escape closes it and focus returns; a live session is a
 * side panel beside the text (collapsible) or a drawer on a phone, and ending it asks first — with
 * scripts in a dialog, without them in a confirmation step.
 *
 * With SCREENSHOTS=1 the live-session test also saves lesson-live-* in docs/screenshots/ (the other
 * pages' are taken by screenshots.spec.ts).
 */
import type { Locator, Page } from "@playwright/test";
import { expect, newUser, open, shoot, signUp, test, startOwnGroup } from "./support.ts";

/** A new person starts a self-paced group for the demo course: its path. */
async function ownGroup(page: Page) {
  await signUp(page, newUser({ displayName: `Ines ${Date.now().toString(36).slice(-4)}` }));
  return (await startOwnGroup(page, "Layout circle")).path;
}

async function openLesson(page: Page, path: string) {
  await open(page, path);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /^Connected$/ })).toBeAttached();
}

const paragraphs = (page: Page) => page.locator(".reader-text p[data-passage]");
const toggleOf = (page: Page, start: string) => page.getByRole("button", { name: new RegExp(`on “${start}`) });

/** The top of every passage, in page coordinates (independent of scrolling). */
function passageTops(page: Page) {
  return page.evaluate(() => [...document.querySelectorAll("[data-passage]")].map((element) => Math.round(element.getBoundingClientRect().top + window.scrollY)));
}

async function startOf(locator: Locator, words = 5) {
  return ((await locator.textContent()) ?? "").trim().split(/\s+/).slice(0, words).join(" ");
}

/** The first screen shows the lesson's title and the start of its text. */
async function expectTextFirst(page: Page) {
  const height = page.viewportSize()!.height;
  await expect(page.getByRole("heading", { level: 1 })).toBeInViewport();
  const first = await paragraphs(page).first().boundingBox();
  expect(first, "the first paragraph").not.toBeNull();
  expect(first!.y, "the first paragraph starts on the first screen").toBeLessThan(height - 40);
}

async function postOn(page: Page, start: string, text: string) {
  const toggle = toggleOf(page, start);
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  const panel = page.getByRole("region", { name: new RegExp(`^Comments on “${start}`) });
  await panel.getByLabel("Your comment").fill(text);
  await panel.getByRole("button", { name: "Post", exact: true }).click();
  await expect(panel.getByRole("article").filter({ hasText: text })).toBeVisible();
  return { toggle, panel };
}

test("at 1440 px: title and text first; threads beside their passages; opening one never moves the text", async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const group = await ownGroup(page);
  await openLesson(page, `${group}/day/1`);
  await expectTextFirst(page);

  const second = await startOf(paragraphs(page).nth(1));
  const third = await startOf(paragraphs(page).nth(2));
  await postOn(page, second, "The log is the promise: everything else is an optimisation.");
  await postOn(page, second, "And the checkpoint is what keeps it small.");
  await postOn(page, third, "Random writes are what makes this slow.");
  await openLesson(page, `${group}/day/1`);

  const before = await passageTops(page);
  const toggle = toggleOf(page, second);
  await expect(toggle).toHaveAccessibleName(/^2 comments/);
  await toggle.click();
  const panel = page.getByRole("region", { name: new RegExp(`^Comments on “${second}`) });
  await expect(panel.getByRole("article")).toHaveCount(2);
  expect(await passageTops(page), "no passage moved when the thread opened").toEqual(before);

  // The card is beside its passage: to the right of the text, its top at the passage's top.
  const passageBox = (await paragraphs(page).nth(1).boundingBox())!;
  const cardBox = (await toggle.boundingBox())!;
  expect(cardBox.x).toBeGreaterThan(passageBox.x + passageBox.width);
  expect(Math.abs(cardBox.y - passageBox.y)).toBeLessThan(12);
  // The next passage's card is pushed below the open one, not over it.
  const panelBox = (await panel.boundingBox())!;
  const nextCard = (await toggleOf(page, third).boundingBox())!;
  expect(nextCard.y).toBeGreaterThanOrEqual(panelBox.y + panelBox.height);

  // Another thread, then closing: the text stays where it is.
  await toggleOf(page, third).click();
  await expect(page.getByRole("region", { name: new RegExp(`^Comments on “${third}`) }).getByRole("article")).toHaveCount(1);
  expect(await passageTops(page)).toEqual(before);
  await page.keyboard.press("Escape");
  expect(await passageTops(page)).toEqual(before);

  await toggle.click();
  await expect(panel.getByRole("article")).toHaveCount(2);
  await page.evaluate(() => window.scrollTo(0, 0));
});

test("without JavaScript: at 1440 px an open thread sits in the margin and no passage moves; on a phone it opens below its passage", async ({ page, newContext }) => {
  test.setTimeout(90_000);
  const group = await ownGroup(page);
  await openLesson(page, `${group}/day/1`);
  const second = await startOf(paragraphs(page).nth(1));
  await postOn(page, second, "The log is written before the page: that is the whole promise.");
  await postOn(page, second, "And the checkpoint is what keeps the log short.");

  const plain = await (await newContext({ storageState: await page.context().storageState(), javaScriptEnabled: false, viewport: { width: 1440, height: 900 } })).newPage();
  await plain.goto(`${group}/day/1`);
  const before = await passageTops(plain);
  const link = plain.getByRole("link", { name: new RegExp(`^2 comments on “${second}`) });
  await link.click();
  await expect(plain).toHaveURL(/\?open=[^#]+#p-/);
  const panel = plain.getByRole("region", { name: new RegExp(`^Comments on “${second}`) });
  await expect(panel.getByRole("article")).toHaveCount(2);
  await expect(panel.getByLabel("Your comment").last()).toBeVisible();
  // The page is a new load: measured once all of it has arrived.
  await expect.poll(() => passageTops(plain), { message: "no passage moved when the thread opened" }).toEqual(before);

  // In the margin: right of the text, its top at its passage's, and taller than the passage (so it
  // would have pushed the text down if it were in the text's flow).
  const passageBox = (await paragraphs(plain).nth(1).boundingBox())!;
  const panelBox = (await panel.boundingBox())!;
  expect(panelBox.x).toBeGreaterThan(passageBox.x + passageBox.width);
  expect(panelBox.x + panelBox.width).toBeLessThanOrEqual(1440);
  expect(Math.abs(panelBox.y - passageBox.y)).toBeLessThan(48);
  expect(panelBox.height).toBeGreaterThan(passageBox.height + 40);
  // Closing it (the same link: a new page load) leaves the text where it was too, once that page is here.
  await link.click();
  await expect(plain).not.toHaveURL(/\?open=/);
  await expect(panel).toBeHidden();
  await expect.poll(() => passageTops(plain), { message: "no passage moved when the thread closed" }).toEqual(before);

  // A phone without scripts: the thread opens in the flow, below its passage, within the screen.
  await plain.setViewportSize({ width: 375, height: 812 });
  await link.click();
  await expect(panel.getByRole("article")).toHaveCount(2);
  const phonePassage = (await paragraphs(plain).nth(1).boundingBox())!;
  const phonePanel = (await panel.boundingBox())!;
  expect(phonePanel.y).toBeGreaterThanOrEqual(phonePassage.y + phonePassage.height);
  expect(phonePanel.x).toBeGreaterThanOrEqual(0);
  expect(phonePanel.x + phonePanel.width).toBeLessThanOrEqual(375);
});

test("on a phone: the first screen, a one-line header, and a thread in a sheet with the words above it", async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 375, height: 812 });
  const group = await ownGroup(page);
  await openLesson(page, `${group}/day/1`);
  await expectTextFirst(page);

  // The site header fits on one line.
  const header = (await page.getByRole("banner").boundingBox())!;
  expect(header.height).toBeLessThan(60);
  const brand = (await page.getByRole("link", { name: "Marginalia" }).boundingBox())!;
  const logOut = (await page.getByRole("button", { name: "Log out" }).boundingBox())!;
  expect(Math.abs(brand.y + brand.height / 2 - (logOut.y + logOut.height / 2))).toBeLessThan(8);
  expect(logOut.x + logOut.width).toBeLessThanOrEqual(375);

  // A passage further down: its thread opens as a sheet, with the passage visible above it.
  const target = paragraphs(page).nth(4);
  const start = await startOf(target);
  await target.scrollIntoViewIfNeeded();
  const toggle = toggleOf(page, start);
  await toggle.click();
  const sheet = page.getByRole("dialog", { name: new RegExp(`^Comments on “${start}`) });
  await expect(sheet).toBeVisible();
  await expect(sheet.getByLabel("Your comment")).toBeVisible();
  await expect
    .poll(async () => {
      const words = (await target.boundingBox())!;
      const box = (await sheet.boundingBox())!;
      return words.y >= 0 && words.y + 24 <= box.y;
    }, { message: "the passage's first line above the sheet" })
    .toBe(true);
  await sheet.getByLabel("Your comment").fill("Read on a phone.");
  await sheet.getByRole("button", { name: "Post", exact: true }).click();
  await expect(sheet.getByRole("article").filter({ hasText: "Read on a phone." })).toBeVisible();

  // Escape closes it and focus goes back to the toggle.
  await sheet.getByRole("article").filter({ hasText: "Read on a phone." }).click();
  await page.keyboard.press("Escape");
  await expect(sheet).toBeHidden();
  await expect(toggle).toBeFocused();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");

  // Swiped down by its head: a short drag springs back, a long one closes it and focus goes back.
  await toggle.click();
  await expect(sheet).toBeVisible();
  const swipe = async (distance: number) => {
    const box = (await sheet.boundingBox())!;
    const x = box.x + box.width / 2;
    await page.mouse.move(x, box.y + 14);
    await page.mouse.down();
    await page.mouse.move(x, box.y + 14 + distance, { steps: 6 });
    await page.mouse.up();
  };
  await swipe(20);
  await expect(sheet).toBeVisible();
  await swipe(200);
  await expect(sheet).toBeHidden();
  await expect(toggle).toBeFocused();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
});

test("a live session: a side panel beside the text at 1440 px, a drawer on a phone; ending it asks first", async ({ page, newContext }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const group = await ownGroup(page);
  await openLesson(page, `${group}/day/2`);
  await page.getByRole("button", { name: "Start a live session here" }).click();
  const panel = page.getByRole("region", { name: /Live session/ });
  await expect(panel).toContainText("You are facilitating");

  // Beside the text, not above it: the text still starts on the first screen, left of the panel.
  await expectTextFirst(page);
  const text = (await paragraphs(page).first().boundingBox())!;
  const side = (await panel.boundingBox())!;
  expect(side.x).toBeGreaterThan(text.x + text.width);
  expect(side.y).toBeLessThan(300);
  // The strip: one line, in the text column, saying what is on.
  const strip = page.getByRole("paragraph").filter({ hasText: "You are facilitating" }).filter({ has: page.getByRole("button", { name: "Hide the session" }) });
  const stripBox = (await strip.boundingBox())!;
  expect(stripBox.height).toBeLessThan(40);
  expect(Math.abs(stripBox.x - text.x)).toBeLessThan(4);
  await page.getByLabel("Raise a question").fill("Is fsync enough on every disk?");
  await page.getByRole("button", { name: "Ask", exact: true }).click();
  await expect(panel.getByRole("listitem").filter({ hasText: "Is fsync enough" })).toBeVisible();
  await shoot(page, "lesson-live-1440");

  // Collapsible.
  await strip.getByRole("button", { name: "Hide the session" }).click();
  await expect(panel).toBeHidden();
  await page.getByRole("button", { name: "Session", exact: true }).click();
  await expect(panel).toBeVisible();

  // On a phone (the same person, a second browser): a drawer, closed until asked for.
  const phone = await (await newContext({ storageState: await page.context().storageState(), viewport: { width: 375, height: 812 } })).newPage();
  await openLesson(phone, `${group}/day/2`);
  await expectTextFirst(phone);
  const phonePanel = phone.getByRole("region", { name: /Live session/ });
  await expect(phonePanel).toBeHidden();
  const opener = phone.getByRole("button", { name: "Session", exact: true });
  await opener.click();
  await expect(phonePanel).toBeVisible();
  await expect(phonePanel).toBeFocused();
  await shoot(phone, "lesson-live-375");
  await phone.keyboard.press("Escape");
  await expect(phonePanel).toBeHidden();
  await expect(opener).toBeFocused();

  // Ending asks first: "Keep it running" keeps it, the second answer ends it.
  await panel.getByRole("button", { name: "End the session…" }).click();
  const confirm = page.getByRole("dialog", { name: "End the live session?" });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Keep it running" }).click();
  await expect(confirm).toBeHidden();
  await expect(panel).toContainText("You are facilitating");
  await panel.getByRole("button", { name: "End the session…" }).click();
  await confirm.getByRole("button", { name: "End the session", exact: true }).click();
  for (const each of [page, phone]) await expect(each.getByText("This live session has ended.")).toBeVisible();
});

test("without JavaScript, ending a session is a confirmation step", async ({ page, newContext }) => {
  test.setTimeout(90_000);
  const group = await ownGroup(page);
  await openLesson(page, `${group}/day/3`);
  await page.getByRole("button", { name: "Start a live session here" }).click();
  await expect(page.getByRole("region", { name: /Live session/ })).toContainText("You are facilitating");

  const plain = await (await newContext({ storageState: await page.context().storageState(), javaScriptEnabled: false })).newPage();
  await plain.goto(`${group}/day/3`);
  const panel = plain.getByRole("region", { name: /Live session/ });
  await panel.getByRole("link", { name: "End the session…" }).click();
  await expect(plain).toHaveURL(/\?confirm=end-session#live-session$/);
  await expect(panel).toContainText("End the live session?");
  await expect(panel).toContainText("You are facilitating");
  await panel.getByRole("button", { name: "End the session", exact: true }).click();
  // Back on the lesson: the session is over.
  await expect(plain).toHaveURL(new RegExp(`${group}/day/3$`));
  await expect(panel).toHaveCount(0);
  await expect(plain.getByRole("heading", { level: 1 })).toBeVisible();
});
