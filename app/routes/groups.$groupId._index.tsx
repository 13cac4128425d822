import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormError } from "~/components/form.tsx";
import { DayStatusList, DayXofN } from "~/components/progress/day-status-list.tsx";
import { ContinueLink } from "~/components/progress/lesson-progress.tsx";
import { passageId } from "~/components/reader/paths.ts";
import { can } from "~/models/authz.ts";
import { describeActivity, leaveGroup, listAudit, listMembers, listMyGroups } from "~/models/group.server.ts";
import { currentDay, describePace } from "~/models/pace.ts";
import { continueWhereLeftOff, courseDayStatuses, discussionProgress, membersDoneDays, nextDay } from "~/models/progress.server.ts";
import { listSessions } from "~/models/live-session.server.ts";
import { formatSessionTime } from "~/models/live-session-rules.ts";
import { useGroupLive } from "~/components/live/use-group-live.ts";
import { requireGroupMember } from "~/http/group-member.server.ts";
import { formValues, readForm } from "~/http/form-data.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.group.name} · Marginalia` : "Group · Marginalia" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { auth, group, role } = await requireGroupMember(context, request, params.groupId);
  const day = currentDay(group, group.course.dayCount);
  const [members, activity, myGroups, todaysLesson, lessons, resume, discussion, doneDays, sessions] = await Promise.all([
    listMembers(context.db, group.id),
    listAudit(context.db, group.id, { onlyPublic: true, take: 10 }),
    listMyGroups(context.db, auth.user.id),
    day > 0
      ? context.db.lesson.findUnique({ where: { courseId_day: { courseId: group.course.id, day: group.paceMode === "scheduled" ? day : 1 } }, select: { day: true, title: true } })
      : null,
    context.db.lesson.findMany({ where: { courseId: group.course.id }, orderBy: { day: "asc" }, select: { day: true, title: true } }),
    continueWhereLeftOff(context.db, auth.user.id, group.course.id),
    discussionProgress(context.db, { userId: auth.user.id, groupId: group.id, courseId: group.course.id }),
    membersDoneDays(context.db, { groupId: group.id, courseId: group.course.id, viewerId: auth.user.id, viewerIsModerator: can(role, "progress.viewGroup") }),
    listSessions(context.db, group.id, { pastTake: 3 }),
  ]);
  const when = (at: string | null) => (at ? formatSessionTime(at, group.timeZone) : null);
  // The member's days in this group: locked ahead of the pace unless they may read ahead.
  const statuses = await courseDayStatuses(context.db, {
    userId: auth.user.id,
    courseId: group.course.id,
    dayCount: group.course.dayCount,
    lessons,
    pace: group,
    mayReadAhead: can(role, "lesson.viewAhead"),
  });
  const next = nextDay(statuses);
  return {
    group: { id: group.id, name: group.name, description: group.description, pace: describePace(group, group.course.dayCount), selfPaced: group.paceMode !== "scheduled" },
    course: group.course,
    role,
    todaysLesson,
    members: members.map((member) => ({
      userId: member.userId,
      displayName: member.displayName,
      role: member.role,
      isMe: member.userId === auth.user.id,
      doneDays: member.userId === auth.user.id ? null : (doneDays.get(member.userId) ?? null),
    })),
    progress: {
      current: next?.day ?? null,
      done: statuses.filter((day) => day.status === "done").length,
      days: statuses.map((day) => ({ ...day, discussion: day.lessonId ? (discussion.get(day.lessonId) ?? null) : null })),
      resume: resume && statuses[resume.day - 1]?.status !== "locked" ? resume : null,
    },
    activity: activity.map((event) => ({ id: event.id, at: event.at, text: describeActivity(event) })),
    sessions: {
      live: sessions.live ? { ...sessions.live, startedLabel: when(sessions.live.startedAt) } : null,
      upcoming: sessions.upcoming.slice(0, 3).map((session) => ({ ...session, whenLabel: when(session.scheduledFor) })),
      past: sessions.past.map((session) => ({ ...session, endedLabel: when(session.endedAt) })),
    },
    otherGroups: myGroups.filter((other) => other.id !== group.id).map((other) => ({ id: other.id, name: other.name })),
    may: {
      manageMembers: can(role, "group.invite"),
      editSettings: can(role, "group.editSettings"),
      viewAudit: can(role, "group.viewAudit"),
      leave: can(role, "group.leave"),
      viewDashboard: can(role, "progress.viewGroup"),
      runSession: can(role, "session.run"),
    },
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { auth, group } = await requireGroupMember(context, request, params.groupId);
  const { intent } = formValues(await readForm(request));
  if (intent !== "leave") return data({ error: "Unknown action." }, { status: 400 });
  const result = await leaveGroup(context.db, group.id, auth.user.id);
  if (!result.ok) return data({ error: result.reason }, { status: result.status });
  context.realtime.membershipEnded(group.id, auth.user.id);
  return redirect(`/groups?left=${encodeURIComponent(group.name)}`);
}

const roleLabel = { owner: "Owner", moderator: "Moderator", member: "Member" } as const;

export default function GroupHome() {
  const { group, course, role, todaysLesson, members, activity, otherGroups, may, progress, sessions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  // A session starting or ending elsewhere shows here without a reload.
  useGroupLive(group.id);
  return (
    <section className="page group-home">
      <p className="eyebrow">
        {course.title} · you are {role === "member" ? "a member" : `the ${role}`}
      </p>
      <h1>{group.name}</h1>
      {group.description ? <p className="lede">{group.description}</p> : null}
      <FormError message={actionData?.error} />
      <div className="group-grid">
        <section aria-labelledby="today-heading" className="card">
          <h2 id="today-heading">{group.selfPaced ? "Where to start" : "Today"}</h2>
          <p>{group.pace}</p>
          {todaysLesson ? (
            <p>
              <Link className="button" to={`/groups/${group.id}/day/${todaysLesson.day}`}>
                Day {todaysLesson.day}: {todaysLesson.title}
              </Link>
            </p>
          ) : (
            <p className="empty">No lesson is open yet.</p>
          )}
          <p>
            <Link to={`/courses/${course.slug}`}>All {course.dayCount} days of {course.title}</Link>
          </p>
        </section>
        <section aria-labelledby="progress-heading" className="card group-progress">
          <h2 id="progress-heading">Your progress</h2>
          <DayXofN current={progress.current} dayCount={course.dayCount} done={progress.done} />
          {progress.resume ? (
            <ContinueLink
              href={`/groups/${group.id}/day/${progress.resume.day}${progress.resume.passageKey ? `#${passageId(progress.resume.passageKey)}` : ""}`}
              label={`Continue where you left off: Day ${progress.resume.day}, ${progress.resume.title}`}
            />
          ) : null}
          <details>
            <summary>Day by day</summary>
            <DayStatusList days={progress.days} dayHref={(day) => `/groups/${group.id}/day/${day}`} markDone={{ courseSlug: course.slug, redirectTo: `/groups/${group.id}` }} />
          </details>
          {members.some((member) => member.doneDays) ? (
            <details>
              <summary>Other members' days done</summary>
              <ul className="member-done-days">
                {members
                  .filter((member) => member.doneDays)
                  .map((member) => (
                    <li key={member.userId}>
                      {`${member.displayName}: ${member.doneDays!.length === 0 ? "no days done yet" : `done ${member.doneDays!.map((day) => `Day ${day}`).join(", ")}`}`}
                    </li>
                  ))}
              </ul>
            </details>
          ) : null}
          <p>
            <Link to="/progress">Your reading history</Link>
            {may.viewDashboard ? (
              <>
                {" · "}
                <Link to={`/groups/${group.id}/dashboard`}>Group progress dashboard</Link>
              </>
            ) : null}
          </p>
        </section>
        <section aria-labelledby="live-heading" className="card live-card" data-live={sessions.live ? true : undefined}>
          <h2 id="live-heading">Live session</h2>
          {sessions.live ? (
            <>
              <p>
                <span className="live-badge">Live now</span> Day {sessions.live.day}: {sessions.live.lessonTitle}
                {sessions.live.title ? ` — ${sessions.live.title}` : ""}
              </p>
              <p className="meta">
                Started {sessions.live.startedLabel}
                {sessions.live.facilitator ? ` by ${sessions.live.facilitator}` : ""} · {sessions.live.attended} joined
              </p>
              <p>
                <Link className="button" to={`/groups/${group.id}/day/${sessions.live.day}`}>
                  Join the live session
                </Link>
              </p>
            </>
          ) : sessions.upcoming.length > 0 ? (
            <p>No session is running.</p>
          ) : (
            <p className="empty">No live session is running or scheduled.</p>
          )}
          {sessions.upcoming.length > 0 ? (
            <>
              <h3>Scheduled</h3>
              <ul className="session-list">
                {sessions.upcoming.map((session) => (
                  <li key={session.id}>
                    <strong>{session.whenLabel}</strong> · Day {session.day}: {session.lessonTitle}
                    {session.title ? ` — ${session.title}` : ""}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {may.runSession && !sessions.live && todaysLesson ? (
            <Form method="post" action={`/groups/${group.id}/sessions`}>
              <input type="hidden" name="day" value={todaysLesson.day} />
              <button type="submit" name="intent" value="start">
                Start a live session on Day {todaysLesson.day} now
              </button>
            </Form>
          ) : null}
          {sessions.past.length > 0 ? (
            <>
              <h3>Past sessions</h3>
              <ul className="session-list">
                {sessions.past.map((session) => (
                  <li key={session.id}>
                    <Link to={`/groups/${group.id}/sessions/${session.id}`}>
                      Day {session.day}: {session.lessonTitle}
                    </Link>{" "}
                    <span className="meta">
                      {session.endedLabel} · {session.attended} attended
                    </span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <p>
            <Link to={`/groups/${group.id}/sessions`}>{may.runSession ? "Start, schedule and review sessions" : "All live sessions"}</Link>
          </p>
        </section>
        <section aria-labelledby="members-heading" className="card">
          <h2 id="members-heading">
            Members <span className="count">({members.length})</span>
          </h2>
          <ul className="member-list">
            {members.map((member) => (
              <li key={member.userId}>
                {member.displayName}
                {member.isMe ? " (you)" : ""} <span className="role-badge">{roleLabel[member.role]}</span>
              </li>
            ))}
          </ul>
          {may.manageMembers ? (
            <p>
              <Link to={`/groups/${group.id}/members`}>Invite and manage members</Link>
            </p>
          ) : null}
        </section>
        <section aria-labelledby="activity-heading" className="card">
          <h2 id="activity-heading">Recent activity</h2>
          {activity.length === 0 ? (
            <p className="empty">Nothing has happened yet.</p>
          ) : (
            <ul className="activity-list">
              {activity.map((event) => (
                <li key={event.id}>
                  {event.text} <time dateTime={event.at}>{event.at.slice(0, 10)}</time>
                </li>
              ))}
            </ul>
          )}
          {may.viewAudit ? (
            <p>
              <Link to={`/groups/${group.id}/audit`}>Audit log</Link>
            </p>
          ) : null}
        </section>
      </div>
      <footer className="group-footer">
        {may.editSettings ? <Link to={`/groups/${group.id}/settings`}>Group settings</Link> : null}
        {otherGroups.length > 0 ? (
          <nav aria-label="Your other groups">
            Switch to:{" "}
            {otherGroups.map((other, index) => (
              <span key={other.id}>
                {index > 0 ? ", " : ""}
                <Link to={`/groups/${other.id}`}>{other.name}</Link>
              </span>
            ))}
          </nav>
        ) : null}
        {may.leave ? (
          <Form method="post">
            <button type="submit" name="intent" value="leave" className="link-button">
              Leave this group
            </button>
          </Form>
        ) : (
          <p className="hint">As the owner, hand ownership to another member before you can leave.</p>
        )}
      </footer>
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
