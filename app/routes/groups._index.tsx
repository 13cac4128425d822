import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { listMyGroups } from "~/models/group.server.ts";
import { describePace } from "~/models/pace.ts";
import { requireUser } from "~/http/signed-in.server.ts";

export const meta: MetaFunction = () => [{ title: "My groups · Marginalia" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = requireUser(context, request);
  const groups = await listMyGroups(context.db, auth.user.id);
  return {
    groups: groups.map((group) => ({
      id: group.id,
      name: group.name,
      role: group.role,
      course: group.course.title,
      members: group._count.memberships,
      pace: describePace(group, group.course.dayCount),
    })),
  };
}

export default function MyGroups() {
  const { groups } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const left = params.get("left");
  return (
    <section className="page">
      {left ? (
        <p role="status" className="done">
          You left “{left}”.
        </p>
      ) : null}
      <div className="title-row">
        <h1>My groups</h1>
        <Link className="button" to="/groups/new">
          Start a group
        </Link>
      </div>
      {groups.length === 0 ? (
        <p className="empty">
          You are not in a reading group yet. Start one for a course, or open an invitation link someone sent you.
        </p>
      ) : (
        <ul className="course-list">
          {groups.map((group) => (
            <li key={group.id} className="card">
              <h2>
                <Link to={`/groups/${group.id}`}>{group.name}</Link>
              </h2>
              <p className="meta">
                {group.course} · {group.members} member{group.members === 1 ? "" : "s"} · you are {group.role === "member" ? "a member" : `the ${group.role}`}
              </p>
              <p>{group.pace}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
