import { strict as assert } from 'node:assert';
import { createLanguageService } from '../../server/src/service';
import { MemoryFileSystem } from '../../server/src/workspace/fs';
import { CORPUS, REGISTRY } from './helpers';

/** A load that defers the notes without definitions (what the server does at start-up). */
async function deferredLoad(files: Record<string, string>) {
  const fs = new MemoryFileSystem(files);
  const service = createLanguageService({ fs });
  await service.load(undefined, { deferNotes: true });
  return { service, fs };
}

async function fullLoad(files: Record<string, string>) {
  const service = createLanguageService({ fs: new MemoryFileSystem(files) });
  await service.load();
  return service;
}

describe('a load that defers the notes without definitions (and the word postings)', () => {
  const files = {
    ...CORPUS,
    // Defines china and clean-network, which only deferred notes mention (its event mentions pompeo).
    'registry.pnote': REGISTRY,
    'a/open.pnote': '@china a réagi : «Pékin a nié ces accusations» [@a]. Voir @nobody.\n',
    'b/other.pnote': '@china. «Les utilisateurs existants pourront continuer» [@b]. #clean-network\n',
    'c/more.pnote': '«Une phrase qui n’est dans aucune source» [@b].\n',
  };

  it('keeps the notes without `:::` out until finishDeferredNotes, then gives what a full load gives, in the same order', async () => {
    const { service } = await deferredLoad(files);
    const workspace = service.workspace;
    assert.deepEqual([...workspace.notes.keys()], ['registry.pnote']);
    assert.equal(workspace.deferredNoteCount, 3);
    assert.equal(workspace.corpus.postingsDeferred, true, 'the word postings wait too');
    // Every definition is known already: a note opened now gets its final diagnostics.
    service.setNoteText('a/open.pnote', files['a/open.pnote'], 1);
    assert.equal(workspace.diagnosticsFinal('a/open.pnote'), true);
    const early = service.diagnostics('a/open.pnote');
    assert.deepEqual(early.map((d) => d.code), ['unknown-entity']);
    // The registry's are not final: whether china is mentioned depends on the other notes.
    assert.equal(workspace.diagnosticsFinal('registry.pnote'), false);
    assert.equal(service.finishDeferredNotes(), 2, 'the open note is not added again');
    assert.equal(workspace.deferredNoteCount, 0);
    assert.equal(workspace.corpus.postingsDeferred, false);
    assert.equal(workspace.diagnosticsFinal('registry.pnote'), true);

    const full = await fullLoad(files);
    full.setNoteText('a/open.pnote', files['a/open.pnote'], 1);
    assert.deepEqual([...workspace.notes.keys()], [...full.workspace.notes.keys()]);
    assert.deepEqual(service.diagnostics('a/open.pnote'), early);
    assert.deepEqual(service.allDiagnostics(), full.allDiagnostics());
    // The registry's problems, worked out before the other notes came in, were worked
    // out again: china and clean-network are mentioned by then.
    assert.deepEqual(service.diagnostics('registry.pnote').filter((d) => d.code === 'unused-definition'), []);
  });

  it('marks as changed the notes whose diagnostics the deferred notes change', async () => {
    const { service } = await deferredLoad(files);
    assert.deepEqual(
      service.diagnostics('registry.pnote').filter((d) => d.code === 'unused-definition').map((d) => d.message),
      ['Entity "china" is never mentioned (@china) in any note', 'Event "clean-network" is never mentioned (#clean-network) in any note'],
      'before: no note mentions them yet',
    );
    service.workspace.takeChangedPaths();
    service.finishDeferredNotes();
    assert.deepEqual(service.workspace.takeChangedPaths(), ['a/open.pnote', 'b/other.pnote', 'c/more.pnote', 'registry.pnote']);
    assert.deepEqual(service.diagnostics('registry.pnote').filter((d) => d.code === 'unused-definition'), []);
  });

  it('keeps what changed meanwhile: a note edited or deleted before the deferred notes are added', async () => {
    const { service, fs } = await deferredLoad(files);
    fs.write('b/other.pnote', '@ghost\n');
    await service.fileChanged('b/other.pnote', 'changed');
    fs.delete('c/more.pnote');
    await service.fileChanged('c/more.pnote', 'deleted');
    assert.equal(service.finishDeferredNotes(), 1);
    assert.equal(service.workspace.notes.get('b/other.pnote')?.text, '@ghost\n');
    assert.equal(service.workspace.notes.has('c/more.pnote'), false);
    assert.deepEqual([...service.workspace.notes.keys()], ['a/open.pnote', 'b/other.pnote', 'registry.pnote']);
  });

  it('defers nothing without the option, and a new load forgets what the last one deferred', async () => {
    const full = await fullLoad(files);
    assert.equal(full.workspace.deferredNoteCount, 0);
    assert.equal(full.workspace.notes.size, 4);
    const { service } = await deferredLoad(files);
    await service.load();
    assert.equal(service.workspace.deferredNoteCount, 0);
    assert.equal(service.finishDeferredNotes(), 0);
    assert.deepEqual(service.allDiagnostics(), full.allDiagnostics());
  });
});
