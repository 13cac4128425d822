/**
 * Opening a notification: marks it read and sends the person to its comment in the group's lesson
 * (the panel open, so it works without JavaScript). A plain link, so it also opens in a new tab; a
 * notification that is not yours, or whose comment you can no longer open, answers 404.
 */
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { groupLessonHref } from "~/models/discussion-links.ts";
import { openNotification } from "~/models/notifications.server.ts";
import { requireUser } from "~/http/signed-in.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const auth = requireUser(context, request);
  const id = params.id ?? "";
  const target = /^[A-Za-z0-9_-]{1,40}$/.test(id) ? await openNotification(context.db, auth.user.id, id) : null;
  if (!target) throw new Response("There is no such notification, or its comment is gone.", { status: 404 });
  return redirect(groupLessonHref(target.groupId, target.day, { passageKey: target.passageKey, commentId: target.commentId }), { headers: { "Cache-Control": "no-store" } });
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
