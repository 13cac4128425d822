/**
 * The reader's time zone against the real server: detected at sign-up from the form's hidden field
 * (kept only when it names a real zone, never a reason to refuse), chosen on the account page
 * (validated with Zod: an unknown zone is refused with 400 and nothing is saved), and /progress no
 * longer needing a zone to save its privacy setting.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient, uniqueEmail } from "../support/client.ts";
import { signUp, uniqueLabel } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
const db = () => server.database.db;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function signUpWithZone(timeZone: string) {
  const client = new TestClient(server.url);
  const email = uniqueEmail("tz");
  const response = await client.post("/signup", { email, displayName: uniqueLabel("Zoned"), password: "correct horse battery", timeZone });
  expect(response.status).toBe(302);
  const user = await db().user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  return { client, id: user.id };
}

describe("time zone", () => {
  it("is detected at sign-up when the browser sends a real zone", async () => {
    const { id } = await signUpWithZone("America/New_York");
    expect(await db().progressPreference.findUnique({ where: { userId: id } })).toMatchObject({ timeZone: "America/New_York" });
  });

  it("is left unset (UTC) when the zone sent is not one, and sign-up still succeeds", async () => {
    for (const bad of ["", "Not/AZone", "x".repeat(200)]) {
      const { id } = await signUpWithZone(bad);
      expect(await db().progressPreference.findUnique({ where: { userId: id } })).toBeNull();
    }
  });

  it("is chosen on the account page from the list, and an unknown one is refused", async () => {
    const person = await signUp(server);
    const page = await person.client.get("/account");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('name="timeZone"');
    expect(html).toContain('value="Europe/Paris"');

    const refused = await person.client.post("/account", { intent: "time-zone", timeZone: "Mars/Olympus_Mons" });
    expect(refused.status).toBe(400);
    expect(await db().progressPreference.findUnique({ where: { userId: person.id } })).toBeNull();

    const saved = await person.client.post("/account", { intent: "time-zone", timeZone: "Asia/Tokyo" });
    expect(saved.status).toBe(200);
    expect(await db().progressPreference.findUniqueOrThrow({ where: { userId: person.id } })).toMatchObject({ timeZone: "Asia/Tokyo", shareProgress: true });

    // /progress saves its privacy setting without a zone, keeping the one chosen.
    const progress = await person.client.post("/progress", {});
    expect(progress.status).toBe(200);
    expect(await db().progressPreference.findUniqueOrThrow({ where: { userId: person.id } })).toMatchObject({ timeZone: "Asia/Tokyo", shareProgress: false });
  });
});
