import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DayStatusList, DayXofN } from "~/components/progress/day-status-list.tsx";
import { ContinueLink } from "~/components/progress/lesson-progress.tsx";
import { GroupSwitcher } from "~/components/group-switcher.tsx";
import { lessonHref } from "~/models/discussion-links.ts";
import { lessonGroups } from "~/models/discussion-links.server.ts";
import { getCourseOutline } from "~/models/course.server.ts";
import { continueWhereLeftOff, courseDayStatuses, nextDay } from "~/models/progress.server.ts";
import { requireUser } from "~/http/signed-in.server.ts";
import { courseOpenThrough } from "~/models/course-access.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.course.title} · Marginalia` : "Marginalia" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const auth = requireUser(context, request);
  const course = await getCourseOutline(context.db, params.slug ?? "");
  if (!course) throw new Response("No such course.", { status: 404 });
  // The member's own progress, day by day; days locked by every group through which they reach the
  // course are locked here too (pace.ts, readerOpenThrough).
  const openThrough = await courseOpenThrough(context.db, auth.user.id, course);
  const [days, resume, groups] = await Promise.all([
    courseDayStatuses(context.db, { userId: auth.user.id, courseId: course.id, dayCount: course.dayCount, lessons: course.lessons, openThrough }),
    continueWhereLeftOff(context.db, auth.user.id, course.id),
    // A member of groups on the course reads each day in a group's lesson (discussion-links.ts).
    lessonGroups(context.db, auth.user.id, course.id),
  ]);
  const next = nextDay(days);
  return {
    course: { slug: course.slug, title: course.title, description: course.description, dayCount: course.dayCount },
    days,
    progress: { current: next?.day ?? null, done: days.filter((day) => day.status === "done").length },
    resume: resume && days[resume.day - 1]?.status !== "locked" ? resume : null,
    canImport: course.ownerId === auth.user.id,
    groups,
  };
}

export default function CoursePage() {
  const { course, days, canImport, progress, resume, groups } = useLoaderData<typeof loader>();
  return (
    <section className="page">
      <h1>{course.title}</h1>
      {course.description ? <p className="lede">{course.description}</p> : null}
      <Form method="get" action={`/courses/${course.slug}/search`} role="search" className="search-form">
        <label htmlFor="course-search">Search this course</label>
        <div className="search-row">
          <input id="course-search" type="search" name="q" autoComplete="off" />
          <button type="submit">Search</button>
        </div>
      </Form>
      {canImport ? (
        <p>
          <Link to={`/courses/${course.slug}/import`}>Import or revise lessons</Link>
        </p>
      ) : null}
      <h2>Days</h2>
      <section aria-label="Your progress" className="course-progress">
        <DayXofN current={progress.current} dayCount={course.dayCount} done={progress.done} />
        {resume ? (
          <ContinueLink
            href={lessonHref(groups, course.slug, resume.day, resume.passageKey)}
            label={`Continue where you left off: Day ${resume.day}, ${resume.title}`}
          />
        ) : null}
        {progress.current !== null ? <GroupSwitcher groups={groups} day={resume?.day ?? progress.current} lead={`Discuss Day ${resume?.day ?? progress.current}`} /> : null}
      </section>
      <DayStatusList
        days={days}
        dayHref={(day) => lessonHref(groups, course.slug, day)}
        markDone={{ courseSlug: course.slug, redirectTo: `/courses/${course.slug}` }}
      />
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
