/**
 * Security (issue 5, item 6): hover and completion Markdown is never trusted. Every
 * piece of text that comes from a note, a source or the metadata file — corpus
 * text, titles, outlets, authors, entity names, roles, aliases, extra fields, event
 * titles, places, descriptions — must reach the client as literal text: no link, no
 * `command:` URI, no HTML, no emphasis, code span, heading or list of its own.
 *
 * The hover is asked at every offset of a note full of such text, so no card is
 * missed. Each Markdown string is checked raw, and also rendered with markdown-it
 * (raw HTML allowed, the most permissive setting) when it is installed.
 * (features.test.ts has one hover of this kind; the manifest's Workspace Trust
 * declaration and the absence of a webview are checked in reliability.test.ts.)
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { LanguageService } from '../../server/src/service';
import { workspaceOf } from './helpers';

const EVIL = '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> `code` **bold** _em_ <b>tag</b> ![i](javascript:alert(1)) <https://evil.example/a> &amp;';

const FILES: Record<string, string> = {
  'pnote.json': JSON.stringify({ metadata: 'corpus/sources.json' }),
  'corpus/evil.txt': `Titre ${EVIL}\n\n# Heading ${EVIL}\n- item ${EVIL}\n1. item ${EVIL}\n| a | b |\nPompeo a parlé devant la presse ${EVIL}.\n`,
  'corpus/meta.txt': 'Pompeo a parlé.\n',
  'corpus/sources.json': JSON.stringify([
    {
      id: 'meta',
      type: 'article-newspaper',
      title: `Title ${EVIL}`,
      'container-title': `Outlet ${EVIL}`,
      author: [{ family: `Family ${EVIL}`, given: '<b>Given</b>' }],
      issued: { 'date-parts': [[2020, 8, 6]] },
      URL: 'javascript:alert(1)',
    },
  ]),
  'note.pnote': [
    '::: entity pompeo',
    `name: Mike ${EVIL}`,
    'kind: person',
    `role: Role ${EVIL}`,
    `aliases: Pompeo; Alias ${EVIL}`,
    `website: ${EVIL}`,
    ':::',
    `Description ${EVIL}`,
    '',
    '::: event ev',
    `title: Title ${EVIL}`,
    'date: 2020-08-05',
    `place: Place ${EVIL}`,
    'actors: @pompeo; @ghost',
    'sources: [@evil]; [@meta]; [@nope]',
    'after: #missing',
    ':::',
    `- ${EVIL}`,
    '',
    '::: event later',
    `title: Later ${EVIL}`,
    'date: 2020-09-01',
    'after: #ev',
    ':::',
    '',
    '@pompeo «Pompeo a parlé devant la presse» [@evil] and «Pompeo a parlé» [@meta] and #ev and #later.',
    '«Pompeo a parlé devant les journalistes» [@evil] «texte absent du corpus» [@meta] [@nope] [@evil] @ghost #missing',
    '@pom [@ [@me #e',
    '',
  ].join('\n'),
};

/** Markdown that must not appear in what the service returns: the attacker's constructs, unescaped. */
const RAW_FORBIDDEN: Array<[string, RegExp]> = [
  ['a link to a command', /\]\(command:/],
  ['a javascript: link', /\]\(javascript:/],
  ['an image', /!\[[^\]]*\]\(/],
  ['an HTML tag', /<\/?(?:img|b|script|a|iframe|svg|style)\b/i],
  ['an autolink', /<https?:/],
  ['an unescaped `&`', /&(?!lt;|gt;|amp;)/],
];

/** HTML that the rendered Markdown must not contain: what the attacker's text would become if it were live. */
const RENDERED_FORBIDDEN: Array<[string, RegExp]> = [
  ['a link', /<a\b/],
  ['an image', /<img\b/],
  ['an HTML tag from the text', /<(?:b|script|iframe|svg|style)\b/],
  ['emphasis from the text', /<strong>bold<\/strong>|<em>em<\/em>/],
  ['a code span from the text', /<code>code<\/code>/],
  ['a heading', /<h[1-6]\b/],
  ['a list', /<(?:ul|ol|li)\b/],
  ['a table', /<table\b/],
];

type Render = (markdown: string) => string;

/** markdown-it (a dependency of vsce) with raw HTML on; undefined when it is not installed. */
function markdownRenderer(): Render | undefined {
  try {
    const load = createRequire(__filename);
    const MarkdownIt = load('markdown-it') as new (options: object) => { render(src: string): string };
    const md = new MarkdownIt({ html: true, linkify: false });
    return (markdown) => md.render(markdown);
  } catch {
    return undefined;
  }
}

function assertInert(markdown: string, where: string, render: Render | undefined): void {
  for (const [what, pattern] of RAW_FORBIDDEN) {
    assert.doesNotMatch(markdown, pattern, `${where}: ${what} in ${JSON.stringify(markdown)}`);
  }
  if (render) {
    const html = render(markdown);
    for (const [what, pattern] of RENDERED_FORBIDDEN) {
      assert.doesNotMatch(html, pattern, `${where}: ${what} in the rendering ${JSON.stringify(html)}`);
    }
  }
}

/** Every distinct hover of the note, asked at every offset. */
function allHovers(service: LanguageService, notePath: string): Map<string, string> {
  const note = service.workspace.notes.get(notePath)!;
  const out = new Map<string, string>();
  for (let offset = 0; offset <= note.text.length; offset++) {
    const position = note.lines.positionAt(offset);
    const hover = service.hover(notePath, position);
    if (hover && !out.has(hover.markdown)) {
      out.set(hover.markdown, `hover at ${position.line}:${position.character}`);
    }
  }
  return out;
}

describe('robustness: hover and completion Markdown is inert', () => {
  const render = markdownRenderer();

  it('renders every hover of a note full of links, commands, HTML and Markdown as literal text', async () => {
    const { service } = await workspaceOf(FILES);
    const hovers = allHovers(service, 'note.pnote');
    // Entity, events (defined and undefined), citations (exact, near, not found, unknown, no quotation).
    assert.ok(hovers.size >= 8, `only ${hovers.size} distinct hovers`);
    for (const [markdown, where] of hovers) {
      assertInert(markdown, where, render);
    }
    // The text is there, as text: the attacker's characters are shown, not dropped.
    const all = [...hovers.keys()].join('\n');
    assert.match(all, /\\\[click\\\]\\\(command:workbench\.action\.terminal\.new\\\)/);
    assert.match(all, /&lt;img src=x onerror=alert\\\(1\\\)&gt;/);
    if (render) {
      const shown = [...hovers.keys()].map(render).join('\n');
      assert.ok(shown.includes('[click](command:workbench.action.terminal.new)'), 'the link is shown as literal text');
      assert.ok(shown.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the tag is shown as literal text');
    }
  });

  it('renders completion documentation (roles, aliases, outlets) as literal text', async () => {
    const { service } = await workspaceOf(FILES);
    const note = service.workspace.notes.get('note.pnote')!;
    const line = note.lines.lineCount - 2; // '@pom [@ [@me #e'
    const docs: string[] = [];
    for (const character of [4, 7, 11, 14]) {
      for (const item of service.completion('note.pnote', { line, character })?.items ?? []) {
        if (item.documentation) {
          assertInert(item.documentation, `completion ${item.label} at ${line}:${character}`, render);
          docs.push(item.documentation);
        }
      }
    }
    assert.ok(docs.some((d) => d.includes('Role ')), 'an entity role was offered');
    assert.ok(docs.some((d) => d.includes('Outlet ')), 'a source outlet was offered');
  });

  it('the extension never marks Markdown as trusted nor allows HTML in it', () => {
    const dir = path.resolve(__dirname, '../../client/src');
    const client = fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    assert.match(client, /activate/);
    assert.doesNotMatch(client, /isTrusted\s*[:=]\s*true|supportHtml\s*[:=]\s*true|supportThemeIcons\s*[:=]\s*true/);
    assert.doesNotMatch(client, /createWebviewPanel|registerWebviewViewProvider|registerCustomEditorProvider/);
  });
});

describe('robustness: nothing is written', () => {
  const ROOT = path.resolve(__dirname, '../..');
  const sources = (dir: string): Array<[string, string]> =>
    fs
      .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => [`${dir}/${f}`, fs.readFileSync(path.join(ROOT, dir, f), 'utf8')]);
  // `open` only to read: every call in a file that imports it passes the flag 'r' (checked below).
  const READ_ONLY = new Set(['readFile', 'stat', 'lstat', 'readdir', 'realpath', 'access', 'open', 'fstat', 'read', 'close']);

  it('only the Node file system adapter (which only reads) and the index cache touch files', () => {
    const importers: string[] = [];
    for (const [file, text] of [...sources('server/src'), ...sources('client/src')]) {
      if (file === 'server/src/node/indexCache.ts') {
        // Writes its cache file, outside the workspace: index-cache.test.ts checks where.
        importers.push(file);
        continue;
      }
      assert.doesNotMatch(text, /from '(?:node:)?child_process'|require\('(?:node:)?child_process'\)/, `${file} starts processes`);
      const imports = /import\s+(?:\*\s+as\s+(\w+)|\{([^}]*)\}|(\w+))\s+from\s+'(?:node:)?fs(?:\/promises)?'/g;
      for (let m = imports.exec(text); m; m = imports.exec(text)) {
        importers.push(file);
        const names = m[1] ?? m[3] ?? '';
        const members = (m[2] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
        for (const member of members) {
          const [name, alias] = member.split(/\s+as\s+/);
          if (name === 'promises') {
            // `import { promises as fsp }`: every call through it must read.
            for (const call of text.matchAll(new RegExp(`\\b${alias ?? name}\\.(\\w+)`, 'g'))) {
              assert.ok(READ_ONLY.has(call[1]) && call[1] !== 'open', `${file} calls ${alias ?? name}.${call[1]}`);
            }
          } else {
            assert.ok(READ_ONLY.has(name.replace(/Sync$/, '')), `${file} imports ${name}`);
            if (name.replace(/Sync$/, '') === 'open') {
              const calls = [...text.matchAll(new RegExp(`\\b${alias ?? name}\\(([^)]*)\\)`, 'g'))];
              assert.ok(calls.length > 0 && calls.every((c) => /^[^,]+,\s*'r'\s*$/.test(c[1])), `${file} opens files other than to read them`);
            }
          }
        }
        if (names) {
          for (const call of text.matchAll(new RegExp(`\\b${names}\\.(\\w+)`, 'g'))) {
            assert.ok(READ_ONLY.has(call[1].replace(/Sync$/, '')) || call[1] === 'promises', `${file} calls ${names}.${call[1]}`);
          }
        }
      }
    }
    assert.deepEqual(importers.sort(), ['server/src/node/indexCache.ts', 'server/src/node/nodeFs.ts']);
  });

  it('the file-system interface the service gets has no way to write', () => {
    const text = fs.readFileSync(path.join(ROOT, 'server/src/workspace/fs.ts'), 'utf8');
    const iface = /export interface WorkspaceFileSystem \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
    // Optional methods too (`name?(`).
    const methods = [...iface.matchAll(/^\s+(\w+)\??\(/gm)].map((m) => m[1]).sort();
    assert.deepEqual(methods, ['readDirectory', 'readFile', 'readFileAndStat', 'readFileSync', 'realpath', 'stat']);
  });
});
