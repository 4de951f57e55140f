/**
 * Paths outside the workspace (issue 5, security): a user-level setting may name a
 * corpus elsewhere (a shared clippings folder); `pnote.json` and workspace settings
 * never may. In memory (the service's side) and on a real disk (NodeFileSystem).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../../server/src/node/nodeFs';
import { createLanguageService } from '../../server/src/service';
import { MemoryFileSystem } from '../../server/src/workspace/fs';
import { CORPUS } from './helpers';

const SHARED = Object.fromEntries(Object.entries(CORPUS).map(([p, text]) => [p.replace(/^corpus\//, '../shared/clippings/'), text]));
const NOTE = { 'n.pnote': '«Pékin a nié ces accusations» [@a].\n«Les utilisateurs existants pourront continuer» [@b]\n' };

describe('paths outside the workspace', () => {
  it('a user-level corpus outside the workspace is read and checked against', async () => {
    const memory = new MemoryFileSystem({ ...SHARED, ...NOTE });
    memory.allowExternal('../shared/clippings');
    const service = createLanguageService({ fs: memory, settings: { corpus: '../shared/clippings', externalPaths: ['corpus'] } });
    await service.load();
    assert.equal(service.workspace.configProblems.length, 0, JSON.stringify(service.workspace.configProblems));
    assert.equal(service.stats().sources, 2);
    assert.deepEqual(service.diagnostics('n.pnote'), []);
    assert.equal(service.workspace.corpus.get('a')?.path, '../shared/clippings/a.txt');
  });

  it('the same path from pnote.json or a workspace-level setting is refused, and nothing outside is read', async () => {
    for (const [what, files, settings] of [
      ['pnote.json', { 'pnote.json': '{ "corpus": "../shared/clippings" }' }, {}],
      ['a workspace setting', {}, { corpus: '../shared/clippings' }],
      ['pnote.json over a user-level setting', { 'pnote.json': '{ "corpus": "../shared/clippings" }' }, { corpus: '../shared/clippings', externalPaths: ['corpus'] as const }],
    ] as const) {
      const memory = new MemoryFileSystem({ ...SHARED, ...NOTE, ...files });
      memory.allowExternal('../shared/clippings');
      const read: string[] = [];
      const original = memory.readFile.bind(memory);
      memory.readFile = async (p: string) => {
        read.push(p);
        return original(p);
      };
      const service = createLanguageService({ fs: memory, settings });
      await service.load();
      assert.match(service.workspace.configProblems.map((p) => p.message).join('\n'), /points outside the workspace/, what);
      assert.equal(service.stats().sources, 0, what);
      assert.deepEqual(read.filter((p) => p.startsWith('..')), [], `${what}: nothing outside was read`);
    }
  });

  describe('NodeFileSystem', () => {
    let base: string;
    let workspace: string;
    let shared: string;
    before(() => {
      base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pnote-external-')));
      workspace = path.join(base, 'ws');
      shared = path.join(base, 'shared');
      fs.mkdirSync(path.join(workspace, 'corpus'), { recursive: true });
      fs.mkdirSync(shared);
      fs.mkdirSync(path.join(base, 'shared-private'));
      fs.writeFileSync(path.join(shared, 'a.txt'), 'Pékin a nié.\n');
      fs.writeFileSync(path.join(base, 'shared-private', 'secret.txt'), 'secret\n');
      fs.writeFileSync(path.join(base, 'elsewhere.txt'), 'elsewhere\n');
      fs.symlinkSync(path.join(base, 'elsewhere.txt'), path.join(shared, 'escape.txt'));
    });
    after(() => fs.rmSync(base, { recursive: true, force: true }));

    it('reads listed files whole, small ones into shared chunks: each file its own bytes, never changed after', async () => {
      const dir = path.join(workspace, 'corpus', 'sizes');
      fs.mkdirSync(dir);
      // Empty, small, about a chunk's end (8 MB), at the small files' limit (256 KB) and above.
      const sizes = [0, 1, 300, ...Array.from({ length: 60 }, (_, i) => 200_000 + i), 256 * 1024 - 1, 256 * 1024, 600_000];
      sizes.forEach((size, i) => fs.writeFileSync(path.join(dir, `f${i}.txt`), Buffer.alloc(size, 97 + (i % 26))));
      const nodeFs = await NodeFileSystem.open(workspace);
      // As a load lists a folder (its real path inside the workspace): its files' reads take the fast path.
      assert.equal(await nodeFs.realpath('corpus/sizes'), 'corpus/sizes');
      await nodeFs.readDirectory('corpus/sizes');
      const read: Uint8Array[] = [];
      for (let i = 0; i < sizes.length; i++) {
        read.push(await nodeFs.readFile(`corpus/sizes/f${i}.txt`));
      }
      assert.equal(read[1].buffer, read[2].buffer, 'small files share a chunk');
      assert.notEqual(read[3].buffer, read[62].buffer, 'chunks fill up');
      read.forEach((bytes, i) => {
        assert.equal(bytes.length, sizes[i]);
        assert.ok(bytes.every((b) => b === 97 + (i % 26)), `f${i}.txt`);
      });
      // The state and the bytes from one opening, as stat then readFile give them (listed or not).
      await nodeFs.readDirectory('corpus/sizes');
      for (const i of [1, 3]) {
        const { bytes, stat } = await nodeFs.readFileAndStat(`corpus/sizes/f${i}.txt`);
        const alone = await nodeFs.stat(`corpus/sizes/f${i}.txt`);
        assert.deepEqual(stat, alone);
        assert.deepEqual([...bytes], [...(await nodeFs.readFile(`corpus/sizes/f${i}.txt`))]);
      }
      await assert.rejects(nodeFs.readFileAndStat('corpus/sizes/missing.txt'), /no such file/);
      fs.rmSync(dir, { recursive: true });
    });

    it('reads an admitted folder outside the workspace, and nothing else outside', async () => {
      const nodeFs = await NodeFileSystem.open(workspace);
      await assert.rejects(nodeFs.readFile('../shared/a.txt'), /outside the workspace/, 'not before it is admitted');
      assert.equal(await nodeFs.allowExternal(shared), '../shared');
      assert.equal(new TextDecoder().decode(await nodeFs.readFile('../shared/a.txt')), 'Pékin a nié.\n');
      assert.equal(nodeFs.relative(path.join(shared, 'a.txt')), '../shared/a.txt');
      // A sibling sharing the prefix, a link out of the admitted folder, the parent.
      await assert.rejects(nodeFs.readFile('../shared-private/secret.txt'), /outside the workspace/);
      assert.equal(nodeFs.relative(path.join(base, 'shared-private', 'secret.txt')), undefined);
      await assert.rejects(nodeFs.readFile('../shared/escape.txt'), /outside the workspace/);
      await assert.rejects(nodeFs.readFile('../elsewhere.txt'), /outside the workspace/);
      assert.equal(await nodeFs.allowExternal(path.join(base, 'missing')), undefined);
      assert.equal(await nodeFs.allowExternal(path.join(workspace, 'corpus')), 'corpus', 'inside: as it is');
    });

    it('a service on it checks against the admitted user-level corpus', async () => {
      fs.writeFileSync(path.join(workspace, 'n.pnote'), '«Pékin a nié» [@a].\n«Pékin a tout nié» [@a]\n');
      const nodeFs = await NodeFileSystem.open(workspace);
      const relative = await nodeFs.allowExternal(shared);
      const service = createLanguageService({ fs: nodeFs, settings: { corpus: relative, externalPaths: ['corpus'] } });
      await service.load();
      assert.deepEqual(service.workspace.configProblems, []);
      assert.deepEqual(
        service.diagnostics('n.pnote').map((d) => [d.range.start.line, d.code]),
        [[1, 'quote-mismatch']],
      );
      // escape.txt links out of the admitted folder: diagnosed, never read.
      const problems = service.allDiagnostics().find((f) => f.path === '../shared/escape.txt');
      assert.match(problems?.diagnostics[0]?.message ?? '', /outside the workspace/);
    });
  });
});
