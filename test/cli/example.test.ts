import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHECKS } from '../../server/src/checks/codes';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/tiktok-ban');

interface Report {
  summary: Record<string, number>;
  diagnostics: Array<{ file: string; range: { start: { line: number } }; code: string; severity: string }>;
}

describe('the example workspace', () => {
  let report: Report;
  before(() => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'check', EXAMPLE, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(result.status, 1, result.stderr);
    report = JSON.parse(result.stdout) as Report;
  });

  it('has clean analytical notes and registry', () => {
    const elsewhere = report.diagnostics.filter((d) => d.file !== 'problems.pnote');
    assert.deepEqual(elsewhere, []);
    assert.equal(report.summary.sources, 5);
    assert.equal(report.summary.notes, 5);
  });

  it('shows, in problems.pnote, each check a note can trigger, under the heading that names it', () => {
    const lines = fs.readFileSync(path.join(EXAMPLE, 'problems.pnote'), 'utf8').split(/\r?\n/);
    const headingAbove = (line: number) => {
      for (let l = line; l >= 0; l--) {
        const m = /^#{2,}\s+`?([a-z-]+)`?/.exec(lines[l]);
        if (m) {
          return m[1];
        }
      }
      return undefined;
    };
    for (const d of report.diagnostics) {
      assert.equal(headingAbove(d.range.start.line), d.code, `${d.code} at line ${d.range.start.line + 1}`);
    }
    const expected = Object.keys(CHECKS).filter((code) => !['duplicate-source', 'invalid-config', 'invalid-metadata', 'unreadable-file'].includes(code));
    assert.deepEqual([...new Set(report.diagnostics.map((d) => d.code))].sort(), expected.sort());
  });
});
