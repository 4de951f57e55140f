import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Corpus } from '../../server/src/corpus/corpus';
import { parseQuote } from '../../server/src/corpus/quote';
import { findExact } from '../../server/src/corpus/match';
import { createSource } from '../../server/src/corpus/source';

const FIXTURES = join(__dirname, '..', 'fixtures', 'corpus');

function fixtureCorpus(): Corpus {
  const corpus = new Corpus();
  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.txt')).sort()) {
    const key = file.replace(/\.txt$/, '');
    corpus.add(createSource(key, `corpus/${file}`, readFileSync(join(FIXTURES, file), 'utf8'), 'lines'));
  }
  return corpus;
}

/** Deterministic pseudo-random filler sources sharing a vocabulary. */
function fillerText(seed: number, words: number): string {
  let x = seed * 2654435761 + 1;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(`mot${x % 3000}`);
  }
  return out.join(' ');
}

const keysOf = (matches: { key: string }[]): string[] => [...new Set(matches.map((m) => m.key))];

describe('corpus/corpus', () => {
  it('holds sources by key', () => {
    const c = fixtureCorpus();
    assert.equal(c.size, 5);
    assert.deepEqual([...c.keys()].sort(), [
      '000_89686b2429188c97', '001_a42ddd0556fd155a', '002_212038316e46eb29', '003_029dc54680174176', '004_672c0623c0b69310',
    ]);
    assert.equal(c.get('001_a42ddd0556fd155a')?.metadata.date, '2020-09-20');
    assert.equal(c.get('nope'), undefined);
  });

  it('runOccurrences gives what findExactAnywhere finds, as word indexes, for runs of words; undefined with an omission', () => {
    const c = fixtureCorpus();
    for (let i = 0; i < 40; i++) {
      c.add(createSource(`filler-${i}`, `corpus/filler-${i}.txt`, fillerText(i, 400), 'lines'));
    }
    const phrases = ['Pompeo', 'Mike Pompeo', 'WeChat', 'TikTok', 'Chine', 'le', 'de la', 'mot17', 'mot17 mot2', 'Washington', 'nulle part ailleurs'];
    for (const phrase of phrases) {
      const pattern = parseQuote(phrase);
      const expected = c.findExactAnywhere(pattern).map((m) => ({ key: m.key, firstWord: m.firstWord, lastWord: m.lastWord }));
      assert.deepEqual(c.runOccurrences(pattern), expected, phrase);
    }
    assert.ok(c.runOccurrences(parseQuote('le'))!.length > 20, 'a common word: many occurrences');
    assert.equal(c.runOccurrences(parseQuote('«toute transaction […] par toute personne»')), undefined);
    const first = c.runOccurrences(parseQuote('Mike Pompeo'))![0];
    const span = c.wordSpan(first.key, first.firstWord, first.lastWord)!;
    assert.equal(c.get(first.key)!.text.slice(span.start, span.end), 'Mike Pompeo');
    assert.equal(c.wordSpan(first.key, 5, 4), undefined);
    assert.equal(c.wordSpan('nope', 0, 0), undefined);
  });

  it('findExactAnywhere finds the right source and honours exclude', () => {
    const c = fixtureCorpus();
    const wechat = parseQuote('«toute transaction liée à WeChat par toute personne»');
    assert.deepEqual(keysOf(c.findExactAnywhere(wechat)), ['002_212038316e46eb29']);
    assert.deepEqual(c.findExactAnywhere(wechat, new Set(['002_212038316e46eb29'])), []);
    // "applications chinoises non fiables" is in three sources (“…”, « … » and «…»), twice in 000.
    const nf = parseQuote('applications chinoises “non fiables”');
    const all = c.findExactAnywhere(nf);
    assert.deepEqual(keysOf(all), ['000_89686b2429188c97', '002_212038316e46eb29', '004_672c0623c0b69310']);
    assert.equal(all.filter((m) => m.key === '000_89686b2429188c97').length, 2);
    assert.deepEqual(
      keysOf(c.findExactAnywhere(nf, new Set(['000_89686b2429188c97', '002_212038316e46eb29']))),
      ['004_672c0623c0b69310'],
    );
    // Misquotes are found nowhere.
    assert.deepEqual(c.findExactAnywhere(parseQuote('toute transaction liée à TikTok par toute personne')), []);
    assert.deepEqual(c.findExactAnywhere(parseQuote('L’interdiction prendra effet dans 40 jours')), []);
    assert.deepEqual(c.findExactAnywhere(parseQuote('mot-inconnu-xyz')), []);
    assert.deepEqual(c.findExactAnywhere(parseQuote('[sic]')), []);
  });

  it('finds short quotes, omissions and insertions anywhere', () => {
    const c = fixtureCorpus();
    assert.deepEqual(keysOf(c.findExactAnywhere(parseQuote('Huwaei'))), ['003_029dc54680174176']);
    assert.deepEqual(keysOf(c.findExactAnywhere(parseQuote('Tencent Holdings'))), ['002_212038316e46eb29', '004_672c0623c0b69310']);
    assert.deepEqual(keysOf(c.findExactAnywhere(parseQuote('Tencent Holdings Ltd (0700'))), ['004_672c0623c0b69310']);
    assert.deepEqual(
      keysOf(c.findExactAnywhere(parseQuote('Le président Donald Trump a publié […] des décrets interdisant'))),
      ['002_212038316e46eb29'],
    );
    assert.deepEqual(
      keysOf(c.findExactAnywhere(parseQuote('Le [chef de l’État] Donald Trump a publié jeudi des décrets'))),
      ['002_212038316e46eb29'],
    );
  });

  it('does not verify every source: candidates come from the index', () => {
    const c = new Corpus();
    for (let i = 0; i < 300; i++) {
      c.add(createSource(`f${i}`, `corpus/f${i}.txt`, fillerText(i, 400), 'lines'));
    }
    const needle = 'Selon M. Pompeo, des applications telles que TikTok et WeChat représentent des menaces importantes';
    c.add(createSource('target', 'corpus/target.txt', `${fillerText(999, 200)} ${needle} ${fillerText(1000, 200)}`, 'lines'));
    c.add(createSource('twin', 'corpus/twin.txt', `${needle}.`, 'lines'));
    const q = parseQuote('des applications telles que TikTok et WeChat');
    assert.deepEqual(c.candidateKeys(q).sort(), ['target', 'twin']);
    assert.deepEqual(keysOf(c.findExactAnywhere(q)).sort(), ['target', 'twin']);
    // A long run of common filler words: many candidates (their rarest words are
    // common), each verified, and only the source holding it found.
    const run = fillerText(150, 400).split(' ').slice(100, 112).join(' ');
    assert.ok(c.candidateKeys(parseQuote(run)).includes('f150'));
    assert.deepEqual(keysOf(c.findExactAnywhere(parseQuote(run))), ['f150']);
    // A short quote of filler words falls back to word postings and is still exact.
    const short = fillerText(7, 400).split(' ').slice(10, 12).join(' ');
    assert.ok(keysOf(c.findExactAnywhere(parseQuote(short))).includes('f7'));
  });

  it('finds every source holding a quotation (index never loses a match)', () => {
    const c = new Corpus();
    const texts: string[] = [];
    for (let i = 0; i < 60; i++) {
      const t = fillerText(i, 300);
      texts.push(t);
      c.add(createSource(`s${i}`, `s${i}.txt`, t, 'lines'));
    }
    for (let i = 0; i < 60; i += 7) {
      const words = texts[i].split(' ');
      for (const len of [1, 2, 3, 5, 7, 9, 15]) {
        const start = (i * 13) % (words.length - len);
        const q = parseQuote(words.slice(start, start + len).join(' '));
        const expected = texts
          .map((t, k) => ` ${t} `.includes(` ${words.slice(start, start + len).join(' ')} `) ? `s${k}` : '')
          .filter(Boolean);
        assert.deepEqual(keysOf(c.findExactAnywhere(q)).sort(), expected.sort(), `len ${len}`);
      }
    }
  });

  it('supports remove and re-add without rebuilding', () => {
    const c = fixtureCorpus();
    const q = parseQuote('toute transaction liée à WeChat');
    assert.equal(c.remove('002_212038316e46eb29'), true);
    assert.equal(c.remove('002_212038316e46eb29'), false);
    assert.equal(c.size, 4);
    assert.equal(c.get('002_212038316e46eb29'), undefined);
    assert.deepEqual(c.findExactAnywhere(q), []);
    c.add(createSource('moved', 'corpus/moved.txt', 'Elles interdiraient « toute transaction liée à WeChat ».', 'lines'));
    assert.deepEqual(keysOf(c.findExactAnywhere(q)), ['moved']);
    // Replacing a key replaces its text.
    c.add(createSource('moved', 'corpus/moved.txt', 'Plus rien.', 'lines'));
    assert.equal(c.size, 5);
    assert.deepEqual(c.findExactAnywhere(q), []);
    assert.deepEqual(keysOf(c.findExactAnywhere(parseQuote('plus rien'))), ['moved']);
  });

  it('compacts after many removals and keeps answering', () => {
    const c = new Corpus();
    for (let i = 0; i < 200; i++) {
      c.add(createSource(`s${i}`, `s${i}.txt`, fillerText(i, 200), 'lines'));
    }
    for (let i = 0; i < 180; i++) {
      c.remove(`s${i}`);
    }
    assert.equal(c.size, 20);
    const words = fillerText(190, 200).split(' ');
    assert.deepEqual(keysOf(c.findExactAnywhere(parseQuote(words.slice(50, 60).join(' ')))), ['s190']);
    assert.ok(keysOf(c.findExactAnywhere(parseQuote(words[3]))).includes('s190'));
    const gone = fillerText(5, 200).split(' ').slice(20, 30).join(' ');
    assert.deepEqual(c.findExactAnywhere(parseQuote(gone)), []);
  });

  it('word postings: the same candidates from nodes in the order they came, grouped by word, dead or restored', () => {
    // Sources of 20 to 400 words over 600 words; the operations leave nodes in the
    // tail (scanned), group them (a snapshot does, as does a tail past 16,384 nodes or
    // more dead nodes than live ones), drop some, and restore from a snapshot.
    let seed = 7;
    const random = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    const textOf = () => Array.from({ length: 20 + random(380) }, () => `w${random(600)}`).join(' ');
    const texts = new Map<string, { words: Set<string>; tag: string }>();
    let c = new Corpus();
    const check = (when: string) => {
      for (let w = 0; w < 600; w += 7) {
        const word = `w${w}`;
        const expected = [...texts].filter(([, t]) => t.words.has(word)).map(([k]) => k).sort();
        assert.deepEqual(c.candidateKeys(parseQuote(word)).sort(), expected, `${word} ${when}`);
        // Two and three words: the postings intersected (a superset of the sources holding them all, each holding one).
        const words = [word, `w${(w * 13 + 5) % 600}`, `w${(w * 31 + 11) % 600}`];
        for (const n of [2, 3]) {
          const some = words.slice(0, n);
          const all = [...texts].filter(([, t]) => some.every((x) => t.words.has(x))).map(([k]) => k);
          const any = new Set([...texts].filter(([, t]) => some.some((x) => t.words.has(x))).map(([k]) => k));
          const got = c.candidateKeys(parseQuote(some.join(' ')));
          assert.equal(new Set(got).size, got.length, `no key twice ${some.join(' ')} ${when}`);
          assert.ok(all.every((k) => got.includes(k)), `${some.join(' ')} ${when}`);
          assert.ok(got.every((k) => any.has(k)), `${some.join(' ')} ${when}`);
        }
      }
    };
    let restores = 0;
    for (let step = 0; step < 400; step++) {
      const op = random(40);
      const key = `s${random(150)}`;
      if (op < 24) {
        const text = textOf();
        texts.set(key, { words: new Set(text.split(' ')), tag: `tag${step}` });
        c.add(createSource(key, `${key}.txt`, text, 'lines'), `tag${step}`);
      } else if (op < 35) {
        texts.delete(key);
        c.remove(key);
      } else if (op < 38) {
        c.snapshot(); // groups the nodes
      } else {
        const restored = Corpus.restore(structuredClone(c.snapshot()));
        assert.ok(restored, 'restores');
        c = restored;
        restores++;
        // Half the sources attached as they were, half indexed again (their restored nodes dead).
        for (const [k, t] of texts) {
          const again = Number(k.slice(1)) % 2 === 0;
          if (again) {
            t.tag = `${t.tag}'`;
          }
          c.add(createSource(k, `${k}.txt`, [...t.words].join(' '), 'lines'), t.tag);
        }
        c.dropDetached();
      }
      if (step % 10 === 0 || op >= 35) {
        check(`after step ${step}`);
      }
    }
    check('at the end');
    assert.ok(restores >= 3, `${restores} restores`);
    // Many new nodes at once (past 16,384 in the tail): a search groups them first.
    for (let i = 0; i < 150; i++) {
      const text = Array.from({ length: 2000 }, () => `w${random(600)}`).join(' ');
      texts.set(`b${i}`, { words: new Set(text.split(' ')), tag: `b${i}` });
      c.add(createSource(`b${i}`, `b${i}.txt`, text, 'lines'), `b${i}`);
      if (i % 50 === 49) {
        check(`after ${i + 1} large sources`);
      }
    }
  });

  it('restores only an index that fits: vocabulary tables of one size, word ids within the vocabulary', () => {
    const c = new Corpus();
    for (let i = 0; i < 30; i++) {
      c.add(createSource(`s${i}`, `s${i}.txt`, fillerText(i, 100), 'lines'), `tag${i}`);
    }
    const good = c.snapshot();
    assert.ok(Corpus.restore(structuredClone(good)));
    const spoilt = (change: (s: typeof good) => void) => {
      const snapshot = structuredClone(good);
      change(snapshot);
      return Corpus.restore(snapshot);
    };
    assert.equal(spoilt((s) => (s.tables.vocabIds = s.tables.vocabIds.slice(1))), undefined, 'vocabulary tables of two sizes');
    assert.equal(spoilt((s) => (s.tables.df = s.tables.df.slice(0, s.vocabSize - 1))), undefined, 'a word without its frequency');
    assert.equal(spoilt((s) => (s.words[3][0] = s.vocabSize)), undefined, 'a word id out of the vocabulary');
    assert.equal(spoilt((s) => (s.starts[2] = s.starts[2].slice(1))), undefined, 'word ids and starts of two lengths');
    assert.ok(!('postStart' in good.tables) && !('postSource' in good.tables), 'the postings are not saved');
  });

  it('with postings deferred, answers as with them, and builds the very index once they are built', () => {
    const texts = Array.from({ length: 80 }, (_, i) => fillerText(i, 300));
    const posted = new Corpus();
    const deferred = new Corpus();
    deferred.deferPostings();
    texts.forEach((t, i) => {
      posted.add(createSource(`s${i}`, `s${i}.txt`, t, 'lines'), `tag${i}`);
      deferred.add(createSource(`s${i}`, `s${i}.txt`, t, 'lines'), `tag${i}`);
    });
    // Removed and replaced while deferred: a source never posted counts in no frequency.
    for (const c of [posted, deferred]) {
      c.remove('s3');
      c.add(createSource('s5', 's5.txt', fillerText(500, 300), 'lines'), 'tag5b');
    }
    assert.equal(deferred.postingsDeferred, true);
    const queries = [3, 12, 40, 77].flatMap((i) => {
      const words = (i === 5 ? fillerText(500, 300) : texts[i]).split(' ');
      return [1, 2, 4, 9].map((len) => parseQuote(words.slice(20, 20 + len).join(' ')));
    });
    queries.push(parseQuote('un mot qui n’est nulle part'));
    for (const q of queries) {
      assert.deepEqual(deferred.findExactAnywhere(q), posted.findExactAnywhere(q));
      assert.deepEqual(deferred.runOccurrences(q), posted.runOccurrences(q));
    }
    assert.ok(deferred.candidateKeys(queries[2]).length >= posted.candidateKeys(queries[2]).length);
    deferred.postDeferred();
    assert.equal(deferred.postingsDeferred, false);
    const a = deferred.snapshot();
    const b = posted.snapshot();
    assert.deepEqual([...a.tables.df], [...b.tables.df]);
    assert.deepEqual(a.entries.map((e) => [e.key, e.nodes]), b.entries.map((e) => [e.key, e.nodes]));
    for (const q of queries) {
      assert.deepEqual(deferred.candidateKeys(q), posted.candidateKeys(q));
    }
  });

  it('closestKeys suggests keys close to a mistyped one', () => {
    const c = fixtureCorpus();
    assert.equal(c.closestKeys('002_212038316e46eb2', 3)[0], '002_212038316e46eb29');
    assert.equal(c.closestKeys('000_89686b2429188c79', 3)[0], '000_89686b2429188c97');
    assert.ok(c.closestKeys('004_672c0623c0b69310', 3).every((k) => k !== '004_672c0623c0b69310'));
    assert.ok(c.closestKeys('x', 2).length <= 2);
    assert.deepEqual(c.closestKeys('zzzzzzzzqqqqqqqqwwwwwwww', 3), []);
    assert.deepEqual(new Corpus().closestKeys('abc'), []);
    c.add(createSource('pompeo-2020', 'corpus/pompeo-2020.txt', 'x', 'lines'));
    assert.equal(c.closestKeys('pompeo2020', 1)[0], 'pompeo-2020');
  });
});

describe('corpus/corpus limit', () => {
  it('stops after `limit` sources', () => {
    const c = new Corpus();
    for (const k of ['a', 'b', 'c']) {
      c.add(createSource(k, `${k}.txt`, 'Il a dit oui. Puis il a dit oui.', 'lines'));
    }
    const q = parseQuote('il a dit oui');
    assert.equal(c.findExactAnywhere(q).length, 6);
    const one = c.findExactAnywhere(q, undefined, 1);
    assert.deepEqual(one.map((m) => m.key), ['a', 'a']);
    assert.deepEqual(keysOf(c.findExactAnywhere(q, new Set(['a']), 1)), ['b']);
  });

  it('with many candidates, finds exactly the sources holding the quotation, before and after a source changes (word-pair filters)', () => {
    // 300 sources of the same 12 common words in different orders: every source is a
    // candidate of a quotation of common words (past the filters' threshold), and only
    // a few hold it as it is written, or with an omission.
    const common = ['il', 'a', 'dit', 'que', 'les', 'de', 'la', 'et', 'le', 'en', 'un', 'pour'];
    let x = 5;
    const shuffled = () => {
      const words = [...common, ...common, ...common];
      for (let i = words.length - 1; i > 0; i--) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        const j = x % (i + 1);
        [words[i], words[j]] = [words[j], words[i]];
      }
      return words.join(' ');
    };
    const c = new Corpus();
    const texts = new Map<string, string>();
    for (let i = 0; i < 300; i++) {
      const key = `s${String(i).padStart(3, '0')}`;
      const text = i % 97 === 3 ? `${shuffled()}. Il a dit que les mesures. ${shuffled()}` : shuffled();
      texts.set(key, text);
      c.add(createSource(key, `corpus/${key}.txt`, text, 'lines'));
    }
    const expected = (q: ReturnType<typeof parseQuote>) => [...texts].map(([key, text]) => findExact(createSource(key, `corpus/${key}.txt`, text, 'lines'), q)).flat();
    const queries = ['il a dit que les', 'il a dit […] les mesures', 'dit que les mesures', 'que la pour le', 'les de la'];
    const check = () => {
      for (const text of queries) {
        const q = parseQuote(text);
        assert.deepEqual(c.findExactAnywhere(q), expected(q), text);
      }
    };
    check();
    assert.ok(keysOf(c.findExactAnywhere(parseQuote('il a dit que les mesures'))).length >= 3);
    // A source changed after its filter was made: its new words are the ones searched.
    texts.set('s150', `${shuffled()} dit que les mesures`);
    c.add(createSource('s150', 'corpus/s150.txt', texts.get('s150')!, 'lines'));
    texts.set('s003', shuffled());
    c.add(createSource('s003', 'corpus/s003.txt', texts.get('s003')!, 'lines'));
    check();
    assert.ok(keysOf(c.findExactAnywhere(parseQuote('dit que les mesures'))).includes('s150'));
  });

  it('searchAhead finds the very answers of searches made alone, before and after sources change', () => {
    // 700 sources of 5 common words (each pair of them in ~560 sources, more than
    // searchAhead keeps a pair for), a few holding rarer words: quotations of common
    // words only, of rare ones, with omissions, insertions, and altered.
    const common = ['il', 'a', 'dit', 'que', 'les'];
    const rare = ['mesures', 'fermeté', 'applications', 'chinoises', 'réseau', 'propre'];
    let x = 11;
    const next = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % n;
    };
    const text = (i: number) => {
      const words: string[] = [];
      for (let k = 0; k < 40; k++) {
        words.push(i % 23 === 5 && k % 9 === 4 ? rare[next(rare.length)] : common[next(common.length)]);
      }
      return words.join(' ');
    };
    const texts = new Map<string, string>();
    const c = new Corpus();
    const put = (key: string, body: string | undefined) => {
      if (body === undefined) {
        texts.delete(key);
        c.remove(key);
      } else {
        texts.set(key, body);
        c.add(createSource(key, `corpus/${key}.txt`, body, 'lines'));
      }
    };
    for (let i = 0; i < 700; i++) {
      put(`s${String(i).padStart(3, '0')}`, text(i));
    }
    // Quotations: pieces of sources as they stand (found), and the same altered.
    const queries: string[] = [];
    const bodies = [...texts.values()];
    for (let n = 0; n < 120; n++) {
      const words = bodies[next(bodies.length)].split(' ');
      const from = next(words.length - 8);
      const piece = words.slice(from, from + 3 + next(5));
      const kind = n % 6;
      if (kind === 1) {
        piece[next(piece.length)] = common[next(common.length)]; // altered (or, by chance, the same)
      } else if (kind === 2) {
        queries.push(`${piece.join(' ')} […] ${words.slice(from + 10, from + 13).join(' ')}`);
        continue;
      } else if (kind === 3) {
        piece.splice(1, 0, '[sic]');
      }
      queries.push(piece.join(' '));
    }
    queries.push('mesures', 'il a dit', 'fermeté de la', 'que que que que', 'au début de');
    const expected = (q: ReturnType<typeof parseQuote>) => [...texts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, body]) => findExact(createSource(key, `corpus/${key}.txt`, body, 'lines'), q)).flat();
    const patterns = queries.map((q) => parseQuote(q));
    const check = (label: string) => {
      const alone = patterns.map((q) => c.findExactAnywhere(q));
      c.searchAhead(patterns);
      // Some quotations get their candidates ahead; those of common words only (every pair in most sources) do not.
      const ahead = (c as unknown as { searchedAhead: Map<string, number[]> }).searchedAhead.size;
      assert.ok(ahead > 10 && ahead < patterns.length - 10, `${label}: ${ahead} of ${patterns.length} searched ahead`);
      patterns.forEach((q, i) => {
        assert.deepEqual(c.findExactAnywhere(q), alone[i], `${label}: ${queries[i]}`);
        if (i % 10 === 0 || i >= patterns.length - 5) {
          assert.deepEqual(alone[i], expected(q), `${label}: ${queries[i]}`); // (a scan of every source: for some)
        }
      });
    };
    check('first');
    assert.ok(queries.filter((q) => c.findExactAnywhere(parseQuote(q)).length > 0).length > 60, 'most quotations stand somewhere');
    // Sources added, replaced and removed after a search ahead: its lists are not used again.
    const quoted = queries[0];
    assert.deepEqual(c.findExactAnywhere(patterns[queries.indexOf('au début de')]), [], 'début: in no source yet');
    put('s900', `au début de ${quoted} à la fin`);
    put('s100', text(100_001));
    put('s205', undefined);
    check('after changes');
    assert.ok(keysOf(c.findExactAnywhere(parseQuote(quoted))).includes('s900'));
    assert.deepEqual(keysOf(c.findExactAnywhere(patterns[queries.indexOf('au début de')])), ['s900'], 'the same quotation, asked again');
  });

  it('groups each word’s postings: its live sources in the order they were added, after a load, drops, later adds and a restore', () => {
    // The naive grouping, from the sources' words, against the saved tables.
    const check = (c: Corpus, label: string) => {
      c.groupPostings();
      const internal = c as unknown as { sources: unknown[]; wordIds: ArrayLike<number>[]; vocab: { size: number }; postStart: Uint32Array; nodeSource: Uint32Array };
      const lists: number[][] = Array.from({ length: internal.vocab.size }, () => []);
      for (let id = 0; id < internal.sources.length; id++) {
        if (internal.sources[id]) {
          for (const w of new Set(Array.from(internal.wordIds[id]))) {
            lists[w].push(id);
          }
        }
      }
      const { postStart } = internal;
      const postSource = internal.nodeSource;
      assert.equal(postStart.length, internal.vocab.size + 1, `${label}: every word has its room`);
      for (let w = 0; w < internal.vocab.size; w++) {
        assert.deepEqual(Array.from(postSource.subarray(postStart[w], postStart[w + 1])), lists[w], `${label}: word ${w}`);
      }
    };
    const add = (c: Corpus, key: string, seed: number) => c.add(createSource(key, `corpus/${key}.txt`, fillerText(seed, 30 + (seed % 50)), 'lines'), `tag-${key}`);
    const c = new Corpus();
    for (let i = 0; i < 200; i++) {
      add(c, `a${i}`, i);
    }
    check(c, 'a load (all in the tail)');
    for (let i = 0; i < 200; i += 7) {
      c.remove(`a${i}`);
    }
    for (let i = 0; i < 40; i++) {
      add(c, `b${i}`, 1000 + i);
    }
    add(c, 'a3', 5000); // replaced: a new id
    check(c, 'drops and later adds');
    const restored = Corpus.restore(structuredClone(c.snapshot()))!;
    for (const key of c.keys()) {
      restored.add(c.get(key)!, `tag-${key}`); // reattached as they are
    }
    check(restored, 'a restore (its postings made from the saved word ids)');
    const partly = Corpus.restore(structuredClone(c.snapshot()))!;
    for (const key of c.keys().filter((k) => !k.startsWith('b'))) {
      partly.add(c.get(key)!, `tag-${key}`);
    }
    partly.dropDetached(); // the b… files are gone
    add(partly, 'b7', 7777);
    check(partly, 'a restore whose entries are not all claimed');
    for (let i = 0; i < 30; i++) {
      add(restored, `c${i}`, 2000 + i);
    }
    restored.remove('b5');
    check(restored, 'a restore, then adds and a drop');
  });
});

