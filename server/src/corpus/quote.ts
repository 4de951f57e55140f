/**
 * Quotation patterns (FORMAT.md, Matching):
 * - `…`, `...` (three or more dots), `[…]`, `[...]` mark an omission: they split the
 *   quotation into pieces that must occur in order; empty pieces are dropped;
 * - `[text]` is an editorial insertion, one token standing for 0 to 8 source words;
 * - `[sic]` (any case) is ignored, as are empty brackets;
 * - everything else is tokenised like the source (tokenize.ts).
 *
 * Decision (FORMAT.md is silent): a bracket glued to a word with letters only inside
 * — `[T]he`, `organi[z]ation`, `Pompeo[s]` — is the usual mark of an adapted letter,
 * not an insertion: its content is read as part of the word (`[T]he` = `the`).
 * An unmatched `[` or `]` is an ordinary separator.
 */
import { isWordCharAt, tokenize } from './tokenize';
import type { PatternToken, QuotePattern } from './types';

/** Omissions and brackets, in the order they are tried. */
const SPECIAL = /\[[ \u00a0\u202f]*(?:…|\.{3,})[ \u00a0\u202f]*\]|…|\.{3,}|\[([^[\]]*)\]/g;
const OMISSION_CONTENT = /^\s*(?:…|\.{3,})\s*$/;

function allWordChars(s: string): boolean {
  if (s.length === 0) {
    return false;
  }
  for (let i = 0; i < s.length; i++) {
    if (!isWordCharAt(s, i)) {
      const c = s.charCodeAt(i);
      // A low surrogate belongs to the code point before it.
      if (!(c >= 0xdc00 && c <= 0xdfff && i > 0)) {
        return false;
      }
    }
  }
  return true;
}

/** Parse a quotation's text (without its quote marks) into a pattern. */
export function parseQuote(text: string): QuotePattern {
  const pieces: PatternToken[][] = [];
  let piece: PatternToken[] = [];
  // Text of the current run, with glued bracket letters spliced in.
  let run = '';
  const flushRun = (): void => {
    if (run) {
      for (const word of tokenize(run).words) {
        piece.push({ kind: 'word', word });
      }
      run = '';
    }
  };
  const endPiece = (): void => {
    flushRun();
    if (piece.some((t) => t.kind === 'word')) {
      pieces.push(piece);
    }
    piece = [];
  };

  let last = 0;
  SPECIAL.lastIndex = 0;
  for (let m = SPECIAL.exec(text); m; m = SPECIAL.exec(text)) {
    const before = text.slice(last, m.index);
    last = m.index + m[0].length;
    const content = m[1];
    if (content === undefined || OMISSION_CONTENT.test(content)) {
      run += before;
      endPiece();
      continue;
    }
    const glued = isWordCharAt(text, m.index - 1) || isWordCharAt(text, last);
    if (glued && allWordChars(content)) {
      run += before + content;
      continue;
    }
    run += before;
    const inner = content.trim();
    if (inner === '' || inner.toLowerCase() === 'sic' || tokenize(inner).words.length === 0) {
      // Ignored: acts as a separator.
      run += ' ';
      continue;
    }
    flushRun();
    piece.push({ kind: 'insertion', text: inner });
  }
  run += text.slice(last);
  endPiece();
  return { pieces, wordCount: countWords(pieces) };
}

function countWords(pieces: PatternToken[][]): number {
  let n = 0;
  for (const p of pieces) {
    for (const t of p) {
      if (t.kind === 'word') {
        n++;
      }
    }
  }
  return n;
}

/** Number of word tokens in a pattern (insertions and `[sic]` excluded). */
export function quoteWordCount(pattern: QuotePattern): number {
  return pattern.wordCount;
}

/**
 * The pieces as matching uses them: an insertion at the edge of a piece is dropped
 * (a neighbouring omission or the quotation's edge already absorbs any words), and
 * pieces left without words are dropped.
 */
export function trimmedPieces(pattern: QuotePattern): PatternToken[][] {
  const out: PatternToken[][] = [];
  for (const p of pattern.pieces) {
    let a = 0;
    let b = p.length;
    while (a < b && p[a].kind !== 'word') {
      a++;
    }
    while (b > a && p[b - 1].kind !== 'word') {
      b--;
    }
    if (b > a) {
      out.push(p.slice(a, b));
    }
  }
  return out;
}
