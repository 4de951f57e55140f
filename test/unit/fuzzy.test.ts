/**
 * common/fuzzy.ts: fuse.js with keys folded once; a two-character query scores only
 * the items where it stands, which must give exactly what scoring every item gives.
 */
import { strict as assert } from 'node:assert';
import Fuse from 'fuse.js';
import { FoldedFuse, stripDiacritics } from '../../server/src/common/fuzzy';

interface Entity {
  id: string;
  name: string;
  aliases: string[];
}

/** 500 entity-like items (ids, names with accents, aliases), deterministic. */
function entities(): Entity[] {
  const first = ['Mike', 'Zhang', 'Élodie', 'Wilbur', 'Xi', 'Steven', 'Ngozi', 'Łukasz', 'Agnès', 'Björn', 'Chloé', 'Kenji'];
  const last = ['Pompeo', 'Yiming', 'Müller', 'Ross', 'Jinping', 'Mnuchin', 'Okonjo-Iweala', 'Wałęsa', 'Buisson', 'Ståhl', 'Dupré', 'Satō'];
  const orgs = ['Agence nationale', 'Département du Commerce', 'ByteDance', 'Tencent', 'Commission européenne', 'Huawei'];
  let x = 12345;
  const next = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
  return Array.from({ length: 500 }, (_, i) => {
    const name = i % 5 === 4 ? `${orgs[next(orgs.length)]} ${i}` : `${first[next(first.length)]} ${last[next(last.length)]}`;
    const id = stripDiacritics(name).toLowerCase().replace(/[^a-z0-9]+/g, '-') + (i % 3 === 0 ? '' : `-${i}`);
    return { id, name, aliases: next(3) === 0 ? [] : [last[next(last.length)], `${orgs[next(orgs.length)]}`] };
  });
}

/** fuse.js's own getter, folded (fuse.js 7.5 gives an array key's elements as { v, i }). */
function referenceGetFn(item: Entity, path: string | string[]): string {
  const foldElement = (v: unknown) => (typeof v === 'string' ? stripDiacritics(v) : { ...(v as { v: string; i: number }), v: stripDiacritics((v as { v: string }).v) });
  const value: unknown = Fuse.config.getFn(item, path);
  return (Array.isArray(value) ? value.map(foldElement) : typeof value === 'string' ? stripDiacritics(value) : value) as string;
}

describe('common/fuzzy FoldedFuse', () => {
  const options = { ignoreLocation: true, includeScore: true, threshold: 0.45, keys: [{ name: 'id', weight: 2 }, { name: 'name', weight: 1.5 }, 'aliases'] };

  it('gives for every two-character query exactly what scoring every item gives', () => {
    const list = entities();
    const folded = new FoldedFuse(list, options);
    // The reference: fuse.js itself, scoring every item, keys folded by its getter.
    const reference = new Fuse(list, { ...options, getFn: referenceGetFn });
    const letters = 'aeéiklmnopstuwz-1Ł';
    let compared = 0;
    let nonEmpty = 0;
    for (const a of letters) {
      for (const b of letters) {
        const query = `${a}${b}`;
        const expected = reference.search(stripDiacritics(query), { limit: 50 }).map((r) => [r.item.id, r.score]);
        const actual = folded.search(query, { limit: 50 }).map((r) => [r.item.id, r.score]);
        assert.deepEqual(actual, expected, query);
        compared++;
        nonEmpty += expected.length > 0 ? 1 : 0;
      }
    }
    assert.ok(compared === letters.length ** 2 && nonEmpty > 100, `${nonEmpty} queries with results`);
  });

  it('gives for three- and four-character queries (one error allowed) exactly what scoring every item gives', () => {
    const list = entities();
    const folded = new FoldedFuse(list, options);
    const reference = new Fuse(list, { ...options, getFn: referenceGetFn });
    // Pieces of the items' own words, some with one edit (a substitution, a deletion, an insertion), and random letters.
    const words = list.flatMap((e) => [e.id, e.name, ...e.aliases]).map((w) => stripDiacritics(w).toLowerCase());
    let x = 7;
    const next = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    const alphabet = 'abcdeilmnoprstuyz- ';
    const queries = new Set<string>();
    while (queries.size < 300) {
      const length = 3 + next(2);
      const word = words[next(words.length)];
      let q = word.length >= length + 1 ? word.slice(next(word.length - length), undefined).slice(0, length + 1) : word;
      const edit = next(4);
      const at = next(q.length);
      q = edit === 0 ? q.slice(0, at) + alphabet[next(alphabet.length)] + q.slice(at + 1) : edit === 1 ? q.slice(0, at) + q.slice(at + 1) : edit === 2 ? q.slice(0, at) + alphabet[next(alphabet.length)] + q.slice(at) : q;
      q = next(5) === 0 ? Array.from({ length }, () => alphabet[next(alphabet.length)]).join('') : q.slice(0, length);
      if (q.length === length) {
        queries.add(q);
      }
    }
    let nonEmpty = 0;
    for (const query of queries) {
      const expected = reference.search(query, { limit: 50 }).map((r) => [r.item.id, r.score]);
      assert.deepEqual(folded.search(query, { limit: 50 }).map((r) => [r.item.id, r.score]), expected, query);
      nonEmpty += expected.length > 0 ? 1 : 0;
    }
    assert.ok(nonEmpty > 120, `${nonEmpty} of ${queries.size} queries with results`);
  });

  it('scores every item for longer queries, so fuzzy matches with an error are still found', () => {
    const folded = new FoldedFuse(entities(), options);
    const found = folded.search('pompoe', { limit: 50 }).map((r) => r.item.name);
    assert.ok(found.some((name) => name.endsWith('Pompeo')), 'a transposition still finds Pompeo');
    assert.ok(folded.search('Müll', { limit: 5 }).every((r) => /Müller|Mull/i.test(`${r.item.name} ${r.item.aliases.join(' ')}`)));
    assert.ok(folded.search('mu', { limit: 50 }).some((r) => r.item.name.includes('Müller')), 'accent-insensitive two-character query');
  });

  it('searchAmong: over some items, in their order, exactly what fuse.js over those items gives (records made at once or lazily)', () => {
    const list = entities();
    const folded = new FoldedFuse(list, options);
    const lazy = new FoldedFuse(list, options, { lazy: true });
    let x = 99;
    const next = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    const queries = ['mu', 'po', 'xi', 'jin', 'agn', 'pomp', 'wale', 'mnuchin', 'ross-1', 'commerce', 'zz'];
    let nonEmpty = 0;
    for (let round = 0; round < 25; round++) {
      // A subset in an order of its own (as a prefix lookup lists them), an item twice, and an item from elsewhere.
      const subset = Array.from({ length: 1 + next(120) }, () => list[next(list.length)]);
      subset.push({ id: 'not-in-the-list', name: 'Mike Pompeo', aliases: [] });
      const unique = [...new Set(subset)].filter((e) => e.id !== 'not-in-the-list');
      const reference = new Fuse(unique, { ...options, getFn: referenceGetFn });
      const fresh = new FoldedFuse(unique, options);
      for (const query of queries) {
        const expected = reference.search(stripDiacritics(query), { limit: 50 }).map((r) => [r.item.id, r.score]);
        assert.deepEqual(folded.searchAmong(unique, query, { limit: 50 }).map((r) => [r.item.id, r.score]), expected, `${query} among ${unique.length}`);
        assert.deepEqual(lazy.searchAmong(unique, query, { limit: 50 }).map((r) => [r.item.id, r.score]), expected, `lazily: ${query} among ${unique.length}`);
        assert.deepEqual(fresh.search(query, { limit: 50 }).map((r) => [r.item.id, r.score]), expected);
        nonEmpty += expected.length > 0 ? 1 : 0;
      }
      assert.ok(folded.searchAmong(subset, 'Mike Pompeo', { limit: 50 }).every((r) => r.item.id !== 'not-in-the-list'), 'an item not in the list is left out');
    }
    assert.ok(nonEmpty > 100, `${nonEmpty} searches with results`);
    // A lazy index searched over everything (having made some records already) answers as an eager one.
    for (const query of queries) {
      assert.deepEqual(lazy.search(query, { limit: 50 }).map((r) => [r.item.id, r.score]), folded.search(query, { limit: 50 }).map((r) => [r.item.id, r.score]), query);
    }
  });

  it('folds the accents of every element of an array key (aliases) too', () => {
    const folded = new FoldedFuse([{ id: 'w1', name: 'Pan', aliases: ['Wałęsa', 'Président'] }, { id: 'o2', name: 'Other', aliases: ['Quelqu’un'] }], options);
    // Two letters match only where they stand: "le" stands in "Wałęsa" once folded ("Walesa").
    assert.deepEqual(folded.search('le', { limit: 5 }).map((r) => r.item.id), ['w1']);
    assert.deepEqual(folded.search('és', { limit: 5 }).map((r) => r.item.id), ['w1']);
    assert.deepEqual(folded.search('walesa', { limit: 5 }).map((r) => r.item.id), ['w1']);
  });
});
