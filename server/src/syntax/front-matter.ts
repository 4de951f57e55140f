/**
 * YAML front matter: a first line `---` (after an optional BOM), the YAML, and a
 * closing `---` or `...` line.
 */
import { CORE_SCHEMA, load, YAMLException } from 'js-yaml';
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
  const span = { start: lines[0].start, end: lines[close].end };
  if (depth > MAX_YAML_DEPTH) {
    // Never handed to the YAML parser: it recurses per level, and V8 can abort the
    // whole process (not throw) when that exhausts the stack inside a regular expression.
    return {
      frontMatter: { span, data: undefined },
      bodyLine: close + 1,
      errors: [{ span: { start: yamlStart, end: yamlEnd }, code: 'invalid-front-matter', severity: 'error', message: `Invalid front matter: nested more than ${MAX_YAML_DEPTH} levels deep` }],
    };
  }
  if (!hasContent(yaml)) {
    return { frontMatter: { span, data: null }, bodyLine: close + 1, errors: [] };
  }
  try {
    // YAML 1.2's core schema, as the format says (no dates, no `yes`/`no` booleans). The
    // nesting was bounded above; aliases share nodes, so the value is walked for size.
    const data = load(yaml, { schema: CORE_SCHEMA });
    if (!withinSize(data, MAX_YAML_VALUES)) {
      const message = `Invalid front matter: it holds more than ${MAX_YAML_VALUES.toLocaleString('en')} values (its aliases expanded)`;
      return { frontMatter: { span, data: undefined }, bodyLine: close + 1, errors: [{ span: { start: yamlStart, end: yamlEnd }, code: 'invalid-front-matter', severity: 'error', message }] };
    }
    return { frontMatter: { span, data }, bodyLine: close + 1, errors: [] };
  } catch (e) {
    return { frontMatter: { span, data: undefined }, bodyLine: close + 1, errors: [yamlError(e, yaml, yamlStart)] };
  }
}

/**
 * The diagnostic of a YAML error: from where the parser stopped to the end of that
 * line (the whole YAML when it gives no position).
 */
function yamlError(e: unknown, yaml: string, yamlStart: number): SyntaxDiagnostic {
  if (e instanceof YAMLException) {
    const mark = e.mark;
    let start = 0;
    let end = yaml.length;
    if (mark && Number.isInteger(mark.position)) {
      start = Math.min(Math.max(mark.position, 0), yaml.length);
      const eol = yaml.indexOf('\n', start);
      end = eol < 0 ? yaml.length : eol;
      if (end === start) {
        // At a line's end or the YAML's end: the line that ends there (or the one before an empty line).
        end = start > 0 && yaml.charCodeAt(start - 1) === 10 ? start - 1 : start;
        start = yaml.lastIndexOf('\n', end - 1) + 1;
      }
      if (end > start && yaml.charCodeAt(end - 1) === 13) {
        end--; // a CRLF line's \r
      }
    }
    return { span: { start: yamlStart + start, end: yamlStart + end }, code: 'invalid-front-matter', severity: 'error', message: `Invalid front matter: ${e.reason}` };
  }
  // Anything else the parser throws (it should not): reported, never thrown.
  return { span: { start: yamlStart, end: yamlStart + yaml.length }, code: 'invalid-front-matter', severity: 'error', message: `Invalid front matter: it cannot be read (${e instanceof Error ? e.message : String(e)})` };
}

/**
 * Whether `value`, walked as a tree (aliases expanded: each shared node counted
 * wherever it appears), has at most `max` values. Stops as soon as it has more.
 */
function withinSize(value: unknown, max: number): boolean {
  const stack: unknown[] = [value];
  let count = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++count > max) {
      return false;
    }
    if (v !== null && typeof v === 'object') {
      // One by one (spreading a long array into `push` would overflow the stack), and no further than the bound.
      for (const child of Array.isArray(v) ? v : Object.values(v)) {
        if (count + stack.length >= max) {
          return false;
        }
        stack.push(child);
      }
    }
  }
  return true;
}

/** Whether the YAML holds anything but blank lines and comments (an empty document's value is `null`, whatever js-yaml says of it). */
function hasContent(yaml: string): boolean {
  return yaml.split('\n').some((line) => {
    const t = line.trim();
    return t !== '' && !t.startsWith('#');
  });
}

/** Whether the line is exactly `marker`, trailing spaces allowed. */
function isLine(text: string, line: Line, marker: string): boolean {
  return trimSpacesEnd(text, line.start, line.end) - line.start === marker.length && text.startsWith(marker, line.start);
}

/** Front matter nested deeper than this is not parsed (it is reported). */
export const MAX_YAML_DEPTH = 100;

/**
 * Values a front matter may hold once its aliases are expanded. The value js-yaml
 * gives is a graph that shares the aliased nodes; anything walking it as a tree (a
 * copy, JSON) would expand a "billion laughs" document exponentially: refused.
 */
export const MAX_YAML_VALUES = 100_000;

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
