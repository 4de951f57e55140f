/**
 * The workspace index: configuration, corpus, notes and the symbol table, kept up
 * to date file by file, and every check's results.
 *
 * Incremental invariant: changing one note re-parses that note only; quotation
 * checks (the expensive ones) are cached per note and recomputed only for that
 * note, or for notes a corpus change can affect. Definition and mention checks
 * read the shared symbol table and are cheap, so they are recomputed for any note
 * whose diagnostics are asked for after a symbol change.
 */
import { type ClosestHelper, ClosestStrings, SUGGESTIONS } from '../common/closest';
import { LineIndex, type Span } from '../common/text';
import { Corpus, type PrecomputedWords } from '../corpus/corpus';
import { decodeSnapshot, encodeSnapshot } from '../corpus/snapshot';
import { findExact } from '../corpus/match';
import { parseCslJson } from '../corpus/metadata';
import { parseQuote } from '../corpus/quote';
import { createSource, decodeSourceBytes, textFacts, type TextFacts } from '../corpus/source';
import { hashWord } from '../corpus/tokenize';
import { lineMap } from '../corpus/utf8';
import type { QuotePattern, SourceMetadata } from '../corpus/types';
import { effectiveSeverity, type Severity } from '../checks/codes';
import { checkDefinitions, type SymbolContext } from '../checks/definitions';
import type { Diagnostic, NoteProblem } from '../checks/diagnostic';
import { checkQuotations, citationKey, judgeElsewhere, judgeInCited, judgeQuotation, UNCITED_QUOTE_MIN_WORDS, type CitedSources, type QuoteVerdict } from '../checks/quotations';
import { parseNote } from '../syntax/parser';
import type { CitationItem, NoteAst } from '../syntax/ast';
import { CONFIG_FILE, DEFAULT_CONFIG, loadConfig, type ConfigProblem, type ConfigSettings, type LoadedConfig, type PnoteConfig } from './config';
import { decodeText, MAX_SOURCE_BYTES } from './decode';
import { HASH_BATCHES_AHEAD, type HashedFile, type TextHasher } from './hashing';
import { joinPath, type FileStat, type IndexCache, type WorkspaceFileSystem } from './fs';
import { decodeResults, encodeResults, type ResultsRecord, type SavedResults } from './savedResults';
import { entityNames, extractSymbols, type EntitySymbol, type PnoteSymbol } from './symbols';

export interface NoteState {
  path: string;
  text: string;
  ast: NoteAst;
  lines: LineIndex;
  symbols: PnoteSymbol[];
  /** The editor's version while the note is open in an editor. */
  version?: number;
  /** Cached quotation problems; undefined when they must be recomputed. */
  quoteProblems?: NoteProblem[];
  /** Cached definition and mention problems; undefined when they must be recomputed. */
  definitionProblems?: NoteProblem[];
  /** Cached diagnostics (all of the above, converted); undefined when stale. */
  diagnostics?: Diagnostic[];
  /** With a cache, the digest of the bytes read from disk (the key of its tree in the cache). */
  digest?: string;
  citedKeys: Set<string>;
  mentionedIds: string[];
  /**
   * What its definition problems depend on (see {@link Workspace.invalidate}):
   * `id:X` (the definitions of X), `def:X` (X's definitions moved, or X became used or
   * unused), `alias:name`, `source:key` (a source cited by one of its events).
   */
  dependencies: Set<string>;
  /** True when it mentions an undefined id, whose suggestions depend on every id. */
  dependsOnAllIds?: boolean;
  /**
   * For diagnostics adopted from saved results (see `Workspace.adoptSavedResults`),
   * whose quotation problems are not known: whether it had any (a new source can
   * settle those).
   */
  quoteTrouble?: boolean;
}

/** What other notes see of a definition: its type, id and fields (not its position). */
function signature(symbol: PnoteSymbol): string {
  return JSON.stringify([symbol.type, symbol.id, symbol.definition.fields.map((f) => [f.key, f.value]), symbol.definition.description]);
}

function dependenciesOf(ast: NoteAst, symbols: readonly PnoteSymbol[]): Set<string> {
  const deps = new Set<string>();
  for (const mention of ast.mentions) {
    deps.add(`id:${mention.id}`);
  }
  for (const symbol of symbols) {
    deps.add(`id:${symbol.id}`);
    deps.add(`def:${symbol.id}`);
    if (symbol.type === 'entity') {
      for (const name of entityNames(symbol)) {
        deps.add(`alias:${normalName(name)}`);
      }
    } else {
      for (const item of symbol.sources) {
        deps.add(`source:${item.key}`);
      }
    }
  }
  return deps;
}

export interface IndexStats {
  notes: number;
  sources: number;
  entities: number;
  events: number;
  citations: number;
  quotations: number;
}

export type Progress = (done: number, total: number, message: string) => void;

const SOURCE_EXTENSIONS = /\.(txt|md)$/i;
const NOTE_EXTENSION = /\.pnote$/i;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);
const READ_CONCURRENCY = 32;
/** Corpus files read before they are indexed (bounds the texts alive at once while loading). */
const LOAD_BATCH = 256;
/**
 * Suggestions (unknown ids and keys) from which a load has the hasher's thread compute
 * them ahead (see suggestAhead): fewer take a few milliseconds here, less than the
 * thread takes to start.
 */
const SUGGEST_AHEAD_MIN = 16;

/**
 * A file read: its text (a corpus file's may be left to decode when needed), its bytes
 * (for a corpus file the index cache vouches for, what reads them when first needed),
 * with a cache the digest of its bytes, and its state (see {@link fileStateOf}).
 */
interface Read {
  text?: string;
  bytes: Uint8Array | (() => Uint8Array);
  digest?: string;
  fileState?: string;
}

/** A file read and decoded. */
type ReadText = Read & { text: string; bytes: Uint8Array };

/**
 * A file whose modification time is this close to the moment it was read may change
 * again within the same tick of a coarse clock (FAT: 2 s) without its size or time
 * changing: its state is never trusted (it is read and digested at every load).
 */
const RACY_MS = 2_000;

/**
 * What the index cache keeps of a corpus file besides its digest: its size and
 * modification time, and when it was read (`size:mtime:readAt`).
 */
function fileStateOf(size: number, mtime: number, readAt: number): string {
  return `${size}:${mtime}:${readAt}`;
}

/**
 * Whether a file whose state was recorded as `state` holds the same bytes now that
 * its size is `size` and its modification time `mtime`, without reading it: same
 * size and time, and the time was at least {@link RACY_MS} before the recorded read.
 */
function unchangedSince(state: string | undefined, size: number, mtime: number): boolean {
  if (state === undefined) {
    return false;
  }
  const [oldSize, oldMtime, readAt] = state.split(':').map(Number);
  return oldSize === size && oldMtime === mtime && Number.isFinite(readAt) && mtime + RACY_MS <= readAt;
}

/** Text facts as the cache keeps them (JSON); undefined when they do not parse as such. */
function parseFacts(json: string): TextFacts | undefined {
  try {
    const value = JSON.parse(json) as unknown;
    if (typeof value !== 'object' || value === null) {
      return undefined;
    }
    const { title, date } = value as Record<string, unknown>;
    if ((title !== undefined && typeof title !== 'string') || (date !== undefined && typeof date !== 'string')) {
      return undefined;
    }
    return { ...(title !== undefined ? { title } : {}), ...(date !== undefined ? { date } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * The state to keep for a file read again with the same bytes: the new one when it
 * says more (another size or time, or a read late enough to be trusted where the old
 * one was not), else the old one, so that a file never trusted (a time in the future)
 * does not make the cache be saved again at every load.
 */
/** Whether a source's metadata lacks a title or a date, which its text then gives (`textFacts`). */
function lacksFacts(metadata: Partial<SourceMetadata> | undefined): boolean {
  return !metadata?.title || !metadata.date;
}

function newerState(old: string | undefined, fresh: string): string {
  if (old === undefined || old === fresh) {
    return fresh;
  }
  const [size, mtime] = fresh.split(':').map(Number);
  return unchangedSince(old, size, mtime) || (!unchangedSince(fresh, size, mtime) && old.split(':').slice(0, 2).join(':') === `${size}:${mtime}`) ? old : fresh;
}

/** The configuration a load checks with: the defaults where an invalid one gave up (the server checks on; the CLI stops). */
function effectiveConfig(loaded: LoadedConfig): PnoteConfig {
  return loaded.fatal ? { ...DEFAULT_CONFIG, ...loaded.config, severity: loaded.config.severity } : loaded.config;
}

/** Everything of the configuration a check's results depend on, as one string (see {@link Workspace.savedResults}). */
function configKeyOf(loaded: LoadedConfig, corpusFolderExists: boolean): string {
  return JSON.stringify([effectiveConfig(loaded), loaded.problems, loaded.fatal, corpusFolderExists]);
}

/** Runs `work` over `items` with at most `limit` promises pending. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      await work(items[next++]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Memo maps grow with what the user types (every draft of a quotation or a name is a
 * new key): past `max` entries a map starts over, so a long session stays flat.
 */
const MAX_MEMO_ENTRIES = 5_000;
/**
 * Whole-corpus searches from which {@link Workspace.prepareAll} finds their candidates
 * together, in one pass over the corpus (`Corpus.searchAhead`: 0.1–0.25 s at 10k
 * sources, ~11 ns a word of the corpus, against ~0.2 ms a search made alone there).
 */
const SEARCH_AHEAD_MIN = 256;

function boundedSet<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (map.size >= max) {
    map.clear();
  }
  map.set(key, value);
}

/**
 * What the notes' trees in the cache depend on: this parser. A sample that uses every
 * construct (and one with invalid YAML) is parsed and its tree hashed (once): a parser
 * that parses differently gives another context, and the cached trees are not used.
 */
let parserContextValue: string | undefined;
function parserContext(): string {
  if (parserContextValue === undefined) {
    // With a front matter the YAML parser rejects: its messages and spans are in the trees too.
    const tree = JSON.stringify([parseNote(PARSER_SAMPLE), parseNote('---\na: [1, 2\nb: c\n---\n')]);
    parserContextValue = `parser ${hashWord(tree).toString(16)} ${tree.length}`;
  }
  return parserContextValue;
}

const PARSER_SAMPLE = [
  '---',
  'title: Sample',
  'tags: [a, b]',
  '---',
  '# Heading',
  '',
  '::: entity pompeo',
  'name: Mike Pompeo',
  'aliases: Pompeo; M. Pompeo',
  ':::',
  '',
  '::: event ban',
  'title: Ban',
  'date: 2020-09-18',
  'actors: @pompeo; @nobody',
  'sources: [@a, ¶2]',
  'after: #other',
  ':::',
  '',
  '@pompeo said «Pékin a […] nié [sic] les [faits]» [@a, ¶3; @b, l. 4-5] and “x” [@c, p. 2].',
  '',
  '> Le programme compte',
  '> cinq volets',
  '— [@a]',
  '',
  '`@code` ``` [@x',
  '',
  '```',
  '@fenced',
  '```',
  '"unclosed [@ ::: entity',
].join('\n');

function keyOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.replace(SOURCE_EXTENSIONS, '');
}

function normalName(name: string): string {
  return name.normalize('NFC').toLowerCase().split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean).join(' ');
}

export class Workspace implements SymbolContext {
  config: PnoteConfig = DEFAULT_CONFIG;
  configProblems: ConfigProblem[] = [];
  /** True when the configuration is invalid: the CLI stops, the server checks with defaults. */
  configFatal = false;
  corpus = new Corpus();
  readonly notes = new Map<string, NoteState>();

  /** Every corpus file read (or not), by path, with its key. */
  private readonly corpusFiles = new Map<string, string>();
  private readonly keyPaths = new Map<string, string[]>();
  /** Problems of files that are not notes: configuration, metadata, unreadable or duplicate sources. */
  private readonly fileProblems = new Map<string, Diagnostic[]>();
  private metadata = new Map<string, Partial<SourceMetadata>>();

  private readonly symbolsById = new Map<string, PnoteSymbol[]>();
  private readonly mentionCounts = new Map<string, number>();
  private aliasIndex?: Map<string, EntitySymbol[]>;
  private closest?: { entity: ClosestStrings; event: ClosestStrings };
  private sourceMentionMemo = new Map<string, boolean>();
  /** The notes that depend on each key (see NoteState.dependencies), kept with the symbol table. */
  private readonly dependents = new Map<string, Set<NoteState>>();
  /** The notes whose definition problems depend on every id (see NoteState.dependsOnAllIds). */
  private readonly allIdsDependents = new Set<NoteState>();
  /** Keys (see NoteState.dependencies) changed by the update in progress. */
  private readonly changedKeys = new Set<string>();
  /** True while {@link load} rebuilds everything. */
  private loading = false;
  /** Whether the corpus folder existed at the last load (when it comes or goes, the configuration's warning changes). */
  private corpusFolderExists = true;
  /** Paths whose diagnostics may have changed since {@link takeChangedPaths}. */
  private readonly changedPaths = new Set<string>();
  /** Bumped whenever any definition or mention changes: caches of symbol-derived data key on it. */
  symbolGeneration = 0;
  /** Bumped whenever any source is added, changed or removed. */
  corpusGeneration = 0;
  private readonly memos = new Map<string, { generation: string; value: unknown }>();

  constructor(
    private readonly fs: WorkspaceFileSystem,
    private settings: ConfigSettings = {},
    private readonly cache?: IndexCache,
    /** Hashes the words of corpus files at load, possibly on another thread (see hashing.ts); without one, here. */
    private readonly hasher?: TextHasher,
  ) {}

  /** How the last load got its corpus index: restored from the cache (how many sources and notes' trees reused) or built. */
  indexOrigin: { restored: boolean; reused: number; notesReused: number; resultsAdopted?: boolean } = { restored: false, reused: 0, notesReused: 0 };
  /** The notes' trees a restored cache holds, by digest; only while loading. */
  private restoredNotes?: Map<string, Omit<NoteAst, 'text'>>;
  /** The digests of the trees in the cache file as last restored or saved (to save only when they change). */
  private savedNoteKeys = '';
  /** The configuration of the last load, as the saved results record it (see {@link configKeyOf}). */
  private configKey = '';
  /** The metadata file's state when last read (with a cache only). */
  private metadataState?: string;
  /** The digest of the results last saved (to save them only when they change). */
  private savedResultsDigest = '';
  /** Saved results {@link savedResults} found to hold, for the next load to adopt (see {@link adoptSavedResults}). */
  private checkedResults?: ResultsRecord;
  /** Notes the last load read but left out, by path (see {@link load}'s `deferNotes`), until {@link finishDeferredNotes}. */
  private readonly deferredNotes = new Map<string, ReadText>();
  /** The notes' paths as the last load listed them: the order of {@link notes} after a load. */
  private notePaths: string[] = [];

  // ---------------------------------------------------------------- loading

  /**
   * Reads the configuration, the corpus and every note from scratch.
   *
   * `deferNotes`: the corpus's word postings are not built (see
   * `Corpus.deferPostings`), and the notes that hold no definition (no `:::` in their
   * text) and that must be parsed (no tree in the cache) are read but left out, until
   * {@link finishDeferredNotes} builds the ones and adds the others. A note's
   * diagnostics are then already those it will have once they are added, unless it
   * holds definitions (whether a definition is mentioned anywhere depends on every
   * note; see {@link diagnosticsFinal}). The server publishes the open notes in
   * between: their diagnostics come 1–1.5 s sooner at 10,000 sources and 2,000 notes.
   * Nothing is deferred when the load adopts saved results (they need every note).
   */
  async load(progress?: Progress, options: { deferNotes?: boolean } = {}): Promise<void> {
    this.loading = true;
    try {
      await this.loadAll(progress, options.deferNotes === true);
    } finally {
      this.loading = false;
      // (Once the load is over, suggestions asked for ahead included: see suggestAhead.)
      this.hasher?.release?.();
    }
  }

  /**
   * Builds the word postings and adds the notes the last load deferred (see
   * {@link load}), the notes as a change of those notes would: the notes whose
   * diagnostics they change are marked changed. Then the notes are in the order a load
   * without deferring gives. Returns how many notes were added.
   */
  finishDeferredNotes(): number {
    if (this.corpus.postingsDeferred) {
      this.corpus.postDeferred();
    }
    if (this.deferredNotes.size === 0) {
      return 0;
    }
    const deferred = [...this.deferredNotes];
    this.deferredNotes.clear();
    let added = 0;
    for (const [path, read] of deferred) {
      if (!this.notes.has(path)) {
        this.setNote(path, read.text, undefined, undefined, read.digest);
        added++;
      }
    }
    const rank = new Map(this.notePaths.map((path, i) => [path, i]));
    const sorted = [...this.notes].map((entry, i) => ({ entry, at: rank.get(entry[0]) ?? this.notePaths.length + i })).sort((a, b) => a.at - b.at);
    this.notes.clear();
    for (const { entry } of sorted) {
      this.notes.set(entry[0], entry[1]);
    }
    return added;
  }

  /**
   * Whether the diagnostics of the note at `path` are already those it will have once
   * the deferred notes are added (see {@link load}): always when none are deferred;
   * otherwise when it holds no definition (only a definition's problems read what
   * other notes mention: whether it is used). False for a path that is no note yet.
   */
  diagnosticsFinal(path: string): boolean {
    const note = this.notes.get(path);
    return note !== undefined && (this.deferredNotes.size === 0 || note.symbols.length === 0);
  }

  /** How many notes the last load deferred and are not added yet (see {@link load}). */
  get deferredNoteCount(): number {
    return this.deferredNotes.size;
  }

  private async loadAll(progress: Progress | undefined, deferNotes: boolean): Promise<void> {
    const loaded = await loadConfig(this.fs, this.settings);
    this.config = effectiveConfig(loaded);
    this.configProblems = loaded.problems;
    this.configFatal = loaded.fatal;
    for (const path of this.fileProblems.keys()) {
      this.changedPaths.add(path);
    }
    this.fileProblems.clear();
    // Problems of pnote.json are diagnostics on it; those of editor settings have no
    // file to stand in (the server shows them as a message, see configProblems).
    for (const problem of loaded.problems) {
      if (problem.file !== undefined) {
        this.addFileProblem(problem.file, 'invalid-config', problem.message, loaded.fatal ? 'error' : 'warning');
      }
    }
    const restored = await this.restoreIndex();
    this.corpus = restored ?? new Corpus();
    this.corpusGeneration++;
    this.corpusFiles.clear();
    this.pendingTexts.clear();
    this.pendingTags.clear();
    this.fileStates.clear();
    this.staleFiles.clear();
    this.keyPaths.clear();
    this.sourceMentionMemo.clear();
    await this.loadMetadata();
    this.corpusFolderExists = await this.isCorpusFolder();
    this.configKey = configKeyOf(loaded, this.corpusFolderExists);

    const sourcePaths = await this.listFiles(this.config.corpus, SOURCE_EXTENSIONS, false);
    const notePaths = await this.listFiles('', NOTE_EXTENSION, true);
    this.notePaths = notePaths;
    // A corpus of one batch is hashed here: a thread would take longer to start than
    // the hashing takes (~50 ms against a few), and there is no next batch to overlap.
    // A larger one, when every file will be hashed (nothing restored), starts the
    // hasher (a thread) now, while the first batches are read and the notes parsed.
    const hasher = sourcePaths.length > LOAD_BATCH ? this.hasher : undefined;
    if (!restored) {
      hasher?.prepare?.();
    }
    this.deferredNotes.clear();
    // Deferring is for a load that checks the notes itself, not one that adopts saved results.
    const defer = deferNotes && this.checkedResults === undefined;
    /** Whether the cache holds a note's tree (it is not parsed again). */
    const hasTree = (read: ReadText) => read.digest !== undefined && this.restoredNotes?.has(read.digest) === true;
    /** Whether a note read from disk is left out until {@link finishDeferredNotes} (see {@link load}). */
    const deferred = (read: ReadText) => defer && !hasTree(read) && !read.text.includes(':::');
    if (defer) {
      // The corpus's word postings wait too: the open notes' few whole-corpus searches verify every source meanwhile.
      this.corpus.deferPostings();
    }
    const total = sourcePaths.length + notePaths.length;
    let done = 0;
    const tick = (message: string) => {
      done++;
      if (progress && (done % 250 === 0 || done === total)) {
        progress(done, total, message);
      }
    };
    // Open notes keep the editor's text (not read from disk), unless the new configuration makes them no notes (now inside the corpus).
    const openNotes = new Map([...this.notes].filter(([path, n]) => n.version !== undefined && this.isNote(path)));
    const noteTexts = new Map<string, ReadText>();
    const parsedEarly = new Map<string, NoteAst>();
    let nextNote = 0;
    /** Reads the next `count` notes, parsing those the cache has no tree for: this thread's work while the hasher's is busy. */
    const readNotesEarly = async (count: number) => {
      for (let k = 0; k < count && nextNote < notePaths.length; k++) {
        const path = notePaths[nextNote++];
        const read = openNotes.has(path) ? undefined : await this.readDigested(path, Number.MAX_SAFE_INTEGER);
        if (read !== undefined) {
          noteTexts.set(path, read);
          if (!hasTree(read) && !deferred(read)) {
            parsedEarly.set(path, parseNote(read.text));
          }
        }
        tick('Reading the notes');
      }
    };
    const notesPerBatch = hasher ? Math.ceil(notePaths.length / Math.max(1, Math.ceil(sourcePaths.length / LOAD_BATCH))) : 0;
    // In batches, registered in path order (results never depend on the order the
    // reads finished in); each text is decoded just before it is indexed and is
    // garbage right after (a source keeps its bytes, not its text). With a hasher,
    // batches k + 1 and k + 2 are hashed (on its thread, in order) while batch k is
    // indexed here, and a share of the notes read and parsed: two batches ahead, so
    // that neither thread waits for the other when one batch is slower than the next.
    const ahead: Array<{ batch: string[]; files: Map<string, Read>; known: Set<string>; hashing?: Promise<Map<string, HashedFile>> }> = [];
    const registerNext = async () => {
      const next = ahead.shift()!;
      this.registerBatch(next.batch, next.files, next.known, await next.hashing);
    };
    for (let from = 0; from < sourcePaths.length; from += LOAD_BATCH) {
      const batch = sourcePaths.slice(from, from + LOAD_BATCH);
      const files = new Map<string, Read>();
      await pool(batch, READ_CONCURRENCY, async (path) => {
        const read = (await this.vouched(path)) ?? (await this.readBytes(path, true));
        if (read !== undefined) {
          files.set(path, read);
        }
        tick('Reading the corpus');
      });
      // Files whose bytes the saved index holds (same digest): reattached as they are.
      const known = new Set<string>();
      for (const path of batch) {
        const read = files.get(path);
        const entry = read?.digest !== undefined ? this.corpus.detachedEntry(keyOf(path)) : undefined;
        if (read && entry !== undefined && entry.tag === read.digest) {
          known.add(path);
          if (read.fileState !== undefined) {
            read.fileState = newerState(entry.fileState, read.fileState);
          }
        }
      }
      ahead.push({ batch, files, known, hashing: hasher ? this.hashBatch(hasher, batch, files, known) : undefined });
      if (ahead.length > (hasher ? HASH_BATCHES_AHEAD : 0)) {
        await registerNext();
      }
      await readNotesEarly(notesPerBatch);
    }
    while (ahead.length > 0) {
      await registerNext();
    }
    // Entries of the saved index that no file claimed: deleted files, changed keys.
    this.corpus.dropDetached();
    this.indexOrigin = { restored: restored !== undefined, reused: this.corpus.restoredSources, notesReused: 0 };
    for (const note of this.notes.values()) {
      this.forgetSymbols(note);
      this.changedPaths.add(note.path);
    }
    this.notes.clear();
    this.changedKeys.clear();
    this.symbolsChanged();
    await pool(notePaths.slice(nextNote), READ_CONCURRENCY, async (path) => {
      const read = openNotes.has(path) ? undefined : await this.readDigested(path, Number.MAX_SAFE_INTEGER);
      if (read !== undefined) {
        noteTexts.set(path, read);
      }
      tick('Reading the notes');
    });
    // In path order, whatever order the reads finished in: results never depend on timing.
    let reusedTrees = 0;
    const usedTrees = new Set<string>();
    for (const path of notePaths) {
      const read = noteTexts.get(path);
      if (read !== undefined && deferred(read)) {
        this.deferredNotes.set(path, read);
      } else if (read !== undefined) {
        // A note whose bytes the cache saw: its tree as this parser made it then (a
        // copy for a second note with the same bytes: no two notes share a tree).
        let tree = read.digest === undefined ? undefined : this.restoredNotes?.get(read.digest);
        if (tree && usedTrees.has(read.digest!)) {
          tree = structuredClone(tree);
        }
        if (tree) {
          usedTrees.add(read.digest!);
          reusedTrees++;
        }
        this.setNote(path, read.text, undefined, tree ? { ...tree, text: read.text } : parsedEarly.get(path), read.digest);
      }
    }
    this.restoredNotes = undefined;
    this.indexOrigin = { ...this.indexOrigin, notesReused: reusedTrees };
    for (const [path, open] of openNotes) {
      this.setNote(path, open.text, open.version);
    }
    this.adoptSavedResults();
    if (!this.indexOrigin.resultsAdopted) {
      this.suggestAhead();
    }
  }

  /**
   * Has the hasher's thread compute, while this one goes on, the "did you mean"
   * suggestions the check about to run will ask for: the closest ids of every mention
   * of an id not defined as its kind, the closest keys of every cited key the corpus
   * lacks (fuse.js, ~0.3 s of a 10k check). A suggestion not computed ahead, or not
   * there yet when asked for, is computed here: the answers are the same.
   */
  private suggestAhead(): void {
    const hasher = this.hasher;
    if (!hasher?.closest) {
      return;
    }
    const helper: ClosestHelper = (items, queries, limit) => hasher.closest!(items, queries, limit);
    const unknown = { entity: new Set<string>(), event: new Set<string>() };
    const keys = new Set<string>();
    for (const note of this.notes.values()) {
      for (const mention of note.ast.mentions) {
        const type = mention.sigil === '@' ? 'entity' : 'event';
        if (!this.lookup(mention.id).some((s) => s.type === type)) {
          unknown[type].add(mention.id);
        }
      }
      for (const key of note.citedKeys) {
        if (!this.corpus.has(key)) {
          keys.add(key);
        }
      }
    }
    if (unknown.entity.size + unknown.event.size + keys.size < SUGGEST_AHEAD_MIN) {
      return; // a few, computed here when asked for: quicker than a thread's start (~50 ms)
    }
    const closest = this.closestIndexes();
    for (const type of ['entity', 'event'] as const) {
      closest[type].ahead([...unknown[type]], SUGGESTIONS, helper);
    }
    this.corpus.closestKeysAhead([...keys], SUGGESTIONS, helper);
  }

  /**
   * When {@link savedResults} found saved results holding just before this load, and
   * the load found the workspace as they record it (the same configuration, corpus
   * files and states, notes and bytes; no note unreadable), their diagnostics become
   * the notes' diagnostics, instead of checking every quotation again. A note is
   * checked again when it, or what it depends on, changes, as after any check; a
   * source changed behind an unchanged size and time is found out when its text is
   * read, as for the index (docs/format.md).
   */
  private adoptSavedResults(): void {
    const record = this.checkedResults;
    this.checkedResults = undefined;
    const cache = this.cache;
    if (!record || !cache || this.deferredNotes.size > 0 || record.config !== this.configKey || [...this.fileProblems.keys()].some((path) => this.notes.has(path) || this.isNote(path))) {
      return;
    }
    const sources = this.sourceStates();
    // Each file as the load found it (its size and time, whenever it was read) is the one
    // the results vouch for.
    const same = ([path, state]: [string, string], i: number) => {
      const [size, mtime] = (sources[i][1] ?? '').split(':').map(Number);
      return sources[i][0] === path && sources[i][1] !== undefined && unchangedSince(state, size, mtime);
    };
    if (sources.length !== record.sources.length || !record.sources.every(same)) {
      return;
    }
    const digests = new Map(record.notes);
    if (digests.size !== this.notes.size) {
      return;
    }
    const encoder = new TextEncoder();
    for (const note of this.notes.values()) {
      const digest = note.version === undefined ? note.digest : cache.digest([encoder.encode(note.text)]);
      if (digest === undefined || digests.get(note.path) !== digest) {
        return;
      }
    }
    // Files read again (not in the index: a file that is not text) keep the state the
    // results recorded, so that the same results are not saved again.
    for (const [path, state] of record.sources) {
      if (this.fileStates.has(path)) {
        this.fileStates.set(path, state);
      } else if (path === this.config.metadata) {
        this.metadataState = state;
      }
    }
    const files = new Map(record.files);
    const trouble = new Set(record.quoteTrouble);
    const allIds = new Set(record.allIds);
    for (const note of this.notes.values()) {
      note.diagnostics = files.get(note.path) ?? [];
      note.quoteTrouble = trouble.has(note.path);
      note.dependsOnAllIds = allIds.has(note.path);
      if (note.dependsOnAllIds) {
        this.allIdsDependents.add(note);
      }
    }
    this.indexOrigin = { ...this.indexOrigin, resultsAdopted: true };
  }

  updateSettings(settings: ConfigSettings): void {
    this.settings = settings;
  }

  private async loadMetadata(): Promise<void> {
    this.metadata = new Map();
    this.metadataState = undefined;
    const path = this.config.metadata;
    if (!path || (await this.fs.stat(path))?.type !== 'file') {
      return;
    }
    const read = await this.readBytes(path, true);
    this.metadataState = read?.fileState;
    const text = read && this.decodeBytes(path, read.bytes);
    if (text === undefined) {
      return;
    }
    const parsed = parseCslJson(text);
    this.metadata = parsed.items;
    for (const problem of parsed.problems) {
      this.addFileProblem(path, 'invalid-metadata', `${path}: ${problem}`);
    }
  }

  /** Every file below `folder` whose name matches, skipping `node_modules`, `.git` and (for notes) the corpus. */
  private async listFiles(folder: string, pattern: RegExp, skipCorpus: boolean, corpus = this.config.corpus, recordProblems = true): Promise<string[]> {
    const found: string[] = [];
    const seen = new Set<string>();
    const walk = async (dir: string): Promise<void> => {
      const real = await this.fs.realpath(dir);
      if (real === undefined || seen.has(real)) {
        return; // outside the workspace, or a link back to a folder already walked
      }
      seen.add(real);
      let entries: Array<[string, string]>;
      try {
        entries = await this.fs.readDirectory(dir);
      } catch (e) {
        if (recordProblems) {
          this.addFileProblem(dir || '.', 'unreadable-file', `The folder ${dir || '.'} cannot be read: ${(e as Error).message}`);
        }
        return;
      }
      const subfolders: string[] = [];
      for (const [name, type] of entries) {
        const path = joinPath(dir, name);
        if (type === 'directory') {
          if (!SKIPPED_FOLDERS.has(name) && !(skipCorpus && path === corpus)) {
            subfolders.push(path);
          }
        } else if (type === 'file' && pattern.test(name)) {
          found.push(path);
        }
      }
      for (const sub of subfolders) {
        await walk(sub);
      }
    };
    if (folder === '' || (await this.fs.stat(folder))?.type === 'directory') {
      await walk(folder);
    }
    return found.sort();
  }

  /**
   * The saved corpus index, when there is a cache and what it holds is valid for this
   * build; with it, the parsed trees of the notes as they were on disk, by digest,
   * when this parser made them (see {@link parserContext}).
   */
  private async restoreIndex(): Promise<Corpus | undefined> {
    this.restoredNotes = undefined;
    if (!this.cache) {
      return undefined;
    }
    const bytes = await this.cache.read().catch(() => undefined);
    const decoded = bytes && decodeSnapshot(bytes, this.cache.context, (chunks) => this.cache!.digest(chunks), parserContext());
    const corpus = decoded ? Corpus.restore(decoded.snapshot) : undefined;
    if (corpus && decoded?.extra) {
      try {
        const trees = JSON.parse(decoded.extra) as Record<string, Omit<NoteAst, 'text'>>;
        this.restoredNotes = new Map(Object.entries(trees));
      } catch {
        this.restoredNotes = undefined;
      }
    }
    this.savedNoteKeys = this.restoredNotes ? [...this.restoredNotes.keys()].sort().join('\n') : '';
    return corpus;
  }

  /** What the notes section of the cache would hold now: each note read from disk (not open), its digest and tree. */
  private noteTrees(): Map<string, Omit<NoteAst, 'text'>> {
    const trees = new Map<string, Omit<NoteAst, 'text'>>();
    for (const note of this.notes.values()) {
      if (note.version === undefined && note.digest !== undefined) {
        const tree: Omit<NoteAst, 'text'> & { text?: string } = { ...note.ast };
        delete tree.text; // the text is the note's own, read again at every load
        trees.set(note.digest, tree);
      }
    }
    return trees;
  }

  /**
   * Saves the corpus index to the cache when it differs from what was restored or
   * last saved. Resolves to whether it wrote; rejects when writing failed.
   */
  async saveIndex(): Promise<boolean> {
    if (!this.cache) {
      return false;
    }
    const trees = this.noteTrees();
    const noteKeys = [...trees.keys()].sort().join('\n');
    if (!this.corpus.changedSinceRestore && noteKeys === this.savedNoteKeys) {
      return false;
    }
    const corpus = this.corpus;
    // The trees as one JSON object, encoded note by note (no one string of them all).
    const encoder = new TextEncoder();
    const pieces = [encoder.encode('{')];
    for (const [digest, tree] of trees) {
      // (The tree's JSON encoded as it is: joined to its key first, it would be copied whole.)
      pieces.push(encoder.encode(`${pieces.length > 1 ? ',' : ''}${JSON.stringify(digest)}:`), encoder.encode(JSON.stringify(tree)));
    }
    pieces.push(encoder.encode('}'));
    const extra = { context: parserContext(), text: pieces };
    // The digest is taken now: if the corpus changes while the chunks are written, the file's checksum fails and it is never used.
    const chunks = encodeSnapshot(corpus.snapshot(), this.cache.context, (c) => this.cache!.digest(c), extra);
    corpus.markSaved();
    const previousKeys = this.savedNoteKeys;
    this.savedNoteKeys = noteKeys;
    try {
      await this.cache.write(chunks);
    } catch (e) {
      corpus.markChanged();
      this.savedNoteKeys = previousKeys;
      throw e;
    }
    return true;
  }

  // ---------------------------------------------------------------- saved results

  /** What saved results must have been saved under: the product's and the parser's versions. */
  private resultsContext(): string {
    return `${this.cache?.context ?? ''} ${parserContext()}`;
  }

  /**
   * The diagnostics the last complete check saved, when the workspace has not changed
   * since: same configuration, the same corpus files with the same size and
   * modification time (read at least {@link RACY_MS} after it, as for the index), the
   * same notes with the same bytes (read and digested now). Undefined otherwise, or
   * without saved results. Cheap next to a load (the index is not read) and changes
   * nothing the workspace shows: a warm start can show these while {@link load} runs,
   * and that load adopts them if it finds the workspace as they record it (see
   * {@link adoptSavedResults}).
   */
  async savedResults(): Promise<SavedResults | undefined> {
    this.checkedResults = undefined;
    const cache = this.cache;
    if (!cache?.readResults) {
      return undefined;
    }
    const bytes = await cache.readResults().catch(() => undefined);
    const record = bytes && decodeResults(bytes, this.resultsContext(), (chunks) => cache.digest(chunks));
    if (!record) {
      return undefined;
    }
    const loaded = await loadConfig(this.fs, this.settings);
    const config = effectiveConfig(loaded);
    if (configKeyOf(loaded, await this.isCorpusFolder(config.corpus)) !== record.config) {
      return undefined;
    }
    const sources = await this.listFiles(config.corpus, SOURCE_EXTENSIONS, false, config.corpus, false);
    if (config.metadata && (await this.fs.stat(config.metadata))?.type === 'file') {
      sources.push(config.metadata);
    }
    sources.sort();
    if (sources.length !== record.sources.length) {
      return undefined;
    }
    for (const [i, [path, state]] of record.sources.entries()) {
      const stat = sources[i] === path ? await this.fs.stat(path) : undefined;
      if (stat?.type !== 'file' || !unchangedSince(state, stat.size, stat.mtime)) {
        return undefined;
      }
    }
    const notes = await this.listFiles('', NOTE_EXTENSION, true, config.corpus, false);
    if (notes.length !== record.notes.length || record.notes.some(([path], i) => notes[i] !== path)) {
      return undefined;
    }
    let same = true;
    await pool(record.notes, READ_CONCURRENCY, async ([path, digest]) => {
      if (same) {
        const bytes = await this.fs.readFile(path).catch(() => undefined);
        if (bytes === undefined || cache.digest([bytes]) !== digest) {
          same = false;
        }
      }
    });
    if (!same) {
      return undefined;
    }
    this.checkedResults = record;
    this.savedResultsDigest = cache.digest([bytes]); // the same results are not written again
    const noteDigests = new Map(record.notes);
    const encoder = new TextEncoder();
    return {
      diagnostics: new Map(record.files),
      holdsNote: (path, text) => {
        const digest = noteDigests.get(path);
        return digest !== undefined && cache.digest([encoder.encode(text)]) === digest;
      },
    };
  }

  /**
   * The corpus files and the metadata file (when it was read), by path, with their
   * states when read (undefined: read without one, or unreadable): what saved results
   * record, and what a load must find to adopt them.
   */
  private sourceStates(): Array<[string, string | undefined]> {
    const states: Array<[string, string | undefined]> = [...this.corpusFiles.keys()].map((path) => [path, this.fileStates.get(path)]);
    if (this.config.metadata && this.metadataState !== undefined) {
      states.push([this.config.metadata, this.metadataState]);
    }
    return states.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /**
   * Saves every file's diagnostics with what they were computed from (see
   * {@link savedResults}), when the workspace is fully known: every corpus file, the
   * metadata file and every note read with its state or digest, and every note open
   * in an editor holding the text its file holds. Resolves to whether it wrote;
   * rejects when writing failed.
   */
  async saveResults(): Promise<boolean> {
    const cache = this.cache;
    if (!cache?.writeResults || this.loading) {
      return false;
    }
    // What is read from disk first: the files of the notes open in an editor, and
    // whether a metadata file without a state is there.
    const onDisk = new Map<string, { text: string; digest: string } | undefined>();
    for (const note of this.notes.values()) {
      if (note.version !== undefined || note.digest === undefined) {
        const bytes = await this.fs.readFile(note.path).catch(() => undefined);
        const decoded = bytes && decodeText(bytes, Number.MAX_SAFE_INTEGER);
        onDisk.set(note.path, decoded && 'text' in decoded ? { text: decoded.text, digest: cache.digest([bytes]) } : undefined);
      }
    }
    const unreadMetadata = this.config.metadata !== undefined && this.metadataState === undefined && (await this.fs.stat(this.config.metadata)) !== undefined;
    // From here on without waiting: an edit or a file event cannot come between what is
    // checked and the diagnostics computed from it.
    if (this.loading || unreadMetadata) {
      return false; // a load began meanwhile; a metadata file that could not be read
    }
    this.refreshStale();
    const states = this.sourceStates();
    if (states.some(([, state]) => state === undefined)) {
      return false; // unreadable, or read without a state: nothing to vouch with
    }
    const sources = states as Array<[string, string]>;
    const notes: Array<[string, string]> = [];
    for (const note of this.notes.values()) {
      let digest = note.digest;
      if (note.version !== undefined || digest === undefined) {
        // Open in an editor: only when the file holds the same text.
        const disk = onDisk.get(note.path);
        if (disk?.text !== note.text) {
          return false;
        }
        digest = disk.digest;
      }
      notes.push([note.path, digest]);
    }
    if ([...this.fileProblems.keys()].some((path) => this.isNote(path))) {
      return false; // an unreadable note
    }
    const files: ResultsRecord['files'] = [];
    this.prepareAll();
    for (const path of this.diagnosticPaths()) {
      const diagnostics = this.diagnostics(path);
      if (diagnostics.length > 0) {
        files.push([path, diagnostics]);
      }
    }
    const quoteTrouble: string[] = [];
    const allIds: string[] = [];
    for (const note of this.notes.values()) {
      if (note.quoteProblems ? note.quoteProblems.length > 0 : note.quoteTrouble === true) {
        quoteTrouble.push(note.path);
      }
      if (note.dependsOnAllIds) {
        allIds.push(note.path);
      }
    }
    const byPath = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    const record: ResultsRecord = {
      context: this.resultsContext(),
      config: this.configKey,
      sources,
      notes: notes.sort(byPath),
      files,
      quoteTrouble: quoteTrouble.sort(),
      allIds: allIds.sort(),
    };
    const bytes = encodeResults(record, (chunks) => cache.digest(chunks));
    const digest = cache.digest([bytes]);
    if (digest === this.savedResultsDigest) {
      return false;
    }
    await cache.writeResults(bytes);
    this.savedResultsDigest = digest;
    return true;
  }

  /**
   * Reads a note or a corpus file: its text and, with a cache, the digest of its bytes
   * (a source's tag in the index, a note's key for its tree); undefined when it cannot
   * be read (a problem is recorded).
   */
  private async readDigested(path: string, maxBytes?: number): Promise<(ReadText) | undefined> {
    const read = await this.readBytes(path);
    const text = read && this.decodeBytes(path, read.bytes, maxBytes);
    return text === undefined ? undefined : { ...read!, text };
  }

  /** Reads and decodes a file; records a problem and returns undefined when it cannot. */
  private async readText(path: string, maxBytes?: number): Promise<string | undefined> {
    const read = await this.readBytes(path);
    return read && this.decodeBytes(path, read.bytes, maxBytes);
  }

  /**
   * A file's bytes and, with a cache, their digest (and, when `withState`, the file's
   * state before the read); records a problem and returns undefined when it cannot be read.
   */
  private async readBytes(path: string, withState = false): Promise<{ bytes: Uint8Array; digest?: string; fileState?: string } | undefined> {
    try {
      // The state is taken before the bytes: a change in between shows at the next load.
      const readAt = Date.now();
      let stat: FileStat | undefined;
      let bytes: Uint8Array;
      if (withState && this.cache && this.fs.readFileAndStat) {
        ({ bytes, stat } = await this.fs.readFileAndStat(path));
      } else {
        stat = withState && this.cache ? await this.fs.stat(path) : undefined;
        bytes = await this.fs.readFile(path);
      }
      return { bytes, digest: this.cache?.digest([bytes]), fileState: stat?.type === 'file' ? fileStateOf(stat.size, stat.mtime, readAt) : undefined };
    } catch (e) {
      this.addFileProblem(path, 'unreadable-file', `${path} cannot be read: ${(e as Error).message}`);
      return undefined;
    }
  }

  /**
   * Starts hashing the files of a batch that the index does not hold (on the
   * hasher's thread, which gets a copy of their bytes).
   */
  private hashBatch(hasher: TextHasher, batch: readonly string[], files: Map<string, Read>, known: ReadonlySet<string>): Promise<Map<string, HashedFile>> {
    const paths = batch.filter((path) => !known.has(path) && files.get(path)?.bytes instanceof Uint8Array);
    if (paths.length === 0) {
      return Promise.resolve(new Map()); // nothing to hash (a warm load): no thread started
    }
    // A source's title and date come from its text where its metadata lacks one (see refreshKey): the hasher reads them there.
    const wantFacts = paths.map((path) => lacksFacts(this.metadata.get(keyOf(path))));
    // Line maps too, but in a load in a hurry to its first diagnostics (postings deferred).
    // The index's vocabulary too, so that a hasher on a thread gives word ids (see registerBatch).
    const bytes = paths.map((path) => files.get(path)!.bytes as Uint8Array);
    return hasher.hash(bytes, MAX_SOURCE_BYTES, wantFacts, !this.corpus.postingsDeferred, this.corpus.vocabularyState()).then((results) => new Map(paths.map((path, i) => [path, results[i]])));
  }

  /**
   * Registers the files of a batch, in path order: `known` ones reattached (their text
   * decoded only if asked for), the others with their hashes when they were hashed elsewhere.
   */
  private registerBatch(batch: readonly string[], files: Map<string, Read>, known: ReadonlySet<string>, hashed: Map<string, HashedFile> | undefined): void {
    for (const path of batch) {
      const read = files.get(path);
      if (!read || known.has(path)) {
        this.registerCorpusFile(path, read);
        continue;
      }
      const result = hashed?.get(path);
      // Words given as ids of the hasher's copy of the vocabulary: the words it added are
      // added here first, in the same order (whatever becomes of the file), and its ids
      // used as they are. Unless this vocabulary grew apart from that copy (other words
      // were added to it meanwhile): the file is then hashed here, as without a hasher.
      const interned = result?.interned && this.corpus.adoptWords(result.interned.base, result.interned.chain, result.interned.added) ? result.interned : undefined;
      if (result && (interned || !result.interned)) {
        if (result.problem !== undefined) {
          this.undecodable(path, result.problem);
          this.registerUnusable(path, read);
        } else if (interned) {
          // (Kept as they are: see HashedFile.interned.)
          this.registerCorpusFile(path, { ...read, bytes: result.bytes }, { ids: interned.ids, starts: interned.starts }, result.facts, result.lines);
        } else {
          // (The line map copied out of the hasher's buffer, which the next batch reuses.)
          this.registerCorpusFile(path, { ...read, bytes: result.bytes }, { hashes: result.hashes!, starts: result.starts!, folds: result.folds }, result.facts, result.lines?.slice());
        }
        continue;
      }
      const text = read.bytes instanceof Uint8Array ? this.decodeBytes(path, read.bytes) : undefined;
      if (text === undefined) {
        this.registerUnusable(path, read);
      } else {
        this.registerCorpusFile(path, { ...read, text });
      }
    }
  }

  /** Records a corpus file read but not valid text (its state kept: the saved results vouch for it too). */
  private registerUnusable(path: string, read: Read | undefined): void {
    this.registerCorpusFile(path, undefined);
    if (read?.fileState !== undefined) {
      this.fileStates.set(path, read.fileState);
    }
  }

  /**
   * A corpus file the restored index vouches for: same key, size and modification
   * time as when its bytes were read and indexed (see {@link unchangedSince}). It is
   * not read now: its source reads its bytes the first time its text is needed, and
   * checks them against the digest then (see {@link readVouched}). Undefined when the
   * file must be read (no cache, no such entry, another state, or a file system that
   * cannot read synchronously).
   */
  private async vouched(path: string): Promise<Read | undefined> {
    const entry = this.cache && this.fs.readFileSync ? this.corpus.detachedEntry(keyOf(path)) : undefined;
    if (entry?.fileState === undefined) {
      return undefined;
    }
    const stat = await this.fs.stat(path);
    if (stat?.type !== 'file' || !unchangedSince(entry.fileState, stat.size, stat.mtime)) {
      return undefined;
    }
    return { bytes: () => this.readVouched(path, entry.tag), digest: entry.tag, fileState: entry.fileState };
  }

  /**
   * Reads a vouched-for file when its source first needs its text. Bytes that are not
   * the ones indexed (the file changed after the load looked at it) are returned all
   * the same, and the file is queued to be read and indexed again (see {@link refreshStale}).
   */
  private readVouched(path: string, tag: string): Uint8Array {
    let bytes: Uint8Array;
    try {
      bytes = this.fs.readFileSync!(path);
    } catch {
      bytes = new Uint8Array(0);
    }
    if (this.cache!.digest([bytes]) !== tag) {
      this.staleFiles.add(path);
    }
    return bytes;
  }

  /** Vouched-for corpus files found changed when their bytes were read (see {@link readVouched}). */
  private readonly staleFiles = new Set<string>();

  /**
   * Reads and indexes again the corpus files found changed since the load vouched for
   * them (the file watcher reports them too, later). Runs before diagnostics are computed.
   */
  private refreshStale(): void {
    for (const path of this.staleFiles) {
      this.staleFiles.delete(path);
      if (this.corpusFiles.get(path) === undefined) {
        continue; // gone since
      }
      this.removeCorpusFile(path);
      let bytes: Uint8Array | undefined;
      try {
        bytes = this.fs.readFileSync!(path);
      } catch (e) {
        this.addFileProblem(path, 'unreadable-file', `${path} cannot be read: ${(e as Error).message}`);
      }
      const text = bytes && this.decodeBytes(path, bytes);
      this.registerCorpusFile(path, bytes && text !== undefined ? { bytes, text, digest: this.cache?.digest([bytes]) } : undefined);
      this.invalidateQuotes(keyOf(path));
    }
  }

  /** A file's text; records a problem and returns undefined when it is not text we check. */
  private decodeBytes(path: string, bytes: Uint8Array, maxBytes?: number): string | undefined {
    const decoded = decodeText(bytes, maxBytes);
    if ('problem' in decoded) {
      this.undecodable(path, decoded.problem);
      return undefined;
    }
    return decoded.text;
  }

  /** Records that a file is not text that is checked (`decodeText`'s problem). */
  private undecodable(path: string, problem: string): void {
    this.addFileProblem(path, 'unreadable-file', `${path} ${problem}; it is not checked`);
  }

  private addFileProblem(path: string, code: string, message: string, severity?: Severity): void {
    const sev = effectiveSeverity(code, severity ?? 'error', this.config.severity);
    if (!sev) {
      return;
    }
    this.changedPaths.add(path);
    const list = this.fileProblems.get(path) ?? [];
    list.push({ path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: severity ?? sev, code, message });
    this.fileProblems.set(path, list);
  }

  // ---------------------------------------------------------------- corpus

  private async isCorpusFolder(corpus = this.config.corpus): Promise<boolean> {
    return corpus === '' || (await this.fs.stat(corpus))?.type === 'directory';
  }

  isCorpusFile(path: string): boolean {
    const corpus = this.config.corpus;
    return SOURCE_EXTENSIONS.test(path) && (corpus === '' || path.startsWith(`${corpus}/`));
  }

  isNote(path: string): boolean {
    if (!NOTE_EXTENSION.test(path)) {
      return false;
    }
    const parts = path.split('/');
    if (parts.some((p) => SKIPPED_FOLDERS.has(p))) {
      return false;
    }
    const corpus = this.config.corpus;
    return corpus === '' ? true : !path.startsWith(`${corpus}/`);
  }

  /**
   * Records a corpus file (read undefined: unreadable, or not valid text) and updates
   * the sources of its key. `read.text` may be left undefined only for bytes known to
   * be valid text (the saved index holds them). `hashed`, `facts`, `lines`: its words,
   * title and date, and line map as the hasher read them.
   */
  private registerCorpusFile(path: string, read: Read | undefined, hashed?: PrecomputedWords, facts?: TextFacts, lines?: Uint32Array): void {
    const key = keyOf(path);
    this.corpusFiles.set(path, key);
    if (read === undefined) {
      return;
    }
    const paths = this.keyPaths.get(key) ?? [];
    if (!paths.includes(path)) {
      paths.push(path);
      paths.sort();
    }
    this.keyPaths.set(key, paths);
    this.pendingTexts.set(path, read.bytes);
    if (read.digest === undefined) {
      this.pendingTags.delete(path);
    } else {
      this.pendingTags.set(path, read.digest);
    }
    if (read.fileState === undefined) {
      this.fileStates.delete(path);
    } else {
      this.fileStates.set(path, read.fileState);
    }
    this.refreshKey(key, { path, text: read.text, hashed, facts, lines });
  }

  /**
   * The bytes of the readable corpus files by path (the very bytes their sources
   * hold, so no copy): when one of two files sharing a key goes, the other's source
   * is added back from here.
   */
  private readonly pendingTexts = new Map<string, Uint8Array | (() => Uint8Array)>();
  /** Content tags of the corpus files (with a cache only), by path. */
  private readonly pendingTags = new Map<string, string>();
  /** States of the corpus files when read (with a cache only), by path. */
  private readonly fileStates = new Map<string, string>();

  /**
   * Makes the corpus hold `key` iff exactly one readable file has it; reports
   * duplicates. `fresh`: a file just read, with its text (not decoded again).
   */
  private refreshKey(key: string, fresh?: { path: string; text?: string; hashed?: PrecomputedWords; facts?: TextFacts; lines?: Uint32Array }): void {
    const paths = this.keyPaths.get(key) ?? [];
    this.corpus.remove(key);
    for (const path of paths) {
      const kept = (this.fileProblems.get(path) ?? []).filter((d) => d.code !== 'duplicate-source');
      if (kept.length > 0) {
        this.fileProblems.set(path, kept);
      } else {
        this.fileProblems.delete(path);
      }
      this.changedPaths.add(path);
    }
    if (paths.length === 1) {
      const path = paths[0];
      // Bytes registered here were valid text when read (see registerCorpusFile).
      const bytes = this.pendingTexts.get(path);
      if (bytes !== undefined) {
        let text = fresh?.path === path ? fresh.text : undefined;
        const hashed = fresh?.path === path ? fresh.hashed : undefined;
        const metadata = this.metadata.get(key);
        const tag = this.pendingTags.get(path);
        let content = bytes;
        // The title and date the text gives, when the metadata lacks one: from the cache
        // for the same bytes (the file is then not read for them), else from the text.
        let facts: TextFacts | undefined;
        if (lacksFacts(metadata)) {
          const entry = this.corpus.detachedEntry(key);
          facts = entry?.facts !== undefined && entry.tag === tag ? parseFacts(entry.facts) : undefined;
          // Else from the text: as the hasher read them (it decoded the text), or from it now.
          facts ??= fresh?.path === path ? fresh.facts : undefined;
          if (!facts) {
            if (typeof content === 'function') {
              content = content(); // read now, and kept
            }
            text ??= decodeSourceBytes(content);
            facts = textFacts(text);
          }
        }
        // Its line map, as the hasher made it, or from the text when it is decoded here.
        let lines = fresh?.path === path ? fresh.lines : undefined;
        if (!lines && text !== undefined && content instanceof Uint8Array && !this.corpus.postingsDeferred) {
          lines = lineMap(text, content);
        }
        this.corpus.add(createSource(key, path, text, this.config.paragraphs, metadata, content, facts, lines), tag, { fileState: this.fileStates.get(path), hashed, facts: facts && JSON.stringify(facts) });
      }
    } else if (paths.length > 1) {
      for (const path of paths) {
        const others = paths.filter((p) => p !== path);
        this.addFileProblem(path, 'duplicate-source', `Source key "${key}" is also the name of ${others.join(', ')}; neither file is used`);
      }
    }
    this.sourceMentionMemo.clear();
    this.corpusGeneration++;
  }

  /** Keys held by more than one corpus file. */
  get duplicateKeys(): Map<string, string[]> {
    return this.memo('duplicateKeys', { corpus: true }, () => new Map([...this.keyPaths].filter(([, paths]) => paths.length > 1)));
  }

  // ---------------------------------------------------------------- file events

  /** A file was created, changed or deleted on disk. Returns the notes whose diagnostics may have changed. */
  async fileChanged(path: string, change: 'created' | 'changed' | 'deleted'): Promise<'reload' | 'corpus' | 'note' | 'none'> {
    if (path === CONFIG_FILE || path === this.config.metadata || (this.isCorpusFile(path) && (await this.isCorpusFolder()) !== this.corpusFolderExists)) {
      await this.load();
      return 'reload';
    }
    if (this.isCorpusFile(path)) {
      this.removeCorpusFile(path);
      if (change !== 'deleted') {
        const read = await this.readBytes(path, true);
        const text = read && this.decodeBytes(path, read.bytes);
        if (read && text !== undefined) {
          this.registerCorpusFile(path, { ...read, text });
        } else {
          this.registerUnusable(path, read);
        }
      }
      this.invalidateQuotes(keyOf(path));
      return 'corpus';
    }
    if (this.isNote(path)) {
      const note = this.notes.get(path);
      if (note?.version !== undefined) {
        return 'none'; // the editor's text wins while the note is open
      }
      this.fileProblems.delete(path);
      this.changedPaths.add(path);
      if (change === 'deleted') {
        this.removeNote(path);
      } else {
        const read = await this.readDigested(path, Number.MAX_SAFE_INTEGER);
        if (read === undefined) {
          this.removeNote(path);
        } else {
          this.setNote(path, read.text, undefined, undefined, read.digest);
        }
      }
      return 'note';
    }
    return 'none';
  }

  private removeCorpusFile(path: string): void {
    const key = this.corpusFiles.get(path);
    this.fileProblems.delete(path);
    this.changedPaths.add(path);
    this.pendingTexts.delete(path);
    this.pendingTags.delete(path);
    this.fileStates.delete(path);
    if (key === undefined) {
      return;
    }
    this.corpusFiles.delete(path);
    const paths = (this.keyPaths.get(key) ?? []).filter((p) => p !== path);
    if (paths.length === 0) {
      this.keyPaths.delete(key);
    } else {
      this.keyPaths.set(key, paths);
    }
    this.refreshKey(key);
  }

  /**
   * Drops the cached quotation checks a change of `key` can affect: notes that cite
   * it, and notes with any citation problem (a new source can settle those).
   */
  private invalidateQuotes(key: string): void {
    for (const note of this.notes.values()) {
      if (note.citedKeys.has(key) || (note.quoteProblems ? note.quoteProblems.length > 0 : note.quoteTrouble === true)) {
        note.quoteProblems = undefined;
        note.quoteTrouble = undefined;
        note.diagnostics = undefined;
        this.changedPaths.add(note.path);
      }
    }
    this.changedKeys.add(`source:${key}`);
    this.invalidate();
  }

  // ---------------------------------------------------------------- notes

  /** Sets a note's text (from disk, or from an editor with its `version`). */
  setNote(path: string, text: string, version?: number, parsed?: NoteAst, digest?: string): NoteState {
    this.deferredNotes.delete(path); // this text is newer than the one deferred
    const old = this.notes.get(path);
    if (old) {
      this.forgetSymbols(old);
    }
    const ast = parsed ?? parseNote(text);
    const symbols = extractSymbols(path, ast);
    const note: NoteState = {
      path,
      text,
      ast,
      lines: new LineIndex(text),
      symbols,
      version,
      digest,
      citedKeys: new Set(ast.citations.flatMap((c) => c.items.map((i) => i.key))),
      mentionedIds: ast.mentions.map((m) => m.id),
      dependencies: dependenciesOf(ast, symbols),
    };
    this.notes.set(path, note);
    this.learnSymbols(note);
    this.compareDefinitions(old?.symbols ?? [], symbols, old?.lines, note.lines);
    this.changedPaths.add(path);
    this.invalidate();
    return note;
  }

  /** Records which keys a note's change of definitions touches (see NoteState.dependencies). */
  private compareDefinitions(before: readonly PnoteSymbol[], after: readonly PnoteSymbol[], beforeLines?: LineIndex, afterLines?: LineIndex): void {
    // Where a definition stands, as other notes' related information shows it: an edit
    // above it that keeps its offset (same length) can still move it to another line.
    const place = (s: PnoteSymbol, lines?: LineIndex) => {
      const at = lines?.positionAt(s.definition.idSpan.start);
      return `${s.definition.span.start}:${at ? `${at.line}:${at.character}` : ''}`;
    };
    const describe = (symbols: readonly PnoteSymbol[], lines?: LineIndex) => new Map(symbols.map((s) => [s.id, { sig: signature(s), at: place(s, lines), symbol: s }]));
    const was = describe(before, beforeLines);
    const is = describe(after, afterLines);
    let moved = false;
    for (const id of new Set([...was.keys(), ...is.keys()])) {
      const a = was.get(id);
      const b = is.get(id);
      if (a?.sig !== b?.sig) {
        this.changedKeys.add(`id:${id}`);
        if (!a || !b) {
          this.changedKeys.add('*');
        }
      }
      if (a?.sig !== b?.sig || a?.at !== b?.at) {
        moved = true;
        this.changedKeys.add(`def:${id}`);
        for (const entry of [a, b]) {
          if (entry?.symbol.type === 'entity') {
            for (const name of entityNames(entry.symbol)) {
              this.changedKeys.add(`alias:${normalName(name)}`);
            }
          }
        }
      }
    }
    if (moved || was.size !== is.size) {
      this.symbolsChanged();
    }
  }

  /**
   * Drops the cached definition problems of every note that depends on a key
   * changed since the last call; their paths join the changed paths.
   */
  private invalidate(): void {
    if (this.changedKeys.size === 0 || this.loading) {
      this.changedKeys.clear(); // while loading, every note is new: nothing cached to drop
      return;
    }
    // The notes that depend on a changed key, from the index of dependents: an edit's
    // cost does not grow with the number of notes.
    const stale = new Set<NoteState>(this.changedKeys.has('*') ? this.allIdsDependents : []);
    for (const key of this.changedKeys) {
      for (const note of this.dependents.get(key) ?? []) {
        stale.add(note);
      }
    }
    for (const note of stale) {
      note.definitionProblems = undefined;
      note.diagnostics = undefined;
      this.changedPaths.add(note.path);
    }
    this.changedKeys.clear();
  }

  /** Paths whose diagnostics may have changed since the last call (all, after a load). */
  takeChangedPaths(): string[] {
    const paths = [...this.changedPaths].sort();
    this.changedPaths.clear();
    return paths;
  }

  /** The editor closed a note: from now on its text is the one on disk. */
  async closeNote(path: string): Promise<void> {
    const note = this.notes.get(path);
    if (!note) {
      return;
    }
    note.version = undefined;
    await this.fileChanged(path, (await this.fs.stat(path)) ? 'changed' : 'deleted');
  }

  removeNote(path: string): void {
    this.deferredNotes.delete(path);
    const note = this.notes.get(path);
    if (note) {
      this.forgetSymbols(note);
      this.notes.delete(path);
      this.compareDefinitions(note.symbols, []);
      this.changedPaths.add(path);
      this.invalidate();
    }
  }

  private learnSymbols(note: NoteState): void {
    for (const key of note.dependencies) {
      let notes = this.dependents.get(key);
      if (!notes) {
        this.dependents.set(key, (notes = new Set()));
      }
      notes.add(note);
    }
    for (const symbol of note.symbols) {
      const list = this.symbolsById.get(symbol.id) ?? [];
      list.push(symbol);
      // In path and position order, whatever order the notes changed in.
      list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.definition.span.start - b.definition.span.start));
      this.symbolsById.set(symbol.id, list);
    }
    for (const id of note.mentionedIds) {
      const count = this.mentionCounts.get(id) ?? 0;
      if (count === 0) {
        this.changedKeys.add(`def:${id}`); // now used
      }
      this.mentionCounts.set(id, count + 1);
    }
  }

  private forgetSymbols(note: NoteState): void {
    for (const key of note.dependencies) {
      const notes = this.dependents.get(key);
      notes?.delete(note);
      if (notes?.size === 0) {
        this.dependents.delete(key);
      }
    }
    this.allIdsDependents.delete(note);
    for (const symbol of note.symbols) {
      const list = (this.symbolsById.get(symbol.id) ?? []).filter((s) => s !== symbol);
      if (list.length === 0) {
        this.symbolsById.delete(symbol.id);
      } else {
        this.symbolsById.set(symbol.id, list);
      }
    }
    for (const id of note.mentionedIds) {
      const count = (this.mentionCounts.get(id) ?? 0) - 1;
      if (count <= 0) {
        this.mentionCounts.delete(id);
        this.changedKeys.add(`def:${id}`); // now unused, unless mentioned again
      } else {
        this.mentionCounts.set(id, count);
      }
    }
  }

  private symbolsChanged(): void {
    this.aliasIndex = undefined;
    this.closest = undefined;
    this.symbolGeneration++;
  }

  /**
   * A value computed once per state of the symbols and/or the corpus, e.g. a fuzzy
   * index for completion. `depends` says which changes make it stale.
   */
  memo<T>(name: string, depends: { symbols?: boolean; corpus?: boolean }, compute: () => T): T {
    const generation = this.memoGeneration(depends);
    const cached = this.memos.get(name);
    if (cached && cached.generation === generation) {
      return cached.value as T;
    }
    const value = compute();
    boundedSet(this.memos, name, { generation, value }, 1000);
    return value;
  }

  /** Whether {@link memo} holds a value for `name` that is still valid (nothing is computed). */
  memoized(name: string, depends: { symbols?: boolean; corpus?: boolean }): boolean {
    return this.memos.get(name)?.generation === this.memoGeneration(depends);
  }

  private memoGeneration(depends: { symbols?: boolean; corpus?: boolean }): string {
    return `${depends.symbols ? this.symbolGeneration : '-'}/${depends.corpus ? this.corpusGeneration : '-'}`;
  }

  // ---------------------------------------------------------------- symbols

  lookup(id: string): readonly PnoteSymbol[] {
    return this.symbolsById.get(id) ?? [];
  }

  allSymbols(): PnoteSymbol[] {
    return [...this.symbolsById.values()].flat();
  }

  mentionCount(id: string): number {
    return this.mentionCounts.get(id) ?? 0;
  }

  entitiesNamed(name: string): readonly EntitySymbol[] {
    if (!this.aliasIndex) {
      const index = new Map<string, EntitySymbol[]>();
      for (const symbol of this.allSymbols()) {
        if (symbol.type !== 'entity') {
          continue;
        }
        for (const key of new Set(entityNames(symbol).map(normalName))) {
          if (key !== '') {
            index.set(key, [...(index.get(key) ?? []), symbol]);
          }
        }
      }
      this.aliasIndex = index;
    }
    return this.aliasIndex.get(normalName(name)) ?? [];
  }

  closestIds(id: string, type: PnoteSymbol['type'], limit: number): string[] {
    return this.closestIndexes()[type].closest(id, limit);
  }

  private closestIndexes(): { entity: ClosestStrings; event: ClosestStrings } {
    if (!this.closest) {
      const ids = (t: PnoteSymbol['type']) => [...new Set(this.allSymbols().filter((s) => s.type === t).map((s) => s.id))].sort();
      this.closest = { entity: new ClosestStrings(ids('entity')), event: new ClosestStrings(ids('event')) };
    }
    return this.closest;
  }

  /** Whether source `key` contains `phrase` as a sequence of words. */
  sourceMentions(key: string, phrase: string): boolean {
    const memoKey = `${key}\u0000${phrase}`;
    let found = this.sourceMentionMemo.get(memoKey);
    if (found === undefined) {
      const source = this.corpus.get(key);
      const pattern = parseQuote(phrase);
      // On the index's word ids when it has them (no tokenising); the same answer either way.
      found = source !== undefined && pattern.wordCount > 0 && (this.corpus.quickExact(key, pattern) ?? findExact(source, pattern)).length > 0;
      boundedSet(this.sourceMentionMemo, memoKey, found, MAX_MEMO_ENTRIES);
    }
    return found;
  }

  // ---------------------------------------------------------------- diagnostics

  /** Every diagnostic of one file (a note, or a corpus or configuration file). */
  diagnostics(path: string): Diagnostic[] {
    this.refreshStale();
    const note = this.notes.get(path);
    const fileLevel = this.fileProblems.get(path) ?? [];
    if (!note) {
      return [...fileLevel];
    }
    // Computed (the problems then cached too), or adopted from saved results.
    if (!note.diagnostics) {
      if (!note.quoteProblems) {
        note.quoteProblems = checkQuotations(note.ast, { corpus: this.corpus, duplicateKeys: this.duplicateKeys, judge: this.judge });
        note.quoteTrouble = undefined;
      }
      if (!note.definitionProblems) {
        note.definitionProblems = checkDefinitions(note.ast, note.symbols, this);
        note.dependsOnAllIds = note.definitionProblems.some((p) => p.code === 'unknown-entity' || p.code === 'unknown-event');
        if (note.dependsOnAllIds) {
          this.allIdsDependents.add(note);
        } else {
          this.allIdsDependents.delete(note);
        }
      }
      const problems: NoteProblem[] = [
        ...note.ast.errors.map((e) => ({ span: e.span, code: e.code, message: e.message, severity: e.severity })),
        ...note.quoteProblems,
        ...note.definitionProblems,
      ];
      const out: Diagnostic[] = [];
      for (const problem of problems) {
        const diagnostic = this.toDiagnostic(note, problem);
        if (diagnostic) {
          out.push(diagnostic);
        }
      }
      note.diagnostics = out.sort(compareDiagnostics);
    }
    return fileLevel.length ? [...fileLevel, ...note.diagnostics] : [...note.diagnostics];
  }

  /**
   * Verdicts by quotation text and citation, for the current corpus: a note edit
   * re-judges only the quotations it changed, and a quotation repeated across notes
   * is judged once.
   */
  private readonly judge = (text: string, items: readonly CitationItem[]): QuoteVerdict => {
    return this.knownVerdict(text, items) ?? this.keepVerdict(text, items, judgeQuotation(this.corpus, parseQuote(text), items));
  };

  private verdictMemo() {
    return this.memo('verdicts', { corpus: true }, () => ({ byText: new Map<string, Array<{ citation: string; verdict: QuoteVerdict; items: readonly CitationItem[] }>>(), size: 0 }));
  }

  /** The verdict of a quotation and citation already judged (see {@link judge}); undefined when there is none. */
  private knownVerdict(text: string, items: readonly CitationItem[]): QuoteVerdict | undefined {
    // By the quotation's text (a string of a note's tree, whose hash V8 computes once),
    // then by its citation's keys and locators: no key the text's length is built and
    // hashed at each call (measured: ~3 times faster; 40,000 calls in a 10k check).
    const citation = citationKey(items);
    const cached = this.verdictMemo().byText.get(text)?.find((entry) => entry.citation === citation);
    if (!cached) {
      return undefined;
    }
    // The same quotation and citation elsewhere (or moved): the verdict holds, but its
    // citation items must be this citation's, with their own positions.
    const rebind = (item: CitationItem) => items[cached.items.indexOf(item)] ?? item;
    const verdict = cached.verdict;
    switch (verdict.kind) {
      case 'unchecked':
        return verdict;
      case 'not-found':
        return { ...verdict, items: verdict.items.map(rebind) };
      case 'outside-locator':
        return { ...verdict, item: rebind(verdict.item) as typeof verdict.item };
      default:
        return { ...verdict, item: rebind(verdict.item) };
    }
  }

  /** Keeps the verdict of a quotation and citation just judged (see {@link judge}); returns it. */
  private keepVerdict(text: string, items: readonly CitationItem[], verdict: QuoteVerdict): QuoteVerdict {
    const verdicts = this.verdictMemo();
    if (verdicts.size >= this.verdictLimit) {
      verdicts.byText.clear();
      verdicts.size = 0;
    }
    const entry = { citation: citationKey(items), verdict, items };
    const forText = verdicts.byText.get(text);
    if (forText) {
      forText.push(entry);
    } else {
      verdicts.byText.set(text, [entry]);
    }
    verdicts.size++;
    return verdict;
  }

  /**
   * Bound of the verdict memo: {@link MAX_MEMO_ENTRIES}, or room for every quotation
   * of the workspace and as many drafts when there are more (set by {@link prepareAll},
   * which judges them all before the notes' diagnostics read the verdicts back: a
   * smaller memo would start over mid-way, and most would be judged twice).
   */
  private verdictLimit = MAX_MEMO_ENTRIES;

  /**
   * Judges every quotation not judged yet, grouped by the source it cites, so each
   * source is tokenised once rather than once per citing note (the token cache is
   * bounded), in two rounds (see below). Called before computing the diagnostics of
   * the whole workspace.
   */
  prepareAll(): void {
    this.refreshStale();
    // By the first key cited, in the notes' order within a key (a source's text is then decoded once, see `SourceInfo.text`).
    const byKey = new Map<string, Array<{ text: string; items: readonly CitationItem[] }>>();
    let quotations = 0;
    /** The texts of the uncited quotations the notes' checks will search the corpus for (see `uncitedQuote`). */
    const uncited: string[] = [];
    for (const note of this.notes.values()) {
      quotations += note.ast.quotations.length;
      if (note.quoteProblems || note.diagnostics) {
        continue; // judged, or diagnostics adopted from saved results
      }
      for (const quotation of note.ast.quotations) {
        if (quotation.citation === undefined && quotation.wordCount >= UNCITED_QUOTE_MIN_WORDS) {
          uncited.push(quotation.text);
        }
        if (quotation.citation !== undefined) {
          const items = note.ast.citations[quotation.citation].items;
          const key = items[0]?.key ?? '';
          const group = byKey.get(key);
          if (group) {
            group.push({ text: quotation.text, items });
          } else {
            byKey.set(key, [{ text: quotation.text, items }]);
          }
        }
      }
    }
    this.verdictLimit = Math.max(MAX_MEMO_ENTRIES, 2 * quotations);
    // In two rounds: first in the cited sources; then, for those standing in none,
    // elsewhere in the corpus, their whole-corpus searches made together (with those
    // of the uncited quotations, which the notes' checks make next: Corpus.searchAhead).
    const rest: Array<{ text: string; items: readonly CitationItem[]; pattern: QuotePattern; cited: CitedSources }> = [];
    for (const key of [...byKey.keys()].sort()) {
      for (const { text, items } of byKey.get(key)!) {
        if (this.knownVerdict(text, items)) {
          continue;
        }
        const pattern = parseQuote(text);
        const first = judgeInCited(this.corpus, pattern, items);
        if ('verdict' in first) {
          this.keepVerdict(text, items, first.verdict);
        } else {
          rest.push({ text, items, pattern, cited: first.cited });
        }
      }
    }
    if (rest.length + uncited.length >= SEARCH_AHEAD_MIN) {
      this.corpus.searchAhead([...rest.map((r) => r.pattern), ...uncited.map((text) => parseQuote(text))]);
    }
    for (const { text, items, pattern, cited } of rest) {
      // (A quotation and citation met twice in the first round is judged once.)
      if (!this.knownVerdict(text, items)) {
        this.keepVerdict(text, items, judgeElsewhere(this.corpus, pattern, cited));
      }
    }
  }

  /**
   * How many diagnostics of each severity the workspace has (what `allDiagnostics`
   * would count), without listing or sorting paths: the status bar asks after every
   * publication.
   */
  severityCounts(): Record<Severity, number> {
    this.prepareAll();
    const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
    for (const path of this.notes.keys()) {
      for (const d of this.diagnostics(path)) {
        counts[d.severity]++;
      }
    }
    for (const [path, list] of this.fileProblems) {
      if (!this.notes.has(path)) {
        for (const d of list) {
          counts[d.severity]++;
        }
      }
    }
    return counts;
  }

  /** Paths of every file that has or may have diagnostics: all notes and files with problems. */
  diagnosticPaths(): string[] {
    return [...new Set([...this.notes.keys(), ...this.fileProblems.keys()])].sort();
  }

  private toDiagnostic(note: NoteState, problem: NoteProblem): Diagnostic | undefined {
    const severity = effectiveSeverity(problem.code, problem.severity ?? 'error', this.config.severity);
    if (!severity) {
      return undefined;
    }
    const range = (span: Span) => note.lines.rangeOf(span);
    const diagnostic: Diagnostic = { path: note.path, range: range(problem.span), severity, code: problem.code, message: problem.message };
    if (problem.fixes && problem.fixes.length > 0) {
      diagnostic.fixes = problem.fixes.map((fix) => ({
        title: fix.title,
        preferred: fix.preferred,
        edits: fix.edits.map((edit) => ({ path: note.path, range: range(edit.span), newText: edit.newText })),
      }));
    }
    if (problem.related && problem.related.length > 0) {
      diagnostic.related = problem.related.flatMap((r) => {
        const other = this.notes.get(r.path);
        return other ? [{ path: r.path, range: other.lines.rangeOf(r.span), message: r.message }] : [];
      });
    }
    return diagnostic;
  }

  stats(): IndexStats {
    let citations = 0;
    let quotations = 0;
    for (const note of this.notes.values()) {
      citations += note.ast.citations.reduce((n, c) => n + c.items.length, 0);
      quotations += note.ast.quotations.length;
    }
    const symbols = this.allSymbols();
    return {
      notes: this.notes.size,
      sources: this.corpus.size,
      entities: symbols.filter((s) => s.type === 'entity').length,
      events: symbols.filter((s) => s.type === 'event').length,
      citations,
      quotations,
    };
  }
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
