import { strict as assert } from 'node:assert';
import { Corpus } from '../../server/src/corpus/corpus';
import { CORPUS, countingCalls, workspaceOf } from './helpers';

describe('incremental updates', () => {
  const files = {
    ...CORPUS,
    'registry.pnote': '::: entity pompeo\nname: Mike Pompeo\n:::\n',
    'cites-a.pnote': '@pompeo: «Pékin a nié ces accusations» [@a].\n',
    'cites-b.pnote': '«Les utilisateurs existants pourront continuer» [@b].\n',
  };

  it('re-checks only the edited note: no file is read, other notes keep their quotation checks', async () => {
    const { service, fs } = await workspaceOf(files);
    for (const { path } of service.allDiagnostics()) {
      service.diagnostics(path);
    }
    const cachedA = service.workspace.notes.get('cites-a.pnote')!.quoteProblems;
    assert.ok(cachedA);
    let reads = 0;
    const read = fs.readFile.bind(fs);
    fs.readFile = async (path: string) => {
      reads++;
      return read(path);
    };
    service.setNoteText('cites-b.pnote', '«Texte inventé de toutes pièces» [@b].\n', 2);
    assert.deepEqual(service.diagnostics('cites-b.pnote').map((d) => d.code), ['quote-not-found']);
    assert.deepEqual(service.diagnostics('cites-a.pnote'), []);
    assert.equal(service.workspace.notes.get('cites-a.pnote')!.quoteProblems, cachedA, 'cites-a.pnote was not re-checked');
    assert.equal(reads, 0);
  });

  it('updates other notes when a definition changes', async () => {
    const { service } = await workspaceOf(files);
    assert.deepEqual(service.diagnostics('cites-a.pnote'), []);
    service.setNoteText('registry.pnote', '::: entity mike\nname: Mike Pompeo\n:::\n@mike\n', 2);
    assert.deepEqual(service.diagnostics('cites-a.pnote').map((d) => d.code), ['unknown-entity']);
  });

  it('re-checks, after a corpus change, only notes that cite the changed source', async () => {
    const { service, fs } = await workspaceOf(files);
    service.diagnostics('cites-a.pnote');
    service.diagnostics('cites-b.pnote');
    const cachedA = service.workspace.notes.get('cites-a.pnote')!.quoteProblems;
    fs.write('corpus/b.txt', 'Un tout autre texte.\n');
    await service.fileChanged('corpus/b.txt', 'changed');
    assert.equal(service.workspace.notes.get('cites-a.pnote')!.quoteProblems, cachedA);
    assert.deepEqual(service.diagnostics('cites-b.pnote').map((d) => d.code), ['quote-not-found']);
  });

  it('follows notes and sources created and deleted on disk', async () => {
    const { service, fs } = await workspaceOf(files);
    fs.write('corpus/c.txt', 'Une nouvelle source apparaît.\n');
    await service.fileChanged('corpus/c.txt', 'created');
    fs.write('new.pnote', '«Une nouvelle source apparaît» [@c].\n');
    await service.fileChanged('new.pnote', 'created');
    assert.deepEqual(service.diagnostics('new.pnote'), []);
    fs.delete('corpus/c.txt');
    await service.fileChanged('corpus/c.txt', 'deleted');
    assert.deepEqual(service.diagnostics('new.pnote').map((d) => d.code), ['unknown-source']);
    fs.delete('new.pnote');
    await service.fileChanged('new.pnote', 'deleted');
    assert.equal(service.workspace.notes.has('new.pnote'), false);
  });

  it('keeps the editor text of an open note over the disk, until it is closed', async () => {
    const { service, fs } = await workspaceOf(files);
    service.setNoteText('cites-b.pnote', '@ghost\n', 5);
    fs.write('cites-b.pnote', 'Clean on disk.\n');
    await service.fileChanged('cites-b.pnote', 'changed');
    assert.deepEqual(service.diagnostics('cites-b.pnote').map((d) => d.code), ['unknown-entity']);
    await service.closeNote('cites-b.pnote');
    assert.deepEqual(service.diagnostics('cites-b.pnote'), []);
  });

  it('resolves a duplicate key when one of the two files goes', async () => {
    const { service, fs } = await workspaceOf({ ...files, 'corpus/old/a.txt': 'Ancienne version.\n' });
    assert.deepEqual(service.diagnostics('cites-a.pnote').map((d) => d.code), ['unknown-source']);
    fs.delete('corpus/old/a.txt');
    await service.fileChanged('corpus/old/a.txt', 'deleted');
    assert.deepEqual(service.diagnostics('cites-a.pnote'), []);
    assert.deepEqual(service.diagnostics('corpus/a.txt'), []);
  });

  it('reports as changed only the notes an edit can affect', async () => {
    const { service } = await workspaceOf(files);
    service.allDiagnostics();
    service.workspace.takeChangedPaths();
    service.setNoteText('cites-b.pnote', 'Prose only. «Les utilisateurs existants pourront continuer» [@b].\n', 2);
    assert.deepEqual(service.workspace.takeChangedPaths(), ['cites-b.pnote']);
    // Dropping the only mention of @pompeo makes its definition unused: the registry changes too.
    service.setNoteText('cites-a.pnote', '«Pékin a nié ces accusations» [@a].\n', 2);
    assert.deepEqual(service.workspace.takeChangedPaths(), ['cites-a.pnote', 'registry.pnote']);
    assert.deepEqual(service.diagnostics('registry.pnote').map((d) => d.code), ['unused-definition']);
    // Renaming the entity in the registry affects the note that mentions it.
    service.setNoteText('cites-a.pnote', '@pompeo «Pékin a nié ces accusations» [@a].\n', 3);
    service.workspace.takeChangedPaths();
    service.setNoteText('registry.pnote', '::: entity mike\nname: Mike Pompeo\n:::\n', 2);
    assert.deepEqual(service.workspace.takeChangedPaths(), ['cites-a.pnote', 'registry.pnote']);
    assert.deepEqual(service.diagnostics('cites-a.pnote').map((d) => d.code), ['unknown-entity']);
  });

  it('finds the notes an edit affects without looking at the others, and forgets replaced notes', async () => {
    const many: Record<string, string> = { ...files };
    for (let i = 0; i < 300; i++) {
      many[`other-${i}.pnote`] = `Unrelated note ${i}: «Pékin a nié ces accusations» [@a].\n`;
    }
    many['mentions.pnote'] = '@pompeo and @nobody.\n';
    const { service } = await workspaceOf(many);
    service.allDiagnostics();
    service.workspace.takeChangedPaths();
    // The dependents of each key, as the workspace indexes them.
    const index = () => (service.workspace as unknown as { dependents: Map<string, Set<{ path: string }>> }).dependents;
    const size = () => [...index().values()].reduce((n, notes) => n + notes.size, 0);
    const expected = () => [...service.workspace.notes.values()].reduce((n, note) => n + note.dependencies.size, 0);
    assert.equal(size(), expected());
    // 300 notes that depend on no key the edits touch: walking them all would be reading every note's dependencies.
    const reads = { count: 0 };
    for (const note of service.workspace.notes.values()) {
      const has = note.dependencies.has.bind(note.dependencies);
      note.dependencies.has = (key: string) => {
        reads.count++;
        return has(key);
      };
    }
    for (let i = 0; i < 50; i++) {
      service.setNoteText('registry.pnote', `::: entity pompeo\nname: Mike Pompeo ${i}\n:::\n`, i + 2);
      assert.deepEqual(service.workspace.takeChangedPaths(), ['cites-a.pnote', 'mentions.pnote', 'registry.pnote'], `edit ${i}`);
    }
    assert.equal(reads.count, 0, 'no note was asked whether it depends on a changed key');
    assert.equal(size(), expected(), 'replaced notes are not kept in the index');
    // A new undefined id changes every id's suggestions: the notes mentioning an undefined one.
    service.diagnostics('mentions.pnote');
    service.setNoteText('registry.pnote', '::: entity pompeo\nname: Mike Pompeo\n:::\n::: entity nobodi\nname: Nobodi\n:::\n', 99);
    assert.ok(service.workspace.takeChangedPaths().includes('mentions.pnote'));
  });

  it('gives a quotation judged before the ranges of where it stands now', async () => {
    const { service } = await workspaceOf(files);
    const note = '«Les utilisateurs existants pourront continuer» [@b, ¶2].\n';
    service.setNoteText('cites-b.pnote', note, 2);
    const at = note.indexOf('¶2');
    assert.deepEqual(service.diagnostics('cites-b.pnote')[0].range.start, { line: 0, character: at });
    service.setNoteText('cites-b.pnote', `Moved down.\n\n${note}`, 3);
    const [moved] = service.diagnostics('cites-b.pnote');
    assert.equal(moved.code, 'quote-outside-locator');
    assert.deepEqual(moved.range.start, { line: 2, character: at });
    assert.deepEqual(moved.fixes?.[0].edits[0].range.start, { line: 2, character: at });
  });

  it('keeps one verdict per quotation and citation: the same words cited elsewhere are judged anew, cited alike are judged once', async () => {
    const quote = '«Pékin a nié ces accusations»';
    const { service } = await workspaceOf({
      ...CORPUS,
      'right.pnote': `${quote} [@a].\n`,
      'wrong.pnote': `${quote} [@b].\n`,
      'located.pnote': `${quote} [@a, ¶1].\n`,
      'again.pnote': `Plus bas.\n\n${quote} [@b].\n`,
    });
    await countingCalls(Corpus.prototype, 'findExactAnywhere', (calls) => {
      const codes = (path: string) => service.diagnostics(path).map((d) => d.code);
      assert.deepEqual(codes('right.pnote'), []);
      assert.deepEqual(codes('wrong.pnote'), ['quote-wrong-source']);
      assert.deepEqual(codes('located.pnote'), ['quote-outside-locator'], 'the same words and key, another locator: judged apart');
      assert.deepEqual(codes('again.pnote'), ['quote-wrong-source']);
      assert.equal(calls(), 1, 'the wrong citation searched the corpus once, for both notes');
      // Each note's diagnostic where its own quotation stands.
      assert.equal(service.diagnostics('again.pnote')[0].range.start.line, 2);
      assert.equal(service.diagnostics('wrong.pnote')[0].range.start.line, 0);
    });
  });

  it('judges each quotation of the workspace once for a whole check, even past the memo\'s usual bound', async () => {
    // 6,000 distinct quotations (more than the 5,000 entries a memo keeps while typing).
    const words = Array.from({ length: 6000 }, (_, i) => `mot${i}`);
    const files: Record<string, string> = { 'corpus/long.txt': `${words.join(' ')}\n` };
    for (let n = 0; n < 3; n++) {
      files[`n${n}.pnote`] = words.slice(n * 2000, (n + 1) * 2000).map((w) => `«${w}» [@long]`).join('\n') + '\n';
    }
    const { service } = await workspaceOf(files);
    await countingCalls(Corpus.prototype, 'quickExact', (calls) => {
      const files = service.allDiagnostics();
      assert.equal(files.reduce((n, f) => n + f.diagnostics.length, 0), 0, 'every quotation found');
      assert.equal(calls(), 6000, 'each judged once');
    });
  });
});
