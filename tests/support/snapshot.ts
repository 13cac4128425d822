/**
 * Everything a request could change, for tests that assert a refusal changed nothing: whole rows of
 * the tables people write to, counts of the content tables. Shared by hostile-input.test.ts and
 * fuzz-intents.test.ts.
 */
import type { TestServer } from "./server.ts";

export async function databaseSnapshot(server: TestServer, options: { rateLimits?: boolean } = {}) {
  const d = server.database.db;
  const rows = await Promise.all([
    d.user.findMany({ orderBy: { id: "asc" } }),
    d.session.findMany({ orderBy: { id: "asc" }, select: { id: true, userId: true, expiresAt: true } }),
    options.rateLimits === false ? null : d.rateLimit.findMany(),
    d.course.findMany({ orderBy: { id: "asc" } }),
    d.group.findMany({ orderBy: { id: "asc" } }),
    d.membership.findMany({ orderBy: [{ groupId: "asc" }, { userId: "asc" }] }),
    d.invite.findMany({ orderBy: { id: "asc" } }),
    d.auditEvent.findMany({ orderBy: { id: "asc" } }),
    d.comment.findMany({ orderBy: { id: "asc" } }),
    d.commentEdit.count(),
    d.reaction.findMany({ orderBy: [{ commentId: "asc" }, { userId: "asc" }, { kind: "asc" }] }),
    d.flag.findMany({ orderBy: { id: "asc" } }),
    d.notification.findMany({ orderBy: { id: "asc" } }),
    d.lessonProgress.findMany({ orderBy: [{ userId: "asc" }, { lessonId: "asc" }] }),
    d.progressPreference.findMany(),
    d.readingDay.count(),
    d.passageRead.count(),
    d.liveSession.findMany({ orderBy: { id: "asc" } }),
    d.liveSessionAttendance.count(),
    d.sessionQuestion.findMany({ orderBy: { id: "asc" } }),
    d.sessionQuestionVote.count(),
    d.lessonEvent.count(),
    d.lesson.count(),
    d.reading.count(),
    d.readingRevision.count(),
    d.passage.count(),
  ]);
  return JSON.parse(JSON.stringify(rows)) as unknown;
}
