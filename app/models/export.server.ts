/**
 * A group's discussion of one lesson, exported for keeping: W3C Web Annotation JSON-LD (with
 * TextQuote and TextPosition selectors, so other tools can re-anchor it) and Markdown.
 * Hidden and deleted comments are left out, and prompt answers the exporter may not see (with their replies).
 */
import { escapeMarkdownText, safeMarkdown } from "~/content/comment-markdown.ts";
import type { Db } from "~/db/client.server.ts";
import { can, type Role } from "./authz.ts";
import { concealedCommentIds } from "./discussion-rules.ts";

interface ExportInput {
  groupId: string;
  lessonId: string;
  origin: string;
  /** Who exports: the reveal rule of prompt answers applies to exports too (moderators see all). */
  viewer: { userId: string; role: Role };
}

async function loadExport(db: Db, input: ExportInput) {
  const [group, lesson, all] = await Promise.all([
    db.group.findUniqueOrThrow({ where: { id: input.groupId }, select: { id: true, name: true, course: { select: { slug: true, title: true } } } }),
    db.lesson.findUniqueOrThrow({
      where: { id: input.lessonId },
      select: { day: true, title: true, readings: { select: { id: true, title: true, currentRevision: { select: { passages: { select: { key: true, text: true, position: true } } } } } } },
    }),
    db.comment.findMany({
      where: { groupId: input.groupId, lessonId: input.lessonId },
      orderBy: { createdAt: "asc" },
      include: { author: { select: { displayName: true } } },
    }),
  ]);
  // The rule needs deleted answers too (they no longer count as answering); they are not exported.
  const concealed = concealedCommentIds(all, { userId: input.viewer.userId, moderator: can(input.viewer.role, "discussion.moderate") });
  const comments = all.filter((comment) => !comment.deletedAt && !comment.hiddenAt && !concealed.has(comment.id));
  return { group, lesson, comments };
}

const MOTIVATION: Record<string, string> = { comment: "commenting", question: "questioning", answer: "commenting" };

export async function exportWebAnnotations(db: Db, input: ExportInput) {
  const { group, lesson, comments } = await loadExport(db, input);
  const page = `${input.origin}/groups/${group.id}/day/${lesson.day}`;
  const source = `${input.origin}/courses/${group.course.slug}/day/${lesson.day}`;
  const items = comments.map((comment) => {
    const id = `${page}#c-${comment.id}`;
    const base = {
      id,
      type: "Annotation",
      created: comment.createdAt.toISOString(),
      ...(comment.editedAt ? { modified: comment.editedAt.toISOString() } : {}),
      creator: { type: "Person", name: comment.author.displayName },
      body: { type: "TextualBody", value: comment.body, format: "text/markdown", purpose: comment.parentId ? "replying" : MOTIVATION[comment.kind] },
    };
    if (comment.parentId) return { ...base, motivation: "replying", target: `${page}#c-${comment.parentId}` };
    const selectors: object[] = [];
    if (comment.quoteExact !== null && comment.quoteStart !== null && comment.quoteEnd !== null) {
      selectors.push(
        { type: "TextQuoteSelector", exact: comment.quoteExact, prefix: comment.quotePrefix ?? "", suffix: comment.quoteSuffix ?? "" },
        { type: "TextPositionSelector", start: comment.quoteStart, end: comment.quoteEnd },
      );
    }
    const passageKey = comment.passageKey ?? comment.originalPassageKey;
    return {
      ...base,
      motivation: MOTIVATION[comment.kind] ?? "commenting",
      target: {
        source: `${source}#p-${passageKey}`,
        ...(selectors.length ? { selector: selectors.length === 1 ? selectors[0] : selectors } : {}),
        ...(comment.passageKey === null ? { state: { type: "TextualBody", value: `No longer in the current text (written on revision ${comment.originalRevision})` } } : {}),
      },
      ...(comment.pinnedAt ? { "marginalia:pinned": comment.pinScope } : {}),
    };
  });
  return {
    "@context": ["http://www.w3.org/ns/anno.jsonld", "http://www.w3.org/ns/ldp.jsonld"],
    id: `${page}/export?format=jsonld`,
    type: ["BasicContainer", "AnnotationCollection"],
    label: `${group.name}: Day ${lesson.day}, ${lesson.title}`,
    total: items.length,
    first: { type: "AnnotationPage", items },
  };
}

export async function exportMarkdown(db: Db, input: ExportInput): Promise<string> {
  const { group, lesson, comments } = await loadExport(db, input);
  const passages = new Map(lesson.readings.flatMap((reading) => (reading.currentRevision?.passages ?? []).map((passage) => [passage.key, { ...passage, reading: reading.title }])));
  const children = new Map<string, typeof comments>();
  for (const comment of comments) if (comment.parentId) children.set(comment.parentId, [...(children.get(comment.parentId) ?? []), comment]);
  // Everything is escaped or rewritten (safeMarkdown), so a Markdown viewer shows what the page shows: no HTML, no unsafe link.
  const quoteBlock = (text: string) => text.split("\n").map((line) => `> ${escapeMarkdownText(line)}`).join("\n");
  const render = (comment: (typeof comments)[number], depth: number): string[] => {
    const indent = "  ".repeat(depth);
    const label = comment.kind === "question" ? " asked" : comment.kind === "answer" ? " answered" : "";
    const head = `${indent}- **${escapeMarkdownText(comment.author.displayName)}**${label} (${comment.createdAt.toISOString().slice(0, 10)})${comment.pinnedAt ? " — pinned" : ""}:`;
    const body = safeMarkdown(comment.body).split("\n").map((line) => (line === "" ? "" : `${indent}  ${line}`));
    return [head, ...body, ...(children.get(comment.id) ?? []).flatMap((child) => render(child, depth + 1))];
  };
  const lines = [
    `# ${escapeMarkdownText(`${group.name}: Day ${lesson.day}, ${lesson.title}`)}`,
    "",
    `Discussion exported ${new Date().toISOString().slice(0, 10)} from ${escapeMarkdownText(group.course.title)}.`,
    "",
  ];
  const roots = comments.filter((comment) => !comment.parentId);
  if (roots.length === 0) lines.push("No discussion yet.");
  for (const root of roots) {
    const passage = root.passageKey ? passages.get(root.passageKey) : undefined;
    lines.push(`## ${passage ? `${escapeMarkdownText(passage.reading)}, passage ${passage.position + 1}` : "An earlier version of the text"}`, "");
    const quoted = root.quoteExact ?? (passage ? passage.text : root.originalQuote);
    if (quoted) lines.push(quoteBlock(quoted), "");
    lines.push(...render(root, 0), "");
  }
  return `${lines.join("\n").trim()}\n`;
}
