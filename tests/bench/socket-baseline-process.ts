/**
 * The baseline of the socket cases of `npm run bench`: a bare Socket.IO server, run as a child
 * process of tests/bench/run.ts like the app's server (server-process.ts), answering the same IPC
 * protocol (protocol.ts) so its CPU and memory are measured the same way.
 *
 * It does what the app does for a lesson room, and nothing else: no cookie, no origin check, no
 * validation, no rate limit, no database, no presence. The same Socket.IO version and options
 * (message limit, no served client), on 127.0.0.1:0:
 *
 * - `lesson:join` `{ groupId, day }` joins the room `lesson:<groupId>:<day>` and answers with an
 *   empty join answer (`{ data: { present: [], session: null, myVotes: [], missed: null } }`);
 * - POST /groups/:groupId/day/:day (the app's discussion form) emits a `discussion:changed` of the
 *   app's shape (`{ groupId, day, seq, commentId, intent, passageKey, actorId, at }`) to that room
 *   and answers 302, as the app's form does;
 * - `position:update` `{ groupId, day, passageKey }` is batched per room with the app's own
 *   RoomBatcher and window rule (max(250 ms, sockets in the room in ms), at most 1,000 ms) into
 *   `positions:update` `{ groupId, day, positions: [{ userId, passageKey }] }`, and acknowledged.
 *   With no sessions, the user id is whatever the client put in its handshake's `auth.userId`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { RoomBatcher } from "~/realtime/batcher.ts";
import type { ChildMessage, ParentMessage } from "./protocol.ts";
import { ResourceWindow } from "./resource-window.ts";

/** As in server.ts (SOCKET_MESSAGE_LIMIT) and app/realtime/socket.server.ts (DEFAULT_TIMINGS). */
const MESSAGE_LIMIT = 16 * 1024;
const POSITION_WINDOW_MS = 250;
const POSITION_WINDOW_MAX_MS = 1_000;
/** The app's form posts are far smaller; this only keeps a broken client from filling memory. */
const BODY_LIMIT = 64 * 1024;
/** An actor id as long as the app's (cuid-length) ids, so the payloads weigh the same. */
const ACTOR_ID = "bare-socket-baseline-0000";

function send(message: ChildMessage) {
  process.send?.(message);
}

interface PositionChange {
  userId: string;
  passageKey: string | null;
}

const roomOf = (groupId: unknown, day: unknown) => `lesson:${String(groupId)}:${String(day)}`;

function lessonOfRoom(room: string) {
  const [, groupId, day] = room.split(":");
  return { groupId: groupId!, day: Number(day) };
}

async function main() {
  if (!process.send) throw new Error("socket-baseline-process.ts is started by tests/bench/run.ts (it needs an IPC channel).");
  let seq = 0;
  let io: Server | undefined;

  const httpServer = http.createServer((request, response) => {
    const match = /^\/groups\/([^/?#]+)\/day\/(\d+)(?:[?#]|$)/.exec(request.url ?? "");
    if (request.method !== "POST" || !match) {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) request.destroy();
      else chunks.push(chunk);
    });
    request.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const groupId = decodeURIComponent(match[1]!);
      const day = Number(match[2]);
      const commentId = form.get("id") ?? "";
      seq += 1;
      io?.to(roomOf(groupId, day)).emit("discussion:changed", {
        groupId,
        day,
        seq,
        commentId,
        intent: form.get("intent") ?? "post",
        passageKey: form.get("passageKey"),
        actorId: ACTOR_ID,
        at: new Date().toISOString(),
      });
      response.writeHead(302, { location: `/groups/${match[1]}/day/${day}#c-${commentId}` }).end();
    });
  });
  const server = new Server(httpServer, { maxHttpBufferSize: MESSAGE_LIMIT, serveClient: false });
  io = server;

  const positions = new RoomBatcher<PositionChange>(
    (room) => Math.min(POSITION_WINDOW_MAX_MS, Math.max(POSITION_WINDOW_MS, server.sockets.adapter.rooms.get(room)?.size ?? 0)),
    (room, changes) => server.to(room).emit("positions:update", { ...lessonOfRoom(room), positions: changes }),
  );

  server.on("connection", (socket) => {
    const auth = socket.handshake.auth as { userId?: unknown };
    const userId = typeof auth.userId === "string" ? auth.userId : socket.id;
    socket.on("lesson:join", (payload: { groupId?: unknown; day?: unknown }, ack?: unknown) => {
      void socket.join(roomOf(payload?.groupId, payload?.day));
      if (typeof ack === "function") ack({ data: { present: [], session: null, myVotes: [], missed: null } });
    });
    socket.on("position:update", (payload: { groupId?: unknown; day?: unknown; passageKey?: unknown }, ack?: unknown) => {
      const passageKey = typeof payload?.passageKey === "string" ? payload.passageKey : null;
      positions.add(roomOf(payload?.groupId, payload?.day), userId, { userId, passageKey });
      if (typeof ack === "function") ack({ data: { ok: true } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;

  const window = new ResourceWindow();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      window.stop();
      positions.stop();
      server.disconnectSockets(true);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    })();
    return stopping;
  };
  const stopAndExit = () => {
    stop().finally(() => process.exit(0));
  };
  process.once("disconnect", stopAndExit);
  process.once("SIGINT", stopAndExit);
  process.once("SIGTERM", stopAndExit);

  process.on("message", (raw: ParentMessage) => {
    switch (raw.type) {
      case "stats-reset":
        window.reset();
        send({ id: raw.id, type: "ok" });
        break;
      case "stats":
        send({ id: raw.id, type: "stats", stats: window.read() });
        break;
      case "query-count":
        send({ id: raw.id, type: "error", message: "the bare Socket.IO server has no database" });
        break;
      case "stop":
        stopAndExit();
        break;
    }
  });
  send({ type: "socket-baseline-ready", url: `http://127.0.0.1:${port}` });
}

main().catch((error: unknown) => {
  send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  console.error(error);
  process.exit(1);
});
