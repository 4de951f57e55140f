import { strict as assert } from 'node:assert';
import { splitLines } from '../../server/src/syntax/lines';

describe('syntax/lines: splitLines', () => {
  const lines = (text: string) => splitLines(text).map((l) => [l.start, l.end, l.next]);

  it('line feeds only (found with indexOf): every line, a BOM skipped, the last one possibly empty', () => {
    assert.deepEqual(lines(''), [[0, 0, 0]]);
    assert.deepEqual(lines('a\nbc\n'), [[0, 1, 2], [2, 4, 5], [5, 5, 5]]);
    assert.deepEqual(lines('\n\n'), [[0, 0, 1], [1, 1, 2], [2, 2, 2]]);
    assert.deepEqual(lines('\uFEFFx\ny'), [[1, 2, 3], [3, 4, 4]]);
  });

  it('with carriage returns: CRLF and a lone CR end a line too, as line feeds do', () => {
    assert.deepEqual(lines('a\r\nb\rc\n'), [[0, 1, 3], [3, 4, 5], [5, 6, 7], [7, 7, 7]]);
    // The same lines as with line feeds, but for where each break ends.
    const lf = splitLines('one\ntwo\n\nthree').map((l) => 'one\ntwo\n\nthree'.slice(l.start, l.end));
    const crlf = splitLines('one\r\ntwo\r\n\r\nthree').map((l) => 'one\r\ntwo\r\n\r\nthree'.slice(l.start, l.end));
    assert.deepEqual(crlf, lf);
  });
});
