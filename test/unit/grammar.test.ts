/**
 * Tests for the `.pnote` TextMate grammar (syntaxes/pnote.tmLanguage.json), the
 * language configuration and the snippets.
 *
 * The grammar embeds VS Code's Markdown (`text.html.markdown`) and YAML (`source.yaml`)
 * grammars; the tests load the real ones from the `tm-grammars` package (a dev
 * dependency), or from the folder PNOTE_TEST_GRAMMARS names.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const ROOT = path.resolve(__dirname, '..', '..');
const GRAMMAR_PATH = path.join(ROOT, 'syntaxes', 'pnote.tmLanguage.json');
const GRAMMARS = process.env.PNOTE_TEST_GRAMMARS ?? path.join(ROOT, 'node_modules', 'tm-grammars', 'grammars');
const SNIPPETS_PATH = path.join(ROOT, 'snippets', 'pnote.json');
const LANGUAGE_CONFIGURATION_PATH = path.join(ROOT, 'language-configuration.json');

/** Entity kinds, as listed in FORMAT.md ("Entity keys"). */
const ENTITY_KINDS = ['person', 'organization', 'company', 'government', 'country', 'product', 'program', 'place', 'other'];

// ---------------------------------------------------------------------------------------
// Loading

let onigLoaded: Promise<void> | undefined;

function loadOniguruma(): Promise<void> {
  if (!onigLoaded) {
    const wasmPath = path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm');
    const wasm = fs.readFileSync(wasmPath);
    onigLoaded = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  }
  return onigLoaded;
}

/** scopeName -> grammar file. */
function grammarFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of fs.readdirSync(GRAMMARS)) {
    if (name === 'markdown.json' || name === 'yaml.json') {
      const file = path.join(GRAMMARS, name);
      const scopeName = (JSON.parse(fs.readFileSync(file, 'utf8')) as { scopeName?: unknown }).scopeName;
      if (typeof scopeName === 'string') {
        files.set(scopeName, file);
      }
    }
  }
  files.set('text.pnote', GRAMMAR_PATH);
  return files;
}

async function loadPnoteGrammar(): Promise<vsctm.IGrammar> {
  await loadOniguruma();
  const files = grammarFiles();
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = files.get(scopeName);
      return file ? vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
  });
  const grammar = await registry.loadGrammar('text.pnote');
  assert.ok(grammar, 'the text.pnote grammar loads');
  return grammar;
}

// ---------------------------------------------------------------------------------------
// Helpers

interface TokenizedDoc {
  lines: string[];
  tokens: vsctm.IToken[][];
}

let grammar: vsctm.IGrammar;

function tokenize(text: string): TokenizedDoc {
  const lines = text.split('\n');
  const tokens: vsctm.IToken[][] = [];
  let stack: vsctm.StateStack = vsctm.INITIAL;
  for (const line of lines) {
    const result = grammar.tokenizeLine(line, stack);
    tokens.push(result.tokens);
    stack = result.ruleStack;
  }
  return { lines, tokens };
}

/** Scopes of the character at `line`:`character` (the root scope `text.pnote` included). */
function scopesAtPosition(doc: TokenizedDoc, line: number, character: number): string[] {
  const token = doc.tokens[line].find((t) => t.startIndex <= character && character < t.endIndex);
  assert.ok(token, `no token at ${line}:${character}`);
  return token.scopes;
}

/** Position of the `occurrence`-th (0-based) occurrence of `substring` in the document. */
function locate(doc: TokenizedDoc, substring: string, occurrence = 0): { line: number; character: number } {
  let seen = 0;
  for (let line = 0; line < doc.lines.length; line++) {
    let from = 0;
    for (;;) {
      const character = doc.lines[line].indexOf(substring, from);
      if (character < 0) {
        break;
      }
      if (seen === occurrence) {
        return { line, character };
      }
      seen++;
      from = character + 1;
    }
  }
  throw new Error(`${JSON.stringify(substring)} (occurrence ${occurrence}) not found in the sample`);
}

/**
 * Scopes at the first character of `substring` in `text` (a line or a whole document).
 * `occurrence` picks among repeated substrings (0-based).
 */
function scopesAt(text: string | TokenizedDoc, substring: string, occurrence = 0): string[] {
  const doc = typeof text === 'string' ? tokenize(text) : text;
  const { line, character } = locate(doc, substring, occurrence);
  return scopesAtPosition(doc, line, character);
}

/** Scopes of every character of `substring`. */
function scopesOfEach(text: string | TokenizedDoc, substring: string, occurrence = 0): string[][] {
  const doc = typeof text === 'string' ? tokenize(text) : text;
  const { line, character } = locate(doc, substring, occurrence);
  return [...substring].map((_, i) => scopesAtPosition(doc, line, character + i));
}

/** Every character of `substring` carries `scope`. */
function assertScope(text: string | TokenizedDoc, substring: string, scope: string, occurrence = 0): void {
  scopesOfEach(text, substring, occurrence).forEach((scopes, i) => {
    assert.ok(scopes.includes(scope), `${JSON.stringify(substring)}[${i}] should have ${scope}; has ${scopes.join(' ')}`);
  });
}

/** No character of `substring` carries a scope equal to `prefix` or starting with `prefix.`. */
function assertNoScope(text: string | TokenizedDoc, substring: string, prefix: string, occurrence = 0): void {
  scopesOfEach(text, substring, occurrence).forEach((scopes, i) => {
    const hit = scopes.find((s) => s === prefix || s.startsWith(prefix + '.'));
    assert.equal(hit, undefined, `${JSON.stringify(substring)}[${i}] should have no ${prefix}*; has ${scopes.join(' ')}`);
  });
}

/** The maximal run around `substring`'s first character that carries `scope`, as text. */
function extentOf(text: string, substring: string, scope: string): string {
  const doc = tokenize(text);
  const { line, character } = locate(doc, substring);
  const has = (c: number) => c >= 0 && c < doc.lines[line].length && scopesAtPosition(doc, line, c).includes(scope);
  assert.ok(has(character), `${JSON.stringify(substring)} should have ${scope}`);
  let start = character;
  let end = character;
  while (has(start - 1)) {
    start--;
  }
  while (has(end + 1)) {
    end++;
  }
  return doc.lines[line].slice(start, end + 1);
}

// ---------------------------------------------------------------------------------------

describe('pnote grammar', function () {
  before(async function () {
    grammar = await loadPnoteGrammar();
  });

  describe('structure', function () {
    it('has the scope name text.pnote and compiles every regular expression', async function () {
      const raw = JSON.parse(fs.readFileSync(GRAMMAR_PATH, 'utf8')) as Record<string, unknown>;
      assert.equal(raw.scopeName, 'text.pnote');
      const regexes: string[] = [];
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) {
          node.forEach(walk);
        } else if (node && typeof node === 'object') {
          for (const [key, value] of Object.entries(node)) {
            if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') {
              regexes.push(value);
            } else {
              walk(value);
            }
          }
        }
      };
      walk(raw);
      assert.ok(regexes.length > 20, `found only ${regexes.length} regexes`);
      for (const re of regexes) {
        assert.doesNotThrow(() => new oniguruma.OnigScanner([re]).dispose(), `regex does not compile: ${re}`);
      }
    });

    it('includes Markdown for everything else', function () {
      const doc = tokenize('Some *emphasis* and a [link](https://example.org).');
      assert.ok(scopesAt(doc, 'Some').includes('meta.paragraph.markdown'));
      assert.ok(scopesAt(doc, 'emphasis').includes('markup.italic.markdown'));
      assert.ok(scopesAt(doc, 'Some')[0] === 'text.pnote');
    });
  });

  describe('front matter', function () {
    const sample = ['---', 'title: Clean Network @pompeo', 'tags: "#clean-network"', '---', '', 'Body text.', '', '---', 'after: rule'].join('\n');

    it('embeds YAML between the --- lines at the top of the file', function () {
      const doc = tokenize(sample);
      assertScope(doc, '---', 'punctuation.definition.frontmatter.begin.pnote', 0);
      assertScope(doc, 'title', 'meta.embedded.block.frontmatter');
      assertScope(doc, 'title', 'entity.name.tag.yaml');
      assertScope(doc, '---', 'punctuation.definition.frontmatter.end.pnote', 1);
      assertNoScope(doc, 'Body text.', 'meta.frontmatter');
      assert.ok(scopesAt(doc, 'Body').includes('meta.paragraph.markdown'));
    });

    it('does not highlight mentions or quotations inside the YAML', function () {
      const doc = tokenize(sample);
      assertNoScope(doc, '@pompeo', 'meta.mention');
      assertNoScope(doc, '#clean-network', 'meta.mention');
      assertNoScope(doc, '"#clean-network"', 'string.quoted.double.straight.pnote');
    });

    it('is only front matter at the very start of the file', function () {
      const doc = tokenize(sample);
      assertNoScope(doc, 'after', 'meta.embedded.block.frontmatter');
      assertNoScope(doc, '---', 'meta.frontmatter', 2);
      assertNoScope(tokenize('Intro\n---\ntitle: x\n---'), 'title', 'meta.embedded');
    });
  });

  describe('mentions', function () {
    it('scopes an entity mention, sigil and id', function () {
      const line = 'Then @us-state-department replied.';
      assertScope(line, '@us-state-department', 'meta.mention.entity.pnote');
      assertScope(line, '@us-state-department', 'entity.name.tag.mention.entity.pnote');
      assert.ok(scopesAt(line, '@').includes('punctuation.definition.mention.pnote'));
      assert.equal(extentOf(line, 'us-state', 'meta.mention.entity.pnote'), '@us-state-department');
    });

    it('stops the id at the first character that cannot be in an id', function () {
      assert.equal(extentOf('Ask @pompeo.', 'pompeo', 'meta.mention.entity.pnote'), '@pompeo');
      assert.equal(extentOf('Ask @pompeo’s aide', 'pompeo', 'meta.mention.entity.pnote'), '@pompeo');
      assert.equal(extentOf('Ask @pompeo, then', 'pompeo', 'meta.mention.entity.pnote'), '@pompeo');
    });

    it('recognises mentions after whitespace, the start of the line and ( [ " \' « “', function () {
      const line = '@a (@b) [see @c] "@d" \'@e\' «@f» “@g”';
      for (const id of ['@a', '@b', '@c', '@d', '@e', '@f', '@g']) {
        assertScope(line, id, 'meta.mention.entity.pnote');
      }
    });

    it('does not take an e-mail address or a word@word for a mention', function () {
      const line = 'Write to a@b.org or team@pompeo today.';
      assertNoScope(line, 'a@b.org', 'meta.mention');
      assertNoScope(line, 'team@pompeo', 'meta.mention');
    });

    it('scopes an event mention differently from an entity mention', function () {
      const line = 'After #clean-network, @pompeo left.';
      assertScope(line, '#clean-network', 'meta.mention.event.pnote');
      assertScope(line, '#clean-network', 'entity.name.type.mention.event.pnote');
      assertNoScope(line, '#clean-network', 'meta.mention.entity');
      assertNoScope(line, '@pompeo', 'meta.mention.event');
    });

    it('keeps "# Heading" a Markdown heading, and finds events in and at the start of lines', function () {
      const doc = tokenize(['# Clean Network', '', '#clean-network started it.', '', '## About #clean-network', '', 'See issue#4 and page.html#top.'].join('\n'));
      assert.ok(scopesAt(doc, 'Clean Network').includes('markup.heading.markdown'));
      assertNoScope(doc, '# Clean', 'meta.mention');
      assertScope(doc, '#clean-network', 'meta.mention.event.pnote', 0);
      assertNoScope(doc, '#clean-network', 'markup.heading', 0);
      assert.ok(scopesAt(doc, '#clean-network', 1).includes('markup.heading.markdown'));
      assertScope(doc, '#clean-network', 'meta.mention.event.pnote', 1);
      assertNoScope(doc, '#4', 'meta.mention');
      assertNoScope(doc, '#top', 'meta.mention');
    });

    it('keeps the Markdown paragraph when a line starts with a mention', function () {
      const line = '@pompeo met **Xi** in *May*.';
      assert.ok(scopesAt(line, '@pompeo').includes('meta.paragraph.markdown'));
      assert.ok(scopesAt(line, 'Xi').includes('markup.bold.markdown'));
      assert.ok(scopesAt(line, 'May').includes('markup.italic.markdown'));
    });

    it('finds mentions in block quotes, list items, table cells and bold text', function () {
      const doc = tokenize(['> Quoted @a here.', '', '- item @b', '', '| who | @c |', '|---|---|', '', 'Text **with @d** bold.'].join('\n'));
      assertScope(doc, '@a', 'meta.mention.entity.pnote');
      assertScope(doc, '@b', 'meta.mention.entity.pnote');
      assertScope(doc, '@c', 'meta.mention.entity.pnote');
      assertScope(doc, '@d', 'meta.mention.entity.pnote');
    });
  });

  describe('citations', function () {
    it('scopes the brackets, the key and a ¶ locator', function () {
      const line = 'Banned [@000_89686b2429188c97, ¶4] today.';
      assertScope(line, '[@000_89686b2429188c97, ¶4]', 'meta.citation.pnote');
      assert.ok(scopesAt(line, '[').includes('punctuation.definition.citation.begin.pnote'));
      assert.ok(scopesAt(line, ']').includes('punctuation.definition.citation.end.pnote'));
      assertScope(line, '@000_89686b2429188c97', 'entity.name.function.citation-key.pnote');
      assert.equal(extentOf(line, '000_', 'entity.name.function.citation-key.pnote'), '@000_89686b2429188c97');
      assert.ok(scopesAt(line, ',').includes('punctuation.separator.locator.pnote'));
      assertScope(line, '¶4', 'constant.numeric.locator.pnote');
      assert.ok(scopesAt(line, '¶').includes('keyword.other.unit.locator.pnote'));
      assertNoScope(line, 'today', 'meta.citation');
    });

    it('scopes every locator form as a number', function () {
      const cases: Array<[string, string]> = [
        ['[@k, ¶4-6]', '¶4-6'],
        ['[@k, l. 12]', 'l. 12'],
        ['[@k, ll. 12-14]', 'll. 12-14'],
        ['[@k, para. 4]', 'para. 4'],
        ['[@k, ¶ 2–3]', '¶ 2–3'],
      ];
      for (const [citation, locator] of cases) {
        const line = `Text ${citation}.`;
        assertScope(line, locator, 'constant.numeric.locator.pnote');
        assertScope(line, '@k', 'entity.name.function.citation-key.pnote');
      }
      assert.ok(scopesAt('[@k, ll. 12-14]', '-').includes('punctuation.separator.range.pnote'));
      assert.ok(scopesAt('[@k, ll. 12-14]', '14').includes('constant.numeric.integer.locator.pnote'));
    });

    it('scopes each key of a multi-key citation, and the separators', function () {
      const line = 'Both [@a-1; @b_2, ¶2] agree.';
      assertScope(line, '@a-1', 'entity.name.function.citation-key.pnote');
      assertScope(line, '@b_2', 'entity.name.function.citation-key.pnote');
      assert.ok(scopesAt(line, ';').includes('punctuation.separator.sequence.citation.pnote'));
      assertScope(line, '¶2', 'constant.numeric.locator.pnote');
      assertNoScope(line, ';', 'entity.name.function.citation-key');
      assertNoScope(line, ' ¶2', 'entity.name.function.citation-key');
    });

    it('does not scope citation keys as mentions, nor citations as Markdown links', function () {
      const line = '[@a; @b] start and end [@c].';
      for (const key of ['@a', '@b', '@c']) {
        assertNoScope(line, key, 'meta.mention');
        assertNoScope(line, key, 'meta.link');
        assertScope(line, key, 'meta.citation.pnote');
      }
      assert.ok(scopesAt(line, 'start').includes('meta.paragraph.markdown'));
      const link = 'A [reference] link.';
      assert.ok(scopesAt(link, 'reference').includes('meta.link.reference.markdown'));
      assertNoScope(link, '[reference]', 'meta.citation');
    });

    it('finds a citation on the line after a block quote', function () {
      const doc = tokenize(['> We will not use untrusted vendors.', '— [@000_89686b2429188c97]'].join('\n'));
      assert.ok(scopesAt(doc, 'untrusted').includes('markup.quote.markdown'));
      assertScope(doc, '@000_89686b2429188c97', 'entity.name.function.citation-key.pnote');
    });
  });

  describe('quotations', function () {
    const styles: Array<[string, string, string]> = [
      ['guillemets', '«', '»'],
      ['curly', '“', '”'],
      ['low', '„', '“'],
      ['straight', '"', '"'],
    ];
    for (const [style, open, close] of styles) {
      it(`scopes a ${open}…${close} quotation and its marks`, function () {
        const line = `He said ${open}non fiables${close} [@src, ¶4] twice.`;
        const scope = `string.quoted.double.${style}.pnote`;
        assertScope(line, `${open}non fiables${close}`, scope);
        assert.ok(scopesAt(line, open).includes('punctuation.definition.string.begin.pnote'));
        assert.ok(scopesAt(line, close, open === close ? 1 : 0).includes('punctuation.definition.string.end.pnote'));
        assertNoScope(line, 'He said', 'string');
        assertNoScope(line, 'twice', 'string');
        assertNoScope(line, '[@src', 'string');
        assertScope(line, '@src', 'entity.name.function.citation-key.pnote');
      });
    }

    it('allows spaces inside guillemets', function () {
      assertScope('Il dit « non fiables » hier.', '« non fiables »', 'string.quoted.double.guillemets.pnote');
    });

    it('does not open a quotation on an inch mark or an unclosed quote mark', function () {
      const line = 'A 12" screen, then "ok".';
      assertNoScope(line, '12" screen', 'string');
      assertScope(line, '"ok"', 'string.quoted.double.straight.pnote');
      assertNoScope('An « unclosed quote', 'unclosed', 'string');
    });

    it('scopes omissions, [sic] and editorial insertions inside a quotation', function () {
      const line = '"Clean [...] networks … for [the] people [sic]" [@k]';
      assert.ok(scopesAt(line, '[...]').includes('keyword.operator.omission.pnote'));
      assert.ok(scopesAt(line, '…').includes('keyword.operator.omission.pnote'));
      assert.ok(scopesAt(line, 'the').includes('markup.inserted.editorial.pnote'));
      assert.ok(scopesAt(line, 'sic').includes('keyword.other.sic.pnote'));
      assertScope(line, 'people', 'string.quoted.double.straight.pnote');
    });

    it('finds mentions inside a quotation', function () {
      const line = '“@pompeo said so” and « #clean-network » ok';
      assertScope(line, '@pompeo', 'meta.mention.entity.pnote');
      assertScope(line, '@pompeo', 'string.quoted.double.curly.pnote');
      assertScope(line, '#clean-network', 'meta.mention.event.pnote');
    });
  });

  describe('code', function () {
    it('highlights nothing inside an inline code span', function () {
      const line = 'Type `@pompeo [@key, ¶4] #event "quoted" «q»` here, then @pompeo.';
      const code = '@pompeo [@key, ¶4] #event "quoted" «q»';
      assertScope(line, code, 'markup.inline.raw.string.markdown');
      for (const prefix of ['meta.mention', 'meta.citation', 'string.quoted.double.straight', 'string.quoted.double.guillemets', 'constant.numeric']) {
        assertNoScope(line, code, prefix);
      }
      assertScope(line, '@pompeo', 'meta.mention.entity.pnote', 1);
    });

    it('highlights nothing inside fenced or indented code', function () {
      const doc = tokenize(['```', '@pompeo [@key] #event "q"', '```', '', '    @pompeo [@key] "q"', '', 'After @pompeo.'].join('\n'));
      for (const occurrence of [0, 1]) {
        assertNoScope(doc, '@pompeo', 'meta.mention', occurrence);
        assertNoScope(doc, '[@key]', 'meta.citation', occurrence);
        assertNoScope(doc, '"q"', 'string.quoted.double.straight', occurrence);
      }
      assert.ok(scopesAt(doc, '@pompeo', 0).includes('markup.fenced_code.block.markdown'));
      assert.ok(scopesAt(doc, '@pompeo', 1).includes('markup.raw.block.markdown'));
      assertNoScope(doc, '#event', 'meta.mention');
      assertScope(doc, '@pompeo', 'meta.mention.entity.pnote', 2);
    });

    it('highlights nothing inside an HTML comment', function () {
      const doc = tokenize(['<!-- @pompeo [@key] "q" -->', '', 'After.'].join('\n'));
      assertNoScope(doc, '@pompeo', 'meta.mention');
      assertNoScope(doc, '[@key]', 'meta.citation');
    });
  });

  describe('definition blocks', function () {
    const sample = [
      '::: entity pompeo',
      'name: Mike Pompeo',
      'kind: person',
      'aliases: Pompeo; M. Pompeo',
      'wikidata: Q473239',
      'A free description citing [@k] and "words".',
      ':::',
      '',
      '::: event clean-network',
      'title: The "Clean Network" program',
      'date: 2020-08-05..2020-08-06',
      'actors: @pompeo; @us-state-department',
      'sources: [@000_89686b2429188c97]; [@002_212038316e46eb29, ¶2]',
      'after: #tiktok-order',
      ':::',
      'Back to prose with @pompeo.',
    ].join('\n');

    it('scopes the opener: fence, kind keyword and id', function () {
      const doc = tokenize(sample);
      assert.ok(scopesAt(doc, ':::', 0).includes('punctuation.definition.block.begin.pnote'));
      assertScope(doc, 'entity', 'keyword.other.definition.entity.pnote');
      assertScope(doc, 'pompeo', 'entity.name.tag.definition.entity.pnote');
      assertScope(doc, 'event', 'keyword.other.definition.event.pnote');
      assertScope(doc, 'clean-network', 'entity.name.type.definition.event.pnote');
      assertScope(doc, 'name: Mike Pompeo', 'meta.definition.entity.pnote');
      assertScope(doc, 'title: The', 'meta.definition.event.pnote');
    });

    it('scopes field keys and values', function () {
      const doc = tokenize(sample);
      assertScope(doc, 'name', 'support.type.property-name.pnote');
      assert.ok(scopesAt(doc, ': Mike').includes('punctuation.separator.key-value.pnote'));
      assertScope(doc, 'Mike Pompeo', 'string.unquoted.value.pnote');
      assertNoScope(doc, 'name', 'string.unquoted.value');
      assertScope(doc, 'person', 'constant.language.kind.pnote');
      assertScope(doc, 'Q473239', 'constant.other.wikidata.pnote');
      assert.ok(scopesAt(doc, '; M.').includes('punctuation.separator.sequence.pnote'));
      assertScope(doc, '2020-08-05', 'constant.numeric.date.pnote');
      assertScope(doc, '2020-08-06', 'constant.numeric.date.pnote');
      assertScope(doc, '..', 'keyword.operator.range.pnote');
    });

    it('scopes mentions and citations in field values and in the description', function () {
      const doc = tokenize(sample);
      assertScope(doc, '@pompeo', 'meta.mention.entity.pnote', 0);
      assertScope(doc, '@us-state-department', 'meta.mention.entity.pnote');
      assertScope(doc, '#tiktok-order', 'meta.mention.event.pnote');
      assertScope(doc, '@000_89686b2429188c97', 'entity.name.function.citation-key.pnote');
      assertScope(doc, '¶2', 'constant.numeric.locator.pnote');
      assertScope(doc, '@k', 'entity.name.function.citation-key.pnote');
    });

    it('scopes the closer and returns to Markdown after it', function () {
      const doc = tokenize(sample);
      for (const occurrence of [1, 3]) {
        assert.ok(scopesAt(doc, ':::', occurrence).includes('punctuation.definition.block.end.pnote'));
      }
      assertNoScope(doc, 'Back to prose', 'meta.definition');
      assert.ok(scopesAt(doc, 'Back to prose').includes('meta.paragraph.markdown'));
      assertScope(doc, '@pompeo', 'meta.mention.entity.pnote', 1);
    });

    it('marks an unknown kind as invalid', function () {
      const doc = tokenize('::: person pompeo\nname: X\n:::');
      assertScope(doc, 'person', 'invalid.illegal.unknown-kind.pnote');
      assertScope(doc, 'name', 'support.type.property-name.pnote');
    });

    it('is not a definition when ::: is inside code', function () {
      const doc = tokenize('```\n::: entity pompeo\n```\nAfter.');
      assertNoScope(doc, 'entity', 'keyword.other.definition');
      assertNoScope(doc, 'After.', 'meta.definition');
    });
  });
});

describe('pnote language configuration', function () {
  const config = JSON.parse(fs.readFileSync(LANGUAGE_CONFIGURATION_PATH, 'utf8')) as {
    comments: { blockComment: [string, string] };
    brackets: Array<[string, string]>;
    autoClosingPairs: Array<{ open: string; close: string }>;
    surroundingPairs: Array<[string, string]>;
    wordPattern: { pattern: string; flags: string };
    folding: { markers: { start: string; end: string } };
  };

  it('uses HTML block comments', function () {
    assert.deepEqual(config.comments.blockComment, ['<!--', '-->']);
  });

  it('auto-closes and surrounds with brackets and quotation marks', function () {
    const closes = new Map(config.autoClosingPairs.map((p) => [p.open, p.close]));
    for (const [open, close] of [['[', ']'], ['(', ')'], ['«', '»'], ['“', '”'], ['„', '“']]) {
      assert.equal(closes.get(open), close, `auto-closing pair ${open}${close}`);
    }
    const surrounds = new Set(config.surroundingPairs.map(([a, b]) => a + b));
    for (const pair of ['[]', '()', '«»', '“”', '„“', '""', '**', '``']) {
      assert.ok(surrounds.has(pair), `surrounding pair ${pair}`);
    }
  });

  it('has a word pattern that keeps ids and keys whole, without their sigils', function () {
    const re = new RegExp(config.wordPattern.pattern, config.wordPattern.flags);
    const words = (s: string) => s.match(re) ?? [];
    assert.deepEqual(words('@us-state-department'), ['us-state-department']);
    assert.deepEqual(words('[@000_89686b2429188c97, ¶4]'), ['000_89686b2429188c97', '4']);
    assert.deepEqual(words('#clean-network'), ['clean-network']);
    assert.deepEqual(words('secrétaire d’État'), ['secrétaire', 'd', 'État']);
  });

  it('folds ::: definition blocks', function () {
    const start = new RegExp(config.folding.markers.start);
    const end = new RegExp(config.folding.markers.end);
    assert.ok(start.test('::: entity pompeo'));
    assert.ok(start.test('::: event clean-network'));
    assert.ok(!start.test(':::'));
    assert.ok(end.test(':::'));
    assert.ok(end.test('::: '));
    assert.ok(!end.test('::: entity pompeo'));
  });
});

describe('pnote snippets', function () {
  const snippets = JSON.parse(fs.readFileSync(SNIPPETS_PATH, 'utf8')) as Record<string, { prefix: string | string[]; body: string | string[]; description?: string }>;
  const byPrefix = new Map<string, string>();
  for (const snippet of Object.values(snippets)) {
    const body = Array.isArray(snippet.body) ? snippet.body.join('\n') : snippet.body;
    for (const prefix of Array.isArray(snippet.prefix) ? snippet.prefix : [snippet.prefix]) {
      assert.ok(!byPrefix.has(prefix), `duplicate snippet prefix ${prefix}`);
      byPrefix.set(prefix, body);
    }
  }
  const body = (prefix: string): string => {
    const b = byPrefix.get(prefix);
    assert.ok(b !== undefined, `a snippet with prefix ${prefix}`);
    return b;
  };

  it('has an entity snippet offering exactly the kinds of FORMAT.md', function () {
    const entity = body('entity');
    assert.match(entity, /^::: entity \$\{1:[^}]+\}\n/);
    for (const key of ['name', 'kind', 'aliases', 'role']) {
      assert.match(entity, new RegExp(`^${key}: `, 'm'));
    }
    const choice = /\$\{\d+\|([^|]+)\|\}/.exec(entity);
    assert.ok(choice, 'a choice placeholder for the kind');
    assert.deepEqual(choice[1].split(','), ENTITY_KINDS);
    assert.match(entity, /\n:::\n/);
  });

  it('has an event snippet with title, date, actors and sources', function () {
    const event = body('event');
    assert.match(event, /^::: event \$\{1:[^}]+\}\n/);
    for (const key of ['title', 'date', 'actors', 'sources']) {
      assert.match(event, new RegExp(`^${key}: `, 'm'));
    }
    assert.match(event, /^actors: @/m);
    assert.match(event, /^sources: \[@/m);
    assert.match(event, /\n:::\n/);
  });

  it('has citation, quotation and block quote snippets', function () {
    assert.match(body('cite'), /^\[@\$\{1:key\}.*¶.*\]\$0$/);
    assert.match(body('quote'), /^« .* » \[@\$\{2:key\}/);
    assert.match(body('quote-en'), /^“.*” \[@/);
    const blockquote = body('blockquote');
    assert.match(blockquote, /^> /);
    assert.match(blockquote, /\n— \[@/);
  });

  it('produces text that the grammar highlights as intended once placeholders are filled', async function () {
    grammar ??= await loadPnoteGrammar();
    const fill = (s: string) => s.replace(/\$\{\d+\|([^,|]+)[^}]*\}/g, '$1').replace(/\$\{\d+:([^{}]*)\}/g, '$1').replace(/\$\{\d+:([^{}]*)\}/g, '$1').replace(/\$\{\d+\}|\$\d+/g, '').replace(/\$[A-Z_]+/g, '2020');
    const quote = fill(body('quote'));
    assertScope(quote, 'quoted words', 'string.quoted.double.guillemets.pnote');
    assertScope(quote, '@key', 'entity.name.function.citation-key.pnote');
    const entity = tokenize(fill(body('entity')));
    assertScope(entity, 'entity', 'keyword.other.definition.entity.pnote');
    assertScope(entity, 'person', 'constant.language.kind.pnote');
    const event = tokenize(fill(body('event')));
    assertScope(event, '@entity', 'meta.mention.entity.pnote');
    assertScope(event, '@source', 'entity.name.function.citation-key.pnote');
  });
});
