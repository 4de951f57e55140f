/**
 * Definition blocks:
 *
 *     ::: entity pompeo
 *     name: Mike Pompeo
 *     Free Markdown description.
 *     :::
 *
 * - The opening line is `:::` (exactly three colons, at most three spaces before),
 *   the kind and the id; a trailing run of colons (`::: entity pompeo :::`) is allowed.
 * - `:::` alone closes the block. An unclosed block ends where the next definition
 *   opens, or at the end of the note: a forgotten `:::` then swallows nothing but
 *   the prose up to the next definition.
 * - `key: value` lines (a key `[A-Za-z][A-Za-z0-9_-]*`, a colon, then a space or the
 *   line's end) are fields; keys are case-sensitive, repeated keys are all kept, a
 *   value is one line. Every other line belongs to the description, code fences
 *   included (a fence's lines are never fields; `:::` still closes the block).
 * - `actors` and `after` hold `;`-separated mentions, `sources` citations; other
 *   values are plain text. The description is prose for mentions and citations
 *   (recorded with `inDefinition.field` `''`), but its quotations are not recorded.
 */
import type { Definition, DefinitionField } from './ast';
import type { NoteBuilder } from './builder';
import { isIdChar, scanInline } from './inline';
import { InlineText, isAsciiAlnum, isWhitespace } from './inline-text';
import {
  Fence,
  Line,
  afterIndent,
  closesFence,
  fenceOpening,
  isBlank,
  isDefinitionClose,
  isSpaceOrTab,
  skipSpaces,
  trimSpacesEnd,
} from './lines';

const DEFINITION_KINDS = ['entity', 'event'];

/** Fields holding mentions, with the sigil they take. */
const MENTION_FIELDS: Record<string, { sigil: '@' | '#'; example: string }> = {
  actors: { sigil: '@', example: '`@pompeo; @us-state-department`' },
  after: { sigil: '#', example: '`#clean-network; #executive-order`' },
};

interface Token {
  start: number;
  end: number;
}

export interface DefinitionHeader {
  /** Where `:::` starts. */
  start: number;
  kind: Token;
  /** Empty (at the end of the kind) when missing. */
  id: Token;
  /** Text after the id other than a run of colons. */
  extra?: Token;
}

/** The opening line of a definition, or undefined. `:::` alone is a closing line, not an opening one. */
export function definitionHeader(text: string, line: Line): DefinitionHeader | undefined {
  const start = afterIndent(text, line);
  if (start < 0 || !text.startsWith(':::', start) || text.charCodeAt(start + 3) === 58) {
    return undefined;
  }
  const kind = nextToken(text, start + 3, line.end);
  if (kind.start === kind.end) {
    return undefined;
  }
  const id = nextToken(text, kind.end, line.end);
  const restStart = skipSpaces(text, id.end, line.end);
  const restEnd = trimSpacesEnd(text, restStart, line.end);
  const onlyColons = /^:*$/.test(text.slice(restStart, restEnd));
  return {
    start,
    kind,
    id: id.start === id.end ? { start: kind.end, end: kind.end } : id,
    extra: onlyColons ? undefined : { start: restStart, end: restEnd },
  };
}

/** Parses the definition that opens on `lines[first]`; returns the index of the line after it. */
export function parseDefinition(builder: NoteBuilder, lines: readonly Line[], first: number, header: DefinitionHeader): number {
  const { text, ast } = builder;
  const headerLine = lines[first];
  const index = ast.definitions.length;
  const definition: Definition = {
    kind: text.slice(header.kind.start, header.kind.end),
    id: text.slice(header.id.start, header.id.end),
    idSpan: { ...header.id },
    span: { start: header.start, end: headerLine.end },
    headerSpan: { start: header.start, end: headerLine.end },
    fields: [],
    description: '',
    closed: false,
  };
  ast.definitions.push(definition);
  checkHeader(builder, definition, header);

  const description: string[] = [];
  let paragraph: Line[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) {
      const src = new InlineText(text, paragraph);
      builder.commit(scanInline(src, { mentions: true, quotations: false }), { definition: index, field: '' });
      paragraph = [];
    }
  };
  let fence: Fence | undefined;
  let fenceStart = 0;
  /** End of the last line inside the block. */
  let insideEnd = headerLine.end;
  let i = first + 1;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (isDefinitionClose(text, line)) {
      definition.closed = true;
      definition.span.end = afterIndent(text, line) + 3;
      i++;
      break;
    }
    if (definitionHeader(text, line)) {
      break;
    }
    const field = fence ? undefined : fieldAt(text, line);
    if (field) {
      flush();
      definition.fields.push(field);
      parseFieldValue(builder, index, field);
    } else {
      description.push(text.slice(line.start, line.end));
      if (fence) {
        if (closesFence(text, line, fence)) {
          ast.code.push({ start: fenceStart, end: line.end });
          fence = undefined;
        }
      } else {
        fence = fenceOpening(text, line);
        if (fence) {
          flush();
          fenceStart = line.start;
        } else if (isBlank(text, line)) {
          flush();
        } else {
          paragraph.push(line);
        }
      }
    }
    insideEnd = line.end;
    if (!isBlank(text, line)) {
      definition.span.end = line.end;
    }
  }
  flush();
  if (fence) {
    ast.code.push({ start: fenceStart, end: insideEnd });
  }
  definition.description = description.join('\n').trim();
  if (!definition.closed) {
    builder.error(definition.headerSpan, 'unclosed-definition', `Definition \`${definition.id}\` is not closed: add a line \`:::\` after it.`);
  }
  return i;
}

function checkHeader(builder: NoteBuilder, definition: Definition, header: DefinitionHeader): void {
  if (!DEFINITION_KINDS.includes(definition.kind)) {
    builder.error(
      header.kind,
      'unknown-definition-kind',
      `Unknown definition kind \`${definition.kind}\`: write \`::: entity some-id\` or \`::: event some-id\`.`,
    );
  }
  if (!definition.id) {
    builder.error(definition.headerSpan, 'invalid-definition-id', `Missing id: write \`::: ${definition.kind} some-id\`.`);
  } else if (!isValidId(definition.id)) {
    builder.error(
      definition.idSpan,
      'invalid-definition-id',
      `Invalid id \`${definition.id}\`: an id starts with a letter or digit and holds only letters, digits, \`_\` and \`-\`.`,
    );
  } else if (header.extra) {
    builder.error(header.extra, 'invalid-definition-id', `Unexpected text after the id \`${definition.id}\`: an id holds no spaces.`);
  }
}

/** `[A-Za-z0-9][A-Za-z0-9_-]*` */
function isValidId(id: string): boolean {
  if (!isAsciiAlnum(id.charCodeAt(0))) {
    return false;
  }
  for (let i = 1; i < id.length; i++) {
    if (!isIdChar(id.charCodeAt(i))) {
      return false;
    }
  }
  return true;
}

/** A `key: value` line. */
function fieldAt(text: string, line: Line): DefinitionField | undefined {
  const keyStart = skipSpaces(text, line.start, line.end);
  const c = text.charCodeAt(keyStart);
  if (keyStart === line.end || !((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) {
    return undefined;
  }
  let keyEnd = keyStart + 1;
  while (keyEnd < line.end && isIdChar(text.charCodeAt(keyEnd))) {
    keyEnd++;
  }
  const afterColon = keyEnd + 1;
  if (keyEnd >= line.end || text.charCodeAt(keyEnd) !== 58 || (afterColon < line.end && !isSpaceOrTab(text.charCodeAt(afterColon)))) {
    return undefined;
  }
  let valueStart = afterColon;
  while (valueStart < line.end && isWhitespace(text.charCodeAt(valueStart))) {
    valueStart++;
  }
  let valueEnd = line.end;
  while (valueEnd > valueStart && isWhitespace(text.charCodeAt(valueEnd - 1))) {
    valueEnd--;
  }
  return {
    key: text.slice(keyStart, keyEnd),
    keySpan: { start: keyStart, end: keyEnd },
    value: text.slice(valueStart, valueEnd),
    valueSpan: { start: valueStart, end: valueEnd },
  };
}

/** Records the mentions of `actors`/`after` and the citations of `sources`. */
function parseFieldValue(builder: NoteBuilder, definition: number, field: DefinitionField): void {
  const inDefinition = { definition, field: field.key };
  if (field.key === 'sources') {
    const src = new InlineText(builder.text, [field.valueSpan]);
    const result = scanInline(src, { mentions: false, quotations: false });
    builder.commit(result, inDefinition);
    if (result.errors.length === 0 && hasTextOutside(src.s, result.citations)) {
      builder.error(field.valueSpan, 'malformed-field', 'Write `sources` as citations separated by `;`, e.g. `[@key]; [@other, ¶2]`.', 'warning');
    }
    return;
  }
  const expected = MENTION_FIELDS[field.key];
  if (!expected) {
    return;
  }
  const { text, ast } = builder;
  const { start, end } = field.valueSpan;
  let itemStart = start;
  while (itemStart <= end) {
    let itemEnd = itemStart;
    while (itemEnd < end && text.charCodeAt(itemEnd) !== 59 /* ; */) {
      itemEnd++;
    }
    let from = itemStart;
    let to = itemEnd;
    while (from < to && isWhitespace(text.charCodeAt(from))) {
      from++;
    }
    while (to > from && isWhitespace(text.charCodeAt(to - 1))) {
      to--;
    }
    const item = text.slice(from, to);
    const sigil = item[0];
    if ((sigil === '@' || sigil === '#') && isValidId(item.slice(1))) {
      ast.mentions.push({ sigil, id: item.slice(1), span: { start: from, end: to }, idSpan: { start: from + 1, end: to }, inDefinition });
    }
    if (item && (sigil !== expected.sigil || !isValidId(item.slice(1)))) {
      builder.error(
        { start: from, end: to },
        'malformed-field',
        `Write \`${field.key}\` as \`${expected.sigil}id\` mentions separated by \`;\`, e.g. ${expected.example}.`,
        'warning',
      );
    }
    itemStart = itemEnd + 1;
  }
}

/** Whether `s` holds anything but whitespace and `;` outside the citations. */
function hasTextOutside(s: string, citations: readonly { start: number; end: number }[]): boolean {
  let p = 0;
  for (const citation of [...citations, { start: s.length, end: s.length }]) {
    if (/[^\s;]/.test(s.slice(p, citation.start))) {
      return true;
    }
    p = citation.end;
  }
  return false;
}

/** The next run of non-space characters at or after `p`. */
function nextToken(text: string, p: number, end: number): Token {
  const start = skipSpaces(text, p, end);
  let tokenEnd = start;
  while (tokenEnd < end && !isSpaceOrTab(text.charCodeAt(tokenEnd))) {
    tokenEnd++;
  }
  return { start, end: tokenEnd };
}
