/**
 * Trigram fingerprints sampled by winnowing (see the index scheme in corpus.ts):
 * pure functions of a text's word hashes, so that they can be computed wherever the
 * hashes are (the hashing thread too: this module imports nothing).
 */

/** Window of the winnowing over trigram hashes. */
export const WINNOW = 5;
const GRAM = 3;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash of three consecutive word hashes (exported for tests). */
export function trigramHash(a: number, b: number, c: number): number {
  return mix(Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77) ^ Math.imul(c + 0x165667b1, 0xc2b2ae3d));
}

/** The trigram hashes of `ids[from..to)`, or undefined when they are fewer than one window. */
function trigramHashes(ids: ArrayLike<number>, from: number, to: number): Uint32Array | undefined {
  const t = to - from - GRAM + 1;
  if (t < WINNOW) {
    return undefined;
  }
  const grams = new Uint32Array(t);
  for (let i = 0; i < t; i++) {
    grams[i] = trigramHash(ids[from + i], ids[from + i + 1], ids[from + i + 2]);
  }
  return grams;
}

/**
 * The winnowing minima of `grams`, written to `out` (room for one per window): each
 * window's minimum, kept as its rightmost position and written when that position
 * changes (consecutive windows often share their minimum); the window is rescanned
 * only when its minimum leaves it. Returns how many were written.
 */
function windowMinima(grams: Uint32Array, out: Uint32Array): number {
  let n = 0;
  let min = -1;
  for (let i = WINNOW - 1; i < grams.length; i++) {
    const first = i - WINNOW + 1;
    if (min < first) {
      min = first;
      for (let j = first + 1; j <= i; j++) {
        if (grams[j] <= grams[min]) {
          min = j;
        }
      }
      out[n++] = grams[min];
    } else if (grams[i] <= grams[min]) {
      min = i;
      out[n++] = grams[min];
    }
  }
  return n;
}

/**
 * Winnowing minima of the trigram hashes of `ids[from..to)`, appended to `out`
 * (one per window; consecutive windows often share their minimum, which is not
 * repeated).
 */
export function winnow(ids: ArrayLike<number>, from: number, to: number, out: number[]): void {
  const grams = trigramHashes(ids, from, to);
  if (grams) {
    const minima = new Uint32Array(grams.length - WINNOW + 1);
    const n = windowMinima(grams, minima);
    for (let i = 0; i < n; i++) {
      out.push(minima[i]);
    }
  }
}

/**
 * A text's fingerprints: the distinct winnowing minima of its word hashes, sorted
 * (what {@link winnow} selects, in typed arrays: this runs on every word of the corpus).
 */
export function fingerprints(hashes: Uint32Array): Uint32Array {
  const grams = trigramHashes(hashes, 0, hashes.length);
  if (!grams) {
    return new Uint32Array(0);
  }
  const minima = new Uint32Array(grams.length - WINNOW + 1);
  const sorted = minima.subarray(0, windowMinima(grams, minima)).sort();
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      sorted[k++] = sorted[i];
    }
  }
  return sorted.slice(0, k);
}

/** Sorted distinct values. */
export function distinctSorted(values: number[]): Uint32Array {
  const arr = Uint32Array.from(values).sort();
  let n = 0;
  for (let i = 0; i < arr.length; i++) {
    if (i === 0 || arr[i] !== arr[i - 1]) {
      arr[n++] = arr[i];
    }
  }
  return arr.subarray(0, n);
}
