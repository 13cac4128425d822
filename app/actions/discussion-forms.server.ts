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
  type Viewer,
} from "~/models/discussion.server.ts";
import type { Db } from "~/db/client.server.ts";
import { editSchema, flagSchema, newCommentSchema, reactionSchema, replySchema } from "~/models/discussion-schemas.server.ts";
import { assertDayOpen, findLessonId } from "~/models/group-lesson.server.ts";
import { membersNotSeeing, recordLessonEvent } from "~/models/lesson-events.server.ts";
import { formValues, readForm } from "~/http/form-data.ts";
import { requireGroupMember } from "~/http/group-member.server.ts";
import { safeRedirect } from "~/http/signed-in.server.ts";
import { overLimit } from "~/http/rate-limit-responses.server.ts";

interface LessonScope {
  groupId: string;
  lessonId: string;
}

const commentRef = z.object({ commentId: z.string().min(1).max(40) });
const pinSchema = commentRef.extend({ scope: z.enum(["passage", "lesson", "none"], { error: "Pin to the passage or the lesson." }) });
const moderateSchema = commentRef.extend({ action: z.enum(["hide", "restore", "lock", "unlock", "dismiss"], { error: "Unknown moderation action." }) });

/** `duplicate`: the post was already stored (a retry, or a copy that lost the race): nothing changed now. */
type Outcome = { ok: true; commentId: string; duplicate?: boolean } | Refusal;
interface Handler<T> {
  schema: z.ZodType<T>;
  run(db: Db, scope: LessonScope, viewer: Viewer, input: T): Promise<Outcome>;
}
const handler = <T>(schema: z.ZodType<T>, run: Handler<T>["run"]) => ({ schema, run }) as Handler<unknown>;
/** For the intents that act on an existing comment: the answer names that comment. */
const onComment = (result: { ok: true } | Refusal, commentId: string): Outcome => (result.ok ? { ok: true, commentId } : result);

/** Each intent: the form's schema, and the model function it calls (which asks authz.ts). */
const HANDLERS = {
  post: handler(newCommentSchema, async (db, scope, viewer, input) => {
    const result = await postComment(db, scope, viewer, input);
    return result.ok ? { ok: true, commentId: result.commentId, duplicate: result.duplicate } : result;
  }),
  reply: handler(replySchema, async (db, scope, viewer, input) => {
    const result = await postReply(db, scope, viewer, input);
    return result.ok ? { ok: true, commentId: result.commentId, duplicate: result.duplicate } : result;
  }),
  edit: handler(editSchema, async (db, scope, viewer, input) => onComment(await editComment(db, scope, viewer, input), input.commentId)),
  delete: handler(commentRef, async (db, scope, viewer, input) => onComment(await deleteComment(db, scope, viewer, input.commentId), input.commentId)),
  react: handler(reactionSchema, async (db, scope, viewer, input) => onComment(await toggleReaction(db, scope, viewer, input), input.commentId)),
  answer: handler(commentRef, async (db, scope, viewer, input) => onComment(await markAnswer(db, scope, viewer, input.commentId), input.commentId)),
  pin: handler(pinSchema, async (db, scope, viewer, input) =>
    onComment(await setPin(db, scope, viewer, { commentId: input.commentId, pin: input.scope === "none" ? null : input.scope }), input.commentId),
  ),
  flag: handler(flagSchema, async (db, scope, viewer, input) => onComment(await flagComment(db, scope, viewer, input), input.commentId)),
  moderate: handler(moderateSchema, async (db, scope, viewer, input) => onComment(await moderate(db, scope, viewer, input), input.commentId)),
} satisfies Record<string, Handler<unknown>>;
type Intent = keyof typeof HANDLERS;
const intentSchema = z.enum(Object.keys(HANDLERS) as [Intent, ...Intent[]], { error: "Unknown action." });

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
  const values = formValues(await readForm(request));
  const js = values._js === "1";
  const scope: LessonScope = { groupId: group.id, lessonId };
  const viewer = { userId: auth.user.id, role };

  const refuse = (status: number, intent: string, message: string, headers?: HeadersInit) =>
    data<DiscussionActionData>({ ok: false, intent, error: message, values }, { status, headers });
  const intent = intentSchema.safeParse(values.intent);
  if (!intent.success) return refuse(400, "unknown", "Unknown action.");
  const { schema, run } = HANDLERS[intent.data];
  const input = schema.safeParse(values);
  if (!input.success) return refuse(400, intent.data, input.error.issues[0]!.message);
  if (intent.data === "post" || intent.data === "reply") {
    const limited = await overLimit(context, "postsPerUser", auth.user.id);
    if (limited) return refuse(limited.status, intent.data, limited.message, limited.headers);
  }
  const outcome = await run(context.db, scope, viewer, input.data);
  if (!outcome.ok) return refuse(outcome.status, intent.data, outcome.message);
  // Committed: everyone on this lesson catches up from the database (the event carries no content,
  // so what each person may see is decided again by the page's loader).
  // The change goes into the lesson's log first, so a page that misses the event finds it by cursor.
  // A post that was already stored (a retry, or a copy of it that lost the race) was logged and
  // announced by the request that stored it: it is answered the same, and changes nothing.
  if (!outcome.duplicate) {
    const changed = await context.db.comment.findUnique({ where: { id: outcome.commentId }, select: { passageKey: true } });
    const change = await recordLessonEvent(context.db, context.dbProvider, {
      groupId: group.id,
      day,
      commentId: outcome.commentId,
      intent: intent.data,
      passageKey: changed?.passageKey ?? null,
      actorId: auth.user.id,
    });
    // Members who may not see the comment yet (a prompt answer's thread) hear of it redacted.
    const redactFor = await membersNotSeeing(context.db, { groupId: group.id, lessonId, commentId: outcome.commentId });
    context.realtime.discussionChanged(group.id, day, change, { redactFor });
  }
  if (js) return data<DiscussionActionData>({ ok: true, intent: intent.data, commentId: outcome.commentId });
  // Forms post with ?open=<passage> in their URL, so coming back opens the panel the comment is in.
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}#c-${outcome.commentId}`;
  // Forms posted from elsewhere (the moderation queue) may ask to go back there (only somewhere on this site).
  return redirect(values.redirectTo ? safeRedirect(values.redirectTo, back) : back);
}
