/**
 * The typed Socket.IO event maps shared by the browser and the server. Every client event is
 * answered through an acknowledgement carrying `{ data }` or `{ error }`.
 */
export type Ack<T> = (response: { data: T } | { error: { code: string; message: string } }) => void;

export interface ClientToServerEvents {
  /** Who the server thinks this connection belongs to. */
  "session:whoami": (payload: Record<string, never>, ack: Ack<{ userId: string; displayName: string }>) => void;
}

export interface ServerToClientEvents {
  /** The session behind this connection ended (logout, password change): the page should reload. */
  "session:ended": (payload: { reason: "logout" | "logout-everywhere" | "password-changed" }) => void;
}

export interface InterServerEvents {}

export interface SocketData {
  userId: string;
  displayName: string;
  sessionId: string;
}
