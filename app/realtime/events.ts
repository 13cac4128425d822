/**
 * The typed Socket.IO event maps shared by the browser and the server, and the Zod schemas of every
 * client payload. Every client event is answered through an acknowledgement `{ data } | { error }`.
 */
import { z } from "zod";

export type AckError = { code: "invalid" | "forbidden" | "not-found" | "rate-limited" | "server-error"; message: string };
export type AckResponse<T> = { data: T } | { error: AckError };
export type Ack<T> = (response: AckResponse<T>) => void;

export interface PresencePerson {
  userId: string;
  displayName: string;
  state: "active" | "idle";
}

export const lessonRefSchema = z.object({
  groupId: z.string().min(1).max(40),
  day: z.number().int().min(1).max(10_000),
});
export type LessonRef = z.infer<typeof lessonRefSchema>;

export const typingSchema = lessonRefSchema.extend({
  /** What is being written: a thread id (a reply) or `new:<passageKey>` (a new thread). */
  target: z.string().min(1).max(80),
  typing: z.boolean(),
});

export const emptySchema = z.object({}).strict();

export interface DiscussionChange {
  commentId: string;
  intent: string;
  /** The passage the change is on, when known: for "new activity on a passage outside the viewport". */
  passageKey: string | null;
  actorId: string;
  at: string;
}

export interface ClientToServerEvents {
  /** Who the server thinks this connection belongs to. */
  "session:whoami": (payload: Record<string, never>, ack: Ack<{ userId: string; displayName: string }>) => void;
  /** Enter a group's lesson: presence and live discussion for it. */
  "lesson:join": (payload: LessonRef, ack: Ack<{ present: PresencePerson[] }>) => void;
  "lesson:leave": (payload: LessonRef, ack: Ack<{ left: true }>) => void;
  /** The person did something on the page (throttled by the client): not idle. */
  "presence:activity": (payload: Record<string, never>, ack: Ack<{ ok: true }>) => void;
  "typing": (payload: z.infer<typeof typingSchema>, ack: Ack<{ ok: true }>) => void;
}

export interface ServerToClientEvents {
  /** The session behind this connection ended (logout, password change): the page should reload. */
  "session:ended": (payload: { reason: "logout" | "logout-everywhere" | "password-changed" }) => void;
  /** Everyone in this group's lesson now, each person once. */
  "presence:update": (payload: LessonRef & { present: PresencePerson[] }) => void;
  /** Something in the lesson's discussion changed: catch up from the server (the page's loader). */
  "discussion:changed": (payload: LessonRef & DiscussionChange) => void;
  "typing:update": (payload: LessonRef & { userId: string; displayName: string; target: string; typing: boolean }) => void;
  /** The person was removed from the group or left it: the group's pages no longer apply. */
  "group:membership-ended": (payload: { groupId: string }) => void;
}

export interface InterServerEvents {}

export interface SocketData {
  userId: string;
  displayName: string;
  sessionId: string;
  /** Milliseconds since the epoch of the person's last activity on the page. */
  lastActiveAt: number;
}
