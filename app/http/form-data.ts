import type { z } from "zod";

export type FieldErrors = Record<string, string>;

/** Maps Zod issues to one message per field (the first), for forms that show errors beside each field. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return errors;
}

/** Form fields as plain strings (files and repeated keys are not expected in these forms). */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) if (typeof value === "string") values[key] = value;
  return values;
}

/**
 * The request's form, or a 400 thrown as a Response (never a 500) when the body cannot be read as
 * one: malformed multipart, a cut-short upload. Content types other than forms are refused before
 * (formBodyGuard in app/server/http-guards.server.ts). A NUL anywhere, or a field given twice with
 * two values, is refused the same way.
 */
export async function readForm(request: Request): Promise<FormData> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw unreadable("send it again from the page.");
  }
  // No form of ours sends a NUL (PostgreSQL cannot store one in text: it would fail as a 500 after
  // the checks, or be stored on SQLite only), nor one field twice with two values (which one counts
  // would depend on how the route reads it). A redirectTo is only read by safeRedirect, which falls
  // back from one with control characters: the form still goes through (README, Security).
  const seen = new Map<string, string>();
  for (const [name, value] of form) {
    if (typeof value !== "string") continue;
    if (name.includes("\u0000") || (name !== "redirectTo" && value.includes("\u0000"))) throw unreadable("it holds a NUL character.");
    const earlier = seen.get(name);
    if (earlier !== undefined && earlier !== value) throw unreadable(`the field “${name.slice(0, 40)}” was given twice.`);
    seen.set(name, value);
  }
  return form;
}

const unreadable = (why: string) =>
  new Response(`The form could not be read: ${why}`, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
