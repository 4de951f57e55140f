/**
 * Hashing corpus files apart from indexing them (another thread in the Node hosts):
 * the same index and diagnostics whatever hashes the words, problems reported the
 * same way, and a hashing thread that cannot run never fails a load.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { textFacts } from '../../server/src/corpus/source';
import { closestAnswers } from '../../server/src/common/closest';
import { foldedHashAt, hashWord, NON_ASCII, wordHashes } from '../../server/src/corpus/tokenize';
import { WorkerHasher } from '../../server/src/node/hashWorker';
import { createLanguageService, type LanguageService } from '../../server/src/service';
import { MemoryFileSystem } from '../../server/src/workspace/fs';
import { Corpus } from '../../server/src/corpus/corpus';
import { createSource } from '../../server/src/corpus/source';
import { WordIdTable } from '../../server/src/corpus/vocabulary';
import { hashDecoded, hashFile, HashSet, hashFiles, InProcessHasher, internFile, seedWords, type HashedFile, type TextHasher } from '../../server/src/workspace/hashing';
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

  it('hashFile reads the bytes as hashing the decoded text does, on tricky texts and random ones', () => {
    // Pieces that each exercise a path: two- and three-byte letters, upper case, NFC
    // (a combining mark, a singleton), a letter without a one-unit lower case (İ, Σ),
    // separators of every width, line breaks of every kind, a BOM and U+FEFF, a
    // character beyond the BMP (left to the decoder), and bytes that are not UTF-8.
    const pieces = ['Pékin', 'PÉKIN', 'cœur', 'Œuvre', 'e\u0301', '\u212B', 'İstanbul', 'ΣΟΦΊΑ', 'ǅ', 'ﬁn', 'l’État', 'qu\u02BCil', '«\u00A0', '\u00A0»', '203\u202F192', '35,2 %', 'd’', '—', '\n', '\r\n', '\r', '\n\n', '\uFEFF', 'été', 'x', '42', 'Ⅻ', '中文', '😀', ' ', ', ', 'Ωmega'];
    let seed = 7;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const texts = ['', 'a', '\uFEFFTitre\r\nLigne', 'fin sans saut', '\r\r\n\n'];
    for (let t = 0; t < 400; t++) {
      texts.push(Array.from({ length: 1 + next(30) }, () => pieces[next(pieces.length)]).join(next(3) === 0 ? '' : ' '));
    }
    const encoder = new TextEncoder();
    const byteInputs: Uint8Array[] = texts.map((text) => encoder.encode(text));
    // Random bytes: mostly text, with a byte anywhere now and then (a stray lead or
    // continuation byte, an overlong form, a surrogate, a code point past U+10FFFF).
    for (let t = 0; t < 300; t++) {
      const bytes = [...encoder.encode(Array.from({ length: 1 + next(12) }, () => pieces[next(pieces.length)]).join(' '))];
      for (let k = next(3); k > 0; k--) {
        bytes.splice(next(bytes.length + 1), 0, [0x80, 0xbf, 0xc0, 0xc1, 0xc3, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff][next(12)]);
      }
      byteInputs.push(Uint8Array.from(bytes));
    }
    byteInputs.push(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41, 0x0a, 0x42), Uint8Array.of(0x41, 0xc3), Uint8Array.of(0x41, 0xe0, 0x80, 0x80), Uint8Array.of(0x41, 0xed, 0xa0, 0x80), Uint8Array.of(0x41, 0xc0, 0xaf), Uint8Array.of(0x41, 0xf4, 0x90, 0x80, 0x80));
    const plain = (r: HashedFile) => JSON.stringify({ ...r, bytes: undefined, hashes: r.hashes && [...r.hashes], starts: r.starts && [...r.starts], folds: r.folds && [...r.folds], lines: r.lines && [...r.lines] });
    const metBytes = new HashSet();
    const metText = new HashSet();
    let read = 0;
    for (const bytes of byteInputs) {
      const scratch = { hashes: new Uint32Array(0), starts: new Uint32Array(0) };
      assert.equal(plain(hashFile(bytes, 1 << 20, metBytes, scratch, true, true)), plain(hashDecoded(bytes, 1 << 20, metText, undefined, true, true)), `bytes ${[...bytes]}`);
      read++;
    }
    assert.equal(read, byteInputs.length);
    assert.match(hashFile(Uint8Array.of(0x41, 0xc3), 1 << 20, new HashSet()).problem ?? '', /not valid UTF-8/);
    // Bytes found not to be text after some words leave those words new.
    const met = new HashSet();
    assert.ok(hashFile(Uint8Array.of(...encoder.encode('Pékin été '), 0xff), 1 << 20, met).problem);
    assert.deepEqual([...hashFile(encoder.encode('été'), 1 << 20, met).folds!], [hashWord('été'), hashWord('ete')]);
  });

  it('HashSet.delete leaves the set as if the value had never been added', () => {
    const set = new HashSet();
    const kept = new Set<number>();
    const order: number[] = [];
    let seed = 11;
    for (let i = 0; i < 20_000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      // Values crowded on the last 64 slots of the table (2^16 slots until 32,768
      // values), so that runs are long and wrap around.
      const v = i % 3 === 0 ? 0 : ((seed & 0xffff0000) | 0xffc0 | (seed & 0x3f)) >>> 0;
      if (seed % 5 === 0 && order.length > 0) {
        const at = seed % order.length;
        const gone = order[at];
        order[at] = order[order.length - 1];
        order.pop();
        set.delete(gone);
        kept.delete(gone);
      } else {
        assert.equal(set.add(v), !kept.has(v), `add ${v}`);
        if (!kept.has(v)) {
          kept.add(v);
          order.push(v);
        }
      }
    }
    for (const v of kept) {
      assert.equal(set.add(v), false, `kept ${v}`);
    }
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

  it('suggestions computed ahead on the hasher (closest) are asked for the unknown ids and keys, and change no diagnostic', async () => {
    const asked: string[][] = [];
    const hasher: TextHasher = {
      hash: (files, maxBytes, wantFacts, lines) => new InProcessHasher().hash(files, maxBytes, wantFacts, lines),
      closest: (items, queries, limit) => {
        asked.push([...queries]);
        return { take: () => closestAnswers(items, queries, limit) };
      },
    };
    // Enough of them to be worth the thread (16 or more): 13 unknown entities, an event and 2 keys.
    const many = Array.from({ length: 11 }, (_, i) => `@inconnu-${i}`).join(' ');
    const extra = {
      'unknown.pnote': `@pompeo et @pompeoo, @chine et @china. ${many}. #evenement-inconnu. «Pékin a nié ces accusations» [@aa]. [@s0017] [@s9999].\n`,
    };
    const service = createLanguageService({ fs: new MemoryFileSystem({ ...files(), ...extra }), hasher });
    await service.load();
    const reference = createLanguageService({ fs: new MemoryFileSystem({ ...files(), ...extra }) });
    await reference.load();
    const entities = ['chine', 'pompeoo', ...Array.from({ length: 11 }, (_, i) => `inconnu-${i}`)].sort();
    assert.deepEqual(asked.map((queries) => [...queries].sort()), [entities, ['evenement-inconnu'], ['aa', 's9999']]);
    assert.equal(snapshotOf(service), snapshotOf(reference));
    const messages = service.diagnostics('unknown.pnote').map((d) => d.message);
    assert.ok(messages.some((m) => m.includes('Did you mean @pompeo')), messages.join('\n'));
    assert.ok(messages.some((m) => m.includes('Unknown source "s9999"')), messages.join('\n'));
    // Fewer: computed here when asked for, no thread asked; the same diagnostics.
    asked.length = 0;
    const few = { 'unknown.pnote': '@pompeo et @pompeoo, @chine et @china. #evenement-inconnu. [@s9999].\n' };
    const quiet = createLanguageService({ fs: new MemoryFileSystem({ ...files(), ...few }), hasher });
    await quiet.load();
    const quietReference = createLanguageService({ fs: new MemoryFileSystem({ ...files(), ...few }) });
    await quietReference.load();
    assert.deepEqual(asked, [], 'no suggestions asked of the thread');
    assert.equal(snapshotOf(quiet), snapshotOf(quietReference));
    assert.ok(quiet.diagnostics('unknown.pnote').some((d) => d.message.includes('Did you mean @pompeo')));
  });

  it('hashes a corpus of one batch (256 files or fewer) on the calling thread, a larger one on the hasher, with the same index', async () => {
    let hashed = 0;
    let prepared = 0;
    const hasher: TextHasher = {
      hash: (batch, maxBytes, wantFacts, lines) => {
        hashed += batch.length;
        return new InProcessHasher().hash(batch, maxBytes, wantFacts, lines);
      },
      prepare: () => void prepared++,
    };
    const corpusOf = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`corpus/s${String(i).padStart(4, '0')}.txt`, `Texte ${i} à Pékin, mot${i % 17}.\n`]));
    for (const [n, expected] of [[256, 0], [257, 257]] as const) {
      hashed = 0;
      prepared = 0;
      const service = createLanguageService({ fs: new MemoryFileSystem(corpusOf(n)), hasher });
      await service.load();
      const reference = createLanguageService({ fs: new MemoryFileSystem(corpusOf(n)) });
      await reference.load();
      assert.equal(hashed, expected, `${n} files`);
      assert.equal(prepared, expected > 0 ? 1 : 0, `${n} files: the hasher started only to hash`);
      assert.ok(indexOf(service) === indexOf(reference), `${n} files: the same index`);
    }
  });

  it('the hashing thread computes suggestions ahead (closest), and stops once they are done when released meanwhile', async function () {
    this.timeout(30_000);
    // The worker's program, as the build embeds it.
    const code = buildSync({ entryPoints: [path.join(__dirname, '../../server/src/node/hashWorkerMain.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, logLevel: 'silent' }).outputFiles[0].text;
    const hasher = new WorkerHasher({ code });
    const items = Array.from({ length: 400 }, (_, i) => `${String(i).padStart(5, '0')}_${(Math.imul(i, 2654435761) >>> 0).toString(16)}`).sort();
    const queries = ['00017_mistyped', items[42].slice(0, 10), 'zzz', items[7]];
    const pending = hasher.closest(items, queries, 3);
    assert.ok(pending, 'the thread takes the work');
    const thread = (hasher as unknown as { worker: Worker }).worker;
    const exited = new Promise<number>((resolve) => thread.once('exit', resolve));
    hasher.release(); // the load is over: the thread ends by itself once the suggestions are sent
    let answers = pending.take();
    for (const deadline = Date.now() + 10_000; !answers && Date.now() < deadline; answers = pending.take()) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(answers && [...answers], [...closestAnswers(items, queries, 3)]);
    assert.deepEqual(answers!.get(queries[1])!.length, 3, 'as many as asked for');
    assert.equal(answers!.get(queries[1])![0], items[42]);
    assert.equal(pending.take(), answers, 'taken once, kept');
    assert.equal(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 5_000))]), 0, 'the thread ended');
    // Hashing starts the thread again, as after any release.
    const [hashed] = await hasher.hash([new TextEncoder().encode('Pékin a nié')], 1 << 20);
    assert.deepEqual([...hashed.hashes!], [...wordHashes('Pékin a nié').hashes]);
    hasher.release();
  });

  it('a load through the hashing thread, batches hashed ahead, builds the very index of a load on one thread', async function () {
    this.timeout(60_000);
    const code = buildSync({ entryPoints: [path.join(__dirname, '../../server/src/node/hashWorkerMain.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, logLevel: 'silent' }).outputFiles[0].text;
    // More batches (256 files) than the thread has buffers (one per batch in flight), files of many sizes:
    // a batch's results must not be overwritten by a later batch's before they are indexed.
    const many: Record<string, string | Uint8Array> = { ...files() };
    for (let i = 0; i < 1500; i++) {
      const words = Array.from({ length: 5 + ((i * 37) % 400) }, (_, k) => `mot${(i * 7 + k * 13) % 2000}`).join(' ');
      many[`corpus/many/m${String(i).padStart(4, '0')}.txt`] = `Texte ${i} — « ${words} » à Pékin.\n`;
    }
    const loadMany = async (hasher?: TextHasher) => {
      const service = createLanguageService({ fs: new MemoryFileSystem(many), hasher });
      await service.load();
      return service;
    };
    const hasher = new WorkerHasher({ code });
    let interned = 0;
    const counting: TextHasher = {
      hash: async (...args) => {
        const results = await hasher.hash(...args);
        interned += results.filter((r) => r.interned).length;
        return results;
      },
      prepare: () => hasher.prepare(),
      release: () => hasher.release(),
    };
    const threaded = await loadMany(counting);
    hasher.release();
    assert.equal(hasher.failure, undefined, 'hashed on the thread');
    assert.ok(interned > 2000, `word ids from the thread: ${interned}`);
    const reference = await loadMany();
    assert.ok(threaded.workspace.corpus.size > 2000);
    assert.ok(indexOf(threaded) === indexOf(reference), 'the same index');
    assert.equal(snapshotOf(threaded), snapshotOf(reference));
  });

  it('WordIdTable: dense ids in the order words are first met, the same on lookup, across growth', () => {
    const table = new WordIdTable();
    const ids = new Map<number, number>();
    let seed = 5;
    // Hashes that share their low 12 bits as often as not (long probes), 0 among them.
    const hashes = Uint32Array.from({ length: 200_000 }, (_, i) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return i % 1000 === 0 ? 0 : i % 2 === 0 ? ((seed % 3000) << 12) >>> 0 : seed % 150_000;
    });
    const out = new Uint32Array(hashes.length);
    const added: number[] = [];
    table.intern(hashes, out, (i, id) => added.push(i, id));
    for (let i = 0; i < hashes.length; i++) {
      if (!ids.has(hashes[i])) {
        ids.set(hashes[i], ids.size);
      }
      assert.equal(out[i], ids.get(hashes[i]), `word ${i}`);
    }
    assert.equal(table.size, ids.size);
    assert.ok(table.keys.length > 1 << 16, 'the table grew');
    assert.deepEqual(added.filter((_, k) => k % 2 === 1), [...ids.values()], 'each new word reported once, in id order');
    for (const [h, id] of ids) {
      assert.equal(table.lookup(h), id);
    }
    assert.equal(table.lookup(0xdeadbeef), ids.get(0xdeadbeef));
    assert.equal(table.add(0xdeadbee1), ids.size, 'add gives the next id');
  });

  it('internFile: the ids a table gives, its new words with their folded forms, the widths the index keeps', () => {
    const encoder = new TextEncoder();
    const table = new WordIdTable();
    const met = new HashSet();
    const ids = new Uint32Array(64);
    const first = hashFile(encoder.encode('Pékin et Paris, pékin.'), 1 << 20, met);
    const shape = internFile(first.hashes!, first.starts!, first.folds!, table, ids);
    const words = wordHashes('Pékin et Paris, pékin.').hashes;
    assert.deepEqual([...ids.subarray(0, 4)], [0, 1, 2, 0]);
    assert.equal(shape.base, 0);
    assert.deepEqual([...shape.added], [words[0], hashWord('pekin'), words[1], words[1], words[2], words[2]]);
    assert.deepEqual([shape.idBytes, shape.startBytes], [2, 2]);
    const second = hashFile(encoder.encode('été à Paris'), 1 << 20, met);
    const again = internFile(second.hashes!, second.starts!, second.folds!, table, ids);
    assert.equal(again.base, 3);
    assert.deepEqual([...ids.subarray(0, 3)], [3, 4, 2]);
    assert.deepEqual([...again.added], [hashWord('été'), hashWord('ete'), hashWord('à'), hashWord('a')]);
    // A text past 65,535 units keeps 4-byte starts.
    const long = hashFile(encoder.encode('mot '.repeat(20_000) + 'fin'), 1 << 20, met);
    assert.equal(internFile(long.hashes!, long.starts!, long.folds!, table, new Uint32Array(long.hashes!.length)).startBytes, 4);
    // A word not plain ASCII new to the table must come folded: a hasher that met it before (not seeded with the table) did not.
    const stale = new HashSet();
    stale.add(hashWord('œuvre'));
    const unfolded = hashFile(encoder.encode('Œuvre'), 1 << 20, stale);
    assert.throws(() => internFile(unfolded.hashes!, unfolded.starts!, unfolded.folds!, new WordIdTable(), ids), /not folded/);
    const seeded = new HashSet();
    seedWords(seeded, table);
    assert.equal(seeded.add(hashWord('pékin')), false, 'seeded with the table’s words');
    assert.equal(seeded.add(hashWord('œuvre')), true);
  });

  it('Corpus.adoptWords takes the words of a copy of its vocabulary only while nothing else was added', () => {
    const corpus = new Corpus();
    corpus.add(createSource('a', 'corpus/a.txt', 'Pékin et Paris', 'lines'), 'tag-a');
    const state = corpus.vocabularyState();
    const copyOf = (s: typeof state) => new WordIdTable({ keys: s.keys.slice(), ids: s.ids.slice(), size: s.size, chain: s.chain });
    const copy = copyOf(state);
    const met = new HashSet();
    seedWords(met, copy);
    const file = hashFile(new TextEncoder().encode('été à Pékin'), 1 << 20, met);
    const ids = new Uint32Array(3);
    const shape = internFile(file.hashes!, file.starts!, file.folds!, copy, ids);
    assert.equal(corpus.adoptWords(shape.base + 1, shape.chain, shape.added), false, 'another base');
    const grown = new Corpus();
    grown.add(createSource('a', 'corpus/a.txt', 'Pékin et Paris été', 'lines'), 'tag-a');
    assert.equal(grown.adoptWords(4, grown.vocabularyState().chain, shape.added), false, 'a word it has already');
    assert.equal(grown.vocabularyState().size, 4, 'nothing added');
    // The same size, other words: a copy that added "Lyon" while the index added "Nice".
    const other = new Corpus();
    other.add(createSource('a', 'corpus/a.txt', 'Pékin et Paris', 'lines'), 'tag-a');
    const apart = copyOf(other.vocabularyState());
    apart.add(hashWord('lyon'));
    other.add(createSource('n', 'corpus/n.txt', 'Nice', 'lines'), 'tag-n');
    assert.equal(other.vocabularyState().size, apart.size);
    const next = hashFile(new TextEncoder().encode('Lyon, Pékin'), 1 << 20, new HashSet());
    const nextShape = internFile(next.hashes!, next.starts!, next.folds!, apart, new Uint32Array(2));
    assert.deepEqual([...nextShape.added], [], 'nothing new to the copy: only the chain tells');
    assert.equal(other.adoptWords(nextShape.base, nextShape.chain, nextShape.added), false, 'the same size, another chain');
    assert.equal(corpus.adoptWords(shape.base, shape.chain, shape.added), true);
    corpus.add(createSource('b', 'corpus/b.txt', 'été à Pékin', 'lines'), 'tag-b', { hashed: { ids: Uint16Array.from(ids), starts: Uint16Array.from(file.starts!) } });
    const reference = new Corpus();
    reference.add(createSource('a', 'corpus/a.txt', 'Pékin et Paris', 'lines'), 'tag-a');
    reference.add(createSource('b', 'corpus/b.txt', 'été à Pékin', 'lines'), 'tag-b');
    const plain = (c: Corpus) => {
      const snapshot = c.snapshot();
      return JSON.stringify({ ...snapshot, words: snapshot.words.map((w) => [...w]), starts: snapshot.starts.map((s) => [...s]), tables: Object.fromEntries(Object.entries(snapshot.tables).map(([k, v]) => [k, [...v]])) });
    };
    assert.equal(plain(corpus), plain(reference));
  });

  it('a hasher given the vocabulary gives word ids, cold and from a restored index, and the index is the one hashing here builds', async () => {
    /** An in-process hasher that counts the files it gave as ids. */
    const counting = () => {
      const inner = new InProcessHasher();
      const counted = { interned: 0, hashed: 0 };
      const hasher: TextHasher = {
        hash: async (...args) => {
          const results = await inner.hash(...args);
          for (const r of results) {
            counted[r.interned ? 'interned' : 'hashed'] += r.problem === undefined ? 1 : 0;
          }
          return results;
        },
        release: () => inner.release(),
      };
      return { hasher, counted };
    };
    const cold = counting();
    const service = await load(cold.hasher);
    assert.ok(cold.counted.interned > 600 && cold.counted.hashed === 0, JSON.stringify(cold.counted));
    assert.equal(indexOf(service), indexOf(await load()));
    // From a restored index, with files changed and added: the hasher starts from the restored vocabulary.
    const cache = new MemoryCache();
    await (await load(undefined, cache)).saveIndex();
    const changed = { ...files() };
    for (let i = 0; i < 300; i++) {
      changed[`corpus/gen/s${String(i * 2).padStart(4, '0')}.txt`] = `Titre changé ${i}

Œuvre nouvelle numéro ${i}, déjà vue à Pékin et à Zürich.
`;
      changed[`corpus/new/n${i}.txt`] = `Texte neuf ${i} : « mot${i} » et mot${i + 1}.
`;
    }
    const warm = counting();
    const restoredLoad = createLanguageService({ fs: new MemoryFileSystem(changed), hasher: warm.hasher, cache });
    await restoredLoad.load();
    assert.equal(restoredLoad.workspace.indexOrigin.restored, true);
    assert.ok(warm.counted.interned >= 600, JSON.stringify(warm.counted));
    const reference = createLanguageService({ fs: new MemoryFileSystem(changed), cache });
    await reference.load();
    // (The files' states hold the time they were read at: left out.)
    const withoutStates = (index: string) => index.replace(/"fileState":"[^"]*"/g, '');
    assert.equal(withoutStates(indexOf(restoredLoad)), withoutStates(indexOf(reference)));
    assert.equal(snapshotOf(restoredLoad), snapshotOf(reference));
  });

  it('word ids from a hasher whose vocabulary went apart from the index’s are not used: those files are hashed here, with the same index', async () => {
    // The hasher's copy of the vocabulary has a word the index lacks: every id it gives after it is off by one.
    const inner = new InProcessHasher();
    let interned = 0;
    const hasher: TextHasher = {
      hash: async (files, maxBytes, wantFacts, lines, vocabulary) => {
        const apart = vocabulary && new WordIdTable({ keys: vocabulary.keys.slice(), ids: vocabulary.ids.slice(), size: vocabulary.size });
        apart?.add(hashWord('mot-que-le-corpus-n’a-pas'));
        const results = await inner.hash(files, maxBytes, wantFacts, lines, apart);
        interned += results.filter((r) => r.interned).length;
        return results;
      },
      release: () => inner.release(),
    };
    const service = await load(hasher);
    assert.ok(interned > 600, 'the hasher gave ids');
    assert.equal(indexOf(service), indexOf(await load()));
    assert.equal(snapshotOf(service), snapshotOf(await load()));
  });

  it('the hashing thread reads bytes already in shared memory where they are, and copies the others, with the same results', async function () {
    this.timeout(60_000);
    const code = buildSync({ entryPoints: [path.join(__dirname, '../../server/src/node/hashWorkerMain.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, logLevel: 'silent' }).outputFiles[0].text;
    const encoder = new TextEncoder();
    const texts = Array.from({ length: 40 }, (_, i) => `Texte ${i} : « Pékin » et mot${i} à Zürich.\n`);
    // Every other file in slices of one shared chunk (as the Node file system reads small files), at odd offsets.
    const chunk = new Uint8Array(new SharedArrayBuffer(1 << 16));
    let used = 1;
    const files = texts.map((text, i) => {
      const bytes = encoder.encode(text);
      if (i % 2 === 1) {
        return bytes;
      }
      chunk.set(bytes, used);
      used += bytes.length + 3;
      return chunk.subarray(used - bytes.length - 3, used - 3);
    });
    assert.ok(files[0].buffer instanceof SharedArrayBuffer && !(files[1].buffer instanceof SharedArrayBuffer));
    const hasher = new WorkerHasher({ code });
    try {
      for (let round = 0; round < 5; round++) {
        const results = await hasher.hash(files, 1 << 20, undefined, true);
        const expected = hashFiles(texts.map((t) => encoder.encode(t)), 1 << 20, new HashSet(), undefined, true);
        assert.equal(hasher.failure, undefined);
        assert.deepEqual(results.map((r) => [[...r.hashes!], [...r.starts!], [...r.lines!]]), expected.map((r) => [[...r.hashes!], [...r.starts!], [...r.lines!]]), `round ${round}`);
        assert.ok(results.every((r, i) => r.bytes === files[i]), 'each file’s own bytes handed back');
      }
    } finally {
      hasher.release();
    }
  });

  it('a hashing thread that cannot start hashes on the calling thread instead, with the same results', async () => {
    const hasher = new WorkerHasher({ file: path.join(__dirname, 'no-such-worker-script.js') });
    const service = await load(hasher);
    assert.ok(hasher.failure, 'the failure is recorded');
    assert.equal(snapshotOf(service), snapshotOf(await load()));
  });
});
