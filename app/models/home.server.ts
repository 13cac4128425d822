/**
 * The signed-in home: "what do I read today, with whom, and what happened since I left". Only the
 * person's own groups, each with the day to read today (its pace), unread replies and mentions (the
 * notification rules of notifications.server.ts), the open questions of that day and a running
 * live session. Nothing of a group the person is not in is read.
 */
import type { Db } from "~/db/client.server.ts";
import { can, type Role } from "./authz.ts";
import { groupLessonHref, orderGroups } from "./discussion-links.ts";
import { runningBrief } from "./live-session.server.ts";
import { unreadByGroup } from "./notifications.server.ts";
import { currentDay, describePace } from "./pace.ts";
import { GROUP_PACE_FIELDS } from "./group.server.ts";
import { courseDayStatuses, nextDay } from "./progress.server.ts";

export interface HomeGroup {
  id: string;
  name: string;
  role: Role;
  course: { slug: string; title: string; dayCount: number };
  pace: string;
  /** The day to read today: the schedule's day, or (self-paced) the member's next day not done. Null before a schedule starts. */
  today: { day: number; title: string; href: string; done: boolean } | null;
  unread: { replies: number; mentions: number; other: number };
  /** Questions without a marked answer on today's day (not hidden, not deleted). */
  openQuestions: number;
  openQuestionsHref: string | null;
  live: { day: number; lessonTitle: string; title: string; href: string } | null;
}

export async function homeGroups(db: Db, userId: string, now = new Date()): Promise<HomeGroup[]> {
  const memberships = await db.membership.findMany({
    where: { userId },
    orderBy: { joinedAt: "desc" },
    select: {
      role: true,
      joinedAt: true,
      group: {
        select: {
          ...GROUP_PACE_FIELDS,
          course: { select: { id: true, slug: true, title: true, dayCount: true, lessons: { orderBy: { day: "asc" }, select: { id: true, day: true, title: true } } } },
        },
      },
    },
  });
  if (memberships.length === 0) return [];
  const [unread, visits] = await Promise.all([
    unreadByGroup(db, userId),
    db.lessonVisit.groupBy({ by: ["groupId"], where: { userId, groupId: { in: memberships.map((membership) => membership.group.id) } }, _max: { visitedAt: true } }),
  ]);
  const lastVisit = new Map(visits.map((visit) => [visit.groupId, visit._max.visitedAt ?? null]));
  // The same order links prefer (discussion-links.ts): most recently visited, then most recently joined.
  const ordered = orderGroups(memberships.map((membership) => ({ ...membership, id: membership.group.id, lastVisitedAt: lastVisit.get(membership.group.id) ?? null })));
  return Promise.all(
    ordered.map(async ({ role, group }): Promise<HomeGroup> => {
      const { course } = group;
      const lessons = course.lessons;
      let day: number | null;
      let done = false;
      if (group.paceMode === "scheduled") {
        const scheduled = currentDay(group, course.dayCount, now);
        // The latest published day up to the schedule's.
        const published = lessons.filter((lesson) => lesson.day <= scheduled);
        day = scheduled === 0 ? null : (published.at(-1)?.day ?? null);
      } else {
        const statuses = await courseDayStatuses(db, { userId, courseId: course.id, dayCount: course.dayCount, lessons, pace: group, mayReadAhead: can(role as Role, "lesson.viewAhead") }, now);
        const next = nextDay(statuses);
        done = next === null && lessons.length > 0;
        day = next?.day ?? lessons.at(-1)?.day ?? null;
      }
      const lesson = day !== null ? lessons.find((candidate) => candidate.day === day) : undefined;
      const [openQuestions, live] = await Promise.all([
        lesson
          ? db.comment.count({ where: { groupId: group.id, lessonId: lesson.id, kind: "question", parentId: null, answerId: null, deletedAt: null, hiddenAt: null } })
          : Promise.resolve(0),
        runningBrief(db, group.id),
      ]);
      return {
        id: group.id,
        name: group.name,
        role: role as Role,
        course: { slug: course.slug, title: course.title, dayCount: course.dayCount },
        pace: describePace(group, course.dayCount, now),
        today: lesson ? { day: lesson.day, title: lesson.title, href: groupLessonHref(group.id, lesson.day), done } : null,
        unread: unread.get(group.id) ?? { replies: 0, mentions: 0, other: 0 },
        openQuestions,
        openQuestionsHref: lesson ? `${groupLessonHref(group.id, lesson.day)}?filter=open` : null,
        live: live ? { day: live.day, lessonTitle: live.lessonTitle, title: live.title, href: groupLessonHref(group.id, live.day) } : null,
      };
    }),
  );
}
