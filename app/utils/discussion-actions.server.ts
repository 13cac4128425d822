/**
 * The one action behind every discussion form of a group's lesson page. Without JavaScript a form
 * posts here and is redirected back to the comment (post/redirect/get); with JavaScript the page
 * sends `_js=1` and gets `{ ok, commentId }` to update in place. A refused form comes back with
 * a 400/403/404 and its message, and the typed text, so nothing is lost.
 */
import { data, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import {
  deleteComment,
  editComment,
  flagComment,
  markAnswer,
  moderate,
  postComment,
  postReply,
  setPin,
  toggleReaction,
  type Refusal,
} from "~/models/discussion.server.ts";
import { editSchema, flagSchema, newCommentSchema, reactionSchema, replySchema } from "~/models/discussion-rules.ts";
import { assertDayOpen, findLessonId } from "~/models/group-lesson.server.ts";
import { recordLessonEvent } from "~/models/lesson-events.server.ts";
import { formValues } from "./forms.ts";
import { requireGroupMember } from "./group-access.server.ts";
import { safeRedirect } from "./auth.server.ts";

const intentSchema = z.enum(["post", "reply", "edit", "delete", "react", "answer", "pin", "flag", "moderate"], { error: "Unknown action." });
const commentRef = z.object({ commentId: z.string().min(1).max(40) });
const pinSchema = commentRef.extend({ scope: z.enum(["passage", "lesson", "none"], { error: "Pin to the passage or the lesson." }) });
const moderateSchema = commentRef.extend({ action: z.enum(["hide", "restore", "lock", "unlock", "dismiss"], { error: "Unknown moderation action." }) });

export interface DiscussionActionData {
  ok: boolean;
  intent: string;
  commentId?: string;
  error?: string;
  /** The submitted fields, so a refused form can be shown again as it was typed. */
  values?: Record<string, string>;
  /** Set in the browser when the server could not be reached: the composer waits for the connection. */
  offline?: boolean;
}

export async function discussionAction({ request, context, params }: ActionFunctionArgs) {
  const { auth, group, role } = await requireGroupMember(context, request, params.groupId);
  const day = Number(params.day);
  const lessonId = await findLessonId(context.db, group.course.id, day);
  if (!lessonId) throw new Response("This day has no lesson yet.", { status: 404 });
  assertDayOpen(group, role, day);
  const values = formValues(await request.formData());
  const js = values._js === "1";
  const scope = { groupId: group.id, lessonId };
  const viewer = { userId: auth.user.id, role };

  const refuse = (status: number, intent: string, message: string) =>
    data<DiscussionActionData>({ ok: false, intent, error: message, values }, { status });
  const intent = intentSchema.safeParse(values.intent);
  if (!intent.success) return refuse(400, "unknown", "Unknown action.");
  const parse = <T>(schema: z.ZodType<T>) => {
    const parsed = schema.safeParse(values);
    return parsed.success ? { ok: true as const, value: parsed.data } : { ok: false as const, message: parsed.error.issues[0]!.message };
  };

  let outcome: { ok: true; commentId: string } | Refusal | { ok: false; status: 400; message: string };
  switch (intent.data) {
    case "post": {
      const input = parse(newCommentSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      const result = await postComment(context.db, scope, viewer, input.value);
      outcome = result.ok ? { ok: true, commentId: result.commentId } : result;
      break;
    }
    case "reply": {
      const input = parse(replySchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      const result = await postReply(context.db, scope, viewer, input.value);
      outcome = result.ok ? { ok: true, commentId: result.commentId } : result;
      break;
    }
    case "edit": {
      const input = parse(editSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      const result = await editComment(context.db, scope, viewer, input.value);
      outcome = result.ok ? { ok: true, commentId: input.value.commentId } : result;
      break;
    }
    case "delete": {
      const input = parse(commentRef);
      if (!input.ok) return refuse(400, intent.data, input.message);
      const result = await deleteComment(context.db, scope, viewer, input.value.commentId);
      outcome = result.ok ? { ok: true, commentId: input.value.commentId } : result;
      break;
    }
    case "react": {
      const input = parse(reactionSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      const result = await toggleReaction(context.db, scope, viewer, input.value);
      outcome = result.ok ? { ok: true, commentId: input.value.commentId } : result;
      break;
    }
    case "answer": {
      const input = parse(commentRef);
      if (!input.ok) return refuse(400, intent.data, input.message);
      const result = await markAnswer(context.db, scope, viewer, input.value.commentId);
      outcome = result.ok ? { ok: true, commentId: input.value.commentId } : result;
      break;
    }
    case "pin": {
      const input = parse(pinSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      const result = await setPin(context.db, scope, viewer, { commentId: input.value.commentId, pin: input.value.scope === "none" ? null : input.value.scope });
      outcome = result.ok ? { ok: true, commentId: input.value.commentId } : result;
      break;
    }
    case "flag": {
      const input = parse(flagSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      const result = await flagComment(context.db, scope, viewer, input.value);
      outcome = result.ok ? { ok: true, commentId: input.value.commentId } : result;
      break;
    }
    case "moderate": {
      const input = parse(moderateSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      const result = await moderate(context.db, scope, viewer, input.value);
      outcome = result.ok ? { ok: true, commentId: input.value.commentId } : result;
      break;
    }
  }
  if (!outcome.ok) return refuse(outcome.status, intent.data, outcome.message);
  // Committed: everyone on this lesson catches up from the database (the event carries no content,
  // so what each person may see is decided again by the page's loader).
  // The change goes into the lesson's log first, so a page that misses the event finds it by cursor.
  const changed = await context.db.comment.findUnique({ where: { id: outcome.commentId }, select: { passageKey: true } });
  const change = await recordLessonEvent(context.db, {
    groupId: group.id,
    day,
    commentId: outcome.commentId,
    intent: intent.data,
    passageKey: changed?.passageKey ?? null,
    actorId: auth.user.id,
  });
  context.realtime.discussionChanged(group.id, day, change);
  if (js) return data<DiscussionActionData>({ ok: true, intent: intent.data, commentId: outcome.commentId });
  // Forms posted from elsewhere (the moderation queue) may ask to go back there.
  if (values.redirectTo) return redirect(safeRedirect(values.redirectTo));
  // Forms post with ?open=<passage> in their URL, so coming back opens the panel the comment is in.
  const url = new URL(request.url);
  return redirect(`${url.pathname}${url.search}#c-${outcome.commentId}`);
}
