/**
 * The workspace file system on Node's `fs`, rooted at one folder. Every path is
 * resolved with `realpath` and must stay inside the root: a link that leads out
 * of the workspace reads as "outside the workspace", never as the file it names.
 *
 * The one exception is a folder the user named in a user-level setting (never one a
 * workspace file names): {@link allowExternal} admits it, and its files then have
 * workspace-relative paths that climb out (`../shared/corpus/a.txt`). Links inside
 * it must still stay inside it (or inside the workspace).
 */
import { closeSync, fstatSync, openSync, promises as fsp, readFileSync, readSync, realpathSync, statSync } from 'fs';
import * as path from 'path';
import type { FileStat, FileType, WorkspaceFileSystem } from '../workspace/fs';

/** Files up to this size are read into slices of shared chunks (see {@link ByteArena}). */
const ARENA_FILE = 256 * 1024;
const ARENA_CHUNK = 8 * 1024 * 1024;

/**
 * Small files' bytes, read into slices of large chunks: a buffer of its own per file
 * cost ~13 µs each (10,000 corpus files: 0.13 s of a load, and garbage collections
 * for the external memory). A slice is never written again once handed out; a chunk
 * lives as long as any slice of it (the sources keep their bytes anyway).
 */
class ByteArena {
  private chunk: Uint8Array = new Uint8Array(0);
  private used = 0;

  /** The bytes of the open file `fd` of `size` bytes (fewer if it shrank); undefined when it grew past `size` meanwhile. */
  read(fd: number, size: number): Uint8Array | undefined {
    if (this.used + size + 1 > this.chunk.length) {
      // Shared memory: the hashing thread reads the slices where they are (see hashWorker.ts).
      this.chunk = new Uint8Array(new SharedArrayBuffer(ARENA_CHUNK));
      this.used = 0;
    }
    // One byte more than the size: reading it tells a file that grew meanwhile. A read
    // shorter than asked is the end of a regular file (no second call to learn it).
    let length = 0;
    for (let asked = size + 1, n; length <= size && (n = readSync(fd, this.chunk, this.used + length, asked, null)) > 0; asked -= n) {
      length += n;
      if (n < asked) {
        break;
      }
    }
    if (length > size) {
      return undefined;
    }
    const bytes = this.chunk.subarray(this.used, this.used + length);
    this.used += length;
    return bytes;
  }
}

/** A plain file's state (taken first) and bytes: small ones from `arena`, others as `readFileSync` reads them. */
function readPlainFile(file: string, arena: ByteArena): { bytes: Uint8Array; stat: FileStat } {
  const fd = openSync(file, 'r');
  let stat: FileStat;
  try {
    const s = fstatSync(fd);
    stat = { type: s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other', size: s.size, mtime: s.mtimeMs };
    if (s.size < ARENA_FILE) {
      const bytes = arena.read(fd, s.size);
      if (bytes) {
        return { bytes, stat };
      }
    }
  } finally {
    closeSync(fd);
  }
  return { bytes: readFileSync(file), stat };
}

export class NodeFileSystem implements WorkspaceFileSystem {
  /**
   * Regular files (not links) just listed in a folder whose real path is inside the
   * workspace: their first read needs no `realpath` (nor does a `stat`). Each entry
   * serves one read only, so a file later replaced by a link is resolved again.
   */
  private readonly listedPlainFiles = new Set<string>();
  /** Folders whose real path was found inside the workspace (by `realpath`). */
  private readonly insideFolders = new Set<string>();

  /** Real paths of the folders outside the root that may be read (see {@link allowExternal}). */
  private readonly externalRoots: string[] = [];
  private readonly arena = new ByteArena();

  private constructor(readonly root: string) {}

  /**
   * Admits a folder or file outside the workspace, named by the user (a user-level
   * setting): returns its workspace-relative path (`../…`), or undefined when it does
   * not exist or cannot be expressed relative to the root (another drive). A path
   * inside the workspace is returned as it is, relative.
   */
  async allowExternal(absolute: string): Promise<string | undefined> {
    let real: string;
    try {
      real = await fsp.realpath(path.resolve(this.root, absolute));
    } catch {
      return undefined;
    }
    const rel = path.relative(this.root, real);
    if (path.isAbsolute(rel)) {
      return undefined;
    }
    if ((rel === '..' || rel.startsWith(`..${path.sep}`)) && !this.externalRoots.includes(real)) {
      this.externalRoots.push(real);
    }
    return rel.split(path.sep).join('/');
  }

  /** Opens a workspace at `folder` (resolved to its real path). Rejects when it is not a readable folder. */
  static async open(folder: string): Promise<NodeFileSystem> {
    const root = await fsp.realpath(path.resolve(folder));
    const stat = await fsp.stat(root);
    if (!stat.isDirectory()) {
      throw new Error(`${folder} is not a folder`);
    }
    await fsp.readdir(root);
    return new NodeFileSystem(root);
  }

  /** Absolute path of a workspace-relative one. */
  absolute(relative: string): string {
    if (relative === '') {
      return this.root;
    }
    // The common case without path.join's normalising (a load asks for every file).
    if (path.sep === '/' && !this.root.endsWith('/') && !UNUSUAL_SEGMENT.test(relative)) {
      return `${this.root}/${relative}`;
    }
    return path.join(this.root, ...relative.split('/'));
  }

  /**
   * Workspace-relative path of an absolute one, or undefined when it lies outside the
   * root and outside every admitted external folder.
   */
  relative(absolute: string): string | undefined {
    const rel = path.relative(this.root, absolute);
    if (rel === '') {
      return '';
    }
    if (path.isAbsolute(rel)) {
      return undefined;
    }
    if (rel === '..' || rel.startsWith(`..${path.sep}`)) {
      const resolved = path.resolve(absolute);
      if (!this.externalRoots.some((r) => resolved === r || resolved.startsWith(r.endsWith(path.sep) ? r : `${r}${path.sep}`))) {
        return undefined;
      }
    }
    return rel.split(path.sep).join('/');
  }

  /**
   * A file just listed (see {@link listedPlainFiles}): its state and bytes, read at once;
   * undefined for any other path.
   */
  private readListed(relative: string): { bytes: Uint8Array; stat: FileStat } | undefined {
    if (!this.listedPlainFiles.delete(relative)) {
      return undefined;
    }
    try {
      // Synchronous on purpose: for the small files of a corpus, fs.promises.readFile's
      // four thread-pool round trips (open, stat, read, close) cost ~4× the read itself,
      // and indexing, which follows each read, holds the thread anyway.
      return readPlainFile(this.absolute(relative), this.arena);
    } catch (e) {
      throw new Error(describeError(e), { cause: e });
    }
  }

  async readFile(relative: string): Promise<Uint8Array> {
    const listed = this.readListed(relative);
    if (listed) {
      return listed.bytes;
    }
    const real = await this.realpath(relative);
    if (real === undefined) {
      const exists = await fsp.stat(this.absolute(relative)).then(() => true, () => false);
      throw new Error(exists ? 'it leads outside the workspace' : 'no such file');
    }
    try {
      return await fsp.readFile(this.absolute(real));
    } catch (e) {
      throw new Error(describeError(e), { cause: e });
    }
  }

  /**
   * A corpus file's bytes, synchronously (for one the index cache vouches for, read
   * when its text is first needed): only inside the workspace or an admitted folder,
   * like {@link readFile}.
   */
  readFileSync(relative: string): Uint8Array {
    if (this.listedPlainFiles.delete(relative)) {
      try {
        return readFileSync(this.absolute(relative));
      } catch (e) {
        throw new Error(describeError(e), { cause: e });
      }
    }
    let real: string | undefined;
    try {
      real = this.relative(realpathSync.native(this.absolute(relative)));
    } catch (e) {
      throw new Error(describeError(e), { cause: e });
    }
    if (real === undefined) {
      throw new Error('it leads outside the workspace');
    }
    try {
      return readFileSync(this.absolute(real));
    } catch (e) {
      throw new Error(describeError(e), { cause: e });
    }
  }

  async readFileAndStat(relative: string): Promise<{ bytes: Uint8Array; stat: FileStat | undefined }> {
    const listed = this.readListed(relative);
    if (listed) {
      return listed;
    }
    const stat = await this.stat(relative);
    return { bytes: await this.readFile(relative), stat };
  }

  async stat(relative: string): Promise<FileStat | undefined> {
    try {
      // Synchronous for a listed file, as in readFile: the load stats every corpus file.
      const s = this.listedPlainFiles.has(relative) ? statSync(this.absolute(relative)) : await fsp.stat(this.absolute(relative));
      return { type: s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other', size: s.size, mtime: s.mtimeMs };
    } catch {
      return undefined;
    }
  }


  async readDirectory(relative: string): Promise<Array<[string, FileType]>> {
    let entries;
    try {
      entries = await fsp.readdir(this.absolute(relative), { withFileTypes: true });
    } catch (e) {
      throw new Error(describeError(e), { cause: e });
    }
    const out: Array<[string, FileType]> = [];
    const inside = this.insideFolders.has(relative);
    for (const entry of entries) {
      if (entry.isFile()) {
        if (inside) {
          this.listedPlainFiles.add(relative === '' ? entry.name : `${relative}/${entry.name}`);
        }
        out.push([entry.name, 'file']);
      } else if (entry.isDirectory()) {
        out.push([entry.name, 'directory']);
      } else if (entry.isSymbolicLink()) {
        const target = await this.stat(relative === '' ? entry.name : `${relative}/${entry.name}`);
        out.push([entry.name, target?.type ?? 'other']);
      } else {
        out.push([entry.name, 'other']);
      }
    }
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  async realpath(relative: string): Promise<string | undefined> {
    let real: string | undefined;
    try {
      real = this.relative(await fsp.realpath(this.absolute(relative)));
    } catch {
      return undefined;
    }
    if (real === relative) {
      this.insideFolders.add(relative);
    }
    return real;
  }
}

/** A path segment that path.join would normalise: empty, `.` or `..`. */
const UNUSUAL_SEGMENT = /(^|\/)\.{0,2}(\/|$)/;

function describeError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such file';
    case 'ELOOP':
      return 'a loop of symbolic links';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return (e as Error).message;
  }
}
