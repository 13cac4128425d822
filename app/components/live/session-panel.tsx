/**
 * The running live session of a lesson, in the side panel beside its text (a drawer on phones): join it, share where you read, follow the
 * facilitator, see where the group is ("6 of 9 are past Method"), raise and upvote questions; the
 * facilitator also sees attendance and ends the session. Every form works without JavaScript;
 * sharing and following need it (they are about scrolling).
 */
import { useContext, useEffect, useId, useRef, useState } from "react";
import { composerId, randomCommentId } from "~/components/discussion/ids.ts";
import { passageId } from "~/components/reader/paths.ts";
import { MAX_QUESTION_LENGTH, pastHeading, sectionOf, type PassageOrder } from "~/models/live-session-rules.ts";
import type { LiveSessionView, PresencePerson } from "~/realtime/events.ts";
import { SessionActionsContext, SessionForm } from "./session-context.tsx";

export interface SessionPanelProps {
  session: LiveSessionView | null;
  me: string;
  mayRun: boolean;
  /** The group's session running on another day, if any. */
  elsewhere: { day: number } | null;
  day: number;
  groupId: string;
  present: PresencePerson[];
  /** userId → passage key of the others sharing where they read. */
  positions: ReadonlyMap<string, string>;
  order: PassageOrder;
  textOf: (key: string) => string | undefined;
  /** The passage this person is reading now (tracked on the page; shared only when `sharing`). */
  current: string | null;
  sharing: boolean;
  onSharing: (on: boolean) => void;
  following: boolean;
  onFollowing: (on: boolean) => void;
  myVotes: readonly string[];
  seed: string;
  /** Without scripts, "End the session…" leads here first (`?confirm=end-session`): the confirmation step. */
  confirmEnd?: boolean;
}

export function excerpt(text: string | undefined, words = 8) {
  if (!text) return "a passage";
  const parts = text.split(/\s+/);
  return parts.length <= words ? text : `${parts.slice(0, words).join(" ")}…`;
}

export function SessionPanel(props: SessionPanelProps) {
  const { session, me, mayRun } = props;
  const { hydrated } = useContext(SessionActionsContext);
  const attending = session?.attendance.some((entry) => entry.userId === me) ?? false;
  // "Join the session" goes away once joined: focus moves on to what joining offers (sharing where
  // you read), or to the panel, never to the page's start.
  const panel = useRef<HTMLElement>(null);
  const justJoined = useRef(false);
  useEffect(() => {
    if (!attending || !justJoined.current) return;
    justJoined.current = false;
    (panel.current?.querySelector<HTMLElement>(".session-controls input") ?? panel.current)?.focus();
  }, [attending]);
  // Only a running session has a panel: the strip says when one has ended, has not started, or runs
  // on another day, and the toolbar offers to start one (live-lesson.tsx).
  if (!session || session.status !== "live") return null;
  const facilitator = session.facilitator;
  const facilitating = facilitator?.id === me;
  return (
    <section ref={panel} className="session-panel" aria-labelledby="live-session-heading" id="live-session" data-live="true" tabIndex={-1}>
      <header className="session-head">
        <h2 id="live-session-heading">
          <span className="live-dot" aria-hidden="true" />
          Live session{session.title ? `: ${session.title}` : ""}
        </h2>
        <p className="meta">
          {facilitator ? (facilitating ? "You are facilitating" : `With ${facilitator.displayName}`) : "No facilitator"} · {session.attendance.length} joined
        </p>
      </header>
      {!attending ? (
        <SessionForm intent="join" fields={{ sessionId: session.id }} done="You joined the live session" className="session-join">
          <p>
            <button type="submit" onClick={() => (justJoined.current = true)}>
              Join the session
            </button>{" "}
            <span className="hint">
              You will be on the attendance list, can share where you are reading{facilitator && !facilitating ? ` and follow ${facilitator.displayName}` : ""}.
            </span>
          </p>
        </SessionForm>
      ) : (
        <>
          <Spotlit session={session} textOf={props.textOf} />
          {hydrated ? <ReadingControls {...props} session={session} facilitating={facilitating} /> : <p className="hint">Sharing where you read and following the facilitator need JavaScript.</p>}
          <WhereEveryoneIs {...props} session={session} />
        </>
      )}
      <QuestionQueue session={session} me={me} mayRun={mayRun} attending={attending} myVotes={props.myVotes} seed={props.seed} />
      <Attendance session={session} present={props.present} />
      {mayRun ? <EndSession sessionId={session.id} confirmStep={props.confirmEnd ?? false} attendance={session.attendance.length} /> : null}
    </section>
  );
}

/**
 * "End the session" asks first: with scripts in a dialog; without, "End the session…" is a link to
 * this page with the confirmation step (`?confirm=end-session`), whose button ends it.
 */
function EndSession({ sessionId, confirmStep, attendance }: { sessionId: string; confirmStep: boolean; attendance: number }) {
  const { hydrated, redirectTo } = useContext(SessionActionsContext);
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const consequence = `The session ends for everyone (${attendance === 1 ? "1 person joined" : `${attendance} people joined`}); its summary keeps the attendance, the questions and the answers pinned during it.`;
  const form = (
    <SessionForm intent="end" fields={{ sessionId }} done="The live session has ended" className="session-end-form">
      <button type="submit" className="danger">
        End the session
      </button>
    </SessionForm>
  );
  if (!hydrated) {
    return confirmStep ? (
      <div className="session-end session-end-confirm" role="group" aria-labelledby={titleId}>
        <p id={titleId}>
          <strong>End the live session?</strong> {consequence}
        </p>
        <div className="session-end-actions">
          {form}
          <a href={`${redirectTo}#live-session`}>Keep it running</a>
        </div>
      </div>
    ) : (
      <p className="session-end">
        <a className="button secondary" href={`${redirectTo}?confirm=end-session#live-session`}>
          End the session…
        </a>
      </p>
    );
  }
  return (
    <div className="session-end">
      <button type="button" className="secondary" ref={opener} onClick={() => dialog.current?.showModal()}>
        End the session…
      </button>
      <dialog ref={dialog} className="confirm-dialog" aria-labelledby={titleId} onClose={() => opener.current?.focus()}>
        <h2 id={titleId}>End the live session?</h2>
        <p>{consequence}</p>
        <div className="session-end-actions">
          {form}
          <button type="button" className="secondary" onClick={() => dialog.current?.close()} autoFocus>
            Keep it running
          </button>
        </div>
      </dialog>
    </div>
  );
}

function Spotlit({ session, textOf }: { session: LiveSessionView; textOf: (key: string) => string | undefined }) {
  if (!session.spotlight) return null;
  const who = session.facilitator?.displayName ?? "The facilitator";
  return (
    <p className="session-spotlight">
      {who} asks everyone to gather at “{excerpt(textOf(session.spotlight.passageKey))}”.{" "}
      <a href={`#${passageId(session.spotlight.passageKey)}`}>Go there</a>
    </p>
  );
}

function ReadingControls({ sharing, onSharing, following, onFollowing, session, facilitating }: SessionPanelProps & { session: LiveSessionView; facilitating: boolean }) {
  const id = useId();
  const facilitator = session.facilitator;
  return (
    <div className="session-controls">
      <div className="choice">
        <input id={`${id}-share`} type="checkbox" checked={sharing} onChange={(event) => onSharing(event.target.checked)} aria-describedby={`${id}-share-hint`} />
        <label htmlFor={`${id}-share`}>Share where I am reading</label>
        <p className="hint" id={`${id}-share-hint`}>
          {facilitating ? "Members who follow you move with you. " : ""}Only during this session, only with this group; it is never stored.
        </p>
      </div>
      {facilitator && !facilitating ? (
        <div className="choice">
          <input id={`${id}-follow`} type="checkbox" checked={following} onChange={(event) => onFollowing(event.target.checked)} aria-describedby={`${id}-follow-hint`} />
          <label htmlFor={`${id}-follow`}>Follow {facilitator.displayName}</label>
          <p className="hint" id={`${id}-follow-hint`}>
            Your page moves to where {facilitator.displayName} is reading and to the passages they spotlight. Scrolling yourself stops following.
          </p>
        </div>
      ) : null}
    </div>
  );
}

/**
 * Where the group is: everyone sharing a position (this person too, when sharing), and "6 of 9 are
 * past Method" for the section this person is reading (or, above the text, the facilitator's).
 */
export function groupPosition(input: {
  positions: ReadonlyMap<string, string>;
  me: string;
  current: string | null;
  sharing: boolean;
  order: PassageOrder;
  facilitatorId: string | null;
}) {
  const shared = [...input.positions].filter(([userId]) => userId !== input.me).map(([userId, passageKey]) => ({ userId, passageKey }));
  if (input.sharing && input.current) shared.push({ userId: input.me, passageKey: input.current });
  const facilitatorKey = input.facilitatorId ? input.positions.get(input.facilitatorId) : undefined;
  const heading = sectionOf(input.order, input.current) ?? sectionOf(input.order, facilitatorKey ?? null);
  const counts = heading ? pastHeading(shared, input.order, heading.key) : null;
  const line = heading && counts && counts.sharing > 0 ? `${counts.past} of ${counts.sharing} ${counts.sharing === 1 ? "is" : "are"} past “${excerpt(heading.text, 6)}”` : null;
  return { shared, line };
}

/** "6 of 9 are past Method", and who is reading where (in words, for everyone the markers are for). */
function WhereEveryoneIs({ positions, order, current, sharing, me, present, textOf, session }: SessionPanelProps & { session: LiveSessionView }) {
  const { shared, line } = groupPosition({ positions, me, current, sharing, order, facilitatorId: session.facilitator?.id ?? null });
  const names = new Map(present.map((person) => [person.userId, person.displayName]));
  if (shared.length === 0) return <p className="hint session-where">Nobody is sharing where they read yet.</p>;
  return (
    <div className="session-where">
      {line ? <p className="session-past">{line}</p> : null}
      <details>
        <summary>Where everyone is reading ({shared.length})</summary>
        <ul>
          {shared.map((position) => (
            <li key={position.userId}>
              {position.userId === me ? "You" : (names.get(position.userId) ?? "Someone")}:{" "}
              <a href={`#${passageId(position.passageKey)}`}>“{excerpt(textOf(position.passageKey), 6)}”</a>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

function Attendance({ session, present }: { session: LiveSessionView; present: PresencePerson[] }) {
  const here = new Set(present.map((person) => person.userId));
  const nowHere = session.attendance.filter((entry) => here.has(entry.userId)).length;
  return (
    <details className="session-attendance">
      <summary>
        Attendance: {session.attendance.length} joined, {nowHere} here now
      </summary>
      <ul>
        {session.attendance.map((entry) => (
          <li key={entry.userId}>
            {entry.displayName} <span className="meta">{here.has(entry.userId) ? "here now" : "left"}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

function QuestionQueue({ session, me, mayRun, attending, myVotes, seed }: { session: LiveSessionView; me: string; mayRun: boolean; attending: boolean; myVotes: readonly string[]; seed: string }) {
  const open = session.questions.filter((question) => !question.answered);
  const answered = session.questions.filter((question) => question.answered);
  const voted = new Set(myVotes);
  const item = (question: LiveSessionView["questions"][number]) => {
    const mine = question.author.id === me;
    const votes = question.votes === 1 ? "1 upvote" : `${question.votes} upvotes`;
    return (
      <li key={question.id} data-answered={question.answered || undefined}>
        <p className="question-body">{question.body}</p>
        <div className="question-meta">
          <span className="meta">{mine ? "You asked" : question.author.displayName}</span>
          {mine || !attending ? (
            <span className="meta"> · {votes}</span>
          ) : (
            <SessionForm intent="vote" fields={{ sessionId: session.id, questionId: question.id }} className="inline-form">
              <button type="submit" className="vote-button" aria-pressed={voted.has(question.id)} aria-label={`Upvote: ${question.body} (${votes})`}>
                <span aria-hidden="true">▲</span> Upvote <span className="vote-count">({question.votes})</span>
              </button>
            </SessionForm>
          )}
          {mayRun ? (
            <SessionForm
              intent={question.answered ? "reopen" : "answered"}
              fields={{ sessionId: session.id, questionId: question.id }}
              className="inline-form"
              done={question.answered ? "Question reopened" : "Marked answered"}
            >
              <button type="submit" className="link-button">
                {question.answered ? "Reopen" : "Mark answered"}
              </button>
            </SessionForm>
          ) : null}
          {mayRun || mine ? (
            <SessionForm intent="dismiss" fields={{ sessionId: session.id, questionId: question.id }} className="inline-form" done="Question taken out of the queue">
              <button type="submit" className="link-button">
                {mine ? "Withdraw" : "Dismiss"}
              </button>
            </SessionForm>
          ) : null}
        </div>
      </li>
    );
  };
  return (
    <section className="session-questions" aria-labelledby="session-questions-heading">
      <h3 id="session-questions-heading">
        Questions <span className="count">({open.length} open)</span>
      </h3>
      {attending ? <AskForm sessionId={session.id} seed={seed} /> : null}
      {open.length === 0 ? <p className="empty">No open questions.</p> : <ol className="question-queue">{open.map(item)}</ol>}
      {answered.length > 0 ? (
        <details>
          <summary>Answered ({answered.length})</summary>
          <ol className="question-queue">{answered.map(item)}</ol>
        </details>
      ) : null}
    </section>
  );
}

function AskForm({ sessionId, seed }: { sessionId: string; seed: string }) {
  const { hydrated } = useContext(SessionActionsContext);
  const fieldId = useId();
  // The server renders an id from the page's seed; with scripts each question gets a fresh one.
  const [id, setId] = useState(() => (hydrated ? randomCommentId() : composerId(seed, "p", `question:${sessionId}`)));
  const [body, setBody] = useState("");
  return (
    <SessionForm
      intent="ask"
      fields={{ sessionId, id }}
      className="ask-form"
      done="Question raised"
      onDone={() => {
        setBody("");
        setId(randomCommentId());
      }}
    >
      <label htmlFor={fieldId}>Raise a question</label>
      <div className="ask-row">
        <input id={fieldId} name="body" required maxLength={MAX_QUESTION_LENGTH} value={body} onChange={(event) => setBody(event.target.value)} autoComplete="off" />
        <button type="submit">Ask</button>
      </div>
    </SessionForm>
  );
}
