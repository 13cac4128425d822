/** Group form rules, shared by the browser (hints) and the server (validation). */
import { z } from "zod";


export const groupNameSchema = z
  .string({ error: "Give the group a name." })
  .trim()
  .min(1, "Give the group a name.")
  .max(80, "Use at most 80 characters for the name.")
  .refine((value) => !/[<>\u0000-\u001f\u007f]/.test(value), "Names cannot contain < > or control characters.");

export const groupSettingsSchema = z
  .object({
    name: groupNameSchema,
    description: z.string().trim().max(1000, "Use at most 1,000 characters for the description.").default(""),
    paceMode: z.enum(["self", "scheduled"], { error: "Choose self-paced or scheduled." }),
    startDate: z.string().trim().optional(),
    daysPerWeek: z.string().trim().optional(),
    timeZone: z.string().trim().min(1).max(64).default("UTC"),
    lockAhead: z.string().optional(),
  })
  .transform((value, ctx) => {
    if (value.paceMode === "self") {
      return { name: value.name, description: value.description, paceMode: "self" as const, startDate: null, daysPerWeek: null, timeZone: value.timeZone, lockAhead: false };
    }
    if (!value.startDate || !/^\d{4}-\d{2}-\d{2}$/.test(value.startDate) || Number.isNaN(Date.parse(`${value.startDate}T00:00:00Z`))) {
      ctx.addIssue({ code: "custom", path: ["startDate"], message: "Choose the date of Day 1." });
      return z.NEVER;
    }
    const days = Number(value.daysPerWeek);
    if (!Number.isInteger(days) || days < 1 || days > 7) {
      ctx.addIssue({ code: "custom", path: ["daysPerWeek"], message: "Choose between 1 and 7 lesson days a week." });
      return z.NEVER;
    }
    return {
      name: value.name,
      description: value.description,
      paceMode: "scheduled" as const,
      startDate: value.startDate,
      daysPerWeek: days,
      timeZone: value.timeZone,
      lockAhead: value.lockAhead === "on" || value.lockAhead === "true",
    };
  });

export type GroupSettings = z.output<typeof groupSettingsSchema>;

export const inviteLinkSchema = z.object({
  expiresInDays: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      const days = Number(value);
      if (!Number.isInteger(days) || days < 1 || days > 365) {
        ctx.addIssue({ code: "custom", message: "Choose between 1 and 365 days, or leave it empty." });
        return z.NEVER;
      }
      return days;
    }),
  maxUses: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      const uses = Number(value);
      if (!Number.isInteger(uses) || uses < 1 || uses > 10_000) {
        ctx.addIssue({ code: "custom", message: "Choose a number of uses from 1 to 10,000, or leave it empty." });
        return z.NEVER;
      }
      return uses;
    }),
});

export const inviteEmailSchema = z.object({
  email: z
    .string({ error: "Enter the email address to invite." })
    .trim()
    .toLowerCase()
    .min(1, "Enter the email address to invite.")
    .max(254, "That email address is too long.")
    .pipe(z.email({ error: "Enter a valid email address, like name@example.org." })),
});

