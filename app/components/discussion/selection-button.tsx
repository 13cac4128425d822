import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { readSelection, type PassageSelection } from "./selection.ts";

/**
 * Watches the reader for a selection inside one passage (mouse, touch, or Shift+arrows with caret
 * browsing) and offers "Comment on selection" just below it. One set of document listeners for the
 * whole page, debounced; the latest selection is also kept in `latest` for the `c` shortcut.
 */
export function SelectionButton({
  textOf,
  onComment,
  latest,
  enabled,
}: {
  textOf: (passageKey: string) => string | undefined;
  onComment: (selection: PassageSelection) => void;
  latest: React.MutableRefObject<PassageSelection | null>;
  enabled: boolean;
}) {
  const [selection, setSelection] = useState<PassageSelection | null>(null);
  const [scroll, setScroll] = useState({ x: 0, y: 0 });
  const button = useRef<HTMLButtonElement>(null);
  const textOfRef = useRef(textOf);
  textOfRef.current = textOf;

  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // While a mouse or finger is still selecting, nothing is read or shown: a button that appeared
    // half-way through a drag would offer the half-made selection.
    let pressed = false;
    const read = () => {
      // Focus on the button itself (Tab from the text) keeps the selection it was made for.
      if (pressed || document.activeElement === button.current) return;
      const found = readSelection(textOfRef.current);
      latest.current = found;
      setSelection(found);
      setScroll({ x: window.scrollX, y: window.scrollY });
    };
    const update = () => {
      clearTimeout(timer);
      timer = setTimeout(read, 120);
    };
    const press = (event: PointerEvent) => {
      if (event.target instanceof Node && button.current?.contains(event.target)) return;
      pressed = true;
    };
    const release = () => {
      if (!pressed) return;
      pressed = false;
      clearTimeout(timer);
      read();
    };
    document.addEventListener("selectionchange", update);
    document.addEventListener("pointerdown", press);
    document.addEventListener("pointerup", release);
    document.addEventListener("pointercancel", release);
    document.addEventListener("keyup", update);
    return () => {
      clearTimeout(timer);
      document.removeEventListener("selectionchange", update);
      document.removeEventListener("pointerdown", press);
      document.removeEventListener("pointerup", release);
      document.removeEventListener("pointercancel", release);
      document.removeEventListener("keyup", update);
    };
  }, [enabled, latest]);

  if (!selection || typeof document === "undefined") return null;
  const top = selection.rect.bottom + scroll.y + 8;
  const left = Math.max(8, Math.min(selection.rect.left + scroll.x, scroll.x + window.innerWidth - 220));
  return createPortal(
    <button
      ref={button}
      type="button"
      className="selection-button"
      style={{ top, left }}
      // Keep the selection: a mouse press on the button must not collapse it first.
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => {
        // The selection as it is now (the button keeps it: see onMouseDown), not as it was last read.
        const chosen = readSelection(textOfRef.current) ?? selection;
        setSelection(null);
        latest.current = null;
        onComment(chosen);
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          setSelection(null);
          latest.current = null;
        }
      }}
    >
      Comment on selection <kbd aria-hidden="true">c</kbd>
    </button>,
    document.body,
  );
}
