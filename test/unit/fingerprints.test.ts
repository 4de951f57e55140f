import assert from 'node:assert/strict';
import fc from 'fast-check';
import { distinctSorted, fingerprints, trigramHash, winnow, WINNOW } from '../../server/src/corpus/fingerprints';
import { decodeText } from '../../server/src/workspace/decode';

describe('fingerprints', () => {
  /**
   * The reference, by brute force: each window of WINNOW trigram hashes, its minimum at
   * its rightmost position; a value is selected when that position changes.
   */
  const reference = (hashes: Uint32Array): number[] => {
    const grams = Array.from({ length: Math.max(0, hashes.length - 2) }, (_, i) => trigramHash(hashes[i], hashes[i + 1], hashes[i + 2]));
    const selected: number[] = [];
    let last = -1;
    for (let end = WINNOW - 1; end < grams.length; end++) {
      let min = end - WINNOW + 1;
      for (let j = min; j <= end; j++) {
        if (grams[j] <= grams[min]) {
          min = j;
        }
      }
      if (min !== last) {
        selected.push(grams[min]);
        last = min;
      }
    }
    return selected;
  };

  it('are the distinct, sorted window minima, and winnow selects them in order (ties and repeats included)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 300 }), (small, large) => {
        // Few distinct word hashes repeat trigrams, so windows tie; many give distinct minima.
        for (const words of [small, large]) {
          const hashes = Uint32Array.from(words, (w) => (w * 2654435761) >>> 0);
          const expected = reference(hashes);
          assert.deepEqual([...fingerprints(hashes)], [...new Set(expected)].sort((a, b) => a - b));
          const selected: number[] = [];
          winnow(hashes, 0, hashes.length, selected);
          assert.deepEqual(selected, expected);
          assert.deepEqual([...distinctSorted(selected)], [...fingerprints(hashes)]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('are empty for a text shorter than one window of trigrams', () => {
    assert.equal(fingerprints(new Uint32Array(WINNOW + 1)).length, 0);
    assert.ok(fingerprints(Uint32Array.from({ length: WINNOW + 2 }, (_, i) => i + 1)).length > 0);
  });
});

describe('decodeText', () => {
  it('calls a file with a NUL byte in its first 8 KB binary, and only there', () => {
    const bytes = new Uint8Array(9000).fill(0x61);
    bytes[8191] = 0;
    const early = decodeText(bytes);
    assert.match('problem' in early ? early.problem : '', /binary/);
    bytes[8191] = 0x61;
    bytes[8192] = 0;
    const late = decodeText(bytes);
    assert.ok('text' in late && late.text.length === 9000);
    assert.ok('text' in decodeText(new Uint8Array(0)));
  });
});
