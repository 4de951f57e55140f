import assert from 'node:assert/strict';
import { parseNote } from '../../server/src/syntax/parser';
import { at, citationKeys, codes, mentionTexts, parseMarked } from './parser-helpers';

describe('parseNote: definitions', () => {
  it('parses the FORMAT example', () => {
    const { ast, spans } = parseMarked(
      [
        '⟦⟦::: entity ⟦pompeo⟧⟧',
        '⟦name⟧: ⟦Mike Pompeo⟧',
        'kind: person',
        'aliases: Pompeo; M. Pompeo; secrétaire d’État américain',
        'role: U.S. Secretary of State (2018–2021)',
        ':::⟧',
        '',
        '::: event clean-network',
        'title: Pompeo presents the five-pronged "Clean Network" program',
        'date: 2020-08-05',
        'actors: ⟦@pompeo⟧; ⟦@us-state-department⟧',
        'sources: ⟦[@000_89686b2429188c97]⟧; ⟦[@002_212038316e46eb29]⟧',
        ':::',
      ].join('\n'),
    );
    const [span, headerSpan, idSpan, keySpan, valueSpan, actor1, actor2, source1, source2] = spans;
    assert.equal(ast.definitions.length, 2);
    const [entity, event] = ast.definitions;
    assert.deepEqual(
      { kind: entity.kind, id: entity.id, idSpan: entity.idSpan, span: entity.span, headerSpan: entity.headerSpan, closed: entity.closed },
      { kind: 'entity', id: 'pompeo', idSpan, span, headerSpan, closed: true },
    );
    assert.deepEqual(entity.fields[0], { key: 'name', keySpan, value: 'Mike Pompeo', valueSpan });
    assert.deepEqual(
      entity.fields.map((f) => [f.key, f.value]),
      [
        ['name', 'Mike Pompeo'],
        ['kind', 'person'],
        ['aliases', 'Pompeo; M. Pompeo; secrétaire d’État américain'],
        ['role', 'U.S. Secretary of State (2018–2021)'],
      ],
    );
    assert.equal(entity.description, '');
    assert.deepEqual([event.kind, event.id], ['event', 'clean-network']);
    assert.deepEqual(
      event.fields.map((f) => f.key),
      ['title', 'date', 'actors', 'sources'],
    );
    assert.deepEqual(
      ast.mentions.map((m) => [m.span, m.inDefinition]),
      [
        [actor1, { definition: 1, field: 'actors' }],
        [actor2, { definition: 1, field: 'actors' }],
      ],
    );
    assert.deepEqual(
      ast.citations.map((c) => [c.span, c.inDefinition]),
      [
        [source1, { definition: 1, field: 'sources' }],
        [source2, { definition: 1, field: 'sources' }],
      ],
    );
    assert.deepEqual(ast.quotations, []);
    assert.deepEqual(ast.errors, []);
  });

  it('parses `after` mentions and citations with locators in `sources`', () => {
    const ast = parseNote('::: event b\nafter: #a;#z ;\nsources: [@s, ¶4-6; @t]\n:::');
    assert.deepEqual(mentionTexts(ast), ['#a', '#z']);
    assert.ok(ast.mentions.every((m) => m.inDefinition?.field === 'after'));
    assert.deepEqual(citationKeys(ast), [['s', 't']]);
    assert.equal(ast.citations[0].items[0].locator?.end, 6);
    assert.deepEqual(ast.errors, []);
  });

  it('reads other lines as the description, scanned for mentions and citations but not quotations', () => {
    const ast = parseNote(['::: entity x', 'name: X', '', '  Works with @y on “the network” [@s].', 'See `@code`.', '', ':::'].join('\n'));
    assert.equal(ast.definitions[0].description, 'Works with @y on “the network” [@s].\nSee `@code`.');
    assert.deepEqual(mentionTexts(ast), ['@y']);
    assert.deepEqual(ast.mentions[0].inDefinition, { definition: 0, field: '' });
    assert.deepEqual(ast.citations[0].inDefinition, { definition: 0, field: '' });
    assert.deepEqual(ast.quotations, []);
    assert.equal(ast.code.length, 1);
  });

  it('does not parse mentions in other field values', () => {
    const ast = parseNote('::: event e\ntitle: Ranked #1 by @someone\nplace: "Washington"\n:::');
    assert.deepEqual(ast.mentions, []);
    assert.deepEqual(ast.quotations, []);
  });

  it('only takes `key:` followed by a space or the line end as a field', () => {
    const ast = parseNote('::: entity x\nhttps://example.org\nnote:\n  role:  Secretary  \n2nd: no\n:::');
    assert.deepEqual(
      ast.definitions[0].fields.map((f) => [f.key, f.value]),
      [
        ['note', ''],
        ['role', 'Secretary'],
      ],
    );
    assert.equal(ast.definitions[0].description, 'https://example.org\n2nd: no');
  });

  it('keeps the lines of a fenced code block in the description', () => {
    const ast = parseNote('::: entity x\n```\nname: not a field\n@no\n```\nname: X\n:::');
    assert.deepEqual(
      ast.definitions[0].fields.map((f) => f.key),
      ['name'],
    );
    assert.equal(ast.definitions[0].description, '```\nname: not a field\n@no\n```');
    assert.deepEqual(ast.mentions, []);
    assert.equal(at(ast, ast.code[0]), '```\nname: not a field\n@no\n```');
  });

  it('is closed by `:::` even inside an unclosed fence of its description', () => {
    const ast = parseNote('::: entity x\n```\n@a\n:::\nAfter @b');
    assert.equal(ast.definitions[0].closed, true);
    assert.deepEqual(
      ast.code.map((span) => at(ast, span)),
      ['```\n@a'],
    );
    assert.deepEqual(mentionTexts(ast), ['@b']);
  });

  it('accepts up to three spaces before the markers, no space after `:::` and a closing run of colons', () => {
    const ast = parseNote('   ::: entity a :::\nname: A\n   :::\n:::event b\n:::');
    assert.deepEqual(
      ast.definitions.map((d) => [d.kind, d.id, d.closed]),
      [
        ['entity', 'a', true],
        ['event', 'b', true],
      ],
    );
    assert.deepEqual(ast.errors, []);
  });

  it('does not take four colons or an indented block for a definition', () => {
    const ast = parseNote(':::: entity a\n\n    ::: entity b\n');
    assert.deepEqual(ast.definitions, []);
    assert.deepEqual(ast.errors, []);
  });

  it('reports an unknown kind and still records the definition', () => {
    const { ast, spans } = parseMarked('::: ⟦person⟧ pompeo\nname: X\n:::');
    assert.deepEqual(codes(ast), ['unknown-definition-kind']);
    assert.deepEqual(ast.errors[0].span, spans[0]);
    assert.deepEqual([ast.definitions[0].kind, ast.definitions[0].id], ['person', 'pompeo']);
  });

  it('reports an invalid, a missing or a multi-word id', () => {
    const invalid = parseMarked('::: entity ⟦-bad.id⟧\n:::');
    assert.deepEqual(codes(invalid.ast), ['invalid-definition-id']);
    assert.deepEqual(invalid.ast.errors[0].span, invalid.spans[0]);
    assert.equal(invalid.ast.definitions[0].id, '-bad.id');

    const missing = parseNote('::: event\n:::');
    assert.deepEqual(codes(missing), ['invalid-definition-id']);
    assert.equal(missing.definitions[0].id, '');
    assert.deepEqual(missing.definitions[0].idSpan, { start: 9, end: 9 });

    const extra = parseMarked('::: entity mike ⟦pompeo⟧\n:::');
    assert.deepEqual(codes(extra.ast), ['invalid-definition-id']);
    assert.deepEqual(extra.ast.errors[0].span, extra.spans[0]);
    assert.equal(extra.ast.definitions[0].id, 'mike');
  });

  it('reports an unclosed definition, which ends where the next one opens', () => {
    const { ast, spans } = parseMarked('⟦⟦::: entity a⟧\nname: A\nsee @b⟧\n\n::: entity b\nname: B\n:::\nProse @c');
    assert.deepEqual(codes(ast), ['unclosed-definition']);
    assert.deepEqual(ast.errors[0].span, spans[1]);
    assert.equal(ast.definitions[0].closed, false);
    assert.deepEqual(ast.definitions[0].span, spans[0]);
    assert.equal(ast.definitions[0].description, 'see @b');
    assert.equal(ast.definitions[1].closed, true);
    assert.deepEqual(
      ast.mentions.map((m) => [m.id, m.inDefinition?.definition]),
      [
        ['b', 0],
        ['c', undefined],
      ],
    );
  });

  it('runs an unclosed definition to the end of the note', () => {
    const ast = parseNote('Before @a\n::: event e\ntitle: T\n\n“quoted” @b\n');
    assert.deepEqual(codes(ast), ['unclosed-definition']);
    assert.deepEqual(ast.definitions[0].span, { start: 10, end: ast.text.length - 1 });
    assert.deepEqual(ast.quotations, []);
    assert.deepEqual(
      ast.mentions.map((m) => m.inDefinition?.field),
      [undefined, ''],
    );
  });

  it('warns about a `:::` that closes nothing', () => {
    const ast = parseNote('::: entity a\n:::\n:::\n');
    assert.deepEqual(codes(ast), ['unmatched-definition-close']);
    assert.equal(ast.errors[0].severity, 'warning');
    assert.deepEqual(ast.errors[0].span, { start: 17, end: 20 });
  });

  it('warns about `actors`/`after` items that are not mentions of the right kind', () => {
    const ast = parseNote('::: event e\nactors: Mike Pompeo; @ok; #wrong-kind; @a, @b\nafter: @not-an-event\n:::');
    assert.deepEqual(codes(ast), ['malformed-field', 'malformed-field', 'malformed-field', 'malformed-field']);
    assert.deepEqual(
      ast.errors.map((e) => at(ast, e.span)),
      ['Mike Pompeo', '#wrong-kind', '@a, @b', '@not-an-event'],
    );
    assert.ok(ast.errors.every((e) => e.severity === 'warning'));
    assert.deepEqual(mentionTexts(ast), ['@ok', '#wrong-kind', '@not-an-event']);
  });

  it('warns about `sources` text that is not a citation', () => {
    const plain = parseNote('::: event e\nsources: NYT article; [@a]\n:::');
    assert.deepEqual(codes(plain), ['malformed-field']);
    assert.deepEqual(citationKeys(plain), [['a']]);
    const malformed = parseNote('::: event e\nsources: [@a, page 2]\n:::');
    assert.deepEqual(codes(malformed), ['malformed-citation']);
  });

  it('is not opened inside fenced code, and prose after it is prose', () => {
    const ast = parseNote('```\n::: entity a\n```\n::: entity b\nname: B\n:::\n“Quoted text” [@s] @b');
    assert.deepEqual(
      ast.definitions.map((d) => d.id),
      ['b'],
    );
    assert.equal(ast.quotations.length, 1);
    assert.equal(ast.quotations[0].citation, 0);
    assert.equal(ast.mentions[0].inDefinition, undefined);
  });
});
