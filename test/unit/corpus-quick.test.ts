import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Corpus } from '../../server/src/corpus/corpus';
import { findExact, findNear } from '../../server/src/corpus/match';
import { parseQuote } from '../../server/src/corpus/quote';
import { createSource, paragraphRange } from '../../server/src/corpus/source';
import { tokenize, wordEndFrom, wordHashes, hashWord } from '../../server/src/corpus/tokenize';
import { lineMap } from '../../server/src/corpus/utf8';

const FIXTURES = path.resolve(__dirname, '../fixtures/corpus');

describe('corpus: matching on word ids', () => {
  const corpus = new Corpus();
  const sources = fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => createSource(f.replace(/\.txt$/, ''), f, fs.readFileSync(path.join(FIXTURES, f), 'utf8'), 'lines'));
  for (const source of sources) {
    corpus.add(source);
  }

  it('hashes the same words as the tokenizer, at the same offsets', () => {
    for (const text of [...sources.map((s) => s.text), 'ÉTATS-UNIS e\u0301te\u0301 ΑΣ İstanbul 𠀀x Straße ǅemal cœur']) {
      const tokens = tokenize(text);
      const { hashes, starts } = wordHashes(text);
      assert.deepEqual([...hashes], tokens.words.map(hashWord));
      assert.deepEqual([...starts], [...tokens.starts]);
      assert.deepEqual([...starts].map((start) => wordEndFrom(text, start)), [...tokens.ends]);
    }
  });

  it('finds the same near matches on word ids as on tokens, within locators too', () => {
    let compared = 0;
    for (const source of sources) {
      const near = corpus.nearSource(source.key)!;
      const { words } = source.tokens;
      for (let i = 0; i + 9 <= words.length; i += 11) {
        const original = source.text.slice(source.tokens.starts[i], source.tokens.ends[i + 8]);
        const variants = [
          original.replace(/\p{L}+/u, 'changé'), // a changed word
          original.replace(/\s+\S+/u, ''), // a dropped word
          original.normalize('NFD').replace(/\p{M}/gu, ''), // accents dropped
          original.replace(/\s+/u, ' [nous] '), // an insertion
          `${original.split(/\s+/).slice(0, 3).join(' ')} […] ${original.split(/\s+/).slice(5).join(' ')}`,
        ];
        for (const text of variants) {
          const pattern = parseQuote(text);
          for (const within of [undefined, paragraphRange(source, 2)]) {
            const onTokens = findNear(source, pattern, within);
            assert.deepEqual(findNear(near, pattern, within), onTokens, text);
            compared += onTokens ? 1 : 0;
          }
        }
      }
    }
    assert.ok(compared > 200, `${compared}`);
  });

  it('finds the same near matches, wordings included, on a source that keeps its bytes and reads pieces of its text off them', () => {
    // As the workspace makes sources from files: bytes and a line map, the text never decoded whole for near matching.
    const onBytes = new Corpus();
    for (const source of sources) {
      const bytes = new TextEncoder().encode(source.text);
      onBytes.add(createSource(source.key, source.path, undefined, 'lines', source.metadata, bytes, {}, lineMap(source.text, bytes)));
    }
    let compared = 0;
    for (const source of sources) {
      const near = onBytes.nearSource(source.key)!;
      const { words, starts, ends } = source.tokens;
      for (let i = 0; i + 12 <= words.length; i += 7) {
        const original = source.text.slice(starts[i], ends[i + 11]);
        for (const text of [original.replace(/\p{L}+/u, 'changé'), `${original.split(/\s+/).slice(0, 4).join(' ')} […] ${original.split(/\s+/).slice(6).join(' ')}`]) {
          const pattern = parseQuote(text);
          const onTokens = findNear(source, pattern);
          assert.deepEqual(findNear(near, pattern), onTokens, text);
          compared += onTokens ? 1 : 0;
        }
      }
    }
    assert.ok(compared > 100, `${compared}`);
  });

  it('finds what findExact finds, for every window of words of every paragraph, inside locators too', () => {
    let checked = 0;
    for (const source of sources) {
      const { words } = source.tokens;
      for (let i = 0; i + 6 <= words.length; i += 7) {
        const quote = source.text.slice(source.tokens.starts[i], source.tokens.ends[i + 5]);
        const pattern = parseQuote(quote);
        const within = paragraphRange(source, 3);
        for (const range of [undefined, within]) {
          const quick = corpus.quickExact(source.key, pattern, range);
          if (quick === undefined) {
            continue; // the window holds an omission mark of the source's own text (…)
          }
          assert.deepEqual(quick[0], findExact(source, pattern, range)[0], quote);
          checked++;
        }
      }
    }
    assert.ok(checked > 200);
  });

  it('finds nothing for a changed word, and what findExact finds with omissions and insertions', () => {
    const source = sources[0];
    const quote = source.text.slice(source.tokens.starts[10], source.tokens.ends[15]);
    const changed = quote.replace(/\p{L}+$/u, 'zzzz');
    assert.deepEqual(corpus.quickExact(source.key, parseQuote(changed)), []);
    const words = quote.split(' ');
    const longer = source.text.slice(source.tokens.starts[10], source.tokens.ends[30]).split(/\s+/);
    for (const text of [
      `${words.slice(0, 2).join(' ')} […] ${words.slice(4).join(' ')}`,
      `${words[0]} [il] ${words.slice(1).join(' ')}`,
      `${longer.slice(0, 3).join(' ')} … ${longer.slice(8, 11).join(' ')} [...] ${longer.slice(-2).join(' ')}`,
      `${quote} […] motinexistant`,
    ]) {
      const pattern = parseQuote(text);
      assert.deepEqual(corpus.quickExact(source.key, pattern, undefined, true), findExact(source, pattern), text);
    }
  });

  it('finds every occurrence of a run whatever word it is scanned for (its rarest), at the edges and inside a range', () => {
    const local = new Corpus();
    // "rare" is in one source, "a" and "b" in three: runs are scanned for "rare".
    const text = 'rare a b rare c a rare b a b rare.\n\na b rare a b rare z a b\n\nb rare a b rare';
    local.add(createSource('k', 'k.txt', text, 'lines'));
    local.add(createSource('o1', 'o1.txt', 'a b c a b', 'lines'));
    local.add(createSource('o2', 'o2.txt', 'b a c b a', 'lines'));
    const source = local.get('k')!;
    let compared = 0;
    for (const quote of ['a b rare', 'rare a b', 'b rare a', 'rare', 'a b', 'b rare a b rare', 'rare z a b']) {
      const pattern = parseQuote(quote);
      for (const within of [undefined, paragraphRange(source, 2), paragraphRange(source, 3), { start: text.indexOf('rare', 5) - 2, end: text.length - 3 }]) {
        const expected = findExact(source, pattern, within);
        assert.deepEqual(local.quickExact('k', pattern, within, true), expected, `${quote} in ${JSON.stringify(within)}`);
        compared += expected.length;
      }
      const anywhere = findExact(source, pattern);
      assert.deepEqual(local.findExactAnywhere(pattern, new Set(['o1', 'o2'])), anywhere, quote);
    }
    assert.ok(compared > 20, `${compared} matches compared`);
  });

  it('never passes a word that only shares its hash with the word of the source', () => {
    // Find two different words with the same 32-bit hash (a birthday search).
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    let state = 12345;
    for (let i = 0; i < 2_000_000 && !pair; i++) {
      let word = '';
      for (let k = 0; k < 9; k++) {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        word += String.fromCharCode(97 + ((state >>> 16) % 26));
      }
      const h = hashWord(word);
      const other = seen.get(h);
      if (other !== undefined && other !== word) {
        pair = [other, word];
      }
      seen.set(h, word);
    }
    assert.ok(pair, 'a colliding pair was found');
    const [a, b] = pair;
    const local = new Corpus();
    local.add(createSource('k', 'k.txt', `Le ministre a dit ${a} hier soir.`, 'lines'));
    const misquote = parseQuote(`a dit ${b} hier`);
    const quick = local.quickExact('k', misquote);
    assert.ok(quick === undefined || quick.length === 0, `the collision is caught: ${JSON.stringify(quick)}`);
    assert.deepEqual(findExact(local.get('k')!, misquote), []);
    assert.equal(local.quickExact('k', parseQuote(`a dit ${a} hier`))?.length, 1);
  });
});
