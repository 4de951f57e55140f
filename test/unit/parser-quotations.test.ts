import assert from 'node:assert/strict';
import { parseNote } from '../../server/src/syntax/parser';
import { at, citationKeys, mentionTexts, parseMarked } from './parser-helpers';

/** Each quotation as `text → key of its citation` (`-` when uncited). */
function attributions(text: string): string[] {
  const ast = parseNote(text);
  return ast.quotations.map((q) => `${q.text} → ${q.citation === undefined ? '-' : ast.citations[q.citation].items[0].key}`);
}

describe('parseNote: inline quotations', () => {
  it('recognizes "…", “…”, «…» and „…“ with inner and outer spans', () => {
    const { ast, spans } = parseMarked('⟦"⟦one⟧"⟧ ⟦“⟦two⟧”⟧ ⟦«⟦three⟧»⟧ ⟦„⟦four⟧“⟧ ⟦„⟦five⟧”⟧');
    assert.deepEqual(
      ast.quotations.map((q) => q.text),
      ['one', 'two', 'three', 'four', 'five'],
    );
    assert.deepEqual(
      ast.quotations.map((q) => [q.outerSpan, q.span]),
      [0, 2, 4, 6, 8].map((i) => [spans[i], spans[i + 1]]),
    );
    assert.ok(ast.quotations.every((q) => q.kind === 'inline' && q.citation === undefined));
  });

  it('leaves out the spaces inside French guillemets', () => {
    const { ast, spans } = parseMarked('«\u202f⟦non fiables⟧\u00a0» and « ⟦x⟧ »');
    assert.deepEqual(
      ast.quotations.map((q) => q.span),
      spans,
    );
    assert.equal(ast.quotations[0].text, 'non fiables');
  });

  it('lets a quotation wrap lines within a paragraph but not cross a blank line', () => {
    const { ast, spans } = parseMarked('He said “⟦the network\nis clean⟧” [@a].\n\n“not\n\nclosed” [@b]');
    assert.equal(ast.quotations.length, 1);
    assert.deepEqual(ast.quotations[0].span, spans[0]);
    assert.equal(ast.quotations[0].text, 'the network\nis clean');
    assert.equal(ast.quotations[0].citation, 0);
  });

  it('normalizes CRLF inside quotation text to `\\n` and keeps exact spans', () => {
    const { ast, spans } = parseMarked('«⟦a\r\nb⟧»');
    assert.equal(ast.quotations[0].text, 'a\nb');
    assert.deepEqual(ast.quotations[0].span, spans[0]);
  });

  it('treats inner quote marks as part of the outer quotation', () => {
    assert.deepEqual(attributions('«Il a dit “non” hier» [@a]'), ['Il a dit “non” hier → a']);
    assert.deepEqual(attributions('“He called it «clean», twice”'), ['He called it «clean», twice → -']);
    assert.deepEqual(attributions('"She said "no" today"'), ['She said "no" today → -']);
  });

  it('ignores marks without a partner in the paragraph', () => {
    assert.deepEqual(attributions('« unmatched\n\nand » here'), []);
    assert.deepEqual(attributions('a ” b » c “ d'), []);
    // An unmatched outer mark does not hide a complete inner quotation.
    assert.deepEqual(attributions('« he said “ok” and left'), ['ok → -']);
  });

  it('pairs straight quotes by their surroundings', () => {
    assert.deepEqual(attributions('He is 5\'10" tall and said "yes".'), ['yes → -']);
    assert.deepEqual(attributions('a"b"c "d" ("e") ["f"]'), ['d → -', 'e → -', 'f → -']);
    assert.deepEqual(attributions('"x" y "z"'), ['x → -', 'z → -']);
    assert.deepEqual(attributions('" spaced "'), []);
  });

  it('ignores empty quotations', () => {
    assert.deepEqual(attributions('"" “ ” «»'), []);
  });

  it('ignores escaped marks and marks in code or citations', () => {
    assert.deepEqual(attributions('\\"not\\" `"code"` [@a, "x"] \\«no»'), []);
  });

  it('attributes to the first citation after, else the last one before, in the paragraph', () => {
    assert.deepEqual(attributions('“a” and “b” [@after].'), ['a → after', 'b → after']);
    assert.deepEqual(attributions('[@before] said “a”, then “b”.'), ['a → before', 'b → before']);
    assert.deepEqual(attributions('[@x] “a” [@y] “b” [@z] “c”'), ['a → y', 'b → z', 'c → z']);
    assert.deepEqual(attributions('“a”\n\n[@next-paragraph]'), ['a → -']);
    assert.deepEqual(attributions('“a [@inside] b”'), ['a [@inside] b → inside']);
  });

  it('treats each list item and table row as a paragraph', () => {
    assert.deepEqual(attributions('- “a” [@x]\n- “b”\n  continued [@y]\n- “c”'), ['a → x', 'b → y', 'c → -']);
    assert.deepEqual(attributions('| “a” | [@x] |\n| “b” | |'), ['a → x', 'b → -']);
  });

  it('counts words, ignoring [sic] and omission marks', () => {
    const ast = parseNote('“Le réseau [sic] est… propre [...] et [ils] l’ont dit [SIC] 2020 e\u0301”');
    assert.equal(ast.quotations[0].wordCount, 11);
    assert.equal(parseNote('“… [...] […] ...”').quotations[0].wordCount, 0);
  });

  it('records quotations in headings', () => {
    assert.deepEqual(attributions('## Pompeo’s “Clean Network” [@a]'), ['Clean Network → a']);
  });
});

describe('parseNote: block quotes', () => {
  it('is one quotation whose citation stands at its end', () => {
    const { ast, spans } = parseMarked('Intro.\n\n⟦> ⟦The network is\n> clean⟧ [@key, ¶2].⟧\n\nAfter.');
    assert.equal(ast.quotations.length, 1);
    const [quote] = ast.quotations;
    assert.equal(quote.kind, 'block');
    assert.equal(quote.text, 'The network is\nclean');
    assert.deepEqual(quote.outerSpan, spans[0]);
    assert.deepEqual(quote.span, spans[1]);
    assert.equal(quote.citation, 0);
    assert.equal(quote.wordCount, 4);
    assert.deepEqual(citationKeys(ast), [['key']]);
  });

  it('leaves a dash before the trailing citation out of the text', () => {
    assert.deepEqual(attributions('> Clean network — [@a]'), ['Clean network → a']);
    assert.deepEqual(attributions('> Clean network -- [@a]'), ['Clean network → a']);
    assert.deepEqual(attributions('> Clean network\n> [@a]'), ['Clean network → a']);
  });

  it('takes the citation from an attribution line right after it', () => {
    for (const line of ['[@src]', '— [@src]', '-- [@src]', '– Mike Pompeo, 5 August 2020 [@src].', '  —[@src, ¶3]']) {
      const ast = parseNote(`> Quoted words here.\n${line}\n\nNext “x”`);
      assert.equal(ast.quotations.length, 2, line);
      assert.equal(ast.quotations[0].text, 'Quoted words here.', line);
      assert.equal(ast.quotations[0].citation, 0, line);
      assert.equal(ast.quotations[1].citation, undefined, line);
      assert.deepEqual(citationKeys(ast), [['src']], line);
    }
  });

  it('does not take other lines after it for attributions', () => {
    assert.deepEqual(attributions('> Quoted.\nSome prose “x” [@a]'), ['Quoted. → -', 'x → a']);
    assert.deepEqual(attributions('> Quoted.\n[@a] and more'), ['Quoted. → -']);
    assert.deepEqual(attributions('> Quoted.\n\n[@a]'), ['Quoted. → -']);
  });

  it('keeps a trailing citation over an attribution line', () => {
    assert.deepEqual(attributions('> Quoted [@a]\n— [@b]'), ['Quoted → a']);
  });

  it('falls back to the last citation inside it', () => {
    assert.deepEqual(attributions('> He said [@a] that it was clean'), ['He said [@a] that it was clean → a']);
  });

  it('strips nested markers and keeps blank quoted lines', () => {
    const { ast, spans } = parseMarked('⟦> > ⟦one\n>>two\n>\n   > three⟧⟧');
    assert.equal(ast.quotations[0].text, 'one\ntwo\n\nthree');
    assert.deepEqual(ast.quotations[0].span, spans[1]);
    assert.deepEqual(ast.quotations[0].outerSpan, spans[0]);
  });

  it('does not record inline quotations inside it, but records its mentions', () => {
    const ast = parseNote('> @pompeo called it «clean» and "safe".');
    assert.deepEqual(
      ast.quotations.map((q) => [q.kind, q.text]),
      [['block', '@pompeo called it «clean» and "safe".']],
    );
    assert.deepEqual(mentionTexts(ast), ['@pompeo']);
  });

  it('ends at the first line without `>` and is separate from the paragraph before', () => {
    const ast = parseNote('He said “a”\n> quoted [@q]\nlater [@l]');
    assert.deepEqual(
      ast.quotations.map((q) => [q.text, q.citation]),
      [
        ['a', undefined],
        ['quoted', 0],
      ],
    );
  });

  it('yields no quotation when it holds only a citation or nothing', () => {
    assert.deepEqual(attributions('> [@a]\n\n>\n> '), []);
  });

  it('has exact spans with CRLF line endings', () => {
    const { ast, spans } = parseMarked('⟦> ⟦one\r\n> two⟧ [@a]⟧\r\n');
    assert.deepEqual(ast.quotations[0].span, spans[1]);
    assert.deepEqual(ast.quotations[0].outerSpan, spans[0]);
    assert.equal(ast.quotations[0].text, 'one\ntwo');
    assert.equal(at(ast, ast.citations[0].span), '[@a]');
  });
});
