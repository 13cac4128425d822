/**
 * The member's own progress: reading days and streaks (in their time zone), a calendar of the last
 * ten weeks, each course's days, the privacy setting, and a download of everything.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { ReadingCalendar } from "~/components/progress/calendar.tsx";
import { DayStatusList } from "~/components/progress/day-status-list.tsx";
import { isValidTimeZone } from "~/models/pace.ts";
import { getPreferences, memberCourses, memberHistory, nextDay, savePreferences } from "~/models/progress.server.ts";
import { GroupSwitcher } from "~/components/group-switcher.tsx";
import { lessonHref } from "~/models/discussion-links.ts";
import { lessonGroupsByCourse } from "~/models/discussion-links.server.ts";
import { requireUser } from "~/http/signed-in.server.ts";
import { readForm } from "~/http/form-data.ts";

export const meta: MetaFunction = () => [{ title: "Your progress · Marginalia" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = requireUser(context, request);
  const [history, courses, groups] = await Promise.all([memberHistory(context.db, user.id), memberCourses(context.db, user.id), lessonGroupsByCourse(context.db, user.id)]);
  // Each day opens in the member's group lesson on that course (discussion-links.ts), else the reader.
  return {
    history,
    courses: courses.map(({ id, ...course }) => ({ ...course, groups: groups.get(id) ?? [], next: nextDay(course.days)?.day ?? null })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = requireUser(context, request);
  const form = await readForm(request);
  // The time zone is chosen on the account page; a form (or client) that still sends one may set it.
  const sent = form.get("timeZone");
  const current = await getPreferences(context.db, user.id);
  const timeZone = sent === null ? current.timeZone : String(sent).trim();
  if (!isValidTimeZone(timeZone) || timeZone.length > 64) return data({ error: "Choose a time zone such as Europe/Paris or America/New_York.", saved: false }, { status: 400 });
  await savePreferences(context.db, user.id, { timeZone, shareProgress: form.get("shareProgress") === "on" });
  return { error: null, saved: true };
}

export default function ProgressPage() {
  const { history, courses } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [browserZone, setBrowserZone] = useState<string | null>(null);
  useEffect(() => setBrowserZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  const { streak } = history;
  return (
    <section className="page progress-page">
      <h1>Your progress</h1>
      <ul className="streak-summary">
        <li>
          <strong>{streak.current}</strong> day{streak.current === 1 ? "" : "s"} in a row (current streak)
        </li>
        <li>
          <strong>{streak.longest}</strong> day{streak.longest === 1 ? "" : "s"}: your longest streak
        </li>
        <li>
          <strong>{history.activeDays}</strong> day{history.activeDays === 1 ? "" : "s"} with reading
        </li>
      </ul>
      <ReadingCalendar weeks={history.weeks} caption={`Reading days, last ${history.weeks.length} weeks (${history.preferences.timeZone})`} />

      <h2>Courses</h2>
      {courses.length === 0 ? (
        <p className="empty">
          You are in no group and have read nothing yet. <Link to="/">Pick a course or start a group</Link>.
        </p>
      ) : (
        courses.map((course) => (
          <section key={course.slug} aria-label={course.title}>
            <h3>
              <Link to={`/courses/${course.slug}`}>{course.title}</Link>{" "}
              <span className="muted">
                ({course.done} of {course.dayCount} days done)
              </span>
            </h3>
            {course.next !== null ? <GroupSwitcher groups={course.groups} day={course.next} lead={`Next: Day ${course.next}`} /> : null}
            <DayStatusList days={course.days} dayHref={(day) => lessonHref(course.groups, course.slug, day)} />
          </section>
        ))
      )}

      <h2 id="settings-heading">Settings</h2>
      <Form method="post" aria-labelledby="settings-heading" className="stack-form">
        {result?.saved ? <p role="status">Settings saved.</p> : null}
        {result?.error ? (
          <p role="alert" className="form-error">
            {result.error}
          </p>
        ) : null}
        <p>
          Your reading days start at midnight in <strong>{history.preferences.saved ? history.preferences.timeZone : (browserZone ?? history.preferences.timeZone)}</strong>
          {history.preferences.saved ? null : " (your browser's)"}. <Link to="/account">Change your time zone on your account page</Link>.
        </p>
        {/* Not chosen yet: saving here keeps the browser's zone, as reading does. */}
        {history.preferences.saved || !browserZone ? null : <input type="hidden" name="timeZone" value={browserZone} />}
        <label className="checkbox">
          <input type="checkbox" name="shareProgress" defaultChecked={history.preferences.shareProgress} /> Show the other members of my groups which days I have done
        </label>
        <p className="hint">Moderators always see the group's progress dashboard. Nobody but you sees your reading history.</p>
        <button type="submit">Save settings</button>
      </Form>

      <h2>Your data</h2>
      <p>
        <a href="/progress/export" download>
          Download your progress and comments (JSON)
        </a>
      </p>
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
