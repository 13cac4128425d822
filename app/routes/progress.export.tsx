/** GET: the signed-in member's own progress and comments, as a JSON download. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportMemberProgress } from "~/models/progress.server.ts";
import { requireUser } from "~/http/signed-in.server.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = requireUser(context, request);
  const body = JSON.stringify(await exportMemberProgress(context.db, user.id), null, 2);
  return new Response(body, {
    headers: { "content-type": "application/json; charset=utf-8", "content-disposition": 'attachment; filename="marginalia-progress.json"', "cache-control": "private, no-store" },
  });
}
