import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, useLoaderData, useRouteError } from "@remix-run/react";
import { Announcer } from "~/components/reader/announcer.tsx";
import { DayNav } from "~/components/reader/day-nav.tsx";
import { KeyboardShortcuts } from "~/components/reader/keyboard.tsx";
import { OnThisPage } from "~/components/reader/on-this-page.tsx";
import { Reading } from "~/components/reader/reading.tsx";
import { loadReader, parseDayParam, recordVisit } from "~/models/reader.server.ts";
import { requireUser } from "~/utils/auth.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Day ${data.lesson.day}: ${data.lesson.title} · ${data.course.title}` : "Marginalia" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = requireUser(context, request);
  const reader = await loadReader(context.db, { courseSlug: params.slug ?? "", day: parseDayParam(params.day), userId: user.id });
  // After loadReader: the notice compares with the revision seen before this visit. A failed write
  // only means the next notice may repeat, so it does not cost the member the page.
  await recordVisit(context.db, user.id, reader.readings).catch((error: unknown) => {
    context.logger.warn(`reader: could not record a visit: ${error instanceof Error ? error.message : String(error)}`);
  });
  return reader;
}

export default function LessonPage() {
  const { course, lesson, previous, next, readings } = useLoaderData<typeof loader>();
  return (
    <Announcer>
      <article className="reader" aria-labelledby="lesson-title">
        <header className="reader-header">
          <p className="eyebrow">
            <Link to={`/courses/${course.slug}`}>{course.title}</Link> · Day {lesson.day} of {course.dayCount}
          </p>
          <h1 id="lesson-title">{lesson.title}</h1>
          <KeyboardShortcuts />
        </header>
        <OnThisPage readings={readings} />
        <div className="reader-text">
          {readings.map((reading) => (
            <Reading key={reading.id} reading={reading} courseSlug={course.slug} />
          ))}
        </div>
        <DayNav courseSlug={course.slug} previous={previous} next={next} />
      </article>
    </Announcer>
  );
}

/** A missing course or day says which, instead of the site's generic "not found". */
export function ErrorBoundary() {
  const error = useRouteError();
  const missing = isRouteErrorResponse(error) && error.status === 404;
  return (
    <section className="page narrow">
      <h1>{missing ? "Not found" : "Something went wrong"}</h1>
      <p>{missing && typeof error.data === "string" && error.data ? error.data : "The lesson could not be shown. Please try again."}</p>
      <p>
        <Link to="/">All courses</Link>
      </p>
    </section>
  );
}
