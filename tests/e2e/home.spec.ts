/**
 * Home is today: the demo member (Sam) and moderator (Mira), each in their own browser, log in and
 * reach today's lesson of the demo group — its discussion in the margin — from the home page in one
 * click, and see each other there.
 */
import type { Page } from "@playwright/test";
import { DEMO_MODERATOR, DEMO_PASSWORD, expect, logIn, open, test } from "./support.ts";

const MEMBER = { email: "member@example.org", displayName: "Sam (member)" };
const DAY_1_TITLE = "The Log Comes First: Durability and the Write-Ahead Log";

async function reachTodayFromHome(page: Page, email: string) {
  await logIn(page, email, DEMO_PASSWORD);
  await open(page, "/");
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  const group = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3, name: "Evening readers" }) });
  await expect(group).toContainText("How Databases Keep Promises");
  await expect(group).toContainText(/open questions? on Day \d|No open questions on Day \d/);
  // One click: the group's lesson for today, with its discussion.
  const today = group.getByRole("link", { name: /^Today: Day \d+ — / });
  const [, day, title] = /^Today: Day (\d+) — (.*)$/.exec(((await today.textContent()) ?? "").trim())!;
  await today.click();
  await expect(page).toHaveURL(new RegExp(`/groups/[^/]+/day/${day}$`));
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole("button", { name: "Press ? for keyboard shortcuts" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /^Connected$/ }).first()).toBeVisible();
}

test("a member and a moderator each reach today's group discussion from home in one click", async ({ page, newContext }) => {
  await reachTodayFromHome(page, MEMBER.email);
  const mira = await (await newContext()).newPage();
  await reachTodayFromHome(mira, DEMO_MODERATOR.email);

  // On a fresh demo both start on Day 1, with the demo's own discussion and its key answer.
  for (const reader of [page, mira]) {
    if (new URL(reader.url()).pathname.endsWith("/day/1")) await expect(reader.getByRole("heading", { level: 1, name: DAY_1_TITLE })).toBeVisible();
  }
  // And they see each other there.
  await expect(page.getByText(DEMO_MODERATOR.displayName).first()).toBeVisible();
  await expect(mira.getByText(MEMBER.displayName).first()).toBeVisible();
});
