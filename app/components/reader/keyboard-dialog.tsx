/**
 * What the keyboard shortcuts do (keyboard.tsx): moving between passages and the list of shortcuts.
 * A chunk loaded on demand once the page has hydrated: neither is part of the page as the server
 * sends it (the dialog opens only on a key or a click), so neither is in its initial JavaScript
 * (docs/decisions/0016).
 */
import type { RefObject } from "react";

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
export function movePassage(step: 1 | -1) {
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

/** The list of shortcuts, a modal dialog; focus goes back where it was when it closes. */
export function ShortcutsDialog({ dialog, shortcuts, onClose }: { dialog: RefObject<HTMLDialogElement>; shortcuts: readonly [key: string, does: string][]; onClose: () => void }) {
  return (
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
  );
}
