/**
 * The typed Socket.IO event maps shared by the browser and the server, and the Zod schemas of every
 * client payload. Every client event is answered through an acknowledgement `{ data } | { error }`.
 */
import { z } from "zod";
import type { LiveSessionView } from "~/models/live-session.server.ts";
import type { PresenceDelta } from "./presence.ts";

export type { LiveSessionView };

export type AckError = { code: "invalid" | "unauthorized" | "forbidden" | "not-found" | "rate-limited" | "server-error"; message: string };
export type AckResponse<T> = { data: T } | { error: AckError };
export type Ack<T> = (response: AckResponse<T>) => void;

export interface PresencePerson {
  userId: string;
  displayName: string;
  state: "active" | "idle";
  /**
   * During a live session, the passage this person is reading, if they chose to share it (their
   * most recently moved tab); absent otherwise. Never stored: it lives on the socket.
   */
  passageKey?: string;
}

/** A change of shared reading positions since the last batch: null means "stopped sharing". */
export interface PositionChange {
  userId: string;
  passageKey: string | null;
}

/** Ids are URL-safe (cuid, or chosen by the client: ADR 6); anything else (control characters…) is refused. */
export const groupIdSchema = z.string({ error: "The group id must be a string." }).regex(/^[A-Za-z0-9_-]{1,40}$/, "Malformed group id.");

export const lessonRefSchema = z.object({
  groupId: groupIdSchema,
  day: z.number({ error: "The day must be a number." }).int("The day must be a whole number.").min(1, "No such day.").max(10_000, "No such day."),
});
export type LessonRef = z.infer<typeof lessonRefSchema>;

export const joinSchema = lessonRefSchema.extend({
  /** The last discussion change the page has seen (LessonEvent id): what happened since comes back. */
  after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export const passageKeySchema = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, "Malformed passage key.");

export const positionSchema = lessonRefSchema.extend({
  /** The passage being read; null stops sharing. */
  passageKey: passageKeySchema.nullable(),
});

export const groupWatchSchema = z.object({ groupId: groupIdSchema });

export const typingSchema = lessonRefSchema.extend({
  /** What is being written: a thread id (a reply) or `new:<passageKey>` (a new thread). */
  target: z
    .string({ error: "The typing target must be a string." })
    .regex(/^(?:new:|edit:)?[A-Za-z0-9_-]{1,80}$/, "Malformed typing target: a thread id, new:<passage> or edit:<comment>."),
  typing: z.boolean({ error: "typing must be true or false." }),
});

export const emptySchema = z.object({}).strict();

export interface DiscussionChange {
  /** The change's place in the lesson's log (LessonEvent id): the page's catch-up cursor. */
  seq: number;
  commentId: string;
  intent: string;
  /** The passage the change is on, when known: for "new activity on a passage outside the viewport". */
  passageKey: string | null;
  actorId: string;
  at: string;
}

/** What a page that was away missed, from the database (null: it sent no cursor). */
export interface Missed {
  changes: DiscussionChange[];
  /** False when more happened than fits, or the log no longer reaches back that far: reload it all. */
  complete: boolean;
  cursor: number;
}

export interface JoinAnswer {
  present: PresencePerson[];
  /** The lesson's running live session, if any. */
  session: LiveSessionView | null;
  /** The questions of that session this person upvoted (votes are not broadcast with names). */
  myVotes: string[];
  missed: Missed | null;
}

/** The group's running session, in brief: for the group's home page. */
export interface LiveBrief {
  sessionId: string;
  day: number;
  lessonTitle: string;
  title: string;
  facilitator: string | null;
  startedAt: string | null;
}

/** Why a connection's session ended: the first three as it happens, the last two found by the re-check. */
export type SessionEndReason = "logout" | "logout-everywhere" | "password-changed" | "expired" | "revoked";

export interface ClientToServerEvents {
  /** Who the server thinks this connection belongs to. */
  "session:whoami": (payload: Record<string, never>, ack: Ack<{ userId: string; displayName: string }>) => void;
  /** Enter a group's lesson: presence and live discussion for it. */
  "lesson:join": (payload: z.infer<typeof joinSchema>, ack: Ack<JoinAnswer>) => void;
  "lesson:leave": (payload: LessonRef, ack: Ack<{ left: true }>) => void;
  /** The person did something on the page (throttled by the client): not idle. */
  "presence:activity": (payload: Record<string, never>, ack: Ack<{ ok: true }>) => void;
  "typing": (payload: z.infer<typeof typingSchema>, ack: Ack<{ ok: true }>) => void;
  /** During a live session, a member who opted in shares which passage they are reading. */
  "position:update": (payload: z.infer<typeof positionSchema>, ack: Ack<{ ok: true }>) => void;
  /** The group's home page: tell me when a live session starts or ends. */
  "group:watch": (payload: z.infer<typeof groupWatchSchema>, ack: Ack<{ live: LiveBrief | null }>) => void;
}

export interface ServerToClientEvents {
  /** The session behind this connection ended (logout, password change): the page should reload. */
  "session:ended": (payload: { reason: SessionEndReason }) => void;
  /**
   * Who arrived, changed (idle, active) or left this group's lesson, each person once; the full list
   * comes with `lesson:join`'s answer (apply with applyPresenceDelta).
   */
  "presence:delta": (payload: LessonRef & PresenceDelta) => void;
  /** Something in the lesson's discussion changed: catch up from the server (the page's loader). */
  "discussion:changed": (payload: LessonRef & DiscussionChange) => void;
  "typing:update": (payload: LessonRef & { userId: string; displayName: string; target: string; typing: boolean }) => void;
  /** The person was removed from the group or left it: the group's pages no longer apply. */
  "group:membership-ended": (payload: { groupId: string }) => void;
  /** Shared reading positions that changed, batched per room (a few times a second at most). */
  "positions:update": (payload: LessonRef & { positions: PositionChange[] }) => void;
  /** The lesson's live session changed (started, spotlight, questions, votes, attendance, ended). */
  "session:update": (payload: LessonRef & { session: LiveSessionView }) => void;
  /** A live session of the group started or ended (the group's home page). */
  "group:session": (payload: { groupId: string; live: LiveBrief | null }) => void;
}

export interface InterServerEvents {
  /** A lesson's running session changed: each process refreshes what it knows and clears positions when it ended. */
  "lesson:session": (payload: LessonRef & { sessionId: string | null; facilitatorId: string | null }) => void;
}

export interface SocketData {
  userId: string;
  displayName: string;
  sessionId: string;
  /** Milliseconds since the epoch of the person's last activity on the page. */
  lastActiveAt: number;
  /** The shared reading position (live sessions only, opted in): never written anywhere else. */
  position?: { room: string; passageKey: string; at: number };
}
