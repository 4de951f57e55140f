/**
 * The language service: one factory, one documented interface. The LSP server
 * and the CLI are thin adapters over it, so both report the very same diagnostics.
 * No editor or protocol types cross this boundary; all file access goes through the
 * injected {@link WorkspaceFileSystem}. Positions in and out are 0-based lines and
 * UTF-16 characters, as in the LSP.
 */
import type { Position, Range } from './common/text';
import type { Diagnostic, Fix } from './checks/diagnostic';
import { complete, prepareSourceCompletion, prepareSymbolCompletion, type CompletionList } from './features/completion';
import { hover, prepareHovers } from './features/hover';
import * as nav from './features/navigation';
import type { ConfigSettings } from './workspace/config';
import type { IndexCache, WorkspaceFileSystem } from './workspace/fs';
import type { TextHasher } from './workspace/hashing';
import type { SavedResults } from './workspace/savedResults';
import { Workspace, type IndexStats, type Progress } from './workspace/workspace';

export interface LanguageServiceOptions {
  fs: WorkspaceFileSystem;
  /** Editor settings; the workspace's `pnote.json` takes precedence where both are set. */
  settings?: ConfigSettings;
  /** Where the corpus index is saved between sessions; none: it is built at every load. */
  cache?: IndexCache;
  /** Hashes the corpus's words at load, possibly on another thread; none: on this one. */
  hasher?: TextHasher;
}

export interface FileDiagnostics {
  path: string;
  diagnostics: Diagnostic[];
}

export interface CodeAction extends Fix {
  /** The diagnostic the fix resolves. */
  diagnostic: Diagnostic;
}

export interface HoverInfo {
  markdown: string;
  range: Range;
}

export interface LanguageService {
  readonly workspace: Workspace;
  /**
   * (Re)reads configuration, corpus and notes. `deferNotes`: the notes without
   * definitions wait for {@link finishDeferredNotes} (see `Workspace.load`).
   */
  load(progress?: Progress, options?: { deferNotes?: boolean }): Promise<void>;
  /** Adds the notes the last load deferred; returns how many. */
  finishDeferredNotes(): number;
  /** Saves the corpus index to the cache when it changed since it was restored or saved; resolves to whether it wrote. */
  saveIndex(): Promise<boolean>;
  /**
   * The diagnostics the last complete check saved, when nothing they depend on has
   * changed since (see `Workspace.savedResults`): what a warm start can show before
   * {@link load} finishes. Changes nothing the service shows; the next {@link load}
   * adopts them if it finds the workspace as they record it.
   */
  savedResults(): Promise<SavedResults | undefined>;
  /** Saves every file's diagnostics for {@link savedResults} (when they changed); resolves to whether it wrote. */
  saveResults(): Promise<boolean>;
  /**
   * Builds ahead what the first completion would build, and the hover cards' corpus
   * counts of the entities the notes at `paths` mention (call it when idle: after a
   * load, after publishing open notes).
   */
  prepareFeatures(paths?: readonly string[]): void;
  /**
   * The same work in pieces, the quickest and most needed first: the completion index
   * of entities, that of events, the hover counts of each entity the notes mention, then
   * the completion index of the sources, 1,000 sources a piece (~0.45 s in all at 10,000
   * sources; no piece over ~50 ms), then the corpus's word postings grouped (~0.1 s at
   * 10,000 sources, once after a load); only what is not built yet (none when the
   * symbols and the corpus are as when it was). A host runs one at a time, answering the
   * requests that come between two (the server does), so that none waits for the whole.
   */
  featureSteps(paths?: readonly string[]): Array<() => void>;
  /** Sets the text of a note open in an editor. */
  setNoteText(path: string, text: string, version?: number): void;
  /** The editor closed the note: its text is read from disk again. */
  closeNote(path: string): Promise<void>;
  /** A file changed on disk. */
  fileChanged(path: string, change: 'created' | 'changed' | 'deleted'): Promise<void>;
  /** Diagnostics of one file. */
  diagnostics(path: string): Diagnostic[];
  /** Diagnostics of every note and of every other file with a problem, by path. */
  allDiagnostics(): FileDiagnostics[];
  stats(): IndexStats;

  completion(path: string, position: Position): CompletionList | undefined;
  hover(path: string, position: Position): HoverInfo | undefined;
  definition(path: string, position: Position): nav.Location[];
  references(path: string, position: Position, includeDeclaration: boolean): nav.Location[];
  prepareRename(path: string, position: Position): nav.PrepareRenameResult | undefined;
  rename(path: string, position: Position, newId: string): nav.RenameResult;
  documentSymbols(path: string): nav.DocumentSymbol[];
  workspaceSymbols(query: string): nav.WorkspaceSymbol[];
  documentLinks(path: string): nav.DocumentLink[];
  foldingRanges(path: string): nav.FoldingRange[];
  /** The fixes of the diagnostics that overlap `range`. */
  codeActions(path: string, range: Range): CodeAction[];
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function createLanguageService(options: LanguageServiceOptions): LanguageService {
  const ws = new Workspace(options.fs, options.settings, options.cache, options.hasher);
  /** Runs `f` with the offset of `position` in the note at `path`, if it is a known note. */
  const at = <T>(path: string, position: Position, f: (offset: number) => T): T | undefined => {
    const note = ws.notes.get(path);
    return note ? f(note.lines.offsetAt(position)) : undefined;
  };
  // Last, the corpus's word postings grouped (the index saves none): the first search of a new quotation then finds them ready.
  const featureSteps = (paths: readonly string[]) => [...prepareSymbolCompletion(ws), ...paths.flatMap((path) => prepareHovers(ws, path)), ...prepareSourceCompletion(ws), ...(ws.corpus.postingsReady ? [] : [() => ws.corpus.groupPostings()])];
  return {
    workspace: ws,
    load: (progress, options) => ws.load(progress, options),
    finishDeferredNotes: () => ws.finishDeferredNotes(),
    saveIndex: () => ws.saveIndex(),
    savedResults: () => ws.savedResults(),
    saveResults: () => ws.saveResults(),
    prepareFeatures: (paths = []) => {
      for (const step of featureSteps(paths)) {
        step();
      }
    },
    featureSteps: (paths = []) => featureSteps(paths),
    setNoteText: (path, text, version) => void ws.setNote(path, text, version),
    closeNote: (path) => ws.closeNote(path),
    fileChanged: async (path, change) => void (await ws.fileChanged(path, change)),
    diagnostics: (path) => ws.diagnostics(path),
    allDiagnostics: () => {
      ws.prepareAll();
      return ws.diagnosticPaths().map((path) => ({ path, diagnostics: ws.diagnostics(path) }));
    },
    stats: () => ws.stats(),

    completion: (path, position) => at(path, position, (offset) => complete(ws, path, offset)),
    hover: (path, position) =>
      at(path, position, (offset) => {
        const result = hover(ws, path, offset);
        return result && { markdown: result.markdown, range: ws.notes.get(path)!.lines.rangeOf(result.span) };
      }),
    definition: (path, position) => at(path, position, (offset) => nav.definition(ws, path, offset)) ?? [],
    references: (path, position, includeDeclaration) => at(path, position, (offset) => nav.references(ws, path, offset, includeDeclaration)) ?? [],
    prepareRename: (path, position) => at(path, position, (offset) => nav.prepareRename(ws, path, offset)),
    rename: (path, position, newId) => at(path, position, (offset) => nav.rename(ws, path, offset, newId)) ?? { error: 'Not a note' },
    documentSymbols: (path) => nav.documentSymbols(ws, path),
    workspaceSymbols: (query) => nav.workspaceSymbols(ws, query),
    documentLinks: (path) => nav.documentLinks(ws, path),
    foldingRanges: (path) => nav.foldingRanges(ws, path),
    codeActions: (path, range) =>
      ws
        .diagnostics(path)
        .filter((d) => d.fixes && overlaps(d.range, range))
        .flatMap((diagnostic) => (diagnostic.fixes ?? []).map((fix) => ({ ...fix, diagnostic }))),
  };
}
