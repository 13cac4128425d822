/**
 * What a composer needs of the drafts (drafts.ts), the entry of their chunk: loaded on demand once
 * a composer runs with scripts (docs/decisions/0016). Only these, so that the chunk imports nothing
 * from the page's own.
 */
export { browserStorage, clearDraft, loadDraft, markUnsent, saveDraft } from "./drafts.ts";
