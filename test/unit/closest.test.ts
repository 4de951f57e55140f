/**
 * "Did you mean": narrowing the list before fuse.js scores it gives the very answers
 * of scoring the whole list.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import Fuse from 'fuse.js';
import { closestAnswers, ClosestStrings, piecesOf, type PendingClosest } from '../../server/src/common/closest';

const OPTIONS = { includeScore: true, ignoreLocation: true, threshold: 0.45, isCaseSensitive: false };

/** ClosestStrings as it was before narrowing: the affix pass, then fuse.js over every item. */
function reference(items: readonly string[], query: string, limit: number): string[] {
  const q3 = query.slice(0, 3).toLowerCase();
  const s3 = query.slice(-3).toLowerCase();
  const near = new Set(items.filter((item) => item.slice(0, 3).toLowerCase() === q3 || item.slice(-3).toLowerCase() === s3));
  // The affix pass keeps the list's order of first appearance by prefix then suffix group.
  const ordered = [...new Set([...items.filter((i) => i.slice(0, 3).toLowerCase() === q3), ...items.filter((i) => i.slice(-3).toLowerCase() === s3)])];
  let found = near.size > 0 ? new Fuse(ordered, OPTIONS).search(query, { limit: limit + 1 }) : [];
  if (found.length === 0 && near.size < items.length) {
    found = new Fuse([...items], OPTIONS).search(query, { limit: limit + 1 });
  }
  return found
    .map((r) => r.item)
    .filter((item) => item !== query)
    .slice(0, limit);
}

const CHARS = ['a', 'b', 'c', 'e', 'é', 'i', 'n', 'o', 'r', 's', 't', 'x', '-', 'A', 'É', '1', '2'];
const id = fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 40 }).map((cs) => cs.join(''));

/** A query near an item: a few edits (substitution, insertion, deletion). */
function mutate(item: string, edits: Array<[number, number, number]>): string {
  let s = item;
  for (const [kind, at, c] of edits) {
    const i = at % (s.length + 1);
    const ch = CHARS[c % CHARS.length];
    s = kind % 3 === 0 ? s.slice(0, i) + ch + s.slice(i + 1) : kind % 3 === 1 ? s.slice(0, i) + ch + s.slice(i) : s.slice(0, i) + s.slice(i + 1);
  }
  return s;
}

describe('closest strings ("did you mean")', () => {
  it('every text fuse.js accepts holds one of the query\'s pieces', () => {
    let matched = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(id, { minLength: 1, maxLength: 60 }),
        fc.oneof(id, fc.tuple(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 8 }))),
        (items, q) => {
          const query = typeof q === 'string' ? q : mutate(items[q[0] % items.length], q[1]);
          const pieces = piecesOf(query.toLowerCase());
          if (!pieces) {
            return;
          }
          for (const r of new Fuse(items, OPTIONS).search(query)) {
            matched++;
            assert.ok(pieces.some((p) => r.item.toLowerCase().includes(p)), `${r.item} matched ${query} (score ${r.score}) but holds none of ${JSON.stringify(pieces)}`);
          }
        },
      ),
      { numRuns: 1500 },
    );
    assert.ok(matched > 300, `matches checked: ${matched}`);
  });

  it('gives the answers of scoring the whole list, in the same order', () => {
    let wholeList = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(id, { minLength: 2, maxLength: 80 }),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 6 }),
        fc.integer({ min: 1, max: 5 }),
        (items, pick, edits, limit) => {
          const query = mutate(items[pick % items.length], edits);
          if (query.length === 0) {
            return;
          }
          assert.deepEqual(new ClosestStrings(items).closest(query, limit), reference(items, query, limit), `query ${JSON.stringify(query)}`);
          const q3 = query.slice(0, 3).toLowerCase();
          const s3 = query.slice(-3).toLowerCase();
          if (!items.some((i) => i.slice(0, 3).toLowerCase() === q3 || i.slice(-3).toLowerCase() === s3)) {
            wholeList++; // no item shares an affix: the narrowed whole-list search answered
          }
        },
      ),
      { numRuns: 1500 },
    );
    assert.ok(wholeList > 200, `queries answered from the whole list: ${wholeList}`);
  });

  it('narrows: pieces for short and long queries, none past 32 characters', () => {
    assert.deepEqual(piecesOf('ab'), ['ab']);
    // 10 characters: 4 errors allowed (4/10 ≤ 0.45), 5 pieces.
    assert.deepEqual(piecesOf('abcdefghij'), ['ab', 'cd', 'ef', 'gh', 'ij']);
    assert.equal(piecesOf('a'), undefined);
    assert.equal(piecesOf('x'.repeat(33)), undefined);
  });

  it('ahead: takes the answers computed elsewhere once they are there, and computes what it lacks itself', () => {
    const items = ['pierre-vaughn', 'pierre-hale', 'pierre-howell', 'anne-green', 'francois-chapman', 'francois-hampton'];
    const queries = ['pierre-vaugnhx', 'francois-chapmna', 'anne-gren'];
    const plain = new ClosestStrings(items);
    const expected = queries.map((q) => plain.closest(q, 3));
    assert.ok(expected.every((answer) => answer.length > 0));

    // Answers there at once: taken (marked answers show they are the ones returned).
    const asked: Array<{ items: readonly string[]; queries: readonly string[]; limit: number }> = [];
    const marked = new ClosestStrings(items);
    marked.ahead([...queries, queries[0]], 3, (its, qs, limit) => {
      asked.push({ items: its, queries: qs, limit });
      return { take: () => new Map(qs.map((q) => [q, [`ahead:${q}`]])) };
    });
    assert.deepEqual(asked, [{ items, queries, limit: 3 }], 'each query asked once, over the same items');
    assert.deepEqual(queries.map((q) => marked.closest(q, 3)), queries.map((q) => [`ahead:${q}`]));
    // Another limit is not what was computed ahead.
    assert.deepEqual(marked.closest(queries[0], 2), expected[0].slice(0, 2));

    // Answers not there yet: computed here, the same; taken once they come.
    let ready = false;
    const pending: PendingClosest = { take: () => (ready ? closestAnswers(items, queries, 3) : undefined) };
    const late = new ClosestStrings(items);
    late.ahead(queries, 3, () => pending);
    assert.deepEqual(late.closest(queries[0], 3), expected[0]);
    ready = true;
    assert.deepEqual(queries.map((q) => late.closest(q, 3)), expected);

    // A helper that cannot: nothing ahead, the same answers.
    const none = new ClosestStrings(items);
    none.ahead(queries, 3, () => undefined);
    assert.deepEqual(queries.map((q) => none.closest(q, 3)), expected);
  });
});
