/**
 * Playwright cannot download its own browser on our machines: the browser tests run Debian's
 * Chromium (or any Chromium/Chrome binary named by CHROMIUM_PATH).
 */
import { existsSync } from "node:fs";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export const NO_CHROMIUM_MESSAGE =
  "No Chromium found. Install Debian's: sudo apt-get install -y --no-install-recommends chromium — or set CHROMIUM_PATH to a Chromium/Chrome binary.";

/**
 * Headless, and quiet on a closed network: without the background-networking flags Chromium
 * floods it with refused connections (a verified fact on our machines).
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The Chromium binary to launch: CHROMIUM_PATH / PLAYWRIGHT_CHROMIUM_PATH when it exists, else a system one. */
export function findChromium(): string {
  for (const name of ["CHROMIUM_PATH", "PLAYWRIGHT_CHROMIUM_PATH"] as const) {
    const value = process.env[name]?.trim();
    if (value && existsSync(value)) return value;
  }
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(NO_CHROMIUM_MESSAGE);
  return found;
}
