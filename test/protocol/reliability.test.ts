import { strict as assert } from 'node:assert';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { CORPUS, REGISTRY } from '../unit/helpers';
import { TestClient } from './lspClient';

describe('language server over stdio (reliability)', () => {
  it('answers a request cancelled while indexing with RequestCancelled, and the next one normally', async () => {
    const files: Record<string, string> = { ...CORPUS, 'registry.pnote': REGISTRY, 'n.pnote': 'See @pompeo.\n' };
    for (let i = 0; i < 3000; i++) {
      files[`corpus/bulk/s${i}.txt`] = `Dépêche ${i}\n\n${'Le commerce mondial des applications chinoises. '.repeat(40)}\n`;
    }
    const client = await TestClient.start(files);
    try {
      const source = new CancellationTokenSource();
      const cancelled = client.connection.sendRequest('textDocument/hover', client.at('n.pnote', 0, 6), source.token);
      source.cancel();
      await assert.rejects(cancelled, (e: unknown) => e instanceof ResponseError && e.code === -32800);
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at('n.pnote', 0, 6));
      assert.match(hover?.contents.value ?? '', /Mike Pompeo/);
    } finally {
      await client.stop();
    }
  });

  it('keeps UTF-16 positions exact past emoji, astral CJK and combining accents', async () => {
    // 🇺🇸 = 4 code units, 𠀀 = 2, "é" written e + U+0301 = 2.
    const line = '🇺🇸 𠀀 e\u0301 @pompeo et «Texte inventé» [@a] @pomp';
    const client = await TestClient.start({ ...CORPUS, 'registry.pnote': REGISTRY, 'n.pnote': `${line}\n` });
    try {
      await client.open('n.pnote');
      const mention = line.indexOf('@pompeo');
      const quote = line.indexOf('Texte');
      const published = await client.waitFor('diagnostics', () => {
        const d = client.diagnosticsOf('n.pnote');
        return d && d.diagnostics.length > 0 && d;
      });
      const notFound = published.diagnostics.find((d) => d.code === 'quote-not-found');
      assert.deepEqual(notFound?.range, { start: { line: 0, character: quote }, end: { line: 0, character: quote + 'Texte inventé'.length } });
      const hover = await client.request<{ range: { start: { character: number }; end: { character: number } } }>('textDocument/hover', client.at('n.pnote', 0, mention + 3));
      assert.deepEqual([hover.range.start.character, hover.range.end.character], [mention, mention + '@pompeo'.length]);
      const completion = await client.request<{ items: Array<{ label: string; textEdit: { range: { start: { character: number }; end: { character: number } } } }> }>('textDocument/completion', client.at('n.pnote', 0, line.length));
      assert.equal(completion.items[0].label, 'pompeo');
      assert.deepEqual([completion.items[0].textEdit.range.start.character, completion.items[0].textEdit.range.end.character], [line.length - 4, line.length]);
      const edit = await client.request<{ changes: Record<string, Array<{ range: { start: { character: number } } }>> }>('textDocument/rename', { ...client.at('n.pnote', 0, mention + 2), newName: 'mike' });
      assert.deepEqual(edit.changes[client.uri('n.pnote')].map((e) => e.range.start.character), [mention + 1]);
    } finally {
      await client.stop();
    }
  });

  it('survives a short soak of mixed requests and edits', async function () {
    this.timeout(60_000);
    const client = await TestClient.start({ ...CORPUS, 'registry.pnote': REGISTRY, 'n.pnote': '@pompeo «Pékin a nié» [@a].\n' });
    try {
      await client.open('n.pnote');
      let text = '@pompeo «Pékin a nié» [@a].\n';
      const methods = ['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/documentSymbol', 'textDocument/codeAction'];
      for (let i = 0; i < 500; i++) {
        if (i % 10 === 0) {
          text = i % 20 === 0 ? `${text}@pom «Pekin a nié» [@a, ¶${i}].\n` : text.slice(0, Math.max(10, text.length - 15));
          await client.change('n.pnote', text);
        }
        const method = methods[i % methods.length];
        const params = method === 'textDocument/documentSymbol'
          ? { textDocument: { uri: client.uri('n.pnote') } }
          : method === 'textDocument/codeAction'
            ? { textDocument: { uri: client.uri('n.pnote') }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } }, context: { diagnostics: [] } }
            : client.at('n.pnote', i % 3, (i * 7) % 30);
        await client.request(method, params);
      }
      assert.equal(client.process.exitCode, null, 'the server is still running');
      const stats = await client.request<{ folders: Array<{ notes: number }> }>('policyNotes/stats', {});
      assert.equal(stats.folders[0].notes, 2);
    } finally {
      await client.stop();
    }
  });
});
