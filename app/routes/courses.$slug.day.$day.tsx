import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, useLoaderData, useLocation, useRouteError } from "@remix-run/react";
import { useEffect, useState } from "react";
import { LessonProgress } from "~/components/progress/lesson-progress.tsx";
import { ReadTracker } from "~/components/progress/read-tracker.tsx";
import { loadLessonProgress } from "~/models/progress.server.ts";
import { requiredDwellMs } from "~/models/progress-rules.ts";
import { Announcer } from "~/components/reader/announcer.tsx";
import { DayNav } from "~/components/reader/day-nav.tsx";
import { KeyboardShortcuts } from "~/components/reader/keyboard.tsx";
import { OnThisPage } from "~/components/reader/on-this-page.tsx";
import { Reading } from "~/components/reader/reading.tsx";
import { loadReader, parseDayParam, recordVisit } from "~/models/reader.server.ts";
import { courseOpenThrough, findCourseRef } from "~/models/course-access.server.ts";
import { lockedDayMessage } from "~/models/pace.ts";
import { requireUser } from "~/http/signed-in.server.ts";
import { GroupSwitcher } from "~/components/group-switcher.tsx";
import { lessonGroups } from "~/models/discussion-links.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Day ${data.lesson.day}: ${data.lesson.title} · ${data.course.title}` : "Marginalia" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = requireUser(context, request);
  const day = parseDayParam(params.day);
  // A day locked by every group through which the member reaches this course stays closed here too.
  const course = await findCourseRef(context.db, params.slug ?? "");
  const openThrough = course ? await courseOpenThrough(context.db, user.id, course) : null;
  if (openThrough !== null && Number.isInteger(day) && day > openThrough) throw new Response(lockedDayMessage(day, openThrough), { status: 403 });
  const loaded = await loadReader(context.db, { courseSlug: params.slug ?? "", day, userId: user.id });
  const reader = openThrough !== null && loaded.next && loaded.next.day > openThrough ? { ...loaded, next: null } : loaded;
  // After loadReader: the notice compares with the revision seen before this visit. A failed write
  // only means the next notice may repeat, so it does not cost the member the page.
  await recordVisit(context.db, user.id, reader.readings).catch((error: unknown) => {
    context.logger.warn(`reader: could not record a visit: ${error instanceof Error ? error.message : String(error)}`);
  });
  const lesson = await context.db.lesson.findFirstOrThrow({ where: { day: reader.lesson.day, course: { slug: reader.course.slug } }, select: { id: true, courseId: true } });
  const [progress, groups] = await Promise.all([
    loadLessonProgress(context.db, { userId: user.id, courseId: lesson.courseId, lessonId: lesson.id }),
    // The reader has no discussion: a member of a group on the course is offered the group's lesson.
    lessonGroups(context.db, user.id, lesson.courseId),
  ]);
  return { ...reader, progress, groups };
}

export default function LessonPage() {
  const { course, lesson, previous, next, readings, progress, groups } = useLoaderData<typeof loader>();
  const location = useLocation();
  // The bar follows each recorded batch without reloading the page (which would also clear the
  // revised notice while it is being read).
  const [live, setLive] = useState(progress);
  useEffect(() => setLive(progress), [progress]);
  return (
    <Announcer>
      <article className="reader" aria-labelledby="lesson-title">
        <header className="reader-header">
          <p className="eyebrow">
            <Link to={`/courses/${course.slug}`}>{course.title}</Link> · Day {lesson.day} of {course.dayCount}
          </p>
          <h1 id="lesson-title">{lesson.title}</h1>
          <GroupSwitcher groups={groups} day={lesson.day} />
          <KeyboardShortcuts />
          <LessonProgress progress={live} courseSlug={course.slug} day={lesson.day} redirectTo={location.pathname} />
        </header>
        <ReadTracker
          endpoint="/api/progress"
          courseSlug={course.slug}
          day={lesson.day}
          passages={readings.flatMap((reading) => reading.passages.map((passage) => ({ key: passage.key, readingId: reading.id, requiredMs: requiredDwellMs(passage.text) })))}
          readKeys={progress.readKeys}
          onRecorded={(result) => setLive((current) => ({ ...current, readCount: result.readCount, status: result.status as typeof current.status }))}
        />
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
  const locked = isRouteErrorResponse(error) && error.status === 403;
  return (
    <section className="page narrow">
      <h1>{missing ? "Not found" : locked ? "Not open yet" : "Something went wrong"}</h1>
      <p>{(missing || locked) && typeof error.data === "string" && error.data ? error.data : "The lesson could not be shown. Please try again."}</p>
      <p>
        <Link to="/">All courses</Link>
      </p>
    </section>
  );
}
