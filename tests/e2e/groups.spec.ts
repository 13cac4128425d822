/**
 * Reading groups in a real browser: someone starts a group for the demo course, invites a second
 * person through a link, the second person (their own browser) signs up from the link and lands in
 * the group, and the first makes them a moderator; both see the new role.
 */
import { expect, newUser, open, signUp, test } from "./support.ts";

test("start a group, invite through a link, the invitee joins and is made a moderator", async ({ page, newContext }) => {
  const moderator = newUser();
  const groupName = `Night owls ${Date.now().toString(36)}`;

  // The first person signs up and starts a group for the demo course.
  await signUp(page, moderator);
  await open(page, "/groups/new");
  await expect(page.getByRole("heading", { level: 1, name: "Start a reading group" })).toBeVisible();
  const course = page.getByLabel("Course", { exact: true });
  await course.selectOption({ label: "How Databases Keep Promises (6 days)" });
  await expect(course).toHaveValue("how-databases-keep-promises");
  await page.getByLabel("Name", { exact: true }).fill(groupName);
  await page.getByLabel("Description (optional)").fill("We read a chapter after dinner.");
  await page.getByRole("radio", { name: /Self-paced/ }).check();
  await page.getByRole("button", { name: "Create group" }).click();

  await expect(page.getByRole("heading", { level: 1, name: groupName })).toBeVisible();
  await expect(page).toHaveURL(/\/groups\/[^/]+$/);
  const groupPath = new URL(page.url()).pathname;
  await expect(page.getByText("you are the owner")).toBeVisible();

  // Invite and manage members: a new link, copied from the read-only field in the invite list.
  await page.getByRole("link", { name: "Invite and manage members" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Members and invitations" })).toBeVisible();
  await page.getByRole("button", { name: "Create invite link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "A new invite link is ready below." })).toBeVisible();
  const invitations = page.getByRole("region", { name: "Open invitations" });
  const linkField = invitations.getByRole("textbox");
  await expect(linkField).toHaveCount(1);
  await expect(linkField).not.toBeEditable();
  const inviteUrl = await linkField.inputValue();
  expect(inviteUrl).toMatch(/^http:\/\/localhost:\d+\/invite\/[A-Za-z0-9_-]{20,}$/);

  // A second person, signed out in their own browser, opens the link and signs up from it.
  const invitee = newUser();
  const second = await (await newContext()).newPage();
  await open(second, inviteUrl);
  await expect(second.getByRole("heading", { level: 1, name: `Join “${groupName}”` })).toBeVisible();
  await expect(second.getByRole("link", { name: "Log in to join" })).toBeVisible();
  await second.getByRole("link", { name: "Sign up to join" }).click();
  await expect(second).toHaveURL(/\/signup\?redirectTo=%2Finvite%2F/);
  await expect(second.getByRole("heading", { level: 1, name: "Create your account" })).toBeVisible();
  await second.getByLabel("Email", { exact: true }).fill(invitee.email);
  await second.getByLabel("Display name", { exact: true }).fill(invitee.displayName);
  await second.getByLabel("Password", { exact: true }).fill(invitee.password);
  await second.getByRole("button", { name: "Sign up" }).click();

  // They land on the group home and find themselves among the members.
  await expect(second).toHaveURL(groupPath);
  await expect(second.getByRole("heading", { level: 1, name: groupName })).toBeVisible();
  const theirMembers = second.getByRole("region", { name: /^Members/ });
  const theirOwnEntry = theirMembers.getByRole("listitem").filter({ hasText: `${invitee.displayName} (you)` });
  await expect(theirOwnEntry).toBeVisible();
  await expect(theirOwnEntry).toContainText("Member");
  await expect(theirMembers.getByRole("listitem").filter({ hasText: moderator.displayName })).toContainText("Owner");

  // The first person reloads the members page and makes them a moderator.
  await page.reload({ waitUntil: "networkidle" });
  const row = page.getByRole("row", { name: new RegExp(invitee.displayName) });
  await expect(row.getByRole("cell").first()).toHaveText("Member");
  await page.getByRole("button", { name: `Make moderator: ${invitee.displayName}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `${invitee.displayName} is now a moderator.` })).toBeVisible();
  await expect(row.getByRole("cell").first()).toHaveText("Moderator");
  await expect(page.getByRole("button", { name: `Make moderator: ${invitee.displayName}` })).toHaveCount(0);
  await expect(page.getByRole("button", { name: `Make member: ${invitee.displayName}` })).toBeVisible();

  // The second person sees their new role after a reload, and the moderators' link appears.
  await second.reload({ waitUntil: "networkidle" });
  await expect(theirOwnEntry).toContainText("Moderator");
  await expect(second.getByText("you are the moderator")).toBeVisible();
  await expect(second.getByRole("link", { name: "Invite and manage members" })).toBeVisible();
  await expect(theirMembers.getByRole("listitem").filter({ hasText: moderator.displayName })).toContainText("Owner");
});
