import type { PresencePerson } from "~/realtime/events.ts";
import type { LiveStatus } from "./use-lesson-live.ts";

const STATUS_TEXT: Record<LiveStatus, string> = {
  connecting: "Connecting…",
  live: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline: reload to see new comments",
};

/** "Mira (moderator)" → "MM": the first letter of the first two words that have letters. */
export function initials(name: string) {
  const letters = name.match(/\p{L}[\p{L}\p{M}'’-]*/gu) ?? [];
  return letters
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase())
    .join("") || "?";
}

/**
 * Who of the group is on this lesson now, each person once; and, quietly, the connection: a small
 * dot that says "Connected" to screen readers (and on hover), words only when something is wrong.
 */
export function PresenceBar({ present, status, me }: { present: PresencePerson[]; status: LiveStatus; me: string }) {
  const others = present.filter((person) => person.userId !== me);
  return (
    <div className="presence-bar" aria-label="Who is here">
      <span className="live-status" data-status={status} role="status" title={STATUS_TEXT[status]}>
        <span className="live-status-dot" aria-hidden="true" />
        <span className={status === "live" ? "visually-hidden" : "live-status-text"}>{STATUS_TEXT[status]}</span>
      </span>
      {status === "live" ? (
        <>
          <ul className="presence-avatars">
            {present.map((person) => (
              <li key={person.userId} data-state={person.state} title={`${person.displayName}${person.state === "idle" ? " (idle)" : ""}`}>
                <span aria-hidden="true">{initials(person.displayName)}</span>
                <span className="visually-hidden">
                  {person.displayName}
                  {person.userId === me ? " (you)" : ""}
                  {person.state === "idle" ? ", idle" : ""}
                </span>
              </li>
            ))}
          </ul>
          <span className="presence-count">
            {others.length === 0 ? "Only you are here" : `${others.length + 1} here now`}
          </span>
        </>
      ) : null}
    </div>
  );
}

/** "Ada is replying…" for a thread or a passage's composer. */
export function TypingNote({ names }: { names: string[] }) {
  if (names.length === 0) return null;
  const who = names.length === 1 ? names[0] : names.length === 2 ? `${names[0]} and ${names[1]}` : `${names[0]} and ${names.length - 1} others`;
  return (
    <p className="typing-note" aria-live="polite">
      {who} {names.length === 1 ? "is" : "are"} writing…
    </p>
  );
}
