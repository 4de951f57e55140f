import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CORPUS } from '../unit/helpers';
import { CLI, makeWorkspace } from './helpers';

function run(args: string[], cwd?: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('pnote check (CLI)', () => {
  it('prints one problem a line and a summary, exit 1 on errors', () => {
    const dir = makeWorkspace({ ...CORPUS, 'notes/n.pnote': 'Intro.\n\n«Texte qui n’existe nulle part» [@a].\n' });
    const { code, stdout } = run(['check', dir]);
    assert.equal(code, 1);
    const lines = stdout.trim().split('\n');
    assert.match(lines[0], /^notes\/n\.pnote:3:2: error quote-not-found /);
    assert.match(lines[lines.length - 1], /^1 note, 2 sources, 1 citation checked: 1 error, 0 warnings/);
  });

  it('exits 0 when there are only warnings', () => {
    const dir = makeWorkspace({ ...CORPUS, 'n.pnote': '«Pekin a nié» [@a].\n' });
    const { code, stdout } = run(['check', dir]);
    assert.equal(code, 0);
    assert.match(stdout, /warning quote-mismatch/);
  });

  it('gives 0-based UTF-16 ranges in JSON, past an emoji and with CRLF line endings', () => {
    const note = 'Titre\r\n\r\n🇺🇸 Pompeo : «Texte inventé de toutes pièces» [@a].\r\n';
    const dir = makeWorkspace({ ...CORPUS, 'n.pnote': note });
    const { code, stdout } = run(['check', dir, '--format', 'json']);
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.equal(report.version, 1);
    assert.deepEqual(report.summary, { notes: 1, sources: 2, citations: 1, errors: 1, warnings: 0, information: 0, hints: 0 });
    const [d] = report.diagnostics;
    assert.equal(d.file, 'n.pnote');
    assert.equal(d.code, 'quote-not-found');
    assert.equal(d.severity, 'error');
    // "🇺🇸" is 4 UTF-16 code units; the quotation starts after "🇺🇸 Pompeo : «" = 4 + 10 + 1.
    assert.deepEqual(d.range, { start: { line: 2, character: 15 }, end: { line: 2, character: 15 + 'Texte inventé de toutes pièces'.length } });
  });

  it('writes SARIF 2.1.0 with rules and 1-based regions', () => {
    const dir = makeWorkspace({ ...CORPUS, 'n.pnote': '«Texte inventé» [@a].\n\n@ghost\n' });
    const { stdout } = run(['check', dir, '--format=sarif']);
    const log = JSON.parse(stdout);
    assert.equal(log.version, '2.1.0');
    const run0 = log.runs[0];
    assert.equal(run0.tool.driver.name, 'pnote');
    assert.ok(run0.tool.driver.rules.some((r: { id: string }) => r.id === 'quote-not-found'));
    const results = run0.results as Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }>;
    assert.deepEqual(results.map((r) => [r.ruleId, r.level]), [['quote-not-found', 'error'], ['unknown-entity', 'warning']]);
    assert.deepEqual(results[0].locations[0].physicalLocation.region, { startLine: 1, startColumn: 2, endLine: 1, endColumn: 15 });
    assert.equal(results[0].locations[0].physicalLocation.artifactLocation.uri, 'n.pnote');
  });

  it('exits 2 with a message for bad arguments, a missing folder and an invalid pnote.json', () => {
    assert.equal(run(['check', '--format', 'xml']).code, 2);
    assert.equal(run(['frobnicate']).code, 2);
    const missing = run(['check', path.join(os.tmpdir(), 'no-such-pnote-workspace')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the workspace/);
    const dir = makeWorkspace({ 'pnote.json': '{ "corpus": "../outside" }', 'n.pnote': 'x\n' });
    const bad = run(['check', dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /outside the workspace/);
  });

  it('exits 2 naming pnote.json when it is not valid JSON, and prints no report', () => {
    const dir = makeWorkspace({ ...CORPUS, 'pnote.json': '{ "corpus": ', 'n.pnote': '«Texte inventé» [@a].\n' });
    for (const format of ['text', 'json']) {
      const { code, stdout, stderr } = run(['check', dir, '--format', format]);
      assert.equal(code, 2, format);
      assert.match(stderr, /^pnote: pnote\.json is not valid JSON: /m, format);
      assert.equal(stdout, '', format);
    }
  });

  it('reports a malformed metadata file (corpus/sources.json) as invalid-metadata on that file, and checks the rest', () => {
    const dir = makeWorkspace({
      ...CORPUS,
      'pnote.json': '{ "metadata": "corpus/sources.json" }',
      'corpus/sources.json': '[{ "id": "a", "title": ',
      'n.pnote': '«Pékin a nié ces accusations» [@a].\n\n«Texte inventé» [@b].\n\n@ghost\n',
    });
    const { code, stdout, stderr } = run(['check', dir, '--format', 'json']);
    assert.equal(code, 1, stderr);
    const report = JSON.parse(stdout) as { summary: Record<string, number>; diagnostics: Array<{ file: string; code: string; message: string }> };
    const metadata = report.diagnostics.filter((d) => d.file === 'corpus/sources.json');
    assert.deepEqual(metadata.map((d) => d.code), ['invalid-metadata']);
    assert.match(metadata[0].message, /corpus\/sources\.json/);
    assert.deepEqual(report.diagnostics.filter((d) => d.file === 'n.pnote').map((d) => d.code), ['quote-not-found', 'unknown-entity']);
    assert.equal(report.summary.sources, 2);
    assert.equal(report.summary.citations, 2);
  });

  it('checks the current folder by default and never writes to the workspace', () => {
    const dir = makeWorkspace({ ...CORPUS, 'n.pnote': '«Pekin a nié» [@a].\n' });
    const before = fs.readFileSync(path.join(dir, 'n.pnote'), 'utf8');
    const listing = fs.readdirSync(dir, { recursive: true }).sort();
    const { code } = run(['check'], dir);
    assert.equal(code, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'n.pnote'), 'utf8'), before);
    assert.deepEqual(fs.readdirSync(dir, { recursive: true }).sort(), listing);
  });

  it('hashes the corpus on a second thread, with the very report of hashing on one (PNOTE_HASH_THREAD=0)', () => {
    const files: Record<string, string | Buffer> = { ...CORPUS, 'corpus/bin.txt': Buffer.from([0x41, 0, 1]) };
    // More than two load batches of 256 files: the thread hashes one while the other is indexed.
    for (let i = 0; i < 700; i++) {
      files[`corpus/g/s${i}.txt`] = `Titre ${i}\n\nLe mot${i} et le mot${i % 9} font la phrase ${i}.\n`;
    }
    files['n.pnote'] = '«Le mot5 et le mot5 font la phrase 5» [@s6]. «Le mot7 et le mot7 font la phrase sept» [@s7]. «Pékin a nié» [@a].\n';
    // Unknown ids and keys, 16 or more: their suggestions are computed ahead on the thread.
    const unknown = Array.from({ length: 15 }, (_, i) => `@inconnu-${i}`).join(' ');
    files['r.pnote'] = `::: entity pompeo\nname: Mike Pompeo\nkind: person\n:::\n\n@pompeo and @pompeoo said so [@s0]. [@s7777]. ${unknown}.\n`;
    const dir = makeWorkspace(files);
    const threaded = run(['check', dir, '--format', 'json', '--no-cache']);
    const single = run(['check', dir, '--format', 'json', '--no-cache'], undefined, { ...process.env, PNOTE_HASH_THREAD: '0' });
    assert.equal(threaded.stderr, '', 'the hashing thread ran (no fallback note)');
    assert.equal(threaded.stdout, single.stdout);
    assert.equal(threaded.code, single.code);
    const codes = (JSON.parse(threaded.stdout) as { diagnostics: Array<{ code: string }> }).diagnostics.map((d) => d.code);
    assert.deepEqual([...new Set(codes)].sort(), ['quote-mismatch', 'quote-wrong-source', 'unknown-entity', 'unknown-source', 'unreadable-file']);
    assert.equal(codes.filter((c) => c === 'unknown-entity').length, 16);
    assert.match(threaded.stdout, /Did you mean @pompeo\?/);
    assert.match(threaded.stdout, /Unknown source \\"s7777\\"\. Did you mean/);
  });

  describe('the index cache (--cache-dir, --no-cache)', () => {
    const NOTE = '«Pékin a nié ces accusations» [@a].\n\n«Washington interdit TikTok» [@b].\n';
    const listing = (dir: string) => (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).sort();
    const snapshot = (dir: string) => listing(dir).map((f) => [f, fs.statSync(path.join(dir, f)).isFile() ? fs.readFileSync(path.join(dir, f), 'base64') : 'dir']);
    const json = (dir: string, ...options: string[]) => run(['check', dir, '--format', 'json', ...options]);

    it('keeps one .pnix file in --cache-dir, none in the workspace; gives the same report from it, and never trusts it when stale or corrupt', () => {
      const dir = makeWorkspace({ ...CORPUS, 'n.pnote': NOTE });
      const cache = makeWorkspace({}, 'pnote-cache-dir-');
      const workspaceBefore = snapshot(dir);

      const first = json(dir, '--cache-dir', cache);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stderr, '');
      const files = listing(cache);
      assert.equal(files.length, 1, files.join());
      assert.match(files[0], /^[0-9a-f]+\.pnix$/);
      const file = path.join(cache, files[0]);
      assert.deepEqual(snapshot(dir), workspaceBefore, 'nothing written in the workspace');

      // Second run: the same report, from the cache (an up-to-date cache is not rewritten).
      const inode = fs.statSync(file).ino;
      const second = json(dir, '--cache-dir', cache);
      assert.equal(second.code, first.code);
      assert.equal(second.stdout, first.stdout);
      assert.equal(fs.statSync(file).ino, inode, 'the second run restored the cache and had nothing to save');

      // A source changes (same length, one word): the quotation is now a misquote, and the cache is not trusted for it.
      const source = path.join(dir, 'corpus/a.txt');
      fs.writeFileSync(source, fs.readFileSync(source, 'utf8').replace('Pékin a nié ces accusations', 'Pékin a nié ses accusations'));
      const third = json(dir, '--cache-dir', cache);
      const fresh = json(dir, '--no-cache');
      assert.notEqual(third.stdout, first.stdout, 'the change is reported');
      assert.equal(third.stdout, fresh.stdout);
      assert.equal(third.code, fresh.code);
      const codes = (JSON.parse(third.stdout) as { diagnostics: Array<{ file: string; code: string }> }).diagnostics.map((d) => `${d.file} ${d.code}`);
      assert.equal(codes.length, 1, codes.join());
      assert.match(codes[0], /^n\.pnote quote-(mismatch|not-found)$/);

      // Corrupt the cache file: same report and exit status, and the file is replaced.
      const bytes = fs.readFileSync(file);
      for (let i = 0; i < 16; i++) {
        const at = Math.floor(((i + 1) * bytes.length) / 18);
        bytes[at] ^= 0xff;
      }
      fs.writeFileSync(file, bytes);
      const fourth = json(dir, '--cache-dir', cache);
      assert.equal(fourth.stdout, fresh.stdout);
      assert.equal(fourth.code, fresh.code);
      assert.deepEqual(listing(cache), files, 'still one cache file, no temporary file left');
      assert.ok(!fs.readFileSync(file).equals(bytes), 'the corrupt cache file was replaced');
      assert.deepEqual(snapshot(dir).filter(([f]) => f !== 'corpus/a.txt'), workspaceBefore.filter(([f]) => f !== 'corpus/a.txt'), 'nothing written in the workspace');
    });

    it('with --no-cache, neither reads nor writes a cache', () => {
      const dir = makeWorkspace({ ...CORPUS, 'n.pnote': NOTE });
      // A corrupt cache in the default folder ($XDG_CACHE_HOME/policy-notes) and in a --cache-dir: neither is read nor replaced.
      const home = makeWorkspace({}, 'pnote-cache-home-');
      const env = { ...process.env, XDG_CACHE_HOME: home };
      const withCache = run(['check', dir, '--format', 'json'], undefined, env);
      const [file] = listing(path.join(home, 'policy-notes'));
      assert.match(file, /\.pnix$/, 'the default cache folder is $XDG_CACHE_HOME/policy-notes');
      fs.writeFileSync(path.join(home, 'policy-notes', file), 'not a cache');
      const empty = makeWorkspace({}, 'pnote-cache-dir-');
      for (const options of [['--no-cache']]) {
        const result = run(['check', dir, '--format', 'json', ...options], undefined, env);
        assert.equal(result.code, withCache.code, options.join(' '));
        assert.equal(result.stdout, withCache.stdout, options.join(' '));
        assert.equal(result.stderr, '', options.join(' '));
        assert.deepEqual(listing(empty), [], options.join(' '));
        assert.deepEqual(listing(home), ['policy-notes', `policy-notes/${file}`], options.join(' '));
        assert.equal(fs.readFileSync(path.join(home, 'policy-notes', file), 'utf8'), 'not a cache', options.join(' '));
      }
    });

    it('exits 2 with a usage message when --cache-dir has no folder, or is given with --no-cache', () => {
      const dir = makeWorkspace({ ...CORPUS, 'n.pnote': NOTE });
      const cases: Array<[string[], RegExp]> = [
        [['check', dir, '--cache-dir'], /--cache-dir needs a folder/],
        [['check', dir, '--cache-dir='], /--cache-dir needs a folder/],
        [['check', dir, '--cache-dir', '--no-cache'], /--cache-dir needs a folder/],
        [['check', dir, '--no-cache', '--cache-dir', dir], /give one of --cache-dir and --no-cache/],
        [['check', dir, '--cache-dir', '-x'], /--cache-dir needs a folder/],
      ];
      for (const [args, message] of cases) {
        const { code, stdout, stderr } = run(args);
        assert.equal(code, 2, args.join(' '));
        assert.match(stderr, message, args.join(' '));
        assert.match(stderr, /^Usage: pnote check/m);
        assert.equal(stdout, '');
      }
      assert.equal(fs.existsSync(path.join(process.cwd(), '--no-cache')), false, 'no folder named after the option');
    });

    it('checks normally and warns on stderr, once, when the cache cannot be written', () => {
      const dir = makeWorkspace({ ...CORPUS, 'n.pnote': `${NOTE}\n«Texte inventé» [@a].\n` });
      const parent = makeWorkspace({ 'regular-file': 'x' }, 'pnote-cache-dir-');
      const unwritable = path.join(parent, 'regular-file', 'policy-notes');
      const expected = json(dir, '--no-cache');
      assert.equal(expected.code, 1, 'the note has an error');
      const result = json(dir, '--cache-dir', unwritable);
      assert.equal(result.code, expected.code);
      assert.equal(result.stdout, expected.stdout);
      assert.match(result.stderr, /^pnote: warning: the index cache .*regular-file.* was not saved: /m);
      assert.equal(result.stderr.match(/was not saved/g)?.length, 1, 'not tried again after the checks');
      assert.equal(fs.readFileSync(path.join(parent, 'regular-file'), 'utf8'), 'x');
      assert.deepEqual(listing(parent), ['regular-file']);
    });
  });
});
