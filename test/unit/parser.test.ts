import assert from 'node:assert/strict';
import { parseNote } from '../../server/src/syntax/parser';
import { at, citationKeys, codes, mentionTexts, parseMarked } from './parser-helpers';

describe('parseNote: front matter', () => {
  it('parses YAML front matter and the body after it', () => {
    const { ast, spans } = parseMarked('⟦---\ntitle: Clean Network\ntags: [a, b]\n---⟧\nBody with @pompeo.\n');
    assert.deepEqual(ast.frontMatter?.data, { title: 'Clean Network', tags: ['a', 'b'] });
    assert.deepEqual(ast.frontMatter?.span, spans[0]);
    assert.deepEqual(mentionTexts(ast), ['@pompeo']);
    assert.deepEqual(ast.errors, []);
  });

  it('accepts `...` as the closing line and trailing spaces on the markers', () => {
    const ast = parseNote('---  \na: 1\n...\ntext');
    assert.deepEqual(ast.frontMatter?.data, { a: 1 });
    assert.equal(at(ast, ast.frontMatter!.span), '---  \na: 1\n...');
  });

  it('does not scan front matter for mentions or citations', () => {
    const ast = parseNote('---\nauthor: "@someone"\nsee: "[@key]"\n---\n');
    assert.deepEqual(ast.mentions, []);
    assert.deepEqual(ast.citations, []);
    assert.deepEqual(ast.quotations, []);
  });

  it('reports invalid YAML inside the block, without data', () => {
    const ast = parseNote('---\na: [1, 2\nb: c\n---\n@x');
    assert.ok(ast.frontMatter);
    assert.equal(ast.frontMatter.data, undefined);
    assert.ok(ast.errors.length > 0);
    for (const error of ast.errors) {
      assert.equal(error.code, 'invalid-front-matter');
      assert.ok(error.span.start >= 4 && error.span.end <= ast.text.indexOf('\n---'), JSON.stringify(error.span));
    }
    assert.deepEqual(mentionTexts(ast), ['@x']);
  });

  it('points at the line where the YAML stops making sense', () => {
    const { ast, spans } = parseMarked('---\ntitle: x\ntags: [a, b\n⟦next: c⟧\n---\n');
    assert.deepEqual(codes(ast), ['invalid-front-matter']);
    assert.deepEqual(ast.errors[0].span, spans[0]);
    assert.match(ast.errors[0].message, /^Invalid front matter: \S/);
  });

  it('points at the last line when the YAML ends too early, CRLF or not', () => {
    for (const eol of ['\n', '\r\n']) {
      const ast = parseNote(`---${eol}title: x${eol}tags: [a,${eol}---${eol}`);
      assert.deepEqual(codes(ast), ['invalid-front-matter']);
      assert.equal(at(ast, ast.errors[0].span), 'tags: [a,', JSON.stringify(eol));
    }
  });

  it('reports a key given twice', () => {
    const ast = parseNote('---\ntitle: a\ntitle: b\n---\n');
    assert.deepEqual(codes(ast), ['invalid-front-matter']);
    assert.match(ast.errors[0].message, /duplicate/i);
    assert.equal(at(ast, ast.errors[0].span), 'title: b');
  });

  it('reads an empty or comment-only front matter as null, without a problem', () => {
    for (const yaml of ['', '\n', '# nothing yet\n', '  \n# a\n\n']) {
      const ast = parseNote(`---\n${yaml}---\nBody`);
      assert.equal(ast.frontMatter?.data, null, JSON.stringify(yaml));
      assert.deepEqual(ast.errors, [], JSON.stringify(yaml));
    }
  });

  it('keeps YAML 1.2 core values: dates and yes/no stay strings', () => {
    const ast = parseNote('---\ndate: 2020-08-06\ndraft: yes\ncount: 3\nnone: ~\nflag: true\n---\n');
    assert.deepEqual(ast.frontMatter?.data, { date: '2020-08-06', draft: 'yes', count: 3, none: null, flag: true });
  });

  it('refuses a front matter of more values than the bound, aliases or not, with a message', () => {
    const ast = parseNote(`---\ntags: [${Array.from({ length: 150_000 }, (_, i) => i).join(', ')}]\n---\nBody`);
    assert.deepEqual(codes(ast), ['invalid-front-matter']);
    assert.match(ast.errors[0].message, /more than 100,000 values/);
    assert.equal(ast.frontMatter?.data, undefined);
    const fine = parseNote(`---\ntags: [${Array.from({ length: 1_000 }, (_, i) => i).join(', ')}]\n---\nBody`);
    assert.deepEqual(fine.errors, []);
    assert.equal((fine.frontMatter?.data as { tags: number[] }).tags.length, 1_000);
  });

  it('reports a tag the core schema lacks, on its line', () => {
    for (const line of ['date: !!timestamp 2020-08-06', 'x: !custom 1']) {
      const ast = parseNote(`---\ntitle: t\n${line}\n---\nBody`);
      assert.deepEqual(codes(ast), ['invalid-front-matter'], line);
      assert.match(ast.errors[0].message, /tag/, line);
      assert.ok(line.includes(at(ast, ast.errors[0].span)) && at(ast, ast.errors[0].span).length > 0, `${line}: ${at(ast, ast.errors[0].span)}`);
    }
  });

  it('accepts a few aliases (shared values)', () => {
    const ast = parseNote('---\nbase: &b [x, y]\ncopy: *b\n---\n');
    assert.deepEqual(ast.frontMatter?.data, { base: ['x', 'y'], copy: ['x', 'y'] });
    assert.deepEqual(ast.errors, []);
  });

  it('reports unclosed front matter and reads the note as prose', () => {
    const { ast, spans } = parseMarked('⟦---⟧\ntitle: x\n\nSee @pompeo.');
    assert.equal(ast.frontMatter, undefined);
    assert.deepEqual(codes(ast), ['unclosed-front-matter']);
    assert.deepEqual(ast.errors[0].span, spans[0]);
    assert.deepEqual(mentionTexts(ast), ['@pompeo']);
  });

  it('handles a BOM, CRLF and lone CR line endings', () => {
    const bom = parseNote('\uFEFF---\r\na: 1\r\n---\r\n@x');
    assert.deepEqual(bom.frontMatter?.data, { a: 1 });
    assert.deepEqual(bom.frontMatter?.span, { start: 1, end: 15 });
    assert.deepEqual(mentionTexts(bom), ['@x']);
    const cr = parseNote('---\ra: 1\rb: 2\r---\r@y');
    assert.deepEqual(cr.frontMatter?.data, { a: 1, b: 2 });
    assert.deepEqual(cr.errors, []);
    assert.deepEqual(mentionTexts(cr), ['@y']);
  });

  it('only counts `---` on the first line', () => {
    const ast = parseNote('Intro\n---\na: 1\n---\n');
    assert.equal(ast.frontMatter, undefined);
    assert.deepEqual(ast.errors, []);
  });

  it('reports a YAML alias bomb instead of throwing', () => {
    const yaml = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) {
      yaml.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    }
    const ast = parseNote(`---\n${yaml.join('\n')}\n---\n`);
    assert.equal(ast.frontMatter?.data, undefined);
    assert.deepEqual(codes(ast), ['invalid-front-matter']);
  });
});

describe('parseNote: headings', () => {
  it('records ATX headings with level, trimmed text and line span', () => {
    const { ast, spans } = parseMarked('⟦# Title⟧\n\n⟦###   Section   ##⟧\n⟦###### Six⟧\ntext');
    assert.deepEqual(
      ast.headings.map((h) => [h.level, h.text]),
      [
        [1, 'Title'],
        [3, 'Section'],
        [6, 'Six'],
      ],
    );
    assert.deepEqual(
      ast.headings.map((h) => h.span),
      spans,
    );
    assert.deepEqual(ast.mentions, []);
  });

  it('needs a space after the `#`s and at most six of them', () => {
    const ast = parseNote('#hashtag\n\n####### seven\n\n    # indented');
    assert.deepEqual(ast.headings, []);
    assert.deepEqual(mentionTexts(ast), ['#hashtag']);
  });

  it('accepts an empty heading and a closing sequence that is the whole content', () => {
    const ast = parseNote('#\n## ##\n# C#');
    assert.deepEqual(
      ast.headings.map((h) => h.text),
      ['', '', 'C#'],
    );
  });

  it('scans heading text for mentions and citations', () => {
    const ast = parseNote('## Talks between @pompeo and #clean-network [@src]');
    assert.deepEqual(mentionTexts(ast), ['@pompeo', '#clean-network']);
    assert.deepEqual(citationKeys(ast), [['src']]);
  });
});

describe('parseNote: mentions', () => {
  it('finds entity and event mentions with exact spans', () => {
    const { ast, spans } = parseMarked('⟦@pompeo⟧ announced ⟦#clean-network⟧ with ⟦@us_state-dept2⟧.');
    assert.deepEqual(mentionTexts(ast), ['@pompeo', '#clean-network', '@us_state-dept2']);
    assert.deepEqual(
      ast.mentions.map((m) => m.span),
      spans,
    );
    assert.deepEqual(
      ast.mentions.map((m) => m.sigil),
      ['@', '#', '@'],
    );
    assert.equal(ast.mentions[0].inDefinition, undefined);
  });

  it('accepts a sigil after whitespace, at a line start or after one of ( [ " \' « “', () => {
    const ast = parseNote('x\n@a (@b) [#c] "@d" \'@e\' «@f» “@g” \u00a0@h\t@i');
    assert.deepEqual(mentionTexts(ast), ['@a', '@b', '#c', '@d', '@e', '@f', '@g', '@h', '@i']);
  });

  it('ends the id at punctuation', () => {
    const ast = parseNote('@pompeo. @pompeo, @pompeo\'s @pompeo: @pompeo) @pompeo…');
    assert.deepEqual(
      ast.mentions.map((m) => m.id),
      Array(6).fill('pompeo'),
    );
  });

  it('keeps a trailing `-` or `_` in the id, as the id grammar allows', () => {
    const ast = parseNote('@a- @b_ #1 #2020-08-05');
    assert.deepEqual(
      ast.mentions.map((m) => m.id),
      ['a-', 'b_', '1', '2020-08-05'],
    );
  });

  it('ignores emails, URLs and sigils inside words', () => {
    const ast = parseNote(
      'Mail a@b.org or x#y. See https://twitter.com/@user and https://x.org/page#frag and <mailto:c@d.org>. C# and 5@ and @ alone and # alone.',
    );
    assert.deepEqual(ast.mentions, []);
  });

  it('ignores a sigil whose id runs into a non-ASCII letter or an `@`', () => {
    const ast = parseNote('#Pékin @user@mastodon.social @Zoë #ok');
    assert.deepEqual(mentionTexts(ast), ['#ok']);
  });

  it('ignores escaped sigils', () => {
    const ast = parseNote('\\@pompeo and \\#event but \\\\@not-after-backslash');
    assert.deepEqual(ast.mentions, []);
  });

  it('ignores sigils in link destinations but not in link text', () => {
    const ast = parseNote('[see @pompeo](#section) and [x](https://a.org/(b)/#c) and (#event)');
    assert.deepEqual(mentionTexts(ast), ['@pompeo', '#event']);
  });

  it('counts UTF-16 offsets after emoji and astral characters', () => {
    const { ast, spans } = parseMarked('😀 👩‍👩‍👧 𝐀 ⟦@pompeo⟧ and ⟦#évent-free⟧'.replace('évent-free', 'event'));
    assert.deepEqual(
      ast.mentions.map((m) => m.span),
      spans,
    );
    assert.deepEqual(mentionTexts(ast), ['@pompeo', '#event']);
  });
});

describe('parseNote: code', () => {
  it('records code spans, and nothing inside them is syntax', () => {
    const { ast, spans } = parseMarked('Use ⟦`@pompeo [@key] "q u o t e"`⟧ and ⟦`` a ` b ``⟧ then @real.');
    assert.deepEqual(ast.code, spans);
    assert.deepEqual(mentionTexts(ast), ['@real']);
    assert.deepEqual(ast.citations, []);
    assert.deepEqual(ast.quotations, []);
  });

  it('treats an unmatched backtick run as text', () => {
    const ast = parseNote('a `` b ` @x');
    assert.deepEqual(ast.code, []);
    assert.deepEqual(mentionTexts(ast), ['@x']);
  });

  it('does not open a code span at an escaped backtick', () => {
    const ast = parseNote('\\` @x ` and `y`');
    assert.deepEqual(
      ast.code.map((span) => at(ast, span)),
      ['` and `'],
    );
    assert.deepEqual(mentionTexts(ast), ['@x']);
  });

  it('lets a code span wrap a line but not cross a paragraph', () => {
    const ast = parseNote('a `b\n@c` d\n\n`e\n\n@f`');
    assert.deepEqual(
      ast.code.map((span) => at(ast, span)),
      ['`b\n@c`'],
    );
    assert.deepEqual(mentionTexts(ast), ['@f']);
  });

  it('skips fenced code blocks (backticks and tildes)', () => {
    const { ast, spans } = parseMarked('before @a\n⟦```js\n@b [@c] "quote here"\n::: entity x\n```⟧\n⟦~~~~\n#d\n~~~\n~~~~~⟧\nafter @e');
    assert.deepEqual(mentionTexts(ast), ['@a', '@e']);
    assert.deepEqual(ast.code, spans);
    assert.deepEqual(ast.citations, []);
    assert.deepEqual(ast.definitions, []);
    assert.deepEqual(ast.quotations, []);
  });

  it('needs a closing fence at least as long, of the same character', () => {
    const ast = parseNote('````\n```\n~~~~\n@inside\n````\n@outside');
    assert.deepEqual(mentionTexts(ast), ['@outside']);
  });

  it('runs an unclosed fence to the end of the note', () => {
    const { ast, spans } = parseMarked('@a\n⟦```\n@b\n\n# not a heading⟧\n');
    assert.deepEqual(mentionTexts(ast), ['@a']);
    assert.deepEqual(ast.code, [{ start: spans[0].start, end: ast.text.length }]);
    assert.deepEqual(ast.headings, []);
  });

  it('does not take a backtick line with backticks in its info string for a fence', () => {
    const ast = parseNote('``` a ` b\n@x');
    assert.deepEqual(mentionTexts(ast), ['@x']);
  });

  it('does not recognize indented code: indented lines are prose', () => {
    const ast = parseNote('Text\n\n    @indented');
    assert.deepEqual(mentionTexts(ast), ['@indented']);
    assert.deepEqual(ast.code, []);
  });
});

describe('parseNote: line endings and encoding', () => {
  const fixture = [
    '⟦# Head⟧',
    '',
    'Said ⟦@pompeo⟧: «⟦the network is clean⟧» ⟦[@src, ¶4]⟧.',
    '',
    '> ⟦quoted line one',
    '> line two⟧ ⟦[@k]⟧',
    '',
    '::: entity ⟦pompeo⟧',
    'name: ⟦Mike Pompeo⟧',
    ':::',
  ].join('\n');

  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ]) {
    it(`gives exact spans with ${name} line endings and a BOM`, () => {
      const { ast, spans } = parseMarked('\uFEFF' + fixture.replace(/\n/g, eol));
      const [heading, mention, quote, citation, block, blockCitation, id, value] = spans;
      assert.deepEqual(ast.headings[0].span, heading);
      assert.deepEqual(ast.mentions[0].span, mention);
      assert.deepEqual(ast.quotations[0].span, quote);
      assert.deepEqual(ast.citations[0].span, citation);
      assert.deepEqual(ast.quotations[1].span, block);
      assert.equal(ast.quotations[1].text, 'quoted line one\nline two');
      assert.equal(ast.quotations[1].citation, 1);
      assert.deepEqual(ast.citations[1].span, blockCitation);
      assert.deepEqual(ast.definitions[0].idSpan, id);
      assert.deepEqual(ast.definitions[0].fields[0].valueSpan, value);
      assert.deepEqual(ast.errors, []);
    });
  }

  it('survives NUL and lone surrogates', () => {
    const ast = parseNote('\u0000@a \uD800@b \uDC00 @c «x\uD800y» \uDBFF');
    assert.deepEqual(mentionTexts(ast), ['@c']);
    assert.equal(ast.quotations[0].text, 'x\uD800y');
  });

  it('parses the empty note and a lone BOM', () => {
    for (const text of ['', '\uFEFF', '\n', '\r\n\r\n']) {
      const ast = parseNote(text);
      assert.equal(ast.text, text);
      assert.deepEqual([ast.headings, ast.mentions, ast.citations, ast.quotations, ast.errors], [[], [], [], [], []]);
    }
  });
});

describe('parseNote: document order', () => {
  it('lists mentions, citations, code and errors in document order', () => {
    const ast = parseNote(
      ['@a `x` [@s1]', '', '::: event e', 'actors: @b', 'sources: [@s2]', 'See @c in `y`.', ':::', '', '```', 'z', '```', '', '#d [@s3] [@bad, p. 1]', '', ':::'].join('\n'),
    );
    assert.deepEqual(mentionTexts(ast), ['@a', '@b', '@c', '#d']);
    assert.deepEqual(citationKeys(ast), [['s1'], ['s2'], ['s3'], ['bad']]);
    const starts = (spans: { start: number }[]): void =>
      assert.deepEqual(
        spans.map((s) => s.start),
        [...spans.map((s) => s.start)].sort((a, b) => a - b),
      );
    starts(ast.code);
    starts(ast.errors.map((e) => e.span));
    assert.deepEqual(codes(ast), ['malformed-citation', 'unmatched-definition-close']);
  });
});
