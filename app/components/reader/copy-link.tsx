import { useAnnounce } from "./announcer.tsx";
import { passageId } from "./paths.ts";
import { useHydrated } from "./use-hydrated.ts";

/**
 * Copies the passage's address. Before the page's scripts run (or without them) it is a plain
 * permalink instead, which puts the same address in the address bar.
 */
export function CopyLink({ passageKey }: { passageKey: string }) {
  const hydrated = useHydrated();
  const announce = useAnnounce();
  const hash = `#${passageId(passageKey)}`;

  if (!hydrated) {
    return (
      <a className="passage-link" href={hash} aria-label="Link to this passage">
        <span aria-hidden="true">¶</span>
      </a>
    );
  }

  async function copy() {
    const url = `${location.origin}${location.pathname}${hash}`;
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(url);
      announce("Link copied");
    } catch {
      // Denied, or not a secure context: leave the address where the member can copy it by hand.
      history.replaceState(history.state, "", hash);
      announce("Could not copy the link; it is now in the address bar.");
    }
  }

  return (
    <button type="button" className="passage-link" aria-label="Copy link to this passage" onClick={copy}>
      <span aria-hidden="true">¶</span>
    </button>
  );
}
