import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { plainText } from "~/content/comment-markdown.ts";
import { can } from "~/models/authz.ts";
import { listOpenQuestions } from "~/models/discussion.server.ts";
import { isDayLocked } from "~/models/pace.ts";
import { requireGroupPermission } from "~/http/group-member.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Open questions · ${data.group.name}` : "Open questions" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { group, role } = await requireGroupPermission(context, request, params.groupId, "discussion.view");
  // A locked day's discussion is closed to members until its date (pace.ts): its questions too.
  const mayReadAhead = can(role, "lesson.viewAhead");
  const questions = (await listOpenQuestions(context.db, group.id)).filter((question) => mayReadAhead || !isDayLocked(group, question.lesson.day, group.course.dayCount));
  return {
    group: { id: group.id, name: group.name },
    questions: questions.map((question) => ({
      id: question.id,
      text: plainText(question.body).slice(0, 280),
      author: question.author.displayName,
      replies: question._count.replies,
      day: question.lesson.day,
      lessonTitle: question.lesson.title,
      at: question.createdAt.toISOString(),
    })),
  };
}

export default function OpenQuestions() {
  const { group, questions } = useLoaderData<typeof loader>();
  return (
    <section className="page">
      <p className="eyebrow">
        <Link to={`/groups/${group.id}`}>{group.name}</Link>
      </p>
      <h1>Open questions</h1>
      <p>Questions asked in this group that nobody has marked an answer for yet, newest first.</p>
      {questions.length === 0 ? (
        <p className="empty">Every question has an answer. Nice.</p>
      ) : (
        <ul className="question-list">
          {questions.map((question) => (
            <li key={question.id} className="card">
              <p>
                <Link to={`/groups/${group.id}/day/${question.day}?comment=${question.id}#c-${question.id}`}>{question.text}</Link>
              </p>
              <p className="meta">
                {question.author} on Day {question.day}: {question.lessonTitle} · {question.replies} repl{question.replies === 1 ? "y" : "ies"}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
