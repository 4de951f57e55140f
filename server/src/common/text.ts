/**
 * Offsets, positions and ranges.
 *
 * Inside the language service every location is a UTF-16 code-unit offset into
 * the text it belongs to (a JavaScript string index). Positions (0-based line,
 * UTF-16 character) exist only at the edges, computed through a {@link LineIndex}.
 */

/**
 * `s` as a string of its own. V8 makes a slice of 13 or more characters a view of
 * the whole string it was cut from and keeps that string alive as long as the
 * slice: a word or a quotation kept from a source's decoded text, or from a note's
 * joined paragraph, would keep the whole text. Use it for what is kept.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1); // the concatenation is flattened into a new string
}

/** A half-open range of UTF-16 offsets `[start, end)` in one text. */
export interface Span {
  start: number;
  end: number;
}

/** 0-based line and UTF-16 character, as in the Language Server Protocol. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/**
 * Maps offsets to positions and back. Line breaks are `\n`, `\r\n` and `\r`,
 * as in the LSP; a position past the end of a line is clamped to it.
 */
export class LineIndex {
  /** Offset at which each line starts. */
  readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    if (text.indexOf('\r') < 0) {
      // Line feeds only (most files): found by the string's native indexOf.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        starts.push(i + 1);
      }
      this.lineStarts = starts;
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) {
          i++;
        }
        starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The 0-based line that holds `offset`. */
  lineAt(offset: number): number {
    return Math.max(0, lastAtOrBefore(this.lineStarts, offset));
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(clamped);
    return { line, character: clamped - this.lineStarts[line] };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) {
      return 0;
    }
    if (position.line >= this.lineStarts.length) {
      return this.text.length;
    }
    const start = this.lineStarts[position.line];
    const end = this.lineContentEnd(position.line);
    return Math.min(start + Math.max(0, position.character), end);
  }

  rangeOf(span: Span): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }

  /** Offset just past the last character of `line`, before its line break. */
  lineContentEnd(line: number): number {
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    let end = next;
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 10) {
      end--;
    }
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 13) {
      end--;
    }
    return end;
  }
}

/** The index of the last value `<= x` in ascending `sorted`; -1 when there is none. */
export function lastAtOrBefore(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
