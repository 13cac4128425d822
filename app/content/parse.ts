/** From raw bytes (or text) of one file to a ParsedReading, or the reasons it cannot be read. */
import { sha256Hex } from "./checksum.ts";
import { detectFormat } from "./detect.ts";
import { contentError } from "./errors.ts";
import { parseMarkdown } from "./markdown.ts";
import { parsePlainLesson, parsePlainSummary } from "./plaintext.ts";
import { failed, ok, type ParsedReading, type ReadingFormat, type Result } from "./types.ts";

export { MAX_FILE_BYTES } from "./limits.ts";
import { MAX_FILE_BYTES } from "./limits.ts";

const PARSERS: Record<ReadingFormat, (text: string, sourceName: string, checksum: string) => Result<ParsedReading>> = {
  markdown: parseMarkdown,
  "plain-lesson": parsePlainLesson,
  "plain-summary": parsePlainSummary,
};

/** Parses already-decoded text; `checksum` defaults to the sha256 of the text's UTF-8 bytes. */
export function parseReading(text: string, sourceName: string, checksum: string = sha256Hex(text)): Result<ParsedReading> {
  const format = detectFormat(text, sourceName);
  if (!format.ok) return format;
  return PARSERS[format.value](text, sourceName, checksum);
}

/** Checks size and encoding, then parses; the checksum is taken over the bytes exactly as given. */
export function parseReadingBytes(data: Uint8Array, sourceName: string): Result<ParsedReading> {
  const text = decodeSource(data, sourceName);
  if (!text.ok) return text;
  return parseReading(text.value, sourceName, sha256Hex(data));
}

export function tooLargeReason(byteLength: number): string {
  return `the file is ${formatBytes(byteLength)}, over the ${formatBytes(MAX_FILE_BYTES)} limit`;
}

/** Strict UTF-8 decoding; NUL bytes and invalid sequences mean binary data. */
export function decodeSource(data: Uint8Array, sourceName: string): Result<string> {
  if (data.byteLength > MAX_FILE_BYTES) return failed([contentError(sourceName, null, tooLargeReason(data.byteLength))]);
  const nul = data.indexOf(0);
  if (nul !== -1) {
    return failed([contentError(sourceName, lineAtByte(data, nul), "binary data (a NUL byte): only UTF-8 text can be imported")]);
  }
  try {
    return ok(new TextDecoder("utf-8", { fatal: true }).decode(data));
  } catch {
    const invalid = firstInvalidUtf8Byte(data);
    return failed([
      contentError(sourceName, invalid === -1 ? null : lineAtByte(data, invalid), "binary data (not valid UTF-8): only UTF-8 text can be imported"),
    ]);
  }
}

function lineAtByte(data: Uint8Array, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset; index++) if (data[index] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. Only used to point at the line. */
function firstInvalidUtf8Byte(data: Uint8Array): number {
  let index = 0;
  while (index < data.length) {
    const length = utf8SequenceLength(data, index);
    if (length === 0) return index;
    index += length;
  }
  return -1;
}

function utf8SequenceLength(data: Uint8Array, index: number): number {
  const lead = data[index] ?? 0;
  if (lead < 0x80) return 1;
  // [sequence length, allowed range of the second byte] per Unicode Table 3-7.
  const shape: [number, number, number] | null =
    lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
    : lead === 0xe0 ? [3, 0xa0, 0xbf]
    : lead === 0xed ? [3, 0x80, 0x9f]
    : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf]
    : lead === 0xf0 ? [4, 0x90, 0xbf]
    : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf]
    : lead === 0xf4 ? [4, 0x80, 0x8f]
    : null;
  if (!shape) return 0;
  const [length, secondMin, secondMax] = shape;
  const second = data[index + 1];
  if (second === undefined || second < secondMin || second > secondMax) return 0;
  for (let offset = 2; offset < length; offset++) {
    const next = data[index + offset];
    if (next === undefined || next < 0x80 || next > 0xbf) return 0;
  }
  return length;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
