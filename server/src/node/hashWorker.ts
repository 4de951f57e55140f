/**
 * A {@link TextHasher} on a worker thread: while the main thread builds postings
 * for one batch of corpus files, the worker decodes and hashes the next (the
 * issue's machine has two cores). The worker runs the bundle it was started from
 * (`dist/cli.js` or `dist/server.js`): each entry point calls {@link runHashWorkerIfAsked}
 * first, which takes over when the thread is such a worker.
 *
 * The worker gets a copy of the bytes (the sources keep theirs) and sends back only
 * what it computed, moved rather than copied. If the worker cannot start or fails,
 * hashing goes on on the main thread: a load never fails for it. Set
 * `PNOTE_HASH_THREAD=0` to hash on the main thread from the start.
 */
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { HashSet, hashFile, hashFiles, type HashedFile, type TextHasher } from '../workspace/hashing';

/**
 * A batch: the files' bytes end to end in `input`, their lengths, and where to write
 * the results. Both buffers are shared memory that the main thread allocates once
 * per slot and reuses batch after batch (two slots: one batch is hashed while the
 * previous one is indexed); nothing is allocated per file on either side.
 */
interface Request {
  id: number;
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
  lengths: number[];
  maxBytes: number;
}

/**
 * A batch's results packed in the request's `output` (or, when it is too small, in
 * `packed`, moved): per file, its hashes, starts, folds and fingerprints end to end,
 * with their counts in `shape` (four numbers a file; a file with a problem has none).
 */
interface Response {
  id: number;
  packed?: ArrayBuffer;
  shape?: number[];
  problems?: Array<string | null>;
  error?: string;
}

const MARK = 'policy-notes hash worker';

/** Whether this process may start a hashing thread (not when `PNOTE_HASH_THREAD=0`). */
export function hashThreadWanted(): boolean {
  return process.env.PNOTE_HASH_THREAD !== '0';
}

/** The worker side: when this thread is a hash worker, serves requests and returns true. */
export function runHashWorkerIfAsked(): boolean {
  if (isMainThread || (workerData as { mark?: string } | undefined)?.mark !== MARK || !parentPort) {
    return false;
  }
  const port = parentPort;
  const met = new HashSet();
  const scratch = { hashes: new Uint32Array(0), starts: new Uint32Array(0) };
  port.on('message', (request: Request) => {
    try {
      const out = new PackedWriter(request.output);
      const shape: number[] = [];
      const problems: Array<string | null> = [];
      let at = 0;
      for (const length of request.lengths) {
        // Read in place: nothing is allocated per file but the decoded text.
        const result = hashFile(new Uint8Array(request.input, at, length), request.maxBytes, met, scratch);
        at += length;
        problems.push(result.problem ?? null);
        if (result.problem !== undefined) {
          shape.push(0, 0, 0, 0);
          continue;
        }
        const parts = [result.hashes!, result.starts!, result.folds!, result.fingerprints!];
        shape.push(...parts.map((part) => part.length));
        for (const part of parts) {
          out.write(part);
        }
      }
      if (out.inPlace) {
        port.postMessage({ id: request.id, shape, problems } satisfies Response);
      } else {
        const buffer = out.detach();
        port.postMessage({ id: request.id, packed: buffer, shape, problems } satisfies Response, [buffer]);
      }
    } catch (e) {
      const response: Response = { id: request.id, error: (e as Error).stack ?? String(e) };
      port.postMessage(response);
    }
  });
  return true;
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

/** The results of a batch from their packed form (views into one buffer, see `Response`). */
function unpack(files: readonly Uint8Array[], response: Response, output: SharedArrayBuffer): HashedFile[] {
  const packed = response.packed ? new Uint32Array(response.packed) : new Uint32Array(output, 0, output.byteLength >> 2);
  const shape = response.shape!;
  let offset = 0;
  const take = (n: number): Uint32Array => packed.subarray(offset, (offset += n));
  return files.map((bytes, i) => {
    const problem = response.problems![i];
    if (problem !== null) {
      return { bytes, problem };
    }
    const [n, m, f, p] = shape.slice(4 * i, 4 * i + 4);
    return { bytes, hashes: take(n), starts: take(m), folds: take(f), fingerprints: take(p) };
  });
}

/** The main side: one worker, started at the first batch of a load and stopped at its end. */
export class WorkerHasher implements TextHasher {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: Response) => void; reject: (e: Error) => void }>();
  /** Set once the worker failed: hashing stays on this thread from then on. */
  private broken: Error | undefined;
  /** Words met by the hashing done on this thread (after a failure). */
  private readonly met = new HashSet();

  /** `script`: the bundle to run in the worker (the running entry point's file). */
  constructor(private readonly script: string) {}

  /** Why hashing left the worker, if it did. */
  get failure(): Error | undefined {
    return this.broken;
  }

  async hash(files: readonly Uint8Array[], maxBytes: number): Promise<HashedFile[]> {
    if (!this.broken) {
      try {
        const { response, output } = await this.post(files, maxBytes);
        return unpack(files, response, output);
      } catch (e) {
        this.broken ??= e as Error;
        this.release();
      }
    }
    return hashFiles(files, maxBytes, this.met);
  }

  /**
   * Shared buffers by slot (see `Request`); a slot is written again only once the
   * batch before it was indexed (the workspace hashes batch k + 1 while it indexes
   * batch k, and indexes synchronously).
   */
  private readonly slots: Array<{ input: SharedArrayBuffer; output: SharedArrayBuffer }> = [];

  private post(files: readonly Uint8Array[], maxBytes: number): Promise<{ response: Response; output: SharedArrayBuffer }> {
    const worker = this.start();
    const id = this.nextId++;
    const total = files.reduce((n, f) => n + f.length, 0);
    const index = id % 2;
    let slot = this.slots[index];
    if (!slot || slot.input.byteLength < total) {
      // Room for a batch this large, and for its results: ~1 word per 8 bytes, 2 numbers a word, and some.
      const size = Math.ceil(Math.max(total, 2 * (slot?.input.byteLength ?? 0), 1 << 20) / 8) * 8;
      slot = this.slots[index] = { input: new SharedArrayBuffer(size), output: new SharedArrayBuffer(size) };
    }
    const input = new Uint8Array(slot.input);
    let at = 0;
    for (const f of files) {
      input.set(f, at);
      at += f.length;
    }
    const output = slot.output;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: (response) => resolve({ response, output }), reject });
      const request: Request = { id, input: slot.input, output, lengths: files.map((f) => f.length), maxBytes };
      worker.postMessage(request);
    });
  }

  release(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.slots.length = 0;
    this.fail(new Error('the hash worker was released'));
    void worker?.terminate().catch(() => undefined);
  }

  private start(): Worker {
    if (this.worker) {
      return this.worker;
    }
    const worker = new Worker(this.script, { workerData: { mark: MARK } });
    worker.unref(); // never keeps the process alive
    worker.on('message', (response: Response) => {
      const waiter = this.waiting.get(response.id);
      this.waiting.delete(response.id);
      if (!waiter) {
        return;
      }
      if (response.shape) {
        waiter.resolve(response);
      } else {
        waiter.reject(new Error(`hashing failed: ${response.error}`));
      }
    });
    worker.on('error', (e) => {
      if (this.worker === worker) {
        this.worker = undefined;
      }
      this.fail(e);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) {
        this.worker = undefined;
        this.fail(new Error(`the hash worker stopped (exit code ${code})`));
      }
    });
    this.worker = worker;
    return worker;
  }

  private fail(e: Error): void {
    for (const waiter of this.waiting.values()) {
      waiter.reject(e);
    }
    this.waiting.clear();
  }
}
