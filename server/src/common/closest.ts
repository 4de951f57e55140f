/**
 * "Did you mean …?" for mistyped keys and ids: the closest strings of a list,
 * scored by fuse.js.
 *
 * fuse.js scores every item, which costs tens of milliseconds over thousands of
 * items. A mistyped key or id nearly always keeps its first or its last three
 * characters, so the items sharing one of those are scored first, and the whole list
 * only when none of them is close. Answers are memoised (the list is fixed).
 *
 * The whole list is narrowed first, with the same results: fuse.js (bitap, with
 * `ignoreLocation`) accepts a text when it holds the query with at most `k` edits,
 * `k / length ≤ threshold`. Cut the query into `k + 1` pieces: an edit touches at
 * most one piece, so any text fuse.js accepts holds one of them as it is. Items
 * holding none are left out before scoring (a query longer than 32 characters, which
 * fuse.js scores chunk by chunk, is not narrowed). So the cost of a "did you mean"
 * grows with the items that share a piece with the query, not with the whole list.
 */
import Fuse from 'fuse.js';

const OPTIONS = { includeScore: true, ignoreLocation: true, threshold: 0.45, isCaseSensitive: false };

/** Pieces of `pattern` (lower case) one of which every text fuse.js matches holds; undefined: no narrowing. */
export function piecesOf(pattern: string): string[] | undefined {
  const m = pattern.length;
  if (m < 2 || m > 32) {
    return undefined;
  }
  // The errors fuse.js allows, as it compares them: errors / length ≤ threshold.
  let k = 0;
  while ((k + 1) / m <= OPTIONS.threshold) {
    k++;
  }
  const n = k + 1;
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) {
    pieces.push(pattern.slice(Math.floor((i * m) / n), Math.floor(((i + 1) * m) / n)));
  }
  return pieces;
}

/** How many "did you mean" suggestions a diagnostic offers. */
export const SUGGESTIONS = 3;

/**
 * Answers of {@link closestAnswers} computed elsewhere (another thread): `take()` gives
 * them once they are there, synchronously, and undefined until then.
 */
export interface PendingClosest {
  take(): ReadonlyMap<string, string[]> | undefined;
}

/**
 * Computes answers of {@link ClosestStrings} for `items` elsewhere: `closest(query,
 * limit)` for each of `queries`. Undefined when it cannot (then nothing is ahead).
 */
export type ClosestHelper = (items: readonly string[], queries: readonly string[], limit: number) => PendingClosest | undefined;

/** `closest(query, limit)` over `items` for each of `queries` (what a {@link ClosestHelper} computes). */
export function closestAnswers(items: readonly string[], queries: readonly string[], limit: number): Map<string, string[]> {
  const closest = new ClosestStrings(items);
  return new Map(queries.map((query) => [query, closest.closest(query, limit)]));
}

export class ClosestStrings {
  private readonly affixes = new Map<string, string[]>();
  private fuse?: Fuse<string>;
  private readonly memo = new Map<string, string[]>();
  /** Answers being computed elsewhere for queries at `limit` (see {@link ahead}). */
  private pending?: { limit: number; answers: PendingClosest };
  /** The items in lower case, in order (for narrowing). */
  private lowered?: string[];

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

  /**
   * Has `helper` compute the answers to `queries` at `limit` elsewhere (the queries a
   * check is about to ask): {@link closest} takes them when they are there, and
   * computes any answer it finds missing itself. The answers are the same either way.
   */
  ahead(queries: readonly string[], limit: number, helper: ClosestHelper): void {
    const fresh = [...new Set(queries)].filter((query) => !this.memo.has(`${limit}\u0000${query}`));
    const answers = fresh.length > 0 && fresh.length <= MAX_MEMO ? helper(this.items, fresh, limit) : undefined;
    if (answers) {
      this.pending = { limit, answers };
    }
  }

  /** Up to `limit` items closest to `query`, best first, `query` itself excluded. */
  closest(query: string, limit: number): string[] {
    const memoKey = `${limit}\u0000${query}`;
    const known = this.memo.get(memoKey) ?? this.takePending(query, limit);
    if (known) {
      return known;
    }
    const near = new Set([...(this.affixes.get(`^${query.slice(0, 3).toLowerCase()}`) ?? []), ...(this.affixes.get(`$${query.slice(-3).toLowerCase()}`) ?? [])]);
    let found = near.size > 0 ? new Fuse([...near], OPTIONS).search(query, { limit: limit + 1 }) : [];
    if (found.length === 0 && near.size < this.items.length) {
      const pieces = piecesOf(query.toLowerCase());
      if (pieces) {
        this.lowered ??= this.items.map((item) => item.toLowerCase());
        const lowered = this.lowered;
        // In the list's order, so that ties are broken as over the whole list.
        const pool = this.items.filter((_, i) => pieces.some((piece) => lowered[i].includes(piece)));
        found = pool.length > 0 ? new Fuse(pool, OPTIONS).search(query, { limit: limit + 1 }) : [];
      } else {
        this.fuse ??= new Fuse([...this.items], OPTIONS);
        found = this.fuse.search(query, { limit: limit + 1 });
      }
    }
    const result = found
      .map((r) => r.item)
      .filter((item) => item !== query)
      .slice(0, limit);
    this.remember(memoKey, result);
    return result;
  }

  private remember(memoKey: string, result: string[]): void {
    if (this.memo.size >= MAX_MEMO) {
      this.memo.clear(); // each draft of a mistyped id is a new query: stay bounded
    }
    this.memo.set(memoKey, result);
  }

  /** The pending answer to `query` at `limit`, once the answers are there (all of them kept then). */
  private takePending(query: string, limit: number): string[] | undefined {
    const pending = this.pending;
    if (pending?.limit !== limit) {
      return undefined;
    }
    const answers = pending.answers.take();
    if (!answers) {
      return undefined;
    }
    this.pending = undefined;
    for (const [q, result] of answers) {
      this.remember(`${limit}\u0000${q}`, result);
    }
    return answers.get(query);
  }
}

/** Answers a {@link ClosestStrings} keeps (past it, it starts over). */
const MAX_MEMO = 5000;
