import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Field, FormError, SubmitButton } from "~/components/form.tsx";
import {
  blankSessionCookie,
  countUserSessions,
  createSession,
  invalidateUserSessions,
  sessionCookie,
} from "~/models/session.server.ts";
import { getPreferences, savePreferences } from "~/models/progress.server.ts";
import { changePassword, getUser, updateDisplayName } from "~/models/user.server.ts";
import { changePasswordSchema, displayNameSchema, PASSWORD_MIN, timeZoneChoices, timeZoneSchema } from "~/models/user-rules.ts";
import { TimeZoneSelect } from "~/components/time-zone-select.tsx";
import { requireUser } from "~/http/signed-in.server.ts";
import { fieldErrors, formValues, readForm } from "~/http/form-data.ts";

export const meta: MetaFunction = () => [{ title: "Your account · Marginalia" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = requireUser(context, request);
  const [user, sessions, preferences] = await Promise.all([
    getUser(context.db, auth.user.id),
    countUserSessions(context.db, auth.user.id),
    getPreferences(context.db, auth.user.id),
  ]);
  if (!user) throw redirect("/login");
  // Formatted here, in UTC, so server and browser render the same text whatever the browser's time zone.
  const memberSince = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" }).format(user.createdAt);
  // The list comes from the server, so the page the browser hydrates has the same options.
  return {
    user: { email: user.email, displayName: user.displayName, memberSince },
    sessions,
    timeZone: { chosen: preferences.saved ? preferences.timeZone : null, zones: timeZoneChoices() },
  };
}

const intentSchema = z.enum(["profile", "time-zone", "password", "logout-everywhere"], { error: "Unknown action." });

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = requireUser(context, request);
  const values = formValues(await readForm(request));
  const intent = intentSchema.safeParse(values.intent);
  if (!intent.success) return data({ intent: "unknown", errors: { form: "Unknown action." }, done: null }, { status: 400 });

  if (intent.data === "profile") {
    const parsed = displayNameSchema.safeParse(values.displayName);
    if (!parsed.success) {
      return data({ intent: intent.data, errors: { displayName: parsed.error.issues[0]!.message }, done: null }, { status: 400 });
    }
    await updateDisplayName(context.db, auth.user.id, parsed.data);
    return { intent: intent.data, errors: {}, done: "Your name is saved." };
  }

  if (intent.data === "time-zone") {
    const parsed = timeZoneSchema.safeParse(values.timeZone);
    if (!parsed.success) return data({ intent: intent.data, errors: { timeZone: parsed.error.issues[0]!.message }, done: null }, { status: 400 });
    const current = await getPreferences(context.db, auth.user.id);
    await savePreferences(context.db, auth.user.id, { timeZone: parsed.data, shareProgress: current.shareProgress });
    return { intent: intent.data, errors: {}, done: `Times and your reading days now follow ${parsed.data}.` };
  }

  if (intent.data === "password") {
    const parsed = changePasswordSchema.safeParse(values);
    if (!parsed.success) return data({ intent: intent.data, errors: fieldErrors(parsed.error), done: null }, { status: 400 });
    const result = await changePassword(context.db, auth.user.id, parsed.data);
    if (!result.ok) return data({ intent: intent.data, errors: { [result.field]: result.message }, done: null }, { status: 400 });
    // A new password ends every session, this one included; this browser gets a fresh one.
    const ended = await invalidateUserSessions(context.db, auth.user.id);
    context.realtime.endSessions(ended, "password-changed");
    const { token, session } = await createSession(context.db, auth.user.id);
    return data(
      { intent: intent.data, errors: {}, done: "Password changed. Every other device has been logged out." },
      { headers: { "Set-Cookie": sessionCookie(token, session.expiresAt, { secure: context.cookieSecure }) } },
    );
  }

  const ended = await invalidateUserSessions(context.db, auth.user.id);
  context.realtime.endSessions(ended, "logout-everywhere");
  return redirect("/login?loggedOut=everywhere", {
    headers: { "Set-Cookie": blankSessionCookie({ secure: context.cookieSecure }) },
  });
}

export default function Account() {
  const { user, sessions, timeZone } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errorsFor = (intent: string): Record<string, string | undefined> =>
    actionData?.intent === intent ? (actionData.errors as Record<string, string>) : {};
  const doneFor = (intent: string) => (actionData?.intent === intent ? actionData.done : null);
  return (
    <section className="page narrow">
      <h1>Your account</h1>
      <p>
        Signed in as <strong>{user.email}</strong>, a member since {user.memberSince}.
      </p>
      <FormError message={errorsFor("unknown").form} />

      <section aria-labelledby="profile-heading" className="card">
        <h2 id="profile-heading">Profile</h2>
        <Form method="post" className="stack">
          <Field label="Display name" name="displayName" required maxLength={60} defaultValue={user.displayName} error={errorsFor("profile").displayName} />
          {doneFor("profile") ? <p role="status" className="done">{doneFor("profile")}</p> : null}
          <SubmitButton intent="profile" busyLabel="Saving…">Save name</SubmitButton>
        </Form>
      </section>

      <section aria-labelledby="time-zone-heading" className="card">
        <h2 id="time-zone-heading">Time zone</h2>
        <Form method="post" className="stack">
          <TimeZoneSelect zones={timeZone.zones} chosen={timeZone.chosen} error={errorsFor("time-zone").timeZone} />
          {doneFor("time-zone") ? <p role="status" className="done">{doneFor("time-zone")}</p> : null}
          <SubmitButton intent="time-zone" busyLabel="Saving…">Save time zone</SubmitButton>
        </Form>
      </section>

      <section aria-labelledby="password-heading" className="card">
        <h2 id="password-heading">Change password</h2>
        {/* Remounted after a change, so no password stays in the fields. */}
        <Form method="post" className="stack" noValidate key={doneFor("password") ?? "password-form"}>
          <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={errorsFor("password").currentPassword} />
          <Field
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN}
            hint={`At least ${PASSWORD_MIN} characters. Changing it logs out your other devices.`}
            error={errorsFor("password").newPassword}
          />
          <Field label="Repeat the new password" name="confirmPassword" type="password" autoComplete="new-password" required error={errorsFor("password").confirmPassword} />
          {doneFor("password") ? <p role="status" className="done">{doneFor("password")}</p> : null}
          <SubmitButton intent="password" busyLabel="Changing…">Change password</SubmitButton>
        </Form>
      </section>

      <section aria-labelledby="sessions-heading" className="card">
        <h2 id="sessions-heading">Where you are logged in</h2>
        <p>
          You are logged in on {sessions} {sessions === 1 ? "device or browser" : "devices or browsers"}.
        </p>
        <Form method="post">
          <SubmitButton intent="logout-everywhere" busyLabel="Logging out…">Log out everywhere</SubmitButton>
        </Form>
      </section>
    </section>
  );
}
