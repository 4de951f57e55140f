/**
 * fuse.js, accent-insensitive at the cost of one folding per key when indexing.
 * Fuse's own `ignoreDiacritics` folds every key of every item again at each search
 * (NFD and a long regular expression): ~5 ms for 500 entities, most of a completion.
 * Here the keys are folded once, by `getFn`, and the query at each search; the
 * folding is Fuse's (combining marks dropped after NFD, and the same letters that do
 * not decompose mapped by hand).
 */
import Fuse, { type FuseIndex, type IFuseOptions } from 'fuse.js';

const NON_DECOMPOSABLE: Record<string, string> = { ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ø: 'o', Ø: 'O', ħ: 'h', Ħ: 'H', ŧ: 't', Ŧ: 'T', ı: 'i', ß: 'ss' };
const NON_DECOMPOSABLE_RE = new RegExp(`[${Object.keys(NON_DECOMPOSABLE).join('')}]`, 'g');
const MARKS = /\p{M}/gu;

/** `Pékin` → `Pekin`, `Łódź` → `Lodz`. */
export function stripDiacritics(text: string): string {
  return text.normalize('NFD').replace(MARKS, '').replace(NON_DECOMPOSABLE_RE, (c) => NON_DECOMPOSABLE[c]);
}

/** An element of an array key's value as fuse.js's getter gives it: the string with its index. */
type Indexed = { v: string; i: number };

/**
 * A key's value folded. fuse.js's own getter gives a string, an array of elements (each
 * `{ v, i }` in fuse.js 7.5, a string in earlier versions), or nothing (then nothing).
 */
function fold(value: unknown): ReadonlyArray<string | Indexed> | string {
  if (typeof value === 'string') {
    return stripDiacritics(value);
  }
  if (!Array.isArray(value)) {
    return value as string;
  }
  return value.map((v: unknown) => (typeof v === 'string' ? stripDiacritics(v) : isIndexed(v) ? { ...v, v: stripDiacritics(v.v) } : (v as string)));
}

function isIndexed(v: unknown): v is Indexed {
  return typeof v === 'object' && v !== null && typeof (v as Indexed).v === 'string';
}

/** The strings of a folded value. */
function stringsOf(value: ReadonlyArray<string | Indexed> | string): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  return Array.isArray(value) ? value.flatMap((v) => (typeof v === 'string' ? [v] : isIndexed(v) ? [v.v] : [])) : [];
}

/**
 * What any text that fuse.js matches with `pattern` (lower case, 2 to 4 UTF-16 units)
 * must hold, under the options of {@link FoldedFuse}'s narrowing; undefined for other
 * lengths (no narrowing).
 */
function mustHold(pattern: string): ((text: string) => boolean) | undefined {
  const pairs = [...Array(Math.max(0, pattern.length - 1)).keys()].map((i) => pattern.slice(i, i + 2));
  switch (pattern.length) {
    case 2:
      return (text) => text.includes(pattern);
    case 3: {
      const [a, , c] = pattern;
      return (text) => pairs.some((p) => text.includes(p)) || text.includes(a + c) || gapped(text, a, c);
    }
    case 4:
      return (text) => pairs.some((p) => text.includes(p));
    default:
      return undefined;
  }
}

/** Whether `text` holds `a`, any one character, then `c`. */
function gapped(text: string, a: string, c: string): boolean {
  for (let i = text.indexOf(a); i >= 0 && i + 2 < text.length; i = text.indexOf(a, i + 1)) {
    if (text[i + 2] === c) {
      return true;
    }
  }
  return false;
}

/** An item with its keys' values folded once, and all of them in lower case in one string. */
interface Folded<T> {
  item: T;
  values: ReadonlyMap<string, ReadonlyArray<string | Indexed> | string>;
  haystack: string;
}

type FoldedOptions<T> = Omit<IFuseOptions<T>, 'ignoreDiacritics' | 'getFn'>;

/**
 * fuse.js over items whose keys are folded once. Short queries are scored on fewer
 * items when the options allow it. With `ignoreLocation` and a threshold under 0.5,
 * fuse.js (bitap: substitutions, insertions, deletions) accepts no error in a pattern
 * of two characters and one in a pattern of three or four (an error costs 1/length of
 * the score). So a match of `ab` holds `ab`; one of `abc` holds `ab`, `bc`, `ac` or
 * `a?c`; one of `abcd` holds one of its three pairs of letters. Items holding none are
 * left out before scoring: the same results in the same order (tested against fuse.js
 * over every item), several times faster over 500 entities. Longer queries, and other
 * options, score every item.
 */
export class FoldedFuse<T> {
  private readonly list: readonly T[];
  private readonly names: string[];
  private readonly options: IFuseOptions<Folded<T>>;
  /** Whether the options allow narrowing short queries (see the class comment). */
  private readonly shortQueries: boolean;
  /**
   * Per item (by position): its keys folded, and its fuse.js index record (each a
   * function of its item alone), made once — all at construction, or, `lazy`, the
   * first time a search includes the item. A search over some items (narrowed, or
   * {@link searchAmong}) takes their records from here rather than indexing them again.
   */
  private readonly records: Array<Folded<T> | undefined>;
  private readonly indexRecords: Array<FuseIndex<Folded<T>>['records'][number] | undefined>;
  private indexKeys?: FuseIndex<Folded<T>>['keys'];
  private built = 0;
  /** fuse.js over every item, once every record is made. */
  private fuse?: Fuse<Folded<T>>;
  /** Each item's position in the list (see {@link searchAmong}), made when first needed. */
  private positions?: Map<T, number>;

  /**
   * `lazy`: fold and index each item only when a search first includes it (a large
   * list searched a few items at a time, see {@link searchAmong}); otherwise all now.
   */
  constructor(list: readonly T[], options: FoldedOptions<T>, { lazy = false }: { lazy?: boolean } = {}) {
    this.list = list;
    this.names = (options.keys ?? []).map((key) => (typeof key === 'string' ? key : Array.isArray(key) ? key.join('.') : typeof key.name === 'string' ? key.name : key.name.join('.')));
    const getFn = (record: Folded<T>, path: string | string[]) => record.values.get(Array.isArray(path) ? path.join('.') : path) as string | string[];
    this.options = { ...(options as IFuseOptions<Folded<T>>), getFn };
    this.shortQueries = options.ignoreLocation === true && (options.threshold ?? 0.6) < 0.5 && !options.isCaseSensitive && !options.useExtendedSearch;
    this.records = new Array(list.length);
    this.indexRecords = new Array(list.length);
    if (!lazy) {
      this.make(list.map((_, p) => p));
    }
  }

  search(query: string, options?: { limit: number }): Array<{ item: T; score?: number }> {
    const folded = stripDiacritics(query);
    const holds = this.shortQueries ? mustHold(folded.toLowerCase()) : undefined;
    const fuse = holds ? this.over(this.everyRecord().flatMap((r, p) => (holds(r.haystack) ? [p] : []))) : (this.fuse ??= this.over(this.list.map((_, p) => p)));
    return fuse.search(folded, options).map((r) => ({ item: r.item.item, score: r.score }));
  }

  /**
   * {@link search} over `items` only (items of the list this was made with; others are
   * left out), in their order: what a `FoldedFuse` made of `items` would answer,
   * without folding and indexing again those a search already included.
   */
  searchAmong(items: readonly T[], query: string, options?: { limit: number }): Array<{ item: T; score?: number }> {
    if (!this.positions) {
      this.positions = new Map();
      this.list.forEach((item, p) => {
        if (!this.positions!.has(item)) {
          this.positions!.set(item, p);
        }
      });
    }
    const among: number[] = [];
    for (const item of items) {
      const p = this.positions.get(item);
      if (p !== undefined) {
        among.push(p);
      }
    }
    this.make(among);
    const folded = stripDiacritics(query);
    const holds = this.shortQueries ? mustHold(folded.toLowerCase()) : undefined;
    const positions = holds ? among.filter((p) => holds(this.records[p]!.haystack)) : among;
    return this.over(positions).search(folded, options).map((r) => ({ item: r.item.item, score: r.score }));
  }

  /** Every record, made. */
  private everyRecord(): Folded<T>[] {
    if (this.built < this.list.length) {
      this.make(this.list.map((_, p) => p));
    }
    return this.records as Folded<T>[];
  }

  /** Makes the records of the items at `positions` not made yet: folded, then indexed by fuse.js in one go. */
  private make(positions: readonly number[]): void {
    const missing = [...new Set(positions.filter((p) => this.records[p] === undefined))];
    if (missing.length === 0) {
      return;
    }
    const folded = missing.map((p) => {
      const item = this.list[p];
      const values = new Map(this.names.map((name) => [name, fold(Fuse.config.getFn(item, name))] as const));
      const haystack = [...values.values()].flatMap(stringsOf).join('\u0000').toLowerCase();
      return { item, values, haystack };
    });
    const index = Fuse.createIndex(this.options.keys ?? [], folded, { getFn: this.options.getFn, fieldNormWeight: this.options.fieldNormWeight });
    this.indexKeys ??= index.keys;
    missing.forEach((p, k) => {
      this.records[p] = folded[k];
      this.indexRecords[p] = index.records[k];
    });
    this.built += missing.length;
  }

  /** fuse.js over the records at `positions` (made), in that order, on their index records as made. */
  private over(positions: readonly number[]): Fuse<Folded<T>> {
    const index = Fuse.parseIndex<Folded<T>>(
      { keys: this.indexKeys ?? [], records: positions.map((p, i) => ({ ...this.indexRecords[p]!, i })) },
      { getFn: this.options.getFn, fieldNormWeight: this.options.fieldNormWeight },
    );
    return new Fuse(
      positions.map((p) => this.records[p]!),
      this.options,
      index,
    );
  }
}
