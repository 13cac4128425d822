/**
 * GET /api/groups/:groupId/day/:day/passage?key=<passageKey>|seq=<change>&filter=<filter>&threads=1
 *
 * A live change's delta (ADR 15): one passage's margin as this member's lesson page shows it
 * (app/models/passage-delta.server.ts). The page fetches it when it hears `discussion:changed`,
 * instead of reloading the whole lesson. Members only, on days open to them; signed out → 401, not a
 * member (or no such group) → 404, a locked day → 403. Pages without scripts never call it.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { FILTERS, type DiscussionFilter } from "~/models/discussion-rules.ts";
import { assertDayOpen, findLessonId } from "~/models/group-lesson.server.ts";
import { loadGroupForMember } from "~/models/group.server.ts";
import { loadPassageDelta, type DeltaTarget } from "~/models/passage-delta.server.ts";
import { parseDayParam } from "~/models/reader.server.ts";

const PASSAGE_KEY = /^[A-Za-z0-9_-]{1,80}$/;
const GROUP_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** A resource route answers plain Responses; never cached (it is one member's view, and live). */
function reply(body: unknown, status = 200) {
  return Response.json(body, { status, headers: { "cache-control": "private, no-store" } });
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  if (!context.auth) return reply({ error: "Log in to follow the discussion." }, 401);
  const url = new URL(request.url);
  const key = url.searchParams.get("key");
  const seqParam = url.searchParams.get("seq");
  const seq = seqParam !== null && /^\d{1,15}$/.test(seqParam) ? Number(seqParam) : null;
  let target: DeltaTarget;
  if (key !== null && seqParam === null && PASSAGE_KEY.test(key)) target = { passageKey: key };
  else if (key === null && seq !== null) target = { seq };
  else return reply({ error: "Name a passage (key) or a change (seq)." }, 400);
  const filterParam = url.searchParams.get("filter") ?? "all";
  if (!(FILTERS as readonly string[]).includes(filterParam)) return reply({ error: "Unknown filter." }, 400);

  // As the lesson page: a group the person is not in answers exactly like one that does not exist.
  const groupId = params.groupId ?? "";
  const found = GROUP_ID.test(groupId) ? await loadGroupForMember(context.db, groupId, context.auth.user.id) : null;
  if (!found) return reply({ error: "No such group, or you are not a member of it." }, 404);
  const { group, role } = found;
  const day = parseDayParam(params.day);
  if (!Number.isInteger(day)) return reply({ error: "There is no such day in this course." }, 404);
  try {
    assertDayOpen(group, role, day);
  } catch (error) {
    if (error instanceof Response) return reply({ error: await error.text() }, error.status);
    throw error;
  }
  const lessonId = await findLessonId(context.db, group.course.id, day);
  if (!lessonId) return reply({ error: "This day has no lesson yet." }, 404);
  const answer = await loadPassageDelta(context.db, {
    groupId: group.id,
    day,
    lessonId,
    userId: context.auth.user.id,
    role,
    filter: filterParam as DiscussionFilter,
    target,
    withThreads: url.searchParams.get("threads") === "1",
  });
  return reply(answer);
}
