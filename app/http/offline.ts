import { isRouteErrorResponse } from "@remix-run/react";

/**
 * Offline: a form's answer made in the browser because the server could not be reached, or the
 * browser saying it has no network. Loaders are not revalidated then: nothing changed on the server,
 * and the request would fail and replace the page with an error.
 */
export function isOfflineResult(actionResult: unknown): boolean {
  return typeof actionResult === "object" && actionResult !== null && (actionResult as { offline?: unknown }).offline === true;
}

export function browserOffline(): boolean {
  return typeof navigator !== "undefined" && navigator.onLine === false;
}

export const UNREACHABLE = "Could not reach the server. Check your connection and try again: nothing you typed is lost.";

/**
 * A route's clientAction: the server's answer, or — when the server could not be reached — data that
 * says so (`offline: true`), so the form keeps what was typed instead of the page turning into an error.
 */
export async function serverOrOffline<T>(serverAction: () => Promise<T>): Promise<T | { ok: false; intent: "unknown"; offline: true; error: string }> {
  try {
    return await serverAction();
  } catch (error) {
    if (error instanceof Response || isRouteErrorResponse(error)) throw error;
    return { ok: false, intent: "unknown", offline: true, error: UNREACHABLE };
  }
}

/**
 * A load that failed for want of a server, not with an answer: the network failed, the answer was not
 * one of ours (a proxy's 502 page), or the server failed (5xx, as while it shuts down). A redirect or a
 * 4xx (not found, not allowed) is an answer the person can act on, and is not one of these.
 */
export function loadFailedToReach(error: unknown): boolean {
  if (error instanceof Response) return error.status >= 500;
  if (isRouteErrorResponse(error)) return error.status >= 500;
  if (error instanceof DOMException && error.name === "AbortError") return false;
  return true;
}
