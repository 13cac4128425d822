/**
 * A tiny TCP load balancer for `npm run test:scale`: one loopback port in front of several server
 * processes. Each new connection goes to the next backend in turn (round-robin); a backend whose
 * connect fails (a killed process) is skipped for the next one, so clients that reconnect through
 * the balancer reach a process that is still alive. Bytes pass through untouched, so the Host header
 * (and hence the origin the servers expect) is the balancer's.
 *
 * It remembers which backend each open connection went to, keyed by the client's local port, so a
 * test can tell which process a socket landed on.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface Backend {
  name: string;
  host: string;
  port: number;
}

const CONNECT_TIMEOUT_MS = 2_000;

export class Balancer {
  private server = net.createServer((client) => this.accept(client));
  private turn = 0;
  private readonly open = new Set<net.Socket>();
  /** Client port → backend name, for connections that are open. */
  private readonly routes = new Map<number, string>();
  readonly stats = { accepted: 0, routed: new Map<string, number>(), skipped: new Map<string, number>(), refused: 0 };
  /** The backend the most recent connection was routed to. */
  lastRoute: string | undefined;
  url = "";

  constructor(private backends: Backend[] = []) {}

  setBackends(backends: Backend[]) {
    this.backends = backends;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** The next new connection goes to this backend (if it is up); round-robin carries on from there. */
  steerNext(name: string) {
    const index = this.backends.findIndex((backend) => backend.name === name);
    if (index < 0) throw new Error(`no backend named ${name}`);
    this.turn = index;
  }

  /** Which backend the open connection from this client port goes to. */
  backendOf(clientPort: number | undefined): string | undefined {
    return clientPort === undefined ? undefined : this.routes.get(clientPort);
  }

  private accept(client: net.Socket) {
    this.stats.accepted += 1;
    this.open.add(client);
    const clientPort = client.remotePort;
    let upstream: net.Socket | undefined;
    client.on("error", () => upstream?.destroy());
    client.on("close", () => {
      this.open.delete(client);
      if (clientPort !== undefined) this.routes.delete(clientPort);
      upstream?.destroy();
    });
    const start = this.turn;
    this.turn = (this.turn + 1) % Math.max(1, this.backends.length);
    const attempt = (index: number) => {
      if (client.destroyed) return;
      if (index >= this.backends.length) {
        this.stats.refused += 1;
        client.destroy();
        return;
      }
      const backend = this.backends[(start + index) % this.backends.length]!;
      const candidate = net.connect({ host: backend.host, port: backend.port });
      let connected = false;
      candidate.setTimeout(CONNECT_TIMEOUT_MS, () => {
        if (!connected) candidate.destroy(new Error("connect timeout"));
      });
      candidate.once("error", () => {
        if (connected) return;
        this.stats.skipped.set(backend.name, (this.stats.skipped.get(backend.name) ?? 0) + 1);
        attempt(index + 1);
      });
      candidate.once("connect", () => {
        connected = true;
        candidate.setTimeout(0);
        if (client.destroyed) {
          candidate.destroy();
          return;
        }
        upstream = candidate;
        this.open.add(candidate);
        this.stats.routed.set(backend.name, (this.stats.routed.get(backend.name) ?? 0) + 1);
        this.lastRoute = backend.name;
        if (clientPort !== undefined) this.routes.set(clientPort, backend.name);
        candidate.on("error", () => client.destroy());
        candidate.on("close", () => {
          this.open.delete(candidate);
          client.destroy();
        });
        client.pipe(candidate);
        candidate.pipe(client);
      });
    };
    attempt(0);
  }

  async close() {
    for (const socket of this.open) socket.destroy();
    this.open.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
