import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportMarkdown, exportWebAnnotations } from "~/models/export.server.ts";
import { assertDayOpen, findLessonId } from "~/models/group-lesson.server.ts";
import { requestOrigin, requireGroupPermission } from "~/http/group-member.server.ts";

/** GET ?format=jsonld (W3C Web Annotation) or ?format=md: moderators only. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { auth, group, role } = await requireGroupPermission(context, request, params.groupId, "discussion.moderate");
  const day = Number(params.day);
  const lessonId = await findLessonId(context.db, group.course.id, day);
  if (!lessonId) throw new Response("This day has no lesson yet.", { status: 404 });
  // Moderators may open locked days; the check stays here should exports ever open to members.
  assertDayOpen(group, role, day);
  const format = new URL(request.url).searchParams.get("format") ?? "jsonld";
  const input = { groupId: group.id, lessonId, origin: requestOrigin(request, context.publicOrigin), viewer: { userId: auth.user.id, role } };
  const name = `${group.name.replace(/[^\w-]+/g, "-").toLowerCase()}-day-${day}`;
  if (format === "md") {
    return new Response(await exportMarkdown(context.db, input), {
      headers: { "content-type": "text/markdown; charset=utf-8", "content-disposition": `attachment; filename="${name}.md"` },
    });
  }
  if (format !== "jsonld") return new Response("format must be jsonld or md", { status: 400 });
  return new Response(JSON.stringify(await exportWebAnnotations(context.db, input), null, 2), {
    headers: {
      "content-type": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"; charset=utf-8',
      "content-disposition": `attachment; filename="${name}.jsonld"`,
    },
  });
}
