/**
 * Markdown with optional YAML front matter (docs/content-format.md §1).
 * Front matter: parsed with `yaml`, validated with Zod. Body: `marked.lexer`, reduced to plain-text passages.
 */
import { marked, type Token, type Tokens } from "marked";
import { z } from "zod";
import { sha256Hex } from "./checksum.ts";
import { contentError, type ContentError } from "./errors.ts";
import { nonEmptyText, positiveWholeNumber, readingKind, slug } from "./schemas.ts";
import { collapseSpaces, isPromptText, normalizeSource } from "./text.ts";
import { failed, ok, type ParsedPassage, type ParsedReading, type PassageKind, type Result, type StatedField } from "./types.ts";
import { parseYaml, zodIssuesToErrors } from "./yaml.ts";

const frontMatterSchema = z.strictObject({
  course: slug.optional(),
  courseTitle: nonEmptyText.optional(),
  day: positiveWholeNumber.optional(),
  days: positiveWholeNumber.optional(),
  title: nonEmptyText.optional(),
  kind: readingKind.optional(),
  readingTitle: nonEmptyText.optional(),
});
type FrontMatter = z.infer<typeof frontMatterSchema>;

/** Front matter key → the ParsedReading field it states. */
const STATED_BY_KEY: Record<keyof FrontMatter, StatedField> = {
  course: "courseSlug",
  courseTitle: "courseTitle",
  day: "day",
  days: "dayCount",
  title: "lessonTitle",
  kind: "kind",
  readingTitle: "readingTitle",
};

interface SplitSource {
  frontMatter: { yaml: string; firstLine: number } | null;
  body: string;
  /** Number of file lines before the body starts. */
  bodyLineOffset: number;
}

export function hasFrontMatter(text: string): boolean {
  return isFence(normalizeSource(text).split("\n", 1)[0]);
}

export function parseMarkdown(text: string, sourceName: string, checksum: string = sha256Hex(text)): Result<ParsedReading> {
  const split = splitFrontMatter(normalizeSource(text), sourceName);
  if (!split.ok) return split;
  const { frontMatter, body, bodyLineOffset } = split.value;

  const errors: ContentError[] = [];
  const meta = frontMatter ? readFrontMatter(frontMatter.yaml, frontMatter.firstLine, sourceName, errors) : { fields: {}, statedAt: {} };
  const passages = bodyPassages(body, bodyLineOffset);
  if (passages.length === 0 && errors.length === 0) {
    errors.push(contentError(sourceName, bodyLineOffset + 1, "no content: the file has no headings, paragraphs, list items or quotes"));
  }
  if (errors.length > 0) return failed(errors);

  const { fields, statedAt } = meta;
  return ok({
    sourceName,
    format: "markdown",
    checksum,
    courseSlug: fields.course,
    courseTitle: fields.courseTitle,
    dayCount: fields.days,
    day: fields.day,
    lessonTitle: fields.title,
    kind: fields.kind ?? "lesson",
    readingTitle: fields.readingTitle,
    passages,
    statedAt,
  });
}

function splitFrontMatter(source: string, sourceName: string): Result<SplitSource> {
  const lines = source.split("\n");
  if (!isFence(lines[0])) return ok({ frontMatter: null, body: source, bodyLineOffset: 0 });
  const closing = lines.findIndex((line, index) => index > 0 && (isFence(line) || line.trimEnd() === "..."));
  if (closing === -1) {
    return failed([contentError(sourceName, 1, "front matter is never closed: add a line holding only --- after it")]);
  }
  return ok({
    frontMatter: { yaml: lines.slice(1, closing).join("\n"), firstLine: 2 },
    body: lines.slice(closing + 1).join("\n"),
    bodyLineOffset: closing + 1,
  });
}

function isFence(line: string | undefined): boolean {
  return line !== undefined && line.trimEnd() === "---";
}

function readFrontMatter(yamlText: string, firstLine: number, sourceName: string, errors: ContentError[]) {
  const empty = { fields: {} as FrontMatter, statedAt: {} as ParsedReading["statedAt"] };
  const parsed = parseYaml(yamlText, sourceName, firstLine - 1);
  if (!parsed.ok) {
    errors.push(...parsed.errors);
    return empty;
  }
  const source = parsed.value;
  const value = source.value ?? {};
  if (typeof value !== "object" || Array.isArray(value)) {
    errors.push(contentError(sourceName, firstLine, "front matter must be `key: value` lines (course, day, days, title, kind, readingTitle)"));
    return empty;
  }
  const validated = frontMatterSchema.safeParse(value);
  if (!validated.success) {
    errors.push(...zodIssuesToErrors(validated.error.issues, source, sourceName));
    return empty;
  }
  const fields = validated.data;
  const statedAt: ParsedReading["statedAt"] = {};
  for (const key of Object.keys(fields) as (keyof FrontMatter)[]) {
    statedAt[STATED_BY_KEY[key]] = source.lineOf([key]) ?? firstLine;
  }
  if (fields.day !== undefined && fields.days !== undefined && fields.day > fields.days) {
    errors.push(contentError(sourceName, statedAt.day ?? firstLine, `day ${fields.day} is beyond the course's ${fields.days} days`));
  }
  return { fields, statedAt };
}

// ---------------------------------------------------------------------------------------------
// Body

/** Finds source lines for passages; marked's tokens carry raw text but no positions. */
class LineLocator {
  private cursor = 0;
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly source: string,
    private readonly lineOffset: number,
  ) {
    for (let index = source.indexOf("\n"); index !== -1; index = source.indexOf("\n", index + 1)) {
      this.lineStarts.push(index + 1);
    }
  }

  /** Moves the search start to a known token offset (never backwards). */
  seek(offset: number): void {
    this.cursor = Math.max(this.cursor, offset);
  }

  lineAtOffset(offset: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1 + this.lineOffset;
  }

  /** Line of the first non-blank line of `raw`, searched from the cursor onwards; `fallback` when not found. */
  locate(raw: string, fallback: number): number {
    const snippet = raw.split("\n").find((line) => line.trim() !== "")?.trim();
    if (!snippet) return fallback;
    const index = this.source.indexOf(snippet, this.cursor);
    if (index === -1) return fallback;
    this.cursor = index + snippet.length;
    return this.lineAtOffset(index);
  }
}

interface Walk {
  locator: LineLocator;
  passages: ParsedPassage[];
  inQuote: boolean;
  fallbackLine: number;
}

function bodyPassages(body: string, bodyLineOffset: number): ParsedPassage[] {
  const locator = new LineLocator(body, bodyLineOffset);
  const passages: ParsedPassage[] = [];
  let offset = 0;
  for (const token of marked.lexer(body)) {
    locator.seek(offset);
    const fallbackLine = locator.lineAtOffset(offset);
    walkBlock(token, { locator, passages, inQuote: false, fallbackLine });
    offset += token.raw.length;
  }
  return passages;
}

function emit(walk: Walk, kind: PassageKind, text: string, raw: string): void {
  const plain = collapseSpaces(text);
  if (plain === "") return;
  const line = walk.locator.locate(raw, walk.fallbackLine);
  walk.passages.push({ kind: walk.inQuote ? "quote" : kind, text: plain, line });
}

function walkBlock(token: Token, walk: Walk): void {
  switch (token.type) {
    case "heading":
      return emit(walk, "heading", inlineText(token.tokens), token.raw);
    case "paragraph":
    case "text": {
      const text = inlineText((token as Tokens.Paragraph | Tokens.Text).tokens, token.text);
      return emit(walk, isPromptText(collapseSpaces(text)) ? "prompt" : "paragraph", text, token.raw);
    }
    case "list":
      for (const item of (token as Tokens.List).items) walkListItem(item, walk);
      return;
    case "blockquote":
      for (const child of (token as Tokens.Blockquote).tokens) walkBlock(child, { ...walk, inQuote: true });
      return;
    case "code":
      // Code is kept verbatim as a paragraph: members may want to discuss it.
      return emit(walk, "paragraph", token.text, token.raw);
    case "html":
      // HTML is never interpreted: it stays as literal text, shown as text.
      return emit(walk, "paragraph", token.raw, token.raw);
    case "table":
      return walkTable(token as Tokens.Table, walk);
    case "space":
    case "hr":
    case "def":
      return;
    default:
      // Tokens from future marked versions or extensions: keep their source as text rather than lose it.
      return emit(walk, "paragraph", token.raw, token.raw);
  }
}

/** A list item's own text is one passage; nested lists and other blocks inside it follow as their own passages. */
function walkListItem(item: Tokens.ListItem, walk: Walk): void {
  const own = item.tokens.filter((child) => child.type === "text" || child.type === "paragraph");
  const nested = item.tokens.filter((child) => !own.includes(child) && child.type !== "checkbox");
  const text = own.map((child) => inlineText((child as Tokens.Text).tokens, child.raw)).join("\n");
  emit(walk, "list-item", text, item.raw);
  for (const child of nested) walkBlock(child, walk);
}

function walkTable(table: Tokens.Table, walk: Walk): void {
  const rows = [table.header, ...table.rows];
  const rawLines = table.raw.split("\n").filter((line) => !/^\s*\|?\s*:?-+/.test(line));
  rows.forEach((cells, index) => {
    const text = cells.map((cell) => inlineText(cell.tokens, cell.text)).join(" | ");
    emit(walk, "paragraph", text, rawLines[index] ?? table.raw);
  });
}

/** Inline markup reduced to its words: emphasis, links and code spans keep their text, images their alt text. */
function inlineText(tokens: Token[] | undefined, fallback = ""): string {
  if (!tokens) return decodeEntities(fallback);
  return tokens.map(inlineTokenText).join("");
}

function inlineTokenText(token: Token): string {
  switch (token.type) {
    case "text": {
      const text = token as Tokens.Text;
      return text.tokens ? inlineText(text.tokens) : decodeEntities(text.text);
    }
    case "strong":
    case "em":
    case "del":
    case "link":
      return inlineText((token as Tokens.Strong | Tokens.Em | Tokens.Del | Tokens.Link).tokens);
    case "image":
      return decodeEntities(token.text);
    case "codespan":
    case "escape":
      return token.text;
    case "br":
      return "\n";
    case "checkbox":
      return "";
    default:
      // Inline HTML and anything unknown: the literal source text, never interpreted.
      return token.raw;
  }
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Markdown character references (`&amp;`, `&#8212;`) stand for characters; other `&…;` stays as written. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (match, name: string) => {
    if (name.startsWith("#")) {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : match;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? match;
  });
}
