/** Helpers for the parser tests: marked fixtures and span slicing. */
import type { Span } from '../../server/src/common/text';
import type { NoteAst } from '../../server/src/syntax/ast';
import { parseNote } from '../../server/src/syntax/parser';

/**
 * Strips `⟦` and `⟧` from a fixture and returns the text with the spans they
 * marked, in the order of their `⟦` (markers may nest).
 */
export function marked(fixture: string): { text: string; spans: Span[] } {
  let text = '';
  const spans: Span[] = [];
  const open: Span[] = [];
  for (const ch of fixture) {
    if (ch === '⟦') {
      const span = { start: text.length, end: -1 };
      spans.push(span);
      open.push(span);
    } else if (ch === '⟧') {
      const span = open.pop();
      if (!span) {
        throw new Error('unbalanced ⟧ in fixture');
      }
      span.end = text.length;
    } else {
      text += ch;
    }
  }
  if (open.length > 0) {
    throw new Error('unbalanced ⟦ in fixture');
  }
  return { text, spans };
}

/** Parses a marked fixture. */
export function parseMarked(fixture: string): { ast: NoteAst; text: string; spans: Span[] } {
  const { text, spans } = marked(fixture);
  return { ast: parseNote(text), text, spans };
}

/** The note text a span covers. */
export function at(ast: NoteAst, span: Span): string {
  return ast.text.slice(span.start, span.end);
}

/** The codes of the syntax diagnostics, in order. */
export function codes(ast: NoteAst): string[] {
  return ast.errors.map((error) => error.code);
}

/** Mentions as `@id`/`#id` strings, checking each span covers exactly that. */
export function mentionTexts(ast: NoteAst): string[] {
  return ast.mentions.map((mention) => {
    const written = at(ast, mention.span);
    if (written !== mention.sigil + mention.id || at(ast, mention.idSpan) !== mention.id) {
      throw new Error(`mention span mismatch: ${JSON.stringify(written)} for ${mention.sigil}${mention.id}`);
    }
    return written;
  });
}

/** Citation keys per citation, e.g. `[['a', 'b'], ['c']]`. */
export function citationKeys(ast: NoteAst): string[][] {
  return ast.citations.map((citation) => citation.items.map((item) => item.key));
}
