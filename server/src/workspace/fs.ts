/**
 * The one interface through which the language service touches files.
 *
 * Paths are workspace-relative with `/` separators (`notes/a.pnote`); `''` is the
 * workspace root. Implementations: `MemoryFileSystem` (tests, below) and
 * `NodeFileSystem` (server/src/node/nodeFs.ts, for the CLI and the server).
 */

export type FileType = 'file' | 'directory' | 'other';

export interface FileStat {
  type: FileType;
  size: number;
  /** Modification time in milliseconds. */
  mtime: number;
}

export interface WorkspaceFileSystem {
  /**
   * The file's bytes. Rejects when it cannot be read (the message names the reason).
   * The caller may keep them: the file system never changes them afterwards.
   */
  readFile(path: string): Promise<Uint8Array>;
  /**
   * The same, synchronously; throws when it cannot be read. Optional: with it, the
   * bytes of a corpus file the index cache vouches for are read only when first
   * needed (see `Workspace`), from code that cannot wait.
   */
  readFileSync?(path: string): Uint8Array;
  /**
   * The file's state then its bytes, from one opening of the file when it can (a load
   * reads every corpus file so): what {@link stat} then {@link readFile} give, which
   * is what a caller does without it. Rejects as `readFile` does.
   */
  readFileAndStat?(path: string): Promise<{ bytes: Uint8Array; stat: FileStat | undefined }>;
  /** Undefined when nothing is there. Follows symbolic links. */
  stat(path: string): Promise<FileStat | undefined>;
  /** Entries of a directory (links resolved to what they point at; dangling ones are `other`). */
  readDirectory(path: string): Promise<Array<[name: string, type: FileType]>>;
  /**
   * The canonical workspace-relative path of `path` with every link resolved, or
   * undefined when it does not exist or its real location is outside the workspace.
   */
  realpath(path: string): Promise<string | undefined>;
}

/**
 * Where the corpus index is kept between sessions (outside the workspace: the
 * extension's storage, a cache folder for the CLI). Optional: without one, every
 * load indexes the corpus afresh. Deleting what it holds is always safe.
 */
export interface IndexCache {
  /** The saved index, or undefined when there is none (or it cannot be read). */
  read(): Promise<Uint8Array | undefined>;
  /** Replaces the saved index with these chunks, atomically (readers see the old or the new). */
  write(chunks: readonly Uint8Array[]): Promise<void>;
  /** A content digest of byte chunks (≤ 64 ASCII characters): each source's tag, and the file's checksum. */
  digest(chunks: readonly Uint8Array[]): string;
  /** What else a saved index depends on (the product's version): one saved under another context is not used. */
  readonly context: string;
  /**
   * The saved results of the last complete check (see `savedResults.ts`), kept apart
   * from the index so that they can be read without it. Optional, like writing them.
   */
  readResults?(): Promise<Uint8Array | undefined>;
  /** Replaces the saved results, atomically. */
  writeResults?(bytes: Uint8Array): Promise<void>;
}

/** `a/./b/../c` → `a/c`, keeping leading `..` (for folders admitted outside the workspace); undefined when absolute. */
function normalizeClimbing(path: string): string | undefined {
  if (path.startsWith('/')) {
    return undefined;
  }
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') {
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out.join('/');
}

/** Joins workspace-relative path segments, dropping empty ones. */
export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/**
 * Normalises a user-written workspace-relative path (`./corpus/`, `a\\b`, `a/../b`).
 * Returns undefined when it is absolute or climbs out of the workspace.
 */
export function normalizeRelativePath(input: string): string | undefined {
  const slashed = input.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    return undefined;
  }
  const out: string[] = [];
  for (const part of slashed.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..') {
      if (out.length === 0) {
        return undefined;
      }
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out.join('/');
}

/** An in-memory workspace: files by relative path. Directories are implied by paths. */
export class MemoryFileSystem implements WorkspaceFileSystem {
  private readonly files = new Map<string, { bytes: Uint8Array; mtime: number }>();
  private readonly external: string[] = [];
  private clock = 1;

  constructor(files: Record<string, string | Uint8Array> = {}) {
    for (const [path, content] of Object.entries(files)) {
      this.write(path, content);
    }
  }

  /** Writes a file; its modification time is `mtime`, by default the next tick of a counter (1, 2, …). */
  write(path: string, content: string | Uint8Array, mtime = this.clock++): void {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    this.files.set(path, { bytes, mtime });
  }

  delete(path: string): void {
    this.files.delete(path);
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  async readFile(path: string): Promise<Uint8Array> {
    return this.bytesOf(path);
  }

  readFileSync(path: string): Uint8Array {
    return this.bytesOf(path);
  }

  private bytesOf(path: string): Uint8Array {
    const file = this.files.get(path);
    if (!file) {
      throw new Error(`no such file: ${path}`);
    }
    return file.bytes.slice(); // the caller may keep them; a caller's array passed to write() may change
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const file = this.files.get(path);
    if (file) {
      return { type: 'file', size: file.bytes.length, mtime: file.mtime };
    }
    return this.isDirectory(path) ? { type: 'directory', size: 0, mtime: 0 } : undefined;
  }

  async readDirectory(path: string): Promise<Array<[string, FileType]>> {
    const prefix = path === '' ? '' : `${path}/`;
    const entries = new Map<string, FileType>();
    for (const file of this.files.keys()) {
      if (file.startsWith(prefix)) {
        const rest = file.slice(prefix.length);
        const slash = rest.indexOf('/');
        entries.set(slash < 0 ? rest : rest.slice(0, slash), slash < 0 ? 'file' : 'directory');
      }
    }
    return [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** Like `NodeFileSystem.allowExternal`: files below `folder` (`../shared`) may be read. */
  allowExternal(folder: string): void {
    this.external.push(folder);
  }

  async realpath(path: string): Promise<string | undefined> {
    const lexical = normalizeClimbing(path);
    const normal = lexical !== undefined && this.external.some((e) => lexical === e || lexical.startsWith(`${e}/`)) ? lexical : normalizeRelativePath(path);
    if (normal === undefined) {
      return undefined;
    }
    return this.files.has(normal) || this.isDirectory(normal) ? normal : undefined;
  }

  private isDirectory(path: string): boolean {
    if (path === '') {
      return true;
    }
    const prefix = `${path}/`;
    for (const file of this.files.keys()) {
      if (file.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
