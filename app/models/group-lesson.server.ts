import type { Db } from "~/db/client.server.ts";
import { can, type Role } from "./authz.ts";
import { loadDiscussion } from "./discussion.server.ts";
import type { DiscussionFilter } from "./discussion-rules.ts";
import { currentDay, isDayLocked, type Pace } from "./pace.ts";
import { loadReader } from "./reader.server.ts";

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

/** The reader and the group's discussion of one day, for one member. */
export async function loadGroupLesson(
  db: Db,
  input: { group: GroupForLesson; role: Role; userId: string; day: number; filter: DiscussionFilter },
) {
  assertDayOpen(input.group, input.role, input.day);
  const [reader, lessonId] = await Promise.all([
    loadReader(db, { courseSlug: input.group.course.slug, day: input.day, userId: input.userId }),
    findLessonId(db, input.group.course.id, input.day),
  ]);
  if (!lessonId) throw new Response("This day has no lesson yet.", { status: 404 });
  const promptKeys = new Set(reader.readings.flatMap((reading) => reading.passages.filter((passage) => passage.kind === "prompt").map((passage) => passage.key)));
  const discussion = await loadDiscussion(db, {
    groupId: input.group.id,
    lessonId,
    viewer: { userId: input.userId, role: input.role },
    promptKeys,
    filter: input.filter,
  });
  return { reader, lessonId, discussion };
}
