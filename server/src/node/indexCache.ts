/**
 * The on-disk corpus index cache on Node's `fs`: one file per workspace in a cache
 * folder outside the workspace (the extension's storage, or the CLI's cache folder),
 * written atomically (a temporary file renamed over the old one), with the saved
 * results of the last check in a small file beside it (`.pres`, see
 * workspace/savedResults.ts). SHA-1 digests the sources' bytes and checks the
 * files' integrity (not a security boundary: the folder is the user's own).
 */
import * as crypto from 'crypto';
import { createHash } from 'crypto';

/** `crypto.hash` (Node ≥ 20.12): a one-shot digest, in hex. */
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array) => string }).hash;
import { closeSync, mkdirSync, openSync, promises as fsp, readFileSync, writev } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { IndexCache } from '../workspace/fs';

/** Chunks per gathered write (under the usual IOV_MAX of 1,024). */
const WRITEV_CHUNKS = 512;

export class FileIndexCache implements IndexCache {
  readonly context: string;

  /** `file`: where the index of this workspace is kept; `version`: the product's version. */
  constructor(
    readonly file: string,
    version: string,
  ) {
    this.context = `policy-notes ${version} sha1`;
  }

  /** The cache of the workspace at `root` (a real path) in the folder `dir`. */
  static forWorkspace(dir: string, root: string, version: string): FileIndexCache {
    const name = createHash('sha1').update(root).digest('hex').slice(0, 20);
    return new FileIndexCache(path.join(dir, `${name}.pnix`), version);
  }

  async read(): Promise<Uint8Array | undefined> {
    try {
      // In one synchronous read: fs.promises.readFile reads a 150 MB file in 512 KB
      // round trips to the thread pool (measured: ~2× slower), and a load has nothing
      // else to do meanwhile.
      return readFileSync(this.file);
    } catch {
      return undefined;
    }
  }

  async write(chunks: readonly Uint8Array[]): Promise<void> {
    await writeAtomically(this.file, chunks);
    await pruneFolder(path.dirname(this.file), this.file);
  }

  /** The saved results of the last check: a small file beside the index (`.pres`). */
  get resultsFile(): string {
    return this.file.replace(/\.pnix$/, '') + RESULTS_EXTENSION;
  }

  async readResults(): Promise<Uint8Array | undefined> {
    try {
      return readFileSync(this.resultsFile);
    } catch {
      return undefined;
    }
  }

  async writeResults(bytes: Uint8Array): Promise<void> {
    await writeAtomically(this.resultsFile, [bytes]);
  }

  digest(chunks: readonly Uint8Array[]): string {
    if (chunks.length === 1 && oneShot) {
      return oneShot('sha1', chunks[0]); // a file's bytes: ~30% faster than a Hash object
    }
    const hash = createHash('sha1');
    for (const chunk of chunks) {
      hash.update(chunk);
    }
    return hash.digest('hex');
  }
}

const RESULTS_EXTENSION = '.pres';

/**
 * Writes `file` through a temporary file renamed over it: readers see the old bytes or
 * the new ones. Every write is issued before the first `await` (the folder made and the
 * file opened synchronously), each at its place in the file: they go on on the thread
 * pool while this thread works on (the CLI saves the index, then checks the notes).
 */
async function writeAtomically(file: string, chunks: readonly Uint8Array[]): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(temporary, 'w', 0o600);
    try {
      // Many small chunks (two per source): gathered writes, not one round trip to the
      // thread pool per chunk (30,000 of them for 10,000 sources).
      const writes: Array<Promise<void>> = [];
      let position = 0;
      for (let from = 0; from < chunks.length; from += WRITEV_CHUNKS) {
        const batch = chunks.slice(from, from + WRITEV_CHUNKS).filter((c) => c.length > 0);
        writes.push(writeAllAt(fd, batch, position));
        position += batch.reduce((n, c) => n + c.length, 0);
      }
      // Every write over (none left in flight on the descriptor) before it is closed.
      const failed = (await Promise.allSettled(writes)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        throw failed.reason;
      }
    } finally {
      closeSync(fd);
    }
    await fsp.rename(temporary, file);
  } catch (e) {
    await fsp.rm(temporary, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Writes `chunks` end to end at `position` of `fd`, going on after a short write. */
function writeAllAt(fd: number, chunks: Uint8Array[], position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (batch: Uint8Array[], at: number) => {
      if (batch.length === 0) {
        resolve();
        return;
      }
      writev(fd, batch, at, (error, written) => {
        if (error) {
          reject(error);
          return;
        }
        if (written <= 0) {
          reject(new Error('nothing could be written'));
          return;
        }
        // The chunks written whole, then the part of the next one written (no copy of the list per chunk).
        let done = 0;
        let left = written;
        while (done < batch.length && left >= batch[done].length) {
          left -= batch[done].length;
          done++;
        }
        const rest = batch.slice(done);
        if (rest.length > 0 && left > 0) {
          rest[0] = rest[0].subarray(left);
        }
        step(rest, at + written);
      });
    };
    step(chunks, position);
  });
}

/** Index files kept in one cache folder: one per workspace, the least recently written go first. */
export const MAX_CACHE_FILES = 16;

/** Deletes the oldest index files of `folder` beyond {@link MAX_CACHE_FILES} (never `keep`), and temporary files a crash left over a day ago. */
async function pruneFolder(folder: string, keep: string): Promise<void> {
  try {
    const now = Date.now();
    const files: Array<{ file: string; mtime: number }> = [];
    for (const name of await fsp.readdir(folder)) {
      const file = path.join(folder, name);
      if (!name.endsWith('.pnix') && !name.endsWith('.tmp')) {
        continue;
      }
      const stat = await fsp.stat(file).catch(() => undefined);
      if (!stat?.isFile()) {
        continue;
      }
      if (name.endsWith('.tmp')) {
        if (now - stat.mtimeMs > 24 * 3600 * 1000) {
          await fsp.rm(file, { force: true });
        }
      } else if (file !== keep) {
        files.push({ file, mtime: stat.mtimeMs });
      }
    }
    files.sort((a, b) => b.mtime - a.mtime);
    for (const { file } of files.slice(MAX_CACHE_FILES - 1)) {
      await fsp.rm(file, { force: true });
      // Its saved results go with it.
      await fsp.rm(file.replace(/\.pnix$/, RESULTS_EXTENSION), { force: true });
    }
  } catch {
    // Pruning is housekeeping: a folder that cannot be listed keeps its files.
  }
}

/** The CLI's default cache folder: `$XDG_CACHE_HOME/policy-notes`, else `~/.cache/policy-notes`. */
export function defaultCacheFolder(): string {
  const base = process.env.XDG_CACHE_HOME && path.isAbsolute(process.env.XDG_CACHE_HOME) ? process.env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'policy-notes');
}
