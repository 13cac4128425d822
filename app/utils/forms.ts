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
 * (formBodyGuard in app/server/http-guards.server.ts).
 */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response("The form could not be read: send it again from the page.", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
}
