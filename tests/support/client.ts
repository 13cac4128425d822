/**
 * A tiny browser stand-in for integration tests: keeps cookies, sends the Origin header a browser
 * would send, never follows redirects (tests assert on them), and submits forms as a browser does
 * without JavaScript.
 */
export class TestClient {
  readonly cookies = new Map<string, string>();
  origin: string | null;

  constructor(readonly baseUrl: string) {
    this.origin = new URL(baseUrl).origin;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const index = pair!.indexOf("=");
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size && !headers.has("cookie")) headers.set("cookie", this.cookieHeader());
    const method = (init.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD" && this.origin && !headers.has("origin")) headers.set("origin", this.origin);
    const response = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: "manual" });
    this.remember(response);
    return response;
  }

  get(path: string, init: RequestInit = {}) {
    return this.request(path, init);
  }

  /** A plain HTML form post, as a browser without JavaScript sends it. */
  post(path: string, fields: Record<string, string>, init: RequestInit = {}) {
    return this.request(path, {
      ...init,
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...(init.headers as Record<string, string>) },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async signUp(fields: { email: string; displayName?: string; password?: string }) {
    return this.post("/signup", {
      email: fields.email,
      displayName: fields.displayName ?? fields.email.split("@")[0]!,
      password: fields.password ?? TEST_PASSWORD,
    });
  }

  async logIn(email: string, password = TEST_PASSWORD) {
    return this.post("/login", { email, password });
  }

  sessionToken(): string | undefined {
    return this.cookies.get("mg_session");
  }
}

export const TEST_PASSWORD = "correct horse battery";

let counter = 0;
export function uniqueEmail(prefix = "reader") {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Date.now().toString(36)}@example.org`;
}
