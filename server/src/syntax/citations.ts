/**
 * Pandoc-style citation brackets: `[@key]`, `[@key, ¶4-6]`, `[@a; @b, ll. 12-14]`.
 *
 * Grammar (whitespace, line breaks included, allowed around `;`, `,` and `]`):
 *
 *     citation := '[' item (';' item)* ']'
 *     item     := '@' key (',' locator)?
 *     key      := [A-Za-z0-9_][A-Za-z0-9_.:-]*      (a trailing `.` or `:` is not part of it)
 *     locator  := ('¶' | '¶¶' | 'para.' | 'paras.') number-range
 *               | ('l.' | 'll.') number-range
 *     number-range := digits (('-' | '–') digits)?   (spaces allowed around the marker and dash)
 */
import { detached } from '../common/text';
import type { Citation, CitationItem, Locator, SyntaxDiagnostic } from './ast';
import { Finder, InlineText, isAsciiAlnum, isWhitespace } from './inline-text';

const MALFORMED_CITATION = 'malformed-citation';

const LOCATOR_FORMS = '`¶4`, `¶4-6`, `para. 4`, `l. 12` or `ll. 12-14`';
const LOCATOR = /^(¶¶?|paras?\.|ll?\.)\s*(\d+)(?:\s*[-–]\s*(\d+))?$/;

export interface CitationParse {
  /** Set when at least one key could be read, even if the bracket is malformed. */
  citation?: Citation;
  /** Position in `s` where scanning resumes. */
  next: number;
  errors: SyntaxDiagnostic[];
}

/** Parses the bracket that opens with `[@` at `open` in `src.s`. */
export function parseCitation(src: InlineText, open: number, finder: Finder): CitationParse {
  const s = src.s;
  const items: CitationItem[] = [];
  const errors: SyntaxDiagnostic[] = [];
  let q = open + 1; // at an '@'
  let problem: string;
  for (;;) {
    const at = q;
    const keyStart = at + 1;
    let keyEnd = keyStart;
    if (isKeyStart(s.charCodeAt(keyEnd))) {
      keyEnd++;
      while (isKeyChar(s.charCodeAt(keyEnd))) {
        keyEnd++;
      }
    }
    while (keyEnd > keyStart && (s[keyEnd - 1] === '.' || s[keyEnd - 1] === ':')) {
      keyEnd--;
    }
    q = keyEnd;
    if (keyEnd === keyStart) {
      problem = 'Expected a source key after `@`, e.g. `[@000_89686b2429188c97]`.';
      break;
    }
    const item: CitationItem = {
      key: detached(s.slice(keyStart, keyEnd)),
      span: src.span(at, keyEnd),
      keySpan: src.span(keyStart, keyEnd),
    };
    items.push(item);
    q = skipWhitespace(s, q);
    if (s[q] === ',') {
      q = parseLocatorInto(src, q + 1, item, errors);
      q = skipWhitespace(s, q);
    }
    if (s[q] === ';') {
      q = skipWhitespace(s, q + 1);
      if (s[q] !== '@') {
        problem = 'Expected `@key` after `;` in a citation.';
        break;
      }
      continue;
    }
    if (s[q] === ']') {
      return { citation: { span: src.span(open, q + 1), items }, next: q + 1, errors };
    }
    problem = 'Unexpected text in a citation: expected `,` and a locator, `;` or `]`.';
    break;
  }
  // Malformed: the bracket reaches the next `]` unless a `[` or the paragraph's end comes first.
  const close = finder.next(']', q);
  const nextOpen = finder.next('[', open + 1);
  const closed = close >= 0 && (nextOpen < 0 || close < nextOpen);
  let end = closed ? close + 1 : Math.max(q, open + 2);
  while (!closed && end > open + 2 && isWhitespace(s.charCodeAt(end - 1))) {
    end--;
  }
  const span = src.span(open, end);
  errors.push({
    span,
    code: MALFORMED_CITATION,
    severity: 'error',
    message: closed || items.length === 0 ? problem : 'Unclosed citation: expected `]`.',
  });
  return { citation: items.length > 0 ? { span, items } : undefined, next: end, errors };
}

/**
 * Reads the locator after an item's comma (up to `;`, `]`, `[` or the line's end)
 * and sets `item.locator` when it is valid; returns the position after it.
 */
function parseLocatorInto(src: InlineText, from: number, item: CitationItem, errors: SyntaxDiagnostic[]): number {
  const s = src.s;
  const start = skipWhitespace(s, from);
  let end = start;
  while (end < s.length && !';]['.includes(s[end]) && s[end] !== '\n') {
    end++;
  }
  const next = end;
  while (end > start && isWhitespace(s.charCodeAt(end - 1))) {
    end--;
  }
  const written = s.slice(start, end);
  const span = src.span(start, end);
  const match = LOCATOR.exec(written);
  if (!match) {
    const what = written ? `Unrecognized locator \`${written}\`` : 'Missing locator after `,`';
    errors.push({ span: end > start ? span : item.span, code: MALFORMED_CITATION, severity: 'error', message: `${what}: write ${LOCATOR_FORMS}.` });
    return next;
  }
  const first = Number(match[2]);
  const last = match[3] === undefined ? first : Number(match[3]);
  if (!Number.isSafeInteger(last) || first < 1 || last < first) {
    errors.push({
      span,
      code: MALFORMED_CITATION,
      severity: 'error',
      message: `Invalid locator \`${written}\`: paragraphs and lines count from 1, and a range must not run backwards.`,
    });
    return next;
  }
  const kind: Locator['kind'] = match[1].startsWith('l') ? 'line' : 'paragraph';
  item.locator = { kind, start: first, end: last, span };
  return next;
}

function skipWhitespace(s: string, p: number): number {
  while (p < s.length && isWhitespace(s.charCodeAt(p))) {
    p++;
  }
  return p;
}

function isKeyStart(c: number): boolean {
  return isAsciiAlnum(c) || c === 95 /* _ */;
}

function isKeyChar(c: number): boolean {
  return isKeyStart(c) || c === 46 /* . */ || c === 58 /* : */ || c === 45 /* - */;
}
