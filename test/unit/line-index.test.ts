/**
 * LineIndex: the line starts of a note (LSP positions are line and UTF-16 character),
 * whatever its line breaks; a text of line feeds only takes a faster path, which
 * must cut the same lines.
 */
import { strict as assert } from 'node:assert';
import { LineIndex } from '../../server/src/common/text';

/** Line starts by a regex split: \r\n, \r or \n. */
function reference(text: string): number[] {
  const starts = [0];
  const re = /\r\n|\r|\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    starts.push(m.index + m[0].length);
  }
  return starts;
}

describe('LineIndex', () => {
  const texts = ['', '\n', 'a', 'a\n', '\na', 'un\ndeux\n\n  trois  \n', 'a\r\nb', 'a\rb\nc', 'x\n\r\ny\r', '\r\n\r\n', 'é😀\nß'];

  it('cuts the lines as a split on \\r\\n, \\r and \\n does, line feeds only or not', () => {
    for (const text of texts) {
      assert.deepEqual(new LineIndex(text).lineStarts, reference(text), JSON.stringify(text));
    }
  });

  it('turns every offset into a position and back (but one inside a CRLF)', () => {
    for (const text of texts) {
      const lines = new LineIndex(text);
      for (let offset = 0; offset <= text.length; offset++) {
        const position = lines.positionAt(offset);
        const starts = reference(text);
        assert.equal(position.line, starts.filter((s) => s <= offset).length - 1, `${JSON.stringify(text)} @${offset}`);
        if (!(text[offset - 1] === '\r' && text[offset] === '\n')) {
          assert.equal(lines.offsetAt(position), offset); // inside a CRLF, no position stands
        }
      }
    }
  });
});
