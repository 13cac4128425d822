import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { getCourseOutline } from "~/models/course.server.ts";
import { courseOpenThrough } from "~/models/course-access.server.ts";
import { searchCourse } from "~/models/search.server.ts";
import { groupLessonHref, groupsForDay, lessonHref } from "~/models/discussion-links.ts";
import { lessonGroups } from "~/models/discussion-links.server.ts";
import { requireUser } from "~/http/signed-in.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.query ? `“${data.query}” · ` : ""}Search ${data.course.title} · Marginalia` : "Search · Marginalia" },
];

const MAX_QUERY = 200;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = requireUser(context, request);
  const course = await getCourseOutline(context.db, params.slug ?? "");
  if (!course) throw new Response("No such course.", { status: 404 });
  const query = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, MAX_QUERY);
  // Days locked by every group through which the member reaches the course give no hits.
  const openThrough = query ? await courseOpenThrough(context.db, user.id, course) : null;
  const hits = query ? await searchCourse(context.db, context.dbProvider, course.id, query, openThrough) : [];
  // A hit opens the passage in the member's group lesson (discussion-links.ts), else in the reader.
  const groups = hits.length > 0 ? await lessonGroups(context.db, user.id, course.id) : [];
  return { course: { slug: course.slug, title: course.title }, query, hits, groups };
}

export default function SearchPage() {
  const { course, query, hits, groups } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const searching = navigation.state === "loading" && navigation.location.pathname.endsWith("/search");
  return (
    <section className="page search-page">
      <p className="eyebrow">
        <Link to={`/courses/${course.slug}`}>{course.title}</Link>
      </p>
      <h1>Search the lessons</h1>
      <Form method="get" role="search" className="search-form">
        <label htmlFor="search-q">Words to find</label>
        <div className="search-row">
          <input id="search-q" type="search" name="q" defaultValue={query} maxLength={MAX_QUERY} autoComplete="off" />
          <button type="submit">{searching ? "Searching…" : "Search"}</button>
        </div>
      </Form>
      <div aria-live="polite" role="status" className="search-status">
        {query ? (
          hits.length === 0 ? (
            <p className="empty">No passages match “{query}”. Try fewer or different words.</p>
          ) : (
            <p>
              {hits.length === 50 ? "The first 50" : hits.length} passage{hits.length === 1 ? "" : "s"} match “{query}”.
            </p>
          )
        ) : null}
      </div>
      {hits.length > 0 ? (
        <ol className="search-results">
          {hits.map((hit) => (
            <li key={`${hit.day}-${hit.passageKey}`}>
              <Link to={lessonHref(groups, course.slug, hit.day, hit.passageKey)} className="search-hit">
                <span className="search-where">
                  Day {hit.day}: {hit.lessonTitle} · {hit.readingTitle}
                </span>
                <span className="search-text">
                  {hit.segments.map((segment, index) => (segment.match ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>))}
                </span>
              </Link>
              {groupsForDay(groups, hit.day).length > 1 ? (
                <span className="search-also muted">
                  Also in{" "}
                  {groupsForDay(groups, hit.day)
                    .slice(1)
                    .map((group, index) => (
                      <span key={group.id}>
                        {index > 0 ? ", " : null}
                        <Link to={groupLessonHref(group.id, hit.day, { passageKey: hit.passageKey })}>{group.name}</Link>
                      </span>
                    ))}
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
