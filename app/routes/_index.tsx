import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listCourses } from "~/models/course.server.ts";

export const meta: MetaFunction = () => [
  { title: "Marginalia — read together, one day at a time" },
  { name: "description", content: "Reading groups work through a daily curriculum and discuss it in the margin." },
];

export async function loader({ context }: LoaderFunctionArgs) {
  if (!context.auth) return { signedIn: false as const, courses: [] };
  return { signedIn: true as const, courses: await listCourses(context.db) };
}

export default function Index() {
  const { signedIn, courses } = useLoaderData<typeof loader>();
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
    <section className="page">
      <h1>Courses</h1>
      {courses.length === 0 ? (
        <p className="empty">No courses yet. An author can import one with <code>npm run content:import</code>.</p>
      ) : (
        <ul className="course-list">
          {courses.map((course) => (
            <li key={course.slug} className="card">
              <h2>
                <Link to={`/courses/${course.slug}`}>{course.title}</Link>
              </h2>
              {course.description ? <p>{course.description}</p> : null}
              <p className="meta">
                {course._count.lessons} of {course.dayCount} days published
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
