/**
 * The group's progress dashboard, for its owner and moderators: members × days, who is behind the
 * group's pace, a passage heatmap of one lesson, and questions still without an answer.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { encodeStatuses, ProgressGrid } from "~/components/progress/dashboard-grid.tsx";
import { PassageHeatmap } from "~/components/progress/passage-heatmap.tsx";
import { plainText } from "~/content/comment-markdown.ts";
import { listOpenQuestions } from "~/models/discussion.server.ts";
import { groupProgressGrid, lessonHeatmap } from "~/models/progress.server.ts";
import { requireGroupPermission } from "~/utils/group-access.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Progress · ${data.group.name}` : "Progress dashboard" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { group } = await requireGroupPermission(context, request, params.groupId, "progress.viewGroup");
  const grid = await groupProgressGrid(context.db, group);
  const asked = Number(new URL(request.url).searchParams.get("day"));
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
    },
    behind: grid.rows.filter((row) => row.behind > 0).map((row) => ({ displayName: row.displayName, behind: row.behind })),
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
  const { group, course, grid, behind, heat, questions } = useLoaderData<typeof loader>();
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
        {grid.lessons.length === 0 ? <p className="empty">No lesson is published yet.</p> : <ProgressGrid lessons={grid.lessons} rows={grid.rows} paceDay={grid.paceDay} />}
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
              <li key={row.displayName}>
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
        {heat ? <PassageHeatmap day={heat.day} passages={heat.passages} members={grid.rows.length} /> : null}
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

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
