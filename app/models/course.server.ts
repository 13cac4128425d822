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
