/**
 * Lines and the line-level Markdown constructs the parser recognizes.
 *
 * Every predicate looks at one line and runs in time proportional to what it
 * inspects (at most the line), so the block pass stays linear.
 */

/** One line of the note: `[start, end)` is its content, `next` where the following line starts. */
export interface Line {
  start: number;
  end: number;
  next: number;
}

/**
 * Splits `text` at `\n`, `\r\n` and lone `\r`. A leading BOM belongs to no line.
 * The last line may be empty (text ending with a line break).
 */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (!text.includes('\r')) {
    // Line feeds only (nearly every file): the string's own search finds them, several
    // times faster than a loop over every character.
    for (let i = text.indexOf('\n', start); i >= 0; i = text.indexOf('\n', start)) {
      lines.push({ start, end: i, next: i + 1 });
      start = i + 1;
    }
    lines.push({ start, end: text.length, next: text.length });
    return lines;
  }
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      const next = c === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
      lines.push({ start, end: i, next });
      start = next;
      i = next - 1;
    }
  }
  lines.push({ start, end: text.length, next: text.length });
  return lines;
}

export function isSpaceOrTab(c: number): boolean {
  return c === 32 || c === 9;
}

/** Position after the line's indentation of at most three spaces, or -1 when it is indented more. */
export function afterIndent(text: string, line: Line): number {
  let p = line.start;
  while (p < line.end && p - line.start < 4 && text.charCodeAt(p) === 32) {
    p++;
  }
  return p - line.start < 4 ? p : -1;
}

/** Position of the first character at or after `p` that is not a space or tab (at most `end`). */
export function skipSpaces(text: string, p: number, end: number): number {
  while (p < end && isSpaceOrTab(text.charCodeAt(p))) {
    p++;
  }
  return p;
}

/** End of `[start, end)` once trailing spaces and tabs are removed. */
export function trimSpacesEnd(text: string, start: number, end: number): number {
  while (end > start && isSpaceOrTab(text.charCodeAt(end - 1))) {
    end--;
  }
  return end;
}

export function isBlank(text: string, line: Line): boolean {
  return skipSpaces(text, line.start, line.end) === line.end;
}

/** Length of the run of `c` (a char code) starting at `p`, not beyond `end`. */
function runLength(text: string, p: number, c: number, end: number): number {
  let q = p;
  while (q < end && text.charCodeAt(q) === c) {
    q++;
  }
  return q - p;
}

export interface AtxHeading {
  level: number;
  /** The heading's inline content, without the `#` markers and surrounding spaces. */
  contentStart: number;
  contentEnd: number;
}

/** `# Heading` .. `###### Heading` (CommonMark ATX heading, optional closing `#`s). */
export function atxHeading(text: string, line: Line): AtxHeading | undefined {
  const p = afterIndent(text, line);
  if (p < 0) {
    return undefined;
  }
  const level = runLength(text, p, 35 /* # */, Math.min(line.end, p + 7));
  const after = p + level;
  if (level === 0 || level > 6 || (after < line.end && !isSpaceOrTab(text.charCodeAt(after)))) {
    return undefined;
  }
  const contentStart = skipSpaces(text, after, line.end);
  let contentEnd = trimSpacesEnd(text, contentStart, line.end);
  // A closing sequence of `#`s counts when it is the whole content or follows a space.
  let hashes = contentEnd;
  while (hashes > contentStart && text.charCodeAt(hashes - 1) === 35) {
    hashes--;
  }
  if (hashes < contentEnd && (hashes === contentStart || isSpaceOrTab(text.charCodeAt(hashes - 1)))) {
    contentEnd = trimSpacesEnd(text, contentStart, hashes);
  }
  return { level, contentStart, contentEnd };
}

export interface Fence {
  /** Char code of the fence character (backtick or tilde). */
  char: number;
  length: number;
}

/** An opening code fence: three or more backticks (info string without backticks) or tildes. */
export function fenceOpening(text: string, line: Line): Fence | undefined {
  const p = afterIndent(text, line);
  if (p < 0) {
    return undefined;
  }
  const char = text.charCodeAt(p);
  if (char !== 96 /* ` */ && char !== 126 /* ~ */) {
    return undefined;
  }
  const length = runLength(text, p, char, line.end);
  if (length < 3) {
    return undefined;
  }
  if (char === 96 && text.slice(p + length, line.end).includes('`')) {
    return undefined;
  }
  return { char, length };
}

/** A line that closes `fence`: the same character, at least as many, then only spaces. */
export function closesFence(text: string, line: Line, fence: Fence): boolean {
  const p = afterIndent(text, line);
  if (p < 0) {
    return false;
  }
  const length = runLength(text, p, fence.char, line.end);
  return length >= fence.length && skipSpaces(text, p + length, line.end) === line.end;
}

/** `***`, `---`, `___` (three or more, spaces allowed between). */
export function isThematicBreak(text: string, line: Line): boolean {
  const p = afterIndent(text, line);
  if (p < 0) {
    return false;
  }
  const char = text.charCodeAt(p);
  if (char !== 42 /* * */ && char !== 45 /* - */ && char !== 95 /* _ */) {
    return false;
  }
  let count = 0;
  for (let q = p; q < line.end; q++) {
    const c = text.charCodeAt(q);
    if (c === char) {
      count++;
    } else if (!isSpaceOrTab(c)) {
      return false;
    }
  }
  return count >= 3;
}

export function isBlockQuoteLine(text: string, line: Line): boolean {
  const p = afterIndent(text, line);
  return p >= 0 && text.charCodeAt(p) === 62 /* > */;
}

/** Start of a block quote line's content: after every `>` marker (nested `> >` too) and its optional space. */
export function blockQuoteContentStart(text: string, line: Line): number {
  let p = line.start;
  for (;;) {
    let q = p;
    while (q < line.end && q - p < 3 && text.charCodeAt(q) === 32) {
      q++;
    }
    if (q >= line.end || text.charCodeAt(q) !== 62) {
      return p;
    }
    p = q + 1;
    if (p < line.end && isSpaceOrTab(text.charCodeAt(p))) {
      p++;
    }
  }
}

/** A list item's first line: `-`, `*`, `+`, `1.` or `1)` followed by a space (any indentation). */
export function isListItemStart(text: string, line: Line): boolean {
  const p = skipSpaces(text, line.start, line.end);
  if (p === line.end) {
    return false;
  }
  const c = text.charCodeAt(p);
  let after: number;
  if (c === 45 || c === 42 || c === 43) {
    after = p + 1;
  } else {
    const digits = runLengthOf(text, p, line.end, isAsciiDigit);
    if (digits === 0 || digits > 9) {
      return false;
    }
    const delimiter = text.charCodeAt(p + digits);
    if (delimiter !== 46 /* . */ && delimiter !== 41 /* ) */) {
      return false;
    }
    after = p + digits + 1;
  }
  return after === line.end || (after < line.end && isSpaceOrTab(text.charCodeAt(after)));
}

/** A table row: the line starts with `|`. */
export function isTableRow(text: string, line: Line): boolean {
  const p = afterIndent(text, line);
  return p >= 0 && text.charCodeAt(p) === 124 /* | */;
}

/** `:::` alone on its line: closes a definition. */
export function isDefinitionClose(text: string, line: Line): boolean {
  const p = afterIndent(text, line);
  return (
    p >= 0 &&
    text.startsWith(':::', p) &&
    text.charCodeAt(p + 3) !== 58 &&
    skipSpaces(text, p + 3, line.end) === line.end
  );
}

function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function runLengthOf(text: string, p: number, end: number, test: (c: number) => boolean): number {
  let q = p;
  while (q < end && test(text.charCodeAt(q))) {
    q++;
  }
  return q - p;
}
