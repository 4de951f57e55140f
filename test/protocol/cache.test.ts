/**
 * The server's on-disk index cache (`initializationOptions.cacheDirectory`): written
 * once the user pauses after the first load is published, not while requests keep
 * coming; used by the next start.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { CORPUS, REGISTRY } from '../unit/helpers';
import { TestClient } from './lspClient';

const FILES = { ...CORPUS, 'registry.pnote': REGISTRY, 'n.pnote': 'See @pompeo: «Pékin a nié ces accusations» [@a].\n' };

describe('language server over stdio (index cache)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pnote-server-cache-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const saved = () => fs.readdirSync(dir).filter((f) => f.endsWith('.pnix'));

  it('saves the index once requests pause, not while they keep coming, and a second start uses it', async () => {
    const root = workspaceOf(FILES);
    const client = await TestClient.start({}, { initializationOptions: { cacheDirectory: dir }, root });
    try {
      await client.open('n.pnote');
      await client.waitFor('diagnostics of n.pnote', () => client.diagnosticsOf('n.pnote'));
      // Requests every 200 ms for 1.2 s: never the 1.5 s pause the server waits for.
      for (let i = 0; i < 6; i++) {
        const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at('n.pnote', 0, 6));
        assert.match(hover?.contents.value ?? '', /Mike Pompeo/);
        assert.deepEqual(saved(), [], `not saved while requests come (${i})`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // Then a pause: saved without waiting for shutdown.
      const deadline = Date.now() + 15_000;
      while (saved().length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(saved().length, 1, 'one index file after a pause');
    } finally {
      await client.stop(true);
    }
    const written = fs.statSync(path.join(dir, saved()[0])).mtimeMs;
    const second = await TestClient.start({}, { initializationOptions: { cacheDirectory: dir }, root });
    try {
      await second.open('n.pnote');
      const diagnostics = await second.waitFor('diagnostics of n.pnote', () => second.diagnosticsOf('n.pnote'));
      assert.deepEqual(diagnostics.diagnostics, [], 'the same (clean) note from the restored index');
    } finally {
      await second.stop();
    }
    assert.deepEqual(saved().length, 1, 'the same workspace: the same index file');
    assert.equal(fs.statSync(path.join(dir, saved()[0])).mtimeMs, written, 'restored unchanged: not written again');
  });

  describe('saved results (a warm start shows them while the index loads)', () => {
    /** A note with problems (a misquote, an unknown entity), and another note with one (a quotation cited to the wrong source). */
    const WARM = {
      ...FILES,
      'n.pnote': 'See @pompeo: «Pékin a nié ces accusations» [@a].\n«Le programme compte six volets» [@a]\nAnd @nobody.\n',
      'm.pnote': 'Also «Pékin a nié ces accusations avec fermeté» [@b].\n',
    };
    const workspace = () => workspaceOf(WARM);
    /** Starts, opens n.pnote, waits for the load's publication, stops; resolves to every file's final diagnostics. */
    async function firstStart(root: string): Promise<Map<string, unknown[]>> {
      const client = await TestClient.start({}, { initializationOptions: { cacheDirectory: dir }, root });
      try {
        await client.open('n.pnote');
        await client.waitFor('the load and its diagnostics', () => client.progress.some((p) => p.kind === 'end') && client.diagnosticsOf('m.pnote'));
        await client.waitFor('the saved results', () => fs.readdirSync(dir).some((f) => f.endsWith('.pres')));
        return new Map([...client.published].map(([uri, p]) => [uri, p.diagnostics]));
      } finally {
        await client.stop(true);
      }
    }
    /** The index of the first publication of `rel` among the events, and of the load's end. */
    function order(client: TestClient, rel: string): { diagnostics: number; end: number } {
      return {
        diagnostics: client.events.findIndex((e) => e.kind === 'diagnostics' && e.uri === client.uri(rel)),
        end: client.events.findIndex((e) => e.kind === 'progress end'),
      };
    }

    it('a second start of an unchanged workspace publishes them before its load is over, and they are the load’s', async () => {
      const root = workspace();
      const final = await firstStart(root);
      assert.ok((final.get(URI_OF(root, 'n.pnote')) ?? []).length >= 2, 'the note has its problems');
      const second = await TestClient.start({}, { initializationOptions: { cacheDirectory: dir }, root });
      try {
        await second.open('n.pnote');
        await second.waitFor('the load over and its publication', () => second.progress.some((p) => p.kind === 'end') && second.events.length > 0);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const { diagnostics, end } = order(second, 'n.pnote');
        assert.ok(diagnostics >= 0 && diagnostics < end, `published before the load's end (${JSON.stringify(second.events.map((e) => e.kind))})`);
        assert.deepEqual(second.events[diagnostics].diagnostics, final.get(second.uri('n.pnote')), 'the saved ones are the first start’s');
        assert.equal(second.events.filter((e) => e.uri === second.uri('n.pnote')).length, 1, 'not published again: the load found the same');
        assert.deepEqual(new Map([...second.published].map(([uri, p]) => [uri, p.diagnostics])), final, 'every file as at the first start');
      } finally {
        await second.stop();
      }
    });

    it('in pull mode, document and workspace diagnostic requests during the load are answered with them', async () => {
      const root = workspace();
      const final = await firstStart(root);
      const second = await TestClient.start({}, { pull: true, initializationOptions: { cacheDirectory: dir }, root });
      type WorkspaceReport = { items: Array<{ uri: string; items: unknown[] }> };
      const byUri = (report: WorkspaceReport) => new Map(report.items.filter((i) => i.items.length > 0).map((i) => [i.uri, i.items]));
      try {
        await second.open('n.pnote');
        const answer = await second.request<{ items: unknown[] }>('textDocument/diagnostic', { textDocument: { uri: second.uri('n.pnote') } });
        const whole = await second.request<WorkspaceReport>('workspace/diagnostic', { previousResultIds: [] });
        const endedBefore = second.progress.some((p) => p.kind === 'end');
        await second.waitFor('the load over', () => second.progress.some((p) => p.kind === 'end'));
        const after = await second.request<{ items: unknown[] }>('textDocument/diagnostic', { textDocument: { uri: second.uri('n.pnote') } });
        const wholeAfter = await second.request<WorkspaceReport>('workspace/diagnostic', { previousResultIds: [] });
        assert.equal(endedBefore, false, 'answered before the load was over');
        assert.deepEqual(answer.items, after.items, 'the same as the load’s');
        assert.deepEqual(after.items, final.get(second.uri('n.pnote')), 'and as the first start’s');
        assert.deepEqual(byUri(whole), byUri(wholeAfter), 'the whole workspace: the same as the load’s');
        assert.ok(byUri(whole).size >= 2, 'both notes with problems');
      } finally {
        await second.stop();
      }
    });

    const changes: Array<[string, (root: string) => void, (text: string) => string]> = [
      ['a cited source changed', (root) => fs.appendFileSync(path.join(root, 'corpus/a.txt'), 'Le programme compte six volets.\n'), (t) => t],
      ['another note changed', (root) => fs.writeFileSync(path.join(root, 'm.pnote'), '::: entity nobody\nname: Nobody\nkind: person\n:::\n'), (t) => t],
      ['the open note has unsaved text', () => undefined, (t) => `${t}And @someone.\n`],
    ];
    for (const [what, change, editorText] of changes) {
      it(`once ${what}, the first diagnostics are the load’s`, async () => {
        const root = workspace();
        const before = await firstStart(root);
        change(root);
        const second = await TestClient.start({}, { initializationOptions: { cacheDirectory: dir }, root });
        try {
          await second.open('n.pnote', editorText(WARM['n.pnote']));
          await second.waitFor('the load over', () => second.progress.some((p) => p.kind === 'end'));
          const first = await second.waitFor('the note’s diagnostics', () => second.diagnosticsOf('n.pnote'));
          const { diagnostics, end } = order(second, 'n.pnote');
          assert.ok(diagnostics > end, `published after the load's end (${JSON.stringify(second.events.map((e) => e.kind))})`);
          assert.notDeepEqual(first.diagnostics, before.get(second.uri('n.pnote')), 'the change shows in them');
        } finally {
          await second.stop();
        }
      });
    }
  });
});

/**
 * A new workspace folder with `files`, last modified an hour ago: the cache may vouch
 * for them without reading them (a file modified just before it is read is read at
 * every start, and the cache saved again once it can vouch for it).
 */
function workspaceOf(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pnote-lsp-'));
  const anHourAgo = new Date(Date.now() - 3600_000);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
    fs.utimesSync(path.join(root, rel), anHourAgo, anHourAgo);
  }
  return root;
}

/** The URI the test client gives a workspace file. */
function URI_OF(root: string, rel: string): string {
  return URI.file(path.join(root, rel)).toString();
}
