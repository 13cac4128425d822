/**
 * Connection exhaustion (issue 12): an upgrade request that nothing handles must not hold its
 * connection. The test server runs in this process, so its sockets are this process's descriptors:
 * /proc/self/fd counts them.
 */
import { readdirSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "../support/groups.ts";
import { openSocket, connectionOutcome } from "../support/socket.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const openDescriptors = () => readdirSync("/proc/self/fd").length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds, up to `timeoutMs`; answers whether it did. */
async function eventually(check: () => boolean, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await sleep(10);
  }
  return check();
}

interface RawConnection {
  socket: net.Socket;
  received: () => string;
  closed: () => boolean;
}

function connect(): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, "127.0.0.1");
    let data = "";
    let closed = false;
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (data += chunk));
    socket.on("error", () => {});
    socket.on("close", () => (closed = true));
    socket.once("connect", () => resolve({ socket, received: () => data, closed: () => closed }));
    socket.once("error", reject);
  });
}

const upgradeRequest = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
  `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;

/** A keep-alive request answered first (the server has written on it), then an upgrade nobody wants. */
async function keepAliveThenUpgrade(path: string) {
  const connection = await connect();
  connection.socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: keep-alive\r\n\r\n`);
  expect(await eventually(() => connection.received().includes('{"ok":true}'), 5_000), "the keep-alive answer").toBe(true);
  connection.socket.write(upgradeRequest(path));
  return connection;
}

describe("upgrade requests nothing handles", () => {
  it.each([
    ["a page", "/groups/x/day/1"],
    ["the root", "/"],
    ["a path next to Socket.IO's", "/socket.iox/"],
  ])("on %s (%s): 50 keep-alive connections asking to upgrade are answered 400 and closed, and give their descriptors back", async (_name, path) => {
    const before = openDescriptors();
    const connections: RawConnection[] = [];
    for (let index = 0; index < 50; index += 1) connections.push(await keepAliveThenUpgrade(path));
    // The client half-closes, as one that gave up would: the server must not sit in CLOSE-WAIT.
    for (const connection of connections) connection.socket.end();
    const allClosed = await eventually(() => connections.every((connection) => connection.closed()), 3_000);
    for (const connection of connections) connection.socket.destroy();
    // Our own client sockets are closed now too: whatever is still open is the server's.
    await eventually(() => openDescriptors() - before < 5, 3_000);
    expect(openDescriptors() - before, "descriptors still held").toBeLessThan(5);
    expect(allClosed, "every connection closed by the server").toBe(true);
    for (const connection of connections) expect(connection.received()).toMatch(/HTTP\/1\.1 400 /);
  });

  it("a bad upgrade on Socket.IO's own path is refused and gives its descriptor back", async () => {
    const before = openDescriptors();
    const connections: RawConnection[] = [];
    for (let index = 0; index < 20; index += 1) connections.push(await keepAliveThenUpgrade("/socket.io/?EIO=2&transport=websocket"));
    for (const connection of connections) connection.socket.end();
    await eventually(() => connections.every((connection) => connection.closed()), 3_000);
    for (const connection of connections) connection.socket.destroy();
    await eventually(() => openDescriptors() - before < 5, 3_000);
    expect(openDescriptors() - before, "descriptors still held").toBeLessThan(5);
  });

  it("real Socket.IO connections still upgrade", async () => {
    const reader = await signUp(server);
    const socket = openSocket(server.url, { cookie: reader.client.cookieHeader() });
    try {
      expect(await connectionOutcome(socket)).toBe("connected");
    } finally {
      socket.disconnect();
    }
  });
});
