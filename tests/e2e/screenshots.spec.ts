/**
 * The screens of the README, as the demo moderator (Mira) sees them at 375 and 1440 px: home, a
 * lesson with a thread open, the group's home, its dashboard and /progress. Every run asserts that
 * each page renders what it is for and never scrolls sideways; with SCREENSHOTS=1 it also saves
 * docs/screenshots/<page>-<width>-<light|dark>.png. (The live session's are taken by
 * lesson-layout.spec.ts, which starts one in a group of its own.)
 *
 *   SCREENSHOTS=1 npx playwright test tests/e2e/screenshots.spec.ts tests/e2e/lesson-layout.spec.ts
 */
import type { Page } from "@playwright/test";
import { DEMO_MODERATOR, DEMO_PASSWORD, expect, expectNoSidewaysScroll, logIn, open, shoot, test } from "./support.ts";

const WIDTHS = [
  { width: 1440, height: 900 },
  { width: 375, height: 812 },
] as const;

async function demoGroupPath(page: Page) {
  await open(page, "/groups");
  const href = await page.getByRole("link", { name: "Evening readers" }).first().getAttribute("href");
  expect(href).toMatch(/^\/groups\/[^/]+$/);
  return href!;
}

for (const viewport of WIDTHS) {
  const size = viewport.width;

  test(`the main screens at ${size} px render what they are for`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(viewport);
    await logIn(page, DEMO_MODERATOR.email, DEMO_PASSWORD);

    // Home: today in each group, then the courses.
    await open(page, "/");
    await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
    const group = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3, name: "Evening readers" }) });
    await expect(group.getByRole("link", { name: /^Today: Day \d+ — / })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "Courses" })).toBeVisible();
    await expectNoSidewaysScroll(page);
    await shoot(page, `home-${size}`, { fullPage: true });

    const path = await demoGroupPath(page);

    // The group's home: today, progress, members, activity.
    await open(page, path);
    await expect(page.getByRole("heading", { level: 1, name: "Evening readers" })).toBeVisible();
    for (const name of ["Your progress", "Recent activity"]) await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: /^Members/ })).toBeVisible();
    await expectNoSidewaysScroll(page);
    await shoot(page, `group-${size}`, { fullPage: true });

    // The moderator's dashboard: the members-by-days grid and what needs attention.
    await open(page, `${path}/dashboard`);
    await expect(page.getByRole("heading", { level: 1, name: "Group progress" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "Members and days" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "Questions without an answer" })).toBeVisible();
    await expect(page.getByRole("table").first()).toBeVisible();
    await expectNoSidewaysScroll(page);
    await shoot(page, `dashboard-${size}`, { fullPage: true });

    // Progress: the courses and the settings.
    await open(page, "/progress");
    await expect(page.getByRole("heading", { level: 1, name: "Your progress" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "Courses" })).toBeVisible();
    await expect(page.getByRole("link", { name: /How Databases Keep Promises|Pick a course/ }).first()).toBeVisible();
    await expectNoSidewaysScroll(page);
    await shoot(page, `progress-${size}`, { fullPage: true });

    // Day 1 with a thread open: a card in the margin (a sheet on the phone) with its comments.
    await open(page, `${path}/day/1`);
    await expect(page.getByRole("status").filter({ hasText: /^Connected$/ }).first()).toBeAttached();
    // The first thread with an answered question (the demo's), else the last one opened.
    const toggles = page.getByRole("button", { name: /^\d+ comments? on “/ });
    expect(await toggles.count(), "threads on Day 1").toBeGreaterThan(0);
    let toggle = toggles.first();
    let thread = page.locator("#none");
    for (let index = 0; index < (await toggles.count()); index++) {
      toggle = toggles.nth(index);
      await toggle.scrollIntoViewIfNeeded();
      await toggle.click();
      await expect(toggle).toHaveAttribute("aria-expanded", "true");
      thread = page.locator(`#${await toggle.getAttribute("aria-controls")}`);
      await expect(thread.getByRole("article").first()).toBeVisible();
      if ((await thread.getByText("Answered question").count()) > 0 || index === (await toggles.count()) - 1) break;
      // Closed again before the next (on a phone its sheet would cover the next toggle).
      await thread.getByRole("article").first().click();
      await page.keyboard.press("Escape");
      await expect(toggle).toHaveAttribute("aria-expanded", "false");
    }
    await expectNoSidewaysScroll(page);
    if (size >= 1024) {
      // The passage and its card near the top of the screen.
      await page.evaluate((id) => {
        const passage = document.getElementById(id.replace(/^panel-/, "p-"));
        window.scrollTo(0, Math.max(0, (passage?.getBoundingClientRect().top ?? 0) + window.scrollY - 120));
      }, (await toggle.getAttribute("aria-controls"))!);
      await expect(thread).toBeInViewport();
    } else {
      await expect(thread).toHaveAttribute("role", "dialog");
    }
    await shoot(page, `lesson-thread-${size}`);
  });
}
