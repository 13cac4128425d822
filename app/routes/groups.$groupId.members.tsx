import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Field, FormError } from "~/components/form.tsx";
import { can, type GroupAction, type Role } from "~/models/authz.ts";
import { changeMember, listMembers, type MemberChange } from "~/models/group.server.ts";
import { inviteEmailSchema, inviteLinkSchema } from "~/models/group-rules.ts";
import { createInviteLink, inviteByEmail, inviteUrl, listInvites, revokeInvite } from "~/models/invite.server.ts";
import { fieldErrors, formValues, readForm } from "~/http/form-data.ts";
import { requestOrigin, requireGroupMember, requireGroupPermission, requirePermission } from "~/http/group-member.server.ts";
import { overLimit, passRetryAfter } from "~/http/rate-limit-responses.server.ts";

// A refused write says when to retry (Retry-After).
export const headers = passRetryAfter;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Members · ${data.group.name}` : "Members" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { auth, group, role } = await requireGroupPermission(context, request, params.groupId, "group.invite");
  const [members, invites] = await Promise.all([listMembers(context.db, group.id), listInvites(context.db, group.id)]);
  const origin = requestOrigin(request, context.publicOrigin);
  const actionsOn = (target: { role: Role; isSelf: boolean }) =>
    (["promote", "demote", "transfer", "remove"] as const).filter((change) => can(role, CHANGE_ACTIONS[change], target));
  return {
    group: { id: group.id, name: group.name },
    role,
    members: members.map((member) => {
      const isSelf = member.userId === auth.user.id;
      return { userId: member.userId, displayName: member.displayName, role: member.role, isSelf, actions: actionsOn({ role: member.role, isSelf }) };
    }),
    invites: invites.map((invite) => ({
      id: invite.id,
      kind: invite.kind,
      email: invite.email,
      url: inviteUrl(origin, invite.token),
      uses: invite.uses,
      maxUses: invite.maxUses,
      expiresAt: invite.expiresAt?.toISOString().slice(0, 10) ?? null,
      createdBy: invite.createdBy.displayName,
    })),
  };
}

const CHANGE_ACTIONS: Record<MemberChange, GroupAction> = {
  promote: "member.promote",
  demote: "member.demote",
  transfer: "member.transferOwnership",
  remove: "member.remove",
};

const intentSchema = z.enum(["invite-link", "invite-email", "revoke", "promote", "demote", "transfer", "remove"]);

type Result = { intent: string; errors: Record<string, string>; done?: string };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { auth, group, role } = await requireGroupMember(context, request, params.groupId);
  const values = formValues(await readForm(request));
  const intent = intentSchema.safeParse(values.intent);
  if (!intent.success) return data<Result>({ intent: "unknown", errors: { form: "Unknown action." } }, { status: 400 });
  const fail = (errors: Record<string, string>, status = 400, headers?: HeadersInit) => data<Result>({ intent: intent.data, errors }, { status, headers });
  const inviteLimit = async () => {
    const limited = await overLimit(context, "invitesPerUser", auth.user.id);
    return limited && fail({ form: limited.message }, limited.status, limited.headers);
  };

  switch (intent.data) {
    case "invite-link": {
      requirePermission(role, "group.invite");
      const parsed = inviteLinkSchema.safeParse(values);
      if (!parsed.success) return fail(fieldErrors(parsed.error));
      const limited = await inviteLimit();
      if (limited) return limited;
      await createInviteLink(context.db, { groupId: group.id, actorId: auth.user.id, ...parsed.data });
      return data<Result>({ intent: intent.data, errors: {}, done: "A new invite link is ready below." });
    }
    case "invite-email": {
      requirePermission(role, "group.invite");
      const parsed = inviteEmailSchema.safeParse(values);
      if (!parsed.success) return fail(fieldErrors(parsed.error));
      const limited = await inviteLimit();
      if (limited) return limited;
      const result = await inviteByEmail(context.db, context.mailer, {
        groupId: group.id,
        actorId: auth.user.id,
        email: parsed.data.email,
        origin: requestOrigin(request, context.publicOrigin),
      });
      if (!result.ok) return fail({ email: result.message });
      return data<Result>({ intent: intent.data, errors: {}, done: `Invitation sent to ${parsed.data.email}.` });
    }
    case "revoke": {
      requirePermission(role, "group.invite");
      const revoked = await revokeInvite(context.db, { groupId: group.id, inviteId: values.inviteId ?? "", actorId: auth.user.id });
      if (!revoked) return fail({ form: "That invitation does not exist or was already withdrawn." }, 404);
      return data<Result>({ intent: intent.data, errors: {}, done: "Invitation withdrawn: its link no longer works." });
    }
    default: {
      const change = intent.data;
      const result = await changeMember(context.db, { groupId: group.id, actorId: auth.user.id, targetUserId: values.userId ?? "", change });
      if (!result.ok) return fail({ form: result.reason }, result.status);
      if (change === "remove") context.realtime.membershipEnded(group.id, values.userId ?? "");
      const done = { promote: "is now a moderator.", demote: "is a member again.", transfer: "is now the owner. You are a moderator.", remove: "was removed from the group." }[change];
      const name = (await context.db.user.findUnique({ where: { id: values.userId ?? "" }, select: { displayName: true } }))?.displayName ?? "The member";
      return data<Result>({ intent: intent.data, errors: {}, done: `${name} ${done}` });
    }
  }
}

const roleLabel = { owner: "Owner", moderator: "Moderator", member: "Member" } as const;
const changeLabel = { promote: "Make moderator", demote: "Make member", transfer: "Make owner", remove: "Remove" } as const;

export default function MembersPage() {
  const { group, members, invites } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Record<string, string | undefined> = result?.errors ?? {};
  const busy = (intent: string) => navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  return (
    <section className="page">
      <p className="eyebrow">
        <Link to={`/groups/${group.id}`}>{group.name}</Link>
      </p>
      <h1>Members and invitations</h1>
      <FormError message={errors.form} />
      {result?.done ? (
        <p role="status" className="done">
          {result.done}
        </p>
      ) : null}

      <section aria-labelledby="members-heading" className="card">
        <h2 id="members-heading">Members ({members.length})</h2>
        <table className="member-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.userId}>
                <th scope="row">
                  {member.displayName}
                  {member.isSelf ? " (you)" : ""}
                </th>
                <td>{roleLabel[member.role]}</td>
                <td>
                  <div className="row-actions">
                    {member.actions.map((change) => (
                      <Form method="post" key={change}>
                        <input type="hidden" name="userId" value={member.userId} />
                        <button
                          type="submit"
                          name="intent"
                          value={change}
                          className={change === "remove" || change === "transfer" ? "secondary danger" : "secondary"}
                          aria-label={`${changeLabel[change]}: ${member.displayName}`}
                          onClick={(event) => {
                            if ((change === "remove" || change === "transfer") && !window.confirm(`${changeLabel[change]}: ${member.displayName}?`)) event.preventDefault();
                          }}
                        >
                          {changeLabel[change]}
                        </button>
                      </Form>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="link-heading" className="card">
        <h2 id="link-heading">Invite with a link</h2>
        <p>Anyone with the link can join after signing up or logging in. Withdraw it at any time.</p>
        <Form method="post" className="inline-form">
          <Field label="Expires after (days, optional)" name="expiresInDays" type="number" min={1} max={365} error={result?.intent === "invite-link" ? errors.expiresInDays : undefined} />
          <Field label="Number of uses (optional)" name="maxUses" type="number" min={1} max={10000} error={result?.intent === "invite-link" ? errors.maxUses : undefined} />
          <button type="submit" name="intent" value="invite-link" disabled={busy("invite-link")}>
            {busy("invite-link") ? "Creating…" : "Create invite link"}
          </button>
        </Form>
      </section>

      <section aria-labelledby="email-heading" className="card">
        <h2 id="email-heading">Invite by email</h2>
        <Form method="post" className="inline-form">
          <Field label="Email address" name="email" type="email" autoComplete="off" error={result?.intent === "invite-email" ? errors.email : undefined} />
          <button type="submit" name="intent" value="invite-email" disabled={busy("invite-email")}>
            {busy("invite-email") ? "Sending…" : "Send invitation"}
          </button>
        </Form>
      </section>

      <section aria-labelledby="invites-heading" className="card">
        <h2 id="invites-heading">Open invitations</h2>
        {invites.length === 0 ? (
          <p className="empty">No open invitations.</p>
        ) : (
          <ul className="invite-list">
            {invites.map((invite) => (
              <li key={invite.id}>
                <label>
                  {invite.kind === "email" ? `Sent to ${invite.email}` : "Invite link"} · {invite.uses}
                  {invite.maxUses ? ` of ${invite.maxUses}` : ""} used{invite.expiresAt ? ` · expires ${invite.expiresAt}` : ""} · by {invite.createdBy}
                  <input readOnly value={invite.url} onFocus={(event) => event.currentTarget.select()} />
                </label>
                <Form method="post">
                  <input type="hidden" name="inviteId" value={invite.id} />
                  <button type="submit" name="intent" value="revoke" className="secondary">
                    Withdraw
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
