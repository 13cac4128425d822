/** Account rules shared by the browser (form hints) and the server (validation). */
import { z } from "zod";

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

const email = z
  .string({ error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email({ error: "Enter a valid email address, like name@example.org." }));

const newPassword = z
  .string({ error: "Choose a password." })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`);

export const displayNameSchema = z
  .string({ error: "Enter the name other members will see." })
  .trim()
  .min(1, "Enter the name other members will see.")
  .max(60, "Keep your name under 60 characters.")
  .refine((value) => !/[\u0000-\u001f\u007f<>]/.test(value), "Names cannot contain < > or control characters.");

export const signUpSchema = z.object({
  email,
  displayName: displayNameSchema,
  password: newPassword,
});

export const logInSchema = z.object({
  email,
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(PASSWORD_MAX * 4),
});

export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ error: "Enter your current password." }).min(1, "Enter your current password."),
    newPassword,
    confirmPassword: z.string({ error: "Repeat the new password." }),
  })
  .refine((value) => value.newPassword === value.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords do not match.",
  });


/** The time zones offered on the account page: the runtime's IANA list, UTC first. */
export function timeZoneChoices(): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
  return ["UTC", ...supported.filter((zone) => zone !== "UTC")];
}

function knownTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A time zone the reader chose (account page) or their browser reported (sign-up): an IANA name. */
export const timeZoneSchema = z
  .string({ error: "Choose your time zone." })
  .trim()
  .min(1, "Choose your time zone.")
  .max(64, "Choose a time zone from the list.")
  .refine(knownTimeZone, "Choose a time zone from the list.");
