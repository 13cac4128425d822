import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { blankSessionCookie, invalidateSession } from "~/models/session.server.ts";

export async function loader() {
  return redirect("/");
}

export async function action({ context }: ActionFunctionArgs) {
  if (context.auth) {
    await invalidateSession(context.db, context.auth.session.id);
    context.realtime.endSessions([context.auth.session.id], "logout");
  }
  return redirect("/", { headers: { "Set-Cookie": blankSessionCookie({ secure: context.cookieSecure }) } });
}
