import type { Db } from "~/db/client.server.ts";
import { can, type Role } from "./authz.ts";
import { currentDay, isDayLocked, type Pace } from "./pace.ts";

export interface GroupForLesson extends Pace {
  id: string;
  course: { id: string; slug: string; dayCount: number };
}

/** Members may not open days ahead of a locking schedule; moderators may, to prepare. */
export function assertDayOpen(group: GroupForLesson, role: Role, day: number) {
  if (isDayLocked(group, day, group.course.dayCount) && !can(role, "lesson.viewAhead")) {
    const today = currentDay(group, group.course.dayCount);
    throw new Response(
      today === 0
        ? `Day ${day} is not open yet: the group starts on ${group.startDate}.`
        : `Day ${day} is not open yet: the group is on Day ${today}, and later days open on schedule.`,
      { status: 403 },
    );
  }
}

export async function findLessonId(db: Db, courseId: string, day: number) {
  if (!Number.isInteger(day) || day < 1) return null;
  const lesson = await db.lesson.findUnique({ where: { courseId_day: { courseId, day } }, select: { id: true } });
  return lesson?.id ?? null;
}

// The lesson page's own data: app/models/lesson-page.server.ts (loadLessonPage).
