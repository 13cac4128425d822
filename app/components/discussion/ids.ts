/**
 * Comment ids are chosen by the client (docs/decisions/0006): a composer makes one when it opens and
 * sends it with every attempt, so a double click or a resend never stores a comment twice.
 */

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** 22 random URL-safe characters (128 bits), from the platform's CSPRNG (browser or Node). */
export function randomCommentId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return base64url(bytes);
}

/** A per-page-load random seed (16 characters) the server renders composer ids from. */
export function randomSeed(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return base64url(bytes);
}

/** cyrb53: a small, well-mixed 53-bit string hash; deterministic on the server and in the browser. */
function hash53(value: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * The id a server-rendered composer starts with: the page's seed and what the composer is for (a new
 * thread on a passage, a reply to a comment), so that every form on one page load has its own id,
 * the browser renders the same one while hydrating, and a resent form repeats it.
 */
export function composerId(seed: string, kind: "p" | "r", key: string): string {
  return `${seed}${kind}${hash53(key)}`;
}
