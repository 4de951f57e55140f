import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Span } from '../../server/src/common/text';
import type { NoteAst } from '../../server/src/syntax/ast';
import { parseNote } from '../../server/src/syntax/parser';

/** Every span in the tree, with a label. */
function allSpans(ast: NoteAst): [string, Span][] {
  const spans: [string, Span][] = [];
  if (ast.frontMatter) {
    spans.push(['frontMatter', ast.frontMatter.span]);
  }
  ast.headings.forEach((h) => spans.push(['heading', h.span]));
  ast.definitions.forEach((d) => {
    spans.push(['definition', d.span], ['header', d.headerSpan], ['id', d.idSpan]);
    d.fields.forEach((f) => spans.push(['key', f.keySpan], ['value', f.valueSpan]));
  });
  ast.mentions.forEach((m) => spans.push(['mention', m.span], ['mentionId', m.idSpan]));
  ast.citations.forEach((c) => {
    spans.push(['citation', c.span]);
    c.items.forEach((item) => {
      spans.push(['item', item.span], ['itemKey', item.keySpan]);
      if (item.locator) {
        spans.push(['locator', item.locator.span]);
      }
    });
  });
  ast.quotations.forEach((q) => spans.push(['quotation', q.span], ['outer', q.outerSpan]));
  ast.code.forEach((span) => spans.push(['code', span]));
  ast.errors.forEach((e) => spans.push(['error', e.span]));
  return spans;
}

/** Structural invariants that hold for any input. */
function assertSane(text: string, ast: NoteAst): void {
  assert.equal(ast.text, text);
  for (const [label, span] of allSpans(ast)) {
    assert.ok(Number.isInteger(span.start) && Number.isInteger(span.end), label);
    assert.ok(0 <= span.start && span.start <= span.end && span.end <= text.length, `${label} ${JSON.stringify(span)}`);
  }
  for (const mention of ast.mentions) {
    assert.equal(text.slice(mention.span.start, mention.span.end), mention.sigil + mention.id);
  }
  for (const citation of ast.citations) {
    assert.equal(text[citation.span.start], '[');
    assert.ok(citation.items.length > 0);
    for (const item of citation.items) {
      assert.equal(text.slice(item.keySpan.start, item.keySpan.end), item.key);
      assert.ok(citation.span.start <= item.span.start && item.span.end <= citation.span.end);
    }
  }
  for (const quotation of ast.quotations) {
    assert.ok(quotation.outerSpan.start <= quotation.span.start && quotation.span.end <= quotation.outerSpan.end);
    assert.ok(quotation.text.length > 0);
    assert.ok(quotation.citation === undefined || (quotation.citation >= 0 && quotation.citation < ast.citations.length));
  }
  const ordered = (spans: Span[]): void => {
    for (let i = 1; i < spans.length; i++) {
      assert.ok(spans[i - 1].start <= spans[i].start, 'document order');
    }
  };
  ordered(ast.mentions.map((m) => m.span));
  ordered(ast.citations.map((c) => c.span));
  ordered(ast.quotations.map((q) => q.outerSpan));
  ordered(ast.code);
  ordered(ast.errors.map((e) => e.span));
}

function parseSane(text: string): NoteAst {
  const ast = parseNote(text);
  assertSane(text, ast);
  return ast;
}

describe('parseNote: pathological input', () => {
  const N = 20_000;

  it('handles thousands of `[@`', () => {
    const ast = parseSane('[@'.repeat(N));
    assert.equal(ast.citations.length, 0);
    assert.equal(ast.errors.length, N);
    const keyed = parseSane('[@a, x '.repeat(N));
    assert.equal(keyed.citations.length, N);
  });

  it('handles thousands of quote marks', () => {
    assert.equal(parseSane('«'.repeat(N)).quotations.length, 0);
    assert.equal(parseSane('»'.repeat(N) + '«'.repeat(N)).quotations.length, 0);
    assert.equal(parseSane('«'.repeat(N) + 'x' + '»'.repeat(N)).quotations.length, 1);
    assert.equal(parseSane('«'.repeat(N) + '”'.repeat(N)).quotations.length, 0);
    assert.equal(parseSane('"a '.repeat(N)).quotations.length, 0);
    assert.equal(parseSane('"a" '.repeat(N)).quotations.length, N);
    assert.equal(parseSane('„“'.repeat(N)).quotations.length, 0);
  });

  it('handles thousands of `:::` lines and definition openers', () => {
    assert.equal(parseSane(':::\n'.repeat(N)).errors.length, N);
    const openers = parseSane('::: entity x\n'.repeat(N));
    assert.equal(openers.definitions.length, N);
    assert.ok(openers.definitions.every((d) => !d.closed));
  });

  it('handles thousands of `> ` markers', () => {
    assert.equal(parseSane('> '.repeat(N)).quotations.length, 0);
    assert.equal(parseSane('> x\n'.repeat(N)).quotations.length, 1);
    assert.equal(parseSane('>'.repeat(N) + ' deep').quotations[0].text, 'deep');
  });

  it('handles thousands of backslashes and backticks', () => {
    assert.deepEqual(parseSane('\\'.repeat(N) + '@x').mentions.length, 0);
    assert.deepEqual(parseSane('\\'.repeat(N + 1) + '@x').mentions.length, 0);
    parseSane('`'.repeat(N));
    const runs = Array.from({ length: 500 }, (_, i) => '`'.repeat(i + 1)).join(' x ');
    assert.equal(parseSane(runs).code.length, 0);
    assert.equal(parseSane('`a` '.repeat(N)).code.length, N);
  });

  it('handles a 100k-character line and a 100k-line note', () => {
    const line = 'word @m #e [@k] «q» '.repeat(5_000);
    const ast = parseSane(line);
    assert.equal(ast.mentions.length, 10_000);
    assert.equal(ast.quotations.length, 5_000);
    parseSane('x'.repeat(100_000));
    parseSane('a\n'.repeat(100_000));
    parseSane('[@a, ' + ' '.repeat(100_000));
    parseSane('```\n' + 'x\n'.repeat(N));
    parseSane('---\n' + 'a: 1\n'.repeat(N));
  });

  it('handles many unclosed brackets and link destinations', () => {
    parseSane('[@a; '.repeat(N));
    parseSane('[@a b '.repeat(N));
    parseSane('](' + '('.repeat(N));
    parseSane('[@a]('.repeat(N));
  });
});

describe('parseNote: any input', () => {
  const pieces = [
    '@', '#', '[', ']', '[@', '@a', '#e-1', ';', ',', ' ¶', '¶4-6', 'l. 2', 'para. ', '-', '–', '"', '“', '”', '«', '»', '„',
    '`', '```', '~~~', '\\', '>', '> ', ':::', '::: entity ', '::: event x', 'name: ', 'actors: ', 'sources: ', 'after: ',
    '---', '...', '# ', '- ', '| ', ' ', '\t', '\n', '\r\n', '\r', '\n\n', '\uFEFF', '\u0000', '\uD800', '\uDC00', '😀',
    'é', 'a', 'key', '[sic]', '…', 'https://x.org/#a', 'a@b.org', ']('
  ];
  const note = fc.array(fc.constantFrom(...pieces), { maxLength: 80 }).map((parts) => parts.join(''));

  it('never throws and keeps every span in bounds and in order', () => {
    fc.assert(
      fc.property(note, (text) => {
        assertSane(text, parseNote(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        assertSane(text, parseNote(text));
      }),
      { numRuns: 2000 },
    );
  });
});
