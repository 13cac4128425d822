/**
 * Full-text search across a course's current lesson text: SQLite FTS5 or PostgreSQL tsvector,
 * both maintained by the database itself (see the passage_search migrations).
 */
import type { Db } from "~/db/client.server.ts";

export const SEARCH_LIMIT = 50;
const MARK_START = "\u0001";
const MARK_END = "\u0002";

export interface SearchHit {
  passageKey: string;
  passageKind: string;
  day: number;
  lessonTitle: string;
  readingTitle: string;
  /** The passage text cut into runs, `match: true` for the words that matched. */
  segments: { text: string; match: boolean }[];
}

/** Words of the query, at most 12, each at most 64 characters; empty when nothing searchable is left. */
export function searchTerms(query: string): string[] {
  return (query.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? [])
    .map((word) => word.replace(/['’-]+$/u, "").slice(0, 64))
    .filter(Boolean)
    .slice(0, 12);
}

/** FTS5 syntax for "all of these words", the last one as a prefix (search as you type). */
export function ftsQuery(terms: string[]): string {
  return terms.map((term, index) => `"${term.replace(/"/g, "")}"${index === terms.length - 1 ? "*" : ""}`).join(" ");
}

/** tsquery syntax for "all of these words", each as a prefix; only letters and digits reach it. */
export function tsQuery(terms: string[]): string {
  return terms
    .map((term) => term.replace(/[^\p{L}\p{N}]/gu, ""))
    .filter(Boolean)
    .map((term) => `${term}:*`)
    .join(" & ");
}

/** Splits text marked with MARK_START/MARK_END into runs. */
export function highlightSegments(marked: string): { text: string; match: boolean }[] {
  const segments: { text: string; match: boolean }[] = [];
  let match = false;
  let buffer = "";
  for (const char of marked) {
    if (char === MARK_START || char === MARK_END) {
      if (buffer) segments.push({ text: buffer, match });
      buffer = "";
      match = char === MARK_START;
    } else buffer += char;
  }
  if (buffer) segments.push({ text: buffer, match });
  return segments;
}

interface Row {
  key: string;
  kind: string;
  marked: string;
  day: number | bigint;
  lessonTitle: string;
  readingTitle: string;
}

/** `openThrough`: only days up to this one (the searcher's locked days are left out, see pace.ts); null: all. */
export async function searchCourse(db: Db, provider: "sqlite" | "postgresql", courseId: string, query: string, openThrough: number | null = null): Promise<SearchHit[]> {
  const terms = searchTerms(query);
  if (terms.length === 0) return [];
  const lastDay = openThrough ?? 2_147_483_647;
  const rows =
    provider === "sqlite"
      ? await db.$queryRawUnsafe<Row[]>(
          `
          SELECT p."key" AS "key", p."kind" AS "kind", l."day" AS "day", l."title" AS "lessonTitle", r."title" AS "readingTitle",
                 highlight("PassageSearch", 0, ?, ?) AS "marked"
          FROM "PassageSearch"
          JOIN "Passage" p ON p."rowid" = "PassageSearch"."rowid"
          JOIN "Reading" r ON r."currentRevisionId" = p."revisionId"
          JOIN "Lesson" l ON l."id" = r."lessonId"
          WHERE "PassageSearch" MATCH ? AND l."courseId" = ? AND l."day" <= ?
          ORDER BY bm25("PassageSearch"), l."day", p."position"
          LIMIT ${SEARCH_LIMIT}`,
          MARK_START,
          MARK_END,
          ftsQuery(terms),
          courseId,
          lastDay,
        )
      : await db.$queryRawUnsafe<Row[]>(
          `WITH q AS (SELECT to_tsquery('english', $1) AS query)
          SELECT p."key" AS "key", p."kind" AS "kind", l."day" AS "day", l."title" AS "lessonTitle", r."title" AS "readingTitle",
                 ts_headline('english', p."text", q.query, $2) AS "marked"
          FROM q, "Passage" p
          JOIN "Reading" r ON r."currentRevisionId" = p."revisionId"
          JOIN "Lesson" l ON l."id" = r."lessonId"
          WHERE p."searchVector" @@ q.query AND l."courseId" = $3 AND l."day" <= $4
          ORDER BY ts_rank(p."searchVector", q.query) DESC, l."day", p."position"
          LIMIT ${SEARCH_LIMIT}`,
          tsQuery(terms),
          `StartSel=${MARK_START}, StopSel=${MARK_END}, HighlightAll=true`,
          courseId,
          lastDay,
        );
  return rows.map((row) => ({
    passageKey: row.key,
    passageKind: row.kind,
    day: Number(row.day),
    lessonTitle: row.lessonTitle,
    readingTitle: row.readingTitle,
    segments: highlightSegments(row.marked),
  }));
}
