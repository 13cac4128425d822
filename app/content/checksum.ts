import { createHash } from "node:crypto";

/** sha256 of the given bytes (a string is hashed as its UTF-8 bytes), as lowercase hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}
