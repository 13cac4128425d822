/**
 * axe-core on every main page and state — signed out, member, moderator, a thread open, a composer
 * open (with the @ picker showing), the shortcuts dialog, a live session as member and as facilitator —
 * at 375 px and 1440 px, light and dark. No serious or critical violation may be reported; the
 * message lists each one with its rule, the state it was found in and its elements' selectors.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { DEMO_MODERATOR, DEMO_PASSWORD, expect, logIn, newUser, open, signUp, test, type NewUser, startOwnGroup } from "./support.ts";

const MEMBER_EMAIL = "member@example.org";
const VIEWPORTS = [
  { name: "375px", width: 375, height: 800 },
  { name: "1440px", width: 1440, height: 900 },
] as const;
const SCHEMES = ["light", "dark"] as const;

type Found = string[];

/** Runs axe on the page as it is and adds its serious and critical violations to `found`. */
async function scan(page: Page, state: string, found: Found) {
  // Let transitions and late paints (hydration, live status) settle first.
  await page.waitForLoadState("networkidle");
  const results = await new AxeBuilder({ page }).analyze();
  for (const violation of results.violations) {
    if (violation.impact !== "serious" && violation.impact !== "critical") continue;
    const targets = violation.nodes
      .slice(0, 6)
      .map((node) => node.target.join(" "))
      .join(" | ");
    found.push(`${state}: ${violation.id} (${violation.impact}) — ${violation.help} — ${targets}${violation.nodes.length > 6 ? ` (+${violation.nodes.length - 6} more)` : ""}`);
  }
}

async function pageFor(newContext: (options?: object) => Promise<BrowserContext>, viewport: (typeof VIEWPORTS)[number], scheme: (typeof SCHEMES)[number]) {
  const context = await newContext({ viewport: { width: viewport.width, height: viewport.height }, colorScheme: scheme });
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  return page;
}

let demoGroup = "";
async function demoGroupPath(page: Page) {
  if (!demoGroup) {
    await open(page, "/groups");
    demoGroup = (await page.getByRole("link", { name: "Evening readers" }).first().getAttribute("href"))!;
  }
  return demoGroup;
}

/** Below 1280 px the session panel is a drawer, closed until asked for: open it. */
async function openSessionDrawer(page: Page, width: number) {
  if (width >= 1280) return;
  // The strip's button: "Session" for someone who joined, "Join" for someone who has not yet.
  await page.getByRole("button", { name: /^(Session|Join)$/ }).click();
  await expect(page.getByRole("region", { name: /Live session/ })).toBeVisible();
}

/** Waits until the lesson page's scripts run and its live connection is up. */
async function lessonReady(page: Page) {
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  // The connection's state is a small dot with a name for screen readers: the scripts run and the socket is up.
  await expect(page.getByRole("status").filter({ hasText: /^Connected$/ }).first()).toBeAttached();
}

/** A group of its own for the live session (the demo group runs one session at a time, used elsewhere). */
let liveGroup: Promise<{ path: string; owner: NewUser; member: NewUser }> | null = null;
function liveGroupFor(browser: Browser) {
  liveGroup ??= (async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const owner = newUser();
    await signUp(page, owner);
    const { path } = await startOwnGroup(page, "Axe readers");
    await open(page, `${path}/members`);
    await page.getByRole("button", { name: "Create invite link" }).click();
    const inviteUrl = await page.getByRole("region", { name: "Open invitations" }).getByRole("textbox").first().inputValue();
    const member = newUser();
    const second = await (await browser.newContext()).newPage();
    await open(second, `/signup?redirectTo=${encodeURIComponent(new URL(inviteUrl).pathname)}`);
    await second.getByLabel("Email", { exact: true }).fill(member.email);
    await second.getByLabel("Display name", { exact: true }).fill(member.displayName);
    await second.getByLabel("Password", { exact: true }).fill(member.password);
    await second.getByRole("button", { name: "Sign up" }).click();
    await expect(second).toHaveURL(path);
    await second.context().close();
    // The session runs on Day 2 for the whole file.
    await open(page, `${path}/sessions`);
    await page.getByLabel("Lesson").first().selectOption("2");
    await page.getByRole("button", { name: "Start now" }).click();
    await expect(page).toHaveURL(`${path}/day/2`);
    await context.close();
    return { path, owner, member };
  })();
  return liveGroup;
}

for (const viewport of VIEWPORTS) {
  for (const scheme of SCHEMES) {
    const combo = `${viewport.name} ${scheme}`;

    test.describe(`axe, ${combo}`, () => {
      test(`signed out (${combo})`, async ({ newContext }) => {
        const page = await pageFor(newContext, viewport, scheme);
        const found: Found = [];
        for (const path of ["/", "/login", "/signup"]) {
          await open(page, path);
          await scan(page, `signed out ${path}`, found);
        }
        expect(found, "serious or critical axe violations").toEqual([]);
      });

      test(`member (${combo})`, async ({ newContext }) => {
        test.setTimeout(120_000);
        const page = await pageFor(newContext, viewport, scheme);
        const found: Found = [];
        await logIn(page, MEMBER_EMAIL, DEMO_PASSWORD);
        await scan(page, "member home", found);
        const group = await demoGroupPath(page);
        for (const path of ["/groups", group, "/account", "/progress", "/notifications"]) {
          await open(page, path);
          await scan(page, `member ${path}`, found);
        }
        await open(page, `${group}/day/1`);
        await lessonReady(page);
        await scan(page, "member lesson", found);

        // A thread open, its composer open with the @ picker showing.
        const toggle = page.getByRole("button", { name: /on “The naive approach is to write/ });
        await toggle.click();
        await expect(toggle).toHaveAttribute("aria-expanded", "true");
        // Beside the text on a wide screen; a sheet over it (a dialog) on a phone.
        const panel = page.getByRole(viewport.width < 1024 ? "dialog" : "region", { name: /^Comments on “The naive approach/ });
        const field = panel.getByLabel("Your comment");
        await field.fill("");
        await field.pressSequentially("Ask @");
        await expect(panel.getByRole("listbox", { name: "Members to mention" })).toBeVisible();
        await scan(page, "member thread open, composer with the @ picker", found);
        await field.fill("Ask @nobodyatall");
        await scan(page, "member composer with an unknown mention", found);
        await field.fill("");
        const reply = panel.getByRole("button", { name: "Reply" }).first();
        if (await reply.isVisible()) {
          await reply.click();
          await scan(page, "member reply composer open", found);
        }

        // The shortcuts dialog.
        await page.keyboard.press("Escape");
        await page.locator("body").click({ position: { x: 1, y: 1 } });
        // The hint button is not shown on phones; the key works everywhere.
        await page.keyboard.press("?");
        await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
        await scan(page, "member shortcuts dialog open", found);
        expect(found, "serious or critical axe violations").toEqual([]);
      });

      test(`moderator (${combo})`, async ({ newContext }) => {
        test.setTimeout(120_000);
        const page = await pageFor(newContext, viewport, scheme);
        const found: Found = [];
        await logIn(page, DEMO_MODERATOR.email, DEMO_PASSWORD);
        const group = await demoGroupPath(page);
        for (const path of [group, `${group}/members`, `${group}/moderation`, `${group}/settings`, `${group}/sessions`, `${group}/dashboard`, `${group}/questions`]) {
          await open(page, path);
          await scan(page, `moderator ${path.replace(group, "/groups/:id")}`, found);
        }
        await open(page, `${group}/day/1`);
        await lessonReady(page);
        const toggle = page.getByRole("button", { name: /on “The naive approach is to write/ });
        await toggle.click();
        await expect(toggle).toHaveAttribute("aria-expanded", "true");
        await scan(page, "moderator lesson, thread open", found);
        expect(found, "serious or critical axe violations").toEqual([]);
      });

      test(`live session, member and facilitator (${combo})`, async ({ newContext, browser }) => {
        test.setTimeout(180_000);
        const { path, owner, member } = await liveGroupFor(browser);
        const found: Found = [];
        const facilitator = await pageFor(newContext, viewport, scheme);
        await logIn(facilitator, owner.email, owner.password);
        await open(facilitator, `${path}/day/2`);
        await lessonReady(facilitator);
        await openSessionDrawer(facilitator, viewport.width);
        const facilitatorPanel = facilitator.getByRole("region", { name: /Live session/ });
        await expect(facilitatorPanel).toContainText("You are facilitating");
        await scan(facilitator, "facilitator live lesson", found);

        const reader = await pageFor(newContext, viewport, scheme);
        await logIn(reader, member.email, member.password);
        await open(reader, `${path}/day/2`);
        await lessonReady(reader);
        await openSessionDrawer(reader, viewport.width);
        const readerPanel = reader.getByRole("region", { name: /Live session/ });
        // The member joins once (the session is shared by the file's tests).
        const join = readerPanel.getByRole("button", { name: "Join the session" });
        const joining = await join.isVisible();
        if (joining) await join.click();
        await expect(readerPanel.getByLabel("Share where I am reading")).toBeVisible();
        // "Join the session" is replaced once joined: focus moves on to what joining offers.
        if (joining) await expect(readerPanel.getByLabel("Share where I am reading")).toBeFocused();
        await scan(reader, "member joined the live session", found);
        await scan(facilitator, "facilitator with a member here", found);
        expect(found, "serious or critical axe violations").toEqual([]);
      });
    });
  }
}
