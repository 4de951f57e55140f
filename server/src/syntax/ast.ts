/**
 * The syntax tree of a `.pnote` file. Produced by `parseNote` (parser.ts), which
 * never throws: whatever the input, it returns a tree and a list of syntax errors.
 *
 * Every span is a UTF-16 offset range into the note's own text (see common/text.ts).
 * The syntax layer knows nothing about the corpus, the workspace or the LSP.
 */
import type { Span } from '../common/text';

export interface NoteAst {
  /** The text that was parsed (after nothing: no BOM stripping, no line-ending change). */
  text: string;
  frontMatter?: FrontMatter;
  headings: Heading[];
  definitions: Definition[];
  /** Every mention, in document order: in prose and in definition fields (`actors`, `after`). */
  mentions: Mention[];
  /** Every citation, in document order: in prose and in definition `sources` fields. */
  citations: Citation[];
  /** Quotations in prose and block quotes (never those inside definition blocks). */
  quotations: Quotation[];
  /** Spans of code (inline code spans and fenced code blocks): nothing inside is a mention or citation. */
  code: Span[];
  errors: SyntaxDiagnostic[];
}

export interface SyntaxDiagnostic {
  span: Span;
  /** A stable code, e.g. `unclosed-definition`, `invalid-front-matter`, `malformed-citation`. */
  code: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface FrontMatter {
  /** The whole block, `---` lines included. */
  span: Span;
  /** The parsed YAML value (undefined when the YAML is invalid; the error is in `errors`). */
  data: unknown;
}

export interface Heading {
  level: number;
  text: string;
  /** The whole heading line (without its line break). */
  span: Span;
}

export interface DefinitionField {
  key: string;
  keySpan: Span;
  /** The value, trimmed. */
  value: string;
  valueSpan: Span;
}

export interface Definition {
  /** `entity`, `event` or whatever the user wrote (unknown kinds are a syntax error). */
  kind: string;
  id: string;
  idSpan: Span;
  /** From the opening `:::` to the end of the closing `:::` (or of the last line when unclosed). */
  span: Span;
  /** The opening line. */
  headerSpan: Span;
  fields: DefinitionField[];
  /** Lines inside that are not `key: value`, joined with `\n`, trimmed. */
  description: string;
  closed: boolean;
}

export interface Mention {
  sigil: '@' | '#';
  id: string;
  /** Sigil and id. */
  span: Span;
  idSpan: Span;
  /** Set when the mention stands in a definition: `field` is the field's key (`actors`, `after`), or `''` in the description. */
  inDefinition?: { definition: number; field: string };
}

export interface Locator {
  kind: 'paragraph' | 'line';
  /** 1-based, inclusive. */
  start: number;
  end: number;
  /** The locator text after the comma, e.g. `¶4-6` or `ll. 12-14`. */
  span: Span;
}

export interface CitationItem {
  key: string;
  /** The `@key` part, sigil included. */
  span: Span;
  keySpan: Span;
  locator?: Locator;
}

export interface Citation {
  /** From `[` to `]` inclusive. */
  span: Span;
  items: CitationItem[];
  /** Set when the citation stands in a definition: `field` is `sources`, or `''` in the description. */
  inDefinition?: { definition: number; field: string };
}

export interface Quotation {
  /** The quoted text as written, line breaks as `\n` (block quotes: the lines without their `>` markers, joined with `\n`). */
  text: string;
  /** The quoted text's span in the note: inside the quote marks, or from the first character after the first `> ` to the end of the last quoted line. */
  span: Span;
  /** The quote marks included (inline), or the whole block quote (block). */
  outerSpan: Span;
  kind: 'inline' | 'block';
  /** Index into `NoteAst.citations` of the citation it is attributed to, if any. */
  citation?: number;
  /** Number of words (letters/digits runs), for the `uncited-quote` threshold. */
  wordCount: number;
}
