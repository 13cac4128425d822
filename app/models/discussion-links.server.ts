/**
 * The groups through which a person discusses each course, in the order links prefer them (see
 * app/models/discussion-links.ts, which decides what a link opens).
 */
import type { Db } from "~/db/client.server.ts";
import { can, type Role } from "./authz.ts";
import { orderGroups, type LessonGroup } from "./discussion-links.ts";
import { currentDay } from "./pace.ts";

/** Per course id: this person's groups on it, the preferred one first. */
export async function lessonGroupsByCourse(db: Db, userId: string, options: { courseId?: string } = {}, now = new Date()): Promise<Map<string, LessonGroup[]>> {
  const memberships = await db.membership.findMany({
    where: { userId, ...(options.courseId ? { group: { courseId: options.courseId } } : {}) },
    select: {
      role: true,
      joinedAt: true,
      group: { select: { id: true, name: true, courseId: true, paceMode: true, startDate: true, daysPerWeek: true, timeZone: true, lockAhead: true, course: { select: { dayCount: true } } } },
    },
  });
  if (memberships.length === 0) return new Map();
  const visits = await db.lessonVisit.groupBy({
    by: ["groupId"],
    where: { userId, groupId: { in: memberships.map((membership) => membership.group.id) } },
    _max: { visitedAt: true },
  });
  const lastVisit = new Map(visits.map((visit) => [visit.groupId, visit._max.visitedAt ?? null]));
  const ordered = orderGroups(
    memberships.map((membership) => ({ ...membership, id: membership.group.id, lastVisitedAt: lastVisit.get(membership.group.id) ?? null })),
  );
  const byCourse = new Map<string, LessonGroup[]>();
  for (const { group, role } of ordered) {
    const locks = group.paceMode === "scheduled" && group.lockAhead && !can(role as Role, "lesson.viewAhead");
    const entry: LessonGroup = { id: group.id, name: group.name, openThrough: locks ? currentDay(group, group.course.dayCount, now) : null };
    const list = byCourse.get(group.courseId) ?? [];
    list.push(entry);
    byCourse.set(group.courseId, list);
  }
  return byCourse;
}

/** This person's groups on one course, the preferred one first (empty: links go to the reader). */
export async function lessonGroups(db: Db, userId: string, courseId: string, now = new Date()): Promise<LessonGroup[]> {
  return (await lessonGroupsByCourse(db, userId, { courseId }, now)).get(courseId) ?? [];
}
