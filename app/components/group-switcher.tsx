/**
 * "Discuss with <group>": the group lesson a link opens, and — for a member of several groups on the
 * course — the same day in each of the others (the switcher). Groups come preferred first
 * (app/models/discussion-links.ts).
 */
import { Link } from "@remix-run/react";
import { groupLessonHref, groupsForDay, type LessonGroup } from "~/models/discussion-links.ts";

export function GroupSwitcher({ groups, day, passageKey, lead = "Discuss" }: { groups: readonly LessonGroup[]; day: number; passageKey?: string | null; lead?: string }) {
  const open = groupsForDay(groups, day);
  if (open.length === 0) return null;
  const [first, ...others] = open;
  return (
    <p className="group-switcher" data-day={day}>
      {lead} with{" "}
      <Link to={groupLessonHref(first!.id, day, { passageKey })} data-group={first!.id}>
        {first!.name}
      </Link>
      {others.length > 0 ? (
        <>
          {" "}
          <span className="muted">· or in</span>{" "}
          {others.map((group, index) => (
            <span key={group.id}>
              {index > 0 ? ", " : null}
              <Link to={groupLessonHref(group.id, day, { passageKey })} data-group={group.id}>
                {group.name}
              </Link>
            </span>
          ))}
        </>
      ) : null}
    </p>
  );
}
