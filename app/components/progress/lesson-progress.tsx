/**
 * The member's progress through a lesson: a bar ("Read 4 of 12 passages"), "continue where you left
 * off", and the "mark lesson as done" form (a plain form: it works without JavaScript).
 * Fed by loadLessonProgress (app/models/progress.server.ts).
 */
import { passageId } from "~/components/reader/paths.ts";
import { STATUS_LABEL, type LessonStatus } from "~/models/progress-rules.ts";

export interface LessonProgressProps {
  progress: { status: LessonStatus; readCount: number; passageCount: number; continueKey: string | null };
  courseSlug: string;
  day: number;
  /** Where the form comes back to (the page it is on). */
  redirectTo: string;
  endpoint?: string;
}

export function LessonProgress({ progress, courseSlug, day, redirectTo, endpoint = "/api/progress" }: LessonProgressProps) {
  const { status, readCount, passageCount, continueKey } = progress;
  const percent = passageCount > 0 ? Math.round((Math.min(readCount, passageCount) / passageCount) * 100) : status === "done" ? 100 : 0;
  return (
    <section className="lesson-progress" aria-label="Your progress in this lesson" data-status={status}>
      <ProgressStatus status={status} readCount={readCount} passageCount={passageCount} />
      <progress className="lesson-progress-bar" max={100} value={status === "done" ? 100 : percent} aria-label={`Day ${day}: ${percent}% read`}>
        {percent}%
      </progress>
      {continueKey ? <ContinueLink href={`#${passageId(continueKey)}`} /> : null}
      <MarkDoneForm courseSlug={courseSlug} day={day} done={status === "done"} redirectTo={redirectTo} endpoint={endpoint} />
    </section>
  );
}

function percentOf({ status, readCount, passageCount }: LessonProgressProps["progress"]) {
  return passageCount > 0 ? Math.round((Math.min(readCount, passageCount) / passageCount) * 100) : status === "done" ? 100 : 0;
}

/**
 * The group lesson's progress, slim: a thin bar above the title with "4 of 12 read" (and "continue
 * where you left off"); the "mark as done" form waits at the end of the lesson (LessonEnd).
 */
export function LessonProgressBar({ progress, day }: { progress: LessonProgressProps["progress"]; day: number }) {
  const percent = percentOf(progress);
  return (
    <div className="progress-slim" data-status={progress.status}>
      <progress className="progress-slim-bar" max={100} value={progress.status === "done" ? 100 : percent} aria-label={`Day ${day}: ${percent}% read`}>
        {percent}%
      </progress>
      <p className="progress-slim-label">
        {progress.status === "done" ? "Done" : `${Math.min(progress.readCount, progress.passageCount)} of ${progress.passageCount} read`}
        {progress.continueKey && progress.status !== "done" ? (
          <>
            {" · "}
            <a href={`#${passageId(progress.continueKey)}`}>Continue where you left off</a>
          </>
        ) : null}
      </p>
    </div>
  );
}

/** "In progress · Read 4 of 12 passages": the lesson's status badge and count. */
function ProgressStatus({ status, readCount, passageCount }: Pick<LessonProgressProps["progress"], "status" | "readCount" | "passageCount">) {
  return (
    <p className="lesson-progress-status">
      <span className={`status-badge status-${status}`}>{STATUS_LABEL[status]}</span>{" "}
      <span>
        Read {readCount} of {passageCount} passage{passageCount === 1 ? "" : "s"}
      </span>
    </p>
  );
}

/** At the end of the lesson: how much of it is read, and "Mark Day N as done". */
export function LessonEnd({ progress, courseSlug, day, redirectTo, endpoint = "/api/progress" }: LessonProgressProps) {
  const { status, readCount, passageCount } = progress;
  return (
    <section className="lesson-end" aria-label="Your progress in this lesson" data-status={status}>
      <ProgressStatus status={status} readCount={readCount} passageCount={passageCount} />
      <MarkDoneForm courseSlug={courseSlug} day={day} done={status === "done"} redirectTo={redirectTo} endpoint={endpoint} />
    </section>
  );
}

export function ContinueLink({ href, label = "Continue where you left off" }: { href: string; label?: string }) {
  return (
    <p className="continue-link">
      <a href={href}>{label}</a>
    </p>
  );
}

/** "Mark Day N as done" (or undo it): posts to the progress endpoint, which sends the browser back. */
export function MarkDoneForm({ courseSlug, day, done, redirectTo, endpoint = "/api/progress", compact = false }: { courseSlug: string; day: number; done: boolean; redirectTo: string; endpoint?: string; compact?: boolean }) {
  return (
    <form method="post" action={endpoint} className="mark-done-form">
      <input type="hidden" name="courseSlug" value={courseSlug} />
      <input type="hidden" name="day" value={day} />
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <button type="submit" name="intent" value={done ? "undone" : "done"} className={compact ? "link-button" : undefined}>
        {done ? `Mark Day ${day} as not done` : `Mark Day ${day} as done`}
      </button>
    </form>
  );
}
