/**
 * Comment bodies: a safe subset of Markdown (paragraphs, emphasis, code, links, lists, quotes) and
 * @mentions, parsed into a small tree that React renders as elements. Nothing is ever turned into
 * HTML by string: raw HTML in a comment is just text, and links keep only http(s), mailto and
 * in-site targets. Runs on the server only: pages get the tree (a comment's `tree`), so marked is not
 * in the browser's JavaScript; the tree's types and the marked-free helpers are in comment-tree.ts
 * (docs/decisions/0005, 0016).
 */
import { marked, type Token, type Tokens } from "marked";
import { inSitePath } from "../http/safe-path.ts";
import { findMentions, MAX_COMMENT_LENGTH, text, textWithMentions as withMentions, type Block, type Inline } from "./comment-tree.ts";

export { findMentions, MAX_COMMENT_LENGTH, mentionHandle, type Block, type Inline } from "./comment-tree.ts";

/**
 * Whether a link target is safe to render as a link: http(s) and mailto, a fragment, or an
 * in-site path that a browser resolves to our own origin (not `/\\evil.example`: see inSitePath).
 */
export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  if (trimmed.startsWith("/")) return inSitePath(trimmed);
  if (trimmed.startsWith("#")) return /[\u0000-\u001f\u007f\\]/.test(trimmed) ? null : trimmed;
  try {
    const url = new URL(trimmed);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.toString() : null;
  } catch {
    return null;
  }
}

function inlines(tokens: Token[] | undefined, mentionable: ReadonlySet<string>): Inline[] {
  const out: Inline[] = [];
  for (const token of tokens ?? []) {
    switch (token.type) {
      case "strong":
      case "em":
      case "del":
        out.push({ t: token.type, c: inlines((token as Tokens.Strong).tokens, mentionable) });
        break;
      case "codespan":
        out.push({ t: "code", v: decode((token as Tokens.Codespan).text) });
        break;
      case "br":
        out.push({ t: "br" });
        break;
      case "link": {
        const link = token as Tokens.Link;
        const href = safeHref(link.href);
        const children = inlines(link.tokens, new Set());
        if (href) out.push({ t: "link", href, c: children });
        else out.push(...children);
        break;
      }
      case "image":
        out.push(text((token as Tokens.Image).text || (token as Tokens.Image).href));
        break;
      case "text": {
        const value = token as Tokens.Text;
        if (value.tokens && value.tokens.length > 0) out.push(...inlines(value.tokens, mentionable));
        else out.push(...withMentions(decode(value.text), mentionable));
        break;
      }
      case "escape":
        out.push(text((token as Tokens.Escape).text));
        break;
      default:
        // Raw HTML and anything unknown is shown exactly as typed.
        out.push(text(token.raw));
    }
  }
  return merge(out);
}

function blocks(tokens: Token[], mentionable: ReadonlySet<string>, depth = 0): Block[] {
  const out: Block[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case "space":
      case "hr":
        break;
      case "paragraph":
        out.push({ t: "p", c: inlines((token as Tokens.Paragraph).tokens, mentionable) });
        break;
      case "heading":
        // No headings inside a comment: shown as a strong paragraph.
        out.push({ t: "p", c: [{ t: "strong", c: inlines((token as Tokens.Heading).tokens, mentionable) }] });
        break;
      case "code":
        out.push({ t: "pre", v: (token as Tokens.Code).text });
        break;
      case "blockquote":
        out.push(depth >= 3 ? { t: "p", c: [text((token as Tokens.Blockquote).text)] } : { t: "quote", c: blocks((token as Tokens.Blockquote).tokens, mentionable, depth + 1) });
        break;
      case "list": {
        const list = token as Tokens.List;
        out.push({
          t: "list",
          ordered: list.ordered,
          start: typeof list.start === "number" ? list.start : 1,
          items: list.items.map((item) => (depth >= 3 ? [{ t: "p" as const, c: [text(item.text)] }] : blocks(item.tokens, mentionable, depth + 1))),
        });
        break;
      }
      case "text": {
        // Text directly inside a list item.
        const value = token as Tokens.Text;
        out.push({ t: "p", c: value.tokens ? inlines(value.tokens, mentionable) : withMentions(decode(value.text), mentionable) });
        break;
      }
      default:
        // Raw HTML blocks, tables and anything else: shown as typed.
        out.push({ t: "p", c: [text(token.raw.trim())] });
    }
  }
  return out;
}

function merge(nodes: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    const previous = out[out.length - 1];
    if (node.t === "text" && previous?.t === "text") previous.v += node.v;
    else if (node.t !== "text" || node.v !== "") out.push(node);
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };

/** marked escapes these few in code and text; turn them back into the characters typed. */
function decode(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name]!);
}

export function parseCommentMarkdown(source: string, mentionable: ReadonlySet<string> = new Set()): Block[] {
  const tokens = marked.lexer(source.slice(0, MAX_COMMENT_LENGTH), { gfm: true, breaks: true });
  return blocks(tokens, mentionable);
}

/** Plain text of a body (notifications, exports, aria labels). */
export function plainText(blocksOrSource: Block[] | string): string {
  const tree = typeof blocksOrSource === "string" ? parseCommentMarkdown(blocksOrSource) : blocksOrSource;
  const inline = (nodes: Inline[]): string =>
    nodes.map((node) => (node.t === "text" || node.t === "code" ? node.v : node.t === "mention" ? `@${node.handle}` : node.t === "br" ? " " : inline(node.c))).join("");
  const block = (node: Block): string =>
    node.t === "p" ? inline(node.c) : node.t === "pre" ? node.v : node.t === "quote" ? node.c.map(block).join(" ") : node.items.map((item) => item.map(block).join(" ")).join("; ");
  return tree.map(block).join("\n").trim();
}

/**
 * Text as Markdown that shows exactly these characters: every character Markdown or HTML would act
 * on is escaped, and so is what would start a block at the beginning of a line.
 */
export function escapeMarkdownText(value: string): string {
  return value
    .replace(/[\\`*_[\]<>&~|!]/g, (char) => `\\${char}`)
    .replace(/^(\s*)([#>+=-])/gm, "$1\\$2")
    .replace(/^(\s*\d+)([.)])/gm, "$1\\$2");
}

function fenceFor(value: string, char: "`" | "~", min: number): string {
  const longest = Math.max(0, ...[...value.matchAll(new RegExp(`\\${char}+`, "g"))].map((run) => run[0].length));
  return char.repeat(Math.max(min, longest + 1));
}

/**
 * A body written again as Markdown from its tree (what the page shows), for exports that other
 * Markdown viewers render: no raw HTML, no image, and only the links the page itself would make
 * (http, https, mailto, in-site) — `[x](javascript:…)` and `<img onerror>` come out as plain text.
 */
export function safeMarkdown(blocksOrSource: Block[] | string): string {
  const tree = typeof blocksOrSource === "string" ? parseCommentMarkdown(blocksOrSource, new Set(findMentions(blocksOrSource))) : blocksOrSource;
  const inline = (nodes: Inline[]): string =>
    nodes
      .map((node) => {
        switch (node.t) {
          case "text":
            return escapeMarkdownText(node.v);
          case "code": {
            const fence = fenceFor(node.v, "`", 1);
            return `${fence} ${node.v.replace(/\n/g, " ")} ${fence}`;
          }
          case "em":
            return `*${inline(node.c)}*`;
          case "strong":
            return `**${inline(node.c)}**`;
          case "del":
            return `~~${inline(node.c)}~~`;
          case "link":
            return `[${inline(node.c)}](<${node.href.replace(/[<>\s]/g, (char) => encodeURIComponent(char))}>)`;
          case "mention":
            return `@${escapeMarkdownText(node.handle)}`;
          case "br":
            return "\\\n";
        }
      })
      .join("");
  const indent = (lines: string, prefix: string, rest = " ".repeat(prefix.length)) =>
    lines
      .split("\n")
      .map((line, index) => (index === 0 ? prefix : line === "" ? "" : rest) + line)
      .join("\n");
  const block = (node: Block): string => {
    switch (node.t) {
      case "p":
        return inline(node.c);
      case "pre": {
        const fence = fenceFor(node.v, "`", 3);
        return `${fence}\n${node.v}\n${fence}`;
      }
      case "quote":
        return node.c
          .map(block)
          .join("\n\n")
          .split("\n")
          .map((line) => (line === "" ? ">" : `> ${line}`))
          .join("\n");
      case "list":
        return node.items
          .map((item, index) => indent(item.map(block).join("\n\n") || " ", node.ordered ? `${node.start + index}. ` : "- "))
          .join("\n");
    }
  };
  return tree.map(block).join("\n\n");
}
