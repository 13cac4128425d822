/**
 * A group's live sessions: the one running now, the scheduled ones, and the past ones with their
 * summaries. Moderators start a session now or schedule one (in the group's time zone). Every
 * live-session form of the app posts here (see app/actions/live-session-forms.server.ts).
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, type ClientActionFunctionArgs } from "@remix-run/react";
import { serverOrOffline } from "~/http/offline.ts";
import { Field, FormError, SubmitButton } from "~/components/form.tsx";
import { composerId, randomSeed } from "~/components/discussion/ids.ts";
import { can } from "~/models/authz.ts";
import { listSessions } from "~/models/live-session.server.ts";
import { formatSessionTime, MAX_QUESTION_LENGTH, MAX_SESSION_TITLE_LENGTH } from "~/models/live-session-rules.ts";
import { currentDay } from "~/models/pace.ts";
import { requireGroupMember } from "~/http/group-member.server.ts";
import { sessionAction, type SessionActionData } from "~/actions/live-session-forms.server.ts";
import { passRetryAfter } from "~/http/rate-limit-responses.server.ts";

// A refused write says when to retry (Retry-After).
export const headers = passRetryAfter;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Live sessions · ${data.group.name}` : "Live sessions" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { group, role } = await requireGroupMember(context, request, params.groupId);
  const [sessions, lessons] = await Promise.all([
    listSessions(context.db, group.id, { pastTake: 50 }),
    context.db.lesson.findMany({ where: { courseId: group.course.id }, orderBy: { day: "asc" }, select: { day: true, title: true } }),
  ]);
  const asked = Number(new URL(request.url).searchParams.get("day"));
  const today = group.paceMode === "scheduled" ? currentDay(group, group.course.dayCount) : 0;
  const defaultDay = lessons.find((lesson) => lesson.day === asked)?.day ?? lessons.find((lesson) => lesson.day === today)?.day ?? lessons[0]?.day ?? null;
  const when = (at: string | null) => (at ? formatSessionTime(at, group.timeZone) : null);
  return {
    group: { id: group.id, name: group.name, timeZone: group.timeZone },
    // A question form shown again after a refusal gets a fresh id from this if its own was malformed.
    seed: randomSeed(),
    may: { run: can(role, "session.run") },
    lessons,
    defaultDay,
    live: sessions.live ? { ...sessions.live, startedLabel: when(sessions.live.startedAt) } : null,
    upcoming: sessions.upcoming.map((session) => ({ ...session, whenLabel: when(session.scheduledFor) })),
    past: sessions.past.map((session) => ({ ...session, endedLabel: when(session.endedAt) })),
  };
}

export const action = sessionAction;

/** With scripts (the lesson page's session forms post here through fetchers), an unreachable server comes back as data. */
export const clientAction = ({ serverAction }: ClientActionFunctionArgs) => serverOrOffline(() => serverAction<typeof action>());

function SessionName({ day, lessonTitle, title }: { day: number; lessonTitle: string; title: string }) {
  return (
    <>
      Day {day}: {lessonTitle}
      {title ? <> — {title}</> : null}
    </>
  );
}

function DayChoice({ lessons, defaultDay, id }: { lessons: { day: number; title: string }[]; defaultDay: number | null; id: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>Lesson</label>
      <select id={id} name="day" defaultValue={defaultDay ?? undefined} required>
        {lessons.map((lesson) => (
          <option key={lesson.day} value={lesson.day}>
            Day {lesson.day}: {lesson.title}
          </option>
        ))}
      </select>
    </div>
  );
}

export default function Sessions() {
  const { group, seed, may, lessons, defaultDay, live, upcoming, past } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>() as SessionActionData | undefined;
  const retryQuestion = refused && !refused.ok && refused.intent === "ask" && refused.values?.sessionId ? refused.values : null;
  return (
    <section className="page sessions-page">
      <p className="eyebrow">
        <Link to={`/groups/${group.id}`}>{group.name}</Link>
      </p>
      <h1>Live sessions</h1>
      <p className="lede">
        The group meets on a lesson: everyone sees who is there, the facilitator can gather everyone at a passage, and questions
        raised in the session are collected and upvoted. When it ends, a summary stays here.
      </p>
      {refused && !refused.ok ? <FormError message={`That did not go through: ${refused.error}`} /> : null}
      {retryQuestion ? (
        <Form method="post" className="card">
          <input type="hidden" name="intent" value="ask" />
          <input type="hidden" name="sessionId" value={retryQuestion.sessionId} />
          <input type="hidden" name="id" value={retryQuestion.id && /^[A-Za-z0-9_-]{16,40}$/.test(retryQuestion.id) ? retryQuestion.id : composerId(seed, "p", "question")} />
          {retryQuestion.redirectTo ? <input type="hidden" name="redirectTo" value={retryQuestion.redirectTo} /> : null}
          <div className="field">
            <label htmlFor="retry-question">Your question</label>
            <textarea id="retry-question" name="body" rows={2} maxLength={MAX_QUESTION_LENGTH} defaultValue={retryQuestion.body ?? ""} />
          </div>
          <SubmitButton busyLabel="Sending…">Send the question again</SubmitButton>
        </Form>
      ) : null}

      <section aria-labelledby="live-now-heading" className="card">
        <h2 id="live-now-heading">Live now</h2>
        {live ? (
          <>
            <p>
              <span className="live-badge">Live</span> <SessionName {...live} />
            </p>
            <p className="meta">
              Started {live.startedLabel}
              {live.facilitator ? ` by ${live.facilitator}` : ""} · {live.attended} joined
            </p>
            <p>
              <Link className="button" to={`/groups/${group.id}/day/${live.day}`}>
                Go to the session
              </Link>{" "}
              <Link to={`/groups/${group.id}/sessions/${live.id}`}>Summary so far</Link>
            </p>
            {may.run ? (
              <Form method="post">
                <input type="hidden" name="sessionId" value={live.id} />
                <SubmitButton intent="end" busyLabel="Ending…">
                  End the session
                </SubmitButton>
              </Form>
            ) : null}
          </>
        ) : (
          <p className="empty">No session is running.</p>
        )}
      </section>

      {may.run && !live && lessons.length > 0 ? (
        <div className="group-grid">
          <section aria-labelledby="start-heading" className="card">
            <h2 id="start-heading">Start a session now</h2>
            <Form method="post">
              <DayChoice lessons={lessons} defaultDay={defaultDay} id="start-day" />
              <Field label="Title (optional)" name="title" maxLength={MAX_SESSION_TITLE_LENGTH} />
              <SubmitButton intent="start" busyLabel="Starting…">
                Start now
              </SubmitButton>
            </Form>
          </section>
          <section aria-labelledby="schedule-heading" className="card">
            <h2 id="schedule-heading">Schedule a session</h2>
            <Form method="post">
              <DayChoice lessons={lessons} defaultDay={defaultDay} id="schedule-day" />
              <Field label={`When (${group.timeZone} time)`} name="when" type="datetime-local" required />
              <Field label="Title (optional)" name="title" maxLength={MAX_SESSION_TITLE_LENGTH} />
              <SubmitButton intent="schedule" busyLabel="Scheduling…">
                Schedule
              </SubmitButton>
            </Form>
          </section>
        </div>
      ) : null}

      <section aria-labelledby="upcoming-heading" className="card">
        <h2 id="upcoming-heading">Scheduled</h2>
        {upcoming.length === 0 ? (
          <p className="empty">Nothing is scheduled.</p>
        ) : (
          <ul className="session-list">
            {upcoming.map((session) => (
              <li key={session.id}>
                <p>
                  <strong>{session.whenLabel}</strong> · <SessionName {...session} />
                  {session.facilitator ? <span className="meta"> · with {session.facilitator}</span> : null}
                </p>
                {may.run ? (
                  <Form method="post" className="inline-actions">
                    <input type="hidden" name="sessionId" value={session.id} />
                    {live ? null : (
                      <SubmitButton intent="start-scheduled" busyLabel="Starting…">
                        Start now
                      </SubmitButton>
                    )}
                    <SubmitButton intent="cancel" busyLabel="Cancelling…">
                      Cancel
                    </SubmitButton>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="past-heading" className="card">
        <h2 id="past-heading">Past sessions</h2>
        {past.length === 0 ? (
          <p className="empty">No session has ended yet.</p>
        ) : (
          <ul className="session-list">
            {past.map((session) => (
              <li key={session.id}>
                <Link to={`/groups/${group.id}/sessions/${session.id}`}>
                  <SessionName {...session} />
                </Link>
                <span className="meta">
                  {" "}
                  · ended {session.endedLabel} · {session.attended} attended
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
