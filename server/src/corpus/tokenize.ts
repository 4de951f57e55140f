/**
 * Words of a text, as FORMAT.md's Matching section defines them: maximal runs of
 * letters, digits and combining marks (`\p{L}\p{N}\p{M}`), each normalised with NFC
 * and lower-cased (diacritics kept). Every other character — spaces of any kind
 * (NBSP, U+202F), punctuation, quote marks, apostrophes (’ ' and the modifier letter
 * apostrophe U+02BC), dashes, a BOM — is a separator.
 *
 * Speed: one tight loop over UTF-16 code units; ASCII characters are classified by a
 * 128-entry table and other BMP characters by a lazily filled 64 Ki table (one regex
 * test per distinct code point, ever). Words that are pure lower-case ASCII are
 * sliced without normalising.
 */
import type { Tokens } from './types';

const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;

/**
 * Character classes, one byte per BMP code unit, filled lazily (0 = not yet
 * classified). Bit {@link WORD} marks word characters; {@link UPPER} those that
 * lower-casing changes; {@link NFC} those that NFC may change or combine (combining
 * marks, Hangul jamo, singletons such as U+212B). Words without UPPER or NFC
 * characters are used as sliced.
 */
const WORD = 1;
const UPPER = 2;
const NFC = 4;
const SEP = 8;
const charClass = new Uint8Array(65536);
for (let c = 0; c < 128; c++) {
  const isWord = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  charClass[c] = isWord ? (c >= 65 && c <= 90 ? WORD | UPPER : WORD) : SEP;
}
// Surrogates are handled separately; mark them so the table is never consulted.
for (let c = 0xd800; c <= 0xdfff; c++) {
  charClass[c] = SEP;
}
// The modifier letter apostrophe is a letter for Unicode but an apostrophe for readers.
charClass[0x02bc] = SEP;
charClass[0xfeff] = SEP;

const NFC_SENSITIVE = /^[\p{M}\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]$/u;

function classifyBmp(c: number): number {
  let k = charClass[c];
  if (k === 0) {
    const ch = String.fromCharCode(c);
    if (!WORD_CHAR.test(ch)) {
      k = SEP;
    } else {
      k = WORD;
      const lower = ch.toLowerCase();
      if (lower !== ch) {
        k |= UPPER;
      }
      if (NFC_SENSITIVE.test(ch) || ch.normalize('NFC') !== ch || lower.normalize('NFC') !== lower) {
        k |= NFC;
      }
    }
    charClass[c] = k;
  }
  return k;
}

const astralCache = new Map<number, boolean>();
function isAstralWordChar(cp: number): boolean {
  let v = astralCache.get(cp);
  if (v === undefined) {
    v = WORD_CHAR.test(String.fromCodePoint(cp));
    astralCache.set(cp, v);
  }
  return v;
}

/**
 * Width (1 or 2 code units) of the word character at `i`, or 0 when the character
 * there is a separator.
 */
function wordCharWidth(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) {
    return classifyBmp(c) & WORD;
  }
  if (c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) {
      const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
      return isAstralWordChar(cp) ? 2 : 0;
    }
  }
  return 0;
}

/** The end of the word that runs through offset `i` (`i` itself when no word character is there). */
export function wordEndFrom(text: string, i: number): number {
  let end = i;
  for (let w = wordCharWidth(text, end); end < text.length && w > 0; w = wordCharWidth(text, end)) {
    end += w;
  }
  return end;
}

/** Whether the character (code point) at `i` is a word character. */
export function isWordCharAt(text: string, i: number): boolean {
  return i >= 0 && i < text.length && wordCharWidth(text, i) > 0;
}

/**
 * Longest word that is NFC-normalised. Canonical reordering of a long run of
 * combining marks is quadratic in V8; no real word comes near this length, so a longer
 * "word" (garbage, or an attack) is only lower-cased.
 */
export const MAX_NORMALIZED_WORD = 256;

/** NFC + lower case: how every word is compared. */
export function normalizeWord(word: string): string {
  if (word.length > MAX_NORMALIZED_WORD) {
    return word.toLowerCase();
  }
  return word.normalize('NFC').toLowerCase().normalize('NFC');
}

/** Split `text` into normalised words with their offsets in `text`. */
export function tokenize(text: string): Tokens {
  const n = text.length;
  let cap = Math.max(16, n >> 3);
  let starts = new Uint32Array(cap);
  let ends = new Uint32Array(cap);
  const words: string[] = [];
  let count = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // Fast skip over separators.
    if (c < 0xd800 || c > 0xdfff) {
      if (classifyBmp(c) === SEP) {
        i++;
        continue;
      }
    } else if (wordCharWidth(text, i) === 0) {
      const d = text.charCodeAt(i + 1);
      i += c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
      continue;
    }
    const start = i;
    let flags = 0;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d < 0xd800 || d > 0xdfff) {
        const k = classifyBmp(d);
        if (k === SEP) {
          break;
        }
        flags |= k;
        i++;
      } else {
        const w = wordCharWidth(text, i);
        if (w === 0) {
          break;
        }
        flags |= UPPER | NFC;
        i += w;
      }
    }
    const raw = text.slice(start, i);
    const word = flags & NFC ? normalizeWord(raw) : flags & UPPER ? raw.toLowerCase() : raw;
    if (count === cap) {
      cap *= 2;
      const s2 = new Uint32Array(cap);
      s2.set(starts);
      starts = s2;
      const e2 = new Uint32Array(cap);
      e2.set(ends);
      ends = e2;
    }
    starts[count] = start;
    ends[count] = i;
    words.push(word);
    count++;
  }
  return { words, starts: starts.slice(0, count), ends: ends.slice(0, count) };
}

/**
 * The 32-bit hash of a normalised word (FNV-1a over its UTF-16 code units, then an
 * avalanche step). {@link wordHashes} computes the same value straight from a text,
 * without building the word strings.
 */
export function hashWord(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) {
    h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  }
  return finish(h);
}

/**
 * FNV-1a's offset basis as a signed 32-bit integer (the same bits as 0x811c9dc5): the
 * hashing loops then keep `h` an int32 from the start. Written unsigned, it is a double
 * (above 2^31), and the loops' `h` a double converted at every character (measured:
 * `wordHashesUtf8` 20% slower).
 */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * Lower case of a BMP code unit when lower-casing maps it to one code unit whatever
 * its context (0: no such mapping — a word holding it takes the slow path).
 */
const lowerTable = new Uint16Array(65536);
function lowerOf(c: number): number {
  let l = lowerTable[c];
  if (l === 0) {
    const lower = String.fromCharCode(c).toLowerCase();
    // U+03A3 (Σ) lower-cases by context (σ or final ς): never per character.
    l = lower.length === 1 && c !== 0x03a3 ? lower.charCodeAt(0) : 0xffff;
    lowerTable[c] = l;
  }
  return l === 0xffff ? -1 : l;
}

/**
 * For code units below U+0300 (ASCII, Latin-1, Latin Extended: nearly all of French
 * or English text): 0 for a separator, 0xFFFF for a word character that needs the
 * slow path, else the code unit lower-cased. Filled once, so the hot loop of
 * {@link wordHashes} is one table read per character.
 */
const FAST_LIMIT = 0x300;

/**
 * With `wordHashes`'s `flagNonAscii`, the bit set in the start offset of a word that
 * has a character outside ASCII (or took the slow path): a word without it is its own
 * folded form (`foldedHashAt` gives its hash). Offsets stay below 2^31.
 */
export const NON_ASCII = 0x80000000;
const FAST = new Uint16Array(FAST_LIMIT);
for (let c = 0; c < FAST_LIMIT; c++) {
  const k = c >= 0xd800 ? SEP : classifyBmp(c);
  if (k === SEP) {
    FAST[c] = 0;
  } else if (k & NFC) {
    FAST[c] = 0xffff;
  } else {
    const l = k & UPPER ? lowerOf(c) : c;
    FAST[c] = l < 0 ? 0xffff : l;
  }
}

/**
 * A BMP code unit that is no surrogate, as word hashing takes it: 0 when it separates
 * words, -1 when a word holding it takes the slow path (NFC may change it, or it has no
 * one-unit lower case), else itself lower-cased.
 */
function foldedUnit(d: number): number {
  if (d < FAST_LIMIT) {
    const l = FAST[d];
    return l === 0xffff ? -1 : l;
  }
  const k = classifyBmp(d);
  if (k === SEP) {
    return 0;
  }
  return k & NFC ? -1 : k & UPPER ? lowerOf(d) : d;
}

/** `array`'s values in an array twice as long. */
function doubled(array: Uint32Array): Uint32Array {
  const out = new Uint32Array(array.length * 2);
  out.set(array);
  return out;
}

/**
 * The hash ({@link hashWord}) of every word of `text`, in order, with the offset
 * where each word starts: what `tokenize(text)` gives with `words.map(hashWord)`,
 * without creating a string per word. Used to index the corpus, where speed and
 * memory matter most. `flagNonAscii`: the start of every word that is not plain ASCII
 * carries {@link NON_ASCII}.
 */
export function wordHashes(text: string, scratch?: { hashes: Uint32Array; starts: Uint32Array }, flagNonAscii = false): { hashes: Uint32Array; starts: Uint32Array } {
  const n = text.length;
  // With `scratch`, its arrays are written (and replaced when too small), and the
  // result views them: valid until the next call with the same scratch.
  let out = scratch ? scratch.hashes : new Uint32Array(Math.max(16, n >> 3));
  let starts = scratch ? scratch.starts : new Uint32Array(out.length);
  if (out.length < 16 || starts.length !== out.length) {
    out = new Uint32Array(Math.max(16, n >> 3));
    starts = new Uint32Array(out.length);
  }
  let count = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < FAST_LIMIT) {
      if (FAST[c] === 0) {
        i++;
        continue;
      }
    } else if (c < 0xd800 || c > 0xdfff) {
      if (classifyBmp(c) === SEP) {
        i++;
        continue;
      }
    } else if (wordCharWidth(text, i) === 0) {
      const d = text.charCodeAt(i + 1);
      i += c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
      continue;
    }
    const start = i;
    let h = FNV_OFFSET;
    let slow = false;
    /** Every unit of the word OR-ed: at most 127 for a word of ASCII characters only. */
    let units = 0;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d >= 97 && d <= 122) {
        // A lower-case ASCII letter (most characters of a text): itself, lower-cased.
        if (!slow) {
          h = Math.imul(h ^ d, FNV_PRIME);
        }
        i++;
        continue;
      }
      units |= d;
      if (d < 0xd800 || d > 0xdfff) {
        const l = foldedUnit(d);
        if (l === 0) {
          break;
        }
        if (l < 0) {
          slow = true;
        } else if (!slow) {
          h = Math.imul(h ^ l, FNV_PRIME);
        }
        i++;
      } else {
        const w = wordCharWidth(text, i);
        if (w === 0) {
          break;
        }
        slow = true;
        i += w;
      }
    }
    if (count === out.length) {
      out = doubled(out);
      starts = doubled(starts);
    }
    // Flagged: a word that is not plain ASCII, whose folded form may differ from it.
    starts[count] = flagNonAscii && (slow || units > 0x7f) ? (start | NON_ASCII) >>> 0 : start;
    out[count++] = slow ? hashWord(normalizeWord(text.slice(start, i))) : finish(h);
  }
  if (scratch) {
    scratch.hashes = out;
    scratch.starts = starts;
    return { hashes: out.subarray(0, count), starts: starts.subarray(0, count) };
  }
  return { hashes: out.slice(0, count), starts: starts.slice(0, count) };
}

/** The normalised words of `text`, without offsets. */
export function words(text: string): string[] {
  return tokenize(text).words;
}

const FOLD_MARKS = /\p{M}/gu;
const LIGATURES: Record<string, string> = { 'œ': 'oe', 'æ': 'ae', 'ß': 'ss' };
const LIGATURE_RE = /[œæß]/g;

/** The hash of the folded form (`foldWord`) of the word starting at `start` of `text`: what near matching compares. */
export function foldedHashAt(text: string, start: number): number {
  return foldedHash(text.slice(start, wordEndFrom(text, start)));
}

/** The hash of the folded form of `word` (a word as the text has it, not normalised yet). */
export function foldedHash(word: string): number {
  return hashWord(foldWord(normalizeWord(word)));
}

/**
 * A normalised word without its diacritics (`pékin` → `pekin`, `cœur` → `coeur`).
 * Used only by near matching: words equal after folding are a cheap substitution,
 * never an exact match.
 */
export function foldWord(word: string): string {
  let ascii = true;
  for (let i = 0; i < word.length; i++) {
    if (word.charCodeAt(i) >= 128) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    return word;
  }
  return word.normalize('NFD').replace(FOLD_MARKS, '').replace(LIGATURE_RE, (m) => LIGATURES[m]).normalize('NFC');
}

/** What {@link wordHashesUtf8} gives: {@link wordHashes}'s result for the decoded text, and the text's line map. */
export interface Utf8WordHashes {
  hashes: Uint32Array;
  starts: Uint32Array;
  /** The line map of the text (see `corpus/utf8.ts`'s `lineMap`), when asked for. */
  lines?: Uint32Array;
}

const wordDecoder = new TextDecoder();

/**
 * {@link wordHashes} (with `flagNonAscii`) of the text that `bytes` hold as UTF-8, read
 * straight off the bytes: no text is decoded, but for the few words that take the slow
 * path. Offsets are UTF-16 offsets in the text `decodeText` gives (a leading UTF-8 BOM
 * dropped), as if the text had been decoded. `nonAscii(hash, wordBytes)` is called for
 * each word flagged with {@link NON_ASCII} that `met.add(hash)` says is new (hashing
 * uses it to fold the new words of the vocabulary); `wordBytes` is a view, valid during
 * the call. `lines`: also make the line map.
 *
 * Returns undefined for bytes this reader leaves to the decoder: bytes that are not
 * valid UTF-8 (the decoder says why), and a text with a character beyond the BMP (four
 * bytes, rare: `wordHashes` handles surrogate pairs). The caller then decodes the text
 * and calls `wordHashes`: the results are the same either way (unit-tested). `met`
 * and `nonAscii` may have been called then for the words before the place it stopped at.
 */
export function wordHashesUtf8(
  bytes: Uint8Array,
  scratch: { hashes: Uint32Array; starts: Uint32Array } | undefined,
  met: { add(hash: number): boolean } | undefined,
  nonAscii: ((hash: number, wordBytes: Uint8Array) => void) | undefined,
  lines = false,
): Utf8WordHashes | undefined {
  const n = bytes.length;
  let out = scratch ? scratch.hashes : new Uint32Array(Math.max(16, n >> 3));
  let starts = scratch ? scratch.starts : new Uint32Array(out.length);
  if (out.length < 16 || starts.length !== out.length) {
    out = new Uint32Array(Math.max(16, n >> 3));
    starts = new Uint32Array(out.length);
  }
  const bom = n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const lineStarts: number[] | undefined = lines ? [0, bom] : undefined;
  let count = 0;
  /**
   * The byte read; the UTF-16 offset in the text of the character there is `p - extra`
   * (a character of two or three bytes is one unit: `extra` counts the bytes beyond
   * the first, and the BOM's).
   */
  let p = bom;
  let extra = bom;
  while (p < n) {
    let c = bytes[p];
    // Separators, with the line breaks on the way.
    if (c < 0x80) {
      if (FAST[c] === 0) {
        p++;
        if (c === 10) {
          lineStarts?.push(p - extra, p);
        } else if (c === 13) {
          if (bytes[p] === 10) {
            p++;
          }
          lineStarts?.push(p - extra, p);
        }
        continue;
      }
    } else {
      c = utf8At(bytes, p);
      if (c < 0) {
        return undefined;
      }
      if ((c < FAST_LIMIT ? FAST[c] : classifyBmp(c) === SEP ? 0 : 1) === 0) {
        const width = c < 0x800 ? 2 : 3;
        p += width;
        extra += width - 1;
        continue;
      }
    }
    const start = p - extra;
    const byteStart = p;
    // (Hashed on, whatever `slow` says: a slow word's hash is made again at its end.)
    let h = FNV_OFFSET;
    let slow = false;
    /** Every character OR-ed: at most 127 for a word of ASCII characters only. */
    let units = 0;
    while (p < n) {
      let d = bytes[p];
      if (d >= 97 && d <= 122) {
        // A lower-case ASCII letter (most characters of a text): itself, lower-cased.
        h = Math.imul(h ^ d, FNV_PRIME);
        p++;
        continue;
      }
      let width = 1;
      if (d >= 0x80) {
        d = utf8At(bytes, p);
        if (d < 0) {
          return undefined;
        }
        width = d < 0x800 ? 2 : 3;
      }
      units |= d;
      const l = foldedUnit(d);
      if (l === 0) {
        break;
      }
      if (l < 0) {
        slow = true;
      } else {
        h = Math.imul(h ^ l, FNV_PRIME);
      }
      p += width;
      extra += width - 1;
    }
    if (count === out.length) {
      out = doubled(out);
      starts = doubled(starts);
    }
    // Flagged: a word that is not plain ASCII, whose folded form may differ from it.
    if (slow || units > 0x7f) {
      const hash = slow ? hashWord(normalizeWord(wordDecoder.decode(bytes.subarray(byteStart, p)))) : finish(h);
      starts[count] = (start | NON_ASCII) >>> 0;
      out[count++] = hash;
      if (nonAscii && (met === undefined || met.add(hash))) {
        nonAscii(hash, bytes.subarray(byteStart, p));
      }
    } else {
      starts[count] = start;
      out[count++] = finish(h);
    }
  }
  let map: Uint32Array | undefined;
  if (lineStarts) {
    lineStarts.push(n - extra, n);
    map = Uint32Array.from(lineStarts);
  }
  if (scratch) {
    scratch.hashes = out;
    scratch.starts = starts;
    return { hashes: out.subarray(0, count), starts: starts.subarray(0, count), lines: map };
  }
  return { hashes: out.slice(0, count), starts: starts.slice(0, count), lines: map };
}

/**
 * The BMP code point whose UTF-8 sequence of two or three bytes starts at `p` (its
 * lead byte at least 0x80), or -1 when the bytes there are not one (invalid UTF-8, or
 * a four-byte sequence: see {@link wordHashesUtf8}).
 */
function utf8At(bytes: Uint8Array, p: number): number {
  const b0 = bytes[p];
  if (b0 < 0xc2 || b0 > 0xef) {
    return -1;
  }
  const b1 = bytes[p + 1];
  if (b0 < 0xe0) {
    return b1 >= 0x80 && b1 <= 0xbf ? ((b0 & 0x1f) << 6) | (b1 & 0x3f) : -1;
  }
  // Three bytes: no overlong form (E0 needs A0–BF), no surrogate (ED needs 80–9F).
  const low = b0 === 0xe0 ? 0xa0 : 0x80;
  const high = b0 === 0xed ? 0x9f : 0xbf;
  const b2 = bytes[p + 2];
  if (!(b1 >= low && b1 <= high) || !(b2 >= 0x80 && b2 <= 0xbf)) {
    return -1;
  }
  return ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
}
