/**
 * Turning a file's bytes into text, or into a clear reason why not.
 * Notes and sources must be UTF-8; a UTF-8 byte-order mark is dropped (as editors do).
 */

export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

export type Decoded = { text: string } | { problem: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeText(bytes: Uint8Array, maxBytes = MAX_SOURCE_BYTES): Decoded {
  const problem = bytesProblem(bytes, maxBytes);
  if (problem !== undefined) {
    return { problem };
  }
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { problem: NOT_UTF8 };
  }
}

const NOT_UTF8 = 'is not valid UTF-8 (perhaps Latin-1 or Windows-1252); save it as UTF-8';

/** Why `decodeText` refuses `bytes` without decoding them (too large, UTF-16, binary), or undefined; invalid UTF-8 is found by decoding. */
export function bytesProblem(bytes: Uint8Array, maxBytes = MAX_SOURCE_BYTES): string | undefined {
  if (bytes.length > maxBytes) {
    const mb = (bytes.length / 1024 / 1024).toFixed(1);
    return `is too large to check (${mb} MB; the limit is ${maxBytes / 1024 / 1024} MB)`;
  }
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return 'is UTF-16 encoded; save it as UTF-8';
  }
  // A NUL byte in the first 8 KB (a native search: this runs on every corpus file).
  if (bytes.subarray(0, 8192).indexOf(0) >= 0) {
    return 'looks like a binary file (it contains NUL bytes), not text';
  }
  return undefined;
}
