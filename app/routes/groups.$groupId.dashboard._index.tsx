/**
 * The group's progress dashboard, for its owner and moderators: members × days (DASHBOARD_PAGE_SIZE
 * members a page, `?page=`; the CSV export has everyone), the group's totals (members, done per day,
 * who is behind the group's pace: over every member), a passage heatmap of one lesson (`?day=`), and
 * questions still without an answer. Paging and the day are plain links and a GET form: no JavaScript needed.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { encodeStatuses, ProgressGrid } from "~/components/progress/dashboard-grid.tsx";
import { PassageHeatmap } from "~/components/progress/passage-heatmap.tsx";
import { plainText } from "~/content/comment-markdown.ts";
import { listOpenQuestions } from "~/models/discussion.server.ts";
import { groupProgressPage, lessonHeatmap } from "~/models/progress.server.ts";
import { requireGroupPermission } from "~/http/group-member.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Progress · ${data.group.name}` : "Progress dashboard" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { group } = await requireGroupPermission(context, request, params.groupId, "progress.viewGroup");
  const search = new URL(request.url).searchParams;
  const grid = await groupProgressPage(context.db, group, search.get("page"));
  const asked = Number(search.get("day"));
  const fallback = grid.paceDay && grid.paceDay > 0 ? grid.paceDay : (grid.lessons[0]?.day ?? 1);
  const heatLesson = grid.lessons.find((lesson) => lesson.day === asked) ?? grid.lessons.find((lesson) => lesson.day === fallback) ?? grid.lessons[0] ?? null;
  const [heatmap, questions] = await Promise.all([
    heatLesson ? lessonHeatmap(context.db, { groupId: group.id, lessonId: heatLesson.id }) : [],
    listOpenQuestions(context.db, group.id),
  ]);
  return {
    group: { id: group.id, name: group.name },
    course: { title: group.course.title, dayCount: group.course.dayCount },
    grid: {
      lessons: grid.lessons.map(({ day, title }) => ({ day, title })),
      rows: grid.rows.map(({ statuses, ...row }) => ({ ...row, cells: encodeStatuses(statuses) })),
      paceDay: grid.paceDay,
      page: grid.page,
      doneByDay: grid.totals.doneByDay,
    },
    members: grid.totals.members,
    behind: grid.totals.behind.map(({ userId, displayName, behind }) => ({ userId, displayName, behind })),
    // The heatmap's day, kept by the paging links; `?day=` only when asked for.
    dayParam: heatLesson && search.has("day") ? heatLesson.day : null,
    heat: heatLesson ? { day: heatLesson.day, title: heatLesson.title, passages: heatmap } : null,
    questions: questions.slice(0, 50).map((question) => ({
      id: question.id,
      text: plainText(question.body).slice(0, 200),
      author: question.author.displayName,
      day: question.lesson.day,
      replies: question._count.replies,
    })),
  };
}

export default function GroupDashboard() {
  const { group, course, grid, members, behind, dayParam, heat, questions } = useLoaderData<typeof loader>();
  return (
    <section className="page progress-dashboard">
      <p className="eyebrow">
        <Link to={`/groups/${group.id}`}>{group.name}</Link> · {course.title}
      </p>
      <h1>Group progress</h1>
      <p>
        <a href={`/groups/${group.id}/dashboard/export`} download>
          Download the progress grid (CSV)
        </a>
      </p>

      <section aria-labelledby="grid-heading">
        <h2 id="grid-heading">Members and days</h2>
        {grid.lessons.length === 0 ? (
          <p className="empty">No lesson is published yet.</p>
        ) : (
          <>
            <p className="members-range" id="members-range">
              {members === 0 ? "No members yet." : `Members ${grid.page.first}–${grid.page.last} of ${members}`}
            </p>
            <ProgressGrid lessons={grid.lessons} rows={grid.rows} paceDay={grid.paceDay} doneByDay={grid.doneByDay} members={members} />
            <MemberPages basePath={`/groups/${group.id}/dashboard`} page={grid.page} day={dayParam} />
          </>
        )}
      </section>

      <section aria-labelledby="behind-heading">
        <h2 id="behind-heading">Behind the group's pace</h2>
        {grid.paceDay === null ? (
          <p className="empty">The group is self-paced: nobody is behind.</p>
        ) : behind.length === 0 ? (
          <p className="empty">Everyone has done every day up to Day {grid.paceDay}.</p>
        ) : (
          <ul>
            {behind.map((row) => (
              <li key={row.userId}>
                {row.displayName}: {row.behind} day{row.behind === 1 ? "" : "s"} not done up to Day {grid.paceDay}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="heat-heading">
        <h2 id="heat-heading">Passages{heat ? ` of Day ${heat.day}: ${heat.title}` : ""}</h2>
        {grid.lessons.length > 0 ? (
          <Form method="get" className="inline-form">
            {grid.page.page > 1 ? <input type="hidden" name="page" value={grid.page.page} /> : null}
            <label htmlFor="heat-day">Day</label>{" "}
            <select id="heat-day" name="day" defaultValue={heat?.day}>
              {grid.lessons.map((lesson) => (
                <option key={lesson.day} value={lesson.day}>
                  Day {lesson.day}: {lesson.title}
                </option>
              ))}
            </select>{" "}
            <button type="submit">Show</button>
          </Form>
        ) : null}
        {heat ? <PassageHeatmap day={heat.day} passages={heat.passages} members={members} /> : null}
      </section>

      <section aria-labelledby="questions-heading">
        <h2 id="questions-heading">Questions without an answer</h2>
        {questions.length === 0 ? (
          <p className="empty">Every question has an answer.</p>
        ) : (
          <ul className="question-list">
            {questions.map((question) => (
              <li key={question.id}>
                <Link to={`/groups/${group.id}/day/${question.day}#c-${question.id}`}>{question.text}</Link>{" "}
                <span className="meta">
                  {question.author}, Day {question.day} · {question.replies} repl{question.replies === 1 ? "y" : "ies"}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

/**
 * Links to the pages of the members grid: previous, each page, next. Plain links (no JavaScript
 * needed), the current page marked with aria-current; the heatmap's day is kept.
 */
function MemberPages({ basePath, page, day }: { basePath: string; page: { page: number; pageCount: number }; day: number | null }) {
  if (page.pageCount <= 1) return null;
  const href = (number: number) => {
    const params = new URLSearchParams();
    if (number > 1) params.set("page", String(number));
    if (day !== null) params.set("day", String(day));
    const query = params.toString();
    return `${basePath}${query ? `?${query}` : ""}#grid-heading`;
  };
  // The first, the last and the two either side of the current one; "…" for the rest.
  const numbers = Array.from({ length: page.pageCount }, (_, index) => index + 1).filter((number) => number === 1 || number === page.pageCount || Math.abs(number - page.page) <= 2);
  return (
    <nav className="pager" aria-label="Pages of members">
      <ul>
        <li>
          {page.page > 1 ? (
            <Link to={href(page.page - 1)} rel="prev">
              Previous<span className="visually-hidden"> page of members</span>
            </Link>
          ) : (
            <span aria-hidden="true" className="pager-off">
              Previous
            </span>
          )}
        </li>
        {numbers.map((number, index) => (
          <li key={number}>
            {index > 0 && number - numbers[index - 1]! > 1 ? (
              <span className="pager-gap" aria-hidden="true">
                …{" "}
              </span>
            ) : null}
            <Link to={href(number)} aria-current={number === page.page ? "page" : undefined}>
              <span className="visually-hidden">Page </span>
              {number}
            </Link>
          </li>
        ))}
        <li>
          {page.page < page.pageCount ? (
            <Link to={href(page.page + 1)} rel="next">
              Next<span className="visually-hidden"> page of members</span>
            </Link>
          ) : (
            <span aria-hidden="true" className="pager-off">
              Next
            </span>
          )}
        </li>
      </ul>
    </nav>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
