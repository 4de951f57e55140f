/**
 * The Language Server Protocol adapter: each handler looks the document up and
 * calls the language service; this is the only server file that speaks LSP.
 * One language service per workspace folder.
 */
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  LSPErrorCodes,
  type CancellationToken,
  FileChangeType,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type CompletionItem,
  type DidChangeWatchedFilesParams,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol as LspDocumentSymbol,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI, Utils } from 'vscode-uri';
import type { Diagnostic, TextEdit } from '../checks/diagnostic';
import type { CompletionKind } from '../features/completion';
import type { DocumentSymbol, Location } from '../features/navigation';
import { defaultCacheFolder, FileIndexCache } from '../node/indexCache';
import { NodeFileSystem } from '../node/nodeFs';
import { createLanguageService, type LanguageService } from '../service';
import type { TextHasher } from '../workspace/hashing';
import type { SavedResults } from '../workspace/savedResults';
import type { ConfigSettings } from '../workspace/config';
import { CheckWorkspaceRequest, StatsChangedNotification, StatsRequest, type InitializationOptions, type PolicyNotesSettings, type StatsResult } from './protocol';

declare const PNOTE_VERSION: string | undefined;
const VERSION = typeof PNOTE_VERSION === 'string' ? PNOTE_VERSION : '0.0.0-dev';

/** Delay between the last keystroke and the diagnostics it causes. */
export const DIAGNOSTIC_DEBOUNCE_MS = 150;
/** How long without a request or an edit counts as a pause (to save the index cache in). */
const QUIET_MS = 1_500;
/** A note's file name (before the configuration is loaded: the saved results know which files are notes). */
const NOTE_FILE = /\.pnote$/i;
/** Delay of the status bar's counts after the last publication. */
const STATS_DELAY_MS = 50;

interface Folder {
  uri: URI;
  key: string;
  fs: NodeFileSystem;
  service: LanguageService;
  ready: Promise<void>;
  /** What was last published per path (push mode), to publish only changes. */
  published: Map<string, string>;
  timer?: NodeJS.Timeout;
  /** Paths to publish first at the next refresh (the note being edited). */
  urgent: Set<string>;
  /**
   * At a warm start, until the first load is over: the diagnostics the last complete
   * check saved for this unchanged workspace, shown meanwhile (see {@link showSaved}).
   */
  saved?: SavedResults;
  /** Settles once the first load has looked for saved results (see {@link showSaved}). */
  savedLookup?: Promise<void>;
  /** The save of the index and results in progress, if any (see {@link save}). */
  saving?: Promise<void>;
  /**
   * Settles once the load in progress has read everything but the notes it deferred
   * (see {@link loadFolder}), or is over: a pull for an open note whose diagnostics
   * are final by then is answered at once.
   */
  firstPass?: Promise<void>;
}

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  entity: CompletionItemKind.Variable,
  event: CompletionItemKind.Event,
  source: CompletionItemKind.Reference,
  field: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
  define: CompletionItemKind.Snippet,
};

/** What the host gives the server besides its connection. */
export interface ServerOptions {
  /** Makes the hasher of a workspace folder's loads (another thread); none: hashing on the server's thread. */
  hasher?: () => TextHasher | undefined;
}

export function startServer(connection: Connection, serverOptions: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const folders: Folder[] = [];
  let pullDiagnostics = false;
  let refreshSupport = false;
  let progressSupport = false;
  let configurationSupport = false;
  let watcherRegistration = false;
  let relativePatternSupport = false;
  /** External folders (user-level paths) already watched, by absolute path. */
  const watchedExternal = new Set<string>();
  let relatedInformation = false;

  /** Runs a handler; a throw becomes an error response and a log line, never a crash. */
  /** When the client last asked or changed something (see {@link whenQuiet}). */
  let lastActivity = 0;

  /** Resolves once no request or edit has come for {@link QUIET_MS}. */
  async function whenQuiet(): Promise<void> {
    for (let wait = QUIET_MS; wait > 0; wait = lastActivity + QUIET_MS - Date.now()) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  function guard<P extends unknown[], R>(name: string, handler: (...args: P) => R | Promise<R>) {
    return async (...args: P): Promise<R> => {
      lastActivity = Date.now();
      try {
        return await handler(...args);
      } catch (e) {
        if (e instanceof ResponseError) {
          throw e;
        }
        connection.console.error(`${name} failed: ${(e as Error).stack ?? String(e)}`);
        throw new ResponseError(ErrorCodes.InternalError, `${name} failed: ${(e as Error).message}`);
      }
    };
  }

  function folderOf(uri: string): { folder: Folder; path: string } | undefined {
    let parsed: URI;
    try {
      parsed = URI.parse(uri);
    } catch {
      return undefined;
    }
    if (parsed.scheme !== 'file') {
      return undefined;
    }
    let best: { folder: Folder; path: string } | undefined;
    for (const folder of folders) {
      const path = folder.fs.relative(parsed.fsPath);
      if (path !== undefined && path !== '' && (!best || folder.fs.root.length > best.folder.fs.root.length)) {
        best = { folder, path };
      }
    }
    return best;
  }

  function uriOf(folder: Folder, path: string): string {
    return Utils.joinPath(folder.uri, ...path.split('/')).toString();
  }

  function toLsp(folder: Folder, d: Diagnostic): LspDiagnostic {
    const out: LspDiagnostic = { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: 'pnote', message: d.message };
    if (relatedInformation && d.related?.length) {
      out.relatedInformation = d.related.map((r) => ({ location: { uri: uriOf(folder, r.path), range: r.range }, message: r.message }));
    }
    return out;
  }

  function toWorkspaceEdit(folder: Folder, edits: TextEdit[]): WorkspaceEdit {
    const changes: WorkspaceEdit['changes'] = {};
    for (const edit of edits) {
      const uri = uriOf(folder, edit.path);
      (changes[uri] ??= []).push({ range: edit.range, newText: edit.newText });
    }
    return { changes };
  }

  function toLocation(folder: Folder, location: Location) {
    return { uri: uriOf(folder, location.path), range: location.range };
  }

  async function settingsFor(folder: Folder): Promise<ConfigSettings> {
    if (!configurationSupport) {
      return {};
    }
    const raw = ((await connection.workspace.getConfiguration({ scopeUri: folder.uri.toString(), section: 'policyNotes' })) ?? {}) as PolicyNotesSettings;
    const settings: ConfigSettings = {};
    const external: Array<'corpus' | 'metadata'> = [];
    for (const key of ['corpus', 'metadata'] as const) {
      const value = raw[key];
      if (typeof value !== 'string' || value === '') {
        continue;
      }
      settings[key] = value;
      // A user-level path may lead outside the workspace: admit it in the file system.
      if (raw.userLevelPaths?.includes(key) && (path.isAbsolute(value) || value.startsWith('..'))) {
        const relative = await folder.fs.allowExternal(value);
        if (relative !== undefined) {
          settings[key] = relative;
          external.push(key);
          watchExternal(folder, relative);
        }
      }
    }
    if (external.length) {
      settings.externalPaths = external;
    }
    if (raw.paragraphs) {
      settings.paragraphs = raw.paragraphs;
    }
    if (raw.severity && Object.keys(raw.severity).length) {
      settings.severity = raw.severity as ConfigSettings['severity'];
    }
    return settings;
  }

  /** Asks the client to watch a folder outside the workspace (a user-level corpus) too. */
  function watchExternal(folder: Folder, relative: string): void {
    const absolute = folder.fs.absolute(relative);
    if (!watcherRegistration || !relativePatternSupport || watchedExternal.has(absolute)) {
      return;
    }
    watchedExternal.add(absolute);
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: { baseUri: URI.file(absolute).toString(), pattern: '**/*' } }] })
      .catch((e: unknown) => connection.console.warn(`Policy Notes: cannot watch ${absolute}: ${(e as Error).message}`));
  }

  /**
   * `lookedUp`: for the load at start-up, which shows the saved results of an unchanged
   * workspace meanwhile, what to call once they are looked up.
   */
  async function loadFolder(folder: Folder, lookedUp?: () => void): Promise<void> {
    let firstPassed!: () => void;
    folder.firstPass = new Promise<void>((resolve) => (firstPassed = resolve));
    folder.service.workspace.updateSettings(await settingsFor(folder));
    const progress = progressSupport ? await connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('Policy Notes: indexing', 0, folder.uri.fsPath, false);
    try {
      if (lookedUp) {
        await showSaved(folder);
        lookedUp();
      }
      // The notes without definitions are parsed last (see Workspace.load): the open
      // notes' diagnostics, final already unless they hold definitions, go out first.
      const report = (done: number, total: number, message: string) => progress?.report(Math.round((100 * done) / Math.max(1, total)), `${message} (${done}/${total})`);
      await folder.service.load(report, { deferNotes: true });
      syncOpenDocuments(folder);
      firstPassed();
      await publishEarly(folder);
      folder.service.finishDeferredNotes();
      for (const problem of folder.service.workspace.configProblems) {
        // A notification (showWarningMessage would send a request, whose failure in a client without it would go unhandled).
        void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Policy Notes: ${problem.message}` });
      }
    } finally {
      firstPassed();
      folder.saved = undefined; // the load's own diagnostics from now on
      lookedUp?.();
      progress?.done();
    }
  }

  /**
   * Between a load that deferred notes and their parsing: publishes the open notes
   * whose diagnostics are already final (push), or lets the pulls waiting for them be
   * answered (pull; see {@link Folder.firstPass}). Decision: a researcher opening VS
   * Code on a large workspace sees the problems of the note in front of them about a
   * second sooner; the rest of the workspace follows as before.
   */
  async function publishEarly(folder: Folder): Promise<void> {
    const workspace = folder.service.workspace;
    if (workspace.deferredNoteCount === 0) {
      return;
    }
    if (pullDiagnostics) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return;
    }
    for (const path of openNotes(folder)) {
      if (workspace.diagnosticsFinal(path)) {
        await publishFile(folder, path, folder.service.diagnostics(path), workspace.notes.get(path)?.version);
      }
    }
  }

  /**
   * A warm start: when the last complete check saved its results and nothing they
   * depend on changed since, shows them (open notes first) while the load runs. The
   * load's own diagnostics then replace any that differ (they are the same unless a
   * file changed behind an unchanged size and time). Decision: a researcher reopening
   * a large workspace sees its problems in well under a second, not after the index
   * is restored; completion and hovers still wait for the load.
   */
  async function showSaved(folder: Folder): Promise<void> {
    folder.saved = await folder.service.savedResults().catch((e: unknown) => {
      connection.console.warn(`Policy Notes: the saved results of ${folder.uri.fsPath} were not used: ${(e as Error).message}`);
      return undefined;
    });
    await publishSaved(folder);
  }

  /**
   * Whether the saved results still hold for what the editor shows: every open note
   * of the folder has the text they were computed on (an editor's unsaved text may
   * define or drop what other notes mention). When not, they are dropped.
   */
  function savedHold(folder: Folder): SavedResults | undefined {
    const saved = folder.saved;
    if (!saved) {
      return undefined;
    }
    for (const document of documents.all()) {
      const found = folderOf(document.uri);
      if (found?.folder === folder && NOTE_FILE.test(found.path) && !saved.holdsNote(found.path, document.getText())) {
        folder.saved = undefined;
        return undefined;
      }
    }
    return saved;
  }

  /** Publishes the saved results not published yet (push mode; in pull mode the diagnostic requests answer with them). */
  async function publishSaved(folder: Folder): Promise<void> {
    const saved = savedHold(folder);
    if (!saved || pullDiagnostics) {
      return;
    }
    const open = documents
      .all()
      .map((d) => folderOf(d.uri))
      .filter((f) => f?.folder === folder)
      .map((f) => f!.path);
    const openSet = new Set(open);
    for (const path of [...open, ...[...saved.diagnostics.keys()].filter((p) => !openSet.has(p))]) {
      if (folder.saved !== saved) {
        return; // dropped meanwhile (an open note's text changed), or the load is over
      }
      await publishFile(folder, path, saved.diagnostics.get(path) ?? [], documents.get(uriOf(folder, path))?.version);
    }
  }

  /**
   * Publishes a file's diagnostics, unless they are what was last published for it or
   * it is a file not open in the editor that never had any.
   */
  async function publishFile(folder: Folder, path: string, list: readonly Diagnostic[], version: number | undefined): Promise<void> {
    const diagnostics = list.map((d) => toLsp(folder, d));
    const key = JSON.stringify(diagnostics);
    const uri = uriOf(folder, path);
    const previous = folder.published.get(path);
    if (previous === key || (previous === undefined && diagnostics.length === 0 && !documents.get(uri))) {
      return;
    }
    folder.published.set(path, key);
    await connection.sendDiagnostics({ uri, version, diagnostics });
  }

  /**
   * Gives the service the editor's text of every open document that is a note and
   * whose text it does not hold: after a (re)load, and after a file event that
   * reloaded the configuration (a `.pnote` inside the corpus becomes a note when
   * `pnote.json` moves the corpus).
   */
  function syncOpenDocuments(folder: Folder): void {
    for (const document of documents.all()) {
      const found = folderOf(document.uri);
      if (found?.folder === folder && folder.service.workspace.isNote(found.path)) {
        giveText(folder, found.path, document);
      }
    }
  }

  /** Gives the service an open document's text, unless it holds that version already; returns whether it did. */
  function giveText(folder: Folder, path: string, document: TextDocument): boolean {
    if (folder.service.workspace.notes.get(path)?.version === document.version) {
      return false;
    }
    folder.service.setNoteText(path, document.getText(), document.version);
    return true;
  }

  /** The folder's notes open in the editor. */
  function openNotes(folder: Folder): string[] {
    return [...folder.service.workspace.notes.values()].filter((n) => n.version !== undefined).map((n) => n.path);
  }

  async function publishAll(folder: Folder): Promise<void> {
    await folder.ready;
    const service = folder.service;
    if (pullDiagnostics) {
      if (refreshSupport) {
        await connection.languages.diagnostics.refresh();
      }
    } else {
      // Only files whose diagnostics may have changed; the edited note first.
      // Open notes first (the edited one first of all); then, once the rest of the
      // workspace's quotations are judged source by source, every other changed file.
      const changed = service.workspace.takeChangedPaths();
      const isOpen = (p: string) => service.workspace.notes.get(p)?.version !== undefined;
      const first = [...[...folder.urgent].filter((p) => changed.includes(p)), ...changed.filter((p) => !folder.urgent.has(p) && isOpen(p))];
      const firstSet = new Set(first);
      const order = [...first, ...changed.filter((p) => !firstSet.has(p))];
      folder.urgent.clear();
      for (const [index, path] of order.entries()) {
        if (index === first.length) {
          service.workspace.prepareAll();
        }
        const note = service.workspace.notes.get(path);
        const document = documents.get(uriOf(folder, path));
        if (document && note?.version !== undefined && document.version !== note.version) {
          continue; // the service holds an older version: the change that made it stale schedules the next refresh
        }
        await publishFile(folder, path, service.diagnostics(path), note?.version);
      }
    }
    // Then, off the request path (after any request already waiting), what completion
    // and hovers in the open notes will need, a piece at a time (a request that comes
    // meanwhile is answered between two pieces); memoised, so a later publication finds
    // it built unless the corpus or the symbols changed. The status bar's counts come
    // once it is built: the notification says the server is idle again (as it did when
    // this work ran in one piece and held the notification back).
    runInTurns(service.featureSteps(openNotes(folder)), scheduleStats);
  }

  /**
   * Runs `steps` one per turn of the event loop, then `then`: requests read meanwhile
   * are answered between two. On timers, not `setImmediate`: the connection reads a
   * request, handles it and writes its answer in `setImmediate` callbacks, which then
   * come before the next step instead of after it.
   */
  function runInTurns(steps: ReadonlyArray<() => void>, then: () => void): void {
    let next = 0;
    const turn = () => {
      if (next < steps.length) {
        steps[next++]();
        setTimeout(turn, 0);
      } else {
        then();
      }
    };
    setTimeout(turn, 0);
  }

  function schedule(folder: Folder, urgentPath?: string): void {
    if (urgentPath) {
      folder.urgent.add(urgentPath);
    }
    if (folder.timer) {
      clearTimeout(folder.timer);
    }
    folder.timer = setTimeout(() => {
      folder.timer = undefined;
      publishAll(folder).catch((e: unknown) => connection.console.error(`publishing diagnostics failed: ${(e as Error).stack ?? String(e)}`));
    }, DIAGNOSTIC_DEBOUNCE_MS);
  }

  let statsTimer: NodeJS.Timeout | undefined;

  /**
   * Sends the status bar's counts shortly after the last publication: counting walks
   * every note (~5–10 ms at 2,000 notes), which must not hold up a completion typed
   * right after an edit, and a burst of publications needs one update only.
   */
  function scheduleStats(): void {
    if (statsTimer) {
      clearTimeout(statsTimer);
    }
    statsTimer = setTimeout(() => {
      statsTimer = undefined;
      void connection.sendNotification(StatsChangedNotification, stats());
    }, STATS_DELAY_MS);
  }

  function stats(): StatsResult {
    return {
      folders: folders.map((folder) => {
        const s = folder.service.stats();
        const c = folder.service.workspace.severityCounts();
        return { uri: folder.uri.toString(), ...s, errors: c.error, warnings: c.warning, information: c.information, hints: c.hint };
      }),
    };
  }

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    const caps = params.capabilities;
    pullDiagnostics = caps.textDocument?.diagnostic !== undefined;
    refreshSupport = caps.workspace?.diagnostics?.refreshSupport === true;
    progressSupport = caps.window?.workDoneProgress === true;
    configurationSupport = caps.workspace?.configuration === true;
    watcherRegistration = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    relativePatternSupport = caps.workspace?.didChangeWatchedFiles?.relativePatternSupport === true;
    relatedInformation = caps.textDocument?.publishDiagnostics?.relatedInformation === true || pullDiagnostics;

    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    const cacheFolder = options.cacheDirectory === null ? undefined : typeof options.cacheDirectory === 'string' && path.isAbsolute(options.cacheDirectory) ? options.cacheDirectory : defaultCacheFolder();
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : params.rootPath ? [URI.file(params.rootPath).toString()] : []);
    for (const raw of uris) {
      const uri = URI.parse(raw);
      if (uri.scheme !== 'file') {
        continue;
      }
      try {
        const fs = await NodeFileSystem.open(uri.fsPath);
        const cache = cacheFolder === undefined ? undefined : FileIndexCache.forWorkspace(cacheFolder, fs.root, VERSION);
        folders.push({ uri, key: uri.toString(), fs, service: createLanguageService({ fs, cache, hasher: serverOptions.hasher?.() }), ready: Promise.resolve(), published: new Map(), urgent: new Set() });
      } catch (e) {
        connection.console.error(`Policy Notes: cannot open the workspace folder ${uri.fsPath}: ${(e as Error).message}`);
      }
    }

    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: ['@', '#', ';'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        documentLinkProvider: { resolveProvider: false },
        foldingRangeProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        ...(pullDiagnostics ? { diagnosticProvider: { identifier: 'pnote', interFileDependencies: true, workspaceDiagnostics: true } } : {}),
      },
      serverInfo: { name: 'policy-notes' },
    };
  });

  connection.onInitialized(() => {
    if (watcherRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.pnote' }, { globPattern: '**/*.{txt,md,TXT,MD}' }, { globPattern: '**/*.json' }],
      });
    }
    for (const folder of folders) {
      let lookedUp!: () => void;
      folder.savedLookup = new Promise<void>((resolve) => (lookedUp = resolve));
      folder.ready = loadFolder(folder, lookedUp).catch((e: unknown) => connection.console.error(`Policy Notes: indexing ${folder.uri.fsPath} failed: ${(e as Error).stack ?? String(e)}`));
      // Once everything is published (publishAll also has what features need built),
      // the results are saved at once (a few megabytes, while every open note still
      // holds its file's text), and once the user pauses, the index too (writing 150 MB
      // competes for the CPU with what they are typing; at shutdown both are saved at once).
      void folder.ready
        .then(() => publishAll(folder))
        .then(() => save(folder, false))
        .then(() => whenQuiet())
        .then(() => save(folder, true));
    }
  });

  /**
   * Saves a folder's results and (with `index`) its corpus index to the cache when
   * they changed (at start-up and at shutdown), after any save in progress: shutdown
   * waits for it.
   */
  function save(folder: Folder, index: boolean): Promise<void> {
    folder.saving = (folder.saving ?? Promise.resolve()).then(async () => {
      try {
        await folder.ready;
        if (index) {
          await folder.service.saveIndex();
        }
        await folder.service.saveResults();
      } catch (e) {
        connection.console.warn(`Policy Notes: the index cache of ${folder.uri.fsPath} was not saved: ${(e as Error).message}`);
      }
    });
    return folder.saving;
  }

  connection.onShutdown(async () => {
    await Promise.all(folders.map((folder) => save(folder, true)));
  });

  connection.onDidChangeConfiguration(() => {
    for (const folder of folders) {
      folder.ready = folder.ready.then(() => loadFolder(folder));
      void folder.ready.then(() => publishAll(folder));
    }
  });

  documents.onDidChangeContent((event) => {
    lastActivity = Date.now();
    const found = folderOf(event.document.uri);
    if (!found || !found.folder.service.workspace.isNote(found.path)) {
      return;
    }
    const { folder, path } = found;
    if (folder.saved) {
      void publishSaved(folder);
    }
    void folder.ready.then(() => {
      const current = documents.get(event.document.uri);
      // Not when the service holds that version already (a note opened while the
      // workspace loaded: the load gave it the editor's text, and publishes it).
      if (current && current.version === event.document.version && giveText(folder, path, current)) {
        schedule(folder, path);
      }
    });
  });

  documents.onDidClose((event) => {
    const found = folderOf(event.document.uri);
    if (!found) {
      return;
    }
    const { folder, path } = found;
    void folder.ready.then(async () => {
      await folder.service.closeNote(path);
      schedule(folder);
    });
  });

  connection.onDidChangeWatchedFiles(
    guard('didChangeWatchedFiles', async (params: DidChangeWatchedFilesParams) => {
      const touched = new Set<Folder>();
      for (const change of params.changes) {
        const found = folderOf(change.uri);
        if (!found) {
          continue;
        }
        await found.folder.ready;
        const kind = change.type === FileChangeType.Created ? 'created' : change.type === FileChangeType.Deleted ? 'deleted' : 'changed';
        await found.folder.service.fileChanged(found.path, kind);
        touched.add(found.folder);
      }
      for (const folder of touched) {
        syncOpenDocuments(folder);
        schedule(folder);
      }
    }),
  );

  /** Resolves a request's document to its folder and note path, once the folder is indexed. */
  /**
   * Resolves a request's document to its folder and note path, once the folder is
   * indexed. A request cancelled meanwhile is answered with `RequestCancelled`.
   */
  async function resolve(uri: string, token: CancellationToken): Promise<{ folder: Folder; path: string } | undefined> {
    const found = folderOf(uri);
    if (!found) {
      return undefined;
    }
    await found.folder.ready;
    if (token.isCancellationRequested) {
      throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
    }
    return found;
  }

  connection.onCompletion(
    guard('completion', async (params, token) => {
      const found = await resolve(params.textDocument.uri, token);
      const list = found && found.folder.service.completion(found.path, params.position);
      if (!found || !list) {
        return null;
      }
      const note = found.folder.service.workspace.notes.get(found.path)!;
      return {
        isIncomplete: list.isIncomplete,
        items: list.items.map((item): CompletionItem => ({
          label: item.label,
          kind: COMPLETION_KIND[item.kind],
          detail: item.detail,
          documentation: item.documentation ? { kind: 'markdown', value: item.documentation } : undefined,
          filterText: item.filterText,
          sortText: item.sortText,
          textEdit: { range: note.lines.rangeOf(item.replace), newText: item.insertText },
          additionalTextEdits: item.additionalEdits?.map((e) => ({ range: note.lines.rangeOf(e.span), newText: e.newText })),
        })),
      };
    }),
  );

  connection.onHover(
    guard('hover', async (params, token) => {
      const found = await resolve(params.textDocument.uri, token);
      const result = found?.folder.service.hover(found.path, params.position);
      return result ? { contents: { kind: 'markdown', value: result.markdown }, range: result.range } : null;
    }),
  );

  connection.onDefinition(
    guard('definition', async (params, token) => {
      const found = await resolve(params.textDocument.uri, token);
      return found ? found.folder.service.definition(found.path, params.position).map((l) => toLocation(found.folder, l)) : null;
    }),
  );

  connection.onReferences(
    guard('references', async (params, token) => {
      const found = await resolve(params.textDocument.uri, token);
      return found ? found.folder.service.references(found.path, params.position, params.context.includeDeclaration).map((l) => toLocation(found.folder, l)) : null;
    }),
  );

  connection.onPrepareRename(
    guard('prepareRename', async (params, token) => {
      const found = await resolve(params.textDocument.uri, token);
      const result = found?.folder.service.prepareRename(found.path, params.position);
      if (!result) {
        return null;
      }
      if ('error' in result) {
        throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
      }
      return result;
    }),
  );

  connection.onRenameRequest(
    guard('rename', async (params, token) => {
      const found = await resolve(params.textDocument.uri, token);
      if (!found) {
        return null;
      }
      const result = found.folder.service.rename(found.path, params.position, params.newName);
      if ('error' in result) {
        throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
      }
      return toWorkspaceEdit(found.folder, result.edits);
    }),
  );

  const toSymbol = (s: DocumentSymbol): LspDocumentSymbol => ({
    name: s.name,
    detail: s.detail,
    kind: s.kind === 'heading' ? SymbolKind.String : s.kind === 'entity' ? SymbolKind.Object : SymbolKind.Event,
    range: s.range,
    selectionRange: s.selectionRange,
    children: s.children.map(toSymbol),
  });

  connection.onDocumentSymbol(
    guard('documentSymbol', async (params, token) => {
      const found = await resolve(params.textDocument.uri, token);
      return found ? found.folder.service.documentSymbols(found.path).map(toSymbol) : null;
    }),
  );

  connection.onWorkspaceSymbol(
    guard('workspaceSymbol', async (params) => {
      const out = [];
      for (const folder of folders) {
        await folder.ready;
        for (const s of folder.service.workspaceSymbols(params.query)) {
          out.push({ name: s.name, kind: s.kind === 'entity' ? SymbolKind.Object : SymbolKind.Event, containerName: s.detail, location: toLocation(folder, s.location) });
        }
      }
      return out;
    }),
  );

  connection.onDocumentLinks(
    guard('documentLinks', async (params, token) => {
      const found = await resolve(params.textDocument.uri, token);
      return found ? found.folder.service.documentLinks(found.path).map((l) => ({ range: l.range, target: uriOf(found.folder, l.target), tooltip: l.tooltip })) : null;
    }),
  );

  connection.onFoldingRanges(
    guard('foldingRanges', async (params, token) => {
      const found = await resolve(params.textDocument.uri, token);
      return found ? found.folder.service.foldingRanges(found.path) : null;
    }),
  );

  connection.onCodeAction(
    guard('codeAction', async (params, token) => {
      const found = await resolve(params.textDocument.uri, token);
      if (!found) {
        return null;
      }
      return found.folder.service.codeActions(found.path, params.range).map((action): CodeAction => ({
        title: action.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLsp(found.folder, action.diagnostic)],
        isPreferred: action.preferred,
        edit: toWorkspaceEdit(found.folder, action.edits),
      }));
    }),
  );

  connection.languages.diagnostics.on(
    guard('textDocument/diagnostic', async (params, token) => {
      const early = folderOf(params.textDocument.uri);
      await early?.folder.savedLookup;
      const saved = early && savedHold(early.folder);
      if (early && saved) {
        return { kind: 'full' as const, items: (saved.diagnostics.get(early.path) ?? []).map((d) => toLsp(early.folder, d)) };
      }
      await early?.folder.firstPass;
      const workspace = early?.folder.service.workspace;
      if (early && workspace && workspace.deferredNoteCount > 0 && workspace.diagnosticsFinal(early.path)) {
        // Before the deferred notes are parsed (see publishEarly): final already.
        return { kind: 'full' as const, items: early.folder.service.diagnostics(early.path).map((d) => toLsp(early.folder, d)) };
      }
      const found = await resolve(params.textDocument.uri, token);
      return { kind: 'full' as const, items: found ? found.folder.service.diagnostics(found.path).map((d) => toLsp(found.folder, d)) : [] };
    }),
  );

  connection.languages.diagnostics.onWorkspace(
    guard('workspace/diagnostic', async () => {
      const items = [];
      for (const folder of folders) {
        await folder.savedLookup;
        const saved = savedHold(folder);
        if (saved) {
          // While the load runs: the saved results (see showSaved); the load's end asks the client to pull again.
          for (const [path, list] of saved.diagnostics) {
            const version = documents.get(uriOf(folder, path))?.version ?? null;
            items.push({ kind: 'full' as const, uri: uriOf(folder, path), version, items: list.map((d) => toLsp(folder, d)) });
          }
          continue;
        }
        await folder.ready;
        for (const file of folder.service.allDiagnostics()) {
          const note = folder.service.workspace.notes.get(file.path);
          items.push({ kind: 'full' as const, uri: uriOf(folder, file.path), version: note?.version ?? null, items: file.diagnostics.map((d) => toLsp(folder, d)) });
        }
      }
      return { items };
    }),
  );

  connection.onRequest(StatsRequest, guard('stats', async () => {
    await Promise.all(folders.map((f) => f.ready));
    return stats();
  }));

  connection.onRequest(CheckWorkspaceRequest, guard('checkWorkspace', async () => {
    for (const folder of folders) {
      folder.ready = folder.ready.then(() => loadFolder(folder));
      await folder.ready;
      await publishAll(folder);
    }
    return stats();
  }));

  documents.listen(connection);
  connection.listen();
}
