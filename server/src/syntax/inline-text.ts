/**
 * The text of one paragraph as the inline scanner sees it, and character classes
 * shared by the inline parsers.
 */
import type { Span } from '../common/text';

/**
 * A paragraph's pieces of note text (its lines, or the content of block quote
 * lines after their `>` markers) joined by `\n` into one string `s`, with a map
 * back to offsets in the note. Line breaks of any kind become one `\n`.
 */
export class InlineText {
  readonly s: string;
  /** `offsets[i]`: note offset of `s[i]`; a joining `\n` maps to the end of the piece before it. */
  private readonly offsets: Int32Array;
  private readonly endOffset: number;

  constructor(text: string, pieces: readonly Span[]) {
    this.s = pieces.map((piece) => text.slice(piece.start, piece.end)).join('\n');
    this.offsets = new Int32Array(this.s.length);
    let i = 0;
    pieces.forEach((piece, index) => {
      if (index > 0) {
        this.offsets[i++] = pieces[index - 1].end;
      }
      for (let offset = piece.start; offset < piece.end; offset++) {
        this.offsets[i++] = offset;
      }
    });
    this.endOffset = pieces.length > 0 ? pieces[pieces.length - 1].end : 0;
  }

  /** Note offset of position `i` of `s` (`s.length` maps to the end of the last piece). */
  offset(i: number): number {
    return i < this.s.length ? this.offsets[i] : this.endOffset;
  }

  /** The note span of `s.slice(start, end)`. */
  span(start: number, end: number): Span {
    const from = this.offset(start);
    return { start: from, end: end > start ? this.offsets[end - 1] + 1 : from };
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
  return cp !== undefined && WORD_CHAR.test(String.fromCodePoint(cp));
}

const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
const WORDS = /[\p{L}\p{N}\p{M}]+/gu;
const SIC = /\[sic\]/gi;

/** Words of a quotation: runs of letters, digits and marks; `[sic]` does not count (omission marks have no words). */
export function countWords(text: string): number {
  return text.replace(SIC, ' ').match(WORDS)?.length ?? 0;
}
