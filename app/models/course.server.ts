import type { Db } from "~/db/client.server.ts";

export async function listCourses(db: Db) {
  return db.course.findMany({
    orderBy: { title: "asc" },
    select: { slug: true, title: true, description: true, dayCount: true, _count: { select: { lessons: true } } },
  });
}

export async function getCourseOutline(db: Db, slug: string) {
  return db.course.findUnique({
    where: { slug },
    select: {
      id: true,
      slug: true,
      title: true,
      description: true,
      dayCount: true,
      ownerId: true,
      lessons: { orderBy: { day: "asc" }, select: { day: true, title: true, _count: { select: { readings: true } } } },
    },
  });
}

/** A day's lesson with the current revision of each of its readings, passages in order. */
export async function getLessonForReader(db: Db, courseSlug: string, day: number) {
  const course = await db.course.findUnique({ where: { slug: courseSlug }, select: { id: true, slug: true, title: true, dayCount: true } });
  if (!course) return null;
  const lesson = await db.lesson.findUnique({
    where: { courseId_day: { courseId: course.id, day } },
    select: {
      id: true,
      day: true,
      title: true,
      readings: {
        orderBy: [{ position: "asc" }, { title: "asc" }],
        select: {
          id: true,
          slug: true,
          kind: true,
          title: true,
          currentRevision: {
            select: {
              number: true,
              createdAt: true,
              passages: { orderBy: { position: "asc" }, select: { key: true, kind: true, text: true } },
            },
          },
        },
      },
    },
  });
  if (!lesson) return { course, lesson: null, neighbours: await neighbourDays(db, course.id, day) };
  return { course, lesson, neighbours: await neighbourDays(db, course.id, day) };
}

async function neighbourDays(db: Db, courseId: string, day: number) {
  const [previous, next] = await Promise.all([
    db.lesson.findFirst({ where: { courseId, day: { lt: day } }, orderBy: { day: "desc" }, select: { day: true, title: true } }),
    db.lesson.findFirst({ where: { courseId, day: { gt: day } }, orderBy: { day: "asc" }, select: { day: true, title: true } }),
  ]);
  return { previous, next };
}
