/**
 * Reliability guarantees of the language service (docs/reliability.md): incremental
 * updates equal to a fresh build (a coarse model of snippet edits and checkouts;
 * robustness-incremental.test.ts cuts text at any offset), unreadable files diagnosed,
 * and the manifest's Workspace Trust declaration. `PNOTE_LONG=1` runs longer fuzzing.
 * Linear-time parsing is proven in robustness-linear.test.ts.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { MemoryFileSystem } from '../../server/src/workspace/fs';
import { createLanguageService, type LanguageService } from '../../server/src/service';
import { CORPUS } from './helpers';

const LONG = process.env.PNOTE_LONG === '1';
const ROOT = path.resolve(__dirname, '../..');

describe('reliability', () => {
  describe('incremental updates equal a fresh build', () => {
    const SNIPPETS = [
      '\n::: entity pompeo\nname: Mike Pompeo\naliases: Pompeo\n:::\n',
      '\n::: event ban\ntitle: Ban\ndate: 2020-09-18\nactors: @pompeo\nsources: [@b]\nafter: #clean\n:::\n',
      '\n::: event clean\ntitle: Clean\ndate: 2020-08-05\nsources: [@a]\n:::\n',
      ' @pompeo ',
      ' #ban ',
      ' «Pékin a nié ces accusations» [@a] ',
      ' «Pekin a nié» [@a, ¶3] ',
      ' "Les utilisateurs existants pourront continuer" [@b, ¶2] ',
      ' [@zzz] ',
      '\n> Le programme compte cinq volets\n— [@a]\n',
      '`@code`',
      '\n\n',
      '«',
      ':::',
    ];
    const NOTES = ['a.pnote', 'b.pnote', 'sub/c.pnote'];
    const SOURCES = ['corpus/a.txt', 'corpus/b.txt', 'corpus/c.txt', 'corpus/sub/a.md'];
    const SOURCE_TEXTS = [CORPUS['corpus/a.txt'], CORPUS['corpus/b.txt'], 'Pékin a nié.\nLes utilisateurs existants pourront continuer.\n', ''];

    type Step =
      | { kind: 'edit'; note: number; at: number; remove: number; insert: number }
      | { kind: 'undo'; note: number }
      | { kind: 'close'; note: number }
      | { kind: 'source'; source: number; text: number }
      | { kind: 'delete-source'; source: number }
      | { kind: 'rename-note'; note: number }
      | { kind: 'checkout'; seed: number };

    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('edit' as const), note: fc.nat(NOTES.length - 1), at: fc.nat(400), remove: fc.nat(12), insert: fc.nat(SNIPPETS.length - 1) }) },
      fc.record({ kind: fc.constant('undo' as const), note: fc.nat(NOTES.length - 1) }),
      fc.record({ kind: fc.constant('close' as const), note: fc.nat(NOTES.length - 1) }),
      fc.record({ kind: fc.constant('source' as const), source: fc.nat(SOURCES.length - 1), text: fc.nat(SOURCE_TEXTS.length - 1) }),
      fc.record({ kind: fc.constant('delete-source' as const), source: fc.nat(SOURCES.length - 1) }),
      fc.record({ kind: fc.constant('rename-note' as const), note: fc.nat(NOTES.length - 1) }),
      fc.record({ kind: fc.constant('checkout' as const), seed: fc.nat(1000) }),
    );

    /** Everything a client can see: every file's diagnostics and the statistics. */
    function snapshot(service: LanguageService): unknown {
      return { files: service.allDiagnostics().filter((f) => f.diagnostics.length > 0), stats: service.stats() };
    }

    async function fresh(fs: MemoryFileSystem, open: Map<string, string>): Promise<unknown> {
      const files: Record<string, Uint8Array> = {};
      for (const p of fs.paths()) {
        files[p] = await fs.readFile(p);
      }
      const service = createLanguageService({ fs: new MemoryFileSystem(files) });
      await service.load();
      for (const [p, text] of open) {
        service.setNoteText(p, text, 1);
      }
      return snapshot(service);
    }

    it('after every step of random edits, file events and checkouts', async function () {
      this.timeout(LONG ? 600_000 : 60_000);
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: LONG ? 40 : 12 }), async (steps) => {
          const fs = new MemoryFileSystem({ ...CORPUS, 'a.pnote': '@pompeo «Pékin a nié» [@a].\n', 'b.pnote': SNIPPETS[0] });
          const service = createLanguageService({ fs });
          await service.load();
          const open = new Map<string, string>();
          const history = new Map<string, string[]>();
          let version = 1;
          for (const s of steps) {
            if (s.kind === 'edit' || s.kind === 'undo') {
              const p = NOTES[s.note];
              const current = open.get(p) ?? (fs.paths().includes(p) ? new TextDecoder().decode(await fs.readFile(p)) : '');
              let next: string;
              if (s.kind === 'edit') {
                const at = Math.min(s.at, current.length);
                next = current.slice(0, at) + SNIPPETS[s.insert] + current.slice(Math.min(current.length, at + s.remove));
                history.set(p, [...(history.get(p) ?? []), current]);
              } else {
                next = history.get(p)?.pop() ?? current;
              }
              open.set(p, next);
              service.setNoteText(p, next, ++version);
            } else if (s.kind === 'close') {
              const p = NOTES[s.note];
              if (open.has(p)) {
                fs.write(p, open.get(p)!); // saved, then closed
                open.delete(p);
                await service.fileChanged(p, 'changed');
                await service.closeNote(p);
              }
            } else if (s.kind === 'source') {
              const p = SOURCES[s.source];
              const existed = fs.paths().includes(p);
              fs.write(p, SOURCE_TEXTS[s.text]);
              await service.fileChanged(p, existed ? 'changed' : 'created');
            } else if (s.kind === 'delete-source') {
              const p = SOURCES[s.source];
              if (fs.paths().includes(p)) {
                fs.delete(p);
                await service.fileChanged(p, 'deleted');
              }
            } else if (s.kind === 'rename-note') {
              const from = NOTES[s.note];
              const to = NOTES[(s.note + 1) % NOTES.length];
              if (!open.has(from) && !open.has(to) && fs.paths().includes(from)) {
                const bytes = await fs.readFile(from);
                fs.delete(from);
                await service.fileChanged(from, 'deleted');
                fs.write(to, bytes);
                await service.fileChanged(to, fs.paths().includes(to) ? 'changed' : 'created');
              }
            } else {
              // A checkout: many notes and sources change at once, then every event arrives.
              const changed: Array<[string, 'created' | 'changed' | 'deleted']> = [];
              const count = LONG ? 1000 : 200;
              for (let i = 0; i < count; i++) {
                const p = (i + s.seed) % 3 === 0 ? `corpus/gen/s${i}.txt` : `gen/n${i}.pnote`;
                const existed = fs.paths().includes(p);
                if ((i + s.seed) % 7 === 0 && existed) {
                  fs.delete(p);
                  changed.push([p, 'deleted']);
                } else {
                  fs.write(p, p.endsWith('.txt') ? `Source ${i} ${s.seed}. Pékin a nié.\n` : `«Source ${i}» [@s${(i + 1) % count}] @pompeo\n`);
                  changed.push([p, existed ? 'changed' : 'created']);
                }
              }
              for (const [p, change] of changed) {
                await service.fileChanged(p, change);
              }
            }
            assert.deepEqual(snapshot(service), await fresh(fs, open));
          }
        }),
        { numRuns: LONG ? 300 : 25, seed: 20261122 },
      );
    });
  });

  describe('unreadable files', () => {
    it('diagnoses a file that cannot be read (permissions) and checks the rest', async () => {
      class Denied extends MemoryFileSystem {
        override async readFile(p: string): Promise<Uint8Array> {
          if (p === 'corpus/secret.txt') {
            throw new Error('permission denied');
          }
          return super.readFile(p);
        }
      }
      const service = createLanguageService({ fs: new Denied({ ...CORPUS, 'corpus/secret.txt': 'x', 'n.pnote': '«Pékin a nié» [@a].\n' }) });
      await service.load();
      const [d] = service.diagnostics('corpus/secret.txt');
      assert.equal(d.code, 'unreadable-file');
      assert.match(d.message, /corpus\/secret\.txt cannot be read: permission denied/);
      assert.deepEqual(service.diagnostics('n.pnote'), []);
    });
  });

  describe('the extension manifest and client', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

    it('declares limited support of untrusted workspaces, with every path setting restricted', () => {
      const trust = manifest.capabilities.untrustedWorkspaces;
      assert.equal(trust.supported, 'limited');
      const pathSettings = Object.entries(manifest.contributes.configuration.properties as Record<string, { type: string }>)
        .filter(([name, spec]) => spec.type === 'string' && /corpus|metadata|path|cache/i.test(name))
        .map(([name]) => name)
        .sort();
      assert.deepEqual(pathSettings, ['policyNotes.corpus', 'policyNotes.metadata']);
      assert.deepEqual([...trust.restrictedConfigurations].sort(), pathSettings);
    });

    it('has no webview (so no Content-Security-Policy to get wrong)', () => {
      const client = fs.readFileSync(path.join(ROOT, 'client/src/extension.ts'), 'utf8');
      assert.doesNotMatch(client, /createWebviewPanel|registerWebviewViewProvider|registerCustomEditorProvider/);
    });

    it('ships only the bundles and static assets', () => {
      const ignore = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n').filter(Boolean);
      assert.equal(ignore[0], '**');
      assert.deepEqual(ignore.filter((l) => l.startsWith('!')).sort(), ['!LICENSE', '!dist/cli.js', '!dist/extension.js', '!dist/server.js', '!language-configuration.json', '!package.json', '!snippets/**', '!syntaxes/**']);
    });

    it('packages exactly the bundles and static assets, as `vsce ls` lists them (needs dist/: npm run build)', function () {
      // vsce walks the whole repository (not node_modules): a few seconds when .bench/ holds generated workspaces.
      this.timeout(60_000);
      const bundles = ['dist/cli.js', 'dist/extension.js', 'dist/server.js'];
      if (!bundles.every((f) => fs.existsSync(path.join(ROOT, f)))) {
        this.skip(); // dist/ not built: `npm run build` first (npm test does)
      }
      // The README vsce adds is the one `npm run package` names.
      const readme = /--readme-path\s+(\S+)/.exec(manifest.scripts.package)?.[1];
      assert.equal(readme, 'docs/vscode-extension.md');
      assert.match(manifest.scripts.package, /vsce package --no-dependencies /);
      const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
      const result = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies', '--readme-path', readme], { cwd: ROOT, encoding: 'utf8', timeout: 55_000 });
      assert.equal(result.status, 0, result.stderr);
      const files = result.stdout.split('\n').filter(Boolean).sort();
      assert.deepEqual(files, ['LICENSE', ...bundles, readme, 'language-configuration.json', 'package.json', 'snippets/pnote.json', 'syntaxes/pnote.tmLanguage.json'].sort());
      for (const file of files) {
        assert.doesNotMatch(file, /\.(ts|map)$|^(test|examples|node_modules|server|client|scripts|\.bench)\//, file);
      }
    });
  });
});
