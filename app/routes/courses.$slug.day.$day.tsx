import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getLessonForReader } from "~/models/course.server.ts";
import { requireUser } from "~/utils/auth.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Day ${data.lesson.day}: ${data.lesson.title} · ${data.course.title}` : "Marginalia" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const day = Number(params.day);
  if (!Number.isInteger(day) || day < 1) throw new Response("No such day.", { status: 404 });
  const found = await getLessonForReader(context.db, params.slug ?? "", day);
  if (!found?.lesson) throw new Response("This day has no lesson yet.", { status: 404 });
  return { course: found.course, lesson: found.lesson, neighbours: found.neighbours };
}

export default function LessonPage() {
  const { course, lesson, neighbours } = useLoaderData<typeof loader>();
  return (
    <article className="reader">
      <header className="reader-header">
        <p className="eyebrow">
          <Link to={`/courses/${course.slug}`}>{course.title}</Link> · Day {lesson.day} of {course.dayCount}
        </p>
        <h1>{lesson.title}</h1>
      </header>
      {lesson.readings.map((reading) => (
        <section key={reading.id} aria-labelledby={`reading-${reading.slug}`} className="reading">
          <h2 id={`reading-${reading.slug}`} className="reading-title">
            {reading.title}
          </h2>
          {reading.currentRevision?.passages.map((passage) => (
            <Passage key={passage.key} kind={passage.kind} text={passage.text} id={`p-${passage.key}`} />
          ))}
        </section>
      ))}
      <nav aria-label="Other days" className="day-nav">
        {neighbours.previous ? (
          <Link rel="prev" to={`/courses/${course.slug}/day/${neighbours.previous.day}`}>
            <span aria-hidden="true">← </span>
            Day {neighbours.previous.day}: {neighbours.previous.title}
          </Link>
        ) : (
          <span />
        )}
        {neighbours.next ? (
          <Link rel="next" to={`/courses/${course.slug}/day/${neighbours.next.day}`}>
            Day {neighbours.next.day}: {neighbours.next.title}
            <span aria-hidden="true"> →</span>
          </Link>
        ) : null}
      </nav>
    </article>
  );
}

function Passage({ kind, text, id }: { kind: string; text: string; id: string }) {
  switch (kind) {
    case "heading":
      return (
        <h3 id={id} className="passage passage-heading">
          {text}
        </h3>
      );
    case "list-item":
      return (
        <p id={id} className="passage passage-list-item">
          {text}
        </p>
      );
    case "quote":
      return (
        <blockquote id={id} className="passage passage-quote">
          <p>{text}</p>
        </blockquote>
      );
    case "prompt":
      return (
        <aside id={id} className="passage passage-prompt" aria-label="Practice prompt">
          <p>{text}</p>
        </aside>
      );
    default:
      return (
        <p id={id} className="passage">
          {text}
        </p>
      );
  }
}
