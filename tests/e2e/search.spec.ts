/**
 * Searching a course in a real browser: from the course page, results come with the matched words
 * marked, and a result opens the lesson at its passage (the group's lesson, for a member of a group).
 */
import { DEMO_MODERATOR, DEMO_PASSWORD, expect, logIn, open, test } from "./support.ts";

test("search finds passages across the course, marks the words, and a result opens the passage", async ({ page }) => {
  await logIn(page, DEMO_MODERATOR.email, DEMO_PASSWORD);
  await open(page, "/courses/how-databases-keep-promises");
  await page.getByRole("searchbox", { name: "Search this course" }).fill("write-ahead log");
  await page.getByRole("searchbox", { name: "Search this course" }).press("Enter");

  await expect(page.getByRole("heading", { level: 1, name: "Search the lessons" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "match" })).toContainText(/passages? match “write-ahead log”/);
  const results = page.getByRole("list").filter({ has: page.locator("mark") }).getByRole("listitem");
  expect(await results.count()).toBeGreaterThan(1);
  await expect(results.first().locator("mark").first()).toHaveText(/write|ahead|log/i);

  // A result is a link to its passage — for Mira, a member of the demo group, in the group's lesson
  // with its discussion (discussion-links.ts); the passage is then the page's target.
  const first = results.first().getByRole("link").first();
  const href = await first.getAttribute("href");
  expect(href).toMatch(/^\/groups\/[^/]+\/day\/\d+#p-[a-z0-9]+$/);
  await first.click();
  const passageId = href!.split("#")[1]!;
  await expect(page).toHaveURL(new RegExp(`#${passageId}$`));
  await expect(page.locator(`#${passageId}`)).toBeInViewport();

  // Nothing found says so.
  await open(page, "/courses/how-databases-keep-promises/search?q=zebrafish");
  await expect(page.getByRole("status").filter({ hasText: "match" })).toContainText("No passages match “zebrafish”");
});
