/**
 * A user-level corpus outside the workspace, over the protocol: the server admits
 * the folder only when the client says the setting is the user's own
 * (`userLevelPaths`), checks against it, points citations at its files, and watches it.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { CORPUS } from '../unit/helpers';
import { TestClient } from './lspClient';

const NOTE = '«Pékin a nié ces accusations» [@a].\n«Les utilisateurs existants pourront continuer à tout utiliser» [@b]\n';

describe('language server over stdio (a user-level corpus outside the workspace)', () => {
  let shared: string;
  before(() => {
    shared = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pnote-shared-')));
    for (const [rel, text] of Object.entries(CORPUS)) {
      fs.writeFileSync(path.join(shared, path.basename(rel)), text);
    }
  });
  after(() => fs.rmSync(shared, { recursive: true, force: true }));

  it('checks against it, points citations at its files, and follows its changes', async () => {
    const client = await TestClient.start({ 'n.pnote': NOTE }, { settings: { corpus: shared, userLevelPaths: ['corpus'] } });
    try {
      await client.open('n.pnote');
      const first = await client.waitFor('diagnostics of n.pnote', () => client.diagnosticsOf('n.pnote'));
      assert.deepEqual(first.diagnostics.map((d) => [d.range.start.line, d.code]), [[1, 'quote-mismatch']]);
      const definition = await client.request<Array<{ uri: string }> | { uri: string } | null>('textDocument/definition', client.at('n.pnote', 0, 33));
      const target = Array.isArray(definition) ? definition[0] : definition;
      assert.equal(target?.uri, URI.file(path.join(shared, 'a.txt')).toString());
      const watchers = client.serverRequests
        .filter((r) => r.method === 'client/registerCapability')
        .flatMap((r) => (r.params as { registrations: Array<{ registerOptions: { watchers: Array<{ globPattern: unknown }> } }> }).registrations)
        .flatMap((r) => r.registerOptions.watchers.map((w) => w.globPattern));
      assert.ok(
        watchers.some((g) => typeof g === 'object' && (g as { baseUri: string }).baseUri === URI.file(shared).toString()),
        `the shared folder is watched: ${JSON.stringify(watchers)}`,
      );
      // The source changes outside the workspace: the misquote becomes exact.
      fs.appendFileSync(path.join(shared, 'b.txt'), 'Les utilisateurs existants pourront continuer à tout utiliser.\n');
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(path.join(shared, 'b.txt')).toString(), type: 2 }] });
      await client.waitFor('n.pnote clean', () => client.diagnosticsOf('n.pnote')?.diagnostics.length === 0 || undefined);
    } finally {
      await client.stop();
    }
  });

  it('refuses the same path when the client does not say it is a user-level setting', async () => {
    const client = await TestClient.start({ 'n.pnote': NOTE }, { settings: { corpus: shared } });
    try {
      await client.open('n.pnote');
      await client.waitFor('the refusal', () => client.logs.find((m) => /points outside the workspace/.test(m)));
      const stats = await client.request<{ folders: Array<{ sources: number }> }>('policyNotes/stats', {});
      assert.equal(stats.folders[0].sources, 0, 'nothing outside was indexed');
    } finally {
      await client.stop();
    }
  });
});
