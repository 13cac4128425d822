import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormError, SubmitButton } from "~/components/form.tsx";
import { acceptInvite, inspectInvite } from "~/models/invite.server.ts";
import { requireUser } from "~/http/signed-in.server.ts";
import { readForm } from "~/http/form-data.ts";

export const meta: MetaFunction = () => [{ title: "Invitation · Marginalia" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const state = await inspectInvite(context.db, params.token ?? "");
  if (state.status !== "valid") return data({ state: "invalid" as const, message: state.message }, { status: 410 });
  const here = new URL(request.url).pathname;
  if (!context.auth) {
    // Signed-out visitors see which group invites them, and sign up or log in to come back here.
    return { state: "signed-out" as const, group: state.group, back: encodeURIComponent(here) };
  }
  const member = await context.db.membership.findUnique({
    where: { groupId_userId: { groupId: state.group.id, userId: context.auth.user.id } },
    select: { id: true },
  });
  if (member) throw redirect(`/groups/${state.group.id}`);
  return { state: "ready" as const, group: state.group };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const auth = requireUser(context, request);
  // The form is empty, but read: a body that is not a form changes nothing (a 400).
  await readForm(request);
  const result = await acceptInvite(context.db, params.token ?? "", auth.user);
  if (!result.ok) return data({ error: result.message }, { status: 400 });
  return redirect(`/groups/${result.groupId}`);
}

export default function InvitePage() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (loaderData.state === "invalid") {
    return (
      <section className="page narrow">
        <h1>Invitation not valid</h1>
        <p>{loaderData.message}</p>
        <p>
          <Link to="/">Back to the start</Link>
        </p>
      </section>
    );
  }
  const { group } = loaderData;
  return (
    <section className="page narrow">
      <h1>Join “{group.name}”</h1>
      <p>You are invited to read {group.courseTitle} with this group.</p>
      <FormError message={actionData?.error} />
      {loaderData.state === "signed-out" ? (
        <p className="actions">
          <Link className="button" to={`/signup?redirectTo=${loaderData.back}`}>
            Sign up to join
          </Link>
          <Link className="button secondary" to={`/login?redirectTo=${loaderData.back}`}>
            Log in to join
          </Link>
        </p>
      ) : (
        <Form method="post">
          <SubmitButton busyLabel="Joining…">Join the group</SubmitButton>
        </Form>
      )}
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
