/**
 * The saved results of the last complete check: every file's diagnostics, with what
 * they were computed from (the configuration, each corpus file's state, each note's
 * digest). Kept beside the corpus index by the {@link IndexCache}; small enough to be
 * read and checked before the index is restored, so that a warm start can show the
 * diagnostics of an unchanged workspace at once (see `Workspace.savedResults`).
 *
 * Layout: one ASCII line `pnote-results <format> <digest>` (the digest of what
 * follows), then UTF-8 JSON. Decoding never throws and never trusts the bytes: a wrong
 * line, format, digest, context or shape gives `undefined`.
 */
import type { Diagnostic } from '../checks/diagnostic';

/** Bumped whenever the record's layout or meaning changes. */
export const RESULTS_FORMAT = 2;
const MAGIC = 'pnote-results';

export interface ResultsRecord {
  /** The product's and the parser's versions: a record saved by another build is not used. */
  context: string;
  /** The configuration the results were computed under (see `configKeyOf` in workspace.ts). */
  config: string;
  /** Every corpus file and the metadata file, sorted by path, with its state (`size:mtime:readAt`) when it was read. */
  sources: Array<[path: string, state: string]>;
  /** Every note, sorted by path, with the digest of its bytes on disk. */
  notes: Array<[path: string, digest: string]>;
  /** The diagnostics of every file that has any. */
  files: Array<[path: string, diagnostics: Diagnostic[]]>;
  /**
   * What a load that adopts the results must know of each note besides its
   * diagnostics (see `Workspace.adoptSavedResults`): the notes with a quotation or
   * citation problem (a new source can settle those, whatever their severity), and
   * the notes that mention an undefined id (a new id changes their suggestions).
   */
  quoteTrouble: string[];
  allIds: string[];
}

type Digest = (chunks: readonly Uint8Array[]) => string;

export function encodeResults(record: ResultsRecord, digest: Digest): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify(record));
  const head = new TextEncoder().encode(`${MAGIC} ${RESULTS_FORMAT} ${digest([body])}\n`);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

const isPair = (value: unknown, second: (v: unknown) => boolean): boolean =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && second(value[1]);
const isString = (v: unknown) => typeof v === 'string';

/** The record in `bytes` when it is intact and saved under `context`; else undefined. */
export function decodeResults(bytes: Uint8Array, context: string, digest: Digest): ResultsRecord | undefined {
  try {
    const newline = bytes.indexOf(10);
    if (newline < 0 || newline > 200) {
      return undefined;
    }
    const [magic, format, sum] = new TextDecoder().decode(bytes.subarray(0, newline)).split(' ');
    const body = bytes.subarray(newline + 1);
    if (magic !== MAGIC || format !== String(RESULTS_FORMAT) || sum !== digest([body])) {
      return undefined;
    }
    const value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as Record<string, unknown>;
    if (typeof value !== 'object' || value === null || value.context !== context || typeof value.config !== 'string') {
      return undefined;
    }
    const { sources, notes, files, quoteTrouble, allIds } = value;
    if (
      !Array.isArray(quoteTrouble) ||
      !quoteTrouble.every(isString) ||
      !Array.isArray(allIds) ||
      !allIds.every(isString) ||
      !Array.isArray(sources) ||
      !sources.every((s) => isPair(s, isString)) ||
      !Array.isArray(notes) ||
      !notes.every((n) => isPair(n, isString)) ||
      !Array.isArray(files) ||
      !files.every((f) => isPair(f, (d) => Array.isArray(d) && d.every((x) => typeof x === 'object' && x !== null)))
    ) {
      return undefined;
    }
    return value as unknown as ResultsRecord;
  } catch {
    return undefined;
  }
}

/** The diagnostics of an unchanged workspace, as its last complete check found them. */
export interface SavedResults {
  /** Diagnostics by path; a path that is not there had none. */
  readonly diagnostics: ReadonlyMap<string, readonly Diagnostic[]>;
  /**
   * Whether `text` is the text of the note at `path` the results were computed on
   * (an editor's text that differs from the file's makes every result doubtful: it may
   * define or drop what other notes mention).
   */
  holdsNote(path: string, text: string): boolean;
}
