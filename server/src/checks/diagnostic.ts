/**
 * Plain diagnostic and fix types of the language service (no LSP types here: the
 * LSP adapter and the CLI each translate these).
 */
import type { Range, Span } from '../common/text';
import type { Severity } from './codes';

export interface TextEdit {
  /** Workspace-relative path of the file the edit applies to. */
  path: string;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix to apply when the user asks for "the" fix. */
  preferred?: boolean;
}

export interface RelatedInformation {
  path: string;
  range: Range;
  message: string;
}

export interface Diagnostic {
  /** Workspace-relative path, `/` separators. */
  path: string;
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  fixes?: Fix[];
  related?: RelatedInformation[];
}

/** An edit inside the note being checked, by offsets. */
export interface SpanEdit {
  span: Span;
  newText: string;
}

/** What a check produces: offsets in the checked note; turned into a {@link Diagnostic} by the workspace. */
export interface NoteProblem {
  span: Span;
  code: string;
  message: string;
  /** Used when the code has no default severity of its own (parser codes). */
  severity?: Severity;
  fixes?: Array<{ title: string; edits: SpanEdit[]; preferred?: boolean }>;
  related?: Array<{ path: string; span: Span; message: string }>;
}
