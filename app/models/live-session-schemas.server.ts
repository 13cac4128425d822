/** The live-session forms' validation (zod), on the server only (docs/decisions/0016). */
import { z } from "zod";
import { commentIdSchema } from "./discussion-schemas.server.ts";
import { MAX_QUESTION_LENGTH, MAX_SESSION_TITLE_LENGTH } from "./live-session-rules.ts";

const dayField = z
  .string({ error: "Choose a day." })
  .trim()
  .regex(/^\d{1,5}$/, "Choose a day.")
  .transform(Number)
  .pipe(z.number().int().min(1, "Choose a day."));

const titleField = z
  .string()
  .optional()
  .transform((value) => (value ?? "").replace(/\s+/g, " ").trim())
  .pipe(z.string().max(MAX_SESSION_TITLE_LENGTH, `Keep the title under ${MAX_SESSION_TITLE_LENGTH} characters.`));

export const startSessionSchema = z.object({ day: dayField, title: titleField });

/** `when` is what an `<input type="datetime-local">` sends, read in the group's time zone. */
export const scheduleSessionSchema = z.object({
  day: dayField,
  title: titleField,
  when: z
    .string({ error: "Choose a date and time." })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, "Choose a date and time."),
});

export const sessionRefSchema = z.object({ sessionId: z.string({ error: "Missing session." }).min(1, "Missing session.").max(40, "Malformed session id.") });

export const spotlightSchema = sessionRefSchema.extend({
  /** Empty: clear the spotlight. */
  passageKey: z
    .string()
    .optional()
    .transform((value) => (value ?? "").trim())
    .pipe(z.string().max(80, "Malformed passage.")),
});

export const questionSchema = sessionRefSchema.extend({
  id: commentIdSchema,
  body: z
    .string({ error: "Write your question first." })
    .transform((value) => value.replace(/\s+/g, " ").trim())
    .pipe(
      z
        .string()
        .min(1, "Write your question first.")
        .max(MAX_QUESTION_LENGTH, `Keep a question under ${MAX_QUESTION_LENGTH} characters.`),
    ),
});

export const questionRefSchema = sessionRefSchema.extend({
  questionId: z.string({ error: "Missing question." }).min(1, "Missing question.").max(40, "Malformed question id."),
});
