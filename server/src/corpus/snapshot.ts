/**
 * The binary encoding of a {@link CorpusSnapshot}, for the on-disk index cache.
 *
 * Layout (little-endian; every array starts on a 4-byte boundary):
 *
 *   "PNIX"  u32 format  u32 0x01020304 (byte order)  u32 header length
 *   header: UTF-8 JSON (context, tokenizer probe, sizes, entries)
 *   padding to 4 bytes
 *   the tables, in SNAPSHOT_TABLES order, then each entry's word ids and its word
 *   starts (each u16 unless the header lists the entry in `wideWords` / `wide`, then
 *   u32; each padded to 4 bytes)
 *   an optional extra section (UTF-8 text, padded to 4 bytes): what the caller keeps
 *   beside the index (the workspace: its notes' parsed trees), with its own context
 *   trailer: the digest of everything before it, ASCII, padded with spaces to 64 bytes
 *
 * Decoding never throws and never trusts the bytes: a wrong magic, format, context
 * or tokenizer probe, a bad length or a digest mismatch gives `undefined` (the cache
 * is then rebuilt), and `Corpus.restore` checks every index it will follow.
 */
import { SNAPSHOT_TABLES, type CorpusSnapshot, type WordIds, type WordStarts } from './corpus';
import { wordHashes } from './tokenize';

/** Bumped whenever the index layout or its meaning changes. */
export const SNAPSHOT_FORMAT = 10;
const MAGIC = 0x58494e50; // "PNIX" read little-endian
const BYTE_ORDER = 0x01020304;
const PREFIX = 16;
const TRAILER = 64;

/** Digest of byte chunks, as a short ASCII string (≤ 64 characters). */
export type Digest = (chunks: readonly Uint8Array[]) => string;

/**
 * Word hashes of a fixed text that exercises the tokenizer's folding: a snapshot
 * written by a tokenizer that hashes differently is never used.
 */
function tokenizerProbe(): number[] {
  return [...wordHashes('Pékin L’ÉTAT « Œuvre » naïve 35,2 % ﬁn Straße İstanbul e\u0301 ǅ Ⅻ 北京 🙂x').hashes];
}

interface Header {
  context: string;
  probe: number[];
  idCount: number;
  vocabSize: number;
  tables: number[];
  entries: CorpusSnapshot['entries'];
  lengths: number[];
  /** The entries whose word starts are 4 bytes each (the others: 2). */
  wide: number[];
  /** The entries whose word ids are 4 bytes each (the others: 2). */
  wideWords: number[];
  /** Byte length of the extra section (0: none), and its context. */
  extraBytes: number;
  extraContext: string;
}

/** Text kept beside the index, valid only under its own context (e.g. the parser's version). */
export interface SnapshotExtra {
  context: string;
  /** The text, or its pieces in order already encoded as UTF-8 (no one long string is needed). */
  text: string | readonly Uint8Array[];
}

function bytesOf(a: Uint32Array | Uint16Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

const PADDING = new Uint8Array(4);

/** Zero bytes that bring `length` to a multiple of 4. */
function padding(length: number): Uint8Array {
  return PADDING.subarray(0, (4 - (length % 4)) % 4);
}

/**
 * The chunks of the encoding (views over the snapshot's arrays: write them before
 * the corpus changes). `context` is anything else the cache depends on (the
 * digest's name, the product's version); decoding requires the same.
 */
export function encodeSnapshot(snapshot: CorpusSnapshot, context: string, digest: Digest, extra?: SnapshotExtra): Uint8Array[] {
  const encoder = new TextEncoder();
  const extraPieces = extra === undefined ? [] : typeof extra.text === 'string' ? [encoder.encode(extra.text)] : extra.text;
  const extraLength = extraPieces.reduce((n, piece) => n + piece.length, 0);
  const header: Header = {
    context,
    probe: tokenizerProbe(),
    idCount: snapshot.idCount,
    vocabSize: snapshot.vocabSize,
    tables: SNAPSHOT_TABLES.map((name) => snapshot.tables[name].length),
    entries: snapshot.entries,
    lengths: snapshot.words.map((w) => w.length),
    wide: snapshot.starts.flatMap((starts, i) => (starts instanceof Uint32Array ? [i] : [])),
    wideWords: snapshot.words.flatMap((words, i) => (words instanceof Uint32Array ? [i] : [])),
    extraBytes: extraLength,
    extraContext: extra?.context ?? '',
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint32Array([MAGIC, SNAPSHOT_FORMAT, BYTE_ORDER, json.length]);
  const chunks: Uint8Array[] = [bytesOf(prefix), json, padding(json.length)];
  for (const name of SNAPSHOT_TABLES) {
    chunks.push(bytesOf(snapshot.tables[name]));
  }
  for (let i = 0; i < snapshot.words.length; i++) {
    const words = bytesOf(snapshot.words[i]);
    const starts = bytesOf(snapshot.starts[i]);
    chunks.push(words, padding(words.length), starts, padding(starts.length));
  }
  chunks.push(...extraPieces, padding(extraLength));
  const trailer = new Uint8Array(TRAILER).fill(0x20);
  trailer.set(new TextEncoder().encode(digest(chunks).slice(0, TRAILER)));
  chunks.push(trailer);
  return chunks;
}

/**
 * The snapshot encoded in `bytes`, or undefined when they are not a valid encoding
 * for `context`; with the extra text when it was saved under `extraContext`.
 */
export function decodeSnapshot(bytes: Uint8Array, context: string, digest: Digest, extraContext = ''): { snapshot: CorpusSnapshot; extra?: string } | undefined {
  try {
    return decode(bytes, context, digest, extraContext);
  } catch {
    return undefined;
  }
}

function decode(input: Uint8Array, context: string, digest: Digest, extraContext: string): { snapshot: CorpusSnapshot; extra?: string } | undefined {
  if (input.length < PREFIX + TRAILER || input.length % 4 !== 0) {
    return undefined;
  }
  // Typed-array views need 4-byte alignment.
  const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
  const prefix = new Uint32Array(bytes.buffer, bytes.byteOffset, 4);
  if (prefix[0] !== MAGIC || prefix[1] !== SNAPSHOT_FORMAT || prefix[2] !== BYTE_ORDER) {
    return undefined;
  }
  const jsonLength = prefix[3];
  const bodyEnd = bytes.length - TRAILER;
  if (PREFIX + jsonLength > bodyEnd) {
    return undefined;
  }
  const trailer = new TextDecoder().decode(bytes.subarray(bodyEnd)).trimEnd();
  if (trailer !== digest([bytes.subarray(0, bodyEnd)]).slice(0, TRAILER)) {
    return undefined;
  }
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + jsonLength))) as Header;
  if (header.context !== context || JSON.stringify(header.probe) !== JSON.stringify(tokenizerProbe())) {
    return undefined;
  }
  if (!Array.isArray(header.tables) || header.tables.length !== SNAPSHOT_TABLES.length || !Array.isArray(header.entries) || !Array.isArray(header.lengths) || header.lengths.length !== header.entries.length) {
    return undefined;
  }
  let offset = PREFIX + jsonLength + ((4 - (jsonLength % 4)) % 4);
  const take = (length: unknown): Uint32Array | undefined => {
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || offset + 4 * length > bodyEnd) {
      return undefined;
    }
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + offset, length);
    offset += 4 * length;
    return view;
  };
  const tables = {} as CorpusSnapshot['tables'];
  for (let i = 0; i < SNAPSHOT_TABLES.length; i++) {
    const table = take(header.tables[i]);
    if (!table) {
      return undefined;
    }
    tables[SNAPSHOT_TABLES[i]] = table;
  }
  const take16 = (length: number): Uint16Array | undefined => {
    const bytes16 = 2 * length + ((4 - ((2 * length) % 4)) % 4);
    if (offset + bytes16 > bodyEnd) {
      return undefined;
    }
    const view = new Uint16Array(bytes.buffer, bytes.byteOffset + offset, length);
    offset += bytes16;
    return view;
  };
  const indexes = (list: unknown): list is number[] => Array.isArray(list) && list.every((i) => Number.isInteger(i) && i >= 0 && i < header.lengths.length);
  if (!indexes(header.wide) || !indexes(header.wideWords)) {
    return undefined;
  }
  const wide = new Set(header.wide);
  const wideWords = new Set(header.wideWords);
  const words: WordIds[] = [];
  const starts: WordStarts[] = [];
  for (let i = 0; i < header.lengths.length; i++) {
    const length = header.lengths[i];
    const w = wideWords.has(i) ? take(length) : take16(length);
    const s = w && (wide.has(i) ? take(length) : take16(length));
    if (!w || !s) {
      return undefined;
    }
    words.push(w);
    starts.push(s);
  }
  const extraLength = header.extraBytes;
  if (typeof extraLength !== 'number' || !Number.isInteger(extraLength) || extraLength < 0 || offset + extraLength + ((4 - (extraLength % 4)) % 4) !== bodyEnd) {
    return undefined;
  }
  const extra = extraLength > 0 && header.extraContext === extraContext ? new TextDecoder().decode(bytes.subarray(offset, offset + extraLength)) : undefined;
  for (const e of header.entries) {
    if (typeof e !== 'object' || e === null || typeof e.key !== 'string' || typeof e.tag !== 'string' || !Number.isInteger(e.id) || !Number.isInteger(e.nodes) || e.nodes < 0 || (e.fileState !== undefined && typeof e.fileState !== 'string') || (e.facts !== undefined && typeof e.facts !== 'string')) {
      return undefined;
    }
  }
  for (const n of [header.idCount, header.vocabSize]) {
    if (!Number.isInteger(n) || n < 0) {
      return undefined;
    }
  }
  return { snapshot: { idCount: header.idCount, vocabSize: header.vocabSize, entries: header.entries, words, starts, tables }, extra };
}
