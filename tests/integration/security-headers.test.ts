/**
 * Security headers on every kind of response (issue 12): pages, `.data`, JSON, downloads, static
 * files, refusals and errors. Pages run only scripts that carry the response's CSP nonce.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroupDirectly, signUp, uniqueLabel, type Person } from "../support/groups.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;
let mod: Person;
let groupId: string;

beforeAll(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: "true" } });
  mod = await signUp(server, { displayName: uniqueLabel("Mo") });
  groupId = (await createGroupDirectly(server, uniqueLabel("Headers circle"), [[mod, "owner"]])).id;
});
afterAll(async () => {
  await server?.close();
});

const get = (path: string, init: RequestInit = {}) => mod.client.get(path, init);
const cspOf = (response: Response) => response.headers.get("content-security-policy") ?? "";

function expectBaseHeaders(response: Response, what: string) {
  expect(response.headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(response.headers.get("referrer-policy"), what).toBe("same-origin");
  expect(response.headers.get("x-frame-options"), what).toBe("DENY");
  expect(cspOf(response), what).toContain("frame-ancestors 'none'");
  expect(response.headers.get("strict-transport-security"), `${what} over http`).toBeNull();
}

describe("security headers", () => {
  it("are on every kind of response", async () => {
    const cases: Array<[string, () => Promise<Response>, number]> = [
      ["a page", () => get("/"), 200],
      ["a lesson page", () => get(`/groups/${groupId}/day/1`), 200],
      ["single-fetch data", () => get(`/groups/${groupId}/day/1.data`), 200],
      ["the health check (JSON)", () => get("/healthz"), 200],
      ["a Markdown download", () => get(`/groups/${groupId}/day/1/export?format=md`), 200],
      ["a JSON-LD download", () => get(`/groups/${groupId}/day/1/export?format=jsonld`), 200],
      ["the progress CSV", () => get("/progress/export"), 200],
      ["a static file", () => get("/favicon.svg"), 200],
      ["a missing page", () => get("/no/such/page"), 404],
      ["a malformed path", () => get("/courses/%E0%A4%A"), 400],
      ["a form of the wrong type", () => mod.client.request(`/groups/${groupId}/day/1`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }), 415],
      ["a cross-site post", () => mod.client.request("/logout", { method: "POST", headers: { origin: "https://evil.example" } }), 403],
    ];
    for (const [what, request, status] of cases) {
      const response = await request();
      expect(response.status, what).toBe(status);
      expectBaseHeaders(response, what);
    }
  });

  it("pages allow only this origin's scripts and those with the response's nonce, which is new each time", async () => {
    const first = await get(`/groups/${groupId}/day/1`);
    const csp = cspOf(first);
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce, csp).toBeTruthy();
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(csp).toContain("form-action 'self'");
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    expect(scripts.length).toBeGreaterThan(2);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    const second = cspOf(await get(`/groups/${groupId}/day/1`));
    expect(second).not.toContain(nonce!);
  });

  it("asks browsers for https only over https", async () => {
    const secure = await get("/", { headers: { "x-forwarded-proto": "https" } });
    expect(secure.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expect((await get("/")).headers.get("strict-transport-security")).toBeNull();
  });
});
