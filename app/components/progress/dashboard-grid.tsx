/**
 * Members × days for a group's moderators. Each cell holds its status as words (read with the
 * column's "Day N" header by screen readers) and shows a symbol drawn by CSS, so a 60-day course
 * with 200 members stays one small element per cell. Statuses travel from the loader as one letter
 * per day (GRID_CODES), not as 12,000 strings.
 */
import { STATUS_LABEL, type LessonStatus } from "~/models/progress-rules.ts";

export const GRID_CODES: Record<LessonStatus, string> = { done: "d", "in-progress": "p", "not-started": "n", locked: "l" };
const FROM_CODE: Record<string, LessonStatus> = { d: "done", p: "in-progress", n: "not-started", l: "locked" };

export function encodeStatuses(statuses: readonly LessonStatus[]): string {
  return statuses.map((status) => GRID_CODES[status]).join("");
}

export interface GridRow {
  userId: string;
  displayName: string;
  role: string;
  /** One letter per day (GRID_CODES). */
  cells: string;
  done: number;
  behind: number;
}

/**
 * `rows` may be one page of the members; `doneByDay` (members who have done each day) and `members`
 * are the whole group's, shown as the table's last row.
 */
export function ProgressGrid({
  lessons,
  rows,
  paceDay,
  doneByDay,
  members,
}: {
  lessons: { day: number; title: string }[];
  rows: GridRow[];
  paceDay: number | null;
  doneByDay?: readonly number[];
  members?: number;
}) {
  return (
    <div className="progress-grid-scroll" tabIndex={0} role="region" aria-label="Members and days">
      <table className="progress-grid">
        <caption>{`Progress of each member, day by day${paceDay !== null ? ` (the group is on Day ${paceDay})` : ""}. ✓ done, ◐ in progress, · not started.`}</caption>
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Done</th>
            {lessons.map((lesson) => (
              <th key={lesson.day} scope="col" className={paceDay !== null && lesson.day === paceDay ? "pace-day" : undefined}>
                <abbr title={`Day ${lesson.day}: ${lesson.title}`}>{`Day ${lesson.day}`}</abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.userId} data-behind={row.behind > 0}>
              <th scope="row">
                {row.displayName}
                {row.behind > 0 ? <span className="behind-badge">{` ${row.behind} behind`}</span> : null}
              </th>
              <td>{`${row.done}/${lessons.length}`}</td>
              {Array.from(row.cells, (code, index) => (
                <td key={index} className={`g g-${code}`}>
                  {STATUS_LABEL[FROM_CODE[code] ?? "not-started"]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {doneByDay && members !== undefined ? (
          <tfoot>
            <tr className="progress-grid-totals">
              <th scope="row">{`Done by, of all ${members}`}</th>
              <td />
              {doneByDay.map((count, index) => (
                <td key={index}>{count}</td>
              ))}
            </tr>
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}
