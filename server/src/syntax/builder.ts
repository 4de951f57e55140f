/** Accumulates the syntax tree while the block pass walks the note. */
import type { Span } from '../common/text';
import type { Mention, NoteAst, SyntaxDiagnostic } from './ast';
import type { InlineResult } from './inline';

type InDefinition = Mention['inDefinition'];

export class NoteBuilder {
  readonly ast: NoteAst;

  constructor(readonly text: string) {
    this.ast = { text, headings: [], definitions: [], mentions: [], citations: [], quotations: [], code: [], errors: [] };
  }

  error(span: Span, code: string, message: string, severity: SyntaxDiagnostic['severity'] = 'error'): void {
    this.ast.errors.push({ span, code, message, severity });
  }

  /** Appends a scanned paragraph's items; returns the indexes its citations get in `ast.citations`. */
  commit(result: InlineResult, inDefinition?: InDefinition): number[] {
    const { ast } = this;
    for (const mention of result.mentions) {
      ast.mentions.push(inDefinition ? { ...mention, inDefinition } : mention);
    }
    for (const span of result.code) {
      ast.code.push(span);
    }
    for (const error of result.errors) {
      ast.errors.push(error);
    }
    return result.citations.map(({ citation }) => ast.citations.push(inDefinition ? { ...citation, inDefinition } : citation) - 1);
  }
}
