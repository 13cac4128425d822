/**
 * The live layer of a group's lesson page: who of the group is here and who is writing where; new
 * activity by others (the page catches up by itself; activity on a passage out of view, or missed
 * while the connection was down, is announced visually and to screen readers, and the page never
 * jumps); and the lesson's live session — a side panel beside the text (collapsible; a drawer on
 * phones), a one-line strip above it that shows only when it has something to say, the facilitator's spotlight
 * ("gather here") with a gentle prompt, following the facilitator, and everyone's reading positions
 * for those who share them.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { useMediaQuery } from "~/components/reader/use-media-query.ts";
import type { LessonData } from "~/components/discussion/types.ts";
import { useAnnounce } from "~/components/reader/announcer.tsx";
import { passageId } from "~/components/reader/paths.ts";
import { useHydrated } from "~/components/reader/use-hydrated.ts";
import type { PassageOrder } from "~/models/live-session-rules.ts";
import type { DiscussionChange, LiveSessionView, PresencePerson } from "~/realtime/events.ts";
import { LiveTypingProvider } from "./live-context.tsx";
import { PresenceBar } from "./presence-bar.tsx";
import { scrollToPassage, useCurrentPassage } from "./reading-position.ts";
import { PositionsContext, SessionActionsContext, SessionForm, SpotlightContext, type Positions, type SessionActions, type Spotlight } from "./session-context.tsx";
import type { LiveStatus } from "./use-lesson-live.ts";
import { excerpt, groupPosition, SessionPanel } from "./session-panel.tsx";
import { useLessonLive } from "./use-lesson-live.ts";
import type { DeltaSource } from "./passage-deltas.ts";

/** What the lesson's loader says of live sessions. */
export interface LiveData {
  session: LiveSessionView | null;
  myVotes: string[];
  /** The latest discussion change the page's data reflects (read before the data): where catching up starts. */
  cursor: number;
  /** The viewer may start, spotlight and end sessions. */
  mayRun: boolean;
  /** The group's session running on another day, if any (only one runs at a time). */
  elsewhere: { day: number } | null;
  /** Without scripts: the confirmation step of "End the session" (`?confirm=end-session`). */
  confirmEnd?: boolean;
}

/** Wide enough for the session panel beside the text and its margin (matches app.css). */
export const SIDE_PANEL_QUERY = "(min-width: 80rem)";

interface LessonPresenceValue {
  present: PresencePerson[];
  status: LiveStatus;
  me: string;
  /** No session on this lesson (nor elsewhere) and the viewer may start one: on this day. */
  startOn?: number | null;
}

const LessonPresenceContext = createContext<LessonPresenceValue | null>(null);

/**
 * Who is here and the connection's state, small and quiet, in the lesson's toolbar; and for a
 * facilitator, when no session runs, "Start a live session here".
 */
export function LessonPresence() {
  const value = useContext(LessonPresenceContext);
  if (!value) return null;
  return (
    <div className="lesson-presence">
      <PresenceBar present={value.present} status={value.status} me={value.me} />
      {value.startOn ? (
        <SessionForm intent="start" fields={{ day: String(value.startOn) }} done="Live session started" className="session-start">
          <button type="submit" className="link-button">
            Start a live session here
          </button>
        </SessionForm>
      ) : null}
    </div>
  );
}

/** Keys that scroll the page: pressing one while following means "I'll find my own way". */
const SCROLL_KEYS = new Set(["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " ", "j", "k"]);

const shareKey = (sessionId: string) => `marginalia:share:${sessionId}`;

export function LiveLesson({
  data,
  live: initial,
  reloadFailed = 0,
  deltas,
  children,
}: {
  data: LessonData;
  live: LiveData;
  /** Merges a changed passage's delta into the page (ADR 15); without it a change reloads the page's data. */
  deltas?: DeltaSource;
  /** How many reloads in a row could not reach the server (the page keeps its data and retries). */
  reloadFailed?: number;
  children: React.ReactNode;
}) {
  const hydrated = useHydrated();
  const announce = useAnnounce();
  const [activity, setActivity] = useState<{ passageKey: string; count: number; away: boolean } | null>(null);
  const onChange = useCallback((change: DiscussionChange) => {
    if (!change.passageKey || !["post", "reply"].includes(change.intent)) return;
    const element = document.getElementById(passageId(change.passageKey));
    const rect = element?.getBoundingClientRect();
    const inView = rect ? rect.bottom > 0 && rect.top < window.innerHeight : false;
    if (!inView) setActivity((current) => ({ passageKey: change.passageKey!, count: (current?.count ?? 0) + 1, away: false }));
  }, []);
  const onMissed = useCallback((changes: DiscussionChange[]) => {
    const written = changes.filter((change) => change.passageKey && ["post", "reply"].includes(change.intent));
    if (written.length > 0) setActivity({ passageKey: written.at(-1)!.passageKey!, count: written.length, away: true });
  }, []);
  const live = useLessonLive({
    groupId: data.group.id,
    day: data.lesson.day,
    userId: data.me.id,
    cursor: initial.cursor,
    reloadFailed,
    deltas,
    session: initial.session,
    myVotes: initial.myVotes,
    onChange,
    onMissed,
  });
  const typing = useMemo(
    () => ({ typing: live.typing, sendTyping: live.sendTyping, status: live.status, joins: live.joins }),
    [live.typing, live.sendTyping, live.status, live.joins],
  );

  // ---- the session
  const session = live.session;
  const running = session?.status === "live" ? session : null;
  const me = data.me.id;
  const facilitator = running?.facilitator ?? null;
  const facilitating = facilitator?.id === me;
  const attending = running ? running.attendance.some((entry) => entry.userId === me) : false;
  const order: PassageOrder = useMemo(() => {
    const passages = data.readings.flatMap((reading) => reading.passages);
    return { keys: passages.map((passage) => passage.key), headings: passages.filter((passage) => passage.kind === "heading").map((passage) => ({ key: passage.key, text: passage.text })) };
  }, [data.readings]);
  const textOf = useMemo(() => {
    const texts = new Map(data.readings.flatMap((reading) => reading.passages.map((passage) => [passage.key, passage.text] as const)));
    return (key: string) => texts.get(key);
  }, [data.readings]);

  // Where this person reads is followed on the page during a session; it leaves the page only when shared.
  const current = useCurrentPassage(Boolean(running && attending && hydrated), order.keys.join(","));
  const [sharing, setSharingState] = useState(false);
  useEffect(() => {
    if (!running) return setSharingState(false);
    // The facilitator shares by default (members can follow them); members opt in. Remembered for this session in this tab.
    const stored = window.sessionStorage.getItem(shareKey(running.id));
    setSharingState(stored === null ? facilitating : stored === "1");
  }, [running?.id, facilitating]); // eslint-disable-line react-hooks/exhaustive-deps
  const setSharing = useCallback(
    (on: boolean) => {
      setSharingState(on);
      if (running) window.sessionStorage.setItem(shareKey(running.id), on ? "1" : "0");
      announce(on ? "Others in the session now see where you are reading" : "You stopped sharing where you are reading");
    },
    [running, announce],
  );
  const shared = useRef(false);
  useEffect(() => {
    if (!running || !attending) return;
    // Scrolled above the text, or not sharing: the others stop seeing a place for this person.
    const next = sharing ? current : null;
    if (next) {
      live.sharePosition(next);
      shared.current = true;
    } else if (shared.current) {
      live.sharePosition(null);
      shared.current = false;
    }
    // live.joins: after a reconnect the server has forgotten the position, so it goes out again.
  }, [sharing, current, running, attending, live.joins, live.sharePosition]); // eslint-disable-line react-hooks/exhaustive-deps

  // ---- following the facilitator, and the spotlight's gentle prompt
  const [following, setFollowingState] = useState(false);
  const setFollowing = useCallback(
    (on: boolean) => {
      setFollowingState(on);
      announce(on ? `Following ${facilitator?.displayName ?? "the facilitator"}` : `Stopped following ${facilitator?.displayName ?? "the facilitator"}`);
    },
    [announce, facilitator?.displayName],
  );
  useEffect(() => {
    if (!running || facilitating) setFollowingState(false);
  }, [running, facilitating]);
  const facilitatorKey = facilitator ? live.positions.get(facilitator.id) : undefined;
  useEffect(() => {
    if (following && facilitatorKey) scrollToPassage(facilitatorKey);
  }, [following, facilitatorKey]);
  useEffect(() => {
    if (!following) return;
    const stop = () => setFollowing(false);
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable]")) return;
      if (SCROLL_KEYS.has(event.key)) stop();
    };
    window.addEventListener("wheel", stop, { passive: true });
    window.addEventListener("touchmove", stop, { passive: true });
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("wheel", stop);
      window.removeEventListener("touchmove", stop);
      window.removeEventListener("keydown", onKey);
    };
  }, [following, setFollowing]);

  const [prompt, setPrompt] = useState<{ passageKey: string; at: string } | null>(null);
  const seenSpotlight = useRef(initial.session?.spotlight?.at ?? null);
  const spotlight = running?.spotlight ?? null;
  useEffect(() => {
    if (!spotlight) {
      setPrompt(null);
      return;
    }
    if (spotlight.at === seenSpotlight.current) return;
    seenSpotlight.current = spotlight.at;
    if (facilitating) return;
    if (following) scrollToPassage(spotlight.passageKey);
    else setPrompt(spotlight);
  }, [spotlight, facilitating, following]);
  const goTo = (passageKey: string) => {
    setPrompt(null);
    if (scrollToPassage(passageKey)) document.getElementById(passageId(passageKey))?.focus({ preventScroll: true });
  };

  // ---- contexts for the text
  const actions: SessionActions = useMemo(
    () => ({
      actionHref: `/groups/${data.group.id}/sessions`,
      redirectTo: `/groups/${data.group.id}/day/${data.lesson.day}`,
      hydrated,
      answered: live.sessionAnswered,
    }),
    [data.group.id, data.lesson.day, hydrated, live.sessionAnswered],
  );
  const spotlightValue: Spotlight = useMemo(
    () => ({ sessionId: running?.id ?? null, passageKey: spotlight?.passageKey ?? null, facilitator: facilitator?.displayName ?? null, canSpotlight: Boolean(running && initial.mayRun) }),
    [running?.id, spotlight?.passageKey, facilitator?.displayName, initial.mayRun], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const names = useMemo(() => {
    const map = new Map(data.members.map((member) => [member.id, member.displayName]));
    for (const person of live.present) map.set(person.userId, person.displayName);
    return map;
  }, [data.members, live.present]);
  const othersPositions = useMemo(() => {
    const map = new Map(live.positions);
    map.delete(me);
    return map;
  }, [live.positions, me]);
  const positionsValue: Positions = useMemo(
    () => ({ byUser: running ? othersPositions : new Map(), names, facilitatorId: facilitator?.id ?? null }),
    [running, othersPositions, names, facilitator?.id],
  );

  const followName = facilitator?.displayName ?? "the facilitator";
  const stripLine = running
    ? groupPosition({ positions: live.positions, me, current, sharing, order, facilitatorId: facilitator?.id ?? null }).line
    : null;

  // The session panel: beside the text on wide screens (collapsible), a drawer on narrower ones
  // (closed until asked for). Without scripts it is open: beside the text, or after the lesson.
  const wideSession = useMediaQuery(SIDE_PANEL_QUERY, true);
  const [panelChoice, setPanelChoice] = useState<boolean | null>(null);
  const panelOpen = Boolean(running) && (panelChoice ?? wideSession);
  const panelToggle = useRef<HTMLButtonElement>(null);
  const drawer = hydrated && !wideSession;
  const closePanel = useCallback(() => {
    setPanelChoice(false);
    panelToggle.current?.focus();
  }, []);
  const openPanel = useCallback(() => {
    setPanelChoice(true);
    // On a drawer, focus moves into it.
    if (!window.matchMedia(SIDE_PANEL_QUERY).matches) requestAnimationFrame(() => document.getElementById("live-session")?.focus({ preventScroll: true }));
  }, []);
  useEffect(() => setPanelChoice(null), [running?.id]);
  const presence: LessonPresenceValue = useMemo(
    () => ({
      present: live.present,
      // Connected, but the page's data could not be loaded: still reconnecting, as far as the reader goes.
      status: live.status === "live" && reloadFailed > 0 ? "reconnecting" : live.status,
      me,
      startOn: !session && !initial.elsewhere && initial.mayRun ? data.lesson.day : null,
    }),
    [live.present, live.status, reloadFailed, me, session, initial.elsewhere, initial.mayRun, data.lesson.day],
  );
  const openQuestions = running ? running.questions.filter((question) => !question.answered).length : 0;
  const sessionLine = running ? (
    <p className="session-strip">
      <span className="live-badge">Live session</span>{" "}
      <span className="session-strip-text">
        {attending ? (facilitating ? "You are facilitating" : `with ${followName}`) : `with ${followName} · you have not joined`}
        {attending && stripLine ? ` · ${stripLine}` : ""}
      </span>
      {attending ? (
        <span className="session-strip-questions">
          {" · "}
          <a
            href="#live-session"
            onClick={(event) => {
              if (!hydrated) return;
              event.preventDefault();
              openPanel();
            }}
          >{`Questions (${openQuestions} open)`}</a>
        </span>
      ) : null}
      {hydrated ? (
        <button
          type="button"
          ref={panelToggle}
          className="strip-toggle"
          aria-expanded={panelOpen}
          aria-controls="live-session-side"
          onClick={() => (panelOpen ? closePanel() : openPanel())}
        >
          {panelOpen ? "Hide the session" : attending ? "Session" : "Join"}
        </button>
      ) : null}
    </p>
  ) : session && session.status !== "live" ? (
    <p className="session-strip" role="status">
      {session.status === "ended" ? "This live session has ended." : "This session has not started yet."}{" "}
      {session.status === "ended" ? <a href={`/groups/${data.group.id}/sessions/${session.id}`}>See the summary</a> : null}
    </p>
  ) : !session && initial.elsewhere ? (
    <p className="session-strip">
      <span className="live-badge">Live session</span> The group is meeting on Day {initial.elsewhere.day}.{" "}
      <a href={`/groups/${data.group.id}/day/${initial.elsewhere.day}`}>Go to the session</a>
    </p>
  ) : null;
  const notes = (
    <>
      {activity ? (
        <p>
          {activity.away
            ? `While you were away: ${activity.count === 1 ? "a new comment" : `${activity.count} new comments`}.`
            : `${activity.count === 1 ? "A new comment" : `${activity.count} new comments`} further on.`}{" "}
          <a href={`?open=${activity.passageKey}#p-${activity.passageKey}`} onClick={() => setActivity(null)}>
            Show
          </a>{" "}
          <button type="button" className="link-button" onClick={() => setActivity(null)}>
            Dismiss
          </button>
        </p>
      ) : null}
      {prompt && running ? (
        <p className="spotlight-prompt">
          {facilitator?.displayName ?? "The facilitator"} asks everyone to gather at “{excerpt(textOf(prompt.passageKey))}”.{" "}
          <button type="button" className="link-button" onClick={() => goTo(prompt.passageKey)}>
            Go there
          </button>{" "}
          <button type="button" className="link-button" onClick={() => setPrompt(null)}>
            Not now
          </button>
        </p>
      ) : null}
      {following && running ? (
        <p className="following-note">
          Following {followName}
          {facilitatorKey ? "" : ` (waiting for ${followName} to share where they read)`}.{" "}
          <button type="button" className="link-button" onClick={() => setFollowing(false)}>
            Stop following
          </button>
        </p>
      ) : null}
    </>
  );
  const saysSomething = Boolean(sessionLine) || Boolean(activity) || Boolean(prompt && running) || Boolean(following && running);
  return (
    <SessionActionsContext.Provider value={actions}>
      <SpotlightContext.Provider value={spotlightValue}>
        <PositionsContext.Provider value={positionsValue}>
          <LiveTypingProvider value={typing}>
            <LessonPresenceContext.Provider value={presence}>
            <div className="lesson-layout" data-side={running ? (panelOpen ? "open" : "closed") : undefined}>
            {/* One line, aligned with the text, and only when it has something to say. */}
            <div className="live-strip" data-empty={!saysSomething || undefined}>
              <div className="live-strip-inner">
                {sessionLine}
                <div aria-live="polite" className="live-activity">
                  {notes}
                </div>
              </div>
            </div>
            {children}
            {running ? (
              <aside
                id="live-session-side"
                className="session-side"
                aria-label="Live session panel"
                data-open={panelOpen}
                data-drawer={drawer || undefined}
                hidden={hydrated && !panelOpen ? true : undefined}
                onKeyDown={(event) => {
                  if (event.key !== "Escape" || !drawer || event.defaultPrevented) return;
                  const target = event.target as HTMLElement;
                  if (target.matches("input, textarea") && (target as HTMLInputElement).value.trim() !== "") return;
                  if (target.closest("dialog[open]")) return;
                  event.preventDefault();
                  closePanel();
                }}
              >
                {hydrated ? (
                  <button type="button" className="icon-button session-side-close" aria-label="Hide the session panel" onClick={closePanel}>
                    <span aria-hidden="true">×</span>
                  </button>
                ) : null}
            <SessionPanel
              session={session}
              me={me}
              mayRun={initial.mayRun}
              elsewhere={initial.elsewhere}
              day={data.lesson.day}
              groupId={data.group.id}
              present={live.present}
              positions={running ? live.positions : new Map()}
              order={order}
              textOf={textOf}
              current={current}
              sharing={sharing}
              onSharing={setSharing}
              following={following}
              onFollowing={setFollowing}
              myVotes={live.myVotes}
              seed={data.seed}
              confirmEnd={initial.confirmEnd ?? false}
            />
              </aside>
            ) : null}
            </div>
            </LessonPresenceContext.Provider>
          </LiveTypingProvider>
        </PositionsContext.Provider>
      </SpotlightContext.Provider>
    </SessionActionsContext.Provider>
  );
}
