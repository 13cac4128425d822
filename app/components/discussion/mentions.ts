/**
 * The @ picker's logic, kept pure: which @word the caret is in, which members it may mean, what
 * picking one does to the text, and which handles written name nobody (the server ignores those, so
 * the composer says so before posting).
 */
export { unknownMentions } from "./unknown-mentions.ts";

export interface Member {
  id: string;
  displayName: string;
  handle: string;
}

/** The same characters the comment parser accepts in a handle. */
const BEFORE_CARET = /(^|[^\p{L}\p{N}_@])@([\p{L}\p{N}_.-]{0,40})$/u;

/** The @word being typed just before `caret`: where its @ is and what follows it so far. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = BEFORE_CARET.exec(text.slice(0, caret));
  if (!match) return null;
  // Inside a code span the @ is not a mention: an odd number of backticks before it on its line.
  const start = match.index + match[1]!.length;
  const line = text.slice(text.lastIndexOf("\n", start - 1) + 1, start);
  if ((line.match(/`/g) ?? []).length % 2 === 1) return null;
  return { start, query: match[2]! };
}

function fold(value: string): string {
  return value.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Members whose handle or any word of whose name starts with the query (handles first), at most `limit`. */
export function matchMembers(members: readonly Member[], query: string, limit = 8): Member[] {
  const wanted = fold(query);
  const byHandle: Member[] = [];
  const byName: Member[] = [];
  for (const member of members) {
    if (fold(member.handle).startsWith(wanted)) byHandle.push(member);
    else if (fold(member.displayName).split(/[^\p{L}\p{N}]+/u).some((word) => word.startsWith(wanted))) byName.push(member);
  }
  return [...byHandle, ...byName].slice(0, limit);
}

/** The text with the @word at `start` (up to `caret`) replaced by `@handle `, and where the caret goes. */
export function insertMention(text: string, start: number, caret: number, handle: string): { text: string; caret: number } {
  const after = text.slice(caret).replace(/^[\p{L}\p{N}_.-]*/u, "");
  // A space after it unless the text goes on with one (the caret then passes it) or with punctuation.
  const inserted = `@${handle}${after === "" ? " " : ""}`;
  const next = text.slice(0, start) + inserted + after;
  return { text: next, caret: start + inserted.length + (/^\s/.test(after) ? 1 : 0) };
}
