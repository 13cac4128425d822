import { useCallback, useEffect, useRef, useState } from "react";
import { useHydrated } from "./use-hydrated.ts";

const SHORTCUTS: [key: string, does: string][] = [
  ["j", "Next passage"],
  ["k", "Previous passage"],
  ["?", "Show this list"],
  ["Esc", "Close this list"],
];

function isTyping(target: EventTarget | null) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.matches("input, textarea, select");
}

/** What the shortcuts do, and the dialog listing them: a chunk of its own (docs/decisions/0016). */
const loadShortcuts = () => import("./keyboard-dialog.tsx");
type ShortcutsModule = Awaited<ReturnType<typeof loadShortcuts>>;

/** A page's own shortcut: listed in the dialog after the reader's, run on its key. */
export interface ExtraShortcut {
  key: string;
  does: string;
  run: () => void;
}

/**
 * j/k between passages, ? for the list of shortcuts, and a button that opens that list too. A page
 * may add shortcuts of its own (`extra`); they follow the same rules (not while typing, not in the dialog).
 *
 * Only the keys and the button are here: what they do (keyboard-dialog.tsx) loads once the page has
 * hydrated. A key pressed or the button clicked before it has loaded acts once it has.
 */
export function KeyboardShortcuts({ extra = [] }: { extra?: readonly ExtraShortcut[] }) {
  const hydrated = useHydrated();
  const dialog = useRef<HTMLDialogElement>(null);
  const returnFocus = useRef<Element | null>(null);
  const extraRef = useRef(extra);
  extraRef.current = extra;
  const [loaded, setLoaded] = useState<ShortcutsModule | null>(null);
  // The list was asked for before its code had loaded: it opens as soon as the dialog is there.
  const [wantOpen, setWantOpen] = useState(false);
  const shortcuts: [key: string, does: string][] = [...SHORTCUTS.slice(0, 2), ...extra.map((shortcut): [string, string] => [shortcut.key, shortcut.does]), ...SHORTCUTS.slice(2)];

  useEffect(() => {
    let current = true;
    loadShortcuts().then(
      (module) => current && setLoaded(module),
      (error: unknown) => console.warn("keyboard shortcuts are unavailable: could not load their code", error),
    );
    return () => {
      current = false;
    };
  }, []);

  const open = useCallback(() => {
    const element = dialog.current;
    if (!element) return setWantOpen(true);
    if (element.open) return;
    returnFocus.current = document.activeElement;
    element.showModal();
  }, []);

  useEffect(() => {
    if (!wantOpen || !loaded) return;
    setWantOpen(false);
    open();
  }, [wantOpen, loaded, open]);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      if (isTyping(event.target) || dialog.current?.open) return;
      if (event.key === "j" || event.key === "k") {
        event.preventDefault();
        const step = event.key === "j" ? 1 : -1;
        void loadShortcuts().then((module) => module.movePassage(step));
      } else if (event.key === "?") {
        event.preventDefault();
        open();
      } else {
        const shortcut = extraRef.current.find((candidate) => candidate.key === event.key);
        if (!shortcut) return;
        event.preventDefault();
        shortcut.run();
      }
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [open]);

  function onClose() {
    const back = returnFocus.current;
    returnFocus.current = null;
    if (back instanceof HTMLElement && back.isConnected) back.focus({ preventScroll: true });
  }

  return (
    <>
      {/* Shortcuts need the page's scripts, so the hint only appears once they run. */}
      {hydrated ? (
        <p className="shortcut-hint">
          <button type="button" className="link-button" onClick={open}>
            Press <kbd>?</kbd> for keyboard shortcuts
          </button>
        </p>
      ) : null}
      {loaded ? <loaded.ShortcutsDialog dialog={dialog} shortcuts={shortcuts} onClose={onClose} /> : null}
    </>
  );
}
