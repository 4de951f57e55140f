import assert from 'node:assert/strict';
import { parseQuote, quoteWordCount, trimmedPieces } from '../../server/src/corpus/quote';
import type { PatternToken } from '../../server/src/corpus/types';

const show = (pieces: PatternToken[][]): string[] =>
  pieces.map((p) => p.map((t) => (t.kind === 'word' ? t.word : `[${t.text}]`)).join(' '));

describe('corpus/quote', () => {
  it('tokenises like the source', () => {
    const p = parseQuote('L’annonce de «mercredi»');
    assert.deepEqual(show(p.pieces), ['l annonce de mercredi']);
    assert.equal(p.wordCount, 4);
    assert.equal(quoteWordCount(p), 4);
  });

  for (const omission of ['…', '...', '[…]', '[...]', '[ … ]', '....', '(...)']) {
    it(`splits pieces at the omission ${omission}`, () => {
      const p = parseQuote(`Ces sociétés ${omission} fournissent des données`);
      assert.deepEqual(show(p.pieces), ['ces sociétés', 'fournissent des données']);
      assert.equal(p.wordCount, 5);
    });
  }

  it('drops empty pieces', () => {
    const p = parseQuote('… des données […] … personnelles ...');
    assert.deepEqual(show(p.pieces), ['des données', 'personnelles']);
  });

  it('reads [text] as an insertion token', () => {
    const p = parseQuote('[the president] said [that] it was over');
    assert.deepEqual(show(p.pieces), ['[the president] said [that] it was over']);
    assert.equal(p.wordCount, 4);
    assert.deepEqual(p.pieces[0][0], { kind: 'insertion', text: 'the president' });
  });

  it('ignores [sic] in any case and empty brackets', () => {
    const p = parseQuote('il a [SIC] dit [] [Sic] oui');
    assert.deepEqual(show(p.pieces), ['il a dit oui']);
    assert.equal(p.wordCount, 4);
  });

  it('reads a bracket glued to a word as an adapted letter', () => {
    assert.deepEqual(show(parseQuote('[T]he measures').pieces), ['the measures']);
    assert.deepEqual(show(parseQuote('organi[z]ation').pieces), ['organization']);
    assert.deepEqual(show(parseQuote('[Trump] a dit').pieces), ['[Trump] a dit']);
  });

  it('treats unmatched brackets as separators', () => {
    assert.deepEqual(show(parseQuote('a [b c').pieces), ['a b c']);
    assert.deepEqual(show(parseQuote('a ] b').pieces), ['a b']);
  });

  it('has no pieces without words', () => {
    assert.deepEqual(parseQuote(' … « » ').pieces, []);
    assert.equal(parseQuote('[sic]').wordCount, 0);
    assert.equal(parseQuote('[quelqu’un]').wordCount, 0);
  });

  it('trimmedPieces drops insertions at piece edges', () => {
    const p = parseQuote('[Il] a dit [que] oui … [non]');
    assert.deepEqual(show(trimmedPieces(p)), ['a dit [que] oui']);
  });
});
