/**
 * Live presence and discussion for one group's lesson. Connects once (WebSocket only, so a closed
 * page never lingers as a polling ghost), joins the lesson's room, and re-joins after every
 * reconnect. Changes by others make the page catch up from the server through its loader — the
 * database is the source of truth, events only say "look again".
 */
import { useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, DiscussionChange, PresencePerson, ServerToClientEvents } from "~/realtime/events.ts";

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type LiveStatus = "connecting" | "live" | "reconnecting" | "offline";

const ACTIVITY_EVERY_MS = 60_000;
const TYPING_EXPIRES_MS = 6_000;
const REVALIDATE_DEBOUNCE_MS = 250;

export interface TypingPerson {
  userId: string;
  displayName: string;
  target: string;
}

export function useLessonLive(options: {
  groupId: string;
  day: number;
  userId: string;
  /** Called for each change made by someone else (the page catches up on every change, its own too). */
  onChange?: (change: DiscussionChange) => void;
}) {
  const { groupId, day, userId } = options;
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const [present, setPresent] = useState<PresencePerson[]>([]);
  const [typing, setTyping] = useState<TypingPerson[]>([]);
  const socketRef = useRef<LiveSocket | null>(null);
  const revalidator = useRevalidator();
  const revalidateRef = useRef(revalidator.revalidate);
  revalidateRef.current = revalidator.revalidate;
  const onChangeRef = useRef(options.onChange);
  onChangeRef.current = options.onChange;

  useEffect(() => {
    const socket: LiveSocket = io({ transports: ["websocket"], reconnectionDelayMax: 10_000 });
    socketRef.current = socket;
    let revalidateTimer: ReturnType<typeof setTimeout> | undefined;
    const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
    const catchUp = () => {
      clearTimeout(revalidateTimer);
      revalidateTimer = setTimeout(() => revalidateRef.current(), REVALIDATE_DEBOUNCE_MS);
    };
    let connectedBefore = false;

    socket.on("connect", async () => {
      const answer = await socket.emitWithAck("lesson:join", { groupId, day });
      if ("error" in answer) {
        setStatus("offline");
        return;
      }
      setPresent(answer.data.present);
      setStatus("live");
      // Back after a drop: whatever happened meanwhile comes from the server, not from missed events.
      if (connectedBefore) catchUp();
      connectedBefore = true;
    });
    socket.on("disconnect", (reason) => setStatus(reason === "io client disconnect" ? "offline" : "reconnecting"));
    socket.io.on("reconnect_attempt", () => setStatus("reconnecting"));
    socket.on("connect_error", () => setStatus("reconnecting"));
    socket.on("presence:update", (payload) => {
      if (payload.groupId === groupId && payload.day === day) setPresent(payload.present);
    });
    socket.on("discussion:changed", (change) => {
      if (change.groupId !== groupId || change.day !== day) return;
      // The person's other tabs and devices catch up too; only other people's activity is announced.
      catchUp();
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
    socket.on("session:ended", () => window.location.reload());
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
      clearTimeout(revalidateTimer);
      for (const timer of typingTimers.values()) clearTimeout(timer);
      socket.disconnect();
      socketRef.current = null;
    };
  }, [groupId, day, userId]);

  /** Tell the others this person is (or stopped) writing in `target` ("new:<passageKey>" or a thread id). */
  const sendTyping = useCallback(
    (target: string, isTyping: boolean) => {
      socketRef.current?.emit("typing", { groupId, day, target, typing: isTyping }, () => {});
    },
    [groupId, day],
  );

  return { status, present, typing: typing.filter((person) => person.userId !== userId), sendTyping };
}
