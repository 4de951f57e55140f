/**
 * The saved results of the last complete check (a warm start shows them while the
 * index loads): given back only while nothing they depend on changed (configuration,
 * corpus files' size and time, notes' bytes, the set of files), exactly the
 * diagnostics a fresh check gives, and never from a damaged or foreign record.
 */
import { strict as assert } from 'node:assert';
import { createLanguageService, type LanguageService } from '../../server/src/service';
import { MemoryFileSystem } from '../../server/src/workspace/fs';
import { decodeResults, encodeResults, type ResultsRecord } from '../../server/src/workspace/savedResults';
import { Corpus } from '../../server/src/corpus/corpus';
import { CORPUS, countingCalls, MemoryCache, REGISTRY } from './helpers';

/** Old enough that a read now is not racy (see RACY_MS in workspace.ts). */
const LONG_AGO = Date.now() - 60_000;

const FILES: Record<string, string> = {
  ...CORPUS,
  'corpus/bin.txt': '\u0000\u0001binary',
  'registry.pnote': REGISTRY,
  'a.pnote': ['@pompeo: «Pékin a nié ces accusations» [@a].', '«Le programme compte six volets» [@a]', 'See @nobody and [@zz].', ''].join('\n'),
  'b.pnote': 'Clean: «Les utilisateurs existants pourront continuer» [@b]\n',
};

function workspace(files: Record<string, string> = FILES): MemoryFileSystem {
  const fs = new MemoryFileSystem();
  for (const [p, text] of Object.entries(files)) {
    fs.write(p, text, LONG_AGO);
  }
  return fs;
}

async function loaded(fs: MemoryFileSystem, cache: MemoryCache): Promise<LanguageService> {
  const service = createLanguageService({ fs, cache });
  await service.load();
  return service;
}

/**
 * Every file's diagnostics as a fresh check gives them (files without any left out),
 * as JSON has them (an optional property left undefined is absent, as on the wire).
 */
function expected(service: LanguageService): Array<[string, unknown]> {
  return JSON.parse(
    JSON.stringify(
      service
        .allDiagnostics()
        .filter((f) => f.diagnostics.length > 0)
        .map((f) => [f.path, f.diagnostics]),
    ),
  ) as Array<[string, unknown]>;
}

/** What a new service (nothing loaded) finds saved. */
async function savedFor(fs: MemoryFileSystem, cache: MemoryCache) {
  return createLanguageService({ fs, cache }).savedResults();
}

describe('saved results (a warm start)', () => {
  it('gives back exactly the diagnostics of a fresh check while nothing changed, without loading', async () => {
    const fs = workspace();
    const cache = new MemoryCache();
    const first = await loaded(fs, cache);
    assert.equal(await first.saveResults(), true);
    assert.equal(await first.saveResults(), false, 'the same results: not written again');
    const service = createLanguageService({ fs, cache });
    const saved = await service.savedResults();
    assert.ok(saved, 'results for the unchanged workspace');
    assert.equal(service.workspace.notes.size, 0, 'nothing loaded');
    const reference = expected(await loaded(workspace(), new MemoryCache()));
    assert.ok(reference.length >= 2, 'the fixture has problems in several files');
    assert.ok(reference.some(([p]) => p === 'corpus/bin.txt'), 'a corpus file problem among them');
    assert.deepEqual([...saved.diagnostics].map(([p, d]) => [p, d]), reference);
    assert.equal(saved.holdsNote('a.pnote', FILES['a.pnote']), true);
    assert.equal(saved.holdsNote('a.pnote', FILES['a.pnote'] + 'more'), false, 'an editor text that is not the file’s');
    assert.equal(saved.holdsNote('new.pnote', ''), false, 'a note they do not know');
  });

  const changes: Array<[string, (fs: MemoryFileSystem) => void]> = [
    ['a note’s bytes changed (same time)', (fs) => fs.write('b.pnote', FILES['b.pnote'].replace('Clean', 'Clear'), LONG_AGO)],
    ['a corpus file’s time changed (same bytes)', (fs) => fs.write('corpus/b.txt', FILES['corpus/b.txt'], LONG_AGO + 1000)],
    ['a corpus file’s size changed', (fs) => fs.write('corpus/b.txt', FILES['corpus/b.txt'] + 'x', LONG_AGO)],
    ['a corpus file came', (fs) => fs.write('corpus/c.txt', 'Nouveau.', LONG_AGO)],
    ['a corpus file went', (fs) => fs.delete('corpus/bin.txt')],
    ['a note came', (fs) => fs.write('c.pnote', 'New.\n', LONG_AGO)],
    ['a note went', (fs) => fs.delete('b.pnote')],
    ['the configuration changed', (fs) => fs.write('pnote.json', '{ "paragraphs": "blank-lines" }', LONG_AGO)],
    ['a file modified just before it was read (a racy clean) kept its size and time', () => undefined],
  ];
  for (const [what, change] of changes) {
    it(`gives nothing once ${what}`, async () => {
      const fs = workspace();
      if (what.includes('racy')) {
        fs.write('corpus/a.txt', FILES['corpus/a.txt'], Date.now());
      }
      const cache = new MemoryCache();
      await (await loaded(fs, cache)).saveResults();
      assert.ok(cache.results, 'saved');
      change(fs);
      assert.equal(await savedFor(fs, cache), undefined);
      // A load then saves results that hold for the workspace as it is now (except for a racy file).
      const again = await loaded(fs, cache);
      await again.saveResults();
      const saved = await savedFor(fs, cache);
      if (what.includes('racy')) {
        assert.equal(saved, undefined, 'a racy file is never vouched for');
      } else {
        assert.deepEqual([...saved!.diagnostics], expected(again));
      }
    });
  }

  it('are not saved while an open note holds text its file does not, and are once it does', async () => {
    const fs = workspace();
    const cache = new MemoryCache();
    const service = await loaded(fs, cache);
    service.setNoteText('b.pnote', 'Unsaved: @nobody.\n', 1);
    assert.equal(await service.saveResults(), false);
    assert.equal(cache.results, undefined);
    service.setNoteText('b.pnote', FILES['b.pnote'], 2);
    assert.equal(await service.saveResults(), true, 'the editor’s text is the file’s again');
    assert.ok(await savedFor(fs, cache));
  });

  describe('adopted by the load that follows', () => {
    /** A new service that looks for saved results, then loads (as the server starts). */
    async function warmStart(fs: MemoryFileSystem, cache: MemoryCache): Promise<LanguageService> {
      const service = createLanguageService({ fs, cache });
      await service.savedResults();
      await service.load();
      return service;
    }
    /** A first session that saved its index and its results (as the server does at shutdown). */
    async function saved(fs: MemoryFileSystem): Promise<MemoryCache> {
      const cache = new MemoryCache();
      const first = await loaded(fs, cache);
      await first.saveIndex();
      await first.saveResults();
      return cache;
    }
    const fresh = async (fs: MemoryFileSystem) => expected(await loaded(fs, new MemoryCache()));

    it('as the notes’ diagnostics, judging no quotation, when the load finds what they record', async () => {
      const fs = workspace();
      const cache = await saved(fs);
      const reference = await fresh(fs);
      await countingCalls(Corpus.prototype, 'quickExact', async (calls) => {
        const service = await warmStart(fs, cache);
        assert.equal(service.workspace.indexOrigin.resultsAdopted, true);
        assert.deepEqual(expected(service), reference);
        assert.equal(calls(), 0, 'no quotation judged');
        const writes = cache.resultWrites;
        assert.equal(await service.saveResults(), false, 'the same results: not written again');
        assert.equal(cache.resultWrites, writes);
      });
    });

    it('not when something changed between the check and the load', async () => {
      const fs = workspace();
      const cache = await saved(fs);
      const service = createLanguageService({ fs, cache });
      assert.ok(await service.savedResults());
      fs.write('corpus/b.txt', FILES['corpus/b.txt'] + 'Le programme compte six volets.\n', LONG_AGO);
      await service.load();
      assert.equal(service.workspace.indexOrigin.resultsAdopted, undefined);
      assert.deepEqual(expected(service), await fresh(fs));
    });

    it('then follow changes as a full check would: a new id changes suggestions, a new source settles a misquote, a definition a mention', async () => {
      const fs = workspace();
      const service = await warmStart(fs, await saved(fs));
      assert.equal(service.workspace.indexOrigin.resultsAdopted, true);
      // An entity close to the unknown mention: its suggestions change.
      fs.write('d.pnote', '::: entity nobodi\nname: Nobodi\nkind: person\n:::\n', Date.now());
      await service.fileChanged('d.pnote', 'created');
      assert.deepEqual(expected(service), await fresh(fs));
      assert.ok(service.diagnostics('a.pnote').some((d) => d.code === 'unknown-entity' && d.message.includes('nobodi')));
      // A new source holding a.pnote's wrong quotation word for word: now quoted from the wrong source.
      fs.write('corpus/c.txt', 'Le programme compte six volets, dit-on.\n', Date.now());
      await service.fileChanged('corpus/c.txt', 'created');
      assert.deepEqual(expected(service), await fresh(fs));
      assert.ok(service.diagnostics('a.pnote').some((d) => d.code === 'quote-wrong-source'));
      // An entity for the unknown mention, in another note.
      const note = '::: entity nobody\nname: Nobody\nkind: person\n:::\n';
      fs.write('c.pnote', note, Date.now());
      await service.fileChanged('c.pnote', 'created');
      assert.deepEqual(expected(service), await fresh(fs));
      assert.ok(!service.diagnostics('a.pnote').some((d) => d.code === 'unknown-entity'));
      // An edit of the note itself.
      service.setNoteText('b.pnote', 'Now: «Texte inventé» [@b]\n', 1);
      fs.write('b.pnote', 'Now: «Texte inventé» [@b]\n', Date.now());
      assert.deepEqual(expected(service), await fresh(fs));
    });
  });

  it('are not saved when an open note is edited while the files are read', async () => {
    /** Holds the read of `held` until `release()`. */
    class GatedFileSystem extends MemoryFileSystem {
      held = '';
      private gate?: Promise<void>;
      release: () => void = () => undefined;
      hold(path: string): void {
        this.held = path;
        this.gate = new Promise((resolve) => (this.release = resolve));
      }
      override async readFile(path: string): Promise<Uint8Array> {
        if (path === this.held) {
          await this.gate;
        }
        return super.readFile(path);
      }
    }
    const fs = new GatedFileSystem();
    for (const [p, text] of Object.entries(FILES)) {
      fs.write(p, text, LONG_AGO);
    }
    const cache = new MemoryCache();
    const service = await loaded(fs, cache);
    service.setNoteText('a.pnote', FILES['a.pnote'], 1);
    service.setNoteText('b.pnote', FILES['b.pnote'], 1);
    fs.hold('b.pnote');
    const saving = service.saveResults();
    await new Promise((resolve) => setTimeout(resolve, 10)); // a.pnote's file read and compared by now
    service.setNoteText('a.pnote', 'Now only @nobody.\n', 2);
    fs.release();
    assert.equal(await saving, false, 'the edit came between the check and the diagnostics');
    assert.equal(cache.results, undefined);
  });

  it('are not saved while a note cannot be read', async () => {
    const fs = workspace({ ...FILES, 'bad.pnote': '' });
    fs.write('bad.pnote', new Uint8Array([0xff, 0xfe, 0x41]), LONG_AGO);
    const cache = new MemoryCache();
    const service = await loaded(fs, cache);
    assert.ok(service.allDiagnostics().some((f) => f.path === 'bad.pnote' && f.diagnostics.length > 0), 'the note has its problem');
    assert.equal(await service.saveResults(), false);
  });

  it('a record that is damaged, truncated, or saved by another build is never used, and does not throw', async () => {
    const fs = workspace();
    const cache = new MemoryCache();
    await (await loaded(fs, cache)).saveResults();
    const good = cache.results!;
    const damaged = good.slice();
    damaged[damaged.length - 5] ^= 1;
    for (const bytes of [damaged, good.subarray(0, good.length - 10), good.subarray(0, 10), new Uint8Array(0), new TextEncoder().encode('pnote-results 1 x\n{}')]) {
      cache.results = bytes;
      assert.equal(await savedFor(fs, cache), undefined);
    }
    cache.results = good;
    assert.ok(await savedFor(fs, cache), 'the intact record');
    const other = new MemoryCache('test 2');
    other.results = good;
    assert.equal(await savedFor(fs, other), undefined, 'another product version');
  });

  it('decodes only what it encoded, under the same context', () => {
    const digest = (chunks: readonly Uint8Array[]) => new MemoryCache().digest(chunks);
    const record: ResultsRecord = { context: 'c', config: '{}', sources: [['corpus/a.txt', '1:2:3']], notes: [['a.pnote', 'd']], files: [], quoteTrouble: ['a.pnote'], allIds: [] };
    const bytes = encodeResults(record, digest);
    assert.deepEqual(decodeResults(bytes, 'c', digest), record);
    assert.equal(decodeResults(bytes, 'other', digest), undefined);
    const shapeless = encodeResults({ ...record, sources: 'x' } as unknown as ResultsRecord, digest);
    assert.equal(decodeResults(shapeless, 'c', digest), undefined, 'a record of the wrong shape');
  });
});
