/** Decides which of the three formats a file is written in. */
import { contentError } from "./errors.ts";
import { hasFrontMatter } from "./markdown.ts";
import { looksLikePlainLesson, looksLikePlainSummary, NO_STRUCTURE } from "./plaintext.ts";
import { failed, ok, type ReadingFormat, type Result } from "./types.ts";

const MARKDOWN_NAME = /\.(md|markdown)$/i;

/**
 * Front matter or a Markdown file name → markdown; a second non-blank line starting `Day N` → plain lesson
 * (a malformed day line is then reported by the lesson parser); headings/list items → plain summary.
 */
export function detectFormat(text: string, sourceName: string): Result<ReadingFormat> {
  if (text.length === 0) return failed([contentError(sourceName, 1, "the file is empty")]);
  if (text.trim() === "") return failed([contentError(sourceName, 1, "the file holds only blank space")]);
  if (hasFrontMatter(text) || MARKDOWN_NAME.test(sourceName)) return ok("markdown");
  if (looksLikePlainLesson(text)) return ok("plain-lesson");
  if (looksLikePlainSummary(text)) return ok("plain-summary");
  return failed([contentError(sourceName, 1, NO_STRUCTURE)]);
}
