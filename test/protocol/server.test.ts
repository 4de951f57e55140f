import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORPUS, REGISTRY as SHARED_REGISTRY } from '../unit/helpers';
import { TestClient } from './lspClient';

const REGISTRY = `# Registry

${SHARED_REGISTRY}
::: event ban
title: Commerce bans TikTok and WeChat downloads
date: 2020-09-18
actors: @china
sources: [@b]
after: #clean-network
:::
`;

const ANALYSIS = `# Analysis

@pompeo spoke of «applications chinoises non fiables» [@a].

#ban followed; see [@b, ¶2].
`;

const FILES = { ...CORPUS, 'registry.pnote': REGISTRY, 'analysis.pnote': ANALYSIS, 'closed.pnote': 'Per @pompeoo, «texte inventé» [@a].\n' };

type Item = { label: string; detail?: string; textEdit?: { newText: string }; additionalTextEdits?: Array<{ newText: string }> };

describe('language server over stdio (push diagnostics)', function () {
  let client: TestClient;

  before(async () => {
    client = await TestClient.start(FILES);
  });
  after(async () => {
    await client.stop();
  });

  it('publishes diagnostics for closed notes once indexed', async () => {
    const published = await client.waitFor('diagnostics of closed.pnote', () => client.diagnosticsOf('closed.pnote'));
    assert.deepEqual(published.diagnostics.map((d) => d.code), ['unknown-entity', 'quote-not-found']);
    assert.deepEqual(published.diagnostics[0].range, { start: { line: 0, character: 4 }, end: { line: 0, character: 12 } });
  });

  it('publishes nothing for a clean closed note, and an empty list once it is opened', async () => {
    await client.waitFor('diagnostics of closed.pnote', () => client.diagnosticsOf('closed.pnote'));
    assert.equal(client.diagnosticsOf('analysis.pnote'), undefined);
    await client.open('analysis.pnote');
    const published = await client.waitFor('diagnostics of analysis.pnote', () => client.diagnosticsOf('analysis.pnote'));
    assert.deepEqual(published.diagnostics, []);
    assert.equal(published.version, 1);
  });

  it('completes entities after @ on id, name and alias, accent-insensitively', async () => {
    await client.open('scratch.pnote', 'x @pomp\n@Mike\n@Pekin\n[@\n#clean\n@newthing\n');
    const labels = async (line: number, character: number) =>
      ((await client.request<{ items: Item[] }>('textDocument/completion', client.at('scratch.pnote', line, character))).items).map((i) => i.label);
    assert.equal((await labels(0, 7))[0], 'pompeo');
    assert.equal((await labels(1, 5))[0], 'pompeo');
    assert.equal((await labels(2, 6))[0], 'china');
    assert.deepEqual((await labels(3, 2)).sort(), ['a', 'b']);
    assert.equal((await labels(4, 6))[0], 'clean-network');
    const define = (await client.request<{ items: Item[] }>('textDocument/completion', client.at('scratch.pnote', 5, 9))).items.find((i) => i.label.startsWith('define entity'));
    assert.ok(define, 'offers to define an unknown entity');
    assert.match(define.additionalTextEdits?.[0].newText ?? '', /::: entity newthing/);
  });

  it('completes keys and kinds in definition blocks', async () => {
    await client.open('defs.pnote', '::: entity x\nname: X\n\n:::\n\n::: entity y\nkind: pe\n:::\n');
    const keys = (await client.request<{ items: Item[] }>('textDocument/completion', client.at('defs.pnote', 2, 0))).items.map((i) => i.label);
    assert.ok(keys.includes('kind') && keys.includes('aliases') && !keys.includes('name'));
    const kinds = (await client.request<{ items: Item[] }>('textDocument/completion', client.at('defs.pnote', 6, 8))).items.map((i) => i.label);
    assert.ok(kinds.includes('person'));
  });

  it('hovers a mention with the entity card, and a citation with the quoted passage', async () => {
    await client.open('analysis.pnote');
    const entity = await client.request<{ contents: { value: string } }>('textDocument/hover', client.at('analysis.pnote', 2, 2));
    assert.match(entity.contents.value, /Mike Pompeo/);
    assert.match(entity.contents.value, /U\.S\. Secretary of State/);
    assert.match(entity.contents.value, /Named \d+ times? in 1 source/);
    assert.match(entity.contents.value, /Clean Network/);
    const citation = await client.request<{ contents: { value: string } }>('textDocument/hover', client.at('analysis.pnote', 2, 56));
    assert.match(citation.contents.value, /\*\*applications chinoises non fiables\*\*/);
  });

  it('goes to the definition of a mention and to the quoted passage of a citation', async () => {
    const defs = await client.request<Array<{ uri: string; range: { start: { line: number } } }>>('textDocument/definition', client.at('analysis.pnote', 2, 2));
    assert.equal(defs[0].uri, client.uri('registry.pnote'));
    assert.equal(defs[0].range.start.line, 2);
    const source = await client.request<Array<{ uri: string; range: { start: { line: number; character: number } } }>>('textDocument/definition', client.at('analysis.pnote', 2, 56));
    assert.equal(source[0].uri, client.uri('corpus/a.txt'));
    assert.equal(source[0].range.start.line, 2);
    assert.ok(source[0].range.start.character > 0);
  });

  it('finds references across notes, definition fields included', async () => {
    const refs = await client.request<Array<{ uri: string }>>('textDocument/references', { ...client.at('analysis.pnote', 2, 2), context: { includeDeclaration: true } });
    const files = refs.map((r) => path.basename(r.uri)).sort();
    assert.deepEqual(files, ['analysis.pnote', 'registry.pnote', 'registry.pnote']);
  });

  it('renames an id everywhere and refuses a collision', async () => {
    const prepared = await client.request<{ placeholder: string }>('textDocument/prepareRename', client.at('analysis.pnote', 2, 3));
    assert.equal(prepared.placeholder, 'pompeo');
    const edit = await client.request<{ changes: Record<string, Array<{ newText: string }>> }>('textDocument/rename', { ...client.at('analysis.pnote', 2, 3), newName: 'mike-pompeo' });
    const counts = Object.fromEntries(Object.entries(edit.changes).map(([uri, edits]) => [path.basename(uri), edits.length]));
    assert.deepEqual(counts, { 'analysis.pnote': 1, 'registry.pnote': 2 });
    await assert.rejects(client.request('textDocument/rename', { ...client.at('analysis.pnote', 2, 3), newName: 'china' }), /already defined/);
  });

  it('lists document symbols, workspace symbols, links and folding ranges', async () => {
    const symbols = await client.request<Array<{ name: string; children: Array<{ name: string }> }>>('textDocument/documentSymbol', { textDocument: { uri: client.uri('registry.pnote') } });
    assert.equal(symbols[0].name, 'Registry');
    assert.deepEqual(symbols[0].children.map((c) => c.name), ['pompeo', 'china', 'clean-network', 'ban']);
    const found = await client.request<Array<{ name: string }>>('workspace/symbol', { query: 'pekin' });
    assert.equal(found[0].name, 'china');
    const links = await client.request<Array<{ target: string }>>('textDocument/documentLink', { textDocument: { uri: client.uri('analysis.pnote') } });
    assert.deepEqual(links.map((l) => path.basename(l.target)), ['a.txt', 'b.txt']);
    const folds = await client.request<Array<{ startLine: number; endLine: number }>>('textDocument/foldingRange', { textDocument: { uri: client.uri('registry.pnote') } });
    assert.deepEqual(folds[0], { startLine: 2, endLine: 7, kind: 'region' });
  });

  it('offers a code action whose edit makes the note clean', async () => {
    const text = '«Pekin a nié ces accusations» [@a].\n';
    await client.open('fix.pnote', text);
    const diags = await client.waitFor('a mismatch', () => {
      const d = client.diagnosticsOf('fix.pnote');
      return d && d.diagnostics.length > 0 && d;
    });
    assert.equal(diags.diagnostics[0].code, 'quote-mismatch');
    const actions = await client.request<Array<{ title: string; edit: { changes: Record<string, Array<{ range: { start: { character: number }; end: { character: number } }; newText: string }>> } }>>(
      'textDocument/codeAction',
      { textDocument: { uri: client.uri('fix.pnote') }, range: diags.diagnostics[0].range, context: { diagnostics: diags.diagnostics } },
    );
    const [edit] = actions[0].edit.changes[client.uri('fix.pnote')];
    const fixed = text.slice(0, edit.range.start.character) + edit.newText + text.slice(edit.range.end.character);
    const version = await client.change('fix.pnote', fixed);
    const after = await client.waitFor('clean diagnostics', () => {
      const d = client.diagnosticsOf('fix.pnote');
      return d && d.version === version && d;
    });
    assert.deepEqual(after.diagnostics, []);
  });

  it('updates diagnostics as the user types, never for a stale version', async () => {
    await client.open('typing.pnote', 'Start.\n');
    let last = 1;
    for (const text of ['Start. @gh', 'Start. @gho', 'Start. @ghost']) {
      last = await client.change('typing.pnote', text);
    }
    const published = await client.waitFor('diagnostics of the last version', () => {
      const d = client.diagnosticsOf('typing.pnote');
      return d && d.version === last && d;
    });
    assert.deepEqual(published.diagnostics.map((d) => d.code), ['unknown-entity']);
    assert.match(published.diagnostics[0].message, /ghost/);
  });

  it('follows a corpus file changed on disk', async () => {
    fs.appendFileSync(path.join(client.root, 'corpus/b.txt'), 'Texte ajouté après coup sur le disque.\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('corpus/b.txt'), type: 2 }] });
    fs.writeFileSync(path.join(client.root, 'late.pnote'), '@ghost: «Texte ajouté après coup» [@b].\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('late.pnote'), type: 1 }] });
    const published = await client.waitFor('diagnostics of late.pnote', () => client.diagnosticsOf('late.pnote'));
    // The quotation is found in the changed source: only the unknown mention remains.
    assert.deepEqual(published.diagnostics.map((d) => d.code), ['unknown-entity']);
  });

  it('answers the statistics request', async () => {
    const stats = await client.request<{ folders: Array<{ notes: number; sources: number; entities: number; events: number }> }>('policyNotes/stats', {});
    assert.equal(stats.folders[0].sources, 2);
    assert.ok(stats.folders[0].notes >= 3);
    // The registry's two entities, and x and y from a note opened by an earlier test.
    assert.equal(stats.folders[0].entities, 4);
  });
});

describe('language server over stdio (indexing)', () => {
  it('reports indexing progress and answers a request sent while indexing', async () => {
    const client = await TestClient.start(FILES);
    try {
      // Sent at once after `initialized`: answered when the index is ready, not dropped.
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at('analysis.pnote', 2, 2));
      assert.match(hover?.contents.value ?? '', /Mike Pompeo/);
      await client.waitFor('progress end', () => client.progress.some((p) => p.kind === 'end'));
      assert.equal(client.progress[0].kind, 'begin');
      assert.match(client.progress[0].title ?? '', /indexing/);
    } finally {
      await client.stop();
    }
  });

  it('survives a request that fails and answers the next one', async () => {
    const client = await TestClient.start(FILES);
    try {
      await assert.rejects(client.request('textDocument/hover', { textDocument: { uri: client.uri('analysis.pnote') }, position: null }));
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at('analysis.pnote', 2, 2));
      assert.match(hover?.contents.value ?? '', /Mike Pompeo/);
    } finally {
      await client.stop();
    }
  });
});

describe('language server over stdio (start-up: the open note before the notes without definitions)', () => {
  // The notes without definitions are parsed after the open notes are published
  // (Workspace.load's deferNotes): the registry's "never mentioned" depends on them.
  const files: Record<string, string> = {
    ...FILES,
    'registry.pnote': `${REGISTRY}\n::: entity lonely\nname: Lonely\nkind: person\n:::\n`,
    'open.pnote': '@china, «Pékin a nié ces accusations» [@a]; @nobody.\n',
  };
  for (let i = 0; i < 30; i++) {
    files[`more/n${i}.pnote`] = `#ban, note ${i}: «Les utilisateurs existants pourront continuer» [@b].\n`;
  }

  it('publishes the open note once, with its final diagnostics, and the registry as the other notes leave it', async () => {
    const client = await TestClient.start(files);
    try {
      await client.open('open.pnote');
      await client.waitFor('the end of the first publication', () => client.events.some((e) => e.kind === 'stats'));
      const opened = client.events.filter((e) => e.kind === 'diagnostics' && e.uri === client.uri('open.pnote'));
      assert.ok(opened.length >= 1);
      assert.ok(opened.every((e) => JSON.stringify(e.diagnostics) === JSON.stringify(opened[0].diagnostics)), 'its first diagnostics are its final ones');
      assert.deepEqual((opened[0].diagnostics as Array<{ code: string }>).map((d) => d.code), ['unknown-entity']);
      // #ban is mentioned only by the notes parsed last; the registry's diagnostics, published
      // by the end of the first publication, know it (lonely is mentioned nowhere).
      const registry = client.diagnosticsOf('registry.pnote')?.diagnostics ?? [];
      assert.deepEqual(registry.filter((d) => d.code === 'unused-definition').map((d) => d.message), ['Entity "lonely" is never mentioned (@lonely) in any note']);
      assert.ok(client.diagnosticsOf('closed.pnote'), 'every file with a problem published before the first statsChanged');
      // The note opened while the workspace loaded is not given its text again after the
      // load (which gave it that version): no second publication, no second statsChanged.
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(client.events.filter((e) => e.kind === 'stats').length, 1, 'one publication after the load');
      assert.equal(client.diagnosticsOf('more/n7.pnote'), undefined, 'a clean closed note: nothing published');
    } finally {
      await client.stop();
    }
  });

  it('answers the pull of an open note with its final diagnostics (pull mode)', async () => {
    const client = await TestClient.start(files, { pull: true });
    try {
      await client.open('open.pnote');
      const first = await client.request<{ items: Array<{ code: string; message: string }> }>('textDocument/diagnostic', { textDocument: { uri: client.uri('open.pnote') } });
      const workspace = await client.request<{ items: Array<{ uri: string; items: Array<{ code: string; message: string }> }> }>('workspace/diagnostic', { previousResultIds: [] });
      assert.deepEqual(first.items.map((d) => d.code), ['unknown-entity']);
      assert.deepEqual(workspace.items.find((i) => i.uri === client.uri('open.pnote'))?.items, first.items);
      assert.deepEqual(
        workspace.items.find((i) => i.uri === client.uri('registry.pnote'))?.items.filter((d) => d.code === 'unused-definition').map((d) => d.message),
        ['Entity "lonely" is never mentioned (@lonely) in any note'],
      );
    } finally {
      await client.stop();
    }
  });
});

describe('language server over stdio (pull diagnostics)', () => {
  let client: TestClient;
  before(async () => {
    client = await TestClient.start(FILES, { pull: true });
  });
  after(async () => {
    await client.stop();
  });

  it('answers document and workspace diagnostic pulls with the same diagnostics, and publishes none', async () => {
    const report = await client.request<{ kind: string; items: Array<{ code: string }> }>('textDocument/diagnostic', { textDocument: { uri: client.uri('closed.pnote') } });
    assert.equal(report.kind, 'full');
    assert.deepEqual(report.items.map((d) => d.code), ['unknown-entity', 'quote-not-found']);
    const workspace = await client.request<{ items: Array<{ uri: string; items: Array<{ code: string }> }> }>('workspace/diagnostic', { previousResultIds: [] });
    const closed = workspace.items.find((i) => i.uri === client.uri('closed.pnote'));
    assert.deepEqual(closed?.items.map((d) => d.code), ['unknown-entity', 'quote-not-found']);
    assert.equal(client.published.size, 0);
  });
});
