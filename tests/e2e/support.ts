/**
 * Helpers for the browser tests. Every locator is a role or a label, never a CSS class: a test that
 * can find a field by its label also proves that a screen reader can.
 */
import { randomBytes } from "node:crypto";
import { test as base, expect, type BrowserContext, type BrowserContextOptions, type Page } from "@playwright/test";

export { expect };

function watchForErrors(context: BrowserContext, errors: string[]) {
  // Uncaught exceptions, React's hydration errors among them.
  context.on("weberror", (error) => errors.push(`${error.page()?.url() ?? "page"}: uncaught ${error.error().message}`));
  context.on("console", (message) => {
    // A 400 answer to a form with mistakes is expected; the response listener below catches the real failures.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(`${message.location().url}: console.error ${message.text()}`);
    }
  });
  context.on("response", (response) => {
    if (response.status() >= 500) errors.push(`${response.request().method()} ${response.url()}: HTTP ${response.status()}`);
  });
}

/**
 * `test` with two additions: every browser context fails the test if a page throws, logs an error or
 * gets a 5xx; and `newContext()` opens another browser (its own cookies), closed after the test.
 */
export const test = base.extend<{ browserErrors: string[]; newContext: (options?: BrowserContextOptions) => Promise<BrowserContext> }>({
  browserErrors: [
    async ({}, use) => {
      const errors: string[] = [];
      await use(errors);
      expect(errors, "errors in the browser").toEqual([]);
    },
    { auto: true },
  ],
  context: async ({ context, browserErrors }, use) => {
    watchForErrors(context, browserErrors);
    await use(context);
  },
  newContext: async ({ browser, browserErrors }, use) => {
    const opened: BrowserContext[] = [];
    await use(async (options) => {
      const context = await browser.newContext(options);
      watchForErrors(context, browserErrors);
      opened.push(context);
      return context;
    });
    for (const context of opened) await context.close();
  },
});

export const DEMO_PASSWORD = "marginalia-demo";
export const DEMO_MODERATOR = { email: "moderator@example.org", displayName: "Mira (moderator)" };

export interface NewUser {
  email: string;
  displayName: string;
  password: string;
}

function token() {
  return `${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
}

/** An address no other test (or earlier run against the same database) has used. */
export function uniqueEmail(prefix = "reader") {
  return `${prefix}-${token()}@example.org`;
}

/** A fresh user's details: a unique email and display name, and a password long enough to pass. */
export function newUser(overrides: Partial<NewUser> = {}): NewUser {
  return { email: uniqueEmail(), displayName: `Reader ${token().slice(-6)}`, password: "a long enough password", ...overrides };
}

/** Opens a page and waits until its scripts have loaded (the forms are then hydrated). */
export async function open(page: Page, path: string) {
  await page.goto(path, { waitUntil: "networkidle" });
}

export function mainNav(page: Page) {
  return page.getByRole("navigation", { name: "Main" });
}

/** Signed in as `displayName`: the header shows their name (a link to /account) and "Log out". */
export async function expectSignedIn(page: Page, displayName: string) {
  const nav = mainNav(page);
  await expect(nav.getByRole("link", { name: displayName, exact: true })).toBeVisible();
  await expect(nav.getByRole("button", { name: "Log out" })).toBeVisible();
}

export async function expectSignedOut(page: Page) {
  const nav = mainNav(page);
  await expect(nav.getByRole("link", { name: "Log in", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Sign up", exact: true })).toBeVisible();
}

/** Fills in and sends the sign-up form without judging the outcome (for tests of its errors). */
export async function submitSignUp(page: Page, user: NewUser) {
  await open(page, "/signup");
  await page.getByLabel("Email", { exact: true }).fill(user.email);
  await page.getByLabel("Display name", { exact: true }).fill(user.displayName);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign up" }).click();
}

/** Signs up through the real form and waits until the header says they are signed in. */
export async function signUp(page: Page, user: NewUser) {
  await submitSignUp(page, user);
  await expectSignedIn(page, user.displayName);
}

/** Fills in and sends the login form from the page the browser is on (or /login). */
export async function submitLogIn(page: Page, email: string, password: string, options: { from?: string } = {}) {
  if (options.from !== undefined || !new URL(page.url(), "http://x").pathname.startsWith("/login")) {
    await open(page, options.from ?? "/login");
  }
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Logs in through the real form and waits until the login page is gone and a "Log out" button shows. */
export async function logIn(page: Page, email: string, password: string) {
  await submitLogIn(page, email, password);
  await expect(mainNav(page).getByRole("button", { name: "Log out" })).toBeVisible();
}

export async function logOut(page: Page) {
  await mainNav(page).getByRole("button", { name: "Log out" }).click();
  await expectSignedOut(page);
}

/** The signed-in person starts a self-paced group for the demo course: its name and path (`/groups/<id>`). */
export async function startOwnGroup(page: Page, prefix: string) {
  await open(page, "/groups/new");
  await page.getByLabel("Course", { exact: true }).selectOption({ label: "How Databases Keep Promises (6 days)" });
  const name = `${prefix} ${Date.now().toString(36)}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("radio", { name: /Self-paced/ }).check();
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  return { name, path: new URL(page.url()).pathname };
}

/** Where the characters of `words` are on screen (viewport coordinates), in the first passage that has them. */
export async function wordPoints(page: Page, words: string) {
  return page.evaluate((wanted) => {
    for (const element of document.querySelectorAll("[data-passage-text]")) {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf(wanted);
        if (at === -1) continue;
        const rect = (from: number) => {
          const range = document.createRange();
          range.setStart(node!, from);
          range.setEnd(node!, from + 1);
          return range.getClientRects()[0]!;
        };
        const first = rect(at);
        const last = rect(at + wanted.length - 1);
        return { x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2 };
      }
    }
    return null;
  }, words);
}

/** Logs in and opens Day `day` of the demo group (Evening readers), once its live connection is up. */
export async function openDemoLesson(page: Page, email: string, day: number) {
  await logIn(page, email, DEMO_PASSWORD);
  await open(page, "/groups");
  const href = await page.getByRole("link", { name: "Evening readers" }).first().getAttribute("href");
  await open(page, `${href}/day/${day}`);
  await expect(page.getByRole("status").filter({ hasText: /^Connected$/ }).first()).toBeVisible();
}

/** SCREENSHOTS=1: the browser tests that take them also save docs/screenshots/ (else they only assert). */
export const SCREENSHOTS = process.env.SCREENSHOTS === "1";

/**
 * Saves `docs/screenshots/<name>-light.png` and `-dark.png` of what the page shows (the first
 * screen, or the whole page), when SCREENSHOTS=1. Each scheme is emulated and confirmed by the page
 * itself before the picture is taken.
 */
export async function shoot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  if (!SCREENSHOTS) return;
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect.poll(() => page.evaluate((wanted) => matchMedia(`(prefers-color-scheme: ${wanted})`).matches, scheme)).toBe(true);
    await page.screenshot({ path: `docs/screenshots/${name}-${scheme}.png`, fullPage: options.fullPage ?? false, animations: "disabled", caret: "hide" });
  }
  await page.emulateMedia({ colorScheme: null });
}

/** Nothing on the page is wider than the screen (no sideways scrolling on a phone). */
export async function expectNoSidewaysScroll(page: Page) {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
  expect(widths.page, "the page is no wider than the screen").toBeLessThanOrEqual(widths.screen);
}
