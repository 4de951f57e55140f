import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Span } from '../../server/src/common/text';
import { countWords, InlineText, isWordCharAt } from '../../server/src/syntax/inline-text';

/** The definitions the fast versions replace: a regular expression, and one offset kept per character. */
const WORDS = /[\p{L}\p{N}\p{M}]+/gu;
function countWordsByRegex(text: string): number {
  return text.replace(/\[sic\]/gi, ' ').match(WORDS)?.length ?? 0;
}
function offsetsPerCharacter(text: string, pieces: readonly Span[]): number[] {
  const offsets: number[] = [];
  pieces.forEach((piece, index) => {
    if (index > 0) {
      offsets.push(pieces[index - 1].end);
    }
    for (let offset = piece.start; offset < piece.end; offset++) {
      offsets.push(offset);
    }
  });
  return offsets;
}

/** Characters that exercise the word classes: ASCII, Latin-1, marks, other scripts, astral letters and digits, lone surrogates. */
const CHARS = ['a', 'Z', '7', ' ', '-', '’', '«', '\u00a0', 'é', 'e\u0301', 'Œ', '北', 'ﬁ', '𝐀', '𝟘', '🙂', '\ud800', '\udc00', '[sic]', '[SIC]', '[', ']', '\n', 'ǅ', 'Ⅻ'];

describe('inline text helpers', () => {
  it('countWords counts the runs /[\\p{L}\\p{N}\\p{M}]+/gu finds, without [sic]', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CHARS), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        assert.equal(countWords(text), countWordsByRegex(text), JSON.stringify(text));
      }),
      { numRuns: 2000 },
    );
    assert.equal(countWords('l’État [sic] a 35,2 % 🙂 𝐀𝐁'), 6);
  });

  it('isWordCharAt agrees with the Unicode classes at every position', () => {
    const text = CHARS.join('');
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i)!;
      assert.equal(isWordCharAt(text, i), /^[\p{L}\p{N}\p{M}]$/u.test(String.fromCodePoint(cp)), `at ${i}`);
    }
  });

  it('InlineText maps every position of the joined pieces back to the note, as one offset per character did', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(5), fc.nat(12)), { minLength: 1, maxLength: 6 }),
        (shape) => {
          // Pieces in order with gaps between them (block quote markers, line breaks).
          const pieces: Span[] = [];
          let at = 0;
          for (const [gap, length] of shape) {
            pieces.push({ start: at + gap, end: at + gap + length });
            at += gap + length + 1;
          }
          const text = 'x'.repeat(at + 3);
          const src = new InlineText(text, pieces);
          const expected = offsetsPerCharacter(text, pieces);
          assert.equal(src.s.length, expected.length);
          for (let i = 0; i < expected.length; i++) {
            assert.equal(src.offset(i), expected[i], `offset(${i}) of ${JSON.stringify(pieces)}`);
          }
          assert.equal(src.offset(expected.length), pieces[pieces.length - 1].end);
          for (let start = 0; start <= expected.length; start++) {
            for (let end = start; end <= expected.length; end++) {
              const span = src.span(start, end);
              const from = start < expected.length ? expected[start] : pieces[pieces.length - 1].end;
              assert.deepEqual(span, { start: from, end: end > start ? expected[end - 1] + 1 : from });
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
