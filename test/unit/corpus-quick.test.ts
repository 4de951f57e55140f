import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Corpus } from '../../server/src/corpus/corpus';
import { findExact } from '../../server/src/corpus/match';
import { parseQuote } from '../../server/src/corpus/quote';
import { createSource, paragraphRange } from '../../server/src/corpus/source';
import { tokenize, wordHashes, hashWord } from '../../server/src/corpus/tokenize';

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
    }
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

  it('finds nothing for a changed word, and leaves omissions and insertions to findExact', () => {
    const source = sources[0];
    const quote = source.text.slice(source.tokens.starts[10], source.tokens.ends[15]);
    const changed = quote.replace(/\p{L}+$/u, 'zzzz');
    assert.deepEqual(corpus.quickExact(source.key, parseQuote(changed)), []);
    assert.equal(corpus.quickExact(source.key, parseQuote(`${quote} […] mot`)), undefined);
    const [head, ...tail] = quote.split(' ');
    assert.equal(corpus.quickExact(source.key, parseQuote(`${head} [il] ${tail.join(' ')}`)), undefined);
  });
});
