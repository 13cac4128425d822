/** GET: the group's progress grid as CSV (owner and moderators). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { groupProgressGrid, progressGridCsv } from "~/models/progress.server.ts";
import { requireGroupPermission } from "~/http/group-member.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { group } = await requireGroupPermission(context, request, params.groupId, "progress.viewGroup");
  const csv = progressGridCsv(await groupProgressGrid(context.db, group));
  const name = `${group.name.replace(/[^\w-]+/g, "-").toLowerCase()}-progress`;
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}.csv"`, "cache-control": "private, no-store" },
  });
}
