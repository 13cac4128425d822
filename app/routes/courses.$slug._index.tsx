import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { getCourseOutline } from "~/models/course.server.ts";
import { requireUser } from "~/utils/auth.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.course.title} · Marginalia` : "Marginalia" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const auth = requireUser(context, request);
  const course = await getCourseOutline(context.db, params.slug ?? "");
  if (!course) throw new Response("No such course.", { status: 404 });
  const published = new Map(course.lessons.map((lesson) => [lesson.day, lesson]));
  const days = Array.from({ length: course.dayCount }, (_, index) => {
    const day = index + 1;
    const lesson = published.get(day);
    return { day, title: lesson?.title ?? null, readings: lesson?._count.readings ?? 0 };
  });
  return {
    course: { slug: course.slug, title: course.title, description: course.description, dayCount: course.dayCount },
    days,
    canImport: course.ownerId === auth.user.id,
  };
}

export default function CoursePage() {
  const { course, days, canImport } = useLoaderData<typeof loader>();
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
      <ol className="day-list">
        {days.map((day) => (
          <li key={day.day} data-available={day.title !== null}>
            {day.title ? (
              <Link to={`/courses/${course.slug}/day/${day.day}`}>
                <span className="day-number">Day {day.day}:</span> {day.title}
              </Link>
            ) : (
              <>
                <span className="day-number">Day {day.day}:</span> <span className="muted">not published yet</span>
              </>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
