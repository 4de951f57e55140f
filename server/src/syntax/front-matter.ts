/**
 * YAML front matter: a first line `---` (after an optional BOM), the YAML, and a
 * closing `---` or `...` line.
 */
import { parseDocument } from 'yaml';
import type { FrontMatter, SyntaxDiagnostic } from './ast';
import { Line, trimSpacesEnd } from './lines';

export interface FrontMatterParse {
  frontMatter?: FrontMatter;
  /** Index of the first line after the front matter (0 when there is none). */
  bodyLine: number;
  errors: SyntaxDiagnostic[];
}

/**
 * Parses the front matter at the top of the note, if any. When it is not closed,
 * the note is reported and read as having no front matter (so the `---` line
 * is a thematic break and the rest is prose) rather than losing its body.
 */
export function parseFrontMatter(text: string, lines: readonly Line[]): FrontMatterParse {
  if (!isLine(text, lines[0], '---')) {
    return { bodyLine: 0, errors: [] };
  }
  const close = lines.findIndex((line, index) => index > 0 && (isLine(text, line, '---') || isLine(text, line, '...')));
  if (close < 0) {
    return {
      bodyLine: 0,
      errors: [
        {
          span: { start: lines[0].start, end: lines[0].end },
          code: 'unclosed-front-matter',
          severity: 'error',
          message: 'Front matter is not closed: add a line `---` after the YAML.',
        },
      ],
    };
  }
  const yamlStart = lines[1].start;
  const yamlEnd = lines[close].start;
  // YAML knows `\n` and `\r\n` line breaks only; a lone `\r` becomes `\n` (same length, same offsets).
  const yaml = text.slice(yamlStart, yamlEnd).replace(/\r(?!\n)/g, '\n');
  const depth = nestingDepth(yaml);
  if (depth > MAX_YAML_DEPTH) {
    // The yaml package recurses per level, and V8 can abort the whole process (not
    // throw) when that exhausts the stack inside a regular expression: never try.
    return {
      frontMatter: { span: { start: lines[0].start, end: lines[close].end }, data: undefined },
      bodyLine: close + 1,
      errors: [{ span: { start: yamlStart, end: yamlEnd }, code: 'invalid-front-matter', severity: 'error', message: `Invalid front matter: nested more than ${MAX_YAML_DEPTH} levels deep` }],
    };
  }
  let document: ReturnType<typeof parseDocument>;
  try {
    document = parseDocument(yaml, { prettyErrors: false });
  } catch (e) {
    // The yaml package recurses per nesting level: thousands of levels overflow the stack.
    return {
      frontMatter: { span: { start: lines[0].start, end: lines[close].end }, data: undefined },
      bodyLine: close + 1,
      errors: [{ span: { start: yamlStart, end: yamlEnd }, code: 'invalid-front-matter', severity: 'error', message: `Invalid front matter: it cannot be read (${(e as Error).message})` }],
    };
  }
  const errors: SyntaxDiagnostic[] = [];
  const report = (problems: readonly { message: string; pos: [number, number] }[], severity: SyntaxDiagnostic['severity']): void => {
    for (const problem of problems) {
      const start = yamlStart + Math.min(Math.max(problem.pos[0], 0), yaml.length);
      const end = yamlStart + Math.min(Math.max(problem.pos[1], problem.pos[0], 0), yaml.length);
      errors.push({ span: { start, end }, code: 'invalid-front-matter', severity, message: `Invalid front matter: ${problem.message}` });
    }
  };
  report(document.errors, 'error');
  report(document.warnings, 'warning');
  return {
    frontMatter: {
      span: { start: lines[0].start, end: lines[close].end },
      data: document.errors.length > 0 ? undefined : toData(document, yamlStart, errors),
    },
    bodyLine: close + 1,
    errors,
  };
}

/** The document's value. The yaml package throws for alias bombs (excessive alias expansion); that is reported, not thrown. */
function toData(document: ReturnType<typeof parseDocument>, yamlStart: number, errors: SyntaxDiagnostic[]): unknown {
  try {
    return document.toJS();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    errors.push({ span: { start: yamlStart, end: yamlStart }, code: 'invalid-front-matter', severity: 'error', message: `Invalid front matter: ${message}` });
    return undefined;
  }
}

/** Whether the line is exactly `marker`, trailing spaces allowed. */
function isLine(text: string, line: Line, marker: string): boolean {
  return trimSpacesEnd(text, line.start, line.end) - line.start === marker.length && text.startsWith(marker, line.start);
}

/** Front matter nested deeper than this is not parsed (it is reported). */
export const MAX_YAML_DEPTH = 100;

/**
 * An upper bound of the YAML's nesting: flow brackets (`[`, `{`) open at once, plus
 * block nesting (indentation and `- ` items on one line). Linear; quotes are not
 * parsed, so brackets inside strings count too (a bound, not the exact depth).
 */
function nestingDepth(yaml: string): number {
  let max = 0;
  let flow = 0;
  let lineStart = true;
  let block = 0;
  for (let i = 0; i < yaml.length; i++) {
    const c = yaml.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      block = 0;
      continue;
    }
    if (lineStart) {
      if (c === 32) {
        block += 0.5;
      } else if (c === 45 /* - */ && yaml.charCodeAt(i + 1) === 32) {
        block += 1;
      } else {
        lineStart = false;
      }
    }
    if (c === 91 || c === 123) {
      flow++;
    } else if ((c === 93 || c === 125) && flow > 0) {
      flow--;
    }
    max = Math.max(max, flow + Math.ceil(block));
  }
  return max;
}
