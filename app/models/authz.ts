/**
 * Who may do what — the one place that answers it, for loaders, actions and socket handlers alike
 * (and for the pages, to show only the controls a person may use). Pure: no database here.
 */
export const ROLES = ["owner", "moderator", "member"] as const;
export type Role = (typeof ROLES)[number];

export type GroupAction =
  | "group.view"
  | "group.editSettings"
  | "group.invite"
  | "group.viewAudit"
  | "group.leave"
  | "member.remove"
  | "member.promote"
  | "member.demote"
  | "member.transferOwnership"
  | "lesson.viewAhead"
  | "discussion.view"
  | "discussion.post"
  | "discussion.moderate"
  | "session.run"
  | "session.join"
  | "session.ask"
  | "progress.viewGroup";

const ALLOWED: Record<GroupAction, readonly Role[]> = {
  "group.view": ROLES,
  // The pace, and whether days ahead are locked, are the owner's choice.
  "group.editSettings": ["owner"],
  "group.invite": ["owner", "moderator"],
  "group.viewAudit": ["owner", "moderator"],
  "group.leave": ROLES,
  "member.remove": ["owner", "moderator"],
  "member.promote": ["owner"],
  "member.demote": ["owner"],
  "member.transferOwnership": ["owner"],
  "lesson.viewAhead": ["owner", "moderator"],
  "discussion.view": ROLES,
  "discussion.post": ROLES,
  "discussion.moderate": ["owner", "moderator"],
  // Schedule, start and end live sessions, spotlight a passage, answer or dismiss queued questions.
  "session.run": ["owner", "moderator"],
  "session.join": ROLES,
  // Raise a question in a live session's queue and upvote the others'.
  "session.ask": ROLES,
  // The group's progress dashboard and its CSV export.
  "progress.viewGroup": ["owner", "moderator"],
};

/** For actions on another member: their role, and whether they are the actor. */
export interface MemberTarget {
  role: Role;
  isSelf: boolean;
}

/** A refusal says why, and whether the person lacks the right (403) or asked for something impossible (400). */
export type Decision = { ok: true } | { ok: false; reason: string; status: 400 | 403 };

const yes: Decision = { ok: true };
const no = (reason: string, status: 400 | 403 = 400): Decision => ({ ok: false, reason, status });

/**
 * May someone with `role` (null: not a member) do `action` (to `target`)? Non-members may do
 * nothing in a group; the reason is a sentence to show to the person refused.
 */
export function decide(role: Role | null, action: GroupAction, target?: MemberTarget): Decision {
  if (role === null) return no("You are not a member of this group.", 403);
  if (!ALLOWED[action].includes(role)) return no(refusal(action), 403);
  switch (action) {
    case "group.leave":
      return role === "owner" ? no("Hand ownership to another member before leaving the group.") : yes;
    case "member.remove":
      if (!target) return no("Choose a member.");
      if (target.isSelf) return no("To leave the group, use Leave group.");
      if (target.role === "owner") return no("The owner cannot be removed.");
      if (target.role === "moderator" && role !== "owner") return no("Only the owner can remove a moderator.", 403);
      return yes;
    case "member.promote":
      if (!target || target.role !== "member") return no("Only members can be made moderators.");
      return yes;
    case "member.demote":
      if (!target || target.role !== "moderator") return no("Only moderators can be made members again.");
      return yes;
    case "member.transferOwnership":
      if (!target || target.isSelf) return no("Choose another member to hand ownership to.");
      return yes;
    default:
      return yes;
  }
}

export function can(role: Role | null, action: GroupAction, target?: MemberTarget): boolean {
  return decide(role, action, target).ok;
}

function refusal(action: GroupAction): string {
  if (action === "group.editSettings") return "Only the group's owner can change its settings.";
  if (action.startsWith("member.promote") || action.startsWith("member.demote") || action === "member.transferOwnership") {
    return "Only the group's owner can change roles.";
  }
  return "Only the group's moderators can do that.";
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
