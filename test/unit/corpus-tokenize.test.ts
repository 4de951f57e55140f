import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { foldedHashAt, foldWord, NON_ASCII, normalizeWord, tokenize, wordHashes } from '../../server/src/corpus/tokenize';

describe('corpus/tokenize', () => {
  it('splits on spaces, punctuation, quote marks, apostrophes and dashes', () => {
    const text = 'L’annonce «non fiables» d\'État — au-delà\u00a0de\u202fça, “ok”';
    const t = tokenize(text);
    assert.deepEqual(t.words, ['l', 'annonce', 'non', 'fiables', 'd', 'état', 'au', 'delà', 'de', 'ça', 'ok']);
  });

  it('maps offsets back to the original text', () => {
    const text = '  «Pékin»\u00a0a nié ';
    const t = tokenize(text);
    assert.equal(t.words.length, 3);
    for (let i = 0; i < t.words.length; i++) {
      assert.equal(normalizeWord(text.slice(t.starts[i], t.ends[i])), t.words[i]);
    }
    assert.equal(text.slice(t.starts[0], t.ends[0]), 'Pékin');
  });

  it('lower-cases and keeps diacritics', () => {
    assert.deepEqual(tokenize('PÉKIN Pekin ÉTATS-UNIS').words, ['pékin', 'pekin', 'états', 'unis']);
  });

  it('normalises NFD to NFC (decomposed é equals precomposed)', () => {
    const nfd = 'Pe\u0301kin';
    const t = tokenize(nfd);
    assert.deepEqual(t.words, ['pékin']);
    assert.equal(t.ends[0], nfd.length);
  });

  it('keeps digits and combining marks inside words, treats the BOM and U+02BC as separators', () => {
    assert.deepEqual(tokenize('\ufeff1er août 2020 l\u02bcÉtat').words, ['1er', 'août', '2020', 'l', 'état']);
  });

  it('handles astral letters and lone surrogates', () => {
    const t = tokenize('a\ud835\udc00b \ud800 c');
    assert.deepEqual(t.words, ['a\ud835\udc00b', 'c']);
  });

  it('returns nothing for separator-only text', () => {
    const t = tokenize(' « … » — ’ ');
    assert.equal(t.words.length, 0);
    assert.equal(t.starts.length, 0);
  });

  it('folds diacritics and ligatures only on request', () => {
    assert.equal(foldWord('pékin'), 'pekin');
    assert.equal(foldWord('cœur'), 'coeur');
    assert.equal(foldWord('plain'), 'plain');
  });

  it('is fast on a few MB of text', function () {
    this.timeout(20000);
    const para = 'Le secrétaire d’État américain Mike Pompeo a décrit les mesures qu’il souhaite « non fiables ». ';
    const text = para.repeat(40000); // ~4 MB
    const t0 = Date.now();
    const t = tokenize(text);
    const ms = Date.now() - t0;
    assert.equal(t.words.length, 16 * 40000);
    assert.ok(ms < 5000, `took ${ms} ms`);
  });

  it('wordHashes flags every word that is not plain ASCII: an unflagged word is its own folded form', () => {
    const dir = join(__dirname, '../../examples/tiktok-ban/corpus');
    const texts = readdirSync(dir).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(dir, f), 'utf8'));
    texts.push('L’État aujourd\'hui ÉTAT İstanbul \u212Aelvin ǅemal naïve ﬁn Straße cafe\u0301 CAFÉ ABC abc 42 x🙂y');
    let flagged = 0;
    for (const text of texts) {
      const plain = wordHashes(text);
      const { hashes, starts } = wordHashes(text, undefined, true);
      assert.deepEqual([...hashes], [...plain.hashes]);
      for (let i = 0; i < hashes.length; i++) {
        const start = starts[i] & ~NON_ASCII;
        assert.equal(start, plain.starts[i]);
        const word = tokenize(text.slice(start)).words[0];
        if (starts[i] < NON_ASCII) {
          assert.equal(foldedHashAt(text, start), hashes[i], word);
          assert.ok([...word].every((c) => c.charCodeAt(0) < 128), word);
        } else {
          flagged++;
        }
      }
    }
    assert.ok(flagged > 100);
  });
});
