/**
 * Live presence, discussion and session state for one group's lesson. Connects once, joins the
 * lesson's room with the last discussion change the page's loaded data reflects (its cursor), and
 * joins again after every reconnect: the server answers with who is here, the running live session,
 * and every change after that cursor, read from the database. Changes make the page catch up — the
 * database is the source of truth, events only say "look again": the changed passage's delta when the
 * page has a delta source (ADR 15), else its loader; the cursor moves only when data reflecting it
 * has arrived (a load, or every delta of a join's complete list of missed changes: CatchUpCursor).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { DiscussionChange, LiveSessionView, PresencePerson } from "~/realtime/events.ts";
import { withLiveSocket, type LiveSocket } from "./socket.ts";
import { CatchUpCursor } from "./catch-up-cursor.ts";
import { useCatchUp } from "./use-catch-up.ts";
import { targetOf, targetsOf, type DeltaSource } from "./passage-deltas.ts";
import { coalesce } from "~/realtime/coalesce.ts";
import { applyPresenceDelta } from "~/realtime/presence.ts";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "offline";

const ACTIVITY_EVERY_MS = 60_000;
const TYPING_EXPIRES_MS = 6_000;
/** A reader's position goes out at most once a second, and only when it changed. */
export const POSITION_EVERY_MS = 1_000;

export interface TypingPerson {
  userId: string;
  displayName: string;
  target: string;
}

export interface LessonLiveOptions {
  groupId: string;
  day: number;
  userId: string;
  /** The last discussion change the loader's data reflects (LessonEvent id, read before the data). */
  cursor: number;
  /** How many reloads in a row failed (the server restarting, a lost connection); 0 when the data is fresh. */
  reloadFailed?: number;
  /** The running session as the loader saw it, until the socket says more. */
  session: LiveSessionView | null;
  myVotes: string[];
  /** Fetches and merges one passage's delta (ADR 15); without it every change reloads the page's data. */
  deltas?: DeltaSource;
  /** Each change made by someone else while connected (the page catches up on every change, its own too). */
  onChange?: (change: DiscussionChange) => void;
  /** Changes by others that happened while the page was away, after a reconnect. */
  onMissed?: (changes: DiscussionChange[]) => void;
}

export function useLessonLive(options: LessonLiveOptions) {
  const { groupId, day, userId } = options;
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const [present, setPresent] = useState<PresencePerson[]>([]);
  const [positions, setPositions] = useState<ReadonlyMap<string, string>>(() => new Map());
  const [typing, setTyping] = useState<TypingPerson[]>([]);
  const [session, setSession] = useState<LiveSessionView | null>(options.session);
  const [myVotes, setMyVotes] = useState<string[]>(options.myVotes);
  /** Counts successful joins: something to watch for "back online" (the composer resends then). */
  const [joins, setJoins] = useState(0);
  const socketRef = useRef<LiveSocket | null>(null);
  const cursorRef = useRef<CatchUpCursor | null>(null);
  cursorRef.current ??= new CatchUpCursor(options.cursor);
  // Only loaded data moves the cursor: an event or a join's answer never does.
  cursorRef.current.loaded(options.cursor);
  const cursor = cursorRef.current;
  const catchUp = useCatchUp(options.reloadFailed ?? 0, options.deltas);
  const catchUpRef = useRef(catchUp);
  catchUpRef.current = catchUp;
  const reloadFailedRef = useRef(options.reloadFailed ?? 0);
  reloadFailedRef.current = options.reloadFailed ?? 0;
  const onChangeRef = useRef(options.onChange);
  onChangeRef.current = options.onChange;
  const onMissedRef = useRef(options.onMissed);
  onMissedRef.current = options.onMissed;
  const positionSender = useRef<ReturnType<typeof coalesce<string | null>> | null>(null);

  useEffect(() => {
    // Connects once socket.io-client has loaded (its own chunk); the cleanup also covers a page left before.
    const attach = (socket: LiveSocket) => {
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
    };
    return withLiveSocket(attach, () => setStatus("offline"));
  }, [groupId, day, userId]);

  /** Tell the others this person is (or stopped) writing in `target` ("new:<passageKey>" or a thread id). */
  const sendTyping = useCallback(
    (target: string, isTyping: boolean) => {
      socketRef.current?.emit("typing", { groupId, day, target, typing: isTyping }, () => {});
    },
    [groupId, day],
  );

  /** Share the passage being read (null: stop sharing). Coalesced: call it as often as the page likes. */
  const sharePosition = useCallback((passageKey: string | null) => positionSender.current?.push(passageKey), []);

  /** A session form's answer carries the session as it is now: show it without waiting for the broadcast. */
  const sessionAnswered = useCallback((next: LiveSessionView | null | undefined, votes: string[] | undefined) => {
    if (next) setSession(next);
    if (votes) setMyVotes(votes);
  }, []);

  return {
    status,
    present,
    positions,
    session,
    myVotes,
    joins,
    typing: typing.filter((person) => person.userId !== userId),
    sendTyping,
    sharePosition,
    sessionAnswered,
  };
}
