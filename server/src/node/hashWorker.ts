/**
 * A {@link TextHasher} on a worker thread: while the main thread builds postings
 * for one batch of corpus files, the worker decodes and hashes the next (the
 * issue's machine has two cores). The worker's program is `hashWorkerMain.ts`,
 * bundled on its own and embedded in the bundles as a string (`PNOTE_HASH_WORKER`,
 * see scripts/build.mjs).
 *
 * The worker gets a copy of a batch's bytes in a shared buffer (the sources keep
 * theirs) and writes what it computed into another; the pairs of buffers (one per
 * batch in flight) are allocated once and reused batch after batch (see `Request`).
 * If the worker cannot start or fails, hashing goes on on the main thread: a load
 * never fails for it. Set `PNOTE_HASH_THREAD=0` to hash on the main thread from the
 * start.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import type { PendingClosest } from '../common/closest';
import type { WordTableState } from '../corpus/vocabulary';
import { HASH_BATCHES_AHEAD, HashSet, hashFiles, type HashedFile, type TextHasher } from '../workspace/hashing';
import type { ClosestRequest, ExitRequest, Request, Response } from './hashWorkerMain';

declare const PNOTE_HASH_WORKER: string | undefined;

/**
 * A hasher on a worker thread, unless `PNOTE_HASH_THREAD=0` or this build embeds no
 * worker program (running from sources, in tests): undefined then.
 */
export function workerHasher(): WorkerHasher | undefined {
  return process.env.PNOTE_HASH_THREAD !== '0' && typeof PNOTE_HASH_WORKER === 'string' ? new WorkerHasher({ code: PNOTE_HASH_WORKER }) : undefined;
}

/**
 * The results of a batch from their packed form (views into one buffer, see `Response`).
 * Word ids and starts, which the index keeps, are views into a copy of the shared
 * buffer made at once (not a copy per file: ~30 ms of a 10k load), which they keep alive.
 */
function unpack(files: readonly Uint8Array[], response: Response, output: SharedArrayBuffer): HashedFile[] {
  const packed = response.packed ? new Uint32Array(response.packed) : response.bases ? new Uint32Array(output, 0, response.length).slice() : new Uint32Array(output, 0, output.byteLength >> 2);
  const shape = response.shape!;
  let offset = 0;
  const take = (n: number): Uint32Array => packed.subarray(offset, (offset += n));
  const takeAs = (n: number, bytes: number): Uint32Array | Uint16Array => {
    if (bytes === 4) {
      return take(n);
    }
    const view = new Uint16Array(packed.buffer, packed.byteOffset + 4 * offset, n);
    offset += (n + 1) >> 1;
    return view;
  };
  return files.map((bytes, i) => {
    const problem = response.problems![i];
    if (problem !== null) {
      return { bytes, problem };
    }
    const [n, m, f, l, nBytes, mBytes] = shape.slice(6 * i, 6 * i + 6);
    const facts = response.facts?.[i] ?? undefined;
    if (response.bases) {
      const interned = { ids: takeAs(n, nBytes), starts: takeAs(m, mBytes), added: take(f), base: response.bases[i], chain: response.chains![i] };
      return { bytes, interned, lines: l > 0 ? take(l) : undefined, facts };
    }
    return { bytes, hashes: take(n), starts: take(m), folds: take(f), lines: l > 0 ? take(l) : undefined, facts };
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
  private met = new HashSet();
  /** Whether the worker was given suggestions to compute (see {@link closest}) since it started. */
  private suggesting = false;

  /** `program`: the worker's code (`{ code }`, as the bundles embed it) or a script file to run. */
  constructor(private readonly program: { code: string } | { file: string }) {}

  /** Why hashing left the worker, if it did. */
  get failure(): Error | undefined {
    return this.broken;
  }

  async hash(files: readonly Uint8Array[], maxBytes: number, wantFacts?: readonly boolean[], lines = false, vocabulary?: WordTableState): Promise<HashedFile[]> {
    if (!this.broken) {
      try {
        const { response, output } = await this.post(files, maxBytes, wantFacts, lines, vocabulary);
        return unpack(files, response, output);
      } catch (e) {
        this.broken ??= e as Error;
        this.release();
      }
    }
    return hashFiles(files, maxBytes, this.met, wantFacts, lines);
  }

  /**
   * Shared buffers by slot (see `Request`); a slot is written again only once the
   * batch before it was indexed (the workspace hashes batches k + 1 to
   * k + HASH_BATCHES_AHEAD while it indexes batch k, and indexes synchronously).
   */
  private readonly slots: Array<{ input: SharedArrayBuffer; output: SharedArrayBuffer }> = [];
  /** Batches posted: they take the slots in turn. */
  private batches = 0;

  /** Whether the worker running has had no batch yet: the index's vocabulary goes with its first (see `Request.vocabulary`). */
  private fresh = false;

  private post(files: readonly Uint8Array[], maxBytes: number, wantFacts: readonly boolean[] | undefined, lines: boolean, vocabulary: WordTableState | undefined): Promise<{ response: Response; output: SharedArrayBuffer }> {
    const worker = this.start();
    // Copied as it stands now (postMessage clones it), before this batch's words are added to it.
    const sent = this.fresh && vocabulary ? { keys: vocabulary.keys, ids: vocabulary.ids, size: vocabulary.size, chain: vocabulary.chain } : undefined;
    this.fresh = false;
    const id = this.nextId++;
    const total = files.reduce((n, f) => n + f.length, 0);
    const index = this.batches++ % (HASH_BATCHES_AHEAD + 1);
    let slot = this.slots[index];
    if (!slot || slot.input.byteLength < total) {
      // Room for a batch this large, and for its results: ~1 word per 8 bytes, 2 numbers a word, and some.
      const size = Math.ceil(Math.max(total, 2 * (slot?.input.byteLength ?? 0), 1 << 20) / 8) * 8;
      slot = this.slots[index] = { input: new SharedArrayBuffer(size), output: new SharedArrayBuffer(size) };
    }
    // Bytes in shared memory already are read there (see `Request.shared`); the others copied.
    const input = new Uint8Array(slot.input);
    const shared = files.map((f): [SharedArrayBuffer, number] | null => (f.buffer instanceof SharedArrayBuffer ? [f.buffer, f.byteOffset] : null));
    let at = 0;
    files.forEach((f, i) => {
      if (!shared[i]) {
        input.set(f, at);
        at += f.length;
      }
    });
    const output = slot.output;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: (response) => resolve({ response, output }), reject });
      const request: Request = { id, input: slot.input, output, lengths: files.map((f) => f.length), shared, maxBytes, wantFacts: wantFacts && [...wantFacts], lines, vocabulary: sent };
      worker.postMessage(request);
    });
  }

  /**
   * Computes suggestions on the worker (see `TextHasher.closest`); the answers are read
   * synchronously off a port of their own when asked for. Undefined once hashing left
   * the worker.
   */
  closest(items: readonly string[], queries: readonly string[], limit: number): PendingClosest | undefined {
    if (this.broken) {
      return undefined;
    }
    let worker: Worker;
    try {
      worker = this.start();
    } catch {
      return undefined;
    }
    const { port1, port2 } = new MessageChannel();
    const request: ClosestRequest = { kind: 'closest', items: [...items], queries: [...queries], limit, port: port2 };
    this.suggesting = true;
    worker.postMessage(request, [port2]);
    let answers: Map<string, string[]> | undefined;
    return {
      take: () => {
        if (!answers) {
          const received = receiveMessageOnPort(port1) as { message: Array<[string, string[]]> } | undefined;
          if (received) {
            answers = new Map(received.message);
            port1.close();
          }
        }
        return answers;
      },
    };
  }

  release(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.slots.length = 0;
    this.met = new HashSet();
    this.fail(new Error('the hash worker was released'));
    if (worker && this.suggesting) {
      // It ends by itself once its suggestions are sent (messages are served in order):
      // its memory is freed then, while this thread may be busy for a while.
      worker.postMessage({ kind: 'exit' } satisfies ExitRequest);
    } else {
      void worker?.terminate().catch(() => undefined);
    }
    this.suggesting = false;
  }

  /** Starts the worker ahead of the first batch (see `TextHasher.prepare`); nothing once hashing left the worker. */
  prepare(): void {
    if (!this.broken) {
      this.start();
    }
  }

  private start(): Worker {
    if (this.worker) {
      return this.worker;
    }
    const worker = 'code' in this.program ? new Worker(this.program.code, { eval: true }) : new Worker(this.program.file);
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
    this.fresh = true;
    return worker;
  }

  private fail(e: Error): void {
    for (const waiter of this.waiting.values()) {
      waiter.reject(e);
    }
    this.waiting.clear();
  }
}
