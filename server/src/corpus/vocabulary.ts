/**
 * The vocabulary's table: 32-bit word hashes to dense ids (0, 1, 2, … in the order
 * the words were first met), by open addressing in two typed arrays. The corpus
 * index keeps one (saved in the on-disk cache as it is), and the hashing thread one
 * of its own during a load, from a copy of the index's, so that it gives the index
 * word ids rather than hashes (see `Corpus.adoptWords`). Each table keeps a running
 * hash of the words added to it, in order (`chain`): two tables that were one and
 * have the same size and chain have had the same words added since, so give the
 * same ids.
 */

import { NON_ASCII } from './tokenize';

/** A table's arrays and size as plain data (a copy travels to the hashing thread). */
export interface WordTableState {
  /** The hashes by slot (a power of two of them). */
  keys: Uint32Array;
  /** Per slot, the id of the hash there plus one; 0: a free slot. */
  ids: Uint32Array;
  /** How many words the table holds (their ids are 0 to size - 1). */
  size: number;
  /** The running hash of the words added, in order (from any value: it tells two copies of one table apart). */
  chain: number;
}

/** The chain of a table after word hash `h` is added to it. */
function chained(chain: number, h: number): number {
  let x = Math.imul(chain ^ h, 0x9e3779b1) ^ (chain >>> 15);
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  return (x ^ (x >>> 13)) >>> 0;
}

/** Bytes per word id that the index keeps a source's ids in, with a vocabulary of `size` words. */
export function idBytes(size: number): 2 | 4 {
  return size <= 0x10000 ? 2 : 4;
}

/** Bytes per start that the index keeps a source's word starts in (`starts` sorted; {@link NON_ASCII} flags allowed). */
export function startBytes(starts: Uint32Array): 2 | 4 {
  return starts.length === 0 || (starts[starts.length - 1] & ~NON_ASCII) <= 0xffff ? 2 : 4;
}

/** A source's word ids to keep, copied out of `ids` (a scratch buffer): 2 bytes each while the vocabulary allows. */
export function narrowIds(ids: Uint32Array, vocabSize: number): Uint16Array | Uint32Array {
  return idBytes(vocabSize) === 2 ? new Uint16Array(ids) : ids.slice();
}

/** A source's word starts to keep, without their {@link NON_ASCII} flags: 2 bytes each in a text under 65,536 units. */
export function narrowStarts(starts: Uint32Array): Uint16Array | Uint32Array {
  if (startBytes(starts) === 2) {
    return new Uint16Array(starts); // 16 bits kept: the flag goes
  }
  if (starts.some((s) => s >= NON_ASCII)) {
    return starts.map((s) => s & ~NON_ASCII);
  }
  // Kept: a view into a larger or shared buffer (hashes packed on another thread) is copied.
  return starts.buffer instanceof ArrayBuffer && starts.byteOffset === 0 && starts.byteLength === starts.buffer.byteLength ? starts : starts.slice();
}

export class WordIdTable implements WordTableState {
  keys: Uint32Array<ArrayBuffer>;
  ids: Uint32Array<ArrayBuffer>;
  size: number;
  chain: number;

  /**
   * An empty table, or one over `state`'s arrays (not copied; the caller has checked
   * that they fit together), its chain `state.chain` (0 when not given: a table
   * restored from the cache starts a chain of its own).
   */
  constructor(state?: Omit<WordTableState, 'chain'> & { chain?: number }) {
    this.keys = state ? (state.keys as Uint32Array<ArrayBuffer>) : new Uint32Array(1 << 16);
    this.ids = state ? (state.ids as Uint32Array<ArrayBuffer>) : new Uint32Array(1 << 16);
    this.size = state?.size ?? 0;
    this.chain = state?.chain ?? 0;
  }

  /** The id of word hash `h`, if the table has it. */
  lookup(h: number): number | undefined {
    const mask = this.keys.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = this.ids[slot];
      if (id === 0) {
        return undefined;
      }
      if (this.keys[slot] === h) {
        return id - 1;
      }
    }
  }

  /**
   * The ids of `hashes`, written to `out` (at least as long), adding the words the
   * table lacks; `added(i, id)` is called for each, in order, with its index in
   * `hashes` and its new id.
   */
  intern(hashes: Uint32Array, out: Uint32Array, added: (i: number, id: number) => void): void {
    // The arrays in locals (this loop runs once per word of the corpus), taken again when a new word grows them.
    let keys = this.keys;
    let ids = this.ids;
    let mask = keys.length - 1;
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i];
      let slot = h & mask;
      let id = ids[slot];
      while (id !== 0 && keys[slot] !== h) {
        slot = (slot + 1) & mask;
        id = ids[slot];
      }
      if (id === 0) {
        id = this.insert(h, slot);
        keys = this.keys;
        ids = this.ids;
        mask = keys.length - 1;
        added(i, id - 1);
      }
      out[i] = id - 1;
    }
  }

  /** Adds word hash `h`, which the table lacks; returns its id. */
  add(h: number): number {
    const mask = this.keys.length - 1;
    let slot = h & mask;
    while (this.ids[slot] !== 0) {
      slot = (slot + 1) & mask;
    }
    return this.insert(h, slot) - 1;
  }

  /** Adds `h` at `slot`, the free slot its probe ended on; returns its id + 1. */
  private insert(h: number, slot: number): number {
    const id = ++this.size;
    this.chain = chained(this.chain, h);
    if (this.size * 2 > this.keys.length) {
      this.grow();
      const mask = this.keys.length - 1;
      for (slot = h & mask; this.ids[slot] !== 0; slot = (slot + 1) & mask) {
        // find a free slot in the grown table
      }
    }
    this.keys[slot] = h;
    this.ids[slot] = id;
    return id;
  }

  private grow(): void {
    const keys = this.keys;
    const ids = this.ids;
    this.keys = new Uint32Array(keys.length * 2);
    this.ids = new Uint32Array(ids.length * 2);
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      if (ids[i] !== 0) {
        let slot = keys[i] & mask;
        while (this.ids[slot] !== 0) {
          slot = (slot + 1) & mask;
        }
        this.keys[slot] = keys[i];
        this.ids[slot] = ids[i];
      }
    }
  }
}
