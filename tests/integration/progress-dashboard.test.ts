/**
 * The moderators' progress dashboard of a group of 200 members: the members grid in pages of 50
 * (`?page=`, plain links), the group's totals over everyone on every page, junk and out-of-range
 * pages answered with the nearest page that exists, the heatmap's `?day=` kept by the paging links,
 * the CSV export with every member, and the same refusals as before on every page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_PAGE_SIZE } from "~/models/progress-rules.ts";
import { createGroupDirectly, demoCourseId, readPage, signUp, uniqueLabel, visitor, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
const db = () => server.database.db;
const MEMBERS = 200;

let owner: Person;
let member: Person;
let outsider: Person;
let groupId: string;
/** Everyone in the order they joined (the grid's order): the owner, 198 seeded members, `member`. */
let names: string[];
let doneDay1: number;

beforeAll(async () => {
  server = await startTestServer();
  [owner, member, outsider] = await Promise.all([signUp(server, { displayName: uniqueLabel("Olive Owner") }), signUp(server, { displayName: uniqueLabel("Milo Member") }), signUp(server, { displayName: uniqueLabel("Oscar Outsider") })]);
  const group = await createGroupDirectly(server, uniqueLabel("Two hundred readers"), [[owner, "owner"]]);
  groupId = group.id;
  // A schedule that started three days ago: days 1 to 4 are due, nothing is locked.
  const start = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  await db().group.update({ where: { id: groupId }, data: { paceMode: "scheduled", startDate: start, daysPerWeek: 7, timeZone: "UTC", lockAhead: false } });
  await db().membership.update({ where: { groupId_userId: { groupId, userId: owner.id } }, data: { joinedAt: new Date(Date.UTC(2026, 0, 1)) } });

  // 198 members straight in the tables, joined one minute apart, then `member` last.
  const tag = Date.now().toString(36);
  const seeded = Array.from({ length: MEMBERS - 2 }, (_, index) => ({ id: `dash-${tag}-${index}`, email: `dash-${tag}-${index}@example.org`, displayName: `Reader ${String(index + 1).padStart(3, "0")} ${tag}`, passwordHash: "none" }));
  await db().user.createMany({ data: seeded });
  await db().membership.createMany({ data: seeded.map((user, index) => ({ groupId, userId: user.id, role: "member", joinedAt: new Date(Date.UTC(2026, 0, 2) + index * 60_000) })) });
  await db().membership.create({ data: { groupId, userId: member.id, role: "member", joinedAt: new Date(Date.UTC(2026, 1, 1)) } });
  names = [owner.displayName, ...seeded.map((user) => user.displayName), member.displayName];

  // Every third seeded member has done Day 1 (marked done); every fifth read Day 2 part-way.
  const courseId = await demoCourseId(server);
  const lessons = await db().lesson.findMany({ where: { courseId }, orderBy: { day: "asc" }, select: { id: true, day: true } });
  const rows = seeded.flatMap((user, index) => [
    ...(index % 3 === 0 ? [{ userId: user.id, lessonId: lessons[0]!.id, courseId, readCount: 1, doneAt: new Date(), updatedAt: new Date() }] : []),
    ...(index % 5 === 0 ? [{ userId: user.id, lessonId: lessons[1]!.id, courseId, readCount: 1, doneAt: null, updatedAt: new Date() }] : []),
  ]);
  await db().lessonProgress.createMany({ data: rows });
  doneDay1 = seeded.filter((_, index) => index % 3 === 0).length;
});
afterAll(async () => {
  await server?.close();
});

const dashboard = (query = "") => owner.client.get(`/groups/${groupId}/dashboard${query}`);

/** The page, its text without React's `<!-- -->` between adjacent texts. */
async function readDashboard(response: Response) {
  const { raw, text } = await readPage(response);
  return { raw, text: text.replaceAll("<!-- -->", "") };
}

/** The display names of the grid's rows, in order. */
function gridNames(raw: string) {
  const body = raw.slice(raw.indexOf("<tbody>"), raw.indexOf("</tbody>"));
  return [...body.matchAll(/<th scope="row">([^<]+)/g)].map((match) => match[1]!.trim());
}

/** Everything on the page that is the group's, not the page's: the totals row and the behind list. */
function totals(raw: string) {
  const foot = raw.slice(raw.indexOf("<tfoot>"), raw.indexOf("</tfoot>"));
  const behind = raw.slice(raw.indexOf('id="behind-heading"'), raw.indexOf('id="heat-heading"'));
  return { foot, behind };
}

describe("the dashboard's members grid, 50 at a time", () => {
  it("shows page 1 with the first 50 members and says where it is", async () => {
    expect(DASHBOARD_PAGE_SIZE).toBe(50);
    const response = await dashboard();
    expect(response.status).toBe(200);
    const { raw, text } = await readDashboard(response);
    expect(gridNames(text)).toEqual(names.slice(0, 50));
    expect(text).toContain(`Members 1–50 of ${MEMBERS}`);
    // Keyboard and screen readers: a named nav of plain links, the current page marked.
    expect(raw).toMatch(/<nav class="pager" aria-label="Pages of members">/);
    expect(raw).toMatch(/<a[^>]*aria-current="page"[^>]*><span class="visually-hidden">Page <\/span>1<\/a>/);
    expect(raw).toContain(`href="/groups/${groupId}/dashboard?page=2#grid-heading"`);
    expect(raw).toContain(`href="/groups/${groupId}/dashboard?page=4#grid-heading"`);
  });

  it("shows the last page with the rest, and the same group totals on every page", async () => {
    const pages = await Promise.all([1, 2, 3, 4].map(async (page) => readDashboard(await dashboard(page === 1 ? "" : `?page=${page}`))));
    expect(pages.flatMap((page) => gridNames(page.text))).toEqual(names);
    const last = pages[3]!;
    expect(gridNames(last.text)).toEqual(names.slice(150));
    expect(last.text).toContain(`Members 151–200 of ${MEMBERS}`);
    expect(last.raw).toMatch(/<a[^>]*aria-current="page"[^>]*><span class="visually-hidden">Page <\/span>4<\/a>/);
    // Totals over all 200, whichever page: Day 1 done by every third seeded member.
    const first = totals(pages[0]!.text);
    expect(first.foot).toContain(`Done by, of all ${MEMBERS}`);
    expect(first.foot).toContain(`<td></td><td>${doneDay1}</td><td>0</td>`);
    for (const page of pages) expect(totals(page.text)).toEqual(first);
    // Everyone is behind (days 1 to 4 are due, nobody has done more than Day 1), members of every page included.
    for (const name of [names[0]!, names[75]!, names[199]!]) expect(first.behind).toContain(`${name}: `);
    expect(first.behind).toContain(`${names[1]}: 3 days not done`);
    expect(first.behind).toContain(`${names[2]}: 4 days not done`);
    expect((first.behind.match(/<li>/g) ?? []).length).toBe(MEMBERS);
    // The heatmap counts every member too.
    expect(pages[2]!.text).toContain(`share of the ${MEMBERS} members`);
  });

  it("answers junk and out-of-range pages with the nearest page that exists, never an error", async () => {
    const cases: [string, number][] = [
      ["?page=abc", 1],
      ["?page=0", 1],
      ["?page=-2", 1],
      ["?page=1.5", 1],
      ["?page=", 1],
      ["?page=%E2%80%AE3", 1],
      ["?page=5", 4],
      [`?page=${"9".repeat(500)}`, 4],
      ["?page=3&page=1", 3],
      ["?page[]=2", 1],
    ];
    for (const [query, page] of cases) {
      const response = await dashboard(query);
      expect(response.status, query).toBe(200);
      const { raw, text } = await readDashboard(response);
      expect(raw, query).toMatch(new RegExp(`aria-current="page"[^>]*><span class="visually-hidden">Page </span>${page}</a>`));
      expect(gridNames(text)[0], query).toBe(names[(page - 1) * 50]);
    }
    // A NUL in the address is refused before any page runs (every route: see hostile-input.test.ts).
    const nul = await dashboard("?page=%00");
    expect(nul.status).toBe(400);
  });

  it("keeps the heatmap's day in the paging links, and the page in the day form", async () => {
    const { raw, text } = await readDashboard(await dashboard("?page=2&day=2"));
    expect(text).toContain("Passages of Day 2");
    expect(raw).toContain(`href="/groups/${groupId}/dashboard?page=3&amp;day=2#grid-heading"`);
    expect(raw).toContain(`href="/groups/${groupId}/dashboard?day=2#grid-heading"`);
    expect(raw).toMatch(/<input type="hidden" name="page" value="2"\/>/);
  });

  it("exports every member in the CSV, not one page", async () => {
    const csv = await owner.client.get(`/groups/${groupId}/dashboard/export`);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(MEMBERS + 1);
    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(names);
  });

  it("refuses a plain member (403), another group's owner (404) and signed-out visitors on every page", async () => {
    await createGroupDirectly(server, uniqueLabel("Elsewhere"), [[outsider, "owner"]]);
    for (const query of ["?page=2", "?page=4&day=1", "?page=abc"]) {
      const path = `/groups/${groupId}/dashboard${query}`;
      const asMember = await member.client.get(path);
      expect(asMember.status).toBe(403);
      const asOutsider = await outsider.client.get(path);
      expect(asOutsider.status).toBe(404);
      expect(await asOutsider.text()).not.toContain(names[60]!);
      const signedOut = await visitor(server).get(path);
      expect(signedOut.status).toBe(302);
      expect(signedOut.headers.get("location")).toMatch(/^\/login\?redirectTo=%2Fgroups%2F/);
    }
  });
});
