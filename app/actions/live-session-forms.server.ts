/**
 * The one action behind every live-session form (POST /groups/:groupId/sessions): schedule, start,
 * cancel and end a session; join it; spotlight a passage; raise, upvote, answer and dismiss questions.
 * Without JavaScript a form is redirected back where it came from (`redirectTo`); with it (`_js=1`)
 * the answer is JSON with the session's new state. A refused form answers 400/403/404/409 with its
 * message and the typed values, so nothing is lost. After every committed change the lesson's room
 * gets the session's new state.
 */
import { data, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import {
  cancelScheduled,
  dismissQuestion,
  endSession,
  joinSession,
  loadSessionView,
  myVotes,
  raiseQuestion,
  scheduleSession,
  setAnswered,
  setSpotlight,
  startScheduled,
  startSession,
  toggleVote,
  type Actor,
  type LiveSessionView,
  type SessionRefusal,
  type SessionResult,
} from "~/models/live-session.server.ts";
import type { Db } from "~/db/client.server.ts";
import { zonedTimeToUtc } from "~/models/live-session-rules.ts";
import { questionRefSchema, questionSchema, scheduleSessionSchema, sessionRefSchema, spotlightSchema, startSessionSchema } from "~/models/live-session-schemas.server.ts";
import { safeRedirect } from "~/http/signed-in.server.ts";
import { formValues, readForm } from "~/http/form-data.ts";
import { overLimit } from "~/http/rate-limit-responses.server.ts";
import { requireGroupMember } from "~/http/group-member.server.ts";

interface Handler<T> {
  schema: z.ZodType<T>;
  run(input: T, scope: { db: Db; groupId: string; timeZone: string; actor: Actor }): Promise<SessionResult | SessionRefusal>;
}
const handler = <T>(schema: z.ZodType<T>, run: Handler<T>["run"]) => ({ schema, run }) as Handler<unknown>;
const bySession = (run: (db: Db, groupId: string, actor: Actor, sessionId: string) => Promise<SessionResult>) =>
  handler(sessionRefSchema, (input, { db, groupId, actor }) => run(db, groupId, actor, input.sessionId));

/** Each intent: the form's schema, and the model function it calls (which asks authz.ts). */
const HANDLERS = {
  start: handler(startSessionSchema, (input, { db, groupId, actor }) => startSession(db, groupId, actor, input)),
  schedule: handler(scheduleSessionSchema, async (input, { db, groupId, timeZone, actor }) => {
    const at = zonedTimeToUtc(input.when, timeZone);
    if (!at) return { ok: false, status: 400, message: "Choose a date and time." };
    return scheduleSession(db, groupId, actor, { day: input.day, title: input.title, at });
  }),
  "start-scheduled": bySession(startScheduled),
  cancel: bySession(cancelScheduled),
  end: bySession(endSession),
  join: bySession(joinSession),
  spotlight: handler(spotlightSchema, (input, { db, groupId, actor }) => setSpotlight(db, groupId, actor, input)),
  ask: handler(questionSchema, (input, { db, groupId, actor }) => raiseQuestion(db, groupId, actor, input)),
  vote: handler(questionRefSchema, (input, { db, groupId, actor }) => toggleVote(db, groupId, actor, input)),
  answered: handler(questionRefSchema, (input, { db, groupId, actor }) => setAnswered(db, groupId, actor, { ...input, answered: true })),
  reopen: handler(questionRefSchema, (input, { db, groupId, actor }) => setAnswered(db, groupId, actor, { ...input, answered: false })),
  dismiss: handler(questionRefSchema, (input, { db, groupId, actor }) => dismissQuestion(db, groupId, actor, input)),
} satisfies Record<string, Handler<unknown>>;
export type SessionIntent = keyof typeof HANDLERS;
const intentSchema = z.enum(Object.keys(HANDLERS) as [SessionIntent, ...SessionIntent[]], { error: "Unknown action." });

export interface SessionActionData {
  ok: boolean;
  intent: string;
  error?: string;
  /** The submitted fields, so a refused form can be shown again as it was typed. */
  values?: Record<string, string>;
  sessionId?: string;
  /** With scripts: the session as it is now, and the questions this person upvoted. */
  session?: LiveSessionView | null;
  myVotes?: string[];
  /** Set in the browser when the server could not be reached. */
  offline?: boolean;
}

export async function sessionAction({ request, context, params }: ActionFunctionArgs) {
  const { auth, group, role } = await requireGroupMember(context, request, params.groupId);
  const values = formValues(await readForm(request));
  const js = values._js === "1";
  const actor = { userId: auth.user.id, role };
  const refuse = (status: number, intent: string, message: string, headers?: HeadersInit) =>
    data<SessionActionData>({ ok: false, intent, error: message, values }, { status, headers });

  const intent = intentSchema.safeParse(values.intent);
  if (!intent.success) return refuse(400, "unknown", "Unknown action.");
  const { schema, run } = HANDLERS[intent.data];
  const input = schema.safeParse(values);
  if (!input.success) return refuse(400, intent.data, input.error.issues[0]!.message);
  if (intent.data === "ask") {
    const limited = await overLimit(context, "postsPerUser", auth.user.id);
    if (limited) return refuse(limited.status, intent.data, limited.message, limited.headers);
  }
  const result = await run(input.data, { db: context.db, groupId: group.id, timeZone: group.timeZone, actor });
  if (!result.ok) return refuse(result.status, intent.data, result.message);

  // Committed: everyone on the lesson gets the session's new state (a scheduled one concerns nobody yet).
  const lifecycle = intent.data === "start" || intent.data === "start-scheduled" || intent.data === "end";
  // (A retried question that was already asked was announced by the request that asked it.)
  if (intent.data !== "schedule" && intent.data !== "cancel" && !result.duplicate) context.realtime.sessionChanged(group.id, result.day, result.sessionId, { lifecycle });
  if (js) {
    const [session, votes] = await Promise.all([loadSessionView(context.db, group.id, result.sessionId), myVotes(context.db, result.sessionId, auth.user.id)]);
    return data<SessionActionData>({ ok: true, intent: intent.data, sessionId: result.sessionId, session, myVotes: votes });
  }
  const back =
    intent.data === "start" || intent.data === "start-scheduled" || intent.data === "join"
      ? `/groups/${group.id}/day/${result.day}`
      : intent.data === "schedule" || intent.data === "cancel"
        ? `/groups/${group.id}/sessions`
        : `/groups/${group.id}/sessions/${result.sessionId}`;
  // Back where the form came from when it says so (only somewhere on this site).
  return redirect(values.redirectTo ? safeRedirect(values.redirectTo, back) : back);
}
