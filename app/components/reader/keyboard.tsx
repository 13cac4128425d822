import { useCallback, useEffect, useRef } from "react";
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

function passages() {
  return [...document.querySelectorAll<HTMLElement>("[data-passage]")];
}

/** The passage the member is on: the focused one, else the one in the address, else -1. */
function currentIndex(all: HTMLElement[]) {
  const active = document.activeElement;
  const focused = active?.closest(".passage-heading-block")?.querySelector("[data-passage]") ?? active?.closest("[data-passage]");
  if (focused) return all.indexOf(focused as HTMLElement);
  const id = decodeURIComponent(location.hash.slice(1));
  return id ? all.findIndex((element) => element.id === id) : -1;
}

function isFullyVisible(element: HTMLElement) {
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}

/** Moves focus (and the address) to the next or previous passage. */
function movePassage(step: 1 | -1) {
  const all = passages();
  if (all.length === 0) return;
  const current = currentIndex(all);
  let index: number;
  if (current === -1) {
    // Nowhere yet: start from the first passage on screen.
    const onScreen = all.findIndex((element) => element.getBoundingClientRect().bottom > 0);
    index = onScreen === -1 ? all.length - 1 : onScreen;
  } else {
    index = Math.min(all.length - 1, Math.max(0, current + step));
  }
  const target = all[index]!;
  target.focus({ preventScroll: true });
  if (!isFullyVisible(target)) {
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    target.scrollIntoView({ block: "start", behavior: reduce ? "auto" : "smooth" });
  }
  // replaceState keeps the router's state and adds no history entry per keystroke.
  history.replaceState(history.state, "", `#${target.id}`);
}

/** A page's own shortcut: listed in the dialog after the reader's, run on its key. */
export interface ExtraShortcut {
  key: string;
  does: string;
  run: () => void;
}

/**
 * j/k between passages, ? for the list of shortcuts, and a button that opens that list too. A page
 * may add shortcuts of its own (`extra`); they follow the same rules (not while typing, not in the dialog).
 */
export function KeyboardShortcuts({ extra = [] }: { extra?: readonly ExtraShortcut[] }) {
  const hydrated = useHydrated();
  const dialog = useRef<HTMLDialogElement>(null);
  const returnFocus = useRef<Element | null>(null);
  const extraRef = useRef(extra);
  extraRef.current = extra;
  const shortcuts: [key: string, does: string][] = [...SHORTCUTS.slice(0, 2), ...extra.map((shortcut): [string, string] => [shortcut.key, shortcut.does]), ...SHORTCUTS.slice(2)];

  const open = useCallback(() => {
    const element = dialog.current;
    if (!element || element.open) return;
    returnFocus.current = document.activeElement;
    element.showModal();
  }, []);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      if (isTyping(event.target) || dialog.current?.open) return;
      if (event.key === "j" || event.key === "k") {
        event.preventDefault();
        movePassage(event.key === "j" ? 1 : -1);
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
      <dialog
        ref={dialog}
        className="shortcuts-dialog"
        aria-labelledby="shortcuts-title"
        onClose={onClose}
        // The dialog has no padding of its own, so only a click on the backdrop lands on it.
        onClick={(event) => {
          if (event.target === event.currentTarget) event.currentTarget.close();
        }}
      >
        <div className="shortcuts-dialog-body">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <ul className="shortcut-list">
            {shortcuts.map(([key, does]) => (
              <li key={key}>
                <kbd>{key}</kbd> <span>{does}</span>
              </li>
            ))}
          </ul>
          <p className="muted">Tab and Shift+Tab reach every link and button.</p>
          <button type="button" onClick={() => dialog.current?.close()}>
            Close
          </button>
        </div>
      </dialog>
    </>
  );
}
