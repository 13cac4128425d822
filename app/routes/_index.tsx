import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listCourses } from "~/models/course.server.ts";
import { homeGroups, type HomeGroup } from "~/models/home.server.ts";

export const meta: MetaFunction = () => [
  { title: "Marginalia — read together, one day at a time" },
  { name: "description", content: "Reading groups work through a daily curriculum and discuss it in the margin." },
];

export async function loader({ context }: LoaderFunctionArgs) {
  if (!context.auth) return { signedIn: false as const, courses: [], groups: [] as HomeGroup[] };
  // Signed in, the home is today: the person's own groups first (home.server.ts), then courses.
  const [groups, courses] = await Promise.all([homeGroups(context.db, context.auth.user.id), listCourses(context.db)]);
  return { signedIn: true as const, courses, groups };
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

function GroupToday({ group }: { group: HomeGroup }) {
  const { unread } = group;
  return (
    <li className="card home-group" data-group={group.id} data-live={group.live ? "" : undefined} aria-labelledby={`home-group-${group.id}`}>
      <div className="home-group-head">
        <h3 id={`home-group-${group.id}`}>
          <Link to={`/groups/${group.id}`}>{group.name}</Link>
        </h3>
        {group.live ? (
          <Link to={group.live.href} className="live-badge home-live">
            Live now<span className="visually-hidden">: {group.name}, Day {group.live.day}</span>
          </Link>
        ) : null}
      </div>
      <p className="meta">
        {group.course.title} · {group.pace}
      </p>
      {group.today ? (
        <p className="home-today">
          <Link className="button" to={group.today.href}>
            {group.today.done ? "Revisit" : "Today"}: Day {group.today.day} — {group.today.title}
          </Link>
        </p>
      ) : (
        <p className="empty">Nothing to read yet: the group starts on its first scheduled day.</p>
      )}
      <ul className="home-counts">
        <li data-count="unread">
          {unread.replies + unread.mentions > 0 ? (
            <Link to="/notifications">
              {[unread.replies > 0 ? plural(unread.replies, "unread reply", "unread replies") : null, unread.mentions > 0 ? plural(unread.mentions, "unread mention") : null]
                .filter(Boolean)
                .join(" · ")}
            </Link>
          ) : (
            <span className="muted">No unread replies or mentions</span>
          )}
        </li>
        {group.today ? (
          <li data-count="open-questions">
            {group.openQuestions > 0 && group.openQuestionsHref ? (
              <Link to={group.openQuestionsHref}>
                {plural(group.openQuestions, "open question")} on Day {group.today.day}
              </Link>
            ) : (
              <span className="muted">No open questions on Day {group.today.day}</span>
            )}
          </li>
        ) : null}
        {group.live ? (
          <li data-count="live">
            <Link to={group.live.href}>
              Live session on Day {group.live.day}
              {group.live.title ? `: ${group.live.title}` : ""} — join
            </Link>
          </li>
        ) : null}
      </ul>
    </li>
  );
}

export default function Index() {
  const { signedIn, courses, groups } = useLoaderData<typeof loader>();
  if (!signedIn) {
    return (
      <section className="page hero">
        <h1>Read together, one day at a time.</h1>
        <p className="lede">
          Marginalia is where reading groups work through a daily curriculum — “Day 32 of 60” — and talk about it in the
          margin, right beside the sentence they mean. Ask, answer, pin the answers worth keeping, and meet live to read
          the day’s lesson side by side.
        </p>
        <p className="actions">
          <Link className="button" to="/signup">
            Create an account
          </Link>
          <Link className="button secondary" to="/login">
            Log in
          </Link>
        </p>
      </section>
    );
  }
  return (
    <section className="page home">
      <h1>Today</h1>
      <section aria-labelledby="home-groups">
        <h2 id="home-groups">Your groups</h2>
        {groups.length === 0 ? (
          <div className="card home-start">
            <p>You are not in a reading group yet. A group reads one course together, a day at a time, and discusses it in the margin.</p>
            <p className="actions">
              <Link className="button" to="/groups/new">
                Start a group
              </Link>
            </p>
            <p className="hint">To join one, open the invitation link its owner or a moderator sent you.</p>
          </div>
        ) : (
          <ul className="course-list home-groups">
            {groups.map((group) => (
              <GroupToday key={group.id} group={group} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="home-courses">
        <h2 id="home-courses">Courses</h2>
        {courses.length === 0 ? (
          <p className="empty">No courses yet. An author can import one with <code>npm run content:import</code>.</p>
        ) : (
          <ul className="course-list">
            {courses.map((course) => (
              <li key={course.slug} className="card">
                <h3>
                  <Link to={`/courses/${course.slug}`}>{course.title}</Link>
                </h3>
                {course.description ? <p>{course.description}</p> : null}
                <p className="meta">
                  {course._count.lessons} of {course.dayCount} days published
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
