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
  type LiveSessionView,
  type SessionResult,
} from "~/models/live-session.server.ts";
import { questionRefSchema, questionSchema, scheduleSessionSchema, sessionRefSchema, spotlightSchema, startSessionSchema, zonedTimeToUtc } from "~/models/live-session-rules.ts";
import { safeRedirect } from "./auth.server.ts";
import { formValues } from "./forms.ts";
import { requireGroupMember } from "./group-access.server.ts";

const INTENTS = ["start", "schedule", "start-scheduled", "cancel", "end", "join", "spotlight", "ask", "vote", "answered", "reopen", "dismiss"] as const;
const intentSchema = z.enum(INTENTS, { error: "Unknown action." });
export type SessionIntent = (typeof INTENTS)[number];

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
  const values = formValues(await request.formData());
  const js = values._js === "1";
  const actor = { userId: auth.user.id, role };
  const refuse = (status: number, intent: string, message: string) => data<SessionActionData>({ ok: false, intent, error: message, values }, { status });

  const intent = intentSchema.safeParse(values.intent);
  if (!intent.success) return refuse(400, "unknown", "Unknown action.");
  const parse = <T>(schema: z.ZodType<T>) => {
    const parsed = schema.safeParse(values);
    return parsed.success ? { ok: true as const, value: parsed.data } : { ok: false as const, message: parsed.error.issues[0]!.message };
  };

  let result: SessionResult;
  switch (intent.data) {
    case "start": {
      const input = parse(startSessionSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      result = await startSession(context.db, group.id, actor, input.value);
      break;
    }
    case "schedule": {
      const input = parse(scheduleSessionSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      const at = zonedTimeToUtc(input.value.when, group.timeZone);
      if (!at) return refuse(400, intent.data, "Choose a date and time.");
      result = await scheduleSession(context.db, group.id, actor, { day: input.value.day, title: input.value.title, at });
      break;
    }
    case "start-scheduled":
    case "cancel":
    case "end":
    case "join": {
      const input = parse(sessionRefSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      const run = { "start-scheduled": startScheduled, cancel: cancelScheduled, end: endSession, join: joinSession }[intent.data];
      result = await run(context.db, group.id, actor, input.value.sessionId);
      break;
    }
    case "spotlight": {
      const input = parse(spotlightSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      result = await setSpotlight(context.db, group.id, actor, input.value);
      break;
    }
    case "ask": {
      const input = parse(questionSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      result = await raiseQuestion(context.db, group.id, actor, input.value);
      break;
    }
    case "vote": {
      const input = parse(questionRefSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      result = await toggleVote(context.db, group.id, actor, input.value);
      break;
    }
    case "answered":
    case "reopen": {
      const input = parse(questionRefSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      result = await setAnswered(context.db, group.id, actor, { ...input.value, answered: intent.data === "answered" });
      break;
    }
    case "dismiss": {
      const input = parse(questionRefSchema);
      if (!input.ok) return refuse(400, intent.data, input.message);
      result = await dismissQuestion(context.db, group.id, actor, input.value);
      break;
    }
  }
  if (!result.ok) return refuse(result.status, intent.data, result.message);

  // Committed: everyone on the lesson gets the session's new state (a scheduled one concerns nobody yet).
  const lifecycle = intent.data === "start" || intent.data === "start-scheduled" || intent.data === "end";
  if (intent.data !== "schedule" && intent.data !== "cancel") context.realtime.sessionChanged(group.id, result.day, result.sessionId, { lifecycle });
  if (js) {
    const [session, votes] = await Promise.all([loadSessionView(context.db, group.id, result.sessionId), myVotes(context.db, result.sessionId, auth.user.id)]);
    return data<SessionActionData>({ ok: true, intent: intent.data, sessionId: result.sessionId, session, myVotes: votes });
  }
  if (values.redirectTo) return redirect(safeRedirect(values.redirectTo));
  if (intent.data === "start" || intent.data === "start-scheduled" || intent.data === "join") return redirect(`/groups/${group.id}/day/${result.day}`);
  if (intent.data === "schedule" || intent.data === "cancel") return redirect(`/groups/${group.id}/sessions`);
  return redirect(`/groups/${group.id}/sessions/${result.sessionId}`);
}
