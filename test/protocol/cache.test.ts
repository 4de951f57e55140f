/**
 * The server's on-disk index cache (`initializationOptions.cacheDirectory`): written
 * once the user pauses after the first load is published, not while requests keep
 * coming; used by the next start.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
    // Files last modified an hour ago: the cache may vouch for them without reading
    // them (a file modified just before it is read is read at every start, and the
    // cache saved again once it can vouch for it).
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pnote-lsp-'));
    const anHourAgo = new Date(Date.now() - 3600_000);
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
      fs.utimesSync(path.join(root, rel), anHourAgo, anHourAgo);
    }
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
});
