import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { Field, FormError, SubmitButton } from "~/components/form.tsx";
import { logIn } from "~/models/user.server.ts";
import { logInSchema } from "~/models/user-rules.ts";
import { requireAnonymous, signedInRedirect } from "~/http/signed-in.server.ts";
import { fieldErrors, formValues, readForm } from "~/http/form-data.ts";

export const meta: MetaFunction = () => [{ title: "Log in · Marginalia" }];

// Document responses only carry an action's headers when the route passes them on (Retry-After).
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ context }: LoaderFunctionArgs) {
  requireAnonymous(context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireAnonymous(context);
  const values = formValues(await readForm(request));
  const echo = { email: values.email ?? "" };
  const parsed = logInSchema.safeParse(values);
  if (!parsed.success) return data({ errors: fieldErrors(parsed.error), values: echo }, { status: 400 });
  const result = await logIn(context.db, parsed.data, context.clientAddress, context.rateLimits);
  if (!result.ok && result.reason === "rate-limited") {
    const minutes = Math.max(1, Math.ceil(result.retryAfterMs / 60_000));
    return data(
      { errors: { form: `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` }, values: echo },
      { status: 429, headers: { "Retry-After": String(Math.ceil(result.retryAfterMs / 1000)) } },
    );
  }
  if (!result.ok) {
    // The same answer for an unknown email and a wrong password: no way to learn who has an account.
    return data({ errors: { form: "That email and password do not match an account." }, values: echo }, { status: 400 });
  }
  return signedInRedirect(context, { id: result.userId, email: parsed.data.email }, values.redirectTo);
}

export default function LogIn() {
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const errors: Record<string, string | undefined> = actionData?.errors ?? {};
  const redirectTo = params.get("redirectTo") ?? "/";
  return (
    <section className="page narrow">
      <h1>Log in</h1>
      {params.get("loggedOut") === "everywhere" ? (
        <p role="status" className="done">
          You have been logged out on every device and browser.
        </p>
      ) : null}
      <Form method="post" noValidate className="stack">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormError message={errors.form} />
        <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={actionData?.values.email} error={errors.email} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={errors.password} />
        <SubmitButton busyLabel="Logging in…">Log in</SubmitButton>
      </Form>
      <p>
        New here? <Link to={`/signup?redirectTo=${encodeURIComponent(redirectTo)}`}>Create an account</Link>
      </p>
    </section>
  );
}
