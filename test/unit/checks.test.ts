import { strict as assert } from 'node:assert';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { NodeFileSystem } from '../../server/src/node/nodeFs';
import type { ConfigSettings } from '../../server/src/workspace/config';
import { MemoryFileSystem, type WorkspaceFileSystem } from '../../server/src/workspace/fs';
import { createLanguageService } from '../../server/src/service';
import { Corpus } from '../../server/src/corpus/corpus';
import { CORPUS, codesOf, countingCalls, workspaceOf } from './helpers';

/** Delegates to `fs`, recording every path the service asks about (stat, realpath, listing) or reads. */
function recording(fs: WorkspaceFileSystem): { fs: WorkspaceFileSystem; asked: string[]; read: string[] } {
  const asked: string[] = [];
  const read: string[] = [];
  return {
    asked,
    read,
    fs: {
      readFile: (p) => (read.push(p), fs.readFile(p)),
      stat: (p) => (asked.push(p), fs.stat(p)),
      readDirectory: (p) => (asked.push(p), fs.readDirectory(p)),
      realpath: (p) => (asked.push(p), fs.realpath(p)),
    },
  };
}

/** Loads a service over `fs` with editor `settings`; returns it with the paths it touched. */
async function loadWith(fs: WorkspaceFileSystem, settings?: ConfigSettings) {
  const spy = recording(fs);
  const service = createLanguageService({ fs: spy.fs, settings });
  await service.load();
  return { service, asked: spy.asked, read: spy.read };
}

/** A path the service may touch: workspace-relative, normalised, not climbing out. */
const inside = (p: string) => p === '' || (!p.startsWith('/') && !p.startsWith('..') && !p.includes('/../') && !p.includes('%') && !/^[A-Za-z]:/.test(p));

/** A note checked against the two-source test corpus; returns [code, covered text] pairs. */
async function check(note: string, extra: Record<string, string> = {}): Promise<Array<[string, string]>> {
  const { service } = await workspaceOf({ ...CORPUS, 'note.pnote': note, ...extra });
  return codesOf(service, 'note.pnote');
}

const REGISTRY = `::: entity pompeo
name: Mike Pompeo
kind: person
aliases: Pompeo; secrétaire d’État américain
:::

::: entity china
name: Chine
kind: country
aliases: Pékin
:::

::: event clean-network
title: Clean Network
date: 2020-08-05
actors: @pompeo
sources: [@a]
:::

See @pompeo, @china and #clean-network.
`;

async function checkWithRegistry(note: string): Promise<Array<[string, string]>> {
  return check(note, { 'registry.pnote': REGISTRY });
}

describe('checks', () => {
  describe('quotations', () => {
    it('accepts an exact quotation whatever its typography', async () => {
      const found = await check(
        'Pompeo parle d’“applications chinoises non fiables” [@a].\n\n' +
          'Il cite les «\u202Fapplications chinoises non fiables\u202F» [@a, ¶2].\n\n' +
          'Et "applications chinoises non\u00A0fiables" [@a, l. 3].\n\n' +
          'Et „Pékin a nié ces accusations“ [@a].\n',
      );
      assert.deepEqual(found, []);
    });

    it('accepts omissions, insertions and [sic]', async () => {
      const found = await check(
        '«Le secrétaire d’État américain […] a décrit les mesures» [@a].\n\n' +
          '«Le secrétaire d’État américain ... a décrit les mesures» [@a].\n\n' +
          '«[Il] a décrit les mesures [sic]» [@a].\n',
      );
      assert.deepEqual(found, []);
    });

    it('accepts a quotation wrapped over two lines and one attributed to a citation before it', async () => {
      const found = await check('Selon [@a], Pompeo vise les «applications\nchinoises non fiables».\n');
      assert.deepEqual(found, []);
    });

    it('accepts a block quote with its citation at the end or on the next line', async () => {
      const found = await check(
        '> Pékin a nié ces accusations avec fermeté [@a]\n\nText.\n\n> Les utilisateurs existants pourront continuer\n> à utiliser WeChat pendant un temps.\n— [@b, ¶3]\n',
      );
      assert.deepEqual(found, []);
    });

    it('reports quote-not-found', async () => {
      assert.deepEqual(await check('«Les sanctions frapperont Huawei dès demain» [@a].\n'), [['quote-not-found', 'Les sanctions frapperont Huawei dès demain']]);
    });

    it('reports quote-mismatch for a dropped word, with the source wording as a fix', async () => {
      const { service } = await workspaceOf({ ...CORPUS, 'note.pnote': '«Pékin a nié ces accusations avec fermeté, selon ministère chinois» [@a].\n' });
      const [d] = service.diagnostics('note.pnote');
      assert.equal(d.code, 'quote-mismatch');
      assert.equal(d.severity, 'warning');
      assert.match(d.message, /Pékin a nié ces accusations avec fermeté, selon le ministère chinois/);
      assert.equal(d.fixes?.[0].edits[0].newText, 'Pékin a nié ces accusations avec fermeté, selon le ministère chinois');
    });

    it('never passes a missing accent or a changed number as exact', async () => {
      assert.deepEqual((await check('«Pekin a nié ces accusations» [@a].\n')).map((c) => c[0]), ['quote-mismatch']);
      assert.deepEqual((await check('«à partir du 21 septembre 2020» [@b].\n')).map((c) => c[0]), ['quote-mismatch']);
      assert.deepEqual((await check('«Le programme compte six volets» [@a].\n')).map((c) => c[0]), ['quote-mismatch']);
    });

    it('checks a whole workspace with its whole-corpus searches made together: the diagnostics of quotations judged one by one', async () => {
      // 30 sources, lines of common words with a few words of their own; a note quoting
      // them 400 times: where cited, from another source, altered, and uncited.
      const common = ['le', 'ministre', 'a', 'dit', 'que', 'les', 'mesures', 'de', 'la', 'sécurité', 'et', 'du', 'réseau'];
      let x = 7;
      const next = (n: number) => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return x % n;
      };
      const files: Record<string, string> = {};
      const lines: string[][] = [];
      for (let i = 0; i < 30; i++) {
        const own: string[] = [];
        for (let l = 0; l < 12; l++) {
          const words = Array.from({ length: 12 }, (_, k) => (l % 3 === 0 || k % 5 !== 2 ? common[next(common.length)] : `mot${i}x${l}x${k}`));
          own.push(words.join(' '));
        }
        lines.push(own);
        files[`corpus/s${i}.txt`] = own.join('\n') + '\n';
      }
      const quotations: string[] = [];
      for (let n = 0; n < 400; n++) {
        const i = next(30);
        const words = lines[i][next(12)].split(' ');
        const from = next(6);
        const quote = words.slice(from, from + 4 + next(3));
        const kind = n % 5;
        if (kind === 2 || kind === 4) {
          quote[next(quote.length)] = 'autre';
        }
        const cited = kind === 1 || kind === 4 ? (i + 1) % 30 : i;
        quotations.push(kind === 3 ? `«${quote.join(' ')}».` : `«${quote.join(' ')}» [@s${cited}].`);
      }
      files['notes/n.pnote'] = quotations.join('\n\n') + '\n';
      const alone = await workspaceOf(files);
      const expected = alone.service.diagnostics('notes/n.pnote');
      const together = await workspaceOf(files);
      const all = await countingCalls(Corpus.prototype, 'searchAhead', (calls) => {
        const found = together.service.allDiagnostics();
        assert.equal(calls(), 1);
        return found;
      });
      assert.deepEqual(all.find((f) => f.path === 'notes/n.pnote')?.diagnostics, expected);
      const codes = new Set(expected.map((d) => d.code));
      for (const code of ['quote-wrong-source', 'quote-mismatch', 'uncited-quote']) {
        assert.ok(codes.has(code), code);
      }
      assert.ok(expected.some((d) => d.code === 'uncited-quote' && /stands in s\d+/.test(d.message)));
    });

    it('reports quote-wrong-source, which wins over a near match, with a fix citing the right source', async () => {
      const { service } = await workspaceOf({ ...CORPUS, 'note.pnote': '«Les utilisateurs existants pourront continuer» [@a, ¶2].\n' });
      const [d] = service.diagnostics('note.pnote');
      assert.equal(d.code, 'quote-wrong-source');
      assert.match(d.message, /\bb ¶3/);
      assert.equal(d.fixes?.[0].edits[0].newText, '@b, ¶3');
    });

    it('reports locator-out-of-range and quote-outside-locator with the right locator', async () => {
      assert.deepEqual(await check('«Pékin a nié» [@a, ¶99].\n'), [['locator-out-of-range', '¶99']]);
      const { service } = await workspaceOf({ ...CORPUS, 'note.pnote': '«Pékin a nié» [@a, ¶2].\n\n«Pékin a nié» [@a, ll. 1-2].\n' });
      const found = service.diagnostics('note.pnote');
      assert.deepEqual(found.map((d) => d.code), ['quote-outside-locator', 'quote-outside-locator']);
      assert.equal(found[0].fixes?.[0].edits[0].newText, '¶4');
      assert.equal(found[1].fixes?.[0].edits[0].newText, 'l. 5');
    });

    it('counts paragraphs as non-blank lines and lines as physical lines', async () => {
      assert.deepEqual(await check('«Publié le 6 août 2020» [@a, ¶3].\n\n«Publié le 6 août 2020» [@a, l. 4].\n\n«cinq volets» [@a, ¶4-5].\n'), []);
    });

    it('reports unknown-source with the closest keys as fixes', async () => {
      const { service } = await workspaceOf({ ...CORPUS, 'corpus/000_89686b2429188c97.txt': 'Texte.\n', 'note.pnote': 'See [@000_89686b2429188c98].\n' });
      const [d] = service.diagnostics('note.pnote');
      assert.equal(d.code, 'unknown-source');
      assert.match(d.message, /000_89686b2429188c97/);
      assert.equal(d.fixes?.[0].edits[0].newText, '000_89686b2429188c97');
    });

    it('reports uncited-quote of 4 words or more, with a citation fix when the corpus holds it', async () => {
      const { service } = await workspaceOf({ ...CORPUS, 'note.pnote': 'Il parle d’«applications chinoises non fiables».\n\nUn «mot» isolé, et «trois mots seulement».\n' });
      const found = service.diagnostics('note.pnote');
      assert.deepEqual(found.map((d) => d.code), ['uncited-quote']);
      assert.equal(found[0].severity, 'information');
      assert.equal(found[0].fixes?.[0].edits[0].newText, ' [@a, ¶2]');
    });

    it('checks a multi-key citation against each of its sources', async () => {
      assert.deepEqual(await check('«Les utilisateurs existants pourront continuer» [@a; @b, ¶3].\n'), []);
    });

    it('ignores quotations inside code and inside definitions', async () => {
      assert.deepEqual(await check('`«texte inventé de toutes pièces» [@a]`\n\n```\n«autre invention totale» [@a]\n```\n'), []);
    });
  });

  describe('corpus files', () => {
    it('reports duplicate-source on both files and unknown-source on citations of that key', async () => {
      const { service } = await workspaceOf({ ...CORPUS, 'corpus/sub/a.md': 'Autre texte.\n', 'note.pnote': '«Pékin a nié» [@a].\n' });
      assert.deepEqual(service.diagnostics('corpus/a.txt').map((d) => d.code), ['duplicate-source']);
      assert.deepEqual(service.diagnostics('corpus/sub/a.md').map((d) => d.code), ['duplicate-source']);
      const [d] = service.diagnostics('note.pnote');
      assert.equal(d.code, 'unknown-source');
      assert.match(d.message, /ambiguous/);
    });
  });

  describe('definitions and mentions', () => {
    it('is clean on a well-formed registry', async () => {
      assert.deepEqual(await checkWithRegistry('Nothing to see.\n'), []);
    });

    it('reports unknown-entity and unknown-event with the closest ids', async () => {
      const { service } = await workspaceOf({ ...CORPUS, 'registry.pnote': REGISTRY, 'note.pnote': 'Per @pompeoo and #clean-netwrk.\n' });
      const found = service.diagnostics('note.pnote');
      assert.deepEqual(found.map((d) => [d.code, d.fixes?.[0].edits[0].newText]), [['unknown-entity', 'pompeo'], ['unknown-event', 'clean-network']]);
      assert.ok(found[0].fixes?.some((f) => f.title.startsWith('Define entity')));
    });

    it('does not take e-mail addresses, headings or code for mentions', async () => {
      assert.deepEqual(await checkWithRegistry('# Heading\n\nWrite to press@state.gov, or `@nobody` and\n\n```\n#nothing\n```\n'), []);
    });

    it('reports duplicate-definition on both definitions', async () => {
      const { service } = await workspaceOf({ 'registry.pnote': REGISTRY, 'note.pnote': '::: entity pompeo\nname: Someone Else\n:::\n' });
      assert.deepEqual(codesOf(service, 'note.pnote'), [['duplicate-definition', 'pompeo']]);
      assert.ok(codesOf(service, 'registry.pnote').some(([code]) => code === 'duplicate-definition'));
    });

    it('reports missing-field, invalid-date, invalid-kind', async () => {
      const found = await checkWithRegistry('::: entity x\nkind: martian\n:::\n\n::: event y\ndate: 2020-02-30\n:::\n\n@x #y\n');
      assert.deepEqual(found, [
        ['missing-field', '::: entity x'],
        ['invalid-kind', 'martian'],
        ['missing-field', '::: event y'],
        ['invalid-date', '2020-02-30'],
      ]);
    });

    it('accepts partial dates and ranges', async () => {
      assert.deepEqual(await checkWithRegistry('::: event y\ntitle: T\ndate: 2020-08..2020-09-20\n:::\n\n::: event z\ntitle: U\ndate: 2020\n:::\n\n#y #z\n'), []);
    });

    it('reports alias-conflict', async () => {
      const found = await checkWithRegistry('::: entity mike\nname: M. Pompeo\naliases: Pompeo\n:::\n\n@mike\n');
      assert.deepEqual(found, [['alias-conflict', 'Pompeo']]);
    });

    it('reports event-order', async () => {
      const found = await checkWithRegistry('::: event earlier\ntitle: E\ndate: 2020-08-01\nafter: #clean-network\n:::\n\n#earlier\n');
      assert.deepEqual(found, [['event-order', '#clean-network']]);
    });

    it('reports source-predates-event from metadata dates', async () => {
      const found = await check('::: event later\ntitle: L\ndate: 2020-09-20\nsources: [@a]\n:::\n\n#later\n', {
        'pnote.json': '{ "metadata": "corpus/sources.json" }',
        'corpus/sources.json': '[{ "id": "a", "title": "A", "issued": { "date-parts": [[2020, 8, 6]] } }]',
      });
      assert.deepEqual(found, [['source-predates-event', '@a']]);
    });

    it('reads a source date from its text when there is no metadata', async () => {
      const found = await check('::: event later\ntitle: L\ndate: 2020-09\nsources: [@a]\n:::\n\n#later\n');
      assert.deepEqual(found, [['source-predates-event', '@a']]);
    });

    it('reports actor-not-in-source, and not when an alias is found', async () => {
      const found = await checkWithRegistry('::: event ban\ntitle: Ban\ndate: 2020-08-01\nactors: @pompeo\nsources: [@b]\n:::\n\n#ban\n');
      assert.deepEqual(found, [['actor-not-in-source', '@pompeo']]);
      assert.deepEqual(await checkWithRegistry('::: event ban\ntitle: Ban\ndate: 2020-08-01\nactors: @china\nsources: [@a]\n:::\n\n#ban\n'), []);
    });

    it('reports unused-definition as a hint', async () => {
      const { service } = await workspaceOf({ 'note.pnote': '::: entity lonely\nname: Lonely\n:::\n' });
      const [d] = service.diagnostics('note.pnote');
      assert.equal(d.code, 'unused-definition');
      assert.equal(d.severity, 'hint');
    });
  });

  describe('configuration', () => {
    it('applies severity overrides from pnote.json, "off" included', async () => {
      const { service } = await workspaceOf({ 'pnote.json': '{ "severity": { "unused-definition": "off", "unknown-entity": "error" } }', 'note.pnote': '::: entity lonely\nname: L\n:::\n\n@ghost\n' });
      assert.deepEqual(service.diagnostics('note.pnote').map((d) => [d.code, d.severity]), [['unknown-entity', 'error']]);
    });

    it('uses blocks paragraphs when asked', async () => {
      const { service } = await workspaceOf({
        'pnote.json': '{ "paragraphs": "blocks" }',
        'corpus/c.txt': 'First paragraph\nwrapped here.\n\nSecond paragraph\nalso wrapped.\n',
        'note.pnote': '«Second paragraph also wrapped» [@c, ¶2].\n',
      });
      assert.deepEqual(service.diagnostics('note.pnote'), []);
    });

    it('rejects corpus paths outside the workspace', async () => {
      for (const corpus of ['../elsewhere', '/etc', 'a/../../b', '..%2Fsecret']) {
        const { service } = await workspaceOf({ 'pnote.json': JSON.stringify({ corpus }), 'note.pnote': 'x\n' });
        assert.equal(service.workspace.configFatal, true, corpus);
        assert.match(service.diagnostics('pnote.json')[0].message, /outside the workspace/);
      }
    });

    it('rejects metadata paths outside the workspace, and touches nothing there', async () => {
      const note = '«Pékin a nié» [@a].\n';
      for (const metadata of ['../x.json', '/etc/passwd', 'corpus/../../x.json', '..%2Fx.json', '..\\x.json', 'C:\\x.json']) {
        const { service, asked, read } = await loadWith(new MemoryFileSystem({ ...CORPUS, 'pnote.json': JSON.stringify({ metadata }), 'note.pnote': note }));
        assert.equal(service.workspace.configFatal, true, metadata);
        const problems = service.diagnostics('pnote.json');
        assert.deepEqual(problems.map((d) => d.code), ['invalid-config'], metadata);
        assert.match(problems[0].message, /"metadata" \(".*"\) points outside the workspace/, metadata);
        assert.deepEqual([...asked, ...read].filter((p) => !inside(p)), [], metadata);
        assert.ok(!read.some((p) => p.endsWith('.json') && p !== 'pnote.json'), `${metadata}: no metadata file read (${read.join()})`);
      }
    });

    it('rejects editor settings (corpus, metadata) pointing outside the workspace, and touches nothing there', async () => {
      const files = { ...CORPUS, 'note.pnote': '«Pékin a nié» [@a].\n' };
      const cases: ConfigSettings[] = [
        { corpus: '../elsewhere' },
        { corpus: '/etc' },
        { corpus: 'corpus/../../elsewhere' },
        { corpus: '..%2Felsewhere' },
        { metadata: '../sources.json' },
        { metadata: '/etc/passwd' },
        { metadata: '..%2Fsources.json' },
      ];
      for (const settings of cases) {
        const what = JSON.stringify(settings);
        const { service, asked, read } = await loadWith(new MemoryFileSystem(files), settings);
        assert.equal(service.workspace.configFatal, true, what);
        // A setting has no file: its problem is a configuration problem (the server shows it), not a diagnostic on pnote.json.
        assert.deepEqual(service.diagnostics('pnote.json'), [], what);
        assert.equal(service.workspace.configProblems.length, 1, what);
        assert.match(service.workspace.configProblems[0].message, /^setting "(corpus|metadata)" \(".*"\) points outside the workspace/, what);
        assert.deepEqual([...asked, ...read].filter((p) => !inside(p)), [], what);
      }
      // pnote.json wins over a setting: an inside corpus in the file, an outside one in the settings, is fine.
      const both = await loadWith(new MemoryFileSystem({ ...files, 'pnote.json': '{ "corpus": "corpus" }' }), { corpus: '../elsewhere' });
      assert.equal(both.service.workspace.configFatal, false);
      assert.deepEqual(both.service.diagnostics('note.pnote'), []);
    });

    it('rejects pnote.json and setting paths that lead outside through a symlink, and reads nothing there (Node file system)', async () => {
      const parent = nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'pnote-config-links-'));
      try {
        const root = nodePath.join(parent, 'ws');
        for (const [rel, text] of Object.entries({ ...CORPUS, 'note.pnote': '«Pékin a nié» [@a].\n' })) {
          nodeFs.mkdirSync(nodePath.dirname(nodePath.join(root, rel)), { recursive: true });
          nodeFs.writeFileSync(nodePath.join(root, rel), text);
        }
        nodeFs.mkdirSync(nodePath.join(parent, 'outside-corpus'));
        nodeFs.writeFileSync(nodePath.join(parent, 'outside-corpus', 'secret.txt'), 'Secret.\n');
        nodeFs.writeFileSync(nodePath.join(parent, 'secret.json'), JSON.stringify([{ id: 'a', title: 'SECRET TITLE' }]));
        nodeFs.symlinkSync(nodePath.join(parent, 'secret.json'), nodePath.join(root, 'linked.json'));
        nodeFs.symlinkSync(nodePath.join(parent, 'outside-corpus'), nodePath.join(root, 'linked-corpus'));
        const cases: Array<[string, ConfigSettings, string | undefined]> = [
          ['pnote.json metadata', {}, '{ "metadata": "linked.json" }'],
          ['pnote.json corpus', {}, '{ "corpus": "linked-corpus" }'],
          ['setting metadata', { metadata: 'linked.json' }, undefined],
          ['setting corpus', { corpus: 'linked-corpus' }, undefined],
        ];
        for (const [what, settings, config] of cases) {
          nodeFs.rmSync(nodePath.join(root, 'pnote.json'), { force: true });
          if (config) {
            nodeFs.writeFileSync(nodePath.join(root, 'pnote.json'), config);
          }
          const { service, read } = await loadWith(await NodeFileSystem.open(root), settings);
          assert.equal(service.workspace.configFatal, true, what);
          assert.match(service.workspace.configProblems.map((p) => p.message).join('\n'), /points outside the workspace/, what);
          if (config) {
            assert.match(service.diagnostics('pnote.json')[0]?.message ?? '', /points outside the workspace/, what);
          }
          assert.deepEqual(read.filter((p) => p.startsWith('linked')), [], `${what}: read through the link`);
          assert.equal(service.stats().sources, 2, `${what}: the workspace's own corpus, not the linked one`);
          const card = service.hover('note.pnote', { line: 0, character: 16 }); // on the citation [@a]
          assert.ok(card, `${what}: a hover on the citation`);
          assert.doesNotMatch(card.markdown, /SECRET/, `${what}: the linked metadata's title`);
        }
      } finally {
        nodeFs.rmSync(parent, { recursive: true, force: true });
      }
    });

    it('reports invalid JSON in pnote.json and in the metadata file', async () => {
      const bad = await workspaceOf({ 'pnote.json': '{ corpus: ', 'note.pnote': 'x\n' });
      assert.equal(bad.service.workspace.configFatal, true);
      assert.match(bad.service.diagnostics('pnote.json')[0].message, /not valid JSON/);
      const meta = await workspaceOf({ ...CORPUS, 'pnote.json': '{ "metadata": "corpus/sources.json" }', 'corpus/sources.json': '[{', 'note.pnote': '«Pékin a nié» [@a].\n' });
      assert.equal(meta.service.diagnostics('corpus/sources.json')[0].code, 'invalid-metadata');
      assert.deepEqual(meta.service.diagnostics('note.pnote'), []);
    });
  });
});
