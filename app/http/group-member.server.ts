import { decide, type GroupAction, type MemberTarget, type Role } from "~/models/authz.ts";
import { loadGroupForMember } from "~/models/group.server.ts";
import type { AppContext } from "~/server/context.server.ts";
import { requireUser } from "./signed-in.server.ts";

/**
 * The signed-in member's view of a group. A group the user does not belong to answers 404 exactly
 * like one that does not exist, so ids cannot be probed.
 */
export async function requireGroupMember(context: AppContext, request: Request, groupId: string | undefined) {
  const auth = requireUser(context, request);
  const found = groupId ? await loadGroupForMember(context.db, groupId, auth.user.id) : null;
  if (!found) throw new Response("No such group, or you are not a member of it.", { status: 404 });
  return { auth, ...found };
}

/** Throws 403 with the reason when `role` may not do `action`. */
export function requirePermission(role: Role, action: GroupAction, target?: MemberTarget) {
  const decision = decide(role, action, target);
  if (!decision.ok) throw new Response(decision.reason, { status: 403 });
}

export async function requireGroupPermission(context: AppContext, request: Request, groupId: string | undefined, action: GroupAction) {
  const access = await requireGroupMember(context, request, groupId);
  requirePermission(access.role, action);
  return access;
}

/** The origin links in mail should use. */
export function requestOrigin(request: Request, publicOrigin?: string) {
  return publicOrigin ?? new URL(request.url).origin;
}
