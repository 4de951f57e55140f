/**
 * Hashing corpus files apart from indexing them (another thread in the Node hosts):
 * the same index and diagnostics whatever hashes the words, problems reported the
 * same way, and a hashing thread that cannot run never fails a load.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { textFacts } from '../../server/src/corpus/source';
import { foldedHashAt, hashWord, NON_ASCII, wordHashes } from '../../server/src/corpus/tokenize';
import { WorkerHasher } from '../../server/src/node/hashWorker';
import { createLanguageService, type LanguageService } from '../../server/src/service';
import { MemoryFileSystem } from '../../server/src/workspace/fs';
import { HashSet, hashFiles, InProcessHasher, type TextHasher } from '../../server/src/workspace/hashing';
import { CORPUS, MemoryCache, REGISTRY } from './helpers';

/** A corpus of more than one load batch (256 files), with files that are not text. */
function files(): Record<string, string | Uint8Array> {
  const out: Record<string, string | Uint8Array> = { ...CORPUS, 'registry.pnote': REGISTRY };
  for (let i = 0; i < 600; i++) {
    out[`corpus/gen/s${String(i).padStart(4, '0')}.txt`] = `Titre ${i}\n\nLe mot${i} et le mot${i % 7} forment une phrase numéro ${i}, à Pékin ou à Paris.\nUne autre ligne où l’on cite « mot${(i * 13) % 600} » encore.\n`;
  }
  out['corpus/gen/binary.txt'] = Uint8Array.of(0x50, 0x00, 0x01, 0x02);
  out['corpus/gen/latin1.txt'] = Uint8Array.of(0x50, 0xe9, 0x6b, 0x69, 0x6e);
  out['note.pnote'] = [
    '@pompeo: «Pékin a nié ces accusations» [@a].',
    '«Le mot17 et le mot3 forment une phrase numéro 17» [@s0017].',
    '«Le mot17 et le mot3 forment une phrase numéro 17» [@s0018].',
    '«Une autre ligne où l’on cite « mot221 » encore» [@s0016].',
    '«Le mot42 et le mot0 forment une phrase» [@s0043].',
    '«Le mot43 et le mot1 forment une belle phrase» [@s0043].',
    '',
  ].join('\n');
  return out;
}

function snapshotOf(service: LanguageService): string {
  return JSON.stringify({ diagnostics: service.allDiagnostics(), stats: service.stats() });
}

async function load(hasher?: TextHasher, cache?: MemoryCache): Promise<LanguageService> {
  const service = createLanguageService({ fs: new MemoryFileSystem(files()), hasher, cache });
  await service.load();
  return service;
}

/** The corpus index as plain data, to compare two builds. */
function indexOf(service: LanguageService): string {
  const snapshot = service.workspace.corpus.snapshot();
  return JSON.stringify({ ...snapshot, words: snapshot.words.map((w) => [...w]), starts: snapshot.starts.map((s) => [...s]), tables: Object.fromEntries(Object.entries(snapshot.tables).map(([k, v]) => [k, [...v]])) });
}

describe('hashing corpus files apart from indexing', () => {
  it('gives the index and diagnostics of hashing while indexing, problems included', async () => {
    const reference = await load();
    const hashed = await load(new InProcessHasher());
    assert.equal(indexOf(hashed), indexOf(reference));
    assert.equal(snapshotOf(hashed), snapshotOf(reference));
    const problems = hashed.allDiagnostics().filter((f) => f.path.startsWith('corpus/gen/') && f.diagnostics.some((d) => d.code === 'unreadable-file'));
    assert.deepEqual(problems.map((f) => f.path), ['corpus/gen/binary.txt', 'corpus/gen/latin1.txt']);
    const codes = hashed.diagnostics('note.pnote').map((d) => d.code);
    assert.ok(codes.includes('quote-wrong-source') && codes.includes('quote-mismatch'), `checks ran on the hashed index: ${codes}`);
  });

  it('gives the same folded forms: near matching on the hashed index agrees', async () => {
    const reference = await load();
    const hashed = await load(new InProcessHasher());
    assert.equal(JSON.stringify(hashed.diagnostics('note.pnote')), JSON.stringify(reference.diagnostics('note.pnote')));
    // Every new word came with its folded form (the index folded none itself): same tables.
    assert.deepEqual([...hashed.workspace.corpus.snapshot().tables.foldOf], [...reference.workspace.corpus.snapshot().tables.foldOf]);
  });

  it('restores from a cache written by a hashed load, and the other way round', async () => {
    const cache = new MemoryCache();
    await (await load(new InProcessHasher(), cache)).saveIndex();
    const restored = await load(undefined, cache);
    assert.equal(restored.workspace.indexOrigin.restored, true);
    assert.equal(snapshotOf(restored), snapshotOf(await load()));
  });

  it('hashFiles: what wordHashes gives, non-ASCII words flagged, and each of those folded once per hasher', () => {
    const met = new HashSet();
    const bytes = new TextEncoder().encode('Pékin et PÉKIN, Paris et pekin.');
    const [first] = hashFiles([bytes], 1 << 20, met);
    const expected = wordHashes('Pékin et PÉKIN, Paris et pekin.');
    assert.deepEqual([...first.hashes!], [...expected.hashes]);
    assert.deepEqual([...first.starts!].map((s) => s & ~NON_ASCII), [...expected.starts]);
    assert.deepEqual([...first.starts!].map((s) => s >= NON_ASCII), [true, false, true, false, false, false]);
    // pékin (twice, case folded) is the one distinct word not plain ASCII; et, paris
    // and pekin are their own folded forms, which is what the index takes them for.
    assert.deepEqual([...first.folds!], [expected.hashes[0], hashWord('pekin')]);
    assert.equal(foldedHashAt('Paris', 0), expected.hashes[3]);
    const [again] = hashFiles([bytes], 1 << 20, met);
    assert.equal(again.folds!.length, 0, 'met before: not folded again');
    const [big] = hashFiles([bytes], 4, met);
    assert.match(big.problem ?? '', /too large/);
  });

  it('hashFiles reads the title and date of the files asked for, as textFacts does', () => {
    const texts = ['Titre un\n\nPublié le 7 août 2020. Pékin a nié.\n', 'Titre deux\n\nLe 6 août 2020, Washington interdit TikTok.\n'];
    const [asked, notAsked] = hashFiles(texts.map((t) => new TextEncoder().encode(t)), 1 << 20, new HashSet(), [true, false]);
    assert.deepEqual(asked.facts, textFacts(texts[0]));
    assert.equal(asked.facts?.title, 'Titre un');
    assert.equal(asked.facts?.date, '2020-08-07');
    assert.equal(notAsked.facts, undefined);
  });

  it('HashSet says each value is new exactly once, 0 included, across growth', () => {
    const set = new HashSet();
    const values = Array.from({ length: 100_000 }, (_, i) => (Math.imul(i, 0x9e3779b1) >>> 0) % 250_000);
    values.push(0, 0, 0xffffffff);
    const seen = new Set<number>();
    for (const v of values) {
      assert.equal(set.add(v), !seen.has(v), `value ${v}`);
      seen.add(v);
    }
  });

  it('a hashing thread that cannot start hashes on the calling thread instead, with the same results', async () => {
    const hasher = new WorkerHasher({ file: path.join(__dirname, 'no-such-worker-script.js') });
    const service = await load(hasher);
    assert.ok(hasher.failure, 'the failure is recorded');
    assert.equal(snapshotOf(service), snapshotOf(await load()));
  });
});
