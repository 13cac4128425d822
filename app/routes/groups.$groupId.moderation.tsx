import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { listFlagged } from "~/models/discussion.server.ts";
import { requireGroupPermission } from "~/http/group-member.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Moderation · ${data.group.name}` : "Moderation" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { group } = await requireGroupPermission(context, request, params.groupId, "discussion.moderate");
  const flagged = await listFlagged(context.db, group.id);
  return {
    group: { id: group.id, name: group.name },
    flagged: flagged.map((comment) => ({
      id: comment.id,
      body: comment.deletedAt ? null : comment.body,
      hidden: comment.hiddenAt !== null,
      author: comment.author.displayName,
      day: comment.lesson.day,
      lessonTitle: comment.lesson.title,
      flags: comment.flags.map((flag) => ({ reason: flag.reason, by: flag.reporter.displayName, at: flag.createdAt.toISOString() })),
    })),
  };
}

export default function ModerationQueue() {
  const { group, flagged } = useLoaderData<typeof loader>();
  return (
    <section className="page">
      <p className="eyebrow">
        <Link to={`/groups/${group.id}`}>{group.name}</Link>
      </p>
      <h1>Moderation queue</h1>
      <p>Comments members flagged. Hide what does not belong (its author and moderators still see it), or dismiss the flags.</p>
      {flagged.length === 0 ? (
        <p className="empty">Nothing is waiting for a moderator.</p>
      ) : (
        <ul className="question-list">
          {flagged.map((comment) => (
            <li key={comment.id} className="card">
              <p className="meta">
                {comment.author} on <Link to={`/groups/${group.id}/day/${comment.day}?comment=${comment.id}#c-${comment.id}`}>Day {comment.day}: {comment.lessonTitle}</Link>
                {comment.hidden ? " · hidden" : ""}
              </p>
              <blockquote className="flagged-body">{comment.body ?? "(deleted by its author)"}</blockquote>
              <ul>
                {comment.flags.map((flag, index) => (
                  <li key={index}>
                    {flag.by}: “{flag.reason}”
                  </li>
                ))}
              </ul>
              <div className="row-actions">
                {(["hide", "dismiss"] as const).map((action) => (
                  <Form method="post" action={`/groups/${group.id}/day/${comment.day}`} key={action}>
                    <input type="hidden" name="intent" value="moderate" />
                    <input type="hidden" name="redirectTo" value={`/groups/${group.id}/moderation`} />
                    <input type="hidden" name="commentId" value={comment.id} />
                    <button type="submit" name="action" value={action} className={action === "hide" ? "secondary danger" : "secondary"}>
                      {action === "hide" ? "Hide comment" : "Dismiss flags"}
                    </button>
                  </Form>
                ))}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
