/**
 * A source document: its text, paragraph and line spans, metadata and (lazily) its
 * words.
 *
 * Paragraphs (`paragraphs` setting of `pnote.json`):
 * - `lines`: every line that holds something other than whitespace is a paragraph;
 * - `blocks`: runs of such lines, separated by blank lines, are paragraphs.
 * A paragraph's span runs from its first non-whitespace character to its last
 * (line breaks inside a block included). Lines are every physical line (`\n`,
 * `\r\n`, `\r`), blank ones included; a line's span excludes its line break.
 *
 * Tokens are computed on first use and kept in a process-wide LRU cache bounded by
 * a total number of words ({@link setTokenCacheBudget}), so a corpus of 80 MB does
 * not keep ~13 million word strings alive; an evicted source re-tokenises on its
 * next use.
 *
 * A source read from a file keeps the file's UTF-8 bytes rather than its text: most
 * sources' texts hold a character beyond Latin-1 (’, U+202F), which makes V8 store
 * them two bytes a character, twice the bytes' size. The text is decoded again when
 * asked for; only the last one asked for is kept (see `lastText`). With a line map
 * (utf8.ts: where each line starts in the text and in the bytes), its lines and
 * paragraphs, and the pieces of text a match is verified on (`textWindow`), are read
 * off the bytes without decoding the whole text.
 *
 * A source may also start without its bytes, with a function that reads them (the
 * workspace gives one for a file its index cache vouches for, see `Workspace`): they
 * are read the first time the text is asked for, and kept.
 */
import { detached, LineIndex, type Span } from '../common/text';
import { extractDate, extractTitle } from './metadata';
import { tokenize, wordEndFrom } from './tokenize';
import type { ParagraphMode, SourceInfo, SourceMetadata, Tokens } from './types';
import { lineAtUnit, lineCount, lineExtent, trimmedLine } from './utf8';

/** Default budget of the token cache, in words (~16 bytes each plus the strings). */
export const DEFAULT_TOKEN_CACHE_WORDS = 1_500_000;

let cacheBudget = DEFAULT_TOKEN_CACHE_WORDS;
let cachedWords = 0;
/** Sources whose tokens are cached, least recently used first. */
const lru = new Set<Source>();

const utf8 = new TextDecoder('utf-8', { ignoreBOM: false });
/** For pieces of a text: a U+FEFF at a piece's start is a character of the text, not a byte-order mark. */
const windowDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-16 units past the end asked for that a {@link TextWindow} holds at least (when the text has them). */
const WINDOW_MARGIN = 64;

/**
 * A piece of a source's text: `text` is the whole text's `[offset, offset + text.length)`,
 * cut at code-point boundaries; `atEnd` when it runs to the whole text's end.
 */
export interface TextWindow {
  text: string;
  offset: number;
  atEnd: boolean;
}

/** Decodes a source's bytes as `decodeText` did when the file was read (a UTF-8 BOM dropped); the bytes were valid then. */
export function decodeSourceBytes(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
/**
 * The one source whose decoded text is kept (the last one asked for): callers ask for
 * a source's text several times in a row. Keeping more measured worse: texts kept
 * a while outlive young-generation collections, and V8 then grows the old generation
 * by the hundreds of megabytes before collecting them (10k sources, measured before
 * kept strings were detached from texts: peak RSS 815 MB with ~12 texts kept against
 * 579 MB with one).
 */
let lastText: { source: Source; text: string } | undefined;

/**
 * The last piece of text decoded (see `Source.window`): verifying a quotation asks for
 * the same lines twice in a row (where its locator ends, then where it matches).
 */
let lastWindow: { source: Source; window: TextWindow } | undefined;

/** Change the token cache's budget (in words); evicts at once if needed. */
export function setTokenCacheBudget(words: number): void {
  cacheBudget = Math.max(0, words);
  evict();
}

function evict(): void {
  for (const s of lru) {
    if (cachedWords <= cacheBudget || lru.size <= 1) {
      break;
    }
    s.releaseTokens();
  }
}

class Source implements SourceInfo {
  private cached: Tokens | undefined;
  private lineCache: Span[] | undefined;
  private paragraphCache: Span[] | undefined;
  /** With a line map: the paragraphs' starts and ends end to end, computed once off the bytes (8 bytes a paragraph, kept). */
  private paragraphBounds: Uint32Array | undefined;

  constructor(
    readonly key: string,
    readonly path: string,
    /** The text, the UTF-8 bytes it decodes from, or what reads those bytes (see the header comment). */
    private content: string | Uint8Array | (() => Uint8Array),
    readonly metadata: SourceMetadata,
    private readonly mode: ParagraphMode,
    text?: string,
    /** Where the lines start in the text and in the bytes (see utf8.ts), for a source that keeps its bytes. */
    private readonly lineMap?: Uint32Array,
  ) {
    if (text !== undefined && typeof content !== 'string') {
      lastText = { source: this, text };
    }
  }

  get text(): string {
    let content = this.content;
    if (typeof content === 'string') {
      return content;
    }
    if (lastText?.source !== this) {
      if (typeof content === 'function') {
        content = this.content = content();
      }
      lastText = { source: this, text: decodeSourceBytes(content) };
    }
    return lastText.text;
  }

  /**
   * Computed on first use (most sources of a large corpus are never located into).
   * With a line map, read off it and the bytes (no decoding), as objects only for the
   * caller: locating goes through {@link spanList}, which makes none (10,000 sources'
   * spans kept would be ~400,000 objects to the collector).
   */
  get lines(): Span[] {
    const map = this.lineMap;
    if (map && this.content instanceof Uint8Array) {
      return toSpans(this.spanList('line'));
    }
    return (this.lineCache ??= lineSpans(this.text));
  }

  get paragraphs(): Span[] {
    if (this.lineMap && this.content instanceof Uint8Array) {
      return toSpans(this.spanList('paragraph'));
    }
    return (this.paragraphCache ??= paragraphSpans(this.text, this.lines, this.mode));
  }

  /**
   * The lines or the paragraphs as a {@link SpanList}: with a line map, read off the
   * map (lines) or off bounds computed once and kept, one small typed array a source
   * (paragraphs), so that locating into many sources in turn (a check goes note by
   * note) neither recomputes them nor makes objects; else over `lines` / `paragraphs`.
   */
  spanList(kind: 'line' | 'paragraph'): SpanList {
    const map = this.lineMap;
    const bytes = this.content;
    if (!map || !(bytes instanceof Uint8Array)) {
      return arraySpans(kind === 'line' ? this.lines : this.paragraphs);
    }
    if (kind === 'line') {
      return { length: lineCount(map), start: (i) => map[2 * i], end: (i) => lineExtent(map, bytes, i).end };
    }
    if (!this.paragraphBounds) {
      const spans = paragraphsOfLines(lineCount(map), (line) => trimmedLine(map, bytes, line, isSpace), this.mode);
      const bounds = new Uint32Array(2 * spans.length);
      spans.forEach((span, i) => {
        bounds[2 * i] = span.start;
        bounds[2 * i + 1] = span.end;
      });
      this.paragraphBounds = bounds;
    }
    const b = this.paragraphBounds;
    return { length: b.length >> 1, start: (i) => b[2 * i], end: (i) => b[2 * i + 1] };
  }

  /**
   * A piece of the text holding at least `[start, end)`, decoded from the bytes (whole
   * lines, see {@link TextWindow}) when the source has a line map and its whole text
   * is not decoded already.
   */
  window(start: number, end: number): TextWindow {
    const map = this.lineMap;
    const bytes = this.content;
    if (!map || !(bytes instanceof Uint8Array) || lastText?.source === this) {
      return { text: this.text, offset: 0, atEnd: true };
    }
    const last = lastWindow?.source === this ? lastWindow.window : undefined;
    if (last && start >= last.offset && (end + WINDOW_MARGIN <= last.offset + last.text.length || last.atEnd)) {
      return last;
    }
    const from = lineAtUnit(map, start);
    // Up to the first line starting past `end` by a margin: a word that starts before `end` mostly ends in the piece.
    const to = lineAtUnit(map, end + WINDOW_MARGIN) + 1;
    const byteEnd = to >= lineCount(map) ? bytes.length : map[2 * to + 1];
    const text = windowDecoder.decode(bytes.subarray(map[2 * from + 1], byteEnd));
    const window = { text, offset: map[2 * from], atEnd: byteEnd === bytes.length };
    lastWindow = { source: this, window };
    return window;
  }

  get tokens(): Tokens {
    let t = this.cached;
    if (t) {
      lru.delete(this);
      lru.add(this);
      return t;
    }
    t = tokenize(this.text);
    // Cached longer than the decoded text: words must not be views of it.
    for (let i = 0; i < t.words.length; i++) {
      t.words[i] = detached(t.words[i]);
    }
    this.cached = t;
    cachedWords += t.words.length;
    lru.add(this);
    evict();
    return t;
  }

  peekTokens(): Tokens {
    return this.cached ?? tokenize(this.text);
  }

  releaseTokens(): void {
    if (this.cached) {
      cachedWords -= this.cached.words.length;
      this.cached = undefined;
      lru.delete(this);
    }
  }

  /** Drops the decoded text if it is the one kept (the source leaves the corpus). */
  forgetText(): void {
    if (lastText?.source === this) {
      lastText = undefined;
    }
    if (lastWindow?.source === this) {
      lastWindow = undefined;
    }
  }
}

/** A piece of `source`'s text holding at least `[start, end)` (the whole text for a source not made by {@link createSource}). */
export function textWindow(source: SourceInfo, start: number, end: number): TextWindow {
  return source instanceof Source ? source.window(start, end) : { text: source.text, offset: 0, atEnd: true };
}

/** `wordEndFrom(source.text, start)`, on `window` when it holds the word's end (`start` is in it). */
export function wordEndIn(source: SourceInfo, window: TextWindow, start: number): number {
  const end = wordEndFrom(window.text, start - window.offset) + window.offset;
  return end < window.offset + window.text.length || window.atEnd ? end : wordEndFrom(source.text, start);
}

/**
 * A source's tokens without caching them (for one-off passes such as indexing,
 * which should not evict the sources being checked).
 */
export function peekTokens(source: SourceInfo): Tokens {
  return source instanceof Source ? source.peekTokens() : source.tokens;
}

/** Drop a source's cached tokens and text (e.g. when it leaves the corpus). Harmless on any SourceInfo. */
export function releaseTokens(source: SourceInfo): void {
  if (source instanceof Source) {
    source.releaseTokens();
    source.forgetText();
  }
}

/** Every physical line's span, line breaks excluded (the lines `LineIndex` cuts). */
export function lineSpans(text: string): Span[] {
  const index = new LineIndex(text);
  return index.lineStarts.map((start, line) => ({ start, end: index.lineContentEnd(line) }));
}

function isSpace(c: number): boolean {
  // \s of JavaScript regexes: ASCII whitespace, NBSP, U+1680, U+2000-200A, U+2028/9, U+202F, U+205F, U+3000, BOM.
  return (
    c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** The span without leading and trailing whitespace (empty span at `end` when all blank). */
function trimSpan(text: string, span: Span): Span {
  let { start, end } = span;
  while (start < end && isSpace(text.charCodeAt(start))) {
    start++;
  }
  while (end > start && isSpace(text.charCodeAt(end - 1))) {
    end--;
  }
  return { start, end };
}

/** Paragraph spans of `text` under `mode` (see the header comment). */
export function paragraphSpans(text: string, lines: Span[], mode: ParagraphMode): Span[] {
  return paragraphsOfLines(lines.length, (line) => trimSpan(text, lines[line]), mode);
}

/** Paragraph spans under `mode`, from each line's span trimmed of whitespace (`trimmed`, line 0 first). */
function paragraphsOfLines(lineCount: number, trimmed: (line: number) => Span, mode: ParagraphMode): Span[] {
  const paragraphs: Span[] = [];
  let open: Span | undefined;
  for (let line = 0; line < lineCount; line++) {
    const t = trimmed(line);
    if (t.start === t.end) {
      if (open) {
        paragraphs.push(open);
        open = undefined;
      }
      continue;
    }
    if (mode === 'lines') {
      paragraphs.push(t);
    } else if (open) {
      open.end = t.end;
    } else {
      open = { start: t.start, end: t.end };
    }
  }
  if (open) {
    paragraphs.push(open);
  }
  return paragraphs;
}

/**
 * Build a source. Metadata fields not given are read from the text: the title is
 * the first non-blank line (or the key when the text is blank), the date the first
 * date written in the text. `bytes`: the UTF-8 bytes `text` was decoded from (by
 * `decodeText`, which found them valid); the source then keeps them instead of the
 * text, and `text` may be left out (decoded only if the metadata needs it).
 * `lineMap`: the text's line map (utf8.ts) with those bytes, made where the text was
 * decoded; with it, lines, paragraphs and pieces of the text are read off the bytes.
 */
export function createSource(key: string, path: string, text: string, mode: ParagraphMode, metadata?: Partial<SourceMetadata>, bytes?: Uint8Array): SourceInfo;
export function createSource(
  key: string,
  path: string,
  text: string | undefined,
  mode: ParagraphMode,
  metadata: Partial<SourceMetadata> | undefined,
  bytes: Uint8Array | (() => Uint8Array),
  facts?: TextFacts,
  lineMap?: Uint32Array,
): SourceInfo;
export function createSource(
  key: string,
  path: string,
  given: string | undefined,
  mode: ParagraphMode,
  metadata?: Partial<SourceMetadata>,
  content?: Uint8Array | (() => Uint8Array),
  facts?: TextFacts,
  lineMap?: Uint32Array,
): SourceInfo {
  let text = given;
  let bytes = content;
  const textNow = (): string => {
    if (typeof bytes === 'function') {
      bytes = bytes(); // the metadata needs the text now: read once, kept
    }
    return (text ??= decodeSourceBytes(bytes!));
  };
  const read = (): TextFacts => (facts ??= textFacts(textNow()));
  const meta: SourceMetadata = { ...metadata, title: metadata?.title || read().title || key };
  if (!meta.date) {
    const date = read().date;
    if (date) {
      meta.date = date;
    } else {
      delete meta.date;
    }
  }
  return new Source(key, path, bytes ?? text!, meta, mode, text, bytes instanceof Uint8Array ? lineMap : undefined);
}

/**
 * What a source's text says of its title and date (used where the metadata says
 * nothing): kept in the index cache, so that a source attached without being read
 * need not be read for them.
 */
export interface TextFacts {
  title?: string;
  date?: string;
}

export function textFacts(text: string): TextFacts {
  const facts: TextFacts = {};
  const title = extractTitle(text);
  if (title) {
    facts.title = title;
  }
  const date = extractDate(text);
  if (date) {
    facts.date = date;
  }
  return facts;
}

/** Spans in order, read one bound at a time (see `Source.spanList`). */
export interface SpanList {
  length: number;
  start(i: number): number;
  end(i: number): number;
}

function arraySpans(spans: readonly Span[]): SpanList {
  return { length: spans.length, start: (i) => spans[i].start, end: (i) => spans[i].end };
}

function toSpans(list: SpanList): Span[] {
  return Array.from({ length: list.length }, (_, i) => ({ start: list.start(i), end: list.end(i) }));
}

/** A source's lines or paragraphs as a {@link SpanList}. */
export function spanList(source: SourceInfo, kind: 'line' | 'paragraph'): SpanList {
  return source instanceof Source ? source.spanList(kind) : arraySpans(kind === 'line' ? source.lines : source.paragraphs);
}

function rangeOf(spans: SpanList, start: number, end: number): Span | undefined {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 1 || end < start || end > spans.length) {
    return undefined;
  }
  return { start: spans.start(start - 1), end: spans.end(end - 1) };
}

/** Span from paragraph `start` to paragraph `end` (1-based, inclusive); undefined when out of range. */
export function paragraphRange(source: SourceInfo, start: number, end: number = start): Span | undefined {
  return rangeOf(spanList(source, 'paragraph'), start, end);
}

/** Span from line `start` to line `end` (1-based, inclusive); undefined when out of range. */
export function lineRange(source: SourceInfo, start: number, end: number = start): Span | undefined {
  return rangeOf(spanList(source, 'line'), start, end);
}

/** Index (0-based) of the last span starting at or before `offset`, -1 if none. */
function lastStartingAtOrBefore(spans: SpanList, offset: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans.start(mid) <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * The 1-based paragraph holding `offset`: the last paragraph starting at or before
 * it (so an offset in the blank gap after paragraph n gives n); 0 before the first
 * paragraph or when there is none.
 */
export function paragraphAt(source: SourceInfo, offset: number): number {
  return lastStartingAtOrBefore(spanList(source, 'paragraph'), offset) + 1;
}

/** The 1-based line holding `offset` (a line break belongs to the line it ends). */
export function lineAt(source: SourceInfo, offset: number): number {
  return Math.max(1, lastStartingAtOrBefore(spanList(source, 'line'), offset) + 1);
}
