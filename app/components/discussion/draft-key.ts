/**
 * A draft's key in the browser's storage (drafts.ts keeps the drafts): apart, so that a composer
 * can name its draft while rendering without the draft code, which loads on demand (docs/decisions/0016).
 */
export const DRAFT_PREFIX = "marginalia:draft:v1:";

export type DraftTarget = { mode: "post"; passageKey: string } | { mode: "reply"; parentId: string } | { mode: "edit"; commentId: string };

export interface DraftScope {
  userId: string;
  groupId: string;
  day: number;
}

export function draftKey(scope: DraftScope, target: DraftTarget): string {
  const id = target.mode === "post" ? `post:${target.passageKey}` : target.mode === "reply" ? `reply:${target.parentId}` : `edit:${target.commentId}`;
  return `${DRAFT_PREFIX}${encodeURIComponent(scope.userId)}:${encodeURIComponent(scope.groupId)}:${scope.day}:${id}`;
}
