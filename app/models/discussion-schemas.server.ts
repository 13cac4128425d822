/**
 * The discussion forms' validation (zod), on the server only: the browser's composer limits come from
 * discussion-rules.ts and comment-tree.ts's MAX_COMMENT_LENGTH (docs/decisions/0016).
 */
import { z } from "zod";
import { MAX_COMMENT_LENGTH } from "~/content/comment-tree.ts";
import { COMMENT_KINDS, REACTIONS } from "./discussion-rules.ts";

/** Client-chosen comment ids: the idempotency key of a post. */
export const commentIdSchema = z
  .string({ error: "Missing comment id: reload the page and try again." })
  .regex(/^[A-Za-z0-9_-]{16,40}$/, "Malformed comment id: reload the page and try again.");

export const bodySchema = z
  .string({ error: "Write something first." })
  .transform((value) => value.replace(/\r\n?/g, "\n").trim())
  .pipe(
    z
      .string()
      .min(1, "Write something first.")
      .max(MAX_COMMENT_LENGTH, `Keep it under ${MAX_COMMENT_LENGTH.toLocaleString("en-US")} characters.`),
  );

const optionalInt = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === "") return null;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0 || number > 1_000_000) {
      ctx.addIssue({ code: "custom", message: "Malformed quote position." });
      return z.NEVER;
    }
    return number;
  });

export const newCommentSchema = z.object({
  id: commentIdSchema,
  body: bodySchema,
  kind: z.enum(COMMENT_KINDS, { error: "Choose a comment or a question." }).default("comment"),
  readingId: z.string().min(1).max(40),
  passageKey: z.string().regex(/^[a-z0-9-]{1,40}$/i, "Choose the passage to comment on."),
  quoteExact: z.string().max(2000, "Select a shorter quote (at most 2,000 characters).").optional(),
  quoteStart: optionalInt,
  quoteEnd: optionalInt,
});

export const replySchema = z.object({ id: commentIdSchema, body: bodySchema, parentId: z.string().min(1).max(40) });
export const editSchema = z.object({ commentId: z.string().min(1).max(40), body: bodySchema });
export const flagSchema = z.object({
  commentId: z.string().min(1).max(40),
  reason: z.string({ error: "Say what is wrong with it." }).trim().min(3, "Say what is wrong with it.").max(500, "Keep the reason under 500 characters."),
});
export const reactionSchema = z.object({
  commentId: z.string().min(1).max(40),
  reaction: z.enum(REACTIONS, { error: `Reactions are ${REACTIONS.join(", ")}.` }),
});
