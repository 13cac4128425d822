import { redirect } from "@remix-run/node";
import type { AppContext } from "~/server/context.server.ts";

/** Where to go after logging in: only paths on this site, never another origin. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
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
