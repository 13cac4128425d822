/**
 * Everything about selected words — reading a selection in a passage, snapping it to words, the
 * "Comment on selection" button, a passage's sentences for quoting by keyboard — in one chunk loaded
 * on demand once the page has hydrated: none of it renders anything the server sends
 * (docs/decisions/0016). Import it only with `loadSelectionTools()`.
 */
export { SelectionButton } from "./selection-button.tsx";
export { rangeInPassage, readSelection } from "./selection.ts";
export { sentenceRanges } from "./word-snap.ts";
