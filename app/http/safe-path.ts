/**
 * In-site targets (redirects after a form, links in comments). A target written by someone else is
 * accepted only when a browser, resolving it against our page, stays on our origin: it is resolved
 * against a fixed origin and must come out on that same origin, with a path that starts with
 * exactly one `/`. Control characters (browsers drop tabs and newlines: `/<TAB>/evil.example` is
 * `//evil.example`) and backslashes (Chromium reads `/\evil.example` as `//evil.example`) are
 * refused outright, also percent-encoded in the path, so a layer that decodes once cannot turn the
 * target into another host. Runs the same on the server and in the browser.
 */

const BASE = "http://in-site.invalid";
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\\]/;
const MAX_LENGTH = 2048;

function decodedOnce(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/**
 * The target as a path on this site (`/path?query#hash`, URL-serialized: ASCII only, so always a
 * valid Location header), or null when it could lead anywhere else.
 */
export function inSitePath(target: string): string | null {
  if (target.length === 0 || target.length > MAX_LENGTH) return null;
  if (UNSAFE_CHARACTER.test(target)) return null;
  if (!target.startsWith("/") || target.startsWith("//")) return null;
  let url: URL;
  try {
    url = new URL(target, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE || url.username || url.password) return null;
  const path = url.pathname;
  if (!path.startsWith("/") || path.startsWith("//")) return null;
  // Once decoded, the path must still be one plain path: no %2f%2f, %5c, %09 tricks.
  const decoded = decodedOnce(path);
  if (decoded === null || UNSAFE_CHARACTER.test(decoded) || decoded.startsWith("//")) return null;
  return `${path}${url.search}${url.hash}`;
}
