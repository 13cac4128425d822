/**
 * The course reader, search and progress follow groups' locked days (see `readerOpenThrough` in
 * app/models/pace.ts): a person whose only way into a course is through groups that all lock a day
 * cannot open that day's text there either.
 */
import type { Db } from "~/db/client.server.ts";
import { can, type Role } from "./authz.ts";
import { lockedDayMessage, readerOpenThrough } from "./pace.ts";

export interface CourseRef {
  id: string;
  ownerId: string | null;
  dayCount: number;
}

/** The last day of the course `userId` may open in the reader and search, or null for every day. */
export async function courseOpenThrough(db: Db, userId: string, course: CourseRef, now = new Date()): Promise<number | null> {
  if (course.ownerId === userId) return null;
  const memberships = await db.membership.findMany({
    where: { userId, group: { courseId: course.id } },
    select: { role: true, group: { select: { paceMode: true, startDate: true, daysPerWeek: true, timeZone: true, lockAhead: true } } },
  });
  return readerOpenThrough(
    { ownsCourse: false, dayCount: course.dayCount, groups: memberships.map((membership) => ({ pace: membership.group, mayReadAhead: can(membership.role as Role, "lesson.viewAhead") })) },
    now,
  );
}

/** The course of `slug` as the reader's checks need it, or null. */
export async function findCourseRef(db: Db, slug: string): Promise<CourseRef | null> {
  return db.course.findUnique({ where: { slug }, select: { id: true, ownerId: true, dayCount: true } });
}

/** Why `day` is closed to `userId` in the course reader (403), or null when it is open. */
export async function courseDayRefusal(db: Db, userId: string, course: CourseRef, day: number, now = new Date()): Promise<string | null> {
  const through = await courseOpenThrough(db, userId, course, now);
  return through !== null && day > through ? lockedDayMessage(day, through) : null;
}
