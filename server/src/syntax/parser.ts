/**
 * The `.pnote` parser: `parseNote(text)` returns the syntax tree (ast.ts) of any
 * text, never throwing, in time linear in its length.
 *
 * A block pass walks the lines and recognizes the Markdown structure the checks
 * need; each paragraph is then scanned for inline syntax (inline.ts).
 *
 * Blocks, and what ends a paragraph:
 * - front matter (front-matter.ts) and definitions (definitions.ts);
 * - fenced code (``` or ~~~, CommonMark length rules; an unclosed fence runs to
 *   the end of the note). Indented code blocks are not recognized: indented lines
 *   are prose, so that hard-wrapped or nested-list text is never taken for code;
 * - ATX headings (`# Title`; their text is scanned like a paragraph of its own).
 *   Setext headings are not recognized: a `---` underline is a thematic break;
 * - thematic breaks, blank lines, each list item's first line and each table row
 *   (`| … |`) start a new paragraph, so quotations are attributed within an item or row;
 * - block quotes: consecutive `>` lines (no lazy continuation lines), one
 *   quotation, plus an attribution line right after it.
 * Block-level syntax inside block quotes (fences, headings, lists) is not interpreted.
 */
import { detached, type Span } from '../common/text';
import type { NoteAst, Quotation } from './ast';
import { NoteBuilder } from './builder';
import { definitionHeader, parseDefinition } from './definitions';
import { parseFrontMatter } from './front-matter';
import { InlineResult, scanInline } from './inline';
import { InlineText, countWords, isWhitespace } from './inline-text';
import {
  AtxHeading,
  Fence,
  Line,
  atxHeading,
  blockQuoteContentStart,
  closesFence,
  fenceOpening,
  isBlank,
  isBlockQuoteLine,
  isDefinitionClose,
  isListItemStart,
  isTableRow,
  isThematicBreak,
  skipSpaces,
  splitLines,
} from './lines';

export function parseNote(text: string): NoteAst {
  const builder = new NoteBuilder(text);
  const lines = splitLines(text);
  const frontMatter = parseFrontMatter(text, lines);
  if (frontMatter.frontMatter) {
    builder.ast.frontMatter = frontMatter.frontMatter;
  }
  for (const error of frontMatter.errors) {
    builder.ast.errors.push(error);
  }
  new BlockParser(builder, lines).parse(frontMatter.bodyLine);
  builder.ast.errors.sort((a, b) => a.span.start - b.span.start);
  return builder.ast;
}

class BlockParser {
  private readonly text: string;

  constructor(
    private readonly builder: NoteBuilder,
    private readonly lines: readonly Line[],
  ) {
    this.text = builder.text;
  }

  parse(first: number): void {
    const { text, lines } = this;
    let paragraph: Line[] = [];
    const flush = (): void => {
      if (paragraph.length > 0) {
        this.prose(paragraph);
        paragraph = [];
      }
    };
    let i = first;
    while (i < lines.length) {
      const line = lines[i];
      const header = definitionHeader(text, line);
      const fence = fenceOpening(text, line);
      const heading = atxHeading(text, line);
      if (header) {
        flush();
        i = parseDefinition(this.builder, lines, i, header);
      } else if (fence) {
        flush();
        i = this.fencedCode(i, fence);
      } else if (isBlockQuoteLine(text, line)) {
        flush();
        i = this.blockQuote(i);
      } else if (heading) {
        flush();
        this.heading(line, heading);
        i++;
      } else if (isDefinitionClose(text, line)) {
        flush();
        this.unmatchedClose(line);
        i++;
      } else if (isBlank(text, line) || isThematicBreak(text, line)) {
        flush();
        i++;
      } else if (isTableRow(text, line)) {
        flush();
        this.prose([line]);
        i++;
      } else {
        if (isListItemStart(text, line)) {
          flush();
        }
        paragraph.push(line);
        i++;
      }
    }
    flush();
  }

  private unmatchedClose(line: Line): void {
    this.builder.error(
      { start: skipSpaces(this.text, line.start, line.end), end: line.end },
      'unmatched-definition-close',
      'This `:::` closes no definition: a definition opens with `::: entity some-id` or `::: event some-id`.',
      'warning',
    );
  }

  /** A paragraph of prose: mentions, citations and attributed quotations. */
  private prose(pieces: readonly Span[]): void {
    const src = new InlineText(this.text, pieces);
    const result = scanInline(src, { mentions: true, quotations: true });
    const indexes = this.builder.commit(result);
    let k = 0;
    for (const { open, close } of result.quotes) {
      const content = trimmed(src.s, open + 1, close);
      if (content.start === content.end) {
        continue;
      }
      // Attributed to the first citation after the opening mark, else to the last one before it.
      while (k < result.citations.length && result.citations[k].start < open) {
        k++;
      }
      this.quotation(src, content, src.span(open, close + 1), 'inline', k < indexes.length ? indexes[k] : indexes[k - 1]);
    }
  }

  private quotation(src: InlineText, content: Span, outerSpan: Span, kind: Quotation['kind'], citation: number | undefined): void {
    const text = detached(src.s.slice(content.start, content.end)); // not a view of the joined paragraph
    const quotation: Quotation = { text, span: src.span(content.start, content.end), outerSpan, kind, wordCount: countWords(text) };
    if (citation !== undefined) {
      quotation.citation = citation;
    }
    this.builder.ast.quotations.push(quotation);
  }

  private heading(line: Line, heading: AtxHeading): void {
    const { contentStart, contentEnd } = heading;
    this.builder.ast.headings.push({
      level: heading.level,
      text: this.text.slice(contentStart, contentEnd),
      span: { start: line.start, end: line.end },
    });
    if (contentEnd > contentStart) {
      this.prose([{ start: contentStart, end: contentEnd }]);
    }
  }

  /** Skips a fenced code block opening on line `first`; returns the index of the line after it. */
  private fencedCode(first: number, fence: Fence): number {
    const { lines } = this;
    let last = first + 1;
    while (last < lines.length && !closesFence(this.text, lines[last], fence)) {
      last++;
    }
    last = Math.min(last, lines.length - 1);
    this.builder.ast.code.push({ start: lines[first].start, end: lines[last].end });
    return last + 1;
  }

  /**
   * A block quote (consecutive `>` lines) is one quotation, without its markers and
   * its citation. The citation is the one at its end (`> … [@key].`), else one on
   * an attribution line right after it (`[@key]`, `— [@key]`, `— Name, date [@key]`),
   * else the last one inside it. Quote marks inside are part of the quotation.
   */
  private blockQuote(first: number): number {
    const { text, lines } = this;
    let last = first;
    while (last + 1 < lines.length && isBlockQuoteLine(text, lines[last + 1])) {
      last++;
    }
    const pieces = lines.slice(first, last + 1).map((line) => ({ start: blockQuoteContentStart(text, line), end: line.end }));
    const src = new InlineText(text, pieces);
    const result = scanInline(src, { mentions: true, quotations: false });
    const indexes = this.builder.commit(result);
    const s = src.s;
    let content = trimmed(s, 0, s.length);
    let citation = indexes.at(-1);
    const final = result.citations.at(-1);
    const trailing = final !== undefined && isClosingPunctuation(s, final.end, content.end);
    if (final && trailing) {
      content = { start: content.start, end: trimAttributionEnd(s, content.start, final.start) };
    }
    let next = last + 1;
    const attribution = next < lines.length ? this.attribution(lines[next]) : undefined;
    if (attribution) {
      const attributed = this.builder.commit(attribution).at(-1);
      if (!trailing) {
        citation = attributed;
      }
      next++;
    }
    if (content.end > content.start) {
      this.quotation(src, content, { start: lines[first].start, end: lines[last].end }, 'block', citation);
    }
    return next;
  }

  /**
   * A line that attributes the block quote above it: a citation alone, or a line
   * led by a dash (`—`, `–`, `--`) that ends with a citation. Scanned for mentions
   * and citations but not quotations (a quoted title there is no quotation).
   */
  private attribution(line: Line): InlineResult | undefined {
    const { text } = this;
    const start = skipSpaces(text, line.start, line.end);
    let p = start;
    while (p < line.end && DASHES.includes(text[p])) {
      p++;
    }
    const src = new InlineText(text, [{ start: p, end: line.end }]);
    const result = scanInline(src, { mentions: true, quotations: false });
    const final = result.citations.at(-1);
    if (!final || !isClosingPunctuation(src.s, final.end, src.s.length)) {
      return undefined;
    }
    const dashed = p > start;
    return dashed || (result.citations.length === 1 && final.start === 0) ? result : undefined;
  }
}

const DASHES = '—–―-';

/** `[start, end)` without surrounding whitespace. */
function trimmed(s: string, start: number, end: number): Span {
  while (start < end && isWhitespace(s.charCodeAt(start))) {
    start++;
  }
  while (end > start && isWhitespace(s.charCodeAt(end - 1))) {
    end--;
  }
  return { start, end };
}

/** Whether `s[from, to)` holds only whitespace, `.` and `)`: what may follow a closing citation. */
function isClosingPunctuation(s: string, from: number, to: number): boolean {
  for (let p = from; p < to; p++) {
    const c = s.charCodeAt(p);
    if (!isWhitespace(c) && c !== 46 && c !== 41) {
      return false;
    }
  }
  return true;
}

/** End of quoted text before its citation: without the whitespace, dashes and `(` that lead to it. */
function trimAttributionEnd(s: string, start: number, end: number): number {
  while (end > start && (isWhitespace(s.charCodeAt(end - 1)) || DASHES.includes(s[end - 1]) || s[end - 1] === '(')) {
    end--;
  }
  return end;
}
