/**
 * Where a source's lines start, in its text (UTF-16 offsets) and in its UTF-8 bytes at
 * once: a *line map*. It is made where both the text and the bytes are at hand (the
 * hashing step, which decodes every corpus file once), so that later a source's lines
 * and paragraphs, and a short piece of its text around a match, need no decoding of
 * the whole text (a two-byte string twice the bytes' size, for most French texts):
 * what a check needs of most cited sources (see `Source` in source.ts).
 *
 * Layout: `[unit₀, byte₀, unit₁, byte₁, …, unitₗ₋₁, byteₗ₋₁, textLength, byteLength]`
 * for a text of L lines as `LineIndex` cuts them (`\n`, `\r\n`, `\r`); byte offsets
 * count a leading byte-order mark, which the text (as `decodeText` gives it) lacks.
 */
import { LineIndex } from '../common/text';

/** The line map of `text`, decoded from `bytes` (valid UTF-8, a UTF-8 BOM dropped). */
export function lineMap(text: string, bytes: Uint8Array): Uint32Array {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // The lines as LineIndex cuts them; their places in the bytes found alongside.
  const starts = new LineIndex(text).lineStarts;
  const map = new Uint32Array(2 * starts.length + 2);
  // Line feeds only (most files): the nth in the text is the nth 0x0A byte (no other
  // UTF-8 sequence holds one), found by a native scan; else the bytes are counted.
  const lineFeedsOnly = text.indexOf('\r') < 0;
  let b = bom;
  for (let line = 0; line < starts.length; line++) {
    if (line > 0) {
      b = lineFeedsOnly ? bytes.indexOf(10, b) + 1 : b + utf8Length(text, starts[line - 1], starts[line]);
    }
    map[2 * line] = starts[line];
    map[2 * line + 1] = b;
  }
  map[map.length - 2] = text.length;
  map[map.length - 1] = bytes.length;
  return map;
}

/** The UTF-8 length of `text[from, to)` (valid text: no lone surrogate). */
function utf8Length(text: string, from: number, to: number): number {
  let n = 0;
  for (let u = from; u < to; u++) {
    const c = text.charCodeAt(u);
    if (c < 0x80) {
      n += 1;
    } else if (c < 0x800) {
      n += 2;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4; // a surrogate pair: one code point of 4 bytes
      u++;
    } else {
      n += 3;
    }
  }
  return n;
}

/** Lines in a line map. */
export function lineCount(map: Uint32Array): number {
  return (map.length - 2) >> 1;
}

/** Line `line`'s span (line break excluded) in UTF-16 units and in bytes, per `map` of `bytes`. */
export function lineExtent(map: Uint32Array, bytes: Uint8Array, line: number): { start: number; end: number; byteStart: number; byteEnd: number } {
  const last = lineCount(map) - 1;
  if (line >= last) {
    return { start: map[2 * line], end: map[map.length - 2], byteStart: map[2 * line + 1], byteEnd: bytes.length };
  }
  const next = map[2 * line + 3];
  const width = bytes[next - 1] === 10 && bytes[next - 2] === 13 ? 2 : 1;
  return { start: map[2 * line], end: map[2 * line + 2] - width, byteStart: map[2 * line + 1], byteEnd: next - width };
}

/** The last line starting at or before UTF-16 offset `x` (0 when none). */
export function lineAtUnit(map: Uint32Array, x: number): number {
  let lo = 0;
  let hi = lineCount(map) - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (map[2 * mid] <= x) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

/** The code point whose (valid) UTF-8 sequence starts at byte `i`, and its length in bytes. */
function codePointAt(bytes: Uint8Array, i: number): { cp: number; length: number } {
  const c = bytes[i];
  if (c < 0x80) {
    return { cp: c, length: 1 };
  }
  if (c < 0xe0) {
    return { cp: ((c & 0x1f) << 6) | (bytes[i + 1] & 0x3f), length: 2 };
  }
  if (c < 0xf0) {
    return { cp: ((c & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f), length: 3 };
  }
  return { cp: ((c & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f), length: 4 };
}

/**
 * Line `line`'s span in UTF-16 units without its leading and trailing characters for
 * which `isSpace` holds (an empty span at its end when it is all such characters), read
 * off the bytes: only the characters trimmed, and the one after each end, are decoded.
 */
export function trimmedLine(map: Uint32Array, bytes: Uint8Array, line: number, isSpace: (cp: number) => boolean): { start: number; end: number } {
  let { start, end, byteStart: b, byteEnd: e } = lineExtent(map, bytes, line);
  while (b < e) {
    const { cp, length } = codePointAt(bytes, b);
    if (!isSpace(cp)) {
      break;
    }
    b += length;
    start += length === 4 ? 2 : 1;
  }
  while (e > b) {
    let lead = e - 1;
    while ((bytes[lead] & 0xc0) === 0x80) {
      lead--;
    }
    if (!isSpace(codePointAt(bytes, lead).cp)) {
      break;
    }
    end -= e - lead === 4 ? 2 : 1;
    e = lead;
  }
  return { start, end };
}
