/**
 * The member's reading days of the last weeks as a table (weeks × weekdays): a screen reader reads
 * each cell's date and whether they read that day; colour is never the only signal.
 */
import type { CalendarCell } from "~/models/progress-rules.ts";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function level(count: number) {
  if (count <= 0) return 0;
  if (count < 5) return 1;
  if (count < 20) return 2;
  return 3;
}

export function ReadingCalendar({ weeks, caption = "Reading days, last 10 weeks" }: { weeks: CalendarCell[][]; caption?: string }) {
  return (
    <table className="reading-calendar">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Week of</th>
          {WEEKDAYS.map((day, index) => (
            <th key={day} scope="col">
              <abbr title={WEEKDAY_NAMES[index]}>{day}</abbr>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week) => (
          <tr key={week[0]!.day}>
            <th scope="row">{week[0]!.day}</th>
            {week.map((cell) => (
              <td key={cell.day} className={`calendar-cell level-${cell.future ? "future" : level(cell.count)}`} title={cell.day}>
                {cell.future ? (
                  <span className="visually-hidden">{`${cell.day}: still to come`}</span>
                ) : cell.count > 0 ? (
                  <>
                    <span aria-hidden="true">●</span>
                    <span className="visually-hidden">{`${cell.day}: read${cell.count > 1 ? ` (${cell.count} passages)` : ""}`}</span>
                  </>
                ) : (
                  <span className="visually-hidden">{`${cell.day}: no reading`}</span>
                )}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
