/**
 * Live presence and discussion in three browser contexts: the demo moderator, the demo member, and
 * the member again on a second device. Each person counts once; a comment posted in one browser
 * appears in the others without a reload; typing shows as "… is writing…". A dropped connection and a
 * restarted server (one of the test's own) leave the page, and what is being written, as they were.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { RestartableServer } from "./restartable-server.ts";
import { DEMO_MODERATOR, DEMO_PASSWORD, expect, logIn, open, test, openDemoLesson } from "./support.ts";

const MEMBER = "member@example.org";
// Day 3, which no other browser test discusses: parallel tests on the demo group must not meet.
const DAY = 3;
const PASSAGE_START = "The clearest way to understand";

async function lessonPage(newContext: () => Promise<BrowserContext>, email: string): Promise<Page> {
  const page = await (await newContext()).newPage();
  await openDemoLesson(page, email, DAY);
  return page;
}

/** From now on: the page's full data loads (the lesson route's `.data`) and its passage deltas. */
function countLoads(page: Page) {
  const counts = { full: 0, deltas: 0 };
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith(".data")) counts.full += 1;
    if (/^\/api\/groups\/[^/]+\/day\/\d+\/passage$/.test(url.pathname)) counts.deltas += 1;
  });
  return counts;
}

const toggle = (page: Page) => page.getByRole("button", { name: new RegExp(`on “${PASSAGE_START}`) });
const panel = (page: Page) => page.getByRole("region", { name: new RegExp(`^Comments on “${PASSAGE_START}`) });

test("presence counts people once, and a comment appears live for the others", async ({ newContext }) => {
  test.setTimeout(90_000);
  const mira = await lessonPage(newContext, DEMO_MODERATOR.email);
  const sam = await lessonPage(newContext, MEMBER);
  const samAgain = await lessonPage(newContext, MEMBER);

  // Three connections, two people.
  for (const page of [mira, sam, samAgain]) {
    await expect(page.getByLabel("Who is here")).toContainText("2 here now");
    await expect(page.getByLabel("Who is here").getByRole("listitem")).toHaveCount(2);
  }

  // Mira opens the passage's thread; Sam starts writing there: Mira sees it.
  await toggle(mira).click();
  await toggle(sam).click();
  await panel(sam).getByLabel("Your comment").fill("Typing live");
  await expect(panel(mira)).toContainText("Sam (member) is writing…");

  // Sam posts: Mira's open thread shows it without a reload, and Sam's other device catches up too,
  // each by fetching that passage's delta, not by reloading the lesson's data (ADR 15).
  const miraLoads = countLoads(mira);
  const samAgainLoads = countLoads(samAgain);
  await panel(sam).getByLabel("Your comment").fill("Posted from one browser, seen in the others.");
  await panel(sam).getByRole("button", { name: "Post", exact: true }).click();
  await expect(panel(mira)).toContainText("Posted from one browser, seen in the others.", { timeout: 10_000 });
  await expect(toggle(samAgain)).toHaveAccessibleName(/1 comment/, { timeout: 10_000 });
  for (const loads of [miraLoads, samAgainLoads]) {
    expect(loads.deltas).toBeGreaterThanOrEqual(1);
    expect(loads.full).toBe(0);
  }

  // Sam's second device closes: Sam is still here (one person, other device).
  await samAgain.close();
  await expect(mira.getByLabel("Who is here")).toContainText("2 here now");
  // The last of Sam's pages closes: Mira sees her alone within seconds.
  await sam.close();
  await expect(mira.getByLabel("Who is here")).toContainText("Only you are here", { timeout: 10_000 });
});

test("a comment written while offline stays in the composer and is sent once when the connection is back", async ({ newContext }) => {
  test.setTimeout(90_000);
  const OFFLINE_PASSAGE = "Many databases implement isolation";
  const mira = await lessonPage(newContext, DEMO_MODERATOR.email);
  const samContext = await newContext();
  const sam = await samContext.newPage();
  await logIn(sam, MEMBER, DEMO_PASSWORD);
  await open(sam, new URL(mira.url()).pathname);
  await expect(sam.getByRole("status").filter({ hasText: /^Connected$/ })).toBeVisible();
  const toggleOf = (page: Page) => page.getByRole("button", { name: new RegExp(`on “${OFFLINE_PASSAGE}`) });
  const panelOf = (page: Page) => page.getByRole("region", { name: new RegExp(`^Comments on “${OFFLINE_PASSAGE}`) });
  await toggleOf(mira).click();
  await toggleOf(sam).click();

  // The train enters a tunnel: Sam writes and posts.
  await samContext.setOffline(true);
  const text = `Written in a tunnel ${Date.now().toString(36)}`;
  await panelOf(sam).getByLabel("Your comment").fill(text);
  await panelOf(sam).getByRole("button", { name: "Post", exact: true }).click();
  await expect(panelOf(sam).getByRole("alert")).toContainText("You are offline. Your text is kept here and will be sent by itself when the connection is back.");
  await expect(panelOf(sam).getByLabel("Your comment")).toHaveValue(text);
  await expect(panelOf(mira)).not.toContainText(text);

  // Out of the tunnel: it goes by itself, once; Mira sees it live.
  await samContext.setOffline(false);
  await expect(panelOf(mira).getByText(text)).toHaveCount(1, { timeout: 15_000 });
  await expect(panelOf(sam).getByLabel("Your comment")).toHaveValue("");
  await expect(panelOf(sam).getByText(text)).toHaveCount(1);
  // Stored once: after a reload (the address keeps the panel open) it is there, once.
  await sam.waitForLoadState("networkidle");
  await sam.reload({ waitUntil: "networkidle" });
  await expect(panelOf(sam).getByText(text)).toHaveCount(1);
});

test("the server restarts while a member is writing: the page and the draft stay, and what others wrote arrives", async ({ newContext, browserErrors }) => {
  test.setTimeout(120_000);
  const RESTART_PASSAGE = "The clearest way to understand";
  // A server of this test's own: stopping the shared one would stop every other test.
  const server = await RestartableServer.start();
  const contexts: BrowserContext[] = [];
  try {
    const pageOf = async (email: string) => {
      const context = await newContext({ baseURL: server.url });
      contexts.push(context);
      const page = await context.newPage();
      await openDemoLesson(page, email, DAY);
      return page;
    };
    const mira = await pageOf(DEMO_MODERATOR.email);
    const sam = await pageOf(MEMBER);
    const toggleOf = (page: Page) => page.getByRole("button", { name: new RegExp(`on “${RESTART_PASSAGE}`) });
    const panelOf = (page: Page) => page.getByRole("region", { name: new RegExp(`^Comments on “${RESTART_PASSAGE}`) });
    const title = await sam.getByRole("heading", { level: 1 }).textContent();
    await toggleOf(mira).click();
    await toggleOf(sam).click();

    // Sam is writing (not posted yet).
    const draft = `Half a thought about the log ${Date.now().toString(36)}`;
    await panelOf(sam).getByLabel("Your comment").fill(draft);

    // Mira posts. Sam's page hears of it and asks for the passage's delta (or the data); that request
    // is held back until the server is gone, so it is the catch-up of a live change that meets a
    // restarting server (the delta fails, and so does the full load it falls back to).
    const held: Array<() => Promise<void>> = [];
    let holding = true;
    await sam.route(/\/day\/\d+(\.data|\/passage\?)/, (route) => {
      if (!holding) return route.continue();
      held.push(() => route.continue());
    });
    const before = `Posted just before the restart ${Date.now().toString(36)}`;
    await panelOf(mira).getByLabel("Your comment").fill(before);
    await panelOf(mira).getByRole("button", { name: "Post", exact: true }).click();
    await expect(panelOf(mira).getByText(before)).toHaveCount(1);
    await expect.poll(() => held.length).toBeGreaterThan(0);

    await server.stop();
    holding = false;
    for (const release of held.splice(0)) await release();

    // The page stays as it was, the draft with it; it says it is reconnecting, not that something went wrong.
    await expect(sam.getByRole("status").filter({ hasText: "Reconnecting…" })).toBeVisible();
    await expect(sam.getByRole("heading", { level: 1 })).toHaveText(title!);
    await expect(sam.getByText("Something went wrong")).toHaveCount(0);
    await expect(panelOf(sam).getByLabel("Your comment")).toHaveValue(draft);
    await expect(panelOf(sam)).not.toContainText(before);

    // The server is back (same database, same port): Sam's page reconnects by itself and catches up.
    // (The socket's backoff reaches 10 s ± half while the server is down: the next try may be that far off.)
    await server.start();
    await expect(sam.getByRole("status").filter({ hasText: /^Connected$/ })).toBeVisible({ timeout: 45_000 });
    await expect(panelOf(sam).getByText(before)).toHaveCount(1, { timeout: 15_000 });
    await expect(panelOf(mira).getByText(before)).toHaveCount(1);
    await expect(panelOf(sam).getByLabel("Your comment")).toHaveValue(draft);

    // Mira writes again after the restart: it arrives live, and Sam's draft is still his.
    await expect(mira.getByRole("status").filter({ hasText: /^Connected$/ })).toBeVisible({ timeout: 45_000 });
    const after = `Posted after the restart ${Date.now().toString(36)}`;
    await panelOf(mira).getByLabel("Your comment").fill(after);
    await panelOf(mira).getByRole("button", { name: "Post", exact: true }).click();
    await expect(panelOf(sam).getByText(after)).toHaveCount(1, { timeout: 15_000 });
    await expect(panelOf(sam).getByLabel("Your comment")).toHaveValue(draft);
    await expect(sam.getByText("Something went wrong")).toHaveCount(0);

  } finally {
    // The pages go before the server does: else they would try to reconnect to a stopped server.
    for (const context of contexts) await context.close();
    await server.stop();
    // While the server was down, the browser said so of each attempt to reconnect: expected, and only that.
    const refused = new RegExp(`WebSocket connection to 'ws://localhost:${server.port}/socket\\.io/.*ERR_CONNECTION_REFUSED`);
    for (let index = browserErrors.length - 1; index >= 0; index -= 1) if (refused.test(browserErrors[index]!)) browserErrors.splice(index, 1);
  }
});
