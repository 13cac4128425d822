/**
 * Day-by-day status of a course for the signed-in member: done, in progress, not started, or locked
 * by the group's pace, with "Day X of N" and, in a group, the discussion's progress per day.
 */
import { Link } from "@remix-run/react";
import { STATUS_LABEL, type LessonStatus } from "~/models/progress-rules.ts";
import { MarkDoneForm } from "./lesson-progress.tsx";

export interface DayStatusItem {
  day: number;
  title: string | null;
  status: LessonStatus;
  readCount: number;
  passageCount: number;
  discussion?: { newComments: number | null; prompts: number; promptsAnswered: number } | null;
}

export function DayXofN({ current, dayCount, done }: { current: number | null; dayCount: number; done: number }) {
  return (
    <p className="day-x-of-n">
      {current === null ? `All ${dayCount} days done.` : `Day ${current} of ${dayCount}`}
      <span className="muted"> · {done} done</span>
    </p>
  );
}

export function DiscussionStatus({ discussion }: { discussion: NonNullable<DayStatusItem["discussion"]> }) {
  const parts: string[] = [];
  if (discussion.newComments !== null) parts.push(discussion.newComments === 0 ? "Caught up" : `${discussion.newComments} new comment${discussion.newComments === 1 ? "" : "s"} since you last read`);
  if (discussion.prompts > 0) parts.push(discussion.promptsAnswered >= discussion.prompts ? "Prompt answered" : "Prompt not answered yet");
  return parts.length > 0 ? <span className="discussion-status">{parts.join(" · ")}</span> : null;
}

export function DayStatusList({
  days,
  dayHref,
  markDone,
}: {
  days: readonly DayStatusItem[];
  dayHref: (day: number) => string;
  /** With it, each published, open day gets a "mark as done" button coming back to `redirectTo`. */
  markDone?: { courseSlug: string; redirectTo: string };
}) {
  return (
    <ol className="day-list day-status-list">
      {days.map((day) => (
        <li key={day.day} data-available={day.title !== null} data-day={day.day} data-status={day.status}>
          {day.title && day.status !== "locked" ? (
            <Link to={dayHref(day.day)}>
              <span className="day-number">Day {day.day}: </span>{day.title}
            </Link>
          ) : (
            <>
              <span className="day-number">Day {day.day}: </span>{day.title ?? <span className="muted">not published yet</span>}
            </>
          )}{" "}
          {day.title ? (
            <span className={`status-badge status-${day.status}`}>
              <span className="visually-hidden">{`Day ${day.day} status: `}</span>
              {`${STATUS_LABEL[day.status]}${day.status === "in-progress" && day.passageCount > 0 ? ` (${day.readCount} of ${day.passageCount} passages)` : ""}`}
            </span>
          ) : null}
          {day.discussion ? (
            <>
              {" "}
              <DiscussionStatus discussion={day.discussion} />
            </>
          ) : null}
          {markDone && day.title && day.status !== "locked" ? (
            <MarkDoneForm courseSlug={markDone.courseSlug} day={day.day} done={day.status === "done"} redirectTo={markDone.redirectTo} compact />
          ) : null}
        </li>
      ))}
    </ol>
  );
}
