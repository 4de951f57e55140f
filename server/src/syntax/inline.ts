/**
 * The inline scanner: one left-to-right pass over a paragraph that finds code
 * spans, backslash escapes, citations, mentions and quote marks.
 *
 * Precedence, as in CommonMark: a backslash escape or a code span is taken first;
 * nothing inside a code span, a citation bracket or a link destination
 * (`](…)`) is a mention, citation or quote mark.
 */
import { detached, type Span } from '../common/text';
import type { Citation, Mention, SyntaxDiagnostic } from './ast';
import { parseCitation } from './citations';
import { Finder, InlineText, isAsciiAlnum, isWhitespace, isWordCharAt } from './inline-text';
import { QuoteMark, QuotePair, pairQuotes } from './quotes';

export interface InlineOptions {
  /** Record `@id`/`#id` mentions. */
  mentions: boolean;
  /** Record quotations. */
  quotations: boolean;
}

/** A citation with its position in the paragraph string. */
export interface ScannedCitation {
  citation: Citation;
  start: number;
  end: number;
}

export interface InlineResult {
  mentions: Mention[];
  citations: ScannedCitation[];
  code: Span[];
  errors: SyntaxDiagnostic[];
  /** Outermost quotations (empty unless requested). */
  quotes: QuotePair[];
}

/** Scans one paragraph (see {@link InlineText}). Linear in its length. */
export function scanInline(src: InlineText, options: InlineOptions): InlineResult {
  const s = src.s;
  const n = s.length;
  const result: InlineResult = { mentions: [], citations: [], code: [], errors: [], quotes: [] };
  const finder = new Finder(s);
  const backticks = new BacktickRuns(s);
  const marks: QuoteMark[] = [];
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 128 ? PLAIN_ASCII[c] === 1 : !isQuoteMark(c)) {
      // Most characters start nothing (letters, spaces, punctuation): on to the next
      // one that may (a regular expression scans faster than this loop).
      SPECIAL.lastIndex = i + 1;
      if (!SPECIAL.test(s)) {
        break;
      }
      i = SPECIAL.lastIndex - 1;
      continue;
    }
    if (c === 92 /* \ */) {
      i += i + 1 < n && isEscapable(s.charCodeAt(i + 1)) ? 2 : 1;
    } else if (c === 96 /* ` */) {
      let length = 1;
      while (s.charCodeAt(i + length) === 96) {
        length++;
      }
      const close = backticks.next(length, i + length);
      if (close >= 0) {
        result.code.push(src.span(i, close + length));
        i = close + length;
      } else {
        i += length;
      }
    } else if (c === 91 /* [ */ && s.charCodeAt(i + 1) === 64 /* @ */) {
      const parsed = parseCitation(src, i, finder);
      if (parsed.citation) {
        result.citations.push({ citation: parsed.citation, start: i, end: parsed.next });
      }
      result.errors.push(...parsed.errors);
      i = parsed.next;
    } else if (c === 93 /* ] */ && s.charCodeAt(i + 1) === 40 /* ( */) {
      i = skipLinkDestination(s, i + 2);
    } else if ((c === 64 /* @ */ || c === 35 /* # */) && options.mentions && followsBoundary(s, i)) {
      i = scanMention(src, i, result.mentions);
    } else {
      if (options.quotations && isQuoteMark(c)) {
        marks.push(quoteMark(s, i));
      }
      i++;
    }
  }
  result.quotes = pairQuotes(marks);
  return result;
}

const QUOTE_MARKS = '"“”«»„';

/** Whether the unit is one of {@link QUOTE_MARKS}. */
function isQuoteMark(c: number): boolean {
  return c === 34 || c === 0x201c || c === 0x201d || c === 0xab || c === 0xbb || c === 0x201e;
}

/** Every unit that may start something in {@link scanInline} (see {@link PLAIN_ASCII} and {@link isQuoteMark}). */
const SPECIAL = /[\\`[\]@#"“”«»„]/g;

/** ASCII units that start nothing in {@link scanInline} (1), as opposed to `\`, a backtick, `[`, `]`, `@`, `#` and `"` (0). */
const PLAIN_ASCII = new Uint8Array(128).fill(1);
for (const c of '\\`[]@#"') {
  PLAIN_ASCII[c.charCodeAt(0)] = 0;
}

/** ASCII punctuation (as in CommonMark) and the typographic quote marks. */
function isEscapable(c: number): boolean {
  return (
    (c >= 33 && c <= 47) ||
    (c >= 58 && c <= 64) ||
    (c >= 91 && c <= 96) ||
    (c >= 123 && c <= 126) ||
    QUOTE_MARKS.includes(String.fromCharCode(c))
  );
}

/** A sigil counts at the start of a line, after whitespace, or after one of `(["'«“`. */
function followsBoundary(s: string, i: number): boolean {
  if (i === 0) {
    return true;
  }
  const c = s.charCodeAt(i - 1);
  return isWhitespace(c) || MENTION_PRECEDERS.includes(s[i - 1]);
}

const MENTION_PRECEDERS = '(["\'«“';

/**
 * Reads `@id`/`#id` at `i` (a sigil after a boundary); records it unless the id
 * runs on into a non-ASCII letter or an `@` (`#Pékin`, `@user@host`). Returns where to resume.
 */
function scanMention(src: InlineText, i: number, mentions: Mention[]): number {
  const s = src.s;
  if (!isAsciiAlnum(s.charCodeAt(i + 1))) {
    return i + 1;
  }
  let end = i + 2;
  while (isIdChar(s.charCodeAt(end))) {
    end++;
  }
  if (end < s.length && (s.charCodeAt(end) === 64 || isWordCharAt(s, end))) {
    return end;
  }
  mentions.push({
    sigil: s[i] === '@' ? '@' : '#',
    id: detached(s.slice(i + 1, end)),
    span: src.span(i, end),
    idSpan: src.span(i + 1, end),
  });
  return end;
}

/** `[A-Za-z0-9_-]` */
export function isIdChar(c: number): boolean {
  return isAsciiAlnum(c) || c === 95 || c === 45;
}

/** Skips a link destination (up to whitespace or its closing `)`, nested parentheses balanced). */
function skipLinkDestination(s: string, p: number): number {
  let depth = 0;
  for (; p < s.length; p++) {
    const c = s.charCodeAt(p);
    if (isWhitespace(c) || (c === 41 /* ) */ && depth === 0)) {
      return p;
    }
    if (c === 40) {
      depth++;
    } else if (c === 41) {
      depth--;
    }
  }
  return p;
}

/** Each of {@link QUOTE_MARKS} by its code unit. */
const MARK_STRINGS = new Map([...QUOTE_MARKS].map((m) => [m.charCodeAt(0), m] as const));

/** The mark at `i`, with whether a straight `"` may open or close (CommonMark-like flanking). */
function quoteMark(s: string, i: number): QuoteMark {
  // One shared string per kind of mark (`s[i]` makes a new one for a mark outside Latin-1).
  const mark = MARK_STRINGS.get(s.charCodeAt(i)) ?? s[i];
  if (mark !== '"') {
    return { mark, at: i, canOpen: true, canClose: true };
  }
  const before = i > 0 ? s.charCodeAt(i - 1) : 10;
  const after = i + 1 < s.length ? s.charCodeAt(i + 1) : 10;
  const canOpen = (isWhitespace(before) || OPENING_PUNCTUATION.includes(String.fromCharCode(before))) && !isWhitespace(after);
  const canClose = !isWhitespace(before) && (isWhitespace(after) || !isWordCharAt(s, i + 1));
  return { mark, at: i, canOpen, canClose };
}

const OPENING_PUNCTUATION = '([{/—–-«“„‘\'';

/**
 * Backtick runs of the paragraph, by length, for finding a code span's closing
 * run. Lookups move forward only, so all of them together cost linear time.
 */
class BacktickRuns {
  private readonly byLength = new Map<number, number[]>();
  private readonly cursor = new Map<number, number>();

  constructor(s: string) {
    // (The string's own search: most texts hold no backtick at all.)
    for (let i = s.indexOf('`'); i >= 0; i = s.indexOf('`', i + 1)) {
      const start = i;
      while (s.charCodeAt(i + 1) === 96) {
        i++;
      }
      const length = i + 1 - start;
      const runs = this.byLength.get(length);
      if (runs) {
        runs.push(start);
      } else {
        this.byLength.set(length, [start]);
      }
    }
  }

  /** Start of the first run of exactly `length` backticks at or after `from`, or -1. */
  next(length: number, from: number): number {
    const runs = this.byLength.get(length);
    if (!runs) {
      return -1;
    }
    let k = this.cursor.get(length) ?? 0;
    while (k < runs.length && runs[k] < from) {
      k++;
    }
    this.cursor.set(length, k);
    return k < runs.length ? runs[k] : -1;
  }
}
