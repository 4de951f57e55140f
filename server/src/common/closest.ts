/**
 * "Did you mean …?" for mistyped keys and ids: the closest strings of a list,
 * scored by fuse.js.
 *
 * fuse.js scores every item, which costs tens of milliseconds over thousands of
 * items. A mistyped key or id nearly always keeps its first or its last three
 * characters, so the items sharing one of those are scored first, and the whole list
 * only when none of them is close. Answers are memoised (the list is fixed).
 */
import Fuse from 'fuse.js';

const OPTIONS = { includeScore: true, ignoreLocation: true, threshold: 0.45, isCaseSensitive: false };

export class ClosestStrings {
  private readonly affixes = new Map<string, string[]>();
  private fuse?: Fuse<string>;
  private readonly memo = new Map<string, string[]>();

  /** `items` should be in a stable order (ties are broken by it). */
  constructor(private readonly items: readonly string[]) {
    for (const item of items) {
      this.push(`^${item.slice(0, 3).toLowerCase()}`, item);
      this.push(`$${item.slice(-3).toLowerCase()}`, item);
    }
  }

  private push(affix: string, item: string): void {
    const list = this.affixes.get(affix);
    if (list) {
      list.push(item);
    } else {
      this.affixes.set(affix, [item]);
    }
  }

  /** Up to `limit` items closest to `query`, best first, `query` itself excluded. */
  closest(query: string, limit: number): string[] {
    const memoKey = `${limit}\u0000${query}`;
    const known = this.memo.get(memoKey);
    if (known) {
      return known;
    }
    const near = new Set([...(this.affixes.get(`^${query.slice(0, 3).toLowerCase()}`) ?? []), ...(this.affixes.get(`$${query.slice(-3).toLowerCase()}`) ?? [])]);
    let found = near.size > 0 ? new Fuse([...near], OPTIONS).search(query, { limit: limit + 1 }) : [];
    if (found.length === 0 && near.size < this.items.length) {
      this.fuse ??= new Fuse([...this.items], OPTIONS);
      found = this.fuse.search(query, { limit: limit + 1 });
    }
    const result = found
      .map((r) => r.item)
      .filter((item) => item !== query)
      .slice(0, limit);
    if (this.memo.size >= 5000) {
      this.memo.clear(); // each draft of a mistyped id is a new query: stay bounded
    }
    this.memo.set(memoKey, result);
    return result;
  }
}
