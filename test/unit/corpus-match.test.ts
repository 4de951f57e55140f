import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findExact, findNear, MAX_SPAN_WORDS } from '../../server/src/corpus/match';
import { parseQuote, trimmedPieces } from '../../server/src/corpus/quote';
import { createSource, paragraphRange, lineRange } from '../../server/src/corpus/source';
import type { PatternToken, SourceInfo } from '../../server/src/corpus/types';

const TEXT = [
  'Le secrétaire d’État américain Mike Pompeo a décrit les mesures qu’il souhaite que les entreprises américaines prennent pour faire face aux «applications chinoises non fiables».',
  'L’annonce de mercredi marque une nouvelle détérioration des relations entre Washington et Pékin.',
  'Selon M. Pompeo, des applications telles que TikTok et WeChat représentent “des menaces importantes pour les données personnelles des citoyens américains”.',
  'L’interdiction prendra effet dans 45 jours.',
  'Le président Donald Trump a publié jeudi des décrets interdisant toute transaction.',
].join('\r\n');

const src = (text = TEXT, key = 'src'): SourceInfo => createSource(key, `corpus/${key}.txt`, text, 'lines');
const exact = (source: SourceInfo, quote: string, within?: { start: number; end: number }) => findExact(source, parseQuote(quote), within);
const wordingOf = (source: SourceInfo, quote: string): string[] =>
  exact(source, quote).map((m) => source.text.slice(m.span.start, m.span.end));

describe('corpus/match findExact', () => {
  const s = src();

  it('ignores typography: quote marks, NBSP, U+202F, apostrophes, case, line wraps', () => {
    for (const q of [
      'applications chinoises non fiables',
      '« non fiables »',
      '“non fiables”',
      '"non fiables"',
      '«\u00a0non\u00a0fiables\u00a0»',
      'non\u202ffiables',
      'NON Fiables',
      "L'annonce de mercredi",
      'L’annonce de mercredi',
      'secrétaire d\'État américain',
      'Selon M Pompeo des applications',
      'non fiables.\nL’annonce de mercredi',
      'relations entre Washington-et-Pékin',
      'Washington — et — Pékin',
    ]) {
      assert.equal(exact(s, q).length, 1, q);
    }
  });

  it('maps the match to the source’s own wording', () => {
    assert.deepEqual(wordingOf(s, 'non fiables'), ['non fiables']);
    const [m] = exact(s, '“L’ANNONCE de mercredi”');
    assert.equal(s.text.slice(m.span.start, m.span.end), 'L’annonce de mercredi');
    assert.equal(s.tokens.words[m.firstWord], 'l');
    assert.equal(m.lastWord - m.firstWord, 3);
    assert.equal(m.key, 'src');
  });

  it('equates NFD and NFC', () => {
    assert.equal(exact(s, 'entre Washington et Pe\u0301kin').length, 1);
    const nfd = src(TEXT.normalize('NFD'));
    assert.equal(exact(nfd, 'entre Washington et Pékin').length, 1);
  });

  it('never reports a changed word as exact', () => {
    assert.deepEqual(exact(s, 'entre Washington et Pekin'), []);
    assert.deepEqual(exact(s, 'prendra effet dans 40 jours'), []);
    assert.deepEqual(exact(s, 'applications chinoises fiables'), []);
    assert.deepEqual(exact(s, 'applications chinoises non pas fiables'), []);
    assert.deepEqual(exact(s, 'ne représentent pas des menaces'), []);
    assert.deepEqual(exact(s, 'des menaces importantes pour les données des citoyens'), []);
    // ...while the source's own wording is.
    assert.equal(exact(s, 'des menaces importantes pour les données personnelles des citoyens').length, 1);
    assert.equal(exact(s, 'prendra effet dans 45 jours').length, 1);
  });

  it('finds every occurrence', () => {
    const t = src('Pompeo dit oui. Puis Pompeo dit non. Pompeo dit oui.');
    const ms = exact(t, 'Pompeo dit oui');
    assert.equal(ms.length, 2);
    assert.ok(ms[0].span.start < ms[1].span.start);
  });

  for (const omission of ['…', '...', '[…]', '[...]']) {
    it(`matches pieces around the omission ${omission}`, () => {
      const ms = exact(s, `Mike Pompeo a décrit ${omission} applications chinoises non fiables`);
      assert.equal(ms.length, 1);
      assert.equal(s.text.slice(ms[0].span.start, ms[0].span.end).startsWith('Mike Pompeo a décrit les mesures'), true);
      assert.equal(s.text.slice(ms[0].span.start, ms[0].span.end).endsWith('non fiables'), true);
    });
  }

  it('allows an omission of zero words and across paragraphs', () => {
    assert.equal(exact(s, 'non … fiables').length, 1);
    assert.equal(exact(s, 'non fiables … L’annonce de mercredi').length, 1);
  });

  it('rejects pieces out of order', () => {
    assert.deepEqual(exact(s, 'applications chinoises non fiables … Mike Pompeo a décrit'), []);
    assert.deepEqual(exact(s, 'Washington et Pékin … L’annonce de mercredi'), []);
  });

  it('requires all pieces within 300 words', () => {
    const filler = (n: number): string => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
    // From "alpha" to "omega" inclusive: 300 words, then 301 words.
    const ok = src(`alpha beta ${filler(296)} psi omega`);
    assert.equal(ok.tokens.words.length, MAX_SPAN_WORDS);
    assert.equal(exact(ok, 'alpha beta … psi omega').length, 1);
    const far = src(`alpha beta ${filler(297)} psi omega`);
    assert.deepEqual(exact(far, 'alpha beta … psi omega'), []);
    // A later occurrence close enough still matches.
    const later = src(`alpha beta ${filler(297)} alpha beta x psi omega`);
    const ms = exact(later, 'alpha beta … psi omega');
    assert.equal(ms.length, 1);
    assert.equal(ms[0].firstWord, 299);
  });

  it('lets [insertions] stand for 0 to 8 source words', () => {
    const t = src('Le président Donald Trump a dit que TikTok serait interdit. Le chef a dit w1 w2 w3 w4 w5 w6 w7 w8 w9 que rien.');
    assert.equal(exact(t, 'Le [président] Donald Trump').length, 1);
    assert.equal(exact(t, 'Le président [américain] Donald Trump').length, 1);
    assert.equal(exact(t, 'Le [chef de l’État] Donald Trump a dit').length, 1);
    assert.equal(exact(t, 'a dit que [l’application] serait interdit').length, 1);
    assert.equal(exact(t, 'a dit que [TikTok] TikTok serait').length, 1);
    assert.deepEqual(exact(t, 'Le chef a dit [beaucoup] que rien'), []);
    assert.equal(exact(t, 'Le chef a dit w1 [beaucoup] que rien').length, 1);
  });

  it('does not widen a match with an insertion at its edge', () => {
    const t = src('Hier, Trump a dit non.');
    const [m] = exact(t, '[Le président] Trump a dit [quelque chose]');
    assert.equal(t.text.slice(m.span.start, m.span.end), 'Trump a dit');
  });

  it('ignores [sic]', () => {
    const t = src('Ces sociétés chinoises de logiciels qui font des affaires');
    assert.equal(exact(t, 'Ces sociétés chinoises [sic] de logiciels').length, 1);
  });

  it('restricts matches to a locator span', () => {
    const p2 = paragraphRange(s, 2)!;
    const p3 = paragraphRange(s, 3)!;
    assert.equal(exact(s, 'Washington et Pékin', p2).length, 1);
    assert.deepEqual(exact(s, 'Washington et Pékin', p3), []);
    // Straddling the end of the located range is outside.
    assert.deepEqual(exact(s, 'Washington et Pékin … Selon M. Pompeo', p2), []);
    assert.equal(exact(s, 'Washington et Pékin … Selon M. Pompeo', paragraphRange(s, 2, 3)).length, 1);
    assert.equal(exact(s, 'Washington et Pékin', lineRange(s, 1, 2)).length, 1);
  });

  it('has no match for a pattern without words', () => {
    assert.deepEqual(exact(s, '[sic] … «»'), []);
  });

  it('uses word positions on long sources and stays correct', () => {
    const words = Array.from({ length: 20000 }, (_, i) => `m${i % 997}`);
    words[15000] = 'rare';
    words[15001] = 'needle';
    const long = src(words.join(' '));
    const ms = exact(long, `${words[14999]} rare needle ${words[15002]}`);
    assert.equal(ms.length, 1);
    assert.equal(ms[0].firstWord, 14999);
    // m1 m2 m3 stands at 1 + 997k for k = 0..20.
    assert.equal(exact(long, 'm1 m2 m3').length, 21);
    assert.deepEqual(exact(long, 'm1 m3'), []);
  });

  it('property: any run of source words with typographic noise is found; a changed word is not', () => {
    const vocab = Array.from({ length: 40 }, (_, i) => `mot${i}é`);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 39 }), { minLength: 10, maxLength: 60 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom(' ', '\u00a0', '\u202f', ' « ', '” “', '’', "'", ' - ', ' — ', '\r\n'),
        (ids, a, b, sep) => {
          const text = ids.map((i) => vocab[i]).join(' ');
          const source = src(text);
          const start = a % ids.length;
          const len = 1 + (b % Math.min(8, ids.length - start));
          const run = ids.slice(start, start + len).map((i) => vocab[i]);
          const quote = run.map((w, k) => (k % 2 ? w.toUpperCase() : w.normalize('NFD'))).join(sep);
          const found = findExact(source, parseQuote(quote));
          assert.ok(found.some((m) => m.firstWord === start && m.lastWord === start + len - 1));
          const changed = [...run];
          changed[len >> 1] = 'intrus';
          assert.deepEqual(findExact(source, parseQuote(changed.join(sep))), []);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** Brute force: all end positions (exclusive) of `piece` matched from `p`. */
function refEnds(words: string[], piece: PatternToken[], i: number, p: number): number[] {
  if (i === piece.length) {
    return [p];
  }
  const t = piece[i];
  if (t.kind === 'word') {
    return p < words.length && words[p] === t.word ? refEnds(words, piece, i + 1, p + 1) : [];
  }
  const out: number[] = [];
  for (let k = 0; k <= 8 && p + k <= words.length; k++) {
    out.push(...refEnds(words, piece, i + 1, p + k));
  }
  return out;
}

/** Brute force: the possible last words (inclusive) of a whole match starting at `s`. */
function refLasts(words: string[], pieces: PatternToken[][], s: number): number[] {
  let states = new Set(refEnds(words, pieces[0], 0, s));
  for (let k = 1; k < pieces.length; k++) {
    const next = new Set<number>();
    for (const e of states) {
      for (let st = e; st < words.length; st++) {
        refEnds(words, pieces[k], 0, st).forEach((x) => next.add(x));
      }
    }
    states = next;
  }
  return [...states].filter((e) => e > s && e - s <= MAX_SPAN_WORDS).map((e) => e - 1);
}

describe('corpus/match findExact against brute force', () => {
  it('property: every match is valid and every matching start is covered by its tightest match', () => {
    const token = (v: number) => fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: v - 1 }).map((i) => `w${i}`) }, { weight: 1, arbitrary: fc.constant('[x]') });
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((v) =>
          fc.tuple(
            fc.array(fc.integer({ min: 0, max: v - 1 }).map((i) => `w${i}`), { minLength: 3, maxLength: 40 }),
            fc.array(fc.array(token(v), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
          ),
        ),
        ([words, parts]) => {
          const pattern = parseQuote(parts.map((p) => p.join(' ')).join(' … '));
          const pieces = trimmedPieces(pattern);
          const got = findExact(src(words.join(' ')), pattern);
          if (pieces.length === 0) {
            assert.deepEqual(got, []);
            return;
          }
          for (const m of got) {
            assert.ok(refLasts(words, pieces, m.firstWord).includes(m.lastWord), `invalid ${JSON.stringify(m)}`);
          }
          for (let s = 0; s < words.length; s++) {
            const lasts = refLasts(words, pieces, s);
            if (lasts.length > 0) {
              const tightest = Math.min(...lasts);
              assert.ok(got.some((m) => m.firstWord >= s && m.lastWord <= tightest), `start ${s} not covered`);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('corpus/match findNear', () => {
  const s = src();
  const near = (quote: string, within?: { start: number; end: number }, source = s) => findNear(source, parseQuote(quote), within);

  it('finds Pekin near Pékin, even for one word', () => {
    const m = near('entre Washington et Pekin');
    assert.ok(m);
    assert.equal(m.wording, 'entre Washington et Pékin');
    assert.ok(m.similarity >= 0.75 && m.similarity < 1, String(m.similarity));
    const one = near('Pekin');
    assert.ok(one);
    assert.equal(one.wording, 'Pékin');
  });

  it('finds a dropped word and gives the source wording', () => {
    const m = near('des menaces importantes pour les données des citoyens américains');
    assert.ok(m);
    assert.equal(m.wording, 'des menaces importantes pour les données personnelles des citoyens américains');
    assert.equal(s.text.slice(m.span.start, m.span.end), m.wording);
    assert.ok(m.similarity > 0.8 && m.similarity < 1);
  });

  it('finds a changed number and an inserted "not"', () => {
    const m = near('L’interdiction prendra effet dans 40 jours');
    assert.ok(m);
    assert.equal(m.wording, 'L’interdiction prendra effet dans 45 jours');
    const n = near('une nouvelle détérioration des relations ne entre Washington et Pékin');
    assert.ok(n);
    assert.equal(n.wording, 'une nouvelle détérioration des relations entre Washington et Pékin');
  });

  it('joins the wording of pieces with […]', () => {
    const m = near('Mike Pompeo a décrit les mesure … applications chinoises non fiable');
    assert.ok(m);
    assert.equal(m.wording, 'Mike Pompeo a décrit les mesures […] applications chinoises non fiables');
  });

  it('handles insertions in near matching', () => {
    const m = near('Le [chef] Donald Trump a publié mardi des décrets');
    assert.ok(m);
    assert.equal(m.wording, 'Le président Donald Trump a publié jeudi des décrets');
  });

  it('reports nothing that is not genuinely near', () => {
    assert.equal(near('Paris'), undefined);
    assert.equal(near('non fiable'), undefined);
    assert.equal(near('des relations entre Paris et Londres'), undefined);
    assert.equal(near('le chat mange la souris verte dans le jardin'), undefined);
    assert.equal(near('[sic]'), undefined);
  });

  it('respects the locator span', () => {
    assert.ok(near('entre Washington et Pekin', paragraphRange(s, 2)));
    assert.equal(near('entre Washington et Pekin', paragraphRange(s, 3)), undefined);
  });

  it('finds a near match in a long source quickly', function () {
    this.timeout(20000);
    const filler = Array.from({ length: 100000 }, (_, i) => `f${i % 5000}`).join(' ');
    const long = src(`${filler} L’interdiction prendra effet dans 45 jours. ${filler}`);
    const t0 = Date.now();
    const m = near('L’interdiction prendra effet dans 40 jours', undefined, long);
    const ms = Date.now() - t0;
    assert.ok(m);
    assert.equal(m.wording, 'L’interdiction prendra effet dans 45 jours');
    assert.ok(ms < 3000, `took ${ms} ms`);
  });
});
