/** Small text helpers shared by the parsers. */

/** Source text with a leading byte-order mark removed and every line ending turned into `\n`. */
export function normalizeSource(text: string): string {
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

/** Collapses every run of white space (including line breaks) into one space and trims the ends. */
export function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

const PROMPT_OPENERS = /^(?:prompt|say this in an interview)\s*:/i;

/** A paragraph that opens with `Prompt:` or `Say this in an interview:` is a practice prompt. */
export function isPromptText(text: string): boolean {
  return PROMPT_OPENERS.test(text);
}

/** Lower-case ASCII slug: `Paper summary` → `paper-summary`; letters outside ASCII are transliterated when possible. */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The last segment of a path written with either separator. */
export function baseName(name: string): string {
  return name.split(/[\\/]/).pop() ?? name;
}
