/**
 * Incremental equals full (issue 5, item 2), property-based: random sequences of
 * character-level edits on open notes (insert, delete, replace at random offsets,
 * paste of a definition, citation or quotation, undo), of disk events on closed notes
 * and corpus files (create, change, delete, rename, duplicate keys, unreadable
 * bytes), of configuration and metadata changes, and of "checkouts" that touch many
 * files at once before every event arrives. After each step:
 *
 * - every file's diagnostics, the statistics and the symbol list equal those of a
 *   FRESH service loaded from the same files (open notes' texts applied on top);
 * - every file whose diagnostics changed since the previous step is among the
 *   workspace's changed paths: the server publishes only those, so a path missing
 *   there would leave a stale diagnostic on screen.
 *
 * reliability.test.ts runs a coarser model (snippet inserts, fixed checkouts); this
 * one cuts text at any offset and changes configuration. Seeded and bounded; set
 * PNOTE_LONG=1 for the long run (`npm run soak`).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { createLanguageService, type LanguageService } from '../../server/src/service';
import { MemoryFileSystem } from '../../server/src/workspace/fs';
import { CORPUS, MemoryCache, REGISTRY } from './helpers';

const LONG = process.env.PNOTE_LONG === '1';
const RUNS = Number(process.env.PNOTE_RUNS ?? (LONG ? 3_000 : 60));
/** Steps after which saved results were given back and compared with a fresh build. */
let savedChecks = 0;
/** Open notes whose early diagnostics (a deferred load's, see deferredSnapshot) were compared with the fresh ones. */
let earlyChecks = 0;
/** Restarts whose load adopted saved results (the steps after them then start from those). */
let adoptions = 0;
const MAX_STEPS = LONG ? 30 : 8;
const SEED = Number(process.env.PNOTE_SEED ?? 5_2026);

const NOTES = ['a.pnote', 'b.pnote', 'sub/c.pnote', 'corpus/not-a-note.pnote'];
const SOURCES = ['corpus/a.txt', 'corpus/b.txt', 'corpus/c.txt', 'corpus/sub/a.md', 'corpus/d.MD', 'corpus/bad.txt'];

const SOURCE_TEXTS: Array<string | Uint8Array> = [
  CORPUS['corpus/a.txt'],
  CORPUS['corpus/b.txt'],
  'Pékin a nié.\nLes utilisateurs existants pourront continuer.\nMike Pompeo, secrétaire d’État américain.\n',
  'Un premier paragraphe\ncoupé en deux.\n\nUn second paragraphe: Pompeo a parlé le 5 août 2020.\n',
  '',
  new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
  new Uint8Array([0x50, 0xe9, 0x6b, 0x69, 0x6e, 0x0a]), // Latin-1 "Pékin"
];

/** Pasted wholesale: definitions, citations, quotations, block quotes. */
const SNIPPETS = [
  REGISTRY,
  '\n::: entity pompeo\nname: Mike Pompeo\naliases: Pompeo; secrétaire d’État américain\n:::\n',
  '\n::: entity mike\nname: Mike Pompeo\nkind: persn\n:::\n',
  '\n::: event ban\ntitle: Ban\ndate: 2020-09-18\nactors: @china; @pompeo\nsources: [@b]; [@c]\nafter: #clean-network\n:::\n',
  '\n::: event early\ntitle: Early\ndate: 2020-02-30\nsources: [@a]\nafter: #ban\n:::\n',
  ' @pompeo ',
  ' #ban ',
  ' «Pékin a nié ces accusations» [@a] ',
  ' «Pekin a nié ces accusations» [@a, ¶3] ',
  ' «Les utilisateurs existants pourront continuer» [@b, ¶2] ',
  ' "Un second paragraphe" [@d, l. 4] ',
  ' «Mike Pompeo, secrétaire d’État américain» [@a; @c] ',
  ' «texte inventé de toutes pièces» [@a] ',
  ' «Les utilisateurs existants pourront continuer à utiliser WeChat» ',
  ' [@zzz] [@a, page 4] [@ ',
  '\n> Le programme compte cinq volets\n— [@a]\n',
  '\n---\ntitle: x\n---\n',
];

/** Typed a few characters at a time: syntax pieces and plain letters. */
const PIECES = ['@', '#', '[', ']', '[@', ';', ',', '¶', '«', '»', '"', '“', '”', '`', '\\', '>', ':::', ' ', '\n', '\n\n', 'a', 'é', 'e\u0301', '😀', 'Pékin', 'pompeo', 'china', '-'];

const CONFIGS: Array<string | undefined> = [
  undefined,
  '{ "severity": { "unused-definition": "off", "quote-mismatch": "error" } }',
  '{ "paragraphs": "blocks" }',
  '{ "metadata": "corpus/sources.json" }',
  '{ "corpus": "corpus/sub" }',
  '{ "corpus": "../outside" }',
  '{ "paragraphs": ',
];

const METADATA: Array<string | undefined> = [
  undefined,
  JSON.stringify([
    { id: 'a', title: 'Pompeo présente le programme', issued: { 'date-parts': [[2020, 8, 6]] } },
    { id: 'b', title: 'Washington interdit TikTok', issued: '2020-09-19' },
  ]),
  JSON.stringify([{ id: 'a', issued: { 'date-parts': [[2019, 1, 1]] } }, { title: 'no id' }]),
  '[{',
];

type Step =
  | { kind: 'type'; note: number; at: number; remove: number; pieces: number[] }
  | { kind: 'paste'; note: number; at: number; remove: number; snippet: number }
  | { kind: 'delete-range'; note: number; at: number; length: number }
  | { kind: 'undo'; note: number; back: number }
  | { kind: 'save-close'; note: number }
  | { kind: 'disk-note'; note: number; snippet: number }
  | { kind: 'delete-note'; note: number }
  | { kind: 'rename-note'; from: number; to: number }
  | { kind: 'source'; source: number; text: number }
  | { kind: 'delete-source'; source: number }
  | { kind: 'rename-source'; from: number; to: number }
  | { kind: 'config'; config: number }
  | { kind: 'metadata'; metadata: number }
  | { kind: 'checkout'; seed: number; count: number }
  | { kind: 'restart' };

const note = fc.nat(NOTES.length - 1);
const offset = fc.nat(2_000);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('type' as const), note, at: offset, remove: fc.nat(4), pieces: fc.array(fc.nat(PIECES.length - 1), { minLength: 1, maxLength: 6 }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('paste' as const), note, at: offset, remove: fc.nat(30), snippet: fc.nat(SNIPPETS.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete-range' as const), note, at: offset, length: fc.nat(200) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('undo' as const), note, back: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('save-close' as const), note }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('disk-note' as const), note, snippet: fc.nat(SNIPPETS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete-note' as const), note }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename-note' as const), from: note, to: note }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('source' as const), source: fc.nat(SOURCES.length - 1), text: fc.nat(SOURCE_TEXTS.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete-source' as const), source: fc.nat(SOURCES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename-source' as const), from: fc.nat(SOURCES.length - 1), to: fc.nat(SOURCES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('config' as const), config: fc.nat(CONFIGS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('metadata' as const), metadata: fc.nat(METADATA.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('checkout' as const), seed: fc.nat(10_000), count: fc.integer({ min: 10, max: LONG ? 1_000 : 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
);

const decoder = new TextDecoder();

/** A workspace under test: the files on "disk", the editor's open texts, and the service following both. */
class Session {
  readonly fs: MemoryFileSystem;
  service: LanguageService;
  /** Texts of notes open in the editor, by path. */
  readonly open = new Map<string, string>();
  /** The editor's version of each open note. */
  private readonly versions = new Map<string, number>();
  /** Earlier texts of each open note, for undo. */
  private readonly history = new Map<string, string[]>();
  private version = 1;
  readonly cache = new MemoryCache();

  private constructor(files: Record<string, string | Uint8Array>) {
    this.fs = new MemoryFileSystem(files);
    // With an index cache: reloads (configuration steps) restore what the previous step saved.
    this.service = createLanguageService({ fs: this.fs, cache: this.cache });
  }

  static async start(files: Record<string, string | Uint8Array>): Promise<Session> {
    const session = new Session(files);
    await session.service.load();
    return session;
  }

  exists(path: string): boolean {
    return this.fs.paths().includes(path);
  }

  private async disk(path: string): Promise<string> {
    return this.exists(path) ? decoder.decode(await this.fs.readFile(path)) : '';
  }

  /** The text the editor shows for a note (opening it first if needed). */
  private async current(path: string): Promise<string> {
    return this.open.get(path) ?? (await this.disk(path));
  }

  private edit(path: string, text: string, previous: string): void {
    const history = this.history.get(path) ?? [];
    history.push(previous);
    this.history.set(path, history.slice(-10));
    this.open.set(path, text);
    this.tell(path, text);
  }

  /** As the server does: the editor's text goes to the service only for a note (not, say, a `.pnote` inside the corpus). */
  private tell(path: string, text: string): void {
    this.versions.set(path, ++this.version);
    if (this.service.workspace.isNote(path)) {
      this.service.setNoteText(path, text, this.version);
    }
  }

  /**
   * As the server does after file events (syncOpenDocuments in lsp/server.ts): open
   * documents that are notes, and whose text the service does not hold, are given to it.
   */
  private syncOpen(): void {
    for (const [path, text] of this.open) {
      if (this.service.workspace.isNote(path) && this.service.workspace.notes.get(path)?.version !== this.versions.get(path)) {
        this.service.setNoteText(path, text, this.versions.get(path));
      }
    }
  }

  /** Writes a file and sends its event, as a file watcher would. */
  private async write(path: string, content: string | Uint8Array): Promise<void> {
    const existed = this.exists(path);
    this.fs.write(path, content);
    await this.service.fileChanged(path, existed ? 'changed' : 'created');
  }

  private async remove(path: string): Promise<void> {
    if (this.exists(path)) {
      this.fs.delete(path);
      await this.service.fileChanged(path, 'deleted');
    }
  }

  async apply(s: Step): Promise<void> {
    await this.applyOne(s);
    if (!['type', 'paste', 'delete-range', 'undo'].includes(s.kind)) {
      this.syncOpen();
    }
  }

  private async applyOne(s: Step): Promise<void> {
    switch (s.kind) {
      case 'type':
      case 'paste':
      case 'delete-range': {
        const path = NOTES[s.note];
        const text = await this.current(path);
        const at = s.at % (text.length + 1);
        const remove = s.kind === 'delete-range' ? s.length : s.remove;
        const insert = s.kind === 'type' ? s.pieces.map((i) => PIECES[i]).join('') : s.kind === 'paste' ? SNIPPETS[s.snippet] : '';
        this.edit(path, text.slice(0, at) + insert + text.slice(at + remove), text);
        return;
      }
      case 'undo': {
        const path = NOTES[s.note];
        const history = this.history.get(path) ?? [];
        const back = Math.min(s.back + 1, history.length);
        if (back > 0 && this.open.has(path)) {
          const text = history[history.length - back];
          history.splice(history.length - back);
          this.open.set(path, text);
          this.tell(path, text);
        }
        return;
      }
      case 'save-close': {
        const path = NOTES[s.note];
        const text = this.open.get(path);
        if (text !== undefined) {
          await this.write(path, text);
          this.open.delete(path);
          this.versions.delete(path);
          this.history.delete(path);
          await this.service.closeNote(path);
        }
        return;
      }
      case 'disk-note': {
        // Another program writes the note: ignored while it is open in the editor.
        await this.write(NOTES[s.note], `Written on disk.${SNIPPETS[s.snippet]}`);
        return;
      }
      case 'delete-note':
        await this.remove(NOTES[s.note]);
        return;
      case 'rename-note': {
        const from = NOTES[s.from];
        const to = NOTES[s.to];
        if (from !== to && this.exists(from) && !this.open.has(from) && !this.open.has(to)) {
          const bytes = await this.fs.readFile(from);
          await this.remove(from);
          await this.write(to, bytes);
        }
        return;
      }
      case 'source':
        await this.write(SOURCES[s.source], SOURCE_TEXTS[s.text]);
        return;
      case 'delete-source':
        await this.remove(SOURCES[s.source]);
        return;
      case 'rename-source': {
        const from = SOURCES[s.from];
        const to = SOURCES[s.to];
        if (from !== to && this.exists(from)) {
          const bytes = await this.fs.readFile(from);
          await this.remove(from);
          await this.write(to, bytes);
        }
        return;
      }
      case 'config': {
        const config = CONFIGS[s.config];
        await (config === undefined ? this.remove('pnote.json') : this.write('pnote.json', config));
        return;
      }
      case 'metadata': {
        const metadata = METADATA[s.metadata];
        await (metadata === undefined ? this.remove('corpus/sources.json') : this.write('corpus/sources.json', metadata));
        return;
      }
      case 'checkout':
        await this.checkout(s.seed, s.count);
        return;
      case 'restart':
        await this.restart();
        return;
    }
  }

  /**
   * The editor restarts the server: the old one saves at shutdown; the new one looks
   * for saved results, loads (adopting them when they hold), then gets the open
   * documents (syncOpen, after the step).
   */
  private async restart(): Promise<void> {
    await this.service.saveIndex();
    await this.service.saveResults();
    this.service = createLanguageService({ fs: this.fs, cache: this.cache });
    await this.service.savedResults();
    await this.service.load();
    if (this.service.workspace.indexOrigin.resultsAdopted) {
      adoptions++;
    }
  }

  /**
   * A `git checkout`: `count` small notes and sources are created, replaced or deleted
   * on disk first, then every event arrives, in a shuffled order.
   */
  async checkout(seed: number, count: number): Promise<void> {
    let state = seed + 1;
    const random = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const events: Array<[string, 'created' | 'changed' | 'deleted']> = [];
    for (let i = 0; i < count; i++) {
      const path = random(3) === 0 ? `corpus/gen/s${i}.txt` : `gen/${i % 7}/n${i}.pnote`;
      if (this.open.has(path)) {
        continue;
      }
      const existed = this.exists(path);
      if (existed && random(4) === 0) {
        this.fs.delete(path);
        events.push([path, 'deleted']);
        continue;
      }
      const k = random(count);
      this.fs.write(
        path,
        path.endsWith('.txt')
          ? `Dépêche ${k}\n\nPékin a nié ${k} fois. Mike Pompeo a parlé.\n`
          : `${k % 5 === 0 ? `::: entity e${k}\nname: E ${k}\n:::\n` : ''}@e${random(count)} «Pékin a nié ${k} fois» [@s${random(count)}] [@a]\n`,
      );
      events.push([path, existed ? 'changed' : 'created']);
    }
    for (let i = events.length - 1; i > 0; i--) {
      const j = random(i + 1);
      [events[i], events[j]] = [events[j], events[i]];
    }
    for (const [path, change] of events) {
      await this.service.fileChanged(path, change);
    }
  }
}

interface Snapshot {
  diagnostics: Map<string, string>;
  stats: string;
  symbols: string;
}

/** Everything a client can see of the index: each file's diagnostics, the statistics, the symbols. */
function snapshot(service: LanguageService): Snapshot {
  const diagnostics = new Map<string, string>();
  for (const { path, diagnostics: list } of service.allDiagnostics()) {
    diagnostics.set(path, JSON.stringify(list));
  }
  const symbols = service
    .workspaceSymbols('')
    .map((s) => JSON.stringify(s))
    .sort();
  return { diagnostics, stats: JSON.stringify(service.stats()), symbols: JSON.stringify(symbols) };
}

/**
 * A fresh service over a copy of the same files, with the same open notes; with
 * `cache`, one that restores its corpus index from there instead of building it.
 */
async function freshSnapshot(session: Session, cache?: MemoryCache): Promise<Snapshot> {
  const files: Record<string, Uint8Array> = {};
  for (const path of session.fs.paths()) {
    files[path] = await session.fs.readFile(path);
  }
  const service = createLanguageService({ fs: new MemoryFileSystem(files), cache });
  await service.load();
  for (const [path, text] of session.open) {
    if (service.workspace.isNote(path)) {
      service.setNoteText(path, text, 1);
    }
  }
  return snapshot(service);
}

/**
 * As the server starts: a load that defers the notes without definitions (and the
 * word postings), the open notes set, the diagnostics of those whose diagnostics are
 * final taken, then the deferred notes added. Returns the snapshot at the end and
 * those early diagnostics.
 */
async function deferredSnapshot(session: Session): Promise<{ snapshot: Snapshot; early: Map<string, string> }> {
  const files: Record<string, Uint8Array> = {};
  for (const path of session.fs.paths()) {
    files[path] = await session.fs.readFile(path);
  }
  const service = createLanguageService({ fs: new MemoryFileSystem(files) });
  await service.load(undefined, { deferNotes: true });
  for (const [path, text] of session.open) {
    if (service.workspace.isNote(path)) {
      service.setNoteText(path, text, 1);
    }
  }
  const early = new Map<string, string>();
  for (const [path] of session.open) {
    if (service.workspace.diagnosticsFinal(path)) {
      early.set(path, JSON.stringify(service.diagnostics(path)));
    }
  }
  service.finishDeferredNotes();
  return { snapshot: snapshot(service), early };
}

/** Diagnostics of `path`, with an absent path read as "no diagnostics" (a clean file need not be listed). */
function diagnosticsOf(s: Snapshot, path: string): string {
  return s.diagnostics.get(path) ?? '[]';
}

function assertSameIndex(incremental: Snapshot, fresh: Snapshot, context: string): void {
  const paths = [...new Set([...incremental.diagnostics.keys(), ...fresh.diagnostics.keys()])].sort();
  for (const path of paths) {
    assert.equal(diagnosticsOf(incremental, path), diagnosticsOf(fresh, path), `diagnostics of ${path} ${context}`);
  }
  assert.equal(incremental.stats, fresh.stats, `statistics ${context}`);
  assert.equal(incremental.symbols, fresh.symbols, `symbols ${context}`);
}

function describeStep(s: Step): string {
  return JSON.stringify(s);
}

async function runSteps(initial: Record<string, string | Uint8Array>, steps: Step[]): Promise<void> {
  const session = await Session.start(initial);
  session.service.workspace.takeChangedPaths();
  let before = snapshot(session.service);
  for (const [i, s] of steps.entries()) {
    await session.apply(s);
    const changed = new Set(session.service.workspace.takeChangedPaths());
    const after = snapshot(session.service);
    const context = `after step ${i + 1} ${describeStep(s)}`;
    const fresh = await freshSnapshot(session);
    assertSameIndex(after, fresh, context);
    // A start that shows the open notes first: their early diagnostics are the final ones.
    const deferred = await deferredSnapshot(session);
    assertSameIndex(deferred.snapshot, fresh, `after a deferred load ${context}`);
    for (const [path, early] of deferred.early) {
      assert.equal(early, diagnosticsOf(fresh, path), `early diagnostics of ${path} ${context}`);
      earlyChecks++;
    }
    // The index saved now, restored by another service, gives the same again.
    await session.service.saveIndex();
    const restored = new MemoryCache();
    restored.bytes = session.cache.bytes;
    assertSameIndex(await freshSnapshot(session, restored), fresh, `restored from the cache ${context}`);
    // Saved results (saved now when they can be, else left from an earlier step) are
    // given back only while they hold: then they are the fresh diagnostics.
    await session.service.saveResults();
    const saved = await createLanguageService({ fs: session.fs, cache: session.cache }).savedResults();
    if (saved && [...session.open].every(([path, text]) => !session.service.workspace.isNote(path) || saved.holdsNote(path, text))) {
      for (const path of new Set([...saved.diagnostics.keys(), ...fresh.diagnostics.keys()])) {
        // JSON on both sides: an optional property left undefined is absent, as on the wire.
        const expected = JSON.stringify(JSON.parse(diagnosticsOf(fresh, path)));
        assert.equal(JSON.stringify(saved.diagnostics.get(path) ?? []), expected, `saved results of ${path} ${context}`);
      }
      savedChecks++;
    }
    for (const path of new Set([...before.diagnostics.keys(), ...after.diagnostics.keys()])) {
      if (diagnosticsOf(before, path) !== diagnosticsOf(after, path)) {
        assert.ok(changed.has(path), `${path} changed its diagnostics but is not among the changed paths ${context}`);
      }
    }
    before = after;
  }
}

const INITIAL: Record<string, string | Uint8Array> = {
  ...CORPUS,
  'corpus/c.txt': SOURCE_TEXTS[2],
  'a.pnote': `${REGISTRY}\n@pompeo: «Pékin a nié ces accusations» [@a].\n`,
  'b.pnote': '# Notes\n\n«Les utilisateurs existants pourront continuer» [@b, ¶2] #clean-network @china\n',
};

describe('robustness: incremental updates equal a fresh build', function () {
  this.timeout(LONG ? 3_600_000 : 60_000);

  it(`after each of random edits, file events, configuration changes and checkouts (${RUNS} runs)`, async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: MAX_STEPS }), (steps) => runSteps(INITIAL, steps)),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    if (LONG) {
      console.log(`      incremental fuzz: ${RUNS} runs of up to ${MAX_STEPS} steps in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}); saved results compared after ${savedChecks} steps, adopted at ${adoptions} restarts; ${earlyChecks} open notes' early diagnostics compared`);
    }
    assert.ok(earlyChecks >= RUNS / 4, `early diagnostics were compared for ${earlyChecks} open notes only`);
    assert.ok(savedChecks >= RUNS / 4, `saved results were compared after ${savedChecks} steps only`);
    assert.ok(adoptions >= RUNS / 20, `saved results were adopted at ${adoptions} restarts only`);
  });

  it('after a same-length edit that moves a definition to another line (found by the long fuzz)', async () => {
    // "# N" → ";\n\n" above b.pnote's definition: same offsets, two lines lower; the
    // duplicate-definition on the other note must point at the new line.
    await runSteps(INITIAL, [
      { kind: 'paste', note: 2, at: 1050, remove: 15, snippet: 8 },
      { kind: 'checkout', seed: 7369, count: 790 },
      { kind: 'delete-range', note: 1, at: 1272, length: 187 },
      { kind: 'save-close', note: 2 },
      { kind: 'paste', note: 1, at: 1550, remove: 13, snippet: 1 },
      { kind: 'paste', note: 2, at: 763, remove: 17, snippet: 9 },
      { kind: 'type', note: 1, at: 900, remove: 3, pieces: [5, 19] },
      { kind: 'paste', note: 3, at: 1840, remove: 10, snippet: 6 },
      { kind: 'type', note: 2, at: 231, remove: 1, pieces: [14, 8, 23, 7, 23] },
    ] as Step[]);
  });

  it('after a checkout of 1,000 files, with notes open and events in any order', async () => {
    await runSteps(INITIAL, [
      { kind: 'paste', note: 0, at: 0, remove: 0, snippet: 3 },
      { kind: 'checkout', seed: 1, count: 1_000 },
      { kind: 'checkout', seed: 2, count: 1_000 },
      { kind: 'type', note: 1, at: 5, remove: 0, pieces: [1, 24] },
      { kind: 'source', source: 0, text: 4 },
    ]);
  });
});
