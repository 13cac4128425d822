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
