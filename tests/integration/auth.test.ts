import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient, TEST_PASSWORD, uniqueEmail } from "../support/client.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function signedInClient(email = uniqueEmail()) {
  const client = new TestClient(server.url);
  const response = await client.signUp({ email });
  expect(response.status).toBe(302);
  return { client, email };
}

describe("sign up", () => {
  it("creates the account, signs in, and shows the account page", async () => {
    const { client, email } = await signedInClient();
    expect(client.sessionToken()).toMatch(/^[a-z2-9]{24}\.[a-z2-9]{24}$/);
    const page = await client.get("/account");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(email);
  });

  it("sets the session cookie HttpOnly, SameSite=Lax, Path=/ with an expiry", async () => {
    const client = new TestClient(server.url);
    const response = await client.signUp({ email: uniqueEmail() });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith("mg_session="))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; Expires=/);
    // Not a production server: no Secure flag over plain http.
    expect(cookie).not.toMatch(/; Secure/);
  });

  it.each([
    [{ email: "not-an-email", password: TEST_PASSWORD }, "Enter a valid email address"],
    [{ email: uniqueEmail(), password: "short" }, "Use at least 10 characters."],
    [{ email: uniqueEmail(), password: TEST_PASSWORD, displayName: "   " }, "Enter the name other members will see."],
    [{ email: uniqueEmail(), password: TEST_PASSWORD, displayName: "<b>x</b>" }, "Names cannot contain"],
  ])("refuses bad input %j with a 400 and the field's message", async (fields, message) => {
    const client = new TestClient(server.url);
    const before = await server.database.db.user.count();
    const response = await client.post("/signup", { displayName: "Reader", ...fields });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(message);
    expect(await server.database.db.user.count()).toBe(before);
    expect(client.sessionToken()).toBeUndefined();
  });

  it("refuses a taken email and leaves the existing account untouched", async () => {
    const { email } = await signedInClient();
    const before = await server.database.db.user.findUniqueOrThrow({ where: { email } });
    const other = new TestClient(server.url);
    const response = await other.post("/signup", { email: email.toUpperCase(), displayName: "Impostor", password: "another password" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("An account with this email already exists");
    const after = await server.database.db.user.findUniqueOrThrow({ where: { email } });
    expect(after).toEqual(before);
  });
});

describe("sessions", () => {
  it("never stores the token: only the id and the SHA-256 of the secret", async () => {
    const { client } = await signedInClient();
    const [id, secret] = client.sessionToken()!.split(".") as [string, string];
    const row = await server.database.db.session.findUniqueOrThrow({ where: { id } });
    expect(Buffer.from(row.secretHash).equals(createHash("sha256").update(secret).digest())).toBe(true);
    expect(Buffer.from(row.secretHash).toString("utf8")).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it("treats a forged token as signed out and clears the cookie", async () => {
    const { client } = await signedInClient();
    const [id] = client.sessionToken()!.split(".");
    client.cookies.set("mg_session", `${id}.${"a".repeat(24)}`);
    const response = await client.get("/account");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Faccount");
    expect(client.sessionToken()).toBeUndefined();
  });

  it("refuses an expired session and deletes it", async () => {
    const { client } = await signedInClient();
    const id = client.sessionToken()!.split(".")[0]!;
    await server.database.db.session.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const response = await client.get("/account");
    expect(response.status).toBe(302);
    expect(await server.database.db.session.findUnique({ where: { id } })).toBeNull();
  });

  it("slides: a session past half its life is extended and the cookie sent again", async () => {
    const { client } = await signedInClient();
    const id = client.sessionToken()!.split(".")[0]!;
    const soon = new Date(Date.now() + 5 * 24 * 3600 * 1000);
    const longAgo = new Date(Date.now() - 25 * 24 * 3600 * 1000);
    await server.database.db.session.update({ where: { id }, data: { expiresAt: soon, renewedAt: longAgo } });
    const response = await client.get("/account");
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith("mg_session="));
    expect(cookie).toBeDefined();
    const row = await server.database.db.session.findUniqueOrThrow({ where: { id } });
    expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    // The next request does not write again.
    const again = await client.get("/account");
    expect(again.headers.getSetCookie().some((line) => line.startsWith("mg_session="))).toBe(false);
  });

  it("log out ends the session: the old cookie no longer works", async () => {
    const { client } = await signedInClient();
    const token = client.sessionToken()!;
    const response = await client.post("/logout", {});
    expect(response.status).toBe(302);
    expect(client.sessionToken()).toBeUndefined();
    const replay = new TestClient(server.url);
    replay.cookies.set("mg_session", token);
    expect((await replay.get("/account")).status).toBe(302);
  });

  it("log out everywhere ends every session of the user", async () => {
    const { client: first, email } = await signedInClient();
    const second = new TestClient(server.url);
    expect((await second.logIn(email)).status).toBe(302);
    const response = await first.post("/account", { intent: "logout-everywhere" });
    expect(response.status).toBe(302);
    expect((await first.get("/account")).status).toBe(302);
    expect((await second.get("/account")).status).toBe(302);
  });

  it("a password change ends the other sessions and keeps this one", async () => {
    const { client: first, email } = await signedInClient();
    const second = new TestClient(server.url);
    await second.logIn(email);
    const response = await first.post("/account", {
      intent: "password",
      currentPassword: TEST_PASSWORD,
      newPassword: "a much better passphrase",
      confirmPassword: "a much better passphrase",
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Password changed");
    expect((await first.get("/account")).status).toBe(200);
    expect((await second.get("/account")).status).toBe(302);
    const third = new TestClient(server.url);
    expect((await third.logIn(email)).status).toBe(400);
    expect((await third.logIn(email, "a much better passphrase")).status).toBe(302);
  });

  it("a wrong current password changes nothing", async () => {
    const { client, email } = await signedInClient();
    const response = await client.post("/account", {
      intent: "password",
      currentPassword: "not my password",
      newPassword: "a much better passphrase",
      confirmPassword: "a much better passphrase",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("That is not your current password.");
    expect((await new TestClient(server.url).logIn(email)).status).toBe(302);
  });
});

describe("log in", () => {
  it("answers an unknown email exactly like a wrong password", async () => {
    const { email } = await signedInClient();
    const wrongPassword = await new TestClient(server.url).logIn(email, "wrong password!");
    const unknownEmail = await new TestClient(server.url).logIn(uniqueEmail("nobody"), "wrong password!");
    expect(wrongPassword.status).toBe(400);
    expect(unknownEmail.status).toBe(400);
    const message = "That email and password do not match an account.";
    expect(await wrongPassword.text()).toContain(message);
    expect(await unknownEmail.text()).toContain(message);
  });

  it("locks an account after repeated failures, even for the right password, and says when to retry", async () => {
    const { email } = await signedInClient();
    const attacker = new TestClient(server.url);
    for (let attempt = 0; attempt < 8; attempt += 1) {
      expect((await attacker.logIn(email, `guess number ${attempt}`)).status).toBe(400);
    }
    const owner = new TestClient(server.url);
    const locked = await owner.logIn(email);
    expect(locked.status).toBe(429);
    expect(locked.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await locked.text()).toMatch(/Too many attempts. Try again in \d+ minutes?\./);
    expect(owner.sessionToken()).toBeUndefined();
  });

  it("only redirects back to paths on this site", async () => {
    const { email } = await signedInClient();
    const client = new TestClient(server.url);
    const response = await client.post("/login", { email, password: TEST_PASSWORD, redirectTo: "https://evil.example/" });
    expect(response.headers.get("location")).toBe("/");
    await client.post("/logout", {});
    const back = await client.post("/login", { email, password: TEST_PASSWORD, redirectTo: "/account" });
    expect(back.headers.get("location")).toBe("/account");
  });
});

describe("request guards", () => {
  it("refuses a cross-site POST and changes nothing", async () => {
    const { client } = await signedInClient();
    const token = client.sessionToken()!;
    const forged = await client.post("/logout", {}, { headers: { origin: "https://evil.example" } });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("Cross-site request refused");
    expect((await client.get("/account")).status).toBe(200);
    expect(client.sessionToken()).toBe(token);
  });

  it("refuses a POST with neither Origin nor Sec-Fetch-Site, and accepts Sec-Fetch-Site: same-origin", async () => {
    const client = new TestClient(server.url);
    client.origin = null;
    const bare = await client.post("/login", { email: uniqueEmail(), password: "whatever password" });
    expect(bare.status).toBe(403);
    const fetchMetadata = await client.post(
      "/login",
      { email: uniqueEmail(), password: "whatever password" },
      { headers: { "sec-fetch-site": "same-origin" } },
    );
    expect(fetchMetadata.status).toBe(400);
  });

  it("refuses an oversized body with 413 before reading it", async () => {
    const client = new TestClient(server.url);
    const before = await server.database.db.user.count();
    const response = await client.post("/signup", { email: uniqueEmail(), displayName: "x".repeat(2 * 1024 * 1024), password: TEST_PASSWORD });
    expect(response.status).toBe(413);
    expect(await server.database.db.user.count()).toBe(before);
  });

  it("sends signed-out visitors of a private page to log in, and signed-in users away from the login page", async () => {
    const anonymous = new TestClient(server.url);
    const account = await anonymous.get("/account");
    expect(account.status).toBe(302);
    expect(account.headers.get("location")).toBe("/login?redirectTo=%2Faccount");
    const { client } = await signedInClient();
    const login = await client.get("/login");
    expect(login.status).toBe(302);
    expect(login.headers.get("location")).toBe("/");
  });

  it("answers an unknown page with 404 and no stack trace", async () => {
    const { client } = await signedInClient();
    const response = await client.get("/courses/no-such-course");
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain("Not found");
    expect(html).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});
