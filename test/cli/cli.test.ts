import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CORPUS } from '../unit/helpers';
import { CLI, makeWorkspace } from './helpers';

function run(args: string[], cwd?: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
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

  it('checks the current folder by default and never writes to the workspace', () => {
    const dir = makeWorkspace({ ...CORPUS, 'n.pnote': '«Pekin a nié» [@a].\n' });
    const before = fs.readFileSync(path.join(dir, 'n.pnote'), 'utf8');
    const listing = fs.readdirSync(dir, { recursive: true }).sort();
    const { code } = run(['check'], dir);
    assert.equal(code, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'n.pnote'), 'utf8'), before);
    assert.deepEqual(fs.readdirSync(dir, { recursive: true }).sort(), listing);
  });
});
