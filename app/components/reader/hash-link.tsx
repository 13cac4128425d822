import { Link } from "@remix-run/react";

/**
 * A link to an element on this page, through the router rather than a bare `href="#…"`: entries the
 * browser makes for bare fragments carry no router key, so from the second one on, the router
 * "restores" the previous fragment's scroll position instead of going to the new one.
 * Focus follows, as it would for a bare fragment, so Tab continues from the target.
 */
export function HashLink({ id, children }: { id: string; children: React.ReactNode }) {
  return (
    <Link
      to={{ hash: `#${id}` }}
      onClick={() => requestAnimationFrame(() => document.getElementById(id)?.focus({ preventScroll: true }))}
    >
      {children}
    </Link>
  );
}
