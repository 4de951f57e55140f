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

function trigramHash(a: number, b: number, c: number): number {
  return mix(Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77) ^ Math.imul(c + 0x165667b1, 0xc2b2ae3d));
}

/**
 * Winnowing minima of the trigram hashes of `ids[from..to)`, appended to `out`
 * (one per window; consecutive windows often share their minimum, which is not
 * repeated).
 */
export function winnow(ids: ArrayLike<number>, from: number, to: number, out: number[]): void {
  const t = to - from - GRAM + 1;
  if (t < WINNOW) {
    return;
  }
  const hashes = new Uint32Array(t);
  for (let i = 0; i < t; i++) {
    hashes[i] = trigramHash(ids[from + i], ids[from + i + 1], ids[from + i + 2]);
  }
  // Monotone deque of window minima.
  const dq = new Int32Array(t);
  let head = 0;
  let tail = 0;
  let lastPos = -1;
  for (let i = 0; i < t; i++) {
    while (tail > head && hashes[dq[tail - 1]] >= hashes[i]) {
      tail--;
    }
    dq[tail++] = i;
    if (dq[head] <= i - WINNOW) {
      head++;
    }
    if (i >= WINNOW - 1 && dq[head] !== lastPos) {
      lastPos = dq[head];
      out.push(hashes[lastPos]);
    }
  }
}

/**
 * A text's fingerprints: the distinct winnowing minima of its word hashes, sorted
 * (the values {@link winnow} selects, in typed arrays: this runs on every word of the
 * corpus). Each window's minimum is kept as its rightmost position, rescanning the
 * window only when that position leaves it.
 */
export function fingerprints(hashes: Uint32Array): Uint32Array {
  const t = hashes.length - GRAM + 1;
  if (t < WINNOW) {
    return new Uint32Array(0);
  }
  const grams = new Uint32Array(t);
  for (let i = 0; i < t; i++) {
    grams[i] = trigramHash(hashes[i], hashes[i + 1], hashes[i + 2]);
  }
  const out = new Uint32Array(t - WINNOW + 1);
  let n = 0;
  let min = -1;
  for (let i = WINNOW - 1; i < t; i++) {
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
  const sorted = out.subarray(0, n).sort();
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
