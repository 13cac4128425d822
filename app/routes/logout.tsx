import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { blankSessionCookie, invalidateSession } from "~/models/session.server.ts";
import { readForm } from "~/http/form-data.ts";

export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  // The form is empty, but read: a body that is not a form changes nothing (a 400).
  await readForm(request);
  if (context.auth) {
    await invalidateSession(context.db, context.auth.session.id);
    context.realtime.endSessions([context.auth.session.id], "logout");
  }
  return redirect("/", { headers: { "Set-Cookie": blankSessionCookie({ secure: context.cookieSecure }) } });
}
