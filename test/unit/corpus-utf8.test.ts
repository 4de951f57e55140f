import { strict as assert } from 'node:assert';
import { createSource, lineAt, lineRange, paragraphAt, paragraphRange, spanList, textWindow, wordEndIn } from '../../server/src/corpus/source';
import { wordEndFrom, wordHashes } from '../../server/src/corpus/tokenize';
import { lineCount, lineMap } from '../../server/src/corpus/utf8';
import type { ParagraphMode, SourceInfo } from '../../server/src/corpus/types';
import { decodeText } from '../../server/src/workspace/decode';
import { hashFile, HashSet } from '../../server/src/workspace/hashing';

/** Texts where the byte and the string views part: breaks of every kind, spaces of every width, astral characters at line edges. */
const TRICKY = [
  '',
  'x',
  '\n',
  'a\nb\n',
  'a\r\nb\rc\n\r\n',
  '\r',
  '\u00a0« Nous », dit-il.\u202f\n\n  \t\n\u2003Suite\u3000',
  '😀 début\n\u00a0😀\nfin 😀',
  '\ufeffmot en tête\n\ufeff\n',
  'é\r\n\u2028\r\nà',
  'ligne un\n\u00a0\u202f\u2009\n\nligne deux\n',
];

/** Random texts over an alphabet of the characters above. */
function randomTexts(count: number, seed: number): string[] {
  const alphabet = ['a', 'é', 'Z', '’', ' ', '\u00a0', '\u202f', '\u3000', '\n', '\r\n', '\r', '\t', '😀', '\ufeff', '«', '1', '𝒳'];
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state % n;
  };
  return Array.from({ length: count }, () => Array.from({ length: next(120) }, () => alphabet[next(alphabet.length)]).join(''));
}

/** A text as the workspace reads it: its bytes (with a BOM or not), the text decoded, the source on the bytes with the line map, and one on the string. */
function both(text: string, bom: boolean, mode: ParagraphMode): { text: string; bytes: Uint8Array; onBytes: SourceInfo; onText: SourceInfo } {
  const encoded = new TextEncoder().encode(text);
  const bytes = bom ? new Uint8Array([0xef, 0xbb, 0xbf, ...encoded]) : encoded;
  const decoded = decodeText(bytes);
  assert.ok('text' in decoded);
  const metadata = { title: 'T', date: '2020-08-06' };
  // No text given: the source keeps the bytes and has not decoded them.
  const onBytes = createSource('k', 'corpus/k.txt', undefined, mode, metadata, bytes, {}, lineMap(decoded.text, bytes));
  const onText = createSource('k', 'corpus/k.txt', decoded.text, mode, metadata);
  return { text: decoded.text, bytes, onBytes, onText };
}

describe('corpus/utf8: line maps', () => {
  const texts = [...TRICKY, ...randomTexts(300, 7)];

  it('each line start in the text is the same place in the bytes, and the map ends with both lengths', () => {
    for (const bom of [false, true]) {
      for (const t of texts) {
        const { text, bytes } = both(t, bom, 'blocks');
        const map = lineMap(text, bytes);
        assert.equal(map[map.length - 2], text.length);
        assert.equal(map[map.length - 1], bytes.length);
        for (let line = 0; line < lineCount(map); line++) {
          // (A text that starts with U+FEFF starts with a BOM's bytes: the decoder drops them.)
          const skip = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
          const prefix = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(skip, map[2 * line + 1]));
          assert.equal(prefix.length, map[2 * line], JSON.stringify(t));
        }
      }
    }
  });

  it('lines and paragraphs read off the bytes are those of the decoded text, in both paragraph modes', () => {
    for (const mode of ['blocks', 'lines'] as const) {
      for (const bom of [false, true]) {
        for (const t of texts) {
          const { onBytes, onText } = both(t, bom, mode);
          assert.deepEqual(onBytes.lines, onText.lines, JSON.stringify(t));
          assert.deepEqual(onBytes.paragraphs, onText.paragraphs, `${mode} ${JSON.stringify(t)}`);
        }
      }
    }
  });

  it('locating (ranges of lines and paragraphs, the one holding an offset) on the bytes gives what it gives on the text', () => {
    for (const mode of ['blocks', 'lines'] as const) {
      for (const t of texts) {
        const { text, onBytes, onText } = both(t, false, mode);
        // Asked in turn of two sources, as a check does: the kept bounds of one must not serve the other.
        const other = both('autre\n\nligne\n', false, mode).onBytes;
        for (const kind of ['line', 'paragraph'] as const) {
          const range = kind === 'line' ? lineRange : paragraphRange;
          const at = kind === 'line' ? lineAt : paragraphAt;
          const n = kind === 'line' ? onText.lines.length : onText.paragraphs.length;
          assert.equal(spanList(onBytes, kind).length, n);
          for (let first = 0; first <= n + 1; first++) {
            for (const last of [first, first + 1, n, n + 1]) {
              range(other, 1);
              assert.deepEqual(range(onBytes, first, last), range(onText, first, last), `${kind} ${first}-${last} ${mode} ${JSON.stringify(t)}`);
            }
          }
          for (let offset = 0; offset <= text.length; offset++) {
            at(other, 0);
            assert.equal(at(onBytes, offset), at(onText, offset), `${kind} at ${offset} ${mode} ${JSON.stringify(t)}`);
          }
        }
      }
    }
  });

  it('a piece of the text holds what was asked for, cut where the text is, and ends every word as the whole text does', () => {
    const long = Array.from({ length: 40 }, (_, i) => `Ligne ${i} : « le mot${'x'.repeat(i * 7)} » et 😀 l’après\u202f!`).join('\r\n');
    for (const t of [...texts, long]) {
      const { text, onBytes } = both(t, true, 'blocks');
      const { starts } = wordHashes(text);
      for (let i = 0; i < starts.length; i++) {
        const start = starts[i] & 0x7fffffff;
        const end = Math.min(text.length, start + 1 + ((i * 37) % 300));
        const piece = textWindow(onBytes, start, end);
        assert.ok(piece.offset <= start && piece.offset + piece.text.length >= end, `${start}-${end} in ${piece.offset}+${piece.text.length}`);
        assert.equal(piece.text, text.slice(piece.offset, piece.offset + piece.text.length));
        assert.equal(piece.atEnd, piece.offset + piece.text.length === text.length);
        assert.equal(wordEndIn(onBytes, piece, start), wordEndFrom(text, start));
      }
    }
    // A piece, not the whole text: the first line and the next one or two.
    const { text, onBytes } = both(long, false, 'blocks');
    assert.ok(textWindow(onBytes, 0, 1).text.length < text.length / 10);
  });

  it('the hashing step gives the line map of the text it decoded, when asked for it', () => {
    for (const t of texts.slice(0, 40)) {
      const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(t)]);
      const decoded = decodeText(bytes);
      assert.ok('text' in decoded);
      assert.deepEqual(hashFile(bytes, 1 << 20, new HashSet(), undefined, false, true).lines, lineMap(decoded.text, bytes));
      assert.equal(hashFile(bytes, 1 << 20, new HashSet()).lines, undefined);
    }
  });
});
