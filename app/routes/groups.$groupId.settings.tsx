import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { SubmitButton } from "~/components/form.tsx";
import { GroupSettingsFields } from "~/components/group-settings-fields.tsx";
import { updateGroupSettings } from "~/models/group.server.ts";
import { requireGroupPermission } from "~/http/group-member.server.ts";
import { readForm } from "~/http/form-data.ts";
import { parseGroupSettings } from "~/actions/group-settings-form.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Settings · ${data.group.name}` : "Settings" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { group } = await requireGroupPermission(context, request, params.groupId, "group.editSettings");
  return { group };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { auth, group } = await requireGroupPermission(context, request, params.groupId, "group.editSettings");
  const parsed = parseGroupSettings(await readForm(request));
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 });
  await updateGroupSettings(context.db, group.id, auth.user.id, parsed.settings);
  return redirect(`/groups/${group.id}`);
}

export default function GroupSettingsPage() {
  const { group } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const values = actionData
    ? { ...actionData.values, lockAhead: actionData.values.lockAhead === "on", startDate: actionData.values.startDate ?? null, daysPerWeek: actionData.values.daysPerWeek ?? null }
    : group;
  return (
    <section className="page narrow-wide">
      <p className="eyebrow">
        <Link to={`/groups/${group.id}`}>{group.name}</Link>
      </p>
      <h1>Group settings</h1>
      <Form method="post" className="stack" noValidate>
        <GroupSettingsFields values={values} errors={actionData?.errors ?? {}} />
        <SubmitButton busyLabel="Saving…">Save settings</SubmitButton>
      </Form>
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
