/**
 * What stands at a position in a note: a mention, a citation item, a definition's
 * id, a field — shared by completion, hover, navigation and rename.
 */
import type { Span } from '../common/text';
import type { CitationItem, Definition, DefinitionField, Mention, NoteAst, Quotation } from '../syntax/ast';
import type { NoteState } from '../workspace/workspace';

export function contains(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

export type Target =
  | { kind: 'mention'; mention: Mention }
  | { kind: 'definition'; definition: Definition; index: number }
  | { kind: 'citation'; item: CitationItem; citation: number };

/** The mention, definition id or citation item under `offset`, if any. */
export function targetAt(ast: NoteAst, offset: number): Target | undefined {
  for (const mention of ast.mentions) {
    if (contains(mention.span, offset)) {
      return { kind: 'mention', mention };
    }
  }
  for (let citation = 0; citation < ast.citations.length; citation++) {
    for (const item of ast.citations[citation].items) {
      const extent = { start: item.span.start, end: item.locator ? item.locator.span.end : item.span.end };
      if (contains(extent, offset)) {
        return { kind: 'citation', item, citation };
      }
    }
  }
  for (let index = 0; index < ast.definitions.length; index++) {
    const definition = ast.definitions[index];
    if (definition.id && contains(definition.idSpan, offset)) {
      return { kind: 'definition', definition, index };
    }
  }
  return undefined;
}

/** The id a target refers to, with its type, for navigation and rename. */
export function symbolOfTarget(target: Target): { id: string; type: 'entity' | 'event' } | undefined {
  if (target.kind === 'mention') {
    return { id: target.mention.id, type: target.mention.sigil === '@' ? 'entity' : 'event' };
  }
  if (target.kind === 'definition' && (target.definition.kind === 'entity' || target.definition.kind === 'event')) {
    return { id: target.definition.id, type: target.definition.kind };
  }
  return undefined;
}

/** The definition block whose body (after the opening line) holds `offset`. */
export function definitionBodyAt(ast: NoteAst, offset: number): Definition | undefined {
  return ast.definitions.find((d) => offset > d.headerSpan.end && offset <= d.span.end && !(d.closed && offset > lastLineStart(ast.text, d.span.end)));
}

function lastLineStart(text: string, end: number): number {
  const nl = text.lastIndexOf('\n', end - 1);
  return nl < 0 ? 0 : nl;
}

/** The field whose line holds `offset`. */
export function fieldAt(definition: Definition, text: string, offset: number): DefinitionField | undefined {
  return definition.fields.find((f) => {
    const lineStart = text.lastIndexOf('\n', f.keySpan.start - 1) + 1;
    return offset >= lineStart && offset <= f.valueSpan.end;
  });
}

/** The quotations attributed to citation number `citation`. */
export function quotationsOf(ast: NoteAst, citation: number): Quotation[] {
  return ast.quotations.filter((q) => q.citation === citation);
}

export function isInCode(ast: NoteAst, offset: number): boolean {
  return ast.code.some((span) => offset > span.start && offset < span.end);
}

export function noteOffset(note: NoteState, position: { line: number; character: number }): number {
  return note.lines.offsetAt(position);
}
