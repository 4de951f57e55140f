/**
 * Matching a quotation pattern against one source.
 *
 * Exact matching (`findExact`) compares normalised words (tokenize.ts) for equality:
 * typography (quote marks, apostrophes, spaces, dashes, line wraps, case, NFC/NFD)
 * never matters, any different word (a number, an accent, a dropped or added word)
 * always does. The pieces of a pattern (split by omissions) occur in order, each
 * starting at or after the previous one's end, and the whole match spans at most
 * {@link MAX_SPAN_WORDS} source words (first matched word to last, inclusive).
 * An insertion `[text]` inside a piece stands for 0 to {@link MAX_INSERTION_WORDS}
 * arbitrary source words; at a piece's edge it is dropped (an omission or the
 * quotation's edge already absorbs anything), so it never widens a match.
 *
 * For each occurrence of the first piece, the later pieces take their earliest
 * possible end (which leaves the most room for what follows), so each start yields
 * at most one match; matches sharing their last word keep the tightest.
 *
 * Near matching (`findNear`) is a word-level semi-global alignment (Sellers: free
 * start and end in the source), per piece. Costs, in quarters of a word:
 * equal word 0; equal after removing diacritics (`pekin`/`pékin`, `coeur`/`cœur`)
 * 1; other substitution, missing quotation word, extra source word: 4 each; an
 * insertion token absorbs 0..8 source words free. The longest piece is aligned
 * first anywhere (in `within`), the others before/after it within the 300-word
 * window. similarity = 1 − cost / (4 × quotation words), clamped to 0..1.
 *
 * A near match is reported only when similarity ≥ {@link NEAR_MIN_SIMILARITY} and
 * either at least {@link NEAR_MIN_EXACT_WORDS} words are equal, or every quotation
 * word was found equal-or-accent-folded with no other edit (the accent case: so a
 * one-word `Pekin` finds `Pékin`). Thus with 4 words one error is tolerated, with 8
 * two, and 1–3 word quotations only differ by accents.
 *
 * Speed: a prefilter marks source positions holding a quotation word (exactly or
 * folded) and runs the alignment only on windows that hold enough of them for the
 * threshold to be reachable; this is exact (never loses a reportable match).
 */
import { detached, type Span } from '../common/text';
import { trimmedPieces } from './quote';
import { foldWord } from './tokenize';
import type { NearMatch, PatternToken, QuotePattern, SourceInfo, SourceMatch, Tokens } from './types';

/** At most this many source words from the first matched word to the last (inclusive). */
export const MAX_SPAN_WORDS = 300;
/** An insertion `[text]` stands for 0 to this many source words. */
export const MAX_INSERTION_WORDS = 8;
/** Lowest similarity of a reported near match. */
export const NEAR_MIN_SIMILARITY = 0.75;
/** Words that must be equal in a near match (unless only accents differ). */
export const NEAR_MIN_EXACT_WORDS = 2;

/* ------------------------------------------------------------------ */
/* Word positions                                                     */
/* ------------------------------------------------------------------ */

/** Below this many words a source is scanned linearly instead of indexed. */
const POSITION_INDEX_MIN_WORDS = 4096;
const positionIndexes = new WeakMap<Tokens, Map<string, Uint32Array>>();

function positionIndex(tokens: Tokens): Map<string, Uint32Array> {
  let index = positionIndexes.get(tokens);
  if (index) {
    return index;
  }
  const counts = new Map<string, number>();
  for (const w of tokens.words) {
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const lists = new Map<string, { arr: Uint32Array; n: number }>();
  for (const [w, c] of counts) {
    lists.set(w, { arr: new Uint32Array(c), n: 0 });
  }
  tokens.words.forEach((w, i) => {
    const l = lists.get(w)!;
    l.arr[l.n++] = i;
  });
  index = new Map();
  for (const [w, l] of lists) {
    index.set(w, l.arr);
  }
  positionIndexes.set(tokens, index);
  return index;
}

const EMPTY = new Uint32Array(0);

/** Sorted positions of `word` in `tokens`, restricted to `[lo, hi)`. */
function positionsOf(tokens: Tokens, word: string, lo: number, hi: number): ArrayLike<number> {
  if (tokens.words.length < POSITION_INDEX_MIN_WORDS) {
    const out: number[] = [];
    const words = tokens.words;
    for (let i = lo; i < hi; i++) {
      if (words[i] === word) {
        out.push(i);
      }
    }
    return out;
  }
  const all = positionIndex(tokens).get(word) ?? EMPTY;
  const a = lowerBound(all, lo);
  const b = lowerBound(all, hi);
  return a === 0 && b === all.length ? all : all.subarray(a, b);
}

/** First index of a sorted array whose value is not below `value`. */
export function lowerBound(arr: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** Word index range `[lo, hi)` of the words lying entirely inside `within`. */
export function wordRange(tokens: Tokens, within?: Span): { lo: number; hi: number } {
  const n = tokens.words.length;
  if (!within) {
    return { lo: 0, hi: n };
  }
  const lo = lowerBound(tokens.starts, within.start);
  // First word whose end exceeds within.end.
  let a = lo;
  let b = n;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (tokens.ends[mid] <= within.end) {
      a = mid + 1;
    } else {
      b = mid;
    }
  }
  return { lo, hi: Math.max(lo, a) };
}

/* ------------------------------------------------------------------ */
/* Exact matching                                                     */
/* ------------------------------------------------------------------ */

/**
 * A quotation piece over any word type: the exact matcher runs on normalised word
 * strings (a source's tokens) and on vocabulary ids (corpus.ts, without tokenising).
 */
export type ExactToken<W> = { kind: 'word'; word: W } | { kind: 'insertion' };

/** The words the exact matcher walks, and where a piece may start among them. */
export interface ExactSequence<W> {
  readonly words: ArrayLike<W>;
  /** Sorted candidate starts of `piece` in `[lo, hi)` (a superset of its true starts). */
  pieceStarts(piece: readonly ExactToken<W>[], lo: number, hi: number): ArrayLike<number>;
}

/**
 * Smallest end (exclusive) of `piece` matched from `start`, with every word before
 * `limit`; -1 when it does not match there.
 */
function pieceEnd<W>(words: ArrayLike<W>, piece: readonly ExactToken<W>[], start: number, limit: number): number {
  let states: number[] = [start];
  for (const t of piece) {
    const next: number[] = [];
    if (t.kind === 'word') {
      for (const p of states) {
        if (p < limit && words[p] === t.word) {
          next.push(p + 1);
        }
      }
    } else {
      // States are sorted; expand each by 0..8 words and merge.
      let last = -1;
      for (const p of states) {
        for (let k = Math.max(p, last + 1); k <= p + MAX_INSERTION_WORDS && k <= limit; k++) {
          next.push(k);
          last = k;
        }
      }
    }
    if (next.length === 0) {
      return -1;
    }
    states = next;
  }
  return states[0];
}

/** Number of words before the first insertion of a piece (its fixed-offset prefix). */
function fixedPrefix<W>(piece: readonly ExactToken<W>[]): number {
  let n = 0;
  while (n < piece.length && piece[n].kind === 'word') {
    n++;
  }
  return n;
}

function minWords<W>(piece: readonly ExactToken<W>[]): number {
  let n = 0;
  for (const t of piece) {
    if (t.kind === 'word') {
      n++;
    }
  }
  return n;
}

/**
 * Candidate starts of `piece` in `[lo, hi)`: the occurrences of the rarest word of
 * its fixed prefix, shifted back to the piece's start.
 */
function pieceStarts(tokens: Tokens, piece: readonly PatternToken[], lo: number, hi: number): ArrayLike<number> {
  const prefix = fixedPrefix(piece);
  if (tokens.words.length < POSITION_INDEX_MIN_WORDS || prefix === 1) {
    return positionsOf(tokens, (piece[0] as { word: string }).word, lo, hi);
  }
  const index = positionIndex(tokens);
  let best = 0;
  let bestCount = Infinity;
  for (let j = 0; j < prefix; j++) {
    const c = index.get((piece[j] as { word: string }).word)?.length ?? 0;
    if (c < bestCount) {
      best = j;
      bestCount = c;
    }
  }
  if (best === 0) {
    return positionsOf(tokens, (piece[0] as { word: string }).word, lo, hi);
  }
  const pos = positionsOf(tokens, (piece[best] as { word: string }).word, lo + best, hi + best);
  const out = new Uint32Array(pos.length);
  for (let i = 0; i < pos.length; i++) {
    out[i] = pos[i] - best;
  }
  return out;
}

/**
 * Every exact match of `pattern` in `source` (inside `within` when given), in source
 * order. A pattern without words matches nowhere.
 */
export function findExact(source: SourceInfo, pattern: QuotePattern, within?: Span): SourceMatch[] {
  return findExactInTokens(source.key, source.tokens, pattern, within);
}

/** {@link findExact} on given tokens of the source `key` (lets callers avoid the token cache). */
export function findExactInTokens(key: string, tokens: Tokens, pattern: QuotePattern, within?: Span): SourceMatch[] {
  const { lo, hi } = wordRange(tokens, within);
  const sequence: ExactSequence<string> = { words: tokens.words, pieceStarts: (piece, a, b) => pieceStarts(tokens, piece as PatternToken[], a, b) };
  return exactMatches(sequence, trimmedPieces(pattern), lo, hi).map((r) => ({
    key,
    span: { start: tokens.starts[r.first], end: tokens.ends[r.last] },
    firstWord: r.first,
    lastWord: r.last,
  }));
}

/**
 * The exact matches of `pieces` among `sequence.words[lo, hi)`, as inclusive word
 * ranges in order (the algorithm of this module's comment, on any word type).
 */
export function exactMatches<W>(sequence: ExactSequence<W>, pieces: readonly (readonly ExactToken<W>[])[], lo: number, hi: number): Array<{ first: number; last: number }> {
  if (pieces.length === 0) {
    return [];
  }
  const words = sequence.words;
  const totalMin = pieces.reduce((s, p) => s + minWords(p), 0);
  if (hi - lo < totalMin) {
    return [];
  }
  const results: { first: number; last: number }[] = [];
  const starts = sequence.pieceStarts(pieces[0], lo, hi);
  for (let si = 0; si < starts.length; si++) {
    const first = starts[si];
    const limit = Math.min(hi, first + MAX_SPAN_WORDS);
    let end = pieceEnd(words, pieces[0], first, limit);
    for (let k = 1; k < pieces.length && end >= 0; k++) {
      const piece = pieces[k];
      const cands = sequence.pieceStarts(piece, end, limit);
      let best = -1;
      for (let ci = 0; ci < cands.length; ci++) {
        const s = cands[ci];
        if (best >= 0 && s >= best) {
          break;
        }
        const e = pieceEnd(words, piece, s, limit);
        if (e >= 0 && (best < 0 || e < best)) {
          best = e;
        }
      }
      end = best;
    }
    if (end >= 0) {
      results.push({ first, last: end - 1 });
    }
  }
  // Matches sharing their last word: keep the tightest (latest first word).
  const byLast = new Map<number, { first: number; last: number }>();
  for (const r of results) {
    const prev = byLast.get(r.last);
    if (!prev || r.first > prev.first) {
      byLast.set(r.last, r);
    }
  }
  return [...byLast.values()].sort((a, b) => a.first - b.first);
}

/* ------------------------------------------------------------------ */
/* Near matching                                                      */
/* ------------------------------------------------------------------ */

const COST_EQUAL = 0;
const COST_FOLDED = 1;
const COST_EDIT = 4;

/** Codes of the source words: which quotation word they equal, exactly and folded (-1: none). */
interface Coded {
  exact: Int32Array;
  folded: Int32Array;
}

/** The quotation as codes: word tokens get the ids of their exact and folded forms, insertions -1. */
interface CodedPiece {
  exact: Int32Array;
  folded: Int32Array;
  insertion: Uint8Array;
  words: number;
}

interface Alignment {
  cost: number;
  /** First and last source word consumed (inclusive); first > last when none. */
  first: number;
  last: number;
  equal: number;
  folded: number;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 128) {
      return false;
    }
  }
  return true;
}

/** Keys of a quotation word: its exact form and its folded form, as the source side compares them. */
type WordKeys = (word: string) => [exact: string | number, folded: string | number];

/** Keys of normalised word strings (the tokens of a source). */
const stringKeys: WordKeys = (word) => [word, foldWord(word)];

function codePieces(pieces: PatternToken[][], keysOf: WordKeys): { coded: CodedPiece[]; exactIds: Map<string | number, number>; foldIds: Map<string | number, number> } {
  const exactIds = new Map<string | number, number>();
  const foldIds = new Map<string | number, number>();
  const coded = pieces.map((piece) => {
    const c: CodedPiece = {
      exact: new Int32Array(piece.length),
      folded: new Int32Array(piece.length),
      insertion: new Uint8Array(piece.length),
      words: 0,
    };
    piece.forEach((t, i) => {
      if (t.kind === 'insertion') {
        c.exact[i] = -1;
        c.folded[i] = -1;
        c.insertion[i] = 1;
        return;
      }
      c.words++;
      const [exactKey, foldKey] = keysOf(t.word);
      let e = exactIds.get(exactKey);
      if (e === undefined) {
        e = exactIds.size;
        exactIds.set(exactKey, e);
      }
      let fi = foldIds.get(foldKey);
      if (fi === undefined) {
        fi = foldIds.size;
        foldIds.set(foldKey, fi);
      }
      c.exact[i] = e;
      c.folded[i] = fi;
    });
    return c;
  });
  return { coded, exactIds, foldIds };
}

function codeSource(words: string[], lo: number, hi: number, exactIds: Map<string | number, number>, foldIds: Map<string | number, number>): Coded {
  const n = hi - lo;
  const exact = new Int32Array(n);
  const folded = new Int32Array(n);
  const foldCache = new Map<string, number>();
  for (let j = 0; j < n; j++) {
    const w = words[lo + j];
    exact[j] = exactIds.get(w) ?? -1;
    if (isAscii(w)) {
      folded[j] = foldIds.get(w) ?? -1;
    } else {
      let f = foldCache.get(w);
      if (f === undefined) {
        f = foldIds.get(foldWord(w)) ?? -1;
        foldCache.set(w, f);
      }
      folded[j] = f;
    }
  }
  return { exact, folded };
}

/**
 * What near matching needs of a source: its words' offsets and a coding of its words
 * against the quotation's. From its tokens ({@link tokenNearSource}), or from the
 * corpus index's word ids without tokenising (corpus.ts).
 */
export interface NearSource {
  readonly key: string;
  /** The source's text from `start` to `end` (UTF-16 offsets). */
  slice(start: number, end: number): string;
  /** Word index range `[lo, hi)` of the words lying entirely inside `within` (all words without). */
  range(within?: Span): { lo: number; hi: number };
  startOf(word: number): number;
  endOf(word: number): number;
  /** The quotation words' keys, comparable with what {@link code} looks up. */
  keysOf: WordKeys;
  /** Codes of words `[lo, hi)`: the index of the quotation word each equals, exactly and folded (-1: none). */
  code(lo: number, hi: number, exactIds: Map<string | number, number>, foldIds: Map<string | number, number>): Coded;
}

/** A {@link NearSource} on the source's tokens. */
export function tokenNearSource(source: SourceInfo): NearSource {
  const tokens = source.tokens;
  return {
    key: source.key,
    slice: (start, end) => source.text.slice(start, end),
    range: (within) => wordRange(tokens, within),
    startOf: (i) => tokens.starts[i],
    endOf: (i) => tokens.ends[i],
    keysOf: stringKeys,
    code: (lo, hi, exactIds, foldIds) => codeSource(tokens.words, lo, hi, exactIds, foldIds),
  };
}

function subCost(piece: CodedPiece, i: number, src: Coded, j: number): number {
  if (piece.exact[i] === src.exact[j]) {
    return COST_EQUAL;
  }
  if (piece.folded[i] === src.folded[j] && src.folded[j] >= 0) {
    return COST_FOLDED;
  }
  return COST_EDIT;
}

/**
 * Best semi-global alignment of `piece` in source positions `[a, b)` (relative to
 * the coded range). Returns cost and the consumed source range; ties prefer the
 * earliest end, then extend it while the same start keeps the same cost.
 */
function alignPiece(piece: CodedPiece, src: Coded, a: number, b: number): Alignment | undefined {
  const m = piece.exact.length;
  if (b <= a) {
    return undefined;
  }
  const R = MAX_INSERTION_WORDS + 1;
  const rows = m + 1;
  // Ring buffer of the last R columns: cost and start (first consumed source position).
  const D = new Int32Array(R * rows);
  const S = new Int32Array(R * rows);
  // Column a (before any source word).
  let c0 = 0;
  D[0] = 0;
  S[0] = a;
  for (let i = 1; i <= m; i++) {
    D[i] = D[i - 1] + (piece.insertion[i - 1] ? 0 : COST_EDIT);
    S[i] = a;
  }
  let bestCost = D[m];
  let bestEnd = a; // exclusive end position
  let bestStart = a;
  for (let j = a; j < b; j++) {
    const prev = c0 * rows;
    const c = (c0 + 1) % R;
    const cur = c * rows;
    D[cur] = 0;
    S[cur] = j + 1;
    for (let i = 1; i <= m; i++) {
      let cost: number;
      let start: number;
      if (piece.insertion[i - 1]) {
        // Absorb 0..8 source words: min over the previous columns of row i-1.
        cost = D[cur + i - 1];
        start = S[cur + i - 1];
        const back = Math.min(MAX_INSERTION_WORDS, j + 1 - a);
        for (let k = 1; k <= back; k++) {
          const col = ((c - k + R * 2) % R) * rows;
          if (D[col + i - 1] < cost) {
            cost = D[col + i - 1];
            start = S[col + i - 1];
          }
        }
      } else {
        // Diagonal first (substitution preferred on ties), then a missing quotation word.
        cost = D[prev + i - 1] + subCost(piece, i - 1, src, j);
        start = S[prev + i - 1];
        const up = D[cur + i - 1] + COST_EDIT;
        if (up < cost) {
          cost = up;
          start = S[cur + i - 1];
        }
      }
      // An extra source word.
      const left = D[prev + i] + COST_EDIT;
      if (left < cost) {
        cost = left;
        start = S[prev + i];
      }
      D[cur + i] = cost;
      S[cur + i] = start;
    }
    c0 = c;
    const endCost = D[cur + m];
    if (endCost < bestCost) {
      bestCost = endCost;
      bestEnd = j + 1;
      bestStart = S[cur + m];
    } else if (endCost === bestCost && S[cur + m] === bestStart && bestEnd === j) {
      bestEnd = j + 1;
    }
  }
  if (bestEnd <= bestStart) {
    return { cost: bestCost, first: bestStart, last: bestStart - 1, equal: 0, folded: 0 };
  }
  return traceback(piece, src, bestStart, bestEnd, bestCost);
}

/** Global alignment of `piece` with source `[s, e)` to count equal and folded words. */
function traceback(piece: CodedPiece, src: Coded, s: number, e: number, expected: number): Alignment {
  const m = piece.exact.length;
  const n = e - s;
  const W = n + 1;
  const D = new Int32Array((m + 1) * W);
  for (let j = 1; j <= n; j++) {
    D[j] = j * COST_EDIT;
  }
  for (let i = 1; i <= m; i++) {
    const ins = piece.insertion[i - 1] === 1;
    D[i * W] = D[(i - 1) * W] + (ins ? 0 : COST_EDIT);
    for (let j = 1; j <= n; j++) {
      let cost: number;
      if (ins) {
        cost = D[(i - 1) * W + j];
        for (let k = 1; k <= MAX_INSERTION_WORDS && k <= j; k++) {
          cost = Math.min(cost, D[(i - 1) * W + j - k]);
        }
      } else {
        cost = Math.min(D[(i - 1) * W + j - 1] + subCost(piece, i - 1, src, s + j - 1), D[(i - 1) * W + j] + COST_EDIT);
      }
      D[i * W + j] = Math.min(cost, D[i * W + j - 1] + COST_EDIT);
    }
  }
  let i = m;
  let j = n;
  let equal = 0;
  let folded = 0;
  while (i > 0 || j > 0) {
    const here = D[i * W + j];
    if (i > 0 && piece.insertion[i - 1]) {
      let moved = false;
      for (let k = 0; k <= MAX_INSERTION_WORDS && k <= j; k++) {
        if (D[(i - 1) * W + j - k] === here) {
          i--;
          j -= k;
          moved = true;
          break;
        }
      }
      if (moved) {
        continue;
      }
    } else if (i > 0 && j > 0) {
      const sc = subCost(piece, i - 1, src, s + j - 1);
      if (D[(i - 1) * W + j - 1] + sc === here) {
        if (sc === COST_EQUAL) {
          equal++;
        } else if (sc === COST_FOLDED) {
          folded++;
        }
        i--;
        j--;
        continue;
      }
    }
    if (i > 0 && !piece.insertion[i - 1] && D[(i - 1) * W + j] + COST_EDIT === here) {
      i--;
      continue;
    }
    if (j > 0 && D[i * W + j - 1] + COST_EDIT === here) {
      j--;
      continue;
    }
    // Unreachable with consistent tables; stop rather than loop.
    break;
  }
  return { cost: Math.min(expected, D[m * W + n]), first: s, last: e - 1, equal, folded };
}

/**
 * Windows of `[a, b)` where an alignment of cost ≤ `maxCost` is possible: such an
 * alignment has at least `words − maxCost/COST_FOLDED`… conservatively, at least
 * `need` source positions holding a quotation word within `width` consecutive words.
 */
function candidateRegions(src: Coded, a: number, b: number, need: number, width: number): [number, number][] {
  if (need <= 0) {
    return [[a, b]];
  }
  const regions: [number, number][] = [];
  let count = 0;
  const hit = (j: number): number => (src.exact[j] >= 0 || src.folded[j] >= 0 ? 1 : 0);
  for (let j = a; j < b; j++) {
    count += hit(j);
    if (j - width >= a) {
      count -= hit(j - width);
    }
    if (count >= need) {
      const rs = Math.max(a, j - 2 * width);
      const re = Math.min(b, j + width + 1);
      const lastRegion = regions[regions.length - 1];
      if (lastRegion && rs <= lastRegion[1]) {
        lastRegion[1] = Math.max(lastRegion[1], re);
      } else {
        regions.push([rs, re]);
      }
    }
  }
  return regions;
}

function bestAlignment(piece: CodedPiece, src: Coded, regions: [number, number][]): Alignment | undefined {
  let best: Alignment | undefined;
  for (const [ra, rb] of regions) {
    const al = alignPiece(piece, src, ra, rb);
    if (al && (!best || al.cost < best.cost)) {
      best = al;
    }
  }
  return best;
}

/**
 * The best near match of `pattern` in `source` (inside `within` when given), or
 * undefined when nothing is near enough (see the header comment for the rule).
 * Meant for when {@link findExact} found nothing; an exact match would come back
 * with similarity 1.
 */
export function findNear(source: SourceInfo | NearSource, pattern: QuotePattern, within?: Span): NearMatch | undefined {
  const near = 'code' in source ? source : tokenNearSource(source);
  const pieces = trimmedPieces(pattern);
  if (pieces.length === 0) {
    return undefined;
  }
  const { lo, hi } = near.range(within);
  if (hi <= lo) {
    return undefined;
  }
  const { coded, exactIds, foldIds } = codePieces(pieces, near.keysOf);
  const total = coded.reduce((s, p) => s + p.words, 0);
  const maxCost = Math.floor((1 - NEAR_MIN_SIMILARITY) * COST_EDIT * total + 1e-9);
  const src = near.code(lo, hi, exactIds, foldIds);
  const n = hi - lo;

  // Anchor: the piece with the most words.
  let anchor = 0;
  coded.forEach((p, k) => {
    if (p.words > coded[anchor].words) {
      anchor = k;
    }
  });
  const ap = coded[anchor];
  const insertions = ap.exact.length - ap.words;
  // Every quotation word that is neither equal nor folded costs ≥ 4, so at least
  // words − maxCost/4 anchor words must be found, within words + maxCost/4 + 8·insertions source words.
  const need = ap.words - Math.floor(maxCost / COST_EDIT);
  const width = ap.words + Math.floor(maxCost / COST_EDIT) + MAX_INSERTION_WORDS * insertions;
  const regions = candidateRegions(src, 0, n, need, width);
  const anchorAl = bestAlignment(ap, src, regions);
  if (!anchorAl || anchorAl.cost > maxCost || anchorAl.first > anchorAl.last) {
    return undefined;
  }
  const aligned: (Alignment | undefined)[] = new Array(coded.length);
  aligned[anchor] = anchorAl;
  let cost = anchorAl.cost;
  let first = anchorAl.first;
  let last = anchorAl.last;
  // Pieces after the anchor.
  let from = anchorAl.last + 1;
  for (let k = anchor + 1; k < coded.length; k++) {
    const limit = Math.min(n, first + MAX_SPAN_WORDS);
    const al = alignPiece(coded[k], src, from, limit);
    if (al && al.first <= al.last && al.cost < coded[k].words * COST_EDIT) {
      aligned[k] = al;
      cost += al.cost;
      last = al.last;
      from = al.last + 1;
    } else {
      cost += coded[k].words * COST_EDIT;
    }
  }
  // Pieces before the anchor, nearest first.
  let to = anchorAl.first;
  for (let k = anchor - 1; k >= 0; k--) {
    const limit = Math.max(0, last + 1 - MAX_SPAN_WORDS);
    const al = alignPiece(coded[k], src, limit, to);
    if (al && al.first <= al.last && al.cost < coded[k].words * COST_EDIT) {
      aligned[k] = al;
      cost += al.cost;
      first = al.first;
      to = al.first;
    } else {
      cost += coded[k].words * COST_EDIT;
    }
  }
  if (cost > maxCost) {
    return undefined;
  }
  let equal = 0;
  let folded = 0;
  for (const al of aligned) {
    if (al) {
      equal += al.equal;
      folded += al.folded;
    }
  }
  const onlyAccents = equal + folded === total && cost === folded * COST_FOLDED;
  if (equal < NEAR_MIN_EXACT_WORDS && !onlyAccents) {
    return undefined;
  }
  const similarity = Math.max(0, Math.min(1, 1 - cost / (COST_EDIT * total)));
  if (similarity < NEAR_MIN_SIMILARITY && !onlyAccents) {
    return undefined;
  }
  const parts: string[] = [];
  for (const al of aligned) {
    if (al && al.first <= al.last) {
      parts.push(near.slice(near.startOf(lo + al.first), near.endOf(lo + al.last)));
    }
  }
  return {
    key: near.key,
    span: { start: near.startOf(lo + first), end: near.endOf(lo + last) },
    firstWord: lo + first,
    lastWord: lo + last,
    wording: detached(parts.join(' […] ')), // not a view of the source's text
    similarity,
  };
}
