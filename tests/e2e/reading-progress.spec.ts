/**
 * Reading a lesson to the end in a real browser: the read tracker records passages once they have
 * been in view long enough for their length, the progress bar fills, and the course page marks the
 * day done. The viewport is tall enough to hold the whole lesson, so every passage is in view at once.
 */
import { expect, newUser, open, signUp, test } from "./support.ts";

test("reading Day 1 to the end fills the progress bar and marks the day done on the course page", async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 12_000 });
  await signUp(page, newUser());
  await open(page, "/courses/how-databases-keep-promises/day/1");
  const progress = page.getByRole("region", { name: "Your progress in this lesson" });
  await expect(progress).toContainText(/Read 0 of \d+ passages/);
  const total = Number(/Read 0 of (\d+)/.exec((await progress.textContent()) ?? "")![1]);
  expect(total).toBeGreaterThan(10);

  // Passages count only after their dwell time (up to 20 s each); batches go out every 10 s.
  await expect(progress).toContainText(`Read ${total} of ${total} passages`, { timeout: 60_000 });
  await expect(progress).toHaveAttribute("data-status", "done");

  // Recorded on the server: a fresh load agrees, and so does the course page.
  await page.reload();
  await expect(page.getByRole("region", { name: "Your progress in this lesson" })).toContainText(`Read ${total} of ${total} passages`);
  await open(page, "/courses/how-databases-keep-promises");
  await expect(page.getByRole("listitem").filter({ hasText: "Day 1:" }).first()).toContainText(/done/i);
});
