import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { describeActivity, listAudit } from "~/models/group.server.ts";
import { requireGroupPermission } from "~/http/group-member.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Audit log · ${data.group.name}` : "Audit log" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { group } = await requireGroupPermission(context, request, params.groupId, "group.viewAudit");
  const events = await listAudit(context.db, group.id, { take: 200 });
  return { group: { id: group.id, name: group.name }, events: events.map((event) => ({ id: event.id, at: event.at, text: describeActivity(event) })) };
}

export default function AuditPage() {
  const { group, events } = useLoaderData<typeof loader>();
  return (
    <section className="page">
      <p className="eyebrow">
        <Link to={`/groups/${group.id}`}>{group.name}</Link>
      </p>
      <h1>Audit log</h1>
      <p>Every change of membership, role, invitation and moderation in this group, newest first. Only moderators see this page.</p>
      {events.length === 0 ? (
        <p className="empty">Nothing recorded yet.</p>
      ) : (
        <ol className="audit-list">
          {events.map((event) => (
            <li key={event.id}>
              <time dateTime={event.at}>{event.at.replace("T", " ").slice(0, 16)} UTC</time> — {event.text}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
