import { redirect } from "@remix-run/node";
import { acceptInvite } from "~/models/invite.server.ts";
import { createSession, sessionCookie } from "~/models/session.server.ts";
import type { AppContext } from "~/server/context.server.ts";
import { inSitePath } from "./safe-path.ts";

/**
 * Where to go after a form: only paths on this site, never another origin (see inSitePath), and
 * always a valid Location header, so building the redirect cannot fail after the action committed.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  return (typeof to === "string" && inSitePath(to)) || inSitePath(fallback) || "/";
}

/** The signed-in user, or a redirect to the login page that comes back here afterwards. */
export function requireUser(context: AppContext, request: Request) {
  if (context.auth) return context.auth;
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
}

export function requireAnonymous(context: AppContext) {
  if (context.auth) throw redirect("/");
}

const INVITE_PATH = /^\/invite\/([A-Za-z0-9_-]{10,64})$/;

/**
 * Where a person goes right after signing up or logging in. Coming from an invitation, they join
 * the group in the same request and land in it; if the invitation cannot be used any more they
 * land on its page, which says why.
 */
export async function destinationAfterSignIn(
  context: AppContext,
  user: { id: string; email: string },
  redirectTo: FormDataEntryValue | string | null | undefined,
): Promise<string> {
  const target = safeRedirect(redirectTo);
  const invite = INVITE_PATH.exec(target);
  if (!invite) return target;
  const result = await acceptInvite(context.db, invite[1]!, user);
  return result.ok ? `/groups/${result.groupId}` : target;
}

/** After a successful sign-up or login: a new session cookie and the way on (see destinationAfterSignIn). */
export async function signedInRedirect(context: AppContext, user: { id: string; email: string }, redirectTo: FormDataEntryValue | string | null | undefined) {
  // The target is made safe before anything is written: nothing after the session can fail on it.
  const target = safeRedirect(redirectTo);
  const { token, session } = await createSession(context.db, user.id);
  return redirect(await destinationAfterSignIn(context, user, target), {
    headers: { "Set-Cookie": sessionCookie(token, session.expiresAt, { secure: context.cookieSecure }) },
  });
}
