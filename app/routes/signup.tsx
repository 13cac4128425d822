import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { Field, FormError, SubmitButton } from "~/components/form.tsx";
import { DetectedTimeZoneField } from "~/components/time-zone-select.tsx";
import { savePreferences } from "~/models/progress.server.ts";
import { createUser } from "~/models/user.server.ts";
import { PASSWORD_MIN, signUpSchema, timeZoneSchema } from "~/models/user-rules.ts";
import { requireAnonymous, signedInRedirect } from "~/http/signed-in.server.ts";
import { fieldErrors, formValues, readForm } from "~/http/form-data.ts";
import { overLimit, passRetryAfter } from "~/http/rate-limit-responses.server.ts";

// A refused write says when to retry (Retry-After).
export const headers = passRetryAfter;

export const meta: MetaFunction = () => [{ title: "Sign up · Marginalia" }];

export async function loader({ context }: LoaderFunctionArgs) {
  requireAnonymous(context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireAnonymous(context);
  const values = formValues(await readForm(request));
  const parsed = signUpSchema.safeParse(values);
  const echo = { email: values.email ?? "", displayName: values.displayName ?? "" };
  if (!parsed.success) return data({ errors: fieldErrors(parsed.error), values: echo }, { status: 400 });
  const limited = await overLimit(context, "signUpPerAddress", context.clientAddress);
  if (limited) return data({ errors: { form: limited.message }, values: echo }, { status: limited.status, headers: limited.headers });
  const result = await createUser(context.db, parsed.data);
  if (!result.ok) return data({ errors: { [result.field]: result.message }, values: echo }, { status: 400 });
  // The browser's zone, detected by the form's script: kept when it is a real one, else UTC stays (the
  // account page changes it). Not the person's mistake, so never a reason to refuse the sign-up.
  const zone = timeZoneSchema.safeParse(values.timeZone);
  if (zone.success) await savePreferences(context.db, result.userId, { timeZone: zone.data, shareProgress: true });
  return signedInRedirect(context, { id: result.userId, email: parsed.data.email }, values.redirectTo);
}

export default function SignUp() {
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const errors: Record<string, string | undefined> = actionData?.errors ?? {};
  const redirectTo = params.get("redirectTo") ?? "/";
  return (
    <section className="page narrow">
      <h1>Create your account</h1>
      <Form method="post" noValidate className="stack">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <DetectedTimeZoneField />
        <FormError message={errors.form} />
        <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={actionData?.values.email} error={errors.email} />
        <Field
          label="Display name"
          name="displayName"
          autoComplete="nickname"
          required
          maxLength={60}
          hint="The name other members of your reading groups see."
          defaultValue={actionData?.values.displayName}
          error={errors.displayName}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          hint={`At least ${PASSWORD_MIN} characters.`}
          error={errors.password}
        />
        <SubmitButton busyLabel="Creating your account…">Sign up</SubmitButton>
      </Form>
      <p>
        Already have an account? <Link to={`/login?redirectTo=${encodeURIComponent(redirectTo)}`}>Log in</Link>
      </p>
    </section>
  );
}
