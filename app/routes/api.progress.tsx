/**
 * POST /api/progress
 * - a JSON batch of passages read (the reader's tracker, by fetch every ~10 s and by sendBeacon on
 *   pagehide, which sends text/plain): `{ courseSlug, day, timeZone?, reads: [{ passageKey, readingId, dwellMs, at }] }`;
 * - the "mark lesson as done" form (works without JavaScript): `intent=done|undone, courseSlug, day, redirectTo`.
 */
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { markLessonDone, readBatchSchema, recordReads } from "~/models/progress.server.ts";
import { requireUser, safeRedirect } from "~/http/signed-in.server.ts";
import { readForm } from "~/http/form-data.ts";
import { courseDayRefusal, findCourseRef } from "~/models/course-access.server.ts";

/** 300 reads of at most ~250 bytes each, with room to spare. */
const MAX_BODY_BYTES = 128 * 1024;

/** A resource route answers plain Responses (single fetch would drop the status of `data()`). */
function reply(body: unknown, init: { status?: number } = {}) {
  return Response.json(body, { status: init.status ?? 200, headers: { "cache-control": "no-store" } });
}

export async function loader() {
  return new Response("Send progress with POST.", { status: 405, headers: { allow: "POST" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) return markDone(request, context);

  if (!context.auth) return reply({ error: "Log in to record your progress." }, { status: 401 });
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) return reply({ error: "The batch is too large." }, { status: 413 });
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) return reply({ error: "The batch is too large." }, { status: 413 });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return reply({ error: "The batch is not JSON." }, { status: 400 });
  }
  const parsed = readBatchSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return reply({ error: `Invalid batch${issue?.path.length ? ` (${issue.path.join(".")})` : ""}: ${issue?.message ?? "not a batch of reads."}` }, { status: 400 });
  }
  // The day's lock (403), the lesson (404) and its passages (400) are checked by recordReads, in its one read.
  const result = await recordReads(context.db, context.auth.user.id, parsed.data, { sessionStart: context.auth.session.createdAt });
  if (!result.ok) return reply({ error: result.message }, { status: result.status });
  return reply(result);
}

/** A day locked for this member in the course reader (pace.ts) takes no progress either. */
async function lockedDay(context: ActionFunctionArgs["context"], userId: string, courseSlug: string, day: number) {
  const course = await findCourseRef(context.db, courseSlug);
  return course ? courseDayRefusal(context.db, userId, course, day) : null;
}

async function markDone(request: Request, context: ActionFunctionArgs["context"]) {
  const auth = requireUser(context, request);
  const form = await readForm(request);
  const courseSlug = String(form.get("courseSlug") ?? "");
  const dayText = String(form.get("day") ?? "");
  const intent = form.get("intent");
  const back = safeRedirect(form.get("redirectTo"), `/courses/${encodeURIComponent(courseSlug)}`);
  if (!/^\d{1,6}$/.test(dayText) || (intent !== "done" && intent !== "undone")) return reply({ error: "Invalid request." }, { status: 400 });
  const locked = await lockedDay(context, auth.user.id, courseSlug, Number(dayText));
  if (locked) return reply({ error: locked }, { status: 403 });
  const lesson = await markLessonDone(context.db, auth.user.id, { courseSlug, day: Number(dayText), done: intent === "done" });
  if (!lesson) return reply({ error: "There is no such lesson." }, { status: 404 });
  return redirect(back, 303);
}
