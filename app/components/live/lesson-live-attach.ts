/**
 * The lesson page's live listeners (use-lesson-live.ts): set up on the socket once it is connected.
 * A chunk loaded on demand with socket.io-client, after the page has hydrated, not part of the
 * page's initial JavaScript (docs/decisions/0016).
 */
import type { Dispatch, MutableRefObject, SetStateAction } from "react";
import type { DiscussionChange, LiveSessionView, PresencePerson } from "~/realtime/events.ts";
import type { LiveSocket } from "./socket.ts";
import type { CatchUpCursor } from "./catch-up-cursor.ts";
import type { CatchUp } from "./use-catch-up.ts";
import { targetOf, targetsOf } from "./passage-deltas.ts";
import { coalesce } from "~/realtime/coalesce.ts";
import { applyPresenceDelta } from "~/realtime/presence.ts";
import type { LiveStatus, TypingPerson } from "./use-lesson-live.ts";

const ACTIVITY_EVERY_MS = 60_000;
const TYPING_EXPIRES_MS = 6_000;
/** A reader's position goes out at most once a second, and only when it changed. */
export const POSITION_EVERY_MS = 1_000;

export interface LessonLiveState {
  groupId: string;
  day: number;
  userId: string;
  cursor: CatchUpCursor;
  socketRef: MutableRefObject<LiveSocket | null>;
  positionSender: MutableRefObject<ReturnType<typeof coalesce<string | null>> | null>;
  catchUpRef: MutableRefObject<CatchUp>;
  reloadFailedRef: MutableRefObject<number>;
  onChangeRef: MutableRefObject<((change: DiscussionChange) => void) | undefined>;
  onMissedRef: MutableRefObject<((changes: DiscussionChange[]) => void) | undefined>;
  setStatus: Dispatch<SetStateAction<LiveStatus>>;
  setPresent: Dispatch<SetStateAction<PresencePerson[]>>;
  setPositions: Dispatch<SetStateAction<ReadonlyMap<string, string>>>;
  setTyping: Dispatch<SetStateAction<TypingPerson[]>>;
  setSession: Dispatch<SetStateAction<LiveSessionView | null>>;
  setMyVotes: Dispatch<SetStateAction<string[]>>;
  setJoins: Dispatch<SetStateAction<number>>;
}

/** Sets up the listeners; returns their cleanup (which disconnects). */
export function attachLessonLive(socket: LiveSocket, state: LessonLiveState): () => void {
  const { groupId, day, userId, cursor, socketRef, positionSender, catchUpRef, reloadFailedRef, onChangeRef, onMissedRef } = state;
  const { setStatus, setPresent, setPositions, setTyping, setSession, setMyVotes, setJoins } = state;
    socketRef.current = socket;
    const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
    const sender = coalesce<string | null>((passageKey) => {
      if (socket.connected) socket.emit("position:update", { groupId, day, passageKey }, () => {});
    }, POSITION_EVERY_MS);
    positionSender.current = sender;
    const snapshotPositions = (people: PresencePerson[]) =>
      setPositions(new Map(people.flatMap((person) => (person.passageKey ? [[person.userId, person.passageKey] as const] : []))));

    socket.on("connect", async () => {
      const answer = await socket.emitWithAck("lesson:join", { groupId, day, after: cursor.value });
      if ("error" in answer) {
        setStatus("offline");
        return;
      }
      const { present: people, session: running, myVotes: votes, missed } = answer.data;
      setPresent(people);
      snapshotPositions(people);
      setSession((current) => running ?? (current?.status === "live" ? { ...current, status: "ended" } : current));
      setMyVotes(votes);
      setStatus("live");
      setJoins((count) => count + 1);
      // The server forgot this tab's position (a new connection): share it again if still sharing.
      sender.reset();
      if (missed) {
        // What happened meanwhile comes from the database, not from events that never arrived; the
        // cursor moves when the load has brought it (a drop before that asks for it again).
        // The server is back: a reload that failed meanwhile need not wait for its retry.
        if (reloadFailedRef.current > 0 || !missed.complete) catchUpRef.current.reload();
        else if (cursor.rejoined(missed)) {
          // A few passages changed: their deltas, and then the data reflects the whole list (its cursor).
          const targets = targetsOf(missed.changes.filter((change) => change.seq > cursor.value));
          if (targets) catchUpRef.current.delta(targets, () => cursor.loaded(missed.cursor));
          else catchUpRef.current.reload();
        }
        const byOthers = missed.changes.filter((change) => change.actorId !== userId);
        if (byOthers.length > 0) onMissedRef.current?.(byOthers);
      }
    });
    socket.on("disconnect", (reason) => setStatus(reason === "io client disconnect" ? "offline" : "reconnecting"));
    socket.io.on("reconnect_attempt", () => setStatus("reconnecting"));
    socket.on("connect_error", () => setStatus("reconnecting"));
    socket.on("presence:delta", (payload) => {
      if (payload.groupId !== groupId || payload.day !== day) return;
      setPresent((current) => applyPresenceDelta(current, payload));
      // People sent whole carry their shared position as it is now (none: not sharing); those gone, none.
      setPositions((current) => {
        const next = new Map(current);
        for (const userId of payload.gone) next.delete(userId);
        for (const person of payload.upsert) {
          if (person.passageKey) next.set(person.userId, person.passageKey);
          else next.delete(person.userId);
        }
        return next;
      });
    });
    socket.on("positions:update", (payload) => {
      if (payload.groupId !== groupId || payload.day !== day) return;
      setPositions((current) => {
        const next = new Map(current);
        for (const change of payload.positions) {
          if (change.passageKey) next.set(change.userId, change.passageKey);
          else next.delete(change.userId);
        }
        return next;
      });
    });
    socket.on("session:update", (payload) => {
      if (payload.groupId !== groupId || payload.day !== day) return;
      setSession(payload.session);
      if (payload.session.status !== "live") setPositions(new Map());
    });
    socket.on("discussion:changed", (change) => {
      if (change.groupId !== groupId || change.day !== day) return;
      // The person's other tabs and devices catch up too (unless the data already reflects it, as after
      // this tab's own form); only other people's activity is announced.
      if (cursor.heard(change)) catchUpRef.current.delta([targetOf(change)]);
      if (change.actorId !== userId) onChangeRef.current?.(change);
    });
    socket.on("typing:update", (update) => {
      if (update.groupId !== groupId || update.day !== day) return;
      const key = `${update.userId}:${update.target}`;
      clearTimeout(typingTimers.get(key));
      setTyping((current) => current.filter((person) => `${person.userId}:${person.target}` !== key));
      if (update.typing) {
        setTyping((current) => [...current, { userId: update.userId, displayName: update.displayName, target: update.target }]);
        typingTimers.set(
          key,
          setTimeout(() => setTyping((current) => current.filter((person) => `${person.userId}:${person.target}` !== key)), TYPING_EXPIRES_MS),
        );
      }
    });
    socket.on("group:membership-ended", (payload) => {
      if (payload.groupId === groupId) window.location.assign("/groups");
    });

    // Activity keeps the person "active" for the others; at most one message a minute.
    let lastActivity = Date.now();
    const activity = () => {
      if (Date.now() - lastActivity < ACTIVITY_EVERY_MS || !socket.connected) return;
      lastActivity = Date.now();
      socket.emit("presence:activity", {}, () => {});
    };
    const events = ["pointerdown", "keydown", "scroll", "focus"] as const;
    for (const event of events) window.addEventListener(event, activity, { passive: true });
    // Leave at once when the page goes away, instead of after a ping timeout.
    const leave = () => socket.disconnect();
    window.addEventListener("pagehide", leave);

    return () => {
      for (const event of events) window.removeEventListener(event, activity);
      window.removeEventListener("pagehide", leave);
      for (const timer of typingTimers.values()) clearTimeout(timer);
      sender.cancel();
      positionSender.current = null;
      socket.disconnect();
      socketRef.current = null;
    };
}
