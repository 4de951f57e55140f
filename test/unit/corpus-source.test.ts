import assert from 'node:assert/strict';
import {
  createSource,
  lineAt,
  lineRange,
  lineSpans,
  paragraphAt,
  paragraphRange,
  releaseTokens,
  setTokenCacheBudget,
  DEFAULT_TOKEN_CACHE_WORDS,
} from '../../server/src/corpus/source';

const slice = (text: string, span: { start: number; end: number } | undefined): string | undefined =>
  span && text.slice(span.start, span.end);

describe('corpus/source', () => {
  const text = 'Titre\r\n\r\nPremier paragraphe,\r\nsuite du premier.\r\n  \r\nSecond.\rTroisième\nfin';

  it('lines mode: every non-blank line is a paragraph (CRLF, CR, LF)', () => {
    const s = createSource('k', 'corpus/k.txt', text, 'lines');
    assert.deepEqual(s.paragraphs.map((p) => slice(text, p)), [
      'Titre', 'Premier paragraphe,', 'suite du premier.', 'Second.', 'Troisième', 'fin',
    ]);
  });

  it('blocks mode: runs of non-blank lines separated by blank lines', () => {
    const s = createSource('k', 'corpus/k.txt', text, 'blocks');
    assert.deepEqual(s.paragraphs.map((p) => slice(text, p)), [
      'Titre', 'Premier paragraphe,\r\nsuite du premier.', 'Second.\rTroisième\nfin',
    ]);
  });

  it('lines are every physical line, blank ones included, breaks excluded', () => {
    const s = createSource('k', 'corpus/k.txt', text, 'blocks');
    assert.deepEqual(s.lines.map((l) => slice(text, l)), [
      'Titre', '', 'Premier paragraphe,', 'suite du premier.', '  ', 'Second.', 'Troisième', 'fin',
    ]);
    const trailing = createSource('t', 't.txt', 'a\n', 'lines');
    assert.equal(trailing.lines.length, 2);
    assert.equal(trailing.paragraphs.length, 1);
  });

  it('lines: a text of line feeds only (the fast path) is cut as one with any other break', () => {
    /** The lines by a regex split, breaks excluded: \r\n, \r or \n. */
    const reference = (t: string) => {
      const out: Array<{ start: number; end: number }> = [];
      const re = /\r\n|\r|\n/g;
      let start = 0;
      for (let m = re.exec(t); m; m = re.exec(t)) {
        out.push({ start, end: m.index });
        start = m.index + m[0].length;
      }
      out.push({ start, end: t.length });
      return out;
    };
    for (const t of ['', '\n', 'a', 'a\n', '\na', 'a\n\nb\n', 'un\ndeux\n\n  trois  \n', 'a\r\nb', 'a\rb\nc', 'x\n\r\ny\r']) {
      assert.deepEqual(lineSpans(t), reference(t), JSON.stringify(t));
    }
  });

  it('paragraphRange / lineRange are 1-based inclusive, undefined out of range', () => {
    const s = createSource('k', 'corpus/k.txt', text, 'lines');
    assert.equal(slice(text, paragraphRange(s, 2)), 'Premier paragraphe,');
    assert.equal(slice(text, paragraphRange(s, 2, 3)), 'Premier paragraphe,\r\nsuite du premier.');
    assert.equal(paragraphRange(s, 0, 1), undefined);
    assert.equal(paragraphRange(s, 6, 7), undefined);
    assert.equal(paragraphRange(s, 3, 2), undefined);
    assert.ok(paragraphRange(s, 6));
    assert.equal(slice(text, lineRange(s, 8)), 'fin');
    assert.equal(lineRange(s, 9), undefined);
    assert.equal(slice(text, lineRange(s, 1, 3)), 'Titre\r\n\r\nPremier paragraphe,');
  });

  it('paragraphAt / lineAt give the 1-based paragraph or line of an offset', () => {
    const s = createSource('k', 'corpus/k.txt', text, 'blocks');
    assert.equal(paragraphAt(s, text.indexOf('suite')), 2);
    assert.equal(paragraphAt(s, text.indexOf('Troisième')), 3);
    assert.equal(paragraphAt(s, 0), 1);
    assert.equal(lineAt(s, text.indexOf('suite')), 4);
    assert.equal(lineAt(s, text.indexOf('fin')), 8);
    assert.equal(lineAt(s, text.indexOf('\r\n')), 1);
    const lines = createSource('k', 'k.txt', text, 'lines');
    assert.equal(paragraphAt(lines, text.indexOf('suite')), 3);
    const lead = createSource('l', 'l.txt', '\n\nx', 'lines');
    assert.equal(paragraphAt(lead, 0), 0);
    assert.equal(paragraphAt(lead, 2), 1);
  });

  it('metadata: given fields win, the rest is read from the text', () => {
    const body = '\n Pompeo et TikTok \nPublié le 20 septembre 2020.\n';
    const bare = createSource('k', 'k.txt', body, 'lines');
    assert.deepEqual(bare.metadata, { title: 'Pompeo et TikTok', date: '2020-09-20' });
    const given = createSource('k', 'k.txt', body, 'lines', { title: 'CSL title', outlet: 'Le Monde' });
    assert.deepEqual(given.metadata, { title: 'CSL title', outlet: 'Le Monde', date: '2020-09-20' });
    const dated = createSource('k', 'k.txt', body, 'lines', { date: '2019' });
    assert.equal(dated.metadata.date, '2019');
    const blank = createSource('empty', 'e.txt', '  \n', 'lines');
    assert.equal(blank.metadata.title, 'empty');
    assert.equal(blank.metadata.date, undefined);
    assert.equal('date' in blank.metadata, false);
  });

  it('computes tokens lazily, caches them and recomputes after release', () => {
    const s = createSource('k', 'k.txt', 'Le président « Trump »', 'lines');
    const t1 = s.tokens;
    assert.deepEqual(t1.words, ['le', 'président', 'trump']);
    assert.equal(s.tokens, t1);
    releaseTokens(s);
    const t2 = s.tokens;
    assert.notEqual(t2, t1);
    assert.deepEqual(t2.words, t1.words);
  });

  it('evicts least recently used tokens beyond the cache budget', () => {
    try {
      setTokenCacheBudget(5);
      const a = createSource('a', 'a.txt', 'un deux trois quatre', 'lines');
      const b = createSource('b', 'b.txt', 'cinq six sept huit', 'lines');
      const ta = a.tokens;
      const tb = b.tokens;
      assert.equal(b.tokens, tb);
      assert.notEqual(a.tokens, ta);
    } finally {
      setTokenCacheBudget(DEFAULT_TOKEN_CACHE_WORDS);
    }
  });

  it('a source made from bytes keeps them and gives back the very text, for each of two sources in turn', () => {
    const encode = (t: string) => new TextEncoder().encode(t);
    const a = 'Titre « A »\nLe secrétaire d’État\u202fa parlé.\n';
    const b = 'Titre B\nPékin a nié.\n';
    // With a UTF-8 byte-order mark, the text (as decodeText gives it) has none.
    const sa = createSource('a', 'a.txt', a, 'lines', undefined, Uint8Array.from([0xef, 0xbb, 0xbf, ...encode(a)]));
    const sb = createSource('b', 'b.txt', b, 'lines', undefined, encode(b));
    for (let i = 0; i < 3; i++) {
      assert.equal(sa.text, a);
      assert.equal(sb.text, b);
    }
    assert.equal(slice(sa.text, paragraphRange(sa, 2)), 'Le secrétaire d’État\u202fa parlé.');
    assert.deepEqual(sb.tokens.words, ['titre', 'b', 'pékin', 'a', 'nié']);
    releaseTokens(sb);
    assert.equal(sb.text, b, 'released, decoded again');
  });

  it('treats a BOM as a separator', () => {
    const s = createSource('k', 'k.txt', '\ufeffTitre\nx', 'lines');
    assert.equal(s.tokens.words[0], 'titre');
    assert.equal(s.metadata.title, 'Titre');
  });
});
