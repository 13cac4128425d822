/**
 * What remains of a live session: who attended, the questions raised (and which were answered, with
 * their upvotes), the answers pinned while it ran, and how much was written. A running session shows
 * its summary so far; a scheduled one says when it will be.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CommentBody } from "~/components/comment-body.tsx";
import { SubmitButton } from "~/components/form.tsx";
import { parseCommentMarkdown } from "~/content/comment-markdown.ts";
import { can } from "~/models/authz.ts";
import { sessionSummary } from "~/models/live-session.server.ts";
import { ENDED_FACILITATOR_AWAY, FACILITATOR_AWAY_MS, formatSessionTime } from "~/models/live-session-rules.ts";
import { requireGroupMember } from "~/http/group-member.server.ts";
import { sessionAction } from "~/actions/live-session-forms.server.ts";
import { passRetryAfter } from "~/http/rate-limit-responses.server.ts";

// A refused write says when to retry (Retry-After).
export const headers = passRetryAfter;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Live session, Day ${data.summary.session.day} · ${data.group.name}` : "Live session" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { group, role } = await requireGroupMember(context, request, params.groupId);
  const summary = params.sessionId ? await sessionSummary(context.db, group.id, params.sessionId) : null;
  if (!summary) throw new Response("No such session in this group.", { status: 404 });
  const when = (at: string | null) => (at ? formatSessionTime(at, group.timeZone) : null);
  return {
    group: { id: group.id, name: group.name },
    may: { run: can(role, "session.run") },
    summary: {
      ...summary,
      pinned: summary.pinned.map((comment) => ({ ...comment, tree: parseCommentMarkdown(comment.body) })),
    },
    labels: {
      started: when(summary.session.startedAt),
      ended: when(summary.session.endedAt),
      scheduled: when(summary.session.scheduledFor),
      attendance: summary.session.attendance.map((entry) => ({ ...entry, joinedLabel: formatSessionTime(entry.joinedAt, group.timeZone) })),
    },
  };
}

/** The session forms of this page (end, start, cancel) post to the sessions route's action. */
export const action = sessionAction;

export default function SessionSummaryPage() {
  const { group, may, summary, labels } = useLoaderData<typeof loader>();
  const { session } = summary;
  const lessonHref = `/groups/${group.id}/day/${session.day}`;
  return (
    <section className="page session-summary">
      <p className="eyebrow">
        <Link to={`/groups/${group.id}`}>{group.name}</Link> · <Link to={`/groups/${group.id}/sessions`}>Live sessions</Link>
      </p>
      <h1>
        {`${session.status === "ended" ? "Session summary" : session.status === "live" ? "Live session (so far)" : "Scheduled session"}: Day ${session.day}, ${session.lessonTitle}`}
      </h1>
      {session.title ? <p className="lede">{session.title}</p> : null}
      <p className="meta">
        {session.status === "scheduled"
          ? `Scheduled for ${labels.scheduled ?? "a time to be set"}`
          : `${labels.started}${labels.ended ? ` – ${labels.ended}` : " – now"}${summary.durationMinutes !== null ? ` (${summary.durationMinutes} min)` : ""}`}
        {session.facilitator ? ` · facilitated by ${session.facilitator.displayName}` : ""}
      </p>
      {session.endedReason === ENDED_FACILITATOR_AWAY ? (
        <p className="session-ended-reason">{`Ended automatically: the facilitator was away for ${Math.round(FACILITATOR_AWAY_MS / 60_000)} minutes.`}</p>
      ) : null}
      {session.status === "live" ? (
        <p>
          <span className="live-badge">Live</span>{" "}
          <Link className="button" to={lessonHref}>
            Go to the session
          </Link>
        </p>
      ) : (
        <p>
          <Link to={lessonHref}>Open the lesson</Link>
        </p>
      )}
      {may.run && session.status === "live" ? (
        <Form method="post" action={`/groups/${group.id}/sessions`}>
          <input type="hidden" name="sessionId" value={session.id} />
          <SubmitButton intent="end" busyLabel="Ending…">
            End the session
          </SubmitButton>
        </Form>
      ) : null}

      <div className="group-grid">
        <section aria-labelledby="attendance-heading" className="card">
          <h2 id="attendance-heading">
            {`Attendance (${session.attendance.length})`}
          </h2>
          {session.attendance.length === 0 ? (
            <p className="empty">Nobody joined.</p>
          ) : (
            <ul className="attendance-list">
              {labels.attendance.map((entry) => (
                <li key={entry.userId}>
                  {entry.displayName} <span className="meta">joined {entry.joinedLabel}</span>
                </li>
              ))}
            </ul>
          )}
          <p className="meta">{summary.commentsWritten === 1 ? "1 comment was written" : `${summary.commentsWritten} comments were written`} in the lesson during the session.</p>
        </section>

        <section aria-labelledby="questions-heading" className="card">
          <h2 id="questions-heading">
            {`Questions raised (${summary.questions.raised}, ${summary.questions.answered} answered)`}
          </h2>
          {summary.questions.list.length === 0 ? (
            <p className="empty">No questions were raised.</p>
          ) : (
            <ol className="question-queue">
              {summary.questions.list.map((question) => (
                <li key={question.id} data-answered={question.answered}>
                  <p>{question.body}</p>
                  <p className="meta">
                    {`${question.author.displayName} · ${question.votes === 1 ? "1 upvote" : `${question.votes} upvotes`} · `}
                    {question.answered ? <strong>answered</strong> : "not answered"}
                  </p>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>

      <section aria-labelledby="pinned-heading" className="card">
        <h2 id="pinned-heading">Answers pinned during the session</h2>
        {summary.pinned.length === 0 ? (
          <p className="empty">Nothing was pinned during the session.</p>
        ) : (
          <ul className="pinned-list">
            {summary.pinned.map((comment) => (
              <li key={comment.id}>
                <CommentBody blocks={comment.tree} />
                <p className="meta">
                  {comment.author} ·{" "}
                  <Link to={`${lessonHref}?comment=${comment.id}#c-${comment.id}`}>in the lesson</Link>
                  {comment.scope === "lesson" ? " · a key answer of the lesson" : ""}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
