import assert from 'node:assert/strict';
import type { Locator } from '../../server/src/syntax/ast';
import { parseNote } from '../../server/src/syntax/parser';
import { at, citationKeys, codes, mentionTexts, parseMarked } from './parser-helpers';

/** The locator of the first item of the only citation, without its span. */
function locatorOf(text: string): Omit<Locator, 'span'> | undefined {
  const ast = parseNote(text);
  assert.equal(ast.citations.length, 1, text);
  assert.deepEqual(ast.errors, [], text);
  const locator = ast.citations[0].items[0].locator;
  return locator && { kind: locator.kind, start: locator.start, end: locator.end };
}

describe('parseNote: citations', () => {
  it('parses a bare citation with exact spans', () => {
    const { ast, spans } = parseMarked('As reported ⟦[⟦@⟦000_89686b2429188c97⟧⟧]⟧.');
    assert.equal(ast.citations.length, 1);
    const [citation] = ast.citations;
    assert.deepEqual(citation.span, spans[0]);
    assert.deepEqual(citation.items, [{ key: '000_89686b2429188c97', span: spans[1], keySpan: spans[2] }]);
    assert.equal(citation.inDefinition, undefined);
    assert.deepEqual(ast.mentions, []);
  });

  it('parses every locator form', () => {
    const paragraphs = { kind: 'paragraph', start: 4, end: 4 };
    assert.deepEqual(locatorOf('[@key, ¶4]'), paragraphs);
    assert.deepEqual(locatorOf('[@key, ¶ 4]'), paragraphs);
    assert.deepEqual(locatorOf('[@key, para. 4]'), paragraphs);
    assert.deepEqual(locatorOf('[@key,para.4]'), paragraphs);
    assert.deepEqual(locatorOf('[@key, ¶4-6]'), { kind: 'paragraph', start: 4, end: 6 });
    assert.deepEqual(locatorOf('[@key, ¶4–6]'), { kind: 'paragraph', start: 4, end: 6 });
    assert.deepEqual(locatorOf('[@key, ¶¶ 4 – 6]'), { kind: 'paragraph', start: 4, end: 6 });
    assert.deepEqual(locatorOf('[@key, paras. 4-6]'), { kind: 'paragraph', start: 4, end: 6 });
    assert.deepEqual(locatorOf('[@key, l. 12]'), { kind: 'line', start: 12, end: 12 });
    assert.deepEqual(locatorOf('[@key, ll. 12-14]'), { kind: 'line', start: 12, end: 12 + 2 });
    assert.deepEqual(locatorOf('[@key, ¶7-7]'), { kind: 'paragraph', start: 7, end: 7 });
  });

  it('gives the locator span as written', () => {
    const { ast, spans } = parseMarked('[@key,  ⟦ll. 12-14⟧  ]');
    assert.deepEqual(ast.citations[0].items[0].locator?.span, spans[0]);
  });

  it('parses several items, each with its own locator', () => {
    const { ast, spans } = parseMarked('[⟦@a⟧; ⟦@b⟧, ¶2;⟦@c⟧, l. 3]');
    assert.deepEqual(citationKeys(ast), [['a', 'b', 'c']]);
    assert.deepEqual(
      ast.citations[0].items.map((item) => item.span),
      spans,
    );
    assert.deepEqual(
      ast.citations[0].items.map((item) => item.locator?.start),
      [undefined, 2, 3],
    );
  });

  it('lets a citation wrap a line within a paragraph', () => {
    const ast = parseNote('Text [@a;\n@b, ¶2] end');
    assert.deepEqual(citationKeys(ast), [['a', 'b']]);
    assert.equal(at(ast, ast.citations[0].span), '[@a;\n@b, ¶2]');
  });

  it('accepts keys with dots, colons and hyphens but not a trailing dot or colon', () => {
    assert.deepEqual(citationKeys(parseNote('[@doe.2020:x-y_z]')), [['doe.2020:x-y_z']]);
    const ast = parseNote('[@key.]');
    assert.deepEqual(citationKeys(ast), [['key']]);
    assert.deepEqual(codes(ast), ['malformed-citation']);
  });

  it('is not a citation without `@` right after `[`, when escaped, or in code', () => {
    const ast = parseNote('[text] [see @doe] \\[@key] `[@code]` [ @spaced]');
    assert.deepEqual(ast.citations, []);
    assert.deepEqual(ast.errors, []);
    assert.deepEqual(mentionTexts(ast), ['@doe', '@key', '@spaced']);
  });

  it('reports a bad locator with the accepted forms and keeps the key', () => {
    const { ast, spans } = parseMarked('See [@key, ⟦page 4⟧] and @x.');
    assert.deepEqual(citationKeys(ast), [['key']]);
    assert.equal(ast.citations[0].items[0].locator, undefined);
    assert.equal(at(ast, ast.citations[0].span), '[@key, page 4]');
    assert.equal(ast.errors.length, 1);
    const [error] = ast.errors;
    assert.equal(error.code, 'malformed-citation');
    assert.equal(error.severity, 'error');
    assert.deepEqual(error.span, spans[0]);
    for (const form of ['¶4', '¶4-6', 'para. 4', 'l. 12', 'll. 12-14']) {
      assert.ok(error.message.includes(form), error.message);
    }
    assert.deepEqual(mentionTexts(ast), ['@x']);
  });

  it('reports locators that are 0, run backwards or are missing', () => {
    for (const text of ['[@key, ¶0]', '[@key, ll. 14-12]', '[@key,]', '[@key, ¶99999999999999999999]']) {
      const ast = parseNote(text);
      assert.deepEqual(codes(ast), ['malformed-citation'], text);
      assert.deepEqual(citationKeys(ast), [['key']], text);
      assert.equal(ast.citations[0].items[0].locator, undefined, text);
    }
  });

  it('reports an empty key without producing a citation', () => {
    for (const text of ['[@]', '[@ key]', '[@, ¶4]']) {
      const ast = parseNote(text);
      assert.deepEqual(codes(ast), ['malformed-citation'], text);
      assert.deepEqual(ast.errors[0].span, { start: 0, end: text.length }, text);
      assert.deepEqual(ast.citations, [], text);
    }
  });

  it('reports text that does not fit the grammar, over the whole bracket', () => {
    const ast = parseNote('x [@a b] [@a; b] y');
    assert.deepEqual(codes(ast), ['malformed-citation', 'malformed-citation']);
    assert.deepEqual(
      ast.errors.map((e) => at(ast, e.span)),
      ['[@a b]', '[@a; b]'],
    );
    assert.deepEqual(citationKeys(ast), [['a'], ['a']]);
  });

  it('reports an unclosed citation at the end of a line or paragraph and goes on', () => {
    const ast = parseNote('See [@key and @pompeo said.\n\n[@other');
    assert.deepEqual(codes(ast), ['malformed-citation', 'malformed-citation']);
    assert.deepEqual(
      ast.errors.map((e) => at(ast, e.span)),
      ['[@key', '[@other'],
    );
    assert.ok(ast.errors[0].message.includes('Unclosed'));
    assert.deepEqual(citationKeys(ast), [['key'], ['other']]);
    assert.deepEqual(mentionTexts(ast), ['@pompeo']);
  });

  it('does not let a citation cross a paragraph break', () => {
    const ast = parseNote('[@a,\n\n¶4]');
    assert.deepEqual(
      ast.errors.map((e) => [e.code, at(ast, e.span)]),
      [
        ['malformed-citation', '[@a,'],
        ['malformed-citation', '@a'],
      ],
    );
    assert.deepEqual(citationKeys(ast), [['a']]);
  });

  it('stops an unclosed bracket at the next `[`', () => {
    const ast = parseNote('[@a, p. 2 [@b]');
    assert.deepEqual(citationKeys(ast), [['a'], ['b']]);
    assert.deepEqual(
      ast.errors.map((e) => at(ast, e.span)),
      ['[@a, p. 2', 'p. 2'],
    );
  });
});
