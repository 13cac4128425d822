/**
 * Drafts kept in the browser (localStorage), one per composer: per person, group, day and target (a
 * passage's new thread, a reply under a comment, an edit of a comment). Written on every change, so a
 * reload, a navigation or a crashed tab loses nothing; removed when the text is posted or discarded.
 * A draft older than DRAFT_MAX_AGE_MS is dropped when read. Storage errors (private mode, quota)
 * only mean nothing is kept: the composer works as before.
 */

import { DRAFT_PREFIX } from "./draft-key.ts";

export { DRAFT_PREFIX, draftKey, type DraftScope, type DraftTarget } from "./draft-key.ts";
export const DRAFT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

export interface DraftQuoteValue {
  passageKey: string;
  readingId: string;
  exact: string;
  start: number;
  end: number;
}

export interface Draft {
  body: string;
  kind?: string;
  quote?: DraftQuoteValue | null;
  savedAt: number;
}


type StorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;


/** The browser's localStorage, or null where there is none or it may not be used. */
export function browserStorage(): StorageLike | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}

function isQuote(value: unknown): value is DraftQuoteValue {
  const quote = value as DraftQuoteValue;
  return (
    !!quote &&
    typeof quote.passageKey === "string" &&
    typeof quote.readingId === "string" &&
    typeof quote.exact === "string" &&
    Number.isInteger(quote.start) &&
    Number.isInteger(quote.end)
  );
}

export function loadDraft(storage: StorageLike | null, key: string, now = Date.now()): Draft | null {
  if (!storage) return null;
  try {
    const raw = storage.getItem(key);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<Draft>;
    if (typeof value.body !== "string" || typeof value.savedAt !== "number") throw new Error("not a draft");
    if (now - value.savedAt > DRAFT_MAX_AGE_MS) {
      storage.removeItem(key);
      return null;
    }
    return {
      body: value.body,
      kind: typeof value.kind === "string" ? value.kind : undefined,
      quote: isQuote(value.quote) ? value.quote : null,
      savedAt: value.savedAt,
    };
  } catch {
    try {
      storage.removeItem(key);
    } catch {
      /* nothing kept */
    }
    return null;
  }
}

/** Keeps the draft; an empty one (no text, no quote) is removed instead. */
export function saveDraft(storage: StorageLike | null, key: string, draft: Omit<Draft, "savedAt">, now = Date.now()): void {
  if (!storage) return;
  try {
    if (draft.body.trim() === "" && !draft.quote) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify({ ...draft, savedAt: now }));
  } catch {
    /* quota or private mode: nothing kept */
  }
}

export function clearDraft(storage: StorageLike | null, key: string): void {
  try {
    storage?.removeItem(key);
  } catch {
    /* nothing to clear */
  }
}

/** The keys of every draft kept for a person (e.g. to clear them all on logging out). */
export function draftKeysOf(storage: StorageLike | null, userId: string): string[] {
  if (!storage) return [];
  const prefix = `${DRAFT_PREFIX}${encodeURIComponent(userId)}:`;
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(prefix)) keys.push(key);
  }
  return keys;
}

// ------------------------------------------------------------------ unsent text on the page

const unsent = new Set<string>();
let listening = false;

function warnBeforeUnload(event: BeforeUnloadEvent) {
  if (unsent.size === 0) return;
  event.preventDefault();
  // Older browsers show the dialog only when returnValue is set.
  event.returnValue = "";
}

/**
 * Marks a composer as holding unsent text (or not). While any does, leaving or reloading the page
 * asks first (beforeunload); the text is kept as a draft either way.
 */
export function markUnsent(key: string, hasText: boolean): void {
  if (hasText) unsent.add(key);
  else unsent.delete(key);
  if (typeof window === "undefined") return;
  if (unsent.size > 0 && !listening) {
    window.addEventListener("beforeunload", warnBeforeUnload);
    listening = true;
  } else if (unsent.size === 0 && listening) {
    window.removeEventListener("beforeunload", warnBeforeUnload);
    listening = false;
  }
}

export function hasUnsentText(): boolean {
  return unsent.size > 0;
}
