/**
 * `pnote check` output: text (one problem a line), JSON (FORMAT.md's shape) and
 * SARIF 2.1.0 (for GitHub code scanning).
 */
import type * as Sarif from 'sarif';
import { CHECKS, type Severity } from '../checks/codes';
import type { FileDiagnostics } from '../service';
import type { IndexStats } from '../workspace/workspace';

export interface Summary {
  notes: number;
  sources: number;
  citations: number;
  errors: number;
  warnings: number;
  information: number;
  hints: number;
}

const SUMMARY_FIELD: Record<Severity, 'errors' | 'warnings' | 'information' | 'hints'> = {
  error: 'errors',
  warning: 'warnings',
  information: 'information',
  hint: 'hints',
};

export function summarize(stats: IndexStats, files: readonly FileDiagnostics[]): Summary {
  const summary: Summary = { notes: stats.notes, sources: stats.sources, citations: stats.citations, errors: 0, warnings: 0, information: 0, hints: 0 };
  for (const file of files) {
    for (const d of file.diagnostics) {
      summary[SUMMARY_FIELD[d.severity]]++;
    }
  }
  return summary;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function formatText(files: readonly FileDiagnostics[], summary: Summary): string {
  const lines: string[] = [];
  for (const file of files) {
    for (const d of file.diagnostics) {
      lines.push(`${file.path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${d.message}`);
    }
  }
  lines.push(
    `${plural(summary.notes, 'note')}, ${plural(summary.sources, 'source')}, ${plural(summary.citations, 'citation')} checked: ` +
      `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${summary.information} information, ${plural(summary.hints, 'hint')}`,
  );
  return lines.join('\n') + '\n';
}

export function formatJson(files: readonly FileDiagnostics[], summary: Summary): string {
  const diagnostics = files.flatMap((file) =>
    file.diagnostics.map((d) => ({ file: file.path, range: d.range, severity: d.severity, code: d.code, message: d.message })),
  );
  return JSON.stringify({ version: 1, summary, diagnostics }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, Sarif.Result.level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatSarif(files: readonly FileDiagnostics[], toolVersion: string): string {
  const codes = new Set<string>(Object.keys(CHECKS));
  for (const file of files) {
    for (const d of file.diagnostics) {
      codes.add(d.code);
    }
  }
  const ruleIds = [...codes].sort();
  const rules: Sarif.ReportingDescriptor[] = ruleIds.map((id) => {
    const level = (CHECKS as Record<string, Severity>)[id];
    return {
      id,
      name: id.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase()),
      shortDescription: { text: id.replace(/-/g, ' ') },
      defaultConfiguration: { level: level ? SARIF_LEVEL[level] : 'error' },
    };
  });
  const results: Sarif.Result[] = files.flatMap((file) =>
    file.diagnostics.map((d) => ({
      ruleId: d.code,
      ruleIndex: ruleIds.indexOf(d.code),
      level: SARIF_LEVEL[d.severity],
      message: { text: d.message },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: encodeURI(file.path), uriBaseId: '%SRCROOT%' },
          region: {
            startLine: d.range.start.line + 1,
            startColumn: d.range.start.character + 1,
            endLine: d.range.end.line + 1,
            endColumn: d.range.end.character + 1,
          },
        },
      }],
    })),
  );
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'pnote', version: toolVersion, rules } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
