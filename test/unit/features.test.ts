import { strict as assert } from 'node:assert';
import { CORPUS, countingCalls, REGISTRY as SHARED_REGISTRY, workspaceOf } from './helpers';
import { Corpus } from '../../server/src/corpus/corpus';
import type { LanguageService } from '../../server/src/service';

const REGISTRY = `//- registry.pnote\n${SHARED_REGISTRY}`;

function corpusFixture(): string {
  return Object.entries(CORPUS)
    .map(([path, text]) => `//- ${path}\n${text}`)
    .join('');
}

async function completionLabels(note: string): Promise<string[]> {
  const { service, fixture } = await workspaceOf(`${REGISTRY}${corpusFixture()}//- note.pnote\n${note}`);
  const list = service.completion('note.pnote', fixture.cursor!.position);
  return list?.items.map((i) => i.label) ?? [];
}

describe('features (in memory, cursor marker)', () => {
  describe('completion', () => {
    it('offers entities after @ by id, name or alias, ignoring case and accents', async () => {
      assert.equal((await completionLabels('Text @pomp$0'))[0], 'pompeo');
      assert.equal((await completionLabels('Text @Mike$0'))[0], 'pompeo');
      assert.equal((await completionLabels('Text @Pekin$0'))[0], 'china');
    });

    it('offers events after # with their date, and nothing for a heading', async () => {
      const { service, fixture } = await workspaceOf(`${REGISTRY}//- note.pnote\nSince #clean$0`);
      const item = service.completion('note.pnote', fixture.cursor!.position)!.items[0];
      assert.equal(item.label, 'clean-network');
      assert.match(item.detail ?? '', /2020-08-05/);
      assert.deepEqual(await completionLabels('#$0'), []);
    });

    it('offers source keys inside [@ and after ; @, and nothing inside code', async () => {
      assert.deepEqual((await completionLabels('See [@$0')).sort(), ['a', 'b']);
      assert.deepEqual((await completionLabels('See [@a; @$0')).sort(), ['a', 'b']);
      assert.deepEqual(await completionLabels('`@pomp$0`'), []);
    });

    it('finds a source by a word of its title in a large corpus', async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 600; i++) {
        files[`corpus/s${String(i).padStart(4, '0')}.txt`] = `Dépêche numéro ${i} sur le commerce\n\nTexte.\n`;
      }
      files['corpus/lemonde.txt'] = 'Washington interdit TikTok\n\nTexte.\n';
      files['note.pnote'] = 'See [@washing';
      const { service } = await workspaceOf(files);
      const list = service.completion('note.pnote', { line: 0, character: 13 })!;
      assert.equal(list.items[0].label, 'lemonde');
      const all = service.completion('note.pnote', { line: 0, character: 6 })!;
      assert.equal(all.items.length, 50);
      // Two letters or more: the sources with a word starting with them (accents ignored).
      const after = async (typed: string) => {
        service.setNoteText('note.pnote', `See [@${typed}`, typed.length + 1);
        return service.completion('note.pnote', { line: 0, character: 6 + typed.length })!.items.map((i) => i.label);
      };
      assert.deepEqual(await after('ti'), ['lemonde']);
      assert.deepEqual(await after('inte'), ['lemonde']);
      assert.deepEqual((await after('depe')).slice(0, 3), ['s0000', 's0001', 's0002'], 'Dépêche: 600 sources, in key order');
      assert.deepEqual(await after('s0059'), ['s0059']);
    });

    it('prepareFeatures builds the completion indexes ahead, so the first completion does not', async () => {
      const spec = `${REGISTRY}${corpusFixture()}//- note.pnote\nSee [@a] @pompeo #clean-network\n`;
      const indexes = [['completion.entities', { symbols: true }], ['completion.events', { symbols: true }], ['completion.sources', { corpus: true }]] as const;
      /** Whether the workspace had to compute a memo (it was not built yet). */
      const computes = (service: LanguageService, name: string, depends: { symbols?: boolean; corpus?: boolean }) => {
        let computed = false;
        service.workspace.memo(name, depends, () => (computed = true));
        return computed;
      };
      const plain = await workspaceOf(spec);
      assert.deepEqual(indexes.map(([name, depends]) => computes(plain.service, name, depends)), [true, true, true], 'not built by a load');
      const prepared = await workspaceOf(spec);
      prepared.service.prepareFeatures();
      assert.deepEqual(indexes.map(([name, depends]) => computes(prepared.service, name, depends)), [false, false, false]);
      // In pieces (as the server runs them, one a turn): those of `@` and `#` first, the sources' last.
      const first = await workspaceOf(spec);
      const steps = first.service.featureSteps(['note.pnote']);
      assert.equal(steps.length, 6, 'the entities, the events, the note\'s one entity, the sources in one piece (fewer than 1,000), the index finished, the word postings grouped');
      steps[0]();
      steps[1]();
      assert.deepEqual(indexes.map(([name, depends]) => computes(first.service, name, depends)), [false, false, true], 'the first two pieces: entities and events, not the sources');
      const stepped = await workspaceOf(spec);
      for (const step of stepped.service.featureSteps(['note.pnote'])) {
        step();
      }
      assert.deepEqual(indexes.map(([name, depends]) => computes(stepped.service, name, depends)), [false, false, false], 'every piece: all of them');
      assert.ok(stepped.service.workspace.corpus.postingsReady, 'the word postings grouped');
      assert.deepEqual(stepped.service.featureSteps(['note.pnote']), [], 'once built, no piece until the symbols or the corpus change');
    });

    it('builds the sources\' index 1,000 sources a piece; a completion between two pieces, or after all, lists what one without pieces does', async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 2500; i++) {
        files[`corpus/s${String(i).padStart(4, '0')}.txt`] = `${['Washington', 'Pékin', 'Bruxelles'][i % 3]} répond ${i % 7 === 0 ? 'vite' : 'lentement'}\n\nTexte.\n`;
      }
      files['note.pnote'] = 'See [@';
      const queries = ['w', 'pe', 'vite', 'lent', 'bru', 's0042', 's2480', 'zzz'];
      const listed = (service: LanguageService) =>
        queries.map((q) => {
          service.setNoteText('note.pnote', `See [@${q}`, q.length + 1);
          return service.completion('note.pnote', { line: 0, character: 6 + q.length })!.items.map((i) => i.label).join(' ');
        });
      const expected = listed((await workspaceOf(files)).service);
      const midway = (await workspaceOf(files)).service;
      const steps = midway.featureSteps([]);
      assert.equal(steps.length, 2 + 3 + 1 + 1, 'the entities, the events, three pieces of sources, the index finished, the word postings grouped');
      steps.slice(0, 4).forEach((step) => step());
      assert.deepEqual(listed(midway), expected, 'between two pieces');
      const prepared = (await workspaceOf(files)).service;
      prepared.featureSteps([]).forEach((step) => step());
      assert.deepEqual(listed(prepared), expected, 'after every piece');
    });

    it('after one letter, offers the ids starting with it, then the names with a word starting with it (accents ignored)', async () => {
      const labels = async (note: string) => (await completionLabels(note)).filter((label) => !label.startsWith('define entity'));
      assert.deepEqual(await labels('Text @p$0'), ['pompeo', 'china']); // Pékin
      assert.deepEqual(await labels('Text @c$0'), ['china']);
      assert.deepEqual(await labels('Text @m$0'), ['pompeo']); // Mike Pompeo
      assert.deepEqual(await labels('Text @É$0'), ['pompeo']); // secrétaire d’État américain
      assert.deepEqual(await labels('Since #p$0'), ['clean-network']); // Pompeo presents …
      assert.deepEqual(await labels('Text @z$0'), []);
    });

    it('after one letter in a large corpus, lists the sources with a word starting with it, in key order', async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 600; i++) {
        files[`corpus/s${String(i).padStart(4, '0')}.txt`] = `${i % 3 === 0 ? 'Washington' : 'Pékin'} répond ${i}\n\nTexte.\n`;
      }
      files['note.pnote'] = 'See [@w';
      const { service } = await workspaceOf(files);
      const labels = service.completion('note.pnote', { line: 0, character: 7 })!.items.map((i) => i.label);
      assert.equal(labels.length, 50);
      assert.deepEqual(labels.slice(0, 3), ['s0000', 's0003', 's0006']);
      service.setNoteText('note.pnote', 'See [@p', 2);
      assert.deepEqual(service.completion('note.pnote', { line: 0, character: 7 })!.items.slice(0, 2).map((i) => i.label), ['s0001', 's0002']);
    });

    it('offers to define an unknown entity, with a skeleton appended to the note', async () => {
      const { service, fixture } = await workspaceOf(`${REGISTRY}//- note.pnote\nText @mnuchin$0`);
      const define = service.completion('note.pnote', fixture.cursor!.position)!.items.find((i) => i.kind === 'define');
      assert.ok(define);
      assert.match(define.additionalEdits?.[0].newText ?? '', /::: entity mnuchin\nname: \nkind: \n:::/);
    });
  });

  describe('hover', () => {
    it('shows an entity card with corpus counts and its events', async () => {
      const { service, fixture } = await workspaceOf(`${REGISTRY}${corpusFixture()}//- note.pnote\nSee @pom$0peo.\n`);
      const hover = service.hover('note.pnote', fixture.cursor!.position)!;
      assert.match(hover.markdown, /\*\*Mike Pompeo\*\*/);
      assert.match(hover.markdown, /Named 3 times in 1 source\./);
      assert.match(hover.markdown, /> {2}\*\*Pompeo\*\* présente le programme « Clean Network »\n>\n> — a ¶1/, 'the first occurrence, in bold in its paragraph');
      assert.match(hover.markdown, /Takes part in: 2020-08-05 Pompeo presents the Clean Network/);
      assert.deepEqual(hover.range, { start: { line: 0, character: 4 }, end: { line: 0, character: 11 } });
    });

    it('prepareFeatures counts ahead the corpus names of the entities a note mentions, so hovering them does not', async () => {
      const spec = `${REGISTRY}${corpusFixture()}//- note.pnote\nSee @pompeo and @pompeo again.\n`;
      await countingCalls(Corpus.prototype, 'runOccurrences', async (calls) => {
        const plain = await workspaceOf(spec);
        const before = plain.service.hover('note.pnote', { line: 0, character: 6 })!.markdown;
        assert.ok(calls() > 0, 'a first hover counts');
        const prepared = await workspaceOf(spec);
        const beforePreparing = calls();
        prepared.service.prepareFeatures(['note.pnote']);
        const counted = calls();
        assert.ok(counted > beforePreparing, 'prepareFeatures counts');
        assert.equal(prepared.service.hover('note.pnote', { line: 0, character: 6 })!.markdown, before, 'the same card');
        assert.equal(calls(), counted, 'nothing counted at hover time');
      });
    });

    it('counts a name and its alias standing together once, across sources, most named first', async () => {
      const { service, fixture } = await workspaceOf(
        `${REGISTRY}//- corpus/x.txt\nMike Pompeo a parlé. Puis Pompeo est parti.\n//- corpus/y.txt\nPompeo, encore Pompeo, et Mike Pompeo.\n//- note.pnote\nSee @pom$0peo.\n`,
      );
      const markdown = service.hover('note.pnote', fixture.cursor!.position)!.markdown;
      assert.match(markdown, /Named 5 times in 2 sources\./);
      assert.match(markdown, /> {2}\*\*Pompeo\*\* , encore Pompeo, et Mike Pompeo\.\n>\n> — y ¶1/, 'y first: three occurrences');
      assert.match(markdown, /> {2}\*\*Mike Pompeo\*\* a parlé\. Puis Pompeo est parti\.\n>\n> — x ¶1/, '"Mike Pompeo" once, not also "Pompeo"');
    });

    it('shows the quoted passage of a citation, or the closest wording', async () => {
      const exact = await workspaceOf(`${corpusFixture()}//- note.pnote\n«Pékin a nié» [@$0a].\n`);
      assert.match(exact.service.hover('note.pnote', exact.fixture.cursor!.position)!.markdown, /\*\*Pékin a nié\*\*/);
      const near = await workspaceOf(`${corpusFixture()}//- note.pnote\n«Pekin a nié ces accusations» [@$0a].\n`);
      assert.match(near.service.hover('note.pnote', near.fixture.cursor!.position)!.markdown, /Closest wording/);
    });

    it('renders corpus and note text inert: no links, commands or HTML', async () => {
      const { service, fixture } = await workspaceOf({
        'corpus/evil.txt': 'Titre [click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)>\n\nPompeo a parlé.\n',
        'note.pnote': '::: entity pompeo\nname: Mike [x](command:evil) <b>Pompeo</b>\nrole: `code` **bold**\naliases: Pompeo\n:::\n\n@pompeo «Pompeo a parlé» [@evil].\n',
      });
      const texts = [
        service.hover('note.pnote', { line: 6, character: 2 })!.markdown,
        service.hover('note.pnote', { line: 6, character: 29 })!.markdown,
      ];
      for (const markdown of texts) {
        assert.doesNotMatch(markdown, /\]\(command:/);
        assert.doesNotMatch(markdown, /<img|<b>/);
      }
      void fixture;
    });
  });

  describe('navigation', () => {
    it('refuses a rename onto an existing id, and renames definitions and mentions otherwise', async () => {
      const { service, fixture } = await workspaceOf(`${REGISTRY}//- note.pnote\n@pompeo and @pom$0peo\n`);
      const refused = service.rename('note.pnote', fixture.cursor!.position, 'china');
      assert.ok('error' in refused && /already defined/.test(refused.error));
      const done = service.rename('note.pnote', fixture.cursor!.position, 'mike');
      assert.ok('edits' in done);
      assert.deepEqual(done.edits.map((e) => e.path).sort(), ['note.pnote', 'note.pnote', 'registry.pnote', 'registry.pnote']);
    });
  });
});
