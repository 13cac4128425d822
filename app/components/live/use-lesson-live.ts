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
import type { DeltaSource } from "./passage-deltas.ts";
import type { coalesce } from "~/realtime/coalesce.ts";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "offline";


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

/**
 * The listeners themselves (lesson-live-attach.ts) load on demand with socket.io-client: nothing of
 * them runs before the socket is there.
 */
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
    // The listeners are a chunk of their own, loaded beside socket.io-client after the page hydrates.
    const attach = import("./lesson-live-attach.ts").then(
      ({ attachLessonLive }) =>
        (socket: LiveSocket) =>
          attachLessonLive(socket, {
            groupId, day, userId, cursor, socketRef, positionSender, catchUpRef, reloadFailedRef, onChangeRef, onMissedRef,
            setStatus, setPresent, setPositions, setTyping, setSession, setMyVotes, setJoins,
          }),
    );
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
