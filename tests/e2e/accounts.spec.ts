/**
 * Accounts as a user meets them: signing up, in and out, the errors they would see, logging out
 * everywhere, changing a password, coming back to the page they asked for, the demo course, and
 * the keyboard's first stop. Every test makes its own user.
 */
import {
  DEMO_MODERATOR,
  DEMO_PASSWORD,
  expectSignedIn,
  expectSignedOut,
  logIn,
  logOut,
  mainNav,
  newUser,
  open,
  signUp,
  submitLogIn,
  submitSignUp,
  test,
  expect,
} from "./support.ts";

test("sign up, log out, log in again, and see the account page", async ({ page }) => {
  const user = newUser();
  await signUp(page, user);
  await expect(page).toHaveURL("/");

  await logOut(page);
  await expect(mainNav(page).getByRole("link", { name: user.displayName })).toHaveCount(0);

  await logIn(page, user.email, user.password);
  await expectSignedIn(page, user.displayName);

  await mainNav(page).getByRole("link", { name: user.displayName }).click();
  await expect(page).toHaveURL("/account");
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await expect(page.getByText(`Signed in as ${user.email}`)).toBeVisible();
});

test("a wrong password says so and keeps the email typed", async ({ page, newContext }) => {
  const user = newUser();
  await signUp(await (await newContext()).newPage(), user);

  await submitLogIn(page, user.email, "not the password at all");
  await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account.");
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue(user.email);
  await expect(page).toHaveURL(/\/login/);
  await expectSignedOut(page);
});

test("a short password on sign-up is flagged next to the field", async ({ page }) => {
  const user = newUser({ password: "short" });
  await submitSignUp(page, user);

  const password = page.getByLabel("Password", { exact: true });
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toHaveAccessibleDescription(/Use at least 10 characters\./);
  const message = page.getByRole("alert").filter({ hasText: "Use at least 10 characters." });
  await expect(message).toBeVisible();
  // The other fields are fine, and what was typed in them is still there.
  await expect(page.getByLabel("Email", { exact: true })).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue(user.email);
  await expect(page.getByLabel("Display name", { exact: true })).toHaveValue(user.displayName);
  await expectSignedOut(page);
});

test("signing up with a taken email says the account exists", async ({ page, newContext }) => {
  const user = newUser();
  await signUp(await (await newContext()).newPage(), user);

  await submitSignUp(page, { ...user, displayName: "Someone Else" });
  const email = page.getByLabel("Email", { exact: true });
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("alert").filter({ hasText: "An account with this email already exists." })).toBeVisible();
  await expect(email).toHaveAccessibleDescription(/An account with this email already exists\./);
  await expectSignedOut(page);
});

test("log out everywhere ends the session in another browser too", async ({ newContext }) => {
  const user = newUser();
  const a = await (await newContext()).newPage();
  const b = await (await newContext()).newPage();
  await signUp(a, user);
  await logIn(b, user.email, user.password);
  await open(b, "/account");
  await expect(b.getByText(`Signed in as ${user.email}`)).toBeVisible();

  await open(a, "/account");
  await expect(a.getByText("You are logged in on 2 devices or browsers.")).toBeVisible();
  await a.getByRole("button", { name: "Log out everywhere" }).click();
  await expect(a).toHaveURL(/\/login\?loggedOut=everywhere$/);
  await expect(a.getByRole("status").filter({ hasText: "You have been logged out on every device and browser." })).toBeVisible();
  await expectSignedOut(a);

  await b.reload({ waitUntil: "networkidle" });
  await expect(b).toHaveURL(/\/login\?redirectTo=%2Faccount$/);
  await expect(b.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
  await expectSignedOut(b);
});

test("changing the password retires the old one", async ({ page, newContext }) => {
  const user = newUser();
  const newPassword = "a different long password";
  await signUp(page, user);
  await open(page, "/account");

  const form = page.getByRole("region", { name: "Change password" });
  await form.getByLabel("Current password", { exact: true }).fill(user.password);
  await form.getByLabel("New password", { exact: true }).fill(newPassword);
  await form.getByLabel("Repeat the new password", { exact: true }).fill(newPassword);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("status")).toHaveText("Password changed. Every other device has been logged out.");

  // This browser keeps a fresh session.
  await page.reload({ waitUntil: "networkidle" });
  await expect(page.getByText(`Signed in as ${user.email}`)).toBeVisible();

  const other = await (await newContext()).newPage();
  await submitLogIn(other, user.email, user.password);
  await expect(other.getByRole("alert")).toHaveText("That email and password do not match an account.");
  await expectSignedOut(other);

  await submitLogIn(other, user.email, newPassword);
  await expectSignedIn(other, user.displayName);
});

test("signed out, /account asks to log in and then comes back to /account", async ({ page, newContext }) => {
  const user = newUser();
  await signUp(await (await newContext()).newPage(), user);

  await open(page, "/account");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Faccount$/);
  await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();

  await submitLogIn(page, user.email, user.password);
  await expect(page).toHaveURL("/account");
  await expect(page.getByText(`Signed in as ${user.email}`)).toBeVisible();
});

test("the demo moderator reads Day 1 of the demo course: in the demo group's lesson, and in the reader", async ({ page }) => {
  await logIn(page, DEMO_MODERATOR.email, DEMO_PASSWORD);
  await expectSignedIn(page, DEMO_MODERATOR.displayName);
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Courses" })).toBeVisible();

  await page.getByRole("link", { name: "How Databases Keep Promises" }).click();
  await expect(page).toHaveURL("/courses/how-databases-keep-promises");
  await expect(page.getByRole("heading", { level: 1, name: "How Databases Keep Promises" })).toBeVisible();
  const days = page.getByRole("listitem").filter({ hasText: /^Day \d+\b/ });
  await expect(days).toHaveCount(6);
  for (let day = 1; day <= 6; day++) {
    await expect(days.nth(day - 1)).toContainText(`Day ${day}`);
    await expect(days.nth(day - 1).getByRole("link")).toBeVisible();
  }

  // A member of a group on the course reads each day in the group's lesson, with its discussion.
  const dayOne = days.filter({ hasText: /^Day 1\b/ });
  await expect(dayOne.getByRole("link", { name: /The Log Comes First/ })).toHaveAttribute("href", /^\/groups\/[^/]+\/day\/1$/);
  // The bare reader is still there, and offers the group's discussion.
  await open(page, "/courses/how-databases-keep-promises/day/1");
  await expect(page.getByRole("link", { name: "Evening readers" })).toHaveAttribute("href", /^\/groups\/[^/]+\/day\/1$/);
  await expect(page.getByRole("heading", { level: 1, name: "The Log Comes First: Durability and the Write-Ahead Log" })).toBeVisible();
  await expect(page.getByText("Day 1 of 6")).toBeVisible();
  const next = page.getByRole("navigation", { name: "Other days" }).getByRole("link", { name: /^Day 2:/ });
  await expect(next).toBeVisible();
  await expect(next).toHaveAttribute("href", "/courses/how-databases-keep-promises/day/2");
});

test("the first Tab on the home page reaches “Skip to content”", async ({ page }) => {
  await open(page, "/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();

  await page.keyboard.press("Enter");
  await expect(page.getByRole("main")).toBeFocused();
});
