/**
 * The on-disk corpus index cache (issue 4): an index restored from the cache gives
 * exactly the diagnostics of a fresh build, whatever changed in the corpus since it
 * was saved; a cache that is stale, corrupt, truncated or from another version is
 * never used; the Node cache writes only its own file, atomically.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Corpus } from '../../server/src/corpus/corpus';
import { decodeSnapshot, encodeSnapshot } from '../../server/src/corpus/snapshot';
import { createSource } from '../../server/src/corpus/source';
import { FileIndexCache, MAX_CACHE_FILES } from '../../server/src/node/indexCache';
import { createLanguageService, type LanguageService } from '../../server/src/service';
import { MemoryFileSystem, type IndexCache } from '../../server/src/workspace/fs';
import { CORPUS, MemoryCache, REGISTRY } from './helpers';

const FILES: Record<string, string> = {
  ...CORPUS,
  'corpus/c.txt': 'Pékin a nié.\nLes utilisateurs existants pourront continuer.\nMike Pompeo, secrétaire d’État américain.\n',
  'corpus/d.md': 'Un premier paragraphe\ncoupé en deux.\n\nUn second paragraphe: Pompeo a parlé le 5 août 2020.\n',
  'registry.pnote': REGISTRY,
  'a.pnote': [
    '@pompeo: «Pékin a nié ces accusations» [@a].',
    '«Les utilisateurs existants pourront continuer» [@b, l. 4]',
    '«Pékin a nié» [@c] and «Un second paragraphe» [@d]',
    '«Le programme compte six volets» [@a]',
    '«Les utilisateurs existants pourront continuer à utiliser WeChat» [@a]',
    '«secrétaire d’État américain Mike Pompeo» [@zz]',
    '',
  ].join('\n'),
};

function snapshotOf(service: LanguageService): string {
  return JSON.stringify({ diagnostics: service.allDiagnostics(), stats: service.stats() });
}

async function fresh(fs: MemoryFileSystem): Promise<LanguageService> {
  const service = createLanguageService({ fs });
  await service.load();
  return service;
}

async function withCache(fs: MemoryFileSystem, cache: IndexCache): Promise<LanguageService> {
  const service = createLanguageService({ fs, cache });
  await service.load();
  return service;
}

describe('index cache', () => {
  it('saves the index once, restores it without re-indexing, and gives the fresh diagnostics', async () => {
    const fs = new MemoryFileSystem(FILES);
    const cache = new MemoryCache();
    const first = await withCache(fs, cache);
    assert.deepEqual(first.workspace.indexOrigin, { restored: false, reused: 0, notesReused: 0 });
    assert.equal(await first.saveIndex(), true);
    assert.equal(await first.saveIndex(), false, 'nothing changed: not written again');
    assert.equal(cache.writes, 1);

    const second = await withCache(fs, cache);
    assert.deepEqual(second.workspace.indexOrigin, { restored: true, reused: 4, notesReused: 2 }, 'both notes\' trees too');
    const reference = await fresh(fs);
    assert.equal(snapshotOf(second), snapshotOf(reference));
    // A reattached source is not decoded at load; its text and the metadata read from it are the same.
    const sources = (service: LanguageService) => service.workspace.corpus.all().map((s) => ({ key: s.key, text: s.text, metadata: s.metadata, paragraphs: s.paragraphs }));
    assert.deepEqual(sources(second), sources(reference));
    assert.ok(sources(second).some((s) => s.metadata.title && s.metadata.date), 'titles and dates read from the texts');
    assert.equal(await second.saveIndex(), false, 'restored unchanged: not written again');
  });

  it('re-indexes exactly the sources that changed since the save, and drops those that went', async () => {
    const fs = new MemoryFileSystem(FILES);
    const cache = new MemoryCache();
    await (await withCache(fs, cache)).saveIndex();

    // Same size, same key, different words: only the digest can tell.
    fs.write('corpus/c.txt', FILES['corpus/c.txt'].replace('Pékin a nié.', 'Paris a nié.'));
    fs.delete('corpus/d.md');
    fs.write('corpus/e.txt', 'Le programme compte six volets.\n');
    // A second file with key "a": neither is used (duplicate-source).
    fs.write('corpus/sub/a.md', 'Autre texte.\n');
    const restored = await withCache(fs, cache);
    assert.deepEqual(restored.workspace.indexOrigin, { restored: true, reused: 1, notesReused: 2 }, 'only b is reused');
    assert.equal(snapshotOf(restored), snapshotOf(await fresh(fs)));
    // «Pékin a nié» [@c] was exact; c now reads "Paris a nié".
    const line2 = restored.diagnostics('a.pnote').filter((d) => d.range.start.line === 2).map((d) => d.code);
    assert.ok(line2.includes('quote-not-found') || line2.includes('quote-mismatch'), `the changed source is judged afresh: ${line2}`);

    // Saved again, then the duplicate goes: a is indexed afresh (it was never saved attached).
    assert.equal(await restored.saveIndex(), true);
    fs.delete('corpus/sub/a.md');
    const again = await withCache(fs, cache);
    assert.deepEqual(again.workspace.indexOrigin, { restored: true, reused: 3, notesReused: 2 });
    assert.equal(snapshotOf(again), snapshotOf(await fresh(fs)));
  });

  it('after file events in a session, what it saves restores to the fresh diagnostics', async () => {
    const fs = new MemoryFileSystem(FILES);
    const cache = new MemoryCache();
    const service = await withCache(fs, cache);
    fs.write('corpus/a.txt', `${FILES['corpus/a.txt']}Un paragraphe ajouté sur Pompeo.\n`);
    await service.fileChanged('corpus/a.txt', 'changed');
    fs.delete('corpus/b.txt');
    await service.fileChanged('corpus/b.txt', 'deleted');
    fs.write('corpus/b2.txt', FILES['corpus/b.txt']);
    await service.fileChanged('corpus/b2.txt', 'created');
    assert.equal(await service.saveIndex(), true);
    const restored = await withCache(fs, cache);
    assert.deepEqual(restored.workspace.indexOrigin, { restored: true, reused: 4, notesReused: 2 });
    assert.equal(snapshotOf(restored), snapshotOf(await fresh(fs)));
    assert.equal(snapshotOf(restored), snapshotOf(service));
  });

  it('reuses the parsed tree of a note whose bytes did not change, and parses a changed one', async () => {
    const fs = new MemoryFileSystem(FILES);
    const cache = new MemoryCache();
    await (await withCache(fs, cache)).saveIndex();
    fs.write('a.pnote', `${FILES['a.pnote']}@nobody «Pékin a nié» [@a].\n`);
    fs.write('c.pnote', '«texte inventé» [@b]\n');
    const restored = await withCache(fs, cache);
    assert.equal(restored.workspace.indexOrigin.notesReused, 1, 'registry.pnote only');
    assert.equal(snapshotOf(restored), snapshotOf(await fresh(fs)));
    // Saved again since the notes changed (the corpus did not): then all three are reused.
    assert.equal(await restored.saveIndex(), true);
    const again = await withCache(fs, cache);
    assert.equal(again.workspace.indexOrigin.notesReused, 3);
    assert.equal(snapshotOf(again), snapshotOf(await fresh(fs)));
    // Two notes with the same bytes get a tree each, not one shared tree.
    fs.write('d.pnote', '«texte inventé» [@b]\n');
    await again.fileChanged('d.pnote', 'created');
    await again.saveIndex();
    const twins = await withCache(fs, cache);
    const [c, d] = [twins.workspace.notes.get('c.pnote')!.ast, twins.workspace.notes.get('d.pnote')!.ast];
    assert.equal(twins.workspace.indexOrigin.notesReused, 4);
    assert.deepEqual(c.quotations, d.quotations);
    assert.notEqual(c.quotations, d.quotations);
    // A note open in the editor is never saved as its tree on disk.
    again.setNoteText('a.pnote', '«autre chose» [@b]\n', 1);
    assert.equal(await again.saveIndex(), true, 'a.pnote left the saved trees');
    assert.equal((await withCache(fs, cache)).workspace.indexOrigin.notesReused, 3);
  });

  it('keeps the notes section only for the parser that wrote it, the index whatever the parser', async () => {
    const corpus = new Corpus();
    corpus.add(createSource('a', 'corpus/a.txt', CORPUS['corpus/a.txt'], 'lines'), 'tag-a');
    const cache = new MemoryCache();
    const digest = (c: readonly Uint8Array[]) => cache.digest(c);
    await cache.write(encodeSnapshot(corpus.snapshot(), 'ctx', digest, { context: 'parser 1', text: '{"x":1}' }));
    const bytes = cache.bytes!;
    assert.equal(decodeSnapshot(bytes, 'ctx', digest, 'parser 1')?.extra, '{"x":1}');
    const other = decodeSnapshot(bytes, 'ctx', digest, 'parser 2');
    assert.ok(other?.snapshot && other.extra === undefined, 'another parser: the index only');
    assert.equal(decodeSnapshot(bytes, 'other ctx', digest, 'parser 1'), undefined);
  });

  it('keeps word starts past 65,535 (a long source) through a save and restore', async () => {
    // Word starts are 2 bytes each in a text shorter than 65,536 code units, 4 otherwise.
    const filler = 'Un paragraphe de remplissage sans citation aucune.\n'.repeat(1400); // ~71,000 characters
    const files = {
      ...FILES,
      'corpus/long.txt': `${filler}Le secrétaire d’État a parlé à la toute fin du long texte.\n`,
      'long.pnote': '«parlé à la toute fin du long texte» [@long]\n«parlé à la toute fin du texte» [@long]\n',
    };
    const fs = new MemoryFileSystem(files);
    const cache = new MemoryCache();
    const first = await withCache(fs, cache);
    const expected = snapshotOf(await fresh(fs));
    assert.equal(snapshotOf(first), expected);
    const diagnostics = first.diagnostics('long.pnote');
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['quote-mismatch', 1]], 'the exact quotation past offset 65,535 is found; the altered one is not');
    assert.match(diagnostics[0].message, /parlé à la toute fin du long texte/, 'the source\'s wording, read at its offsets past 65,535');
    await first.saveIndex();
    const saved = decodeSnapshot(cache.bytes!, cache.context, (c) => cache.digest(c));
    assert.deepEqual(saved?.snapshot.starts.map((starts) => starts.BYTES_PER_ELEMENT).sort(), [2, 2, 2, 2, 4], 'only the long source\'s starts take 4 bytes');
    const second = await withCache(fs, cache);
    assert.equal(second.workspace.indexOrigin.reused, 5, 'the long source restored too');
    assert.equal(snapshotOf(second), expected);
  });

  it('keeps word ids of a vocabulary past 65,536 words (4 bytes a word from then on) through a save and restore', async () => {
    // Sources are indexed in path order: a.txt and b.txt while the vocabulary is small
    // (2-byte ids), then many.txt brings it past 65,536 words, then z.txt comes after.
    const word = (i: number) => `mot${i.toString(36)}`;
    const many = Array.from({ length: 70_000 }, (_, i) => word(i)).join(' ');
    const files = {
      ...FILES,
      'corpus/many.txt': `Une liste de mots.\n${many}\n`,
      'corpus/z.txt': `Un dernier texte où figurent ${word(50_000)} et ${word(69_999)} et la fin du monde.\n`,
      'many.pnote': `«${word(50_000)} ${word(50_001)}» [@many]\n«où figurent ${word(50_000)} et ${word(69_999)}» [@z]\n«où figurent ${word(50_000)} et ${word(3)}» [@z]\n`,
    };
    const fs = new MemoryFileSystem(files);
    const cache = new MemoryCache();
    const first = await withCache(fs, cache);
    const expected = snapshotOf(await fresh(fs));
    assert.equal(snapshotOf(first), expected);
    assert.deepEqual(first.diagnostics('many.pnote').map((d) => [d.code, d.range.start.line]), [['quote-mismatch', 2]]);
    await first.saveIndex();
    const saved = decodeSnapshot(cache.bytes!, cache.context, (c) => cache.digest(c));
    assert.ok(saved!.snapshot.vocabSize > 65_536);
    const widths = Object.fromEntries(saved!.snapshot.entries.map((e, i) => [e.key, saved!.snapshot.words[i].BYTES_PER_ELEMENT]));
    assert.deepEqual(widths, { a: 2, b: 2, c: 2, d: 2, many: 4, z: 4 });
    const second = await withCache(fs, cache);
    assert.equal(second.workspace.indexOrigin.reused, 6, 'every source restored');
    assert.equal(snapshotOf(second), expected);
  });

  it('never uses a corrupt, truncated, foreign or other-version cache, and does not throw on one', async () => {
    const fs = new MemoryFileSystem(FILES);
    const cache = new MemoryCache();
    await (await withCache(fs, cache)).saveIndex();
    const good = cache.bytes!;
    const expected = snapshotOf(await fresh(fs));
    const variants: Array<[string, Uint8Array | undefined, IndexCache?]> = [
      ['one byte flipped in the middle', (() => { const b = good.slice(); b[Math.floor(b.length / 2)] ^= 0x40; return b; })()],
      ['one byte flipped in the header', (() => { const b = good.slice(); b[30] ^= 0x01; return b; })()],
      ['truncated', good.slice(0, good.length - 100)],
      ['truncated to its prefix', good.slice(0, 20)],
      ['empty', new Uint8Array(0)],
      ['random bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)],
      ['misaligned copy', good, Object.assign(new MemoryCache(), { misalign: true })],
      ['saved by another version', good, new MemoryCache('test 2')],
    ];
    for (const [what, bytes, other] of variants) {
      const c = other ?? new MemoryCache();
      (c as MemoryCache).bytes = bytes;
      const service = await withCache(fs, c);
      const misaligned = what === 'misaligned copy';
      assert.equal(service.workspace.indexOrigin.restored, misaligned, `${what}: restored`);
      assert.equal(snapshotOf(service), expected, what);
    }
  });

  it('FileIndexCache writes one file in its folder, atomically, and reads it back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnote-cache-test-'));
    try {
      const cache = FileIndexCache.forWorkspace(path.join(dir, 'nested'), '/some/workspace', '1.2.3');
      assert.equal(await cache.read(), undefined);
      await cache.write([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
      // Thousands of chunks, some empty, some large (written in gathered batches), in order.
      const many = Array.from({ length: 2500 }, (_, i) => (i % 7 === 0 ? new Uint8Array(0) : i % 500 === 1 ? new Uint8Array(300_000).fill(i % 251) : Uint8Array.of(i % 256, (i * 7) % 256)));
      await cache.write(many);
      assert.deepEqual(await cache.read(), Buffer.concat(many));
      await cache.write([Uint8Array.of(5, 6, 7, 8)]);
      assert.deepEqual([...(await cache.read())!], [5, 6, 7, 8]);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'nested')), [path.basename(cache.file)], 'one file, no temporary left');
      // The saved results: a file of their own beside the index.
      assert.equal(await cache.readResults(), undefined);
      await cache.writeResults(Uint8Array.of(9, 8));
      assert.deepEqual([...(await cache.readResults())!], [9, 8]);
      assert.deepEqual([...(await cache.read())!], [5, 6, 7, 8], 'the index untouched');
      assert.deepEqual(fs.readdirSync(path.join(dir, 'nested')).sort(), [path.basename(cache.file), path.basename(cache.resultsFile)].sort());
      assert.match(cache.digest([Uint8Array.of(1)]), /^[0-9a-f]{40}$/);
      assert.notEqual(FileIndexCache.forWorkspace(dir, '/other/workspace', '1.2.3').file, cache.file);
      assert.match(cache.context, /1\.2\.3/);

      // One file per workspace, at most MAX_CACHE_FILES in a folder: the least recently written go.
      const crowded = path.join(dir, 'crowded');
      fs.mkdirSync(crowded);
      for (let i = 0; i < MAX_CACHE_FILES + 4; i++) {
        const file = path.join(crowded, `old-${String(i).padStart(2, '0')}.pnix`);
        fs.writeFileSync(file, 'x');
        fs.writeFileSync(file.replace(/\.pnix$/, '.pres'), 'r');
        fs.utimesSync(file, new Date(1_000_000 + i * 1000), new Date(1_000_000 + i * 1000));
      }
      fs.writeFileSync(path.join(crowded, 'notes.txt'), 'not ours');
      const newest = FileIndexCache.forWorkspace(crowded, '/yet/another', '1.2.3');
      await newest.write([Uint8Array.of(1)]);
      const left = fs.readdirSync(crowded).sort();
      assert.equal(left.filter((f) => f.endsWith('.pnix')).length, MAX_CACHE_FILES);
      assert.ok(left.includes(path.basename(newest.file)) && left.includes('notes.txt'));
      assert.ok(!left.includes('old-00.pnix') && left.includes(`old-${String(MAX_CACHE_FILES + 3).padStart(2, '0')}.pnix`), left.join(' '));
      assert.deepEqual(
        left.filter((f) => f.endsWith('.pres')),
        left.filter((f) => f.endsWith('.pnix') && f !== path.basename(newest.file)).map((f) => f.replace(/\.pnix$/, '.pres')),
        'saved results go with their index',
      );

      const blocked = FileIndexCache.forWorkspace(path.join(dir, 'nested', path.basename(cache.file)), '/w', '1');
      await assert.rejects(blocked.write([Uint8Array.of(1)]), 'a cache folder that is a file: the write fails, cleanly');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('corpus files it vouches for (same size and modification time as when indexed)', () => {
    /** A file system that counts the reads of each path, async and sync. */
    class CountingFileSystem extends MemoryFileSystem {
      reads = new Map<string, number>();
      syncReads = new Map<string, number>();
      override async readFile(p: string): Promise<Uint8Array> {
        this.reads.set(p, (this.reads.get(p) ?? 0) + 1);
        return super.readFile(p);
      }
      override readFileSync(p: string): Uint8Array {
        this.syncReads.set(p, (this.syncReads.get(p) ?? 0) + 1);
        return super.readFileSync(p);
      }
      reset(): void {
        this.reads.clear();
        this.syncReads.clear();
      }
    }
    /** Every source has its title and date in the metadata: none needs its text to be listed. */
    const WITH_METADATA: Record<string, string> = {
      ...FILES,
      'pnote.json': '{ "metadata": "corpus/sources.json" }',
      'corpus/sources.json': JSON.stringify(['a', 'b', 'c', 'd'].map((id) => ({ id, title: id.toUpperCase(), issued: { 'date-parts': [[2020, 8, 6]] } }))),
    };
    const corpusPaths = ['corpus/a.txt', 'corpus/b.txt', 'corpus/c.txt', 'corpus/d.md'];
    /** Old enough that a read now is not racy (see RACY_MS). */
    const LONG_AGO = Date.now() - 60_000;
    function workspace(): CountingFileSystem {
      const fs = new CountingFileSystem();
      for (const [p, text] of Object.entries(WITH_METADATA)) {
        fs.write(p, text, LONG_AGO);
      }
      return fs;
    }

    it('are not read at load, but when their text is first needed, and give the fresh diagnostics', async () => {
      const fs = workspace();
      const cache = new MemoryCache();
      await (await withCache(fs, cache)).saveIndex();
      fs.reset();
      const service = await withCache(fs, cache);
      assert.deepEqual(service.workspace.indexOrigin, { restored: true, reused: 4, notesReused: 2 });
      for (const p of corpusPaths) {
        assert.equal((fs.reads.get(p) ?? 0) + (fs.syncReads.get(p) ?? 0), 0, `${p} not read at load`);
      }
      const reference = await fresh(fs);
      assert.equal(snapshotOf(service), snapshotOf(reference));
      // Each source cited by a checked quotation was read once, when it was judged, and kept.
      for (const p of ['corpus/a.txt', 'corpus/b.txt', 'corpus/c.txt']) {
        assert.equal(fs.syncReads.get(p), 1, `${p} read once`);
      }
      const texts = (s: LanguageService) => s.workspace.corpus.all().map((x) => [x.key, x.text, x.paragraphs]);
      assert.deepEqual(texts(service), texts(reference));
      assert.equal(await service.saveIndex(), false, 'nothing changed: not written again');
    });

    it('are not read at load even without metadata: the cache keeps the title and date their text gives', async () => {
      const fs = new CountingFileSystem();
      for (const [p, text] of Object.entries(FILES)) {
        fs.write(p, text, LONG_AGO);
      }
      const cache = new MemoryCache();
      await (await withCache(fs, cache)).saveIndex();
      fs.reset();
      const service = await withCache(fs, cache);
      for (const p of corpusPaths) {
        assert.equal((fs.reads.get(p) ?? 0) + (fs.syncReads.get(p) ?? 0), 0, `${p} not read at load`);
      }
      const reference = await fresh(fs);
      const metadata = (s: LanguageService) => s.workspace.corpus.all().map((x) => [x.key, x.metadata]);
      assert.deepEqual(metadata(service), metadata(reference));
      assert.ok(metadata(service).some(([, m]) => typeof m === 'object' && m.title && m.date), 'titles and dates read from the texts');
      assert.equal(snapshotOf(service), snapshotOf(reference));
    });

    it('are read and digested when their time is too close to when they were read (a racy clean), or differs', async () => {
      const fs = workspace();
      const cache = new MemoryCache();
      // b's time is now: it may change again within the same tick without its time changing.
      fs.write('corpus/b.txt', WITH_METADATA['corpus/b.txt'], Date.now());
      await (await withCache(fs, cache)).saveIndex();
      // c changes, keeping its size; d is touched (new time, same bytes).
      fs.write('corpus/c.txt', WITH_METADATA['corpus/c.txt'].replace('Pékin a nié.', 'Pékan a nié.'), LONG_AGO + 1000);
      fs.write('corpus/d.md', WITH_METADATA['corpus/d.md'], LONG_AGO + 2000);
      fs.reset();
      const service = await withCache(fs, cache);
      assert.deepEqual(
        corpusPaths.map((p) => [p, fs.reads.get(p) ?? 0]),
        [['corpus/a.txt', 0], ['corpus/b.txt', 1], ['corpus/c.txt', 1], ['corpus/d.md', 1]],
      );
      assert.deepEqual(service.workspace.indexOrigin, { restored: true, reused: 3, notesReused: 2 }, 'b and d reattached after their digest matched, c indexed afresh');
      assert.equal(snapshotOf(service), snapshotOf(await fresh(fs)));
    });

    it('a file that changed behind an unchanged size and time is found out when read, and indexed again', async () => {
      const fs = workspace();
      const cache = new MemoryCache();
      const first = await withCache(fs, cache);
      const before = first.diagnostics('a.pnote').map((d) => d.code);
      await first.saveIndex();
      // Same size and time, other bytes (a clock set back, a copy that kept the time):
      // the load trusts the state, and the read of the text finds the digest changed.
      const changed = WITH_METADATA['corpus/a.txt'].replace('Pékin a nié', 'Pékan a nié');
      assert.equal(new TextEncoder().encode(changed).length, new TextEncoder().encode(WITH_METADATA['corpus/a.txt']).length, 'same size');
      fs.write('corpus/a.txt', changed, LONG_AGO);
      const service = await withCache(fs, cache);
      assert.equal(service.workspace.indexOrigin.reused, 4, 'trusted at load');
      const reference = await fresh(fs);
      // The first computation may use the old index with the new text; the next one has re-indexed a.
      service.allDiagnostics();
      assert.equal(snapshotOf(service), snapshotOf(reference));
      assert.notDeepEqual(reference.diagnostics('a.pnote').map((d) => d.code), before, 'the change shows in the diagnostics');
      assert.equal(service.workspace.corpus.get('a')?.text, changed);
      assert.equal(await service.saveIndex(), true, 'the re-indexed source is saved');
      const again = await withCache(fs, cache);
      assert.equal(snapshotOf(again), snapshotOf(reference));
    });
  });
});
