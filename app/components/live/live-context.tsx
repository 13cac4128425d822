import { createContext, useContext, useEffect, useMemo, useRef } from "react";
import type { LiveStatus, TypingPerson } from "./use-lesson-live.ts";

interface LiveTyping {
  typing: TypingPerson[];
  sendTyping(target: string, typing: boolean): void;
  /** The live connection's state, and how many times it has (re)joined the lesson: "back online". */
  status: LiveStatus;
  joins: number;
}

const LiveTypingContext = createContext<LiveTyping>({ typing: [], sendTyping: () => {}, status: "connecting", joins: 0 });

/** The page's live connection, for a composer that waits to resend what it could not send. */
export function useLiveConnection() {
  const { status, joins } = useContext(LiveTypingContext);
  return { status, joins };
}
export const LiveTypingProvider = LiveTypingContext.Provider;

const RESEND_MS = 3_000;
const IDLE_MS = 4_000;

/**
 * For a composer: who else is writing in the same place, and a `typed()` to call on input. Tells
 * the others at most every few seconds, and that it stopped when the person pauses or leaves.
 */
export function useTypingIn(target: string) {
  const { typing, sendTyping } = useContext(LiveTypingContext);
  const lastSent = useRef(0);
  const stopTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(
    () => () => {
      clearTimeout(stopTimer.current);
      if (lastSent.current) sendTyping(target, false);
    },
    [target, sendTyping],
  );
  const names = useMemo(() => typing.filter((person) => person.target === target).map((person) => person.displayName), [typing, target]);
  return {
    names,
    typed() {
      if (Date.now() - lastSent.current > RESEND_MS) {
        lastSent.current = Date.now();
        sendTyping(target, true);
      }
      clearTimeout(stopTimer.current);
      stopTimer.current = setTimeout(() => {
        lastSent.current = 0;
        sendTyping(target, false);
      }, IDLE_MS);
    },
  };
}
