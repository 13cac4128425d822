import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TestClient, uniqueEmail } from "../support/client.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { connectionOutcome, openSocket, type ClientSocket } from "../support/socket.ts";

let server: TestServer;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(async () => {
  await server?.close();
});

async function member() {
  const client = new TestClient(server.url);
  await client.signUp({ email: uniqueEmail() });
  return client;
}

function open(headers: Parameters<typeof openSocket>[1]) {
  const socket = openSocket(server.url, headers);
  sockets.push(socket);
  return socket;
}

describe("socket handshake", () => {
  it("accepts a signed-in browser on our origin and knows who it is", async () => {
    const client = await member();
    const socket = open({ cookie: client.cookieHeader() });
    expect(await connectionOutcome(socket)).toBe("connected");
    const answer = await socket.emitWithAck("session:whoami", {});
    expect(answer).toMatchObject({ data: { displayName: expect.any(String) } });
  });

  it("refuses a connection without a session", async () => {
    expect(await connectionOutcome(open({}))).toBe("unauthorized");
  });

  it("refuses a forged session cookie", async () => {
    const client = await member();
    const [id] = client.sessionToken()!.split(".");
    expect(await connectionOutcome(open({ cookie: `mg_session=${id}.${"b".repeat(24)}` }))).toBe("unauthorized");
  });

  it("refuses another origin even with a valid cookie, and a missing origin", async () => {
    const client = await member();
    expect(await connectionOutcome(open({ cookie: client.cookieHeader(), origin: "https://evil.example" }))).toBe("forbidden-origin");
    expect(await connectionOutcome(open({ cookie: client.cookieHeader(), origin: null }))).toBe("forbidden-origin");
  });

  it("logging out disconnects the live socket of that session at once, and only that one", async () => {
    const client = await member();
    const email = (await server.database.db.user.findFirstOrThrow({ orderBy: { createdAt: "desc" } })).email;
    const otherDevice = new TestClient(server.url);
    await otherDevice.logIn(email);
    const socket = open({ cookie: client.cookieHeader() });
    const otherSocket = open({ cookie: otherDevice.cookieHeader() });
    await Promise.all([connectionOutcome(socket), connectionOutcome(otherSocket)]);
    const ended = new Promise((resolve) => socket.once("session:ended", resolve));
    const disconnected = new Promise((resolve) => socket.once("disconnect", resolve));
    await client.post("/logout", {});
    expect(await ended).toEqual({ reason: "logout" });
    expect(await disconnected).toBe("io server disconnect");
    expect(otherSocket.connected).toBe(true);
  });

  it("log out everywhere disconnects every socket of the user", async () => {
    const client = await member();
    const socket = open({ cookie: client.cookieHeader() });
    await connectionOutcome(socket);
    const disconnected = new Promise((resolve) => socket.once("disconnect", resolve));
    await client.post("/account", { intent: "logout-everywhere" });
    expect(await disconnected).toBe("io server disconnect");
  });
});
