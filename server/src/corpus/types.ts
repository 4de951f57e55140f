/**
 * The corpus layer's public types: sources, their metadata, quotation patterns
 * and matches. Implemented by tokenize.ts, source.ts, metadata.ts, quote.ts,
 * match.ts and corpus.ts. Knows nothing about notes, the workspace or the LSP.
 */
import type { Span } from '../common/text';

export type ParagraphMode = 'lines' | 'blocks';

/**
 * Words of a text: runs of letters, digits and combining marks. `words[i]` is the
 * i-th word normalised (NFC, lower case); `starts[i]`/`ends[i]` its UTF-16 offsets
 * in the original text, so a match maps back to the source's own wording.
 */
export interface Tokens {
  words: string[];
  starts: Uint32Array;
  ends: Uint32Array;
}

/** What a hover shows about a source. From CSL-JSON metadata, else read from the text. */
export interface SourceMetadata {
  title: string;
  /** ISO `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
  date?: string;
  /** Outlet (`container-title`). */
  outlet?: string;
  authors?: string[];
  url?: string;
  language?: string;
}

export interface SourceInfo {
  /** File name without extension. */
  key: string;
  /** Workspace-relative path with `/` separators. */
  path: string;
  readonly text: string;
  metadata: SourceMetadata;
  /** Paragraph spans, in order (paragraph n is `paragraphs[n - 1]`). */
  readonly paragraphs: Span[];
  /** Line spans (every physical line, blank ones included: line n is `lines[n - 1]`). */
  readonly lines: Span[];
  /** Words, computed on first use. */
  readonly tokens: Tokens;
}

/** One piece of a quotation between omissions. */
export type PatternToken = { kind: 'word'; word: string } | { kind: 'insertion'; text: string };

export interface QuotePattern {
  /** Pieces separated by omissions (`…`, `...`, `[…]`, `[...]`); each is a token sequence. */
  pieces: PatternToken[][];
  /** Number of word tokens (insertions and `[sic]` excluded). */
  wordCount: number;
}

/** Where a quotation stands in a source: from the first matched word's start to the last's end. */
export interface SourceMatch {
  key: string;
  span: Span;
  /** Word index range `[first, last]` in the source's tokens. */
  firstWord: number;
  lastWord: number;
}

/** A near (inexact) match and how the source words it. */
export interface NearMatch extends SourceMatch {
  /** The source's exact wording: pieces joined with ` […] ` when the quotation has omissions. */
  wording: string;
  /** 0..1, share of the quotation's words found in order. */
  similarity: number;
}
