/**
 * Test helpers: multi-file fixtures written inline, a cursor marker, and an
 * in-memory workspace. A fixture is one string; `//- path` lines start files and
 * `$0` marks the cursor (removed from the text).
 */
import { MemoryFileSystem, type IndexCache } from '../../server/src/workspace/fs';
import { createLanguageService, type LanguageService } from '../../server/src/service';
import type { Position } from '../../server/src/common/text';
import { LineIndex } from '../../server/src/common/text';

export const CURSOR = '$0';

export interface Fixture {
  files: Record<string, string>;
  cursor?: { path: string; offset: number; position: Position };
}

export function parseFixture(spec: string): Fixture {
  const files: Record<string, string> = {};
  let cursor: Fixture['cursor'];
  const parts = spec.split(/^\/\/- (.+)\n/m);
  for (let i = 1; i < parts.length; i += 2) {
    const path = parts[i].trim();
    let text = parts[i + 1];
    const at = text.indexOf(CURSOR);
    if (at >= 0) {
      text = text.slice(0, at) + text.slice(at + CURSOR.length);
      cursor = { path, offset: at, position: new LineIndex(text).positionAt(at) };
    }
    files[path] = text;
  }
  return { files, cursor };
}

export async function workspaceOf(spec: string | Record<string, string>): Promise<{ service: LanguageService; fs: MemoryFileSystem; fixture: Fixture }> {
  const fixture = typeof spec === 'string' ? parseFixture(spec) : { files: spec };
  const fs = new MemoryFileSystem(fixture.files);
  const service = createLanguageService({ fs });
  await service.load();
  return { service, fs, fixture };
}

/** Two small French sources in "lines" mode, used by many tests. */
export const CORPUS = {
  'corpus/a.txt': [
    'Pompeo présente le programme « Clean Network »',
    '',
    'Le secrétaire d’État américain Mike Pompeo a décrit les mesures qu’il souhaite pour faire face aux «applications chinoises non fiables».',
    'Publié le 6 août 2020.',
    'Pékin a nié ces accusations avec fermeté, selon le ministère chinois.',
    'Le programme compte cinq volets, dont le retrait des applications des magasins américains.',
    '',
  ].join('\n'),
  'corpus/b.txt': [
    'Washington interdit TikTok et WeChat',
    '',
    'Le département du Commerce interdira les téléchargements de TikTok et WeChat à partir du 20 septembre 2020.',
    'Les utilisateurs existants pourront continuer à utiliser WeChat pendant un temps.',
    '',
  ].join('\n'),
};

/** The codes of a file's diagnostics, with the text each covers. */
export function codesOf(service: LanguageService, path: string): Array<[string, string]> {
  const note = service.workspace.notes.get(path);
  return service.diagnostics(path).map((d) => {
    const text = note ? note.text.slice(note.lines.offsetAt(d.range.start), note.lines.offsetAt(d.range.end)) : '';
    return [d.code, text];
  });
}

/** Two entities and an event over the test corpus, used by feature and protocol tests. */
export const REGISTRY = `::: entity pompeo
name: Mike Pompeo
kind: person
aliases: Pompeo; secrétaire d’État américain
role: U.S. Secretary of State
:::

::: entity china
name: Chine
kind: country
aliases: Pékin
:::

::: event clean-network
title: Pompeo presents the Clean Network
date: 2020-08-05
actors: @pompeo
sources: [@a]
:::
`;

/** An in-memory cache with a simple (non-cryptographic) digest. */
export class MemoryCache implements IndexCache {
  bytes: Uint8Array | undefined;
  writes = 0;
  /** Hand out the bytes at an odd offset of their buffer (typed-array views then need a copy). */
  misalign = false;
  constructor(readonly context = 'test 1') {}
  /** A copy, as a file read would be: a restored index takes the bytes over. */
  async read(): Promise<Uint8Array | undefined> {
    if (!this.bytes) {
      return undefined;
    }
    const copy = new Uint8Array(this.bytes.length + (this.misalign ? 1 : 0));
    copy.set(this.bytes, this.misalign ? 1 : 0);
    return this.misalign ? copy.subarray(1) : copy;
  }
  async write(chunks: readonly Uint8Array[]): Promise<void> {
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.bytes = out;
    this.writes++;
  }
  /** The saved results (see savedResults.ts), kept apart from the index. */
  results: Uint8Array | undefined;
  resultWrites = 0;
  async readResults(): Promise<Uint8Array | undefined> {
    return this.results?.slice();
  }
  async writeResults(bytes: Uint8Array): Promise<void> {
    this.results = bytes.slice();
    this.resultWrites++;
  }
  digest(chunks: readonly Uint8Array[]): string {
    let a = 0x811c9dc5;
    let b = 0x12345678;
    let n = 0;
    for (const c of chunks) {
      for (let i = 0; i < c.length; i++) {
        a = Math.imul(a ^ c[i], 0x01000193);
        b = Math.imul(b ^ c[i], 0x5bd1e995) ^ (b >>> 13);
      }
      n += c.length;
    }
    return `${(a >>> 0).toString(16)}-${(b >>> 0).toString(16)}-${n}`;
  }
}

/**
 * Counts the calls of method `name` on `proto` (a class's prototype) while `run`
 * runs, the method doing what it does; restored afterwards.
 */
export async function countingCalls<T>(proto: object, name: string, run: (calls: () => number) => T | Promise<T>): Promise<T> {
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  const original = target[name];
  let calls = 0;
  target[name] = function (this: unknown, ...args: unknown[]) {
    calls++;
    return original.apply(this, args);
  };
  try {
    return await run(() => calls);
  } finally {
    target[name] = original;
  }
}
