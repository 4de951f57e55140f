import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORPUS } from '../unit/helpers';
import { CLI, makeWorkspace } from './helpers';

const workspace = (files: Record<string, string | Buffer>) => makeWorkspace(files, 'pnote-bad-');

function check(dir: string) {
  const result = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.error, undefined);
  assert.ok(result.status === 0 || result.status === 1, `exit ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as { summary: { sources: number }; diagnostics: Array<{ file: string; code: string; message: string }> };
}

describe('bad input (CLI on a real folder)', () => {
  it('diagnoses binary, non-UTF-8, UTF-16 (LE and BE), empty and huge sources by name, and checks the rest', () => {
    const latin1 = Buffer.from('Le secr\xe9taire d\x92\xc9tat a parl\xe9.\n', 'latin1');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Texte en UTF-16.\n', 'utf16le')]);
    // Big-endian: the BOM FE FF, then each code unit high byte first (its NUL bytes would otherwise say "binary").
    const utf16be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('Texte en UTF-16 big-endian.\n', 'utf16le').swap16()]);
    const huge = Buffer.alloc(50 * 1024 * 1024, 'mot ');
    const dir = workspace({
      ...CORPUS,
      'corpus/binary.txt': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01, 0x02]),
      'corpus/latin1.txt': latin1,
      'corpus/utf16.txt': utf16,
      'corpus/utf16be.txt': utf16be,
      'corpus/empty.txt': '',
      'corpus/huge.txt': huge,
      'n.pnote': '«Pékin a nié ces accusations» [@a].\n\n«Texte» [@empty].\n',
    });
    const report = check(dir);
    const unreadable = Object.fromEntries(report.diagnostics.filter((d) => d.code === 'unreadable-file').map((d) => [d.file, d.message]));
    assert.match(unreadable['corpus/binary.txt'], /binary/);
    assert.match(unreadable['corpus/latin1.txt'], /not valid UTF-8/);
    assert.match(unreadable['corpus/utf16.txt'], /UTF-16/);
    assert.match(unreadable['corpus/utf16be.txt'] ?? '', /^corpus\/utf16be\.txt is UTF-16 encoded/);
    assert.match(unreadable['corpus/huge.txt'], /too large/);
    assert.equal(unreadable['corpus/empty.txt'], undefined, 'an empty file is a valid, empty source');
    assert.equal(report.summary.sources, 3);
    assert.deepEqual(report.diagnostics.filter((d) => d.file === 'n.pnote').map((d) => d.code), ['quote-not-found']);
  });

  it('does not follow a symlink loop, nor a link out of the workspace', function () {
    const outside = makeWorkspace({}, 'pnote-outside-');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'Secret texte confidentiel.\n');
    const dir = workspace({ ...CORPUS, 'n.pnote': '«Secret texte confidentiel» [@secret].\n' });
    fs.symlinkSync(path.join(dir, 'corpus'), path.join(dir, 'corpus', 'loop'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'corpus', 'secret.txt'));
    fs.symlinkSync(outside, path.join(dir, 'corpus', 'outside-folder'));
    const report = check(dir);
    assert.equal(report.summary.sources, 2);
    const secret = report.diagnostics.find((d) => d.file === 'corpus/secret.txt');
    assert.match(secret?.message ?? '', /outside the workspace/);
    assert.deepEqual(report.diagnostics.filter((d) => d.file === 'n.pnote').map((d) => d.code), ['unknown-source']);
  });

  it('refuses pnote.json paths that escape: a sibling sharing the prefix, a symlink, an absolute path', () => {
    const parent = makeWorkspace({}, 'pnote-prefix-');
    const dir = path.join(parent, 'ws');
    fs.mkdirSync(path.join(parent, 'ws-corpus'), { recursive: true });
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'n.pnote'), 'x\n');
    fs.symlinkSync(path.join(parent, 'ws-corpus'), path.join(dir, 'linked'));
    for (const corpus of ['../ws-corpus', 'linked', path.join(parent, 'ws-corpus'), '..%2Fws-corpus']) {
      fs.writeFileSync(path.join(dir, 'pnote.json'), JSON.stringify({ corpus }));
      const result = spawnSync(process.execPath, [CLI, 'check', dir], { encoding: 'utf8' });
      assert.equal(result.status, 2, corpus);
      assert.match(result.stderr, /outside the workspace/, corpus);
    }
  });

  it('refuses a pnote.json metadata path that escapes: ../, an absolute path, a symlink to a file outside', () => {
    const parent = makeWorkspace({}, 'pnote-meta-');
    const dir = path.join(parent, 'ws');
    const secret = path.join(parent, 'secret.json');
    fs.writeFileSync(secret, JSON.stringify([{ id: 'a', title: 'SECRET TITLE' }]));
    fs.mkdirSync(dir);
    for (const [rel, text] of Object.entries({ ...CORPUS, 'n.pnote': '«Pékin a nié» [@a].\n' })) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    fs.symlinkSync(secret, path.join(dir, 'corpus', 'sources.json'));
    for (const metadata of ['../secret.json', secret, 'corpus/sources.json', 'corpus/../../secret.json']) {
      fs.writeFileSync(path.join(dir, 'pnote.json'), JSON.stringify({ metadata }));
      const result = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json', '--no-cache'], { encoding: 'utf8' });
      assert.equal(result.status, 2, metadata);
      assert.match(result.stderr, /"metadata" \(".*"\) points outside the workspace/, metadata);
      assert.doesNotMatch(result.stdout + result.stderr, /SECRET/, metadata);
    }
  });

  it('reports a malformed note without losing the rest of it', () => {
    const dir = workspace({ ...CORPUS, 'n.pnote': '---\ntitle: [unclosed\n---\n\n::: entity\n:::\n\n«Pékin a nié» [@a, page 4] and [@\n\n«Texte inventé» [@a].\n' });
    const report = check(dir);
    const codes = report.diagnostics.filter((d) => d.file === 'n.pnote').map((d) => d.code);
    assert.ok(codes.includes('invalid-front-matter'), codes.join());
    assert.ok(codes.includes('quote-not-found'), codes.join());
  });
});
