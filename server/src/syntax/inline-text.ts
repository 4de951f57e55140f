/**
 * The text of one paragraph as the inline scanner sees it, and character classes
 * shared by the inline parsers.
 */
import { lastAtOrBefore, type Span } from '../common/text';

/**
 * A paragraph's pieces of note text (its lines, or the content of block quote
 * lines after their `>` markers) joined by `\n` into one string `s`, with a map
 * back to offsets in the note. Line breaks of any kind become one `\n`.
 */
export class InlineText {
  readonly s: string;
  /**
   * Where each piece starts in `s` and in the note (ascending): an offset is found
   * by binary search over the pieces, not kept per character (most paragraphs are
   * one or a few lines, and only the positions of marks, mentions and citations are
   * ever asked for).
   */
  private readonly pieceAt: Int32Array;
  private readonly pieceStart: Int32Array;
  private readonly pieceEnd: Int32Array;
  private readonly endOffset: number;

  constructor(text: string, pieces: readonly Span[]) {
    this.s = pieces.length === 1 ? text.slice(pieces[0].start, pieces[0].end) : pieces.map((piece) => text.slice(piece.start, piece.end)).join('\n');
    const n = pieces.length;
    this.pieceAt = new Int32Array(n);
    this.pieceStart = new Int32Array(n);
    this.pieceEnd = new Int32Array(n);
    let at = 0;
    for (let k = 0; k < n; k++) {
      this.pieceAt[k] = at;
      this.pieceStart[k] = pieces[k].start;
      this.pieceEnd[k] = pieces[k].end;
      at += pieces[k].end - pieces[k].start + 1;
    }
    this.endOffset = n > 0 ? pieces[n - 1].end : 0;
  }

  /**
   * Note offset of position `i` of `s` (`s.length` maps to the end of the last
   * piece); a joining `\n` maps to the end of the piece before it.
   */
  offset(i: number): number {
    if (i >= this.s.length) {
      return this.endOffset;
    }
    // The last piece starting at or before i (pieces start at 0, so there is one).
    const k = Math.max(0, lastAtOrBefore(this.pieceAt, i));
    // Past the piece's end: the joining `\n` after it.
    return Math.min(this.pieceStart[k] + (i - this.pieceAt[k]), this.pieceEnd[k]);
  }

  /** The note span of `s.slice(start, end)`. */
  span(start: number, end: number): Span {
    const from = this.offset(start);
    return { start: from, end: end > start ? this.offset(end - 1) + 1 : from };
  }
}

/**
 * Finds the next occurrence of a character. Amortized linear over a scan when
 * the `from` positions asked for never decrease (as in a left-to-right pass),
 * which keeps repeated failed look-aheads (`[@[@[@…`) from going quadratic.
 */
export class Finder {
  private readonly cache = new Map<string, { from: number; found: number }>();

  constructor(private readonly s: string) {}

  /** Index of the first `ch` at or after `from`, or -1. */
  next(ch: string, from: number): number {
    const cached = this.cache.get(ch);
    if (cached && from >= cached.from && (cached.found < 0 || from <= cached.found)) {
      return cached.found;
    }
    const found = this.s.indexOf(ch, from);
    this.cache.set(ch, { from, found });
    return found;
  }
}

/** `\s` for one UTF-16 unit: ASCII whitespace, NBSP, U+202F and the other Unicode spaces. */
export function isWhitespace(c: number): boolean {
  if (c < 128) {
    return c === 32 || (c >= 9 && c <= 13);
  }
  return WHITESPACE.test(String.fromCharCode(c));
}

const WHITESPACE = /\s/;

/** `[A-Za-z0-9]` */
export function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Whether the code point at `i` of `s` is a letter, digit or combining mark (any script). */
export function isWordCharAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 128) {
    return isAsciiAlnum(c);
  }
  const cp = s.codePointAt(i);
  return cp !== undefined && isWordCodePoint(cp);
}

const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
const SIC = /\[sic\]/gi;

/** Per BMP code unit (not a surrogate): 0 not known yet, 1 a word character, 2 not. */
const wordUnit = new Uint8Array(65536);

/** Whether the code point is a letter, digit or combining mark (`[\p{L}\p{N}\p{M}]`). */
function isWordCodePoint(cp: number): boolean {
  if (cp < 128) {
    return isAsciiAlnum(cp);
  }
  if (cp < 65536) {
    let known = wordUnit[cp];
    if (known === 0) {
      known = WORD_CHAR.test(String.fromCharCode(cp)) ? 1 : 2;
      wordUnit[cp] = known;
    }
    return known === 1;
  }
  return WORD_CHAR.test(String.fromCodePoint(cp));
}

/**
 * Words of a quotation: runs of letters, digits and marks (by code point, as
 * `/[\p{L}\p{N}\p{M}]+/gu` finds them); `[sic]` does not count (omission marks have no words).
 */
export function countWords(text: string): number {
  const s = text.includes('[') ? text.replace(SIC, ' ') : text;
  let count = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const low = s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    const word = isWordCodePoint(cp);
    if (word && !inWord) {
      count++;
    }
    inWord = word;
  }
  return count;
}
