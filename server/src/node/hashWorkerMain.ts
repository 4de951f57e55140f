/**
 * The hashing thread's program (see hashWorker.ts): built into its own small bundle
 * and embedded as a string in `dist/cli.js` and `dist/server.js` (scripts/build.mjs),
 * so the worker parses ~45 KB of code (minified), not a whole bundle. It imports only
 * the pure hashing step and its helpers, and the vocabulary's table.
 */
import { parentPort, type MessagePort } from 'worker_threads';
import type { TextFacts } from '../corpus/source';
import { closestAnswers } from '../common/closest';
import { NON_ASCII } from '../corpus/tokenize';
import { WordIdTable, type WordTableState } from '../corpus/vocabulary';
import { HashSet, hashFile, internFile, seedWords } from '../workspace/hashing';

/**
 * A batch: the files' bytes end to end in `input`, their lengths, and where to write
 * the results. Both buffers are shared memory that the main thread allocates once
 * per slot and reuses batch after batch (a slot per batch in flight: batches are
 * hashed ahead while an earlier one is indexed); nothing is allocated per file on
 * either side. Bytes already in shared memory (the Node file system reads small files
 * into shared chunks) are read where they are, not copied into `input`.
 */
export interface Request {
  id: number;
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
  lengths: number[];
  /** Per file, the shared buffer and offset its bytes are at; null: they are next in `input`. */
  shared?: Array<[SharedArrayBuffer, number] | null>;
  maxBytes: number;
  /** Per file, whether its title and date are wanted from its text (see `TextHasher.hash`). */
  wantFacts?: boolean[];
  /** Whether the files' line maps are wanted (see `TextHasher.hash`). */
  lines: boolean;
  /**
   * The index's vocabulary (a copy), with the first batch of a load: from then on the
   * files' words are given as ids of this thread's copy of it (see `HashedFile.interned`).
   */
  vocabulary?: WordTableState;
}

/**
 * Suggestions to compute ahead (see `TextHasher.closest`): the answers go to `port` as
 * the entries of `closestAnswers(items, queries, limit)`.
 */
export interface ClosestRequest {
  kind: 'closest';
  items: string[];
  queries: string[];
  limit: number;
  port: MessagePort;
}

/** The load is over (a release): the thread ends once it has served what came before. */
export interface ExitRequest {
  kind: 'exit';
}

/**
 * A batch's results packed in the request's `output` (or, when it is too small, in
 * `packed`, moved): per file, four arrays end to end, each from a 4-byte boundary, with
 * their lengths and the bytes of an element of the first two in `shape` (six numbers a
 * file; a file with a problem has none): its hashes, starts (4 bytes each), folds and
 * line map (empty when not asked for; a line map is never empty); or, once the thread
 * has the index's vocabulary, its word ids, starts (2 or 4 bytes each, as the index
 * keeps them), the words it added and its line map, with `bases` (see `HashedFile.interned`).
 */
export interface Response {
  id: number;
  packed?: ArrayBuffer;
  shape?: number[];
  /** Per file, how many words the vocabulary held before it, and its chain then (when the files' words are ids). */
  bases?: number[];
  chains?: number[];
  /** How many 4-byte numbers were written in all. */
  length?: number;
  problems?: Array<string | null>;
  /** Per file, its title and date when they were wanted. */
  facts?: Array<TextFacts | null>;
  error?: string;
}

/** Appends numbers to a shared output buffer; past its end, to a growing buffer of its own. */
class PackedWriter {
  private data: Uint32Array;
  length = 0;
  inPlace = true;
  constructor(output: SharedArrayBuffer) {
    this.data = new Uint32Array(output, 0, output.byteLength >> 2);
  }
  /** Writes `values` as numbers of `bytes` bytes each (2: their low 16 bits); returns the view written. */
  write(values: Uint32Array, bytes: 2 | 4 = 4): Uint32Array | Uint16Array {
    const slots = bytes === 4 ? values.length : (values.length + 1) >> 1;
    if (this.length + slots > this.data.length) {
      const grown = new Uint32Array(Math.max(2 * this.data.length, this.length + slots));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
      this.inPlace = false;
    }
    const view = bytes === 4 ? this.data.subarray(this.length, this.length + slots) : new Uint16Array(this.data.buffer, this.data.byteOffset + 4 * this.length, values.length);
    view.set(values);
    this.length += slots;
    return view;
  }
  /** The buffer written to, when it is not the shared one. */
  detach(): ArrayBuffer {
    return this.data.buffer as ArrayBuffer;
  }
}

/** Serves hashing requests on this worker thread's port. */
function serve(port: MessagePort): void {
  let met = new HashSet();
  const scratch = { hashes: new Uint32Array(0), starts: new Uint32Array(0) };
  /** The index's vocabulary as this thread has added to it, once it was given. */
  let table: WordIdTable | undefined;
  let ids = new Uint32Array(1 << 14);
  port.on('message', (request: Request | ClosestRequest | ExitRequest) => {
    if ('kind' in request) {
      if (request.kind === 'exit') {
        port.close();
        return;
      }
      try {
        request.port.postMessage([...closestAnswers(request.items, request.queries, request.limit)]);
      } finally {
        request.port.close();
      }
      return;
    }
    try {
      if (request.vocabulary) {
        table = new WordIdTable(request.vocabulary);
        // The words folded from now on: those new to the vocabulary (see internFile).
        met = new HashSet();
        seedWords(met, table);
      }
      const out = new PackedWriter(request.output);
      const shape: number[] = [];
      const bases: number[] = [];
      const chains: number[] = [];
      const problems: Array<string | null> = [];
      const facts: Array<TextFacts | null> = [];
      let at = 0;
      request.lengths.forEach((length, i) => {
        // Read in place: nothing is allocated per file but the decoded text.
        const place = request.shared?.[i];
        const bytes = place ? new Uint8Array(place[0], place[1], length) : new Uint8Array(request.input, (at += length) - length, length);
        const result = hashFile(bytes, request.maxBytes, met, scratch, request.wantFacts?.[i], request.lines);
        problems.push(result.problem ?? null);
        facts.push(result.facts ?? null);
        if (result.problem !== undefined) {
          shape.push(0, 0, 0, 0, 0, 0);
          bases.push(0);
          chains.push(0);
          return;
        }
        const { hashes, starts } = result as Required<Pick<typeof result, 'hashes' | 'starts'>>;
        const lines = result.lines ?? new Uint32Array(0);
        if (!table) {
          shape.push(hashes.length, starts.length, result.folds!.length, lines.length, 4, 4);
          out.write(hashes);
          out.write(starts);
          out.write(result.folds!);
          out.write(lines);
          return;
        }
        // The words as ids, and their starts, as Corpus.add would keep them (narrowIds, narrowStarts).
        if (ids.length < hashes.length) {
          ids = new Uint32Array(Math.max(hashes.length, 2 * ids.length));
        }
        const interned = internFile(hashes, starts, result.folds!, table, ids);
        bases.push(interned.base);
        chains.push(interned.chain);
        shape.push(hashes.length, starts.length, interned.added.length, lines.length, interned.idBytes, interned.startBytes);
        out.write(ids.subarray(0, hashes.length), interned.idBytes);
        const written = out.write(starts, interned.startBytes);
        if (interned.startBytes === 4) {
          for (let i = 0; i < written.length; i++) {
            written[i] &= ~NON_ASCII; // (2 bytes hold the low 16 bits: no flag)
          }
        }
        out.write(interned.added);
        out.write(lines);
      });
      const interned = table ? { bases, chains, length: out.length } : {};
      if (out.inPlace) {
        port.postMessage({ id: request.id, shape, problems, facts, ...interned } satisfies Response);
      } else {
        const buffer = out.detach();
        port.postMessage({ id: request.id, packed: buffer, shape, problems, facts, ...interned } satisfies Response, [buffer]);
      }
    } catch (e) {
      const response: Response = { id: request.id, error: (e as Error).stack ?? String(e) };
      port.postMessage(response);
    }
  });
}


if (parentPort) {
  serve(parentPort);
}
