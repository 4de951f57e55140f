/**
 * The server survives (issue 5, item 4), over stdio against the bundled server:
 * handlers that throw on malformed parameters, cancellation while indexing, UTF-16
 * positions in every feature, no diagnostics for a stale document version, a note
 * that could crash the YAML parser, and a short soak run (scripts/soak.mjs).
 *
 * server.test.ts has one malformed hover; this file widens it.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { CORPUS, REGISTRY } from '../unit/helpers';
import { TestClient, type PublishedDiagnostics } from './lspClient';

type Position = { line: number; character: number };
type Range = { start: Position; end: Position };

/** The UTF-16 offset of an LSP position in `text` (lines split at `\n`, as in these tests). */
function offsetOf(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    offset = text.indexOf('\n', offset) + 1;
  }
  return offset + position.character;
}

/** The text a range covers, reading `character` as UTF-16 code units, as the LSP requires. */
function slice(text: string, range: Range): string {
  return text.slice(offsetOf(text, range.start), offsetOf(text, range.end));
}

/** The position of the `nth` occurrence of `needle` in `text`, plus `delta` code units. */
function positionOf(text: string, needle: string, nth = 0, delta = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" #${nth} not in the text`);
  }
  const before = text.slice(0, at + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer to ${what} within ${ms} ms`)), ms))]);

describe('robustness: the server survives', function () {
  this.timeout(30_000);

  describe('malformed requests', () => {
    let client: TestClient;
    before(async () => {
      client = await TestClient.start({ ...CORPUS, 'registry.pnote': REGISTRY, 'n.pnote': '@pompeo «Pékin a nié» [@a].\n' });
      await client.open('n.pnote');
    });
    after(async () => {
      await client.stop();
    });

    it('answers every malformed request with an error or nothing, and the next request normally', async () => {
      const doc = { uri: client.uri('n.pnote') };
      const garbage: Array<[string, unknown]> = [];
      const positions: unknown[] = [null, undefined, {}, { line: 'x', character: 1 }, { line: -1, character: -1 }, { line: 1e9, character: 1e9 }, { line: 0.5, character: NaN }];
      const docs: unknown[] = [doc, {}, null, { uri: 'not a uri' }, { uri: 'untitled:Untitled-1' }, { uri: 'file:///elsewhere/x.pnote' }, { uri: client.uri('../outside.pnote') }, { uri: 42 }];
      for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/prepareRename']) {
        for (const position of positions) {
          garbage.push([method, { textDocument: doc, position }]);
        }
        for (const textDocument of docs) {
          garbage.push([method, { textDocument, position: { line: 0, character: 2 } }]);
        }
      }
      for (const textDocument of docs) {
        garbage.push(['textDocument/documentSymbol', { textDocument }]);
        garbage.push(['textDocument/foldingRange', { textDocument }]);
        garbage.push(['textDocument/documentLink', { textDocument }]);
        garbage.push(['textDocument/codeAction', { textDocument, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, context: { diagnostics: [] } }]);
      }
      garbage.push(
        ['textDocument/references', { textDocument: doc, position: { line: 0, character: 2 } }], // no context
        ['textDocument/references', { textDocument: doc, position: null, context: { includeDeclaration: true } }],
        ['textDocument/codeAction', { textDocument: doc, range: null, context: { diagnostics: [] } }],
        ['textDocument/codeAction', { textDocument: doc, range: { start: null, end: null } }],
        ['textDocument/rename', { textDocument: doc, position: { line: 0, character: 2 } }], // no newName
        ['textDocument/rename', { textDocument: doc, position: { line: 0, character: 2 }, newName: 'not an id!' }],
        ['textDocument/rename', { textDocument: doc, position: { line: 0, character: 2 }, newName: 42 }],
        ['workspace/symbol', {}],
        ['workspace/symbol', { query: null }],
        ['policyNotes/stats', 'unexpected'],
        ['no/such/method', {}],
      );
      let errors = 0;
      for (const [method, params] of garbage) {
        try {
          await withTimeout(client.request(method, params), 5_000, method);
        } catch (e) {
          assert.ok(e instanceof ResponseError, `${method} ${JSON.stringify(params)}: ${(e as Error).message}`);
          errors++;
        }
        // The very next request is answered normally.
        const hover = await withTimeout(client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at('n.pnote', 0, 2)), 5_000, 'hover');
        assert.match(hover?.contents.value ?? '', /Mike Pompeo/, `after ${method} ${JSON.stringify(params)}`);
      }
      assert.ok(errors > 10, `only ${errors} of ${garbage.length} malformed requests were errors`);
      assert.equal(client.process.exitCode, null);
      assert.equal(client.process.signalCode, null);
    });

    it('survives malformed notifications: a change to an unknown document, bad ranges, watched files outside', async () => {
      const send = (method: string, params: unknown) => client.connection.sendNotification(method, params);
      await send('textDocument/didChange', { textDocument: { uri: client.uri('never-opened.pnote'), version: 3 }, contentChanges: [{ text: 'x' }] });
      await send('textDocument/didChange', { textDocument: { uri: client.uri('n.pnote'), version: 2 }, contentChanges: [{ range: { start: { line: 99, character: 99 }, end: { line: -1, character: 0 } }, text: '@ghost ' }] });
      await send('textDocument/didClose', { textDocument: { uri: client.uri('never-opened.pnote') } });
      await send('workspace/didChangeWatchedFiles', { changes: [{ uri: 'file:///etc/passwd', type: 2 }, { uri: client.uri('../x.txt'), type: 1 }, { uri: 'garbage', type: 3 }, { uri: client.uri('corpus/none.txt'), type: 3 }] });
      await send('workspace/didChangeWatchedFiles', {});
      await send('workspace/didChangeConfiguration', { settings: null });
      await send('$/unknownNotification', { x: 1 });
      const hover = await withTimeout(client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at('n.pnote', 0, 2)), 5_000, 'hover');
      assert.ok(hover === null || typeof hover.contents.value === 'string');
      const stats = await client.request<{ folders: Array<{ sources: number }> }>('policyNotes/stats', {});
      assert.equal(stats.folders[0].sources, 2);
      assert.equal(client.process.exitCode, null);
    });
  });

  it('answers requests cancelled while indexing with RequestCancelled (-32800), and a request sent alongside normally', async () => {
    const files: Record<string, string> = { ...CORPUS, 'registry.pnote': REGISTRY, 'n.pnote': 'See @pompeo and [@a].\n' };
    for (let i = 0; i < 2_000; i++) {
      files[`corpus/bulk/s${i}.txt`] = `Dépêche ${i}\n\n${'Le commerce mondial des applications chinoises. '.repeat(30)}\n`;
    }
    const client = await TestClient.start(files);
    try {
      const at = client.at('n.pnote', 0, 6);
      const requests: Array<[string, unknown]> = [
        ['textDocument/hover', at],
        ['textDocument/completion', at],
        ['textDocument/definition', at],
        ['textDocument/references', { ...at, context: { includeDeclaration: true } }],
        ['textDocument/documentSymbol', { textDocument: at.textDocument }],
        ['textDocument/codeAction', { textDocument: at.textDocument, range: { start: at.position, end: at.position }, context: { diagnostics: [] } }],
        ['textDocument/foldingRange', { textDocument: at.textDocument }],
      ];
      const cancelled = requests.map(([method, params]) => {
        const source = new CancellationTokenSource();
        const promise = client.connection.sendRequest(method, params, source.token);
        source.cancel();
        return promise.then(
          () => assert.fail(`${method} was answered although cancelled`),
          (e: unknown) => assert.ok(e instanceof ResponseError && e.code === -32800, `${method}: ${String(e)}`),
        );
      });
      const kept = client.request<{ contents: { value: string } } | null>('textDocument/hover', at);
      await Promise.all(cancelled);
      assert.match((await kept)?.contents.value ?? '', /Mike Pompeo/);
      assert.ok(client.progress.some((p) => p.kind === 'begin'), 'the index was still being built');
    } finally {
      await client.stop();
    }
  });

  describe('UTF-16 positions past emoji, astral CJK and combining accents', () => {
    // 🇺🇸 is 2 code points and 4 UTF-16 code units; 𠀀 is 1 code point, 2 code units;
    // "é" written e + U+0301 is 2 code points, 2 code units but one character on screen.
    const W = '🇺🇸 𠀀 e\u0301';
    const NOTE = [
      `${W} title`,
      '::: entity pompeo',
      `name: Mike Pompeo ${W}`,
      'aliases: Pompeo',
      ':::',
      '',
      '::: event ban',
      `title: Ban ${W}`,
      'date: 2020-09-18',
      'actors: @pompeo; @ghost1',
      'sources: [@b]',
      ':::',
      '',
      `${W} @pompeo dit «Pékin a nié ces accusations» [@a, ¶3] puis ${W} «texte inventé ${W}» [@a] et @ghost2 [@zzz] ${W} #ban [@a, page 4].`,
      `> ${W} Le programme compte cinq volets`,
      `— ${W} [@a]`,
      `${W}${W} @pomp`,
      '',
    ].join('\n');

    let client: TestClient;
    /** Every file of the workspace with its bytes, before the session. */
    let disk: string;
    const snapshotDisk = () =>
      JSON.stringify(
        (fs.readdirSync(client.root, { recursive: true, encoding: 'utf8' }) as string[])
          .sort()
          .map((f) => [f, fs.statSync(path.join(client.root, f)).isFile() ? fs.readFileSync(path.join(client.root, f), 'base64') : 'dir']),
      );
    before(async () => {
      client = await TestClient.start({ ...CORPUS, 'n.pnote': NOTE });
      disk = snapshotDisk();
      await client.open('n.pnote');
    });
    after(async () => {
      await client.stop();
    });

    const expected: Array<[code: string, covers: string, nth?: number]> = [
      ['unknown-entity', '@ghost1'],
      ['unknown-entity', '@ghost2'],
      ['quote-outside-locator', '¶3'],
      ['quote-not-found', `texte inventé ${W}`],
      ['unknown-source', 'zzz'],
    ];

    async function diagnosticsOf(version: number): Promise<PublishedDiagnostics> {
      return client.waitFor(`diagnostics of version ${version}`, () => {
        const d = client.diagnosticsOf('n.pnote');
        return d && d.version === version && d;
      });
    }

    it('puts every diagnostic range on the exact UTF-16 offsets', async () => {
      const published = await diagnosticsOf(1);
      for (const [code, covers] of expected) {
        const found = published.diagnostics.filter((d) => d.code === code).map((d) => slice(NOTE, d.range));
        assert.ok(found.includes(covers), `${code} should cover ${JSON.stringify(covers)}; covers ${JSON.stringify(found)}`);
      }
      const malformed = published.diagnostics.find((d) => d.code === 'malformed-citation');
      assert.ok(malformed && /page 4/.test(slice(NOTE, malformed.range)), `malformed-citation covers ${malformed && JSON.stringify(slice(NOTE, malformed.range))}`);
    });

    it('puts hover, definition, references and symbol ranges on the exact UTF-16 offsets', async () => {
      const mention = positionOf(NOTE, '@pompeo dit', 0, 3);
      const hover = await client.request<{ range: Range; contents: { value: string } }>('textDocument/hover', { textDocument: { uri: client.uri('n.pnote') }, position: mention });
      assert.equal(slice(NOTE, hover.range), '@pompeo');
      const citation = await client.request<{ range: Range; contents: { value: string } }>('textDocument/hover', { textDocument: { uri: client.uri('n.pnote') }, position: positionOf(NOTE, '[@a] et', 0, 2) });
      assert.equal(slice(NOTE, citation.range), '@a');
      const definition = await client.request<Array<{ uri: string; range: Range }>>('textDocument/definition', { textDocument: { uri: client.uri('n.pnote') }, position: mention });
      assert.equal(slice(NOTE, definition[0].range), 'pompeo');
      const references = await client.request<Array<{ range: Range }>>('textDocument/references', { textDocument: { uri: client.uri('n.pnote') }, position: mention, context: { includeDeclaration: true } });
      assert.deepEqual(references.map((r) => slice(NOTE, r.range)).sort(), ['@pompeo', '@pompeo', 'pompeo']);
      const symbols = await client.request<Array<{ name: string; selectionRange: Range; range: Range }>>('textDocument/documentSymbol', { textDocument: { uri: client.uri('n.pnote') } });
      const flat = (list: Array<{ name: string; selectionRange: Range; children?: unknown[] }>): Array<{ name: string; selectionRange: Range }> =>
        list.flatMap((s) => [s, ...flat((s.children ?? []) as typeof list)]);
      for (const symbol of flat(symbols).filter((s) => s.name === 'pompeo' || s.name === 'ban')) {
        assert.equal(slice(NOTE, symbol.selectionRange), symbol.name);
      }
    });

    it('puts completion text edits and rename edits on the exact UTF-16 offsets', async () => {
      const end = positionOf(NOTE, '@pomp\n', 0, 5);
      const completion = await client.request<{ items: Array<{ label: string; textEdit: { range: Range } }> }>('textDocument/completion', { textDocument: { uri: client.uri('n.pnote') }, position: end });
      assert.equal(completion.items[0].label, 'pompeo');
      assert.equal(slice(NOTE, completion.items[0].textEdit.range), 'pomp');
      const rename = await client.request<{ changes: Record<string, Array<{ range: Range; newText: string }>> }>('textDocument/rename', {
        textDocument: { uri: client.uri('n.pnote') },
        position: positionOf(NOTE, '@pompeo dit', 0, 2),
        newName: 'mike',
      });
      const edits = rename.changes[client.uri('n.pnote')];
      assert.deepEqual(edits.map((e) => slice(NOTE, e.range)), ['pompeo', 'pompeo', 'pompeo']);
    });

    it('puts code action edits on the exact UTF-16 offsets: applying one fixes the quotation', async () => {
      const published = await diagnosticsOf(1);
      const outside = published.diagnostics.find((d) => d.code === 'quote-outside-locator')!;
      const actions = await client.request<Array<{ edit: { changes: Record<string, Array<{ range: Range; newText: string }>> } }>>('textDocument/codeAction', {
        textDocument: { uri: client.uri('n.pnote') },
        range: outside.range,
        context: { diagnostics: [outside] },
      });
      const [edit] = actions[0].edit.changes[client.uri('n.pnote')];
      const fixed = NOTE.slice(0, offsetOf(NOTE, edit.range.start)) + edit.newText + NOTE.slice(offsetOf(NOTE, edit.range.end));
      assert.match(fixed, /«Pékin a nié ces accusations» \[@a, ¶4\] puis/);
    });

    it('applies an incremental change given in UTF-16 positions after astral characters', async () => {
      // Insert " @ghost3" right after the 𠀀 of the prose line: a server counting code points would insert it elsewhere.
      const at = positionOf(NOTE, `${W} @pompeo dit`, 0, W.indexOf('𠀀') + 2);
      const version = 7;
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: client.uri('n.pnote'), version },
        contentChanges: [{ range: { start: at, end: at }, text: ' @ghost3' }],
      });
      const text = NOTE.slice(0, offsetOf(NOTE, at)) + ' @ghost3' + NOTE.slice(offsetOf(NOTE, at));
      const published = await diagnosticsOf(version);
      const ghosts = published.diagnostics.filter((d) => d.code === 'unknown-entity').map((d) => slice(text, d.range));
      assert.deepEqual(ghosts.sort(), ['@ghost1', '@ghost2', '@ghost3', '@pomp']);
      for (const [code, covers] of expected) {
        assert.ok(published.diagnostics.some((d) => d.code === code && slice(text, d.range) === covers), `${code} on ${covers} after the change`);
      }
    });

    it('wrote nothing: after renames, code actions, edits and a close, every file is byte-identical and none appeared, and no workspace/applyEdit was sent', async () => {
      // Renames, quick fixes and edits on a note open only in the editor (so this test stands alone).
      const EXTRA = '::: entity lonely\nname: L\n:::\n\n@lonely «Pékin a nié ces accusations» [@a, ¶3] et «Pekin a nie» [@a] [@zzz].\n';
      await client.open('extra.pnote', EXTRA);
      const published = await client.waitFor('diagnostics of extra.pnote', () => {
        const d = client.diagnosticsOf('extra.pnote');
        return d && d.version === 1 && d.diagnostics.length >= 3 && d;
      });
      const rename = await client.request<{ changes: Record<string, unknown[]> }>('textDocument/rename', { textDocument: { uri: client.uri('extra.pnote') }, position: positionOf(EXTRA, '@lonely', 0, 2), newName: 'alone' });
      assert.equal(rename.changes[client.uri('extra.pnote')].length, 2, 'the rename is returned as edits');
      let fixes = 0;
      for (const diagnostic of published.diagnostics) {
        const actions = await client.request<Array<{ edit?: unknown; command?: unknown }>>('textDocument/codeAction', { textDocument: { uri: client.uri('extra.pnote') }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
        for (const action of actions) {
          assert.ok(action.edit, 'a quick fix is an edit in the response');
          assert.equal(action.command, undefined, 'no quick fix runs a command (which could edit on the server side)');
          fixes++;
        }
      }
      assert.ok(fixes >= 2, `${fixes} quick fixes`); // the locator and the wording
      await client.change('extra.pnote', EXTRA.replace('@lonely', '@alone').replace('¶3', '¶4'));
      await client.request('textDocument/completion', { textDocument: { uri: client.uri('extra.pnote') }, position: positionOf(EXTRA, '@lonely', 0, 3) });
      await client.waitFor('diagnostics of version 2', () => client.diagnosticsOf('extra.pnote')?.version === 2);
      for (const rel of ['n.pnote', 'extra.pnote']) {
        await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri: client.uri(rel) } });
        await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: client.uri(rel) } });
      }
      await client.request('policyNotes/checkWorkspace', {});
      assert.equal(snapshotDisk(), disk);
      // The client declared workspace.applyEdit, so the server could have sent one: it sent none,
      // nor any request outside those that cannot change a file.
      const methods = client.serverRequests.map((r) => r.method);
      assert.ok(!methods.includes('workspace/applyEdit'), 'workspace/applyEdit was sent');
      const harmless = new Set(['window/workDoneProgress/create', 'client/registerCapability', 'client/unregisterCapability', 'workspace/configuration', 'workspace/diagnostic/refresh', 'workspace/workspaceFolders', 'window/showMessageRequest']);
      assert.deepEqual(methods.filter((m) => !harmless.has(m)), [], 'a new kind of request: check it cannot write, then add it to `harmless`');
      assert.ok(methods.includes('workspace/configuration'), 'server requests are recorded');
      // Nor could a command do it behind the client's back: the server offers none.
      assert.equal(client.initializeResult.capabilities.executeCommandProvider, undefined);
      assert.ok(client.initializeResult.capabilities.renameProvider, 'capabilities are recorded');
    });
  });

  it('never publishes diagnostics of an older version after a newer one, nor labels one version with another\'s diagnostics', async () => {
    const client = await TestClient.start({ ...CORPUS, 'registry.pnote': REGISTRY });
    try {
      const uri = client.uri('typing.pnote');
      const log: Array<{ version?: number; ghosts: string[]; latestSent: number }> = [];
      let latestSent = 1;
      client.connection.onNotification('textDocument/publishDiagnostics', (params: PublishedDiagnostics) => {
        client.published.set(params.uri, params);
        if (params.uri === uri) {
          const ghosts = params.diagnostics.filter((d) => d.code === 'unknown-entity').map((d) => /"([^"]+)"|@?(ghost\d+)/.exec(d.message)?.slice(1).find(Boolean) ?? d.message);
          log.push({ version: params.version, ghosts: ghosts.sort(), latestSent });
        }
      });
      const textOf = (version: number) => `Start @pompeo.\n${Array.from({ length: version }, (_, i) => `@ghost${i + 1}`).slice(-3).join(' ')}\n`;
      await client.open('typing.pnote', textOf(1));
      // Edits at irregular intervals around the 150 ms debounce: some publish in between, most do not.
      const pauses = [0, 0, 0, 40, 0, 160, 0, 0, 90, 200, 0, 10, 0, 0, 300, 0, 0, 0, 150, 0, 5, 0, 0, 170, 0, 0, 0, 0, 0, 0];
      for (const pause of pauses) {
        latestSent = await client.change('typing.pnote', textOf(latestSent + 1));
        if (pause) {
          await new Promise((r) => setTimeout(r, pause));
        }
      }
      await client.waitFor('the last version', () => log.some((entry) => entry.version === latestSent));
      await new Promise((r) => setTimeout(r, 400));
      assert.ok(log.length >= 3, `only ${log.length} publications`);
      for (let i = 0; i < log.length; i++) {
        const { version, ghosts } = log[i];
        assert.ok(version !== undefined, 'every publication of an open note carries its version');
        assert.ok(i === 0 || version >= log[i - 1].version!, `version ${version} published after ${log[i - 1]?.version}`);
        // The diagnostics are those of that very version's text.
        const expectedGhosts = Array.from({ length: version }, (_, k) => `ghost${k + 1}`).slice(-3).sort();
        assert.deepEqual(ghosts.map((g) => g.replace(/^@/, '')), expectedGhosts, `diagnostics published for version ${version}`);
      }
      assert.equal(log[log.length - 1].version, latestSent);
    } finally {
      await client.stop();
    }
  });

  it('follows the editor text of a .pnote that a new pnote.json turns from a corpus file into a note', async () => {
    const client = await TestClient.start({ 'corpus/sub/a.txt': CORPUS['corpus/a.txt'], 'corpus/draft.pnote': 'On disk: clean.\n', 'n.pnote': '«Pékin a nié» [@a].\n' });
    try {
      await client.open('corpus/draft.pnote', 'In the editor: @ghost.\n');
      await client.request('policyNotes/stats', {}); // indexed
      fs.writeFileSync(path.join(client.root, 'pnote.json'), JSON.stringify({ corpus: 'corpus/sub' }));
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('pnote.json'), type: 1 }] });
      const published = await client.waitFor('diagnostics of the draft', () => {
        const d = client.diagnosticsOf('corpus/draft.pnote');
        return d && d.diagnostics.length > 0 && d;
      });
      assert.deepEqual(published.diagnostics.map((d) => d.code), ['unknown-entity']);
      assert.equal(published.version, 1);
    } finally {
      await client.stop();
    }
  });

  it('survives notes whose YAML front matter nests thousands of levels deep', async () => {
    const deep = (n: number) => `---\ntags: ${'['.repeat(n)}\n---\n@pompeo\n`;
    const client = await TestClient.start({ ...CORPUS, 'registry.pnote': REGISTRY, 'deep.pnote': deep(3_000), 'seq.pnote': `---\n${'- '.repeat(3_000)}x\n---\n` });
    try {
      await client.open('deep.pnote');
      for (const n of [4_000, 5_000, 6_000]) {
        await client.change('deep.pnote', deep(n));
      }
      const alive = () => client.process.exitCode === null && client.process.signalCode === null;
      const published = await client.waitFor('diagnostics of deep.pnote', () => {
        assert.ok(alive(), `the server died (exit code ${client.process.exitCode}, signal ${client.process.signalCode})`);
        const d = client.diagnosticsOf('deep.pnote');
        return d && d.version === 4 && d;
      });
      assert.ok(published.diagnostics.some((d) => d.code === 'invalid-front-matter'));
      const hover = await withTimeout(client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at('deep.pnote', 3, 2)), 5_000, 'hover');
      assert.match(hover?.contents.value ?? '', /Mike Pompeo/);
      assert.equal(client.process.exitCode, null, 'the server is alive');
    } finally {
      await client.stop();
    }
  });

  it('ends a short soak (scripts/soak.mjs, 1,000 mixed requests and edits) alive, with flat memory', function () {
    this.timeout(120_000);
    const soak = path.resolve(__dirname, '../../scripts/soak.mjs');
    const result = spawnSync(process.execPath, [soak, '--requests', process.env.PNOTE_SOAK_REQUESTS ?? '1000'], { encoding: 'utf8', timeout: 110_000 });
    assert.equal(result.error, undefined);
    assert.match(result.stdout, /\b0 failed\b/, `${result.stdout}\n${result.stderr}`);
    assert.equal(result.status, 0, result.stdout);
  });
});
