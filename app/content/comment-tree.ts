/**
 * A comment body's tree (what app/components/comment-body.tsx renders) and the helpers that need no
 * Markdown parser: limits, @mentions, and the optimistic display of a comment being posted. The
 * parser itself (marked) is in comment-markdown.ts, on the server only: the page gets each comment's
 * tree in its data, so marked stays out of the browser's JavaScript (docs/decisions/0016).
 */

export const MAX_COMMENT_LENGTH = 10_000;

export type Inline =
  | { t: "text"; v: string }
  | { t: "em" | "strong" | "del"; c: Inline[] }
  | { t: "code"; v: string }
  | { t: "link"; href: string; c: Inline[] }
  | { t: "mention"; handle: string }
  | { t: "br" };

export type Block =
  | { t: "p"; c: Inline[] }
  | { t: "list"; ordered: boolean; start: number; items: Block[][] }
  | { t: "quote"; c: Block[] }
  | { t: "pre"; v: string };

const MENTION = /(^|[^\p{L}\p{N}_@])@([\p{L}\p{N}_][\p{L}\p{N}_.-]{0,39})/gu;

/** The handle people type after @ for a display name: its letters and digits, no spaces. */
export function mentionHandle(displayName: string): string {
  return displayName.normalize("NFKC").replace(/[^\p{L}\p{N}_.-]/gu, "").toLowerCase();
}

/** Every @handle written in a body (lower-case, without duplicates), whether or not it names anyone. */
export function findMentions(source: string): string[] {
  const found = new Set<string>();
  for (const match of source.matchAll(MENTION)) found.add(match[2]!.replace(/[.-]+$/, "").toLowerCase());
  return [...found];
}

export function text(v: string): Inline {
  return { t: "text", v };
}

/** Splits plain text into text and mention nodes; only handles in `mentionable` become mentions. */
export function textWithMentions(value: string, mentionable: ReadonlySet<string>): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const match of value.matchAll(MENTION)) {
    const handle = match[2]!.replace(/[.-]+$/, "").toLowerCase();
    if (!mentionable.has(handle)) continue;
    const at = match.index! + match[1]!.length;
    if (at > last) out.push(text(value.slice(last, at)));
    out.push({ t: "mention", handle });
    last = at + 1 + handle.length;
  }
  if (last < value.length) out.push(text(value.slice(last)));
  return out;
}

/**
 * A comment being posted, shown where it will appear until the server's answer brings its parsed
 * tree: the text as typed (Markdown not interpreted), a paragraph at each blank line, a line break
 * at each newline, @mentions of members marked.
 */
export function draftBlocks(source: string, mentionable: ReadonlySet<string> = new Set()): Block[] {
  return source
    .slice(0, MAX_COMMENT_LENGTH)
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== "")
    .map((paragraph) => ({
      t: "p" as const,
      c: paragraph.split("\n").flatMap((line, index): Inline[] => [...(index > 0 ? [{ t: "br" as const }] : []), ...textWithMentions(line, mentionable)]),
    }));
}
