import { useEffect, useState } from "react";

/**
 * Is someone making or holding a selection in the text? True while a mouse button or finger is down
 * (a drag may be starting anywhere) and while the document's selection is a non-collapsed range that
 * starts or ends in a passage's text. Live loads wait while it is true (see use-catch-up.ts): a load
 * that re-rendered a passage could replace the text nodes a selection is anchored in and cut it
 * short, so it is never applied under one — not just made less likely.
 */
export function selectingInText(doc: Document, pointerDown: boolean): boolean {
  if (pointerDown) return true;
  const selection = doc.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return false;
  const inText = (node: Node | null) => {
    const element = node instanceof Element ? node : (node?.parentElement ?? null);
    return !!element?.closest("[data-passage-text]");
  };
  return inText(selection.anchorNode) || inText(selection.focusNode);
}

export function useSelectingText(): boolean {
  const [selecting, setSelecting] = useState(false);
  useEffect(() => {
    let pointerDown = false;
    const update = () => setSelecting(selectingInText(document, pointerDown));
    const press = () => {
      pointerDown = true;
      update();
    };
    const release = () => {
      pointerDown = false;
      update();
    };
    document.addEventListener("pointerdown", press, true);
    document.addEventListener("pointerup", release, true);
    document.addEventListener("pointercancel", release, true);
    // A drag that ends outside the window.
    window.addEventListener("blur", release);
    document.addEventListener("selectionchange", update);
    return () => {
      document.removeEventListener("pointerdown", press, true);
      document.removeEventListener("pointerup", release, true);
      document.removeEventListener("pointercancel", release, true);
      window.removeEventListener("blur", release);
      document.removeEventListener("selectionchange", update);
    };
  }, []);
  return selecting;
}
