/**
 * Progress in a real browser: a moderator starts a group and invites a member; the member marks
 * Day 1 as done on the course page (a plain form) and sees its status change; the moderator then
 * finds the member on the group's progress dashboard with Day 1 done.
 */
import { expect, newUser, open, signUp, test } from "./support.ts";

test("a member marks a lesson done; the course page and the moderator's dashboard show it", async ({ page, newContext }) => {
  const moderator = newUser();
  const groupName = `Progress circle ${Date.now().toString(36)}`;

  await signUp(page, moderator);
  await open(page, "/groups/new");
  await page.getByLabel("Course", { exact: true }).selectOption({ label: "How Databases Keep Promises (6 days)" });
  await page.getByLabel("Name", { exact: true }).fill(groupName);
  await page.getByRole("radio", { name: /Self-paced/ }).check();
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByRole("heading", { level: 1, name: groupName })).toBeVisible();
  const groupPath = new URL(page.url()).pathname;

  await page.getByRole("link", { name: "Invite and manage members" }).click();
  await page.getByRole("button", { name: "Create invite link" }).click();
  const linkField = page.getByRole("region", { name: "Open invitations" }).getByRole("textbox");
  await expect(linkField).toHaveCount(1);
  const inviteUrl = await linkField.inputValue();

  // The member joins through the link in their own browser.
  const member = newUser();
  const second = await (await newContext()).newPage();
  await open(second, inviteUrl);
  await second.getByRole("link", { name: "Sign up to join" }).click();
  await second.getByLabel("Email", { exact: true }).fill(member.email);
  await second.getByLabel("Display name", { exact: true }).fill(member.displayName);
  await second.getByLabel("Password", { exact: true }).fill(member.password);
  await second.getByRole("button", { name: "Sign up" }).click();
  await expect(second).toHaveURL(groupPath);

  // Their progress on the group page: nothing done yet; no dashboard for plain members.
  const progressCard = second.getByRole("region", { name: "Your progress" });
  await expect(progressCard).toContainText("Day 1 of 6");
  await expect(second.getByRole("link", { name: "Group progress dashboard" })).toHaveCount(0);

  // On the course page, Day 1 is not started; they mark it as done.
  await second.getByRole("link", { name: /^All 6 days of/ }).click();
  await expect(second.getByRole("heading", { level: 1, name: "How Databases Keep Promises" })).toBeVisible();
  const day1 = second.getByRole("listitem").filter({ hasText: "Day 1 status:" });
  await expect(day1).toContainText("Day 1 status: Not started");
  await day1.getByRole("button", { name: "Mark Day 1 as done" }).click();
  await expect(day1).toContainText("Day 1 status: Done");
  await expect(second.getByText("Day 2 of 6")).toBeVisible();
  await expect(day1.getByRole("button", { name: "Mark Day 1 as not done" })).toBeVisible();

  // The moderator opens the dashboard from the group page and finds the member with Day 1 done.
  await open(page, groupPath);
  await page.getByRole("link", { name: "Group progress dashboard" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Group progress" })).toBeVisible();
  const row = page.getByRole("row", { name: new RegExp(member.displayName) });
  // Cells: "Done" (1/6), then one per day, read with the column's header.
  await expect(page.getByRole("columnheader", { name: "Day 1" })).toBeVisible();
  await expect(row.getByRole("cell").first()).toHaveText("1/6");
  await expect(row.getByRole("cell").nth(1)).toHaveText("Done");
  await expect(row.getByRole("cell").nth(2)).toHaveText("Not started");
  const ownRow = page.getByRole("row", { name: new RegExp(moderator.displayName) });
  await expect(ownRow.getByRole("cell").nth(1)).toHaveText("Not started");

  // The grid downloads as CSV.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download the progress grid (CSV)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/progress\.csv$/);
});
