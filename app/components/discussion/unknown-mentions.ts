/**
 * Which handles written name nobody (the server ignores those, so the composer says so before
 * posting). Apart from the @ picker's logic (mentions.ts), which loads on demand (docs/decisions/0016).
 */
import { findMentions } from "~/content/comment-tree.ts";

/** The @handles in `body` that match no member, as written (lower-case), in order. */
export function unknownMentions(body: string, mentionable: ReadonlySet<string>): string[] {
  return findMentions(body).filter((handle) => !mentionable.has(handle));
}
