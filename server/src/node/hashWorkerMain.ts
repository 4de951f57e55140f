/**
 * The hashing thread's program (see hashWorker.ts): built into its own small bundle
 * and embedded as a string in `dist/cli.js` and `dist/server.js` (scripts/build.mjs),
 * so the worker parses ~10 KB of code, not a whole bundle. It imports only the pure
 * hashing step and its helpers.
 */
import { parentPort, type MessagePort } from 'worker_threads';
import type { TextFacts } from '../corpus/source';
import { closestAnswers } from '../common/closest';
import { HashSet, hashFile } from '../workspace/hashing';

/**
 * A batch: the files' bytes end to end in `input`, their lengths, and where to write
 * the results. Both buffers are shared memory that the main thread allocates once
 * per slot and reuses batch after batch (a slot per batch in flight: batches are
 * hashed ahead while an earlier one is indexed); nothing is allocated per file on
 * either side.
 */
export interface Request {
  id: number;
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
  lengths: number[];
  maxBytes: number;
  /** Per file, whether its title and date are wanted from its text (see `TextHasher.hash`). */
  wantFacts?: boolean[];
  /** Whether the files' line maps are wanted (see `TextHasher.hash`). */
  lines: boolean;
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
 * `packed`, moved): per file, its hashes, starts, folds and line map (empty when not
 * asked for; a line map is never empty) end to end, with their counts in `shape` (four
 * numbers a file; a file with a problem has none).
 */
export interface Response {
  id: number;
  packed?: ArrayBuffer;
  shape?: number[];
  problems?: Array<string | null>;
  /** Per file, its title and date when they were wanted. */
  facts?: Array<TextFacts | null>;
  error?: string;
}

/** Appends numbers to a shared output buffer; past its end, to a growing buffer of its own. */
class PackedWriter {
  private data: Uint32Array;
  private length = 0;
  inPlace = true;
  constructor(output: SharedArrayBuffer) {
    this.data = new Uint32Array(output, 0, output.byteLength >> 2);
  }
  write(values: Uint32Array): void {
    if (this.length + values.length > this.data.length) {
      const grown = new Uint32Array(Math.max(2 * this.data.length, this.length + values.length));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
      this.inPlace = false;
    }
    this.data.set(values, this.length);
    this.length += values.length;
  }
  /** The buffer written to, when it is not the shared one. */
  detach(): ArrayBuffer {
    return this.data.buffer as ArrayBuffer;
  }
}

/** Serves hashing requests on this worker thread's port. */
function serve(port: MessagePort): void {
  const met = new HashSet();
  const scratch = { hashes: new Uint32Array(0), starts: new Uint32Array(0) };
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
      const out = new PackedWriter(request.output);
      const shape: number[] = [];
      const problems: Array<string | null> = [];
      const facts: Array<TextFacts | null> = [];
      let at = 0;
      request.lengths.forEach((length, i) => {
        // Read in place: nothing is allocated per file but the decoded text.
        const result = hashFile(new Uint8Array(request.input, at, length), request.maxBytes, met, scratch, request.wantFacts?.[i], request.lines);
        at += length;
        problems.push(result.problem ?? null);
        facts.push(result.facts ?? null);
        if (result.problem !== undefined) {
          shape.push(0, 0, 0, 0);
          return;
        }
        const parts = [result.hashes!, result.starts!, result.folds!, result.lines ?? new Uint32Array(0)];
        shape.push(...parts.map((part) => part.length));
        for (const part of parts) {
          out.write(part);
        }
      });
      if (out.inPlace) {
        port.postMessage({ id: request.id, shape, problems, facts } satisfies Response);
      } else {
        const buffer = out.detach();
        port.postMessage({ id: request.id, packed: buffer, shape, problems, facts } satisfies Response, [buffer]);
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
