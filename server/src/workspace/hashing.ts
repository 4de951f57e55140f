/**
 * Hashing the words of corpus files for the index, as a step a caller may run on
 * another thread while the workspace builds postings (the Node adapters do: see
 * `server/src/node/hashWorker.ts`). The step is pure: bytes in; the decoding
 * verdict, the word hashes and offsets, the folded forms of new words, and (when
 * asked) the line map and the title and date the text gives, out.
 */
import type { PendingClosest } from '../common/closest';
import type { WordIds, WordStarts } from '../corpus/corpus';
import { idBytes, narrowIds, narrowStarts, startBytes, WordIdTable, type WordTableState } from '../corpus/vocabulary';
import { textFacts, type TextFacts } from '../corpus/source';
import { foldedHash, foldedHashAt, NON_ASCII, wordHashes, wordHashesUtf8 } from '../corpus/tokenize';
import { lineMap } from '../corpus/utf8';
import { bytesProblem, decodeText } from './decode';

/** One corpus file's bytes, hashed. */
export interface HashedFile {
  /** The bytes given, handed back (they may have travelled to another thread and back). */
  bytes: Uint8Array;
  /** Why the bytes are not text that is checked (`decodeText`'s words); nothing else then. */
  problem?: string;
  /** `wordHashes` of the text, with `flagNonAscii` (the starts of words that are not plain ASCII carry `NON_ASCII`). */
  hashes?: Uint32Array;
  starts?: Uint32Array;
  /**
   * Pairs (word hash, hash of its folded form) for the words not plain ASCII this
   * hasher had not met before: what the index needs for each word new to its
   * vocabulary (a plain ASCII word is its own folded form). A word the index lacks
   * but the hasher had met (in a file the index did not take) is folded from the text
   * by the index itself.
   */
  folds?: Uint32Array;
  /** What the text says of its title and date (`textFacts`), when asked for. */
  facts?: TextFacts;
  /** The text's line map (see `corpus/utf8.ts`), when asked for: its lines and pieces are then read off the bytes. */
  lines?: Uint32Array;
  /**
   * In place of `hashes`, `starts` and `folds`, when the hasher was given the index's
   * vocabulary (see {@link TextHasher.hash}): the words as ids of the hasher's copy of
   * it (2 bytes each while the vocabulary allows), their starts as the index keeps
   * them, and the words the copy added for this file (pairs of word hash and folded-form
   * hash, in id order) since it held `base` words with the chain `chain` (see
   * `Corpus.adoptWords`). The index keeps `ids` and `starts` (and `lines`) as they are:
   * they are the file's own, or views of a buffer no one writes to again (unlike
   * `hashes`).
   */
  interned?: { ids: WordIds; starts: WordStarts; base: number; chain: number; added: Uint32Array };
}

/**
 * How many batches a load has hashed ahead of the one it indexes: a hasher keeps the
 * results of a batch valid until this many more batches have been posted after it
 * (see `WorkerHasher`, whose results are views of buffers it reuses).
 */
export const HASH_BATCHES_AHEAD = 2;

/**
 * Hashes batches of corpus files, in order; the results come back in the order given.
 * `wantFacts[i]`: whether file i's title and date are wanted from its text too (its
 * metadata lacks one), so that the text need not be decoded again for them. `lines`:
 * whether the files' line maps are wanted (~13 µs a file, which a load that must be
 * quick to its first diagnostics does without).
 */
export interface TextHasher {
  /**
   * `vocabulary`: the index's vocabulary as it stands (see `Corpus.vocabularyState`).
   * A hasher that can copy it (a thread's, at its first batch) gives the files' word
   * ids of its copy (`HashedFile.interned`) rather than hashes: the work of the
   * index's table done on the hasher's thread.
   */
  hash(files: readonly Uint8Array[], maxBytes: number, wantFacts?: readonly boolean[], lines?: boolean, vocabulary?: WordTableState): Promise<HashedFile[]>;
  /**
   * A load is about to hash files: start now what hashing needs (a thread), so that it
   * is ready by the first batch instead of starting then. Changes no result.
   */
  prepare?(): void;
  /**
   * The load is over: free what hashing holds (a thread), until the next `hash` (a
   * thread computing suggestions ahead, see {@link closest}, goes once it is done).
   */
  release?(): void;
  /**
   * Computes `ClosestStrings` answers (the "did you mean" suggestions) on the
   * hasher's thread, while the caller goes on (see `ClosestStrings.ahead`); undefined
   * when it cannot. The answers are those `closestAnswers` gives here.
   */
  closest?(items: readonly string[], queries: readonly string[], limit: number): PendingClosest | undefined;
}

/**
 * A set of 32-bit word hashes (open addressing in typed arrays: a `Set` of numbers
 * above 2^30 costs a heap number and a slow lookup per word, ~250 ns here).
 */
export class HashSet {
  /** Open addressing on the hashes themselves; 0 marks a free slot (the hash 0 is kept apart). */
  private keys = new Uint32Array(1 << 16);
  private size = 0;
  private hasZero = false;
  /**
   * The last key seen per slot of a small direct-mapped table (16 KB, stays in the
   * L1 cache): the frequent words of a text, most of its words, end there.
   */
  private readonly recent = new Uint32Array(1 << 12);

  /** Adds `h`; returns whether it was new. */
  add(h: number): boolean {
    const r = h & 0xfff;
    if (this.recent[r] === h && h !== 0) {
      return false;
    }
    this.recent[r] = h;
    if (h === 0) {
      const added = !this.hasZero;
      this.hasZero = true;
      return added;
    }
    let keys = this.keys;
    let mask = keys.length - 1;
    let slot = h & mask;
    let k = keys[slot];
    while (k !== 0) {
      if (k === h) {
        return false;
      }
      slot = (slot + 1) & mask;
      k = keys[slot];
    }
    keys[slot] = h;
    if (++this.size * 2 > keys.length) {
      const old = keys;
      keys = this.keys = new Uint32Array(old.length * 2);
      mask = keys.length - 1;
      for (let i = 0; i < old.length; i++) {
        if (old[i] !== 0) {
          let s = old[i] & mask;
          while (keys[s] !== 0) {
            s = (s + 1) & mask;
          }
          keys[s] = old[i];
        }
      }
    }
    return true;
  }

  /** Removes `h` (backward-shift deletion: the table stays as if `h` had never been added). */
  delete(h: number): void {
    const r = h & 0xfff;
    if (this.recent[r] === h) {
      this.recent[r] = 0;
    }
    if (h === 0) {
      this.hasZero = false;
      return;
    }
    const keys = this.keys;
    const mask = keys.length - 1;
    let hole = h & mask;
    while (keys[hole] !== h) {
      if (keys[hole] === 0) {
        return;
      }
      hole = (hole + 1) & mask;
    }
    keys[hole] = 0;
    this.size--;
    // Later keys of the same run move back into the hole when their home slot is not
    // between the hole and where they stand.
    for (let j = (hole + 1) & mask; keys[j] !== 0; j = (j + 1) & mask) {
      const home = keys[j] & mask;
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (!stays) {
        keys[hole] = keys[j];
        keys[j] = 0;
        hole = j;
      }
    }
  }
}

/**
 * The hashing itself, for one batch. `met` holds the word hashes met in earlier
 * batches of the same load (updated here).
 */
export function hashFiles(files: readonly Uint8Array[], maxBytes: number, met: HashSet, wantFacts?: readonly boolean[], lines = false): HashedFile[] {
  return files.map((bytes, i) => hashFile(bytes, maxBytes, met, undefined, wantFacts?.[i], lines));
}

/**
 * One file's hashing. With `scratch` (see `wordHashes`), `hashes` and `starts` are
 * views into it, valid until the next call with the same scratch.
 */
export function hashFile(bytes: Uint8Array, maxBytes: number, met: HashSet, scratch?: { hashes: Uint32Array; starts: Uint32Array }, wantFacts = false, wantLines = false): HashedFile {
  // Most files: read off the bytes, without decoding the text (see wordHashesUtf8).
  const problem = bytesProblem(bytes, maxBytes);
  if (problem !== undefined) {
    return { bytes, problem };
  }
  const folds: number[] = [];
  const read = wordHashesUtf8(bytes, scratch, met, (h, word) => folds.push(h, foldedHash(wordDecoder.decode(word))), wantLines);
  if (read !== undefined) {
    return { bytes, hashes: read.hashes, starts: read.starts, folds: Uint32Array.from(folds), facts: wantFacts ? textFacts(wordDecoder.decode(bytes)) : undefined, lines: read.lines };
  }
  // Left to the decoder part way: the words met so far were folded, in order, and are
  // new to `met` no more; the decoded text's other words follow. Bytes that are not
  // text leave `met` as it was.
  const decoded = hashDecoded(bytes, maxBytes, met, scratch, wantFacts, wantLines);
  if (decoded.problem !== undefined) {
    for (let i = 0; i < folds.length; i += 2) {
      met.delete(folds[i]);
    }
  } else if (folds.length > 0) {
    decoded.folds = Uint32Array.from([...folds, ...decoded.folds!]);
  }
  return decoded;
}

/** {@link hashFile} by way of the decoded text: for bytes that `wordHashesUtf8` leaves to the decoder. */
export function hashDecoded(bytes: Uint8Array, maxBytes: number, met: HashSet, scratch?: { hashes: Uint32Array; starts: Uint32Array }, wantFacts = false, wantLines = false): HashedFile {
  const decoded = decodeText(bytes, maxBytes);
  if ('problem' in decoded) {
    return { bytes, problem: decoded.problem };
  }
  const text = decoded.text;
  const { hashes, starts } = wordHashes(text, scratch, true);
  const folds: number[] = [];
  for (let i = 0; i < hashes.length; i++) {
    // A plain ASCII word is its own folded form: only the others are looked up (a
    // quarter of a French text's words) and folded.
    if (starts[i] >= NON_ASCII && met.add(hashes[i])) {
      folds.push(hashes[i], foldedHashAt(text, starts[i] - NON_ASCII));
    }
  }
  return { bytes, hashes, starts, folds: Uint32Array.from(folds), facts: wantFacts ? textFacts(text) : undefined, lines: wantLines ? lineMap(text, bytes) : undefined };
}

/** How {@link internFile} leaves a file's words: see `HashedFile.interned`. */
export interface InternedShape {
  base: number;
  chain: number;
  added: Uint32Array;
  /** Bytes per word id and per start that the index keeps them in (see `idBytes`, `startBytes`). */
  idBytes: 2 | 4;
  startBytes: 2 | 4;
}

/**
 * A hashed file's words as ids of `table`, written to `ids` (at least as long), the
 * words it lacked added to it, with the widths the index keeps them in. `folds` must
 * hold the pairs of every word not plain ASCII that is new to the table: those of the
 * hashing when its `met` held the table's words (see {@link seedWords}).
 */
export function internFile(hashes: Uint32Array, starts: Uint32Array, folds: Uint32Array, table: WordIdTable, ids: Uint32Array): InternedShape {
  const base = table.size;
  const chain = table.chain;
  const added: number[] = [];
  // The folds come in the order their words first appear, as the new words do: one pass.
  let k = 0;
  table.intern(hashes, ids, (i) => {
    const h = hashes[i];
    if (starts[i] < NON_ASCII) {
      added.push(h, h); // a plain ASCII word is its own folded form
      return;
    }
    const at = indexOfPair(folds, h, k);
    if (at < 0) {
      throw new Error('a word new to the vocabulary was not folded');
    }
    added.push(h, folds[at + 1]);
    k = at + 2;
  });
  return { base, chain, added: Uint32Array.from(added), idBytes: idBytes(table.size), startBytes: startBytes(starts) };
}

/** Where the pair of `h` starts in `pairs`, looking from `from` on, then before it; -1 when it is not there. */
function indexOfPair(pairs: Uint32Array, h: number, from: number): number {
  for (let i = from; i < pairs.length; i += 2) {
    if (pairs[i] === h) {
      return i;
    }
  }
  for (let i = 0; i < from && i < pairs.length; i += 2) {
    if (pairs[i] === h) {
      return i;
    }
  }
  return -1;
}

/** Adds to `met` the words of `table` (so that the hashing folds only words new to the table). */
export function seedWords(met: HashSet, table: WordTableState): void {
  for (let slot = 0; slot < table.ids.length; slot++) {
    if (table.ids[slot] !== 0) {
      met.add(table.keys[slot]);
    }
  }
}

/** Decodes valid UTF-8 (a leading BOM dropped, as `decodeText` does). */
const wordDecoder = new TextDecoder('utf-8', { ignoreBOM: false });

/**
 * A {@link TextHasher} on the calling thread (tests; any host without threads). Given
 * the index's vocabulary with its first batch, it interns as the hashing thread does.
 */
export class InProcessHasher implements TextHasher {
  private met = new HashSet();
  private table: WordIdTable | undefined;
  private fresh = true;

  async hash(files: readonly Uint8Array[], maxBytes: number, wantFacts?: readonly boolean[], lines = false, vocabulary?: WordTableState): Promise<HashedFile[]> {
    if (this.fresh && vocabulary) {
      this.table = new WordIdTable({ keys: vocabulary.keys.slice(), ids: vocabulary.ids.slice(), size: vocabulary.size, chain: vocabulary.chain });
      this.met = new HashSet();
      seedWords(this.met, this.table);
    }
    this.fresh = false;
    const results = hashFiles(files, maxBytes, this.met, wantFacts, lines);
    const table = this.table;
    if (!table) {
      return results;
    }
    return results.map(({ hashes, starts, folds, ...rest }) => {
      if (rest.problem !== undefined || !hashes || !starts || !folds) {
        return rest;
      }
      const ids = new Uint32Array(hashes.length);
      const shape = internFile(hashes, starts, folds, table, ids);
      return { ...rest, interned: { ids: narrowIds(ids, table.size), starts: narrowStarts(starts), base: shape.base, chain: shape.chain, added: shape.added } };
    });
  }

  release(): void {
    this.met = new HashSet();
    this.table = undefined;
    this.fresh = true;
  }
}
