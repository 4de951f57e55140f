/**
 * The corpus: sources by key, plus an inverted index to find which sources may hold
 * a quotation without scanning them all.
 *
 * Index scheme
 * ------------
 * Words are interned into a vocabulary by their 32-bit hash (`wordHashes`: no string
 * is built per corpus word; hash → dense id in an open-addressing table, ids never
 * reused; a hash collision only adds candidates, which verification removes).
 *
 * Word postings map word ids to source ids: for every distinct word of a source, one
 * node (source, next) in the chain of that word id, in growable typed arrays, so
 * adding a source only appends nodes (nothing else is rebuilt). `df[word]` counts
 * the live sources holding it. Each live source also keeps its words as ids.
 *
 * Query (`findExactAnywhere`): if any quotation word is not in the vocabulary,
 * nothing matches. Otherwise the candidate sources are the intersection of the
 * postings of the quotation's (up to {@link RARE_WORDS}) rarest words; the shortest
 * list is walked first and the others only filter it (see `candidates`). Each candidate is then
 * pre-verified on its word ids (the quotation's runs of words must stand in it) and
 * verified on its own words. (Winnowed trigram fingerprints, a second posting table,
 * were dropped: they narrowed a long run of common words further, but cost ~40 MB
 * and more time to build at 10,000 sources than they saved; docs/performance.md.)
 *
 * Removal marks the source id dead (postings of dead ids are skipped) and
 * decrements `df` (re-tokenising the removed text); once dead nodes outnumber live
 * ones, the table is compacted in one pass over its nodes.
 *
 * Memory, per word of corpus text: about 0.5 word-posting nodes × 8 bytes, plus the
 * word's id and start (4 + 2 bytes); tokens themselves are not kept (source.ts
 * caches them in a bounded LRU).
 */
import { type ClosestHelper, ClosestStrings, SUGGESTIONS } from '../common/closest';
import { exactMatches, findExactInTokens, lowerBound, type ExactSequence, type ExactToken, type NearSource } from './match';
import { trimmedPieces } from './quote';
import { peekTokens, releaseTokens, textWindow, wordEndIn, type TextWindow } from './source';
import { foldedHashAt, foldWord, hashWord, NON_ASCII, normalizeWord, tokenize, wordEndFrom, wordHashes } from './tokenize';
import type { Span } from '../common/text';
import type { QuotePattern, SourceInfo, SourceMatch } from './types';
import { narrowIds, narrowStarts, WordIdTable, type WordTableState } from './vocabulary';

/** Source ids kept in memoised word postings, at most (8 bytes each in a JS array: ~16 MB). */
const MAX_MEMO_POSTINGS = 2_000_000;

/** Word-posting nodes left in the order they came (scanned by each search) before they are grouped by word. */
const MAX_TAIL_NODES = 16384;

/** How many of a quotation's rarest words may narrow its candidate sources. */
const RARE_WORDS = 8;
/**
 * Past this many candidate sources, a whole-corpus exact search first asks each
 * candidate's word-pair filter (see {@link Corpus.pairFilter}) whether it may hold the
 * quotation's runs, instead of scanning its words: a quotation of common words only
 * (« il a dit que les ») has thousands of candidates, nearly none holding it.
 */
const PAIR_FILTER_CANDIDATES = 64;


/**
 * Puts source `id` in the room of each distinct word of its `words` (in the order they
 * first stand there), at `cursor[w]` in `out`, short of `end[w + 1]`, where the next
 * word's room starts (see `Corpus.cluster`).
 * A function of its own: its tables are locals, not variables a closure shares.
 */
function placeSource(id: number, words: WordIds, wordStamp: Uint32Array, stamp: number, cursor: Uint32Array, end: Uint32Array, out: Uint32Array): void {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (wordStamp[w] !== stamp) {
      wordStamp[w] = stamp;
      if (cursor[w] < end[w + 1]) {
        out[cursor[w]++] = id;
      }
    }
  }
}

/** Every value of every array is below `limit`. */
function allBelow(arrays: Uint32Array | WordIds[], limit: number): boolean {
  for (const a of Array.isArray(arrays) ? arrays : [arrays]) {
    for (let i = 0; i < a.length; i++) {
      if (a[i] >= limit) {
        return false;
      }
    }
  }
  return true;
}

/** A text's words hashed elsewhere (see {@link Corpus.add}). */
export type PrecomputedWords = HashedWords | InternedWords;

/** A text's word hashes. */
export interface HashedWords {
  /** `wordHashes(text, scratch, true)`: the starts of the words that are not plain ASCII carry `NON_ASCII`. */
  hashes: Uint32Array;
  starts: Uint32Array;
  /** Pairs (word hash, folded-form hash), for (at least most of) the words not plain ASCII new to the vocabulary. */
  folds?: Uint32Array;
}

/**
 * A text's words as ids of this corpus's vocabulary, as the index keeps them (2 bytes
 * each while they fit, starts without their `NON_ASCII` flags), the new words among
 * them adopted first (see {@link Corpus.adoptWords}). The corpus keeps the arrays.
 */
export interface InternedWords {
  ids: WordIds;
  starts: WordStarts;
}

function foldMap(pairs: Uint32Array): Map<number, number> {
  const map = new Map<number, number>();
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    map.set(pairs[i], pairs[i + 1]);
  }
  return map;
}

/** The index of a {@link Corpus} as plain data (see `snapshot.ts` for its encoding). */
export interface CorpusSnapshot {
  /** Source ids in use (live or dead). */
  idCount: number;
  vocabSize: number;
  /**
   * Live sources: id, key, content tag, posting nodes; `dead` for one that cannot be
   * restored; `fileState`: what the caller said of the file the source was read from
   * (opaque here: the workspace keeps its size and modification time there);
   * `facts`: what the caller said of the content (opaque: the workspace keeps the
   * title and date it read in the text there).
   */
  entries: Array<{ id: number; key: string; tag: string; nodes: number; dead?: boolean; fileState?: string; facts?: string }>;
  /** Per entry, its words as vocabulary ids, and their start offsets. */
  words: WordIds[];
  starts: WordStarts[];
  tables: Record<SnapshotTable, Uint32Array>;
}

/**
 * The saved tables: the vocabulary and its document frequencies. The word postings are
 * not saved: they follow from the entries' word ids, and a restored index groups them
 * when a search first needs them (see {@link Corpus.groupPostings}).
 */
export type SnapshotTable = 'vocabKeys' | 'vocabIds' | 'df' | 'foldOf';
export const SNAPSHOT_TABLES: readonly SnapshotTable[] = ['vocabKeys', 'vocabIds', 'df', 'foldOf'];

/**
 * Word index range `[lo, hi)` of the words lying entirely inside `within` (all words
 * without), from their start offsets: what `wordRange` (match.ts) gives on tokens.
 */
function idWordRange(source: SourceInfo, starts: WordStarts, within?: Span): { lo: number; hi: number } {
  if (!within) {
    return { lo: 0, hi: starts.length };
  }
  const lo = lowerBound(starts, within.start);
  let hi = lowerBound(starts, within.end);
  while (hi > lo && wordEndIn(source, textWindow(source, starts[hi - 1], starts[hi - 1] + 1), starts[hi - 1]) > within.end) {
    hi--; // only the last word can straddle the end
  }
  return { lo, hi };
}

/**
 * A source's word start offsets (UTF-16): 2 bytes each when they fit, as they do in
 * any text shorter than 65,536 code units (an 8 KB article: 18 MB less for 10,000).
 */
export type WordStarts = Uint16Array | Uint32Array;

/**
 * A source's words as vocabulary ids: 2 bytes each while the vocabulary has fewer
 * than 65,536 words (a source added later, past that, gets 4 bytes a word).
 */
export type WordIds = Uint16Array | Uint32Array;

/** A coded quotation as a string (the key of the searches found ahead, see `Corpus.searchAhead`). */
function codedKey(coded: CodedPattern): string {
  if (coded.run) {
    return `r${coded.run.ids.join(',')}`;
  }
  return 'p' + coded.pieces.map((piece) => piece.map((t) => (t.kind === 'insertion' ? '_' : t.word)).join(',')).join('|');
}

/** Pairs of words per quotation whose sources {@link Corpus.searchAhead} intersects. */
const AHEAD_PAIRS = 3;
/** A pair in more sources than this (or a sixteenth of them) is no help to {@link Corpus.searchAhead}. */
const AHEAD_MOST_SOURCES = 512;

/** The pairs {@link Corpus.searchAhead} looks for (see there). */
interface AheadPairs {
  pairA: number[];
  pairB: number[];
  sources: Array<number[] | undefined>;
  head: Int32Array;
  next: number[];
  bits: Uint32Array;
  last: number[];
}

/**
 * Adds source `id` to the sources of each pair of `pairs` that its `words` hold next to
 * each other, dropping a pair once in more than `most` sources (see `Corpus.searchAhead`).
 * A function of its own: its tables are locals, not variables a closure shares.
 */
function scanPairs(id: number, words: WordIds, pairs: AheadPairs, most: number): void {
  const { pairA, pairB, sources, head, next, bits, last } = pairs;
  let a = words.length > 0 ? words[0] : 0;
  for (let i = 1; i < words.length; i++) {
    const b = words[i];
    const h = aheadHash(a, b);
    if ((bits[h >>> 5] & (1 << (h & 31))) !== 0) {
      for (let p = head[h]; p >= 0; p = next[p]) {
        if (pairA[p] === a && pairB[p] === b) {
          const list = sources[p];
          if (list && last[p] !== id) {
            last[p] = id;
            list.push(id);
            if (list.length > most) {
              sources[p] = undefined;
              let live = false;
              for (let q = head[h]; q >= 0 && !live; q = next[q]) {
                live = sources[q] !== undefined;
              }
              if (!live) {
                bits[h >>> 5] &= ~(1 << (h & 31));
              }
            }
          }
          break;
        }
      }
    }
    a = b;
  }
}

/** The numbers in every one of `lists` (each ascending): a new ascending array. */
function intersectAscending(lists: readonly number[][]): number[] {
  const [first, ...others] = [...lists].sort((x, y) => x.length - y.length);
  const kept = first.slice();
  for (const ids of others) {
    let n = 0;
    for (let i = 0, j = 0; i < kept.length && j < ids.length; ) {
      if (kept[i] === ids[j]) {
        kept[n++] = kept[i];
        i++;
        j++;
      } else if (kept[i] < ids[j]) {
        i++;
      } else {
        j++;
      }
    }
    kept.length = n;
  }
  return kept;
}

/** A 16-bit hash of two word ids next to each other (for `Corpus.searchAhead`): the top of {@link pairHash}. */
function aheadHash(a: number, b: number): number {
  return pairHash(a, b) >>> 16;
}

/** A hash of two word ids next to each other (for the word-pair filters). */
function pairHash(a: number, b: number): number {
  const h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  return (h ^ (h >>> 15)) >>> 0;
}

/** `buffer`, or a larger one (its content not kept) when it has fewer than `n` slots: a scratch buffer reused from call to call. */
function atLeast(buffer: Uint32Array<ArrayBuffer>, n: number): Uint32Array<ArrayBuffer> {
  return buffer.length >= n ? buffer : new Uint32Array(Math.max(n, 2 * buffer.length));
}

/** Sorted positions of `word` in `words[lo, hi)`. */
function positionsOf(words: WordIds, word: number, lo: number, hi: number): number[] {
  const out: number[] = [];
  // The typed array's own indexOf: a native scan, several times a loop's speed here.
  for (let i = words.indexOf(word, lo); i >= 0 && i < hi; i = words.indexOf(word, i + 1)) {
    out.push(i);
  }
  return out;
}

/** Whether `text` (the words of a match) is, word for word, the whole of an exact match of `pattern`. */
function matchesExactly(text: string, pattern: QuotePattern): boolean {
  const tokens = tokenize(text);
  return findExactInTokens('', tokens, pattern).some((m) => m.firstWord === 0 && m.lastWord === tokens.words.length - 1);
}

/**
 * Whether a match found on word ids holds the quotation's very words (not words that
 * only share a hash). One run of words: word i of the source, normalised, must be word i
 * of the quotation; anything else is matched again on the words of the span.
 */
function verified(window: TextWindow, starts: WordStarts, first: number, oneRun: boolean, pattern: QuotePattern, span: Span): boolean {
  const words = trimmedPieces(pattern);
  const { text, offset } = window;
  if (!oneRun) {
    return matchesExactly(text.slice(span.start - offset, span.end - offset), pattern);
  }
  const run = words[0] as Array<{ kind: 'word'; word: string }>;
  for (let i = 0; i < run.length; i++) {
    const start = starts[first + i] - offset;
    // A word written as the quotation has it (normalised already) is its own normal form: not normalised again.
    const word = text.slice(start, wordEndFrom(text, start));
    if (word !== run[i].word && normalizeWord(word) !== run[i].word) {
      return false;
    }
  }
  return true;
}

/**
 * First position of `run` in `words` at or after `from` (the run ending before `end`),
 * -1 when absent. The scan is for `run[anchor]` (best the run's rarest word: fewest
 * places to check the rest at), with the typed array's native indexOf.
 */
function indexOfRun(words: WordIds, run: Uint32Array, from: number, anchor = 0, end = words.length): number {
  const key = run[anchor];
  const last = end - run.length;
  outer: for (let p = words.indexOf(key, from + anchor); p >= 0 && p - anchor <= last; p = words.indexOf(key, p + 1)) {
    const i = p - anchor;
    for (let k = 0; k < run.length; k++) {
      if (words[i + k] !== run[k]) {
        continue outer;
      }
    }
    return i;
  }
  return -1;
}

/** A run of word ids and the position of its rarest word (the one {@link indexOfRun} scans for). */
interface AnchoredRun {
  ids: Uint32Array;
  anchor: number;
}

/** A quotation as vocabulary ids: its one run of words when it is one (most are), else its pieces. */
type CodedPattern = { run: AnchoredRun; pieces?: undefined } | { run?: undefined; pieces: ExactToken<number>[][] };

export class Corpus {
  private readonly byKey = new Map<string, number>();
  private readonly sources: (SourceInfo | undefined)[] = [];
  /**
   * Each live source's words as vocabulary ids (4 bytes a word): candidates are
   * pre-verified on these before the source is tokenised, and phrase counts read them.
   */
  private readonly wordIds: (WordIds | undefined)[] = [];
  /**
   * Per source, its word-pair filter when made (see {@link pairFilter}), with the word
   * ids it was made from: a filter whose ids are not the source's ids now is stale.
   */
  private readonly pairFilters: Array<{ words: WordIds; bits: Uint32Array } | undefined> = [];
  /** Each live source's word start offsets, parallel to `wordIds` (2 bytes each when the text is shorter than 65,536). */
  private readonly wordStarts: (WordStarts | undefined)[] = [];
  private closestIndex?: ClosestStrings;
  /** See {@link keyRanks}. */
  private ranks?: Uint32Array;
  /** Per source id, the content tag it was added with (see {@link add}). */
  private readonly tags: (string | undefined)[] = [];
  /** Per source id, the file state it was added with (see {@link add}). */
  private readonly fileStates: (string | undefined)[] = [];
  /** Per source id, the content facts it was added with (see {@link add}). */
  private readonly facts: (string | undefined)[] = [];
  /** See {@link wordPostings}; cleared whenever a source is added or dropped. */
  private readonly postingsMemo = new Map<number, number[]>();
  /**
   * Candidate sources of whole-corpus searches found together (see {@link searchAhead}),
   * by coded quotation ({@link codedKey}); cleared whenever a source is added or dropped.
   */
  private readonly searchedAhead = new Map<string, number[]>();
  private postingsMemoSize = 0;
  /** Entries of a restored snapshot that no source claimed yet, by key. */
  private readonly detached = new Map<string, { id: number; tag: string }>();
  private changedSinceSnapshot = true;
  /** Source ids below this one come from a restored snapshot. */
  private restoredIdLimit = 0;
  /** Vocabulary: word hash → dense id. */
  private vocab = new WordIdTable();
  private df: Uint32Array = new Uint32Array(1024);
  /** Per word id, the hash of its folded form (`foldWord`: no diacritics), for near matching on ids. */
  private foldOf: Uint32Array = new Uint32Array(1024);
  // Word postings: a node per (source, distinct word). The nodes of `nodeSource`
  // are grouped by word (word w's are `postStart[w]` to `postStart[w + 1]`, in
  // the order their sources were added), so a word's sources are read in one run.
  // The sources posted since (the tail, in the order they came) have no nodes yet:
  // their distinct words are read again off their word ids when they are grouped
  // with the others (see cluster), once they hold many nodes (`tailNodes`): a load
  // posts every source to the tail, and groups them all at its first search.
  private postStart: Uint32Array = new Uint32Array(1);
  private nodeSource: Uint32Array = new Uint32Array(0);
  private tailSources: number[] = [];
  private tailNodes = 0;
  private deadNodes = 0;
  private liveNodes = 0;
  /** Nodes per source id, to account for dead nodes on removal. */
  private readonly nodeCounts: number[] = [];
  // Scratch for intersections.
  private mark = new Uint32Array(1024);
  private epoch = 0;
  /** Sources without postings yet (see {@link deferPostings}); undefined: sources are posted as they are added. */
  private unposted?: Set<number>;
  /** Scratch of {@link internWords}. */
  private idScratch = new Uint32Array(1 << 14);
  /** Scratch: per word id, the stamp of the last source that counted it. */
  private wordStamp = new Uint32Array(1024);
  private stampValue = 0;
  /**
   * Near matching's codes of vocabulary ids for one call of a near source's `code`: the
   * quotation word's index where `codeMarks[id]` is the call's stamp (a table over the
   * vocabulary, not a map looked up per source word), and a 4,096-bit filter of the
   * quotation's folded forms (most source words fold to none of them).
   */
  private codeMarks = new Uint32Array(0);
  private codeValues = new Int32Array(0);
  private codeStamp = 0;
  private readonly foldFilter = new Uint32Array(128);

  get size(): number {
    return this.byKey.size;
  }

  /** The keys, in the order their sources were added (a fresh array). */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): SourceInfo | undefined {
    const id = this.byKey.get(key);
    return id === undefined ? undefined : this.sources[id];
  }

  /** All sources, in the order they were added. */
  all(): SourceInfo[] {
    const out: SourceInfo[] = [];
    for (const id of this.byKey.values()) {
      out.push(this.sources[id]!);
    }
    return out;
  }

  /**
   * Add a source (replacing one with the same key). Indexes only this source.
   * `tag` identifies its content (a digest of the file): when a restored snapshot
   * holds the key with the same tag, its index is reused as it is, without
   * tokenising; with another tag (or none), that stale entry is dropped first.
   * `fileState` and `facts` are kept with the entry, as they are, for the caller (see
   * {@link detachedEntry}); on reattaching, facts not given are the entry's.
   * `hashed`: the text's word hashes and offsets (`wordHashes`) and the folded-form
   * hashes of (at least most of) its words new to the vocabulary, computed elsewhere
   * (another thread); then the text is not decoded here.
   */
  add(source: SourceInfo, tag?: string, more: { fileState?: string; facts?: string; hashed?: PrecomputedWords } = {}): void {
    const { fileState, hashed } = more;
    if (this.byKey.has(source.key)) {
      this.remove(source.key);
    }
    const restored = this.detached.get(source.key);
    if (restored) {
      this.detached.delete(source.key);
      if (tag !== undefined && restored.tag === tag) {
        this.sources[restored.id] = source;
        this.tags[restored.id] = tag;
        if (fileState !== this.fileStates[restored.id]) {
          this.fileStates[restored.id] = fileState;
          this.changedSinceSnapshot = true;
        }
        if (more.facts !== undefined && more.facts !== this.facts[restored.id]) {
          this.facts[restored.id] = more.facts;
          this.changedSinceSnapshot = true;
        }
        this.byKey.set(source.key, restored.id);
        this.closestIndex = undefined;
        this.ranks = undefined;
        return;
      }
      this.drop(restored.id);
    }
    this.changedSinceSnapshot = true;
    this.postingsMemo.clear();
    this.searchedAhead.clear();
    const id = this.sources.length;
    this.sources.push(source);
    this.tags[id] = tag;
    this.fileStates[id] = fileState;
    this.facts[id] = more.facts;
    this.byKey.set(source.key, id);
    this.closestIndex = undefined;
    this.ranks = undefined;

    if (hashed && 'ids' in hashed) {
      this.wordIds[id] = hashed.ids;
      this.wordStarts[id] = hashed.starts;
      this.postOrDefer(id, hashed.ids);
      return;
    }
    const words = hashed ?? wordHashes(source.text);
    let folds: Map<number, number> | undefined;
    const ids = this.internWords(words.hashes, words.starts, (h, start) => {
      if (hashed && start < NON_ASCII) {
        return h; // a plain ASCII word is its own folded form (see hashing.ts)
      }
      if (hashed?.folds) {
        folds ??= foldMap(hashed.folds);
        const fold = folds.get(h);
        if (fold !== undefined) {
          return fold;
        }
      }
      return foldedHashAt(source.text, start & ~NON_ASCII);
    });
    this.wordIds[id] = narrowIds(ids, this.vocab.size);
    this.wordStarts[id] = narrowStarts(words.starts);
    this.postOrDefer(id, ids);
  }

  /** Posts source `id` now, or later when postings are deferred (see {@link deferPostings}). */
  private postOrDefer(id: number, ids: WordIds): void {
    if (this.unposted) {
      this.unposted.add(id);
      this.nodeCounts[id] = 0;
    } else {
      this.post(id, ids);
    }
  }

  /**
   * The vocabulary's table (views of its arrays, not a copy): a hashing thread that
   * starts from a copy of it can give {@link add} word ids (see {@link adoptWords}).
   */
  vocabularyState(): WordTableState {
    return { keys: this.vocab.keys, ids: this.vocab.ids, size: this.vocab.size, chain: this.vocab.chain };
  }

  /**
   * Adds to the vocabulary the words another table added (pairs of word hash and
   * folded-form hash, in the order of their ids) since it held `base` words with the
   * chain `chain` (see `WordIdTable`): when that table started as a copy of this one's
   * and this one has had the same words added since (same size and chain), both give
   * the same ids, and the other's can be used here as they are. Returns whether that
   * holds; nothing is added when it does not (this vocabulary grew another way, or
   * already has one of the words).
   */
  adoptWords(base: number, chain: number, added: Uint32Array): boolean {
    if (base !== this.vocab.size || chain !== this.vocab.chain) {
      return false;
    }
    for (let i = 0; i < added.length; i += 2) {
      if (this.vocab.lookup(added[i]) !== undefined) {
        return false;
      }
    }
    for (let i = 0; i < added.length; i += 2) {
      this.setFold(this.vocab.add(added[i]), added[i + 1]);
    }
    return true;
  }

  /**
   * From now on, sources are added without their word postings and document
   * frequencies, until {@link postDeferred}: meanwhile the candidates of a
   * whole-corpus search are every source (each verified on its word ids, as any
   * candidate), so every answer is the same, only slower. The server's start-up
   * checks its open notes before building the postings (Workspace.load's `deferNotes`).
   */
  deferPostings(): void {
    this.unposted ??= new Set();
  }

  /** Builds the postings of the sources added since {@link deferPostings}; sources are then posted as they are added. */
  postDeferred(): void {
    const ids = this.unposted;
    this.unposted = undefined;
    for (const id of ids ?? []) {
      const words = this.wordIds[id];
      if (this.sources[id] && words) {
        this.post(id, words);
      }
    }
    this.postingsMemo.clear();
    this.searchedAhead.clear();
  }

  /** Whether some sources wait for their postings (see {@link deferPostings}). */
  get postingsDeferred(): boolean {
    return this.unposted !== undefined;
  }

  /**
   * Source `id`'s document frequencies, counted from its word ids, and its word
   * postings: it joins the tail (its nodes are made when the tail is grouped, see
   * {@link cluster}).
   */
  private post(id: number, ids: WordIds): void {
    // Once per distinct word (tables in locals: this loop runs once per word of the corpus).
    const stamp = this.nextStamp(this.vocab.size);
    const wordStamp = this.wordStamp;
    const df = this.df;
    let k = 0;
    for (let i = 0; i < ids.length; i++) {
      const w = ids[i];
      if (wordStamp[w] !== stamp) {
        wordStamp[w] = stamp;
        df[w]++;
        k++;
      }
    }
    this.tailSources.push(id);
    this.tailNodes += k;
    this.nodeCounts[id] = k;
    this.liveNodes += k;
  }

  /** Remove a source; returns whether it was there. */
  remove(key: string): boolean {
    const id = this.byKey.get(key);
    if (id === undefined) {
      return false;
    }
    releaseTokens(this.sources[id]!);
    this.byKey.delete(key);
    this.drop(id);
    return true;
  }

  /** Marks source id `id` dead: its postings are skipped from now on, and compacted away in time. */
  private drop(id: number): void {
    this.changedSinceSnapshot = true;
    this.postingsMemo.clear();
    this.searchedAhead.clear();
    // A source not posted yet counted in no document frequency.
    const posted = !this.unposted?.delete(id);
    const stamp = this.nextStamp(this.vocab.size);
    for (const wid of posted ? (this.wordIds[id] ?? []) : []) {
      if (this.wordStamp[wid] !== stamp) {
        this.wordStamp[wid] = stamp;
        if (this.df[wid] > 0) {
          this.df[wid]--;
        }
      }
    }
    this.sources[id] = undefined;
    this.tags[id] = undefined;
    this.fileStates[id] = undefined;
    this.facts[id] = undefined;
    this.wordIds[id] = undefined;
    this.pairFilters[id] = undefined;
    this.wordStarts[id] = undefined;
    this.closestIndex = undefined;
    this.ranks = undefined;
    const nodes = this.nodeCounts[id] ?? 0;
    this.nodeCounts[id] = 0;
    this.deadNodes += nodes;
    this.liveNodes -= nodes;
    if (this.deadNodes > this.liveNodes && this.deadNodes > 4096) {
      this.cluster();
    }
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * The index as plain data, for an on-disk cache: every live source that was added
   * with a tag, and the tables. Typed arrays are views (no copy): encode or copy the
   * snapshot before changing the corpus again.
   */
  snapshot(): CorpusSnapshot {
    this.postDeferred();
    const entries: CorpusSnapshot['entries'] = [];
    const words: WordIds[] = [];
    const starts: WordStarts[] = [];
    for (let id = 0; id < this.sources.length; id++) {
      const source = this.sources[id];
      const tag = this.tags[id];
      if (source && tag !== undefined && this.wordIds[id] && this.wordStarts[id]) {
        const entry: CorpusSnapshot['entries'][number] = { id, key: source.key, tag, nodes: this.nodeCounts[id] ?? 0 };
        if (this.fileStates[id] !== undefined) {
          entry.fileState = this.fileStates[id];
        }
        if (this.facts[id] !== undefined) {
          entry.facts = this.facts[id];
        }
        entries.push(entry);
        words.push(this.wordIds[id]!);
        starts.push(this.wordStarts[id]!);
      } else if (source) {
        // A source without a tag cannot be recognised on restore: its nodes count as dead there.
        // (Its words go along, so that dropping it on restore keeps the document frequencies right.)
        entries.push({ id, key: '', tag: '', nodes: this.nodeCounts[id] ?? 0, dead: true });
        words.push(this.wordIds[id] ?? new Uint32Array(0));
        starts.push(this.wordStarts[id] ?? new Uint32Array(0));
      }
    }
    return {
      idCount: this.sources.length,
      vocabSize: this.vocab.size,
      entries,
      words,
      starts,
      tables: {
        vocabKeys: this.vocab.keys,
        vocabIds: this.vocab.ids,
        df: this.df,
        foldOf: this.foldOf,
      },
    };
  }

  /**
   * A corpus whose index is `snapshot`'s, its sources not yet attached: {@link add}
   * with the same key and tag attaches a source to its indexed entry, anything else
   * indexes afresh; {@link dropDetached} then forgets the entries no file claimed.
   * Undefined when the snapshot does not fit together (it is then not used at all).
   */
  static restore(snapshot: CorpusSnapshot): Corpus | undefined {
    const t = snapshot.tables;
    const corpus = new Corpus();
    const vocabCapacity = t.vocabKeys.length;
    const fits =
      vocabCapacity >= 2 && (vocabCapacity & (vocabCapacity - 1)) === 0 &&
      t.vocabIds.length === vocabCapacity &&
      snapshot.vocabSize * 2 <= vocabCapacity &&
      t.df.length >= snapshot.vocabSize && t.foldOf.length === t.df.length &&
      snapshot.entries.length === snapshot.words.length && snapshot.entries.length === snapshot.starts.length &&
      snapshot.entries.every((e, i) => Number.isInteger(e.id) && e.id >= 0 && e.id < snapshot.idCount && snapshot.words[i].length === snapshot.starts[i].length) &&
      new Set(snapshot.entries.map((e) => e.id)).size === snapshot.entries.length &&
      new Set(snapshot.entries.filter((e) => !e.dead).map((e) => e.key)).size === snapshot.entries.filter((e) => !e.dead).length &&
      allBelow(t.vocabIds, snapshot.vocabSize + 1) &&
      allBelow(snapshot.words, snapshot.vocabSize);
    if (!fits) {
      return undefined;
    }
    corpus.vocab = new WordIdTable({ keys: t.vocabKeys, ids: t.vocabIds, size: snapshot.vocabSize });
    corpus.df = t.df;
    corpus.foldOf = t.foldOf;
    corpus.sources.length = snapshot.idCount;
    corpus.restoredIdLimit = snapshot.idCount;
    // Every entry joins the postings' tail, in id order (the order the sources were
    // added, that of every word's postings): they are grouped when first searched.
    const ids = snapshot.entries.map((e) => e.id).sort((a, b) => a - b);
    let live = 0;
    snapshot.entries.forEach((entry, i) => {
      corpus.nodeCounts[entry.id] = entry.nodes;
      live += entry.nodes;
      corpus.wordIds[entry.id] = snapshot.words[i];
      corpus.wordStarts[entry.id] = snapshot.starts[i];
      if (!entry.dead) {
        corpus.detached.set(entry.key, { id: entry.id, tag: entry.tag });
        corpus.fileStates[entry.id] = entry.fileState;
        corpus.facts[entry.id] = entry.facts;
      }
    });
    corpus.tailSources = ids;
    corpus.tailNodes = live;
    corpus.liveNodes = live;
    for (const entry of snapshot.entries) {
      if (entry.dead) {
        corpus.drop(entry.id);
      }
    }
    corpus.changedSinceSnapshot = false;
    return corpus;
  }

  /**
   * The content tag, file state and facts of the restored entry of `key` not yet
   * claimed ({@link add} with the same tag reattaches it, without indexing).
   */
  detachedEntry(key: string): { tag: string; fileState?: string; facts?: string } | undefined {
    const entry = this.detached.get(key);
    return entry && { tag: entry.tag, fileState: this.fileStates[entry.id], facts: this.facts[entry.id] };
  }

  /** Forgets the restored entries that no {@link add} claimed (their files are gone or changed key). */
  dropDetached(): void {
    for (const { id } of this.detached.values()) {
      this.drop(id);
    }
    this.detached.clear();
  }

  /** Whether the index differs from the snapshot it was restored from (always true when not restored). */
  get changedSinceRestore(): boolean {
    return this.changedSinceSnapshot;
  }

  /** The index was just saved as it is. */
  markSaved(): void {
    this.changedSinceSnapshot = false;
  }

  /** Saving failed: the index still needs saving. */
  markChanged(): void {
    this.changedSinceSnapshot = true;
  }

  /** How many of the live sources use a restored index entry (were not re-indexed). */
  get restoredSources(): number {
    let n = 0;
    for (const id of this.byKey.values()) {
      if (id < this.restoredIdLimit) {
        n++;
      }
    }
    return n;
  }

  /**
   * Up to `n` existing keys closest to `key` (for a mistyped citation), best first,
   * scored by fuse.js. Empty when nothing is reasonably close.
   */
  closestKeys(key: string, n = SUGGESTIONS): string[] {
    if (this.byKey.size === 0 || n <= 0) {
      return [];
    }
    return this.closestKeyIndex().closest(key, n);
  }

  /** Has `helper` compute {@link closestKeys} of `keys` elsewhere, ahead (see `ClosestStrings.ahead`). */
  closestKeysAhead(keys: readonly string[], n: number, helper: ClosestHelper): void {
    if (this.byKey.size > 0 && n > 0 && keys.length > 0) {
      this.closestKeyIndex().ahead(keys, n, helper);
    }
  }

  private closestKeyIndex(): ClosestStrings {
    this.closestIndex ??= new ClosestStrings([...this.byKey.keys()].sort());
    return this.closestIndex;
  }

  /**
   * Exact matches of `pattern` in any source (but those in `exclude`), by source key,
   * then by position. Only candidate sources from the
   * index are verified (with tokens computed without entering the token cache).
   * `limit`: stop after this many sources with a match (e.g. 1 when any will do).
   */
  findExactAnywhere(pattern: QuotePattern, exclude?: ReadonlySet<string>, limit = Infinity): SourceMatch[] {
    // By key, so the answer does not depend on the order the sources were added in.
    const rank = this.keyRanks();
    const out: SourceMatch[] = [];
    let found = 0;
    const coded = this.codePattern(pattern);
    if (!coded) {
      return out; // a word no source has
    }
    // (A copy of a list found ahead: it is sorted below.)
    const ahead = this.searchedAhead.size > 0 ? this.searchedAhead.get(codedKey(coded)) : undefined;
    let candidates = ahead ? ahead.slice() : this.candidates(pattern);
    // One run of words is scanned for once, by exactOnIds; otherwise each run of the
    // pattern must stand in the source before the pieces are matched.
    const runs = coded.run ? undefined : this.longestRuns(coded.pieces!);
    if (candidates.length > PAIR_FILTER_CANDIDATES) {
      // Many candidates: those whose word pairs cannot hold the runs are left out unscanned.
      const pairRuns = (coded.run ? [coded.run] : runs!).filter((run) => run.ids.length > 1);
      if (pairRuns.length > 0) {
        candidates = candidates.filter((id) => this.mayHoldRuns(id, pairRuns));
      }
    }
    candidates.sort((a, b) => rank[a] - rank[b]);
    for (const id of candidates) {
      const source = this.sources[id];
      if (!source || exclude?.has(source.key) || (runs && !this.holdsRuns(id, runs))) {
        continue;
      }
      const matches = this.exactOnIds(id, coded, pattern, undefined, true) ?? findExactInTokens(source.key, peekTokens(source), pattern);
      if (matches.length > 0) {
        out.push(...matches);
        if (++found >= limit) {
          break;
        }
      }
    }
    return out;
  }

  /**
   * Finds ahead, in one pass over every source's word ids, the candidates of the
   * whole-corpus searches ({@link findExactAnywhere}) of many quotations: for each,
   * the sources holding its rarest pair of words next to each other in one of its runs
   * (and, when that pair's words are common, its next two: the sources holding all
   * three), as a source that holds the quotation holds each of those pairs. Narrower
   * than the postings of its rarest words, which a quotation of common words only
   * shares with thousands of sources (each then checked on its word-pair filter,
   * made on first need): at 10k, the check's 2,141 searches took ~0.45 s of a cold
   * check alone; the pass takes 0.1–0.25 s and the searches after it ~30 ms.
   * The answers do not change (every candidate is verified as any other); kept until
   * a source is added or dropped. A quotation without two words in a row, or whose
   * pairs are all in more than {@link AHEAD_MOST_SOURCES} sources (or a sixteenth of
   * them, when more), is searched as before.
   */
  searchAhead(patterns: readonly QuotePattern[]): void {
    const df = this.df;
    // A pair found in more sources than this narrows little: it is dropped (its hash no
    // longer looked up once its chain has no other pair), and left out of the intersections.
    const most = Math.max(AHEAD_MOST_SOURCES, this.byKey.size >>> 4);
    // The pairs looked for (see scanPairs, which runs once per word of the corpus):
    // their words, the sources found holding each (ascending) and the last of them,
    // chained by hash.
    const pairA: number[] = [];
    const pairB: number[] = [];
    const sources: Array<number[] | undefined> = [];
    const last: number[] = [];
    const head = new Int32Array(1 << 16).fill(-1);
    const next: number[] = [];
    const bits = new Uint32Array(1 << 11); // which hashes have a pair (8 KB: stays in the L1 cache)
    const pairOf = (a: number, b: number): number => {
      const h = aheadHash(a, b);
      for (let p = head[h]; p >= 0; p = next[p]) {
        if (pairA[p] === a && pairB[p] === b) {
          return p;
        }
      }
      const p = pairA.length;
      pairA.push(a);
      pairB.push(b);
      sources.push([]);
      last.push(-1);
      next.push(head[h]);
      head[h] = p;
      bits[h >>> 5] |= 1 << (h & 31);
      return p;
    };
    const searches = new Map<string, number[]>();
    for (const pattern of patterns) {
      const coded = this.codePattern(pattern);
      const key = coded && codedKey(coded);
      if (!coded || !key || searches.has(key) || this.searchedAhead.has(key)) {
        continue;
      }
      // Its rarest pairs, by the document frequency of the commoner of their two words, then of the other.
      const ranked: Array<{ a: number; b: number; cost: number }> = [];
      for (const run of coded.run ? [coded.run] : this.longestRuns(coded.pieces)) {
        for (let i = 1; i < run.ids.length; i++) {
          const a = run.ids[i - 1];
          const b = run.ids[i];
          ranked.push({ a, b, cost: Math.max(df[a], df[b]) * 0x10000 + Math.min(df[a], df[b]) });
        }
      }
      if (ranked.length > 0) {
        // More pairs only when the rarest has common words (each pair looked for costs
        // the scan a lookup wherever it stands, a common one often).
        ranked.sort((x, y) => x.cost - y.cost);
        const count = ranked[0].cost >= (most + 1) * 0x10000 ? AHEAD_PAIRS : 1;
        searches.set(key, ranked.slice(0, count).map((r) => pairOf(r.a, r.b)));
      }
    }
    if (searches.size === 0) {
      return;
    }
    for (let id = 0; id < this.sources.length; id++) {
      const words = this.sources[id] ? this.wordIds[id] : undefined;
      if (words) {
        scanPairs(id, words, { pairA, pairB, sources, head, next, bits, last }, most);
      }
    }
    // A search's candidates: the sources holding all its pairs kept (ascending lists, intersected).
    for (const [key, list] of searches) {
      const kept = list.map((p) => sources[p]).filter((l): l is number[] => l !== undefined);
      if (kept.length > 0) {
        this.searchedAhead.set(key, intersectAscending(kept));
      }
    }
  }

  /**
   * Every occurrence of a quotation that is one run of words (a name), by source key
   * (in key order) then position, as word indexes, read off the index's word ids
   * alone: no text is decoded and, unlike {@link findExactAnywhere}, no occurrence is
   * checked against its own words, so two different words sharing a 32-bit hash would
   * count as one. For counts (a hover's "named N times"), never to judge a quotation.
   * Undefined for a quotation with omissions or insertions.
   */
  runOccurrences(pattern: QuotePattern): Array<{ key: string; firstWord: number; lastWord: number }> | undefined {
    const coded = this.codePattern(pattern);
    if (!coded) {
      return []; // a word no source has
    }
    const run = coded.run;
    if (!run) {
      return undefined;
    }
    const rank = this.keyRanks();
    const out: Array<{ key: string; firstWord: number; lastWord: number }> = [];
    for (const id of this.candidates(pattern).sort((a, b) => rank[a] - rank[b])) {
      const source = this.sources[id];
      const words = this.wordIds[id];
      if (!source || !words) {
        continue;
      }
      for (let at = indexOfRun(words, run.ids, 0, run.anchor); at >= 0; at = indexOfRun(words, run.ids, at + 1, run.anchor)) {
        out.push({ key: source.key, firstWord: at, lastWord: at + run.ids.length - 1 });
      }
    }
    return out;
  }

  /** The text span of words `first` to `last` (word indexes) of a source; undefined when it has no such words. */
  wordSpan(key: string, first: number, last: number): Span | undefined {
    const id = this.byKey.get(key);
    const starts = id === undefined ? undefined : this.wordStarts[id];
    const source = id === undefined ? undefined : this.sources[id];
    if (!starts || !source || first < 0 || first > last || last >= starts.length) {
      return undefined;
    }
    return { start: starts[first], end: wordEndIn(source, textWindow(source, starts[last], starts[last] + 1), starts[last]) };
  }

  /** Per source id, the rank of its key in sorted key order (dead ids rank last); rebuilt after a change. */
  private keyRanks(): Uint32Array {
    if (!this.ranks) {
      const ids = [...this.byKey.values()].sort((a, b) => {
        const ka = this.sources[a]!.key;
        const kb = this.sources[b]!.key;
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
      this.ranks = new Uint32Array(this.sources.length).fill(0xffffffff);
      ids.forEach((id, rank) => {
        this.ranks![id] = rank;
      });
    }
    return this.ranks;
  }

  /** The longest run of consecutive words (no insertion) of each coded piece. */
  private longestRuns(pieces: readonly ExactToken<number>[][]): AnchoredRun[] {
    const runs: AnchoredRun[] = [];
    for (const piece of pieces) {
      let best: number[] = [];
      let run: number[] = [];
      for (const t of piece) {
        if (t.kind === 'insertion') {
          run = [];
          continue;
        }
        run.push(t.word);
        if (run.length > best.length) {
          best = run;
        }
      }
      if (best.length > 0) {
        runs.push(this.anchored(Uint32Array.from(best)));
      }
    }
    return runs;
  }

  /**
   * False when source `id` surely holds some run of `runs` nowhere: a pair of words
   * next to each other in the run is not next to each other anywhere in the source.
   * True says nothing (the filter is a Bloom filter: it has false positives, never a
   * false negative), so an answer never depends on it, only the time to reach it.
   */
  private mayHoldRuns(id: number, runs: readonly AnchoredRun[]): boolean {
    const bits = this.pairFilter(id);
    if (!bits) {
      return true;
    }
    const mask = bits.length * 32 - 1;
    for (const run of runs) {
      const ids = run.ids;
      for (let i = 1; i < ids.length; i++) {
        const h = pairHash(ids[i - 1], ids[i]) & mask;
        if ((bits[h >>> 5] & (1 << (h & 31))) === 0) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Source `id`'s word-pair filter: one bit per hash of each pair of consecutive word
   * ids, about 8 bits a word (~1 KB for a 900-word article; a pair not in the source
   * passes ~11% of the time). Made when a search first asks for it and kept while the
   * source's word ids are the same.
   */
  private pairFilter(id: number): Uint32Array | undefined {
    const words = this.wordIds[id];
    if (!words) {
      return undefined;
    }
    const kept = this.pairFilters[id];
    if (kept?.words === words) {
      return kept.bits;
    }
    let size = 256;
    while (size < 8 * words.length) {
      size *= 2;
    }
    const bits = new Uint32Array(size >>> 5);
    const mask = size - 1;
    for (let i = 1; i < words.length; i++) {
      const h = pairHash(words[i - 1], words[i]) & mask;
      bits[h >>> 5] |= 1 << (h & 31);
    }
    // (Filled in order: an array written far past its end turns into a slow dictionary.)
    while (this.pairFilters.length < id) {
      this.pairFilters.push(undefined);
    }
    this.pairFilters[id] = { words, bits };
    return bits;
  }

  /** A necessary condition for an exact match: every run stands in the source's words. */
  private holdsRuns(id: number, runs: readonly AnchoredRun[]): boolean {
    const words = this.wordIds[id];
    if (!words) {
      return false;
    }
    for (const run of runs) {
      if (indexOfRun(words, run.ids, 0, run.anchor) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Exact matching on word ids, without tokenising the source (the algorithm of
   * match.ts on vocabulary ids). Returns the matches (inside `within` when given; only
   * the first unless `all`). Each match found is verified on the words of its own
   * text, so a hash collision can never make a misquote pass; should one fail that
   * check, the answer is `undefined`: match on the source's words instead (`findExact`).
   * A match's span ends at the end of its last word.
   */
  quickExact(key: string, pattern: QuotePattern, within?: Span, all = false): SourceMatch[] | undefined {
    const id = this.byKey.get(key);
    if (id === undefined || !this.wordIds[id]) {
      return undefined;
    }
    const coded = this.codePattern(pattern);
    return coded ? this.exactOnIds(id, coded, pattern, within, all) : []; // a word no source has
  }

  /** The quotation as vocabulary ids (its one run of words, or its pieces); undefined when a word is in no source. */
  private codePattern(pattern: QuotePattern): CodedPattern | undefined {
    const trimmed = trimmedPieces(pattern);
    if (trimmed.length === 1 && trimmed[0].every((t) => t.kind === 'word')) {
      // One run of words (most quotations, every name): its ids, no token objects.
      const words = trimmed[0] as Array<{ kind: 'word'; word: string }>;
      const run = new Uint32Array(words.length);
      for (let k = 0; k < run.length; k++) {
        const wid = this.vocab.lookup(hashWord(words[k].word));
        if (wid === undefined) {
          return undefined;
        }
        run[k] = wid;
      }
      return { run: this.anchored(run) };
    }
    const pieces: ExactToken<number>[][] = [];
    for (const piece of trimmed) {
      const coded: ExactToken<number>[] = [];
      for (const t of piece) {
        if (t.kind === 'insertion') {
          coded.push({ kind: 'insertion' });
          continue;
        }
        const wid = this.vocab.lookup(hashWord(t.word));
        if (wid === undefined) {
          return undefined;
        }
        coded.push({ kind: 'word', word: wid });
      }
      pieces.push(coded);
    }
    return { pieces };
  }

  /** A run with its rarest word (fewest sources) as the anchor of its scan. */
  private anchored(ids: Uint32Array): AnchoredRun {
    let anchor = 0;
    for (let k = 1; k < ids.length; k++) {
      if (this.df[ids[k]] < this.df[ids[anchor]]) {
        anchor = k;
      }
    }
    return { ids, anchor };
  }

  /** {@link quickExact} on source id `id`, with the pattern already coded. */
  private exactOnIds(id: number, coded: CodedPattern, pattern: QuotePattern, within: Span | undefined, all: boolean): SourceMatch[] | undefined {
    const words = this.wordIds[id];
    const starts = this.wordStarts[id];
    const source = this.sources[id];
    if (!words || !starts || !source) {
      return undefined;
    }
    const { lo, hi } = within ? idWordRange(source, starts, within) : { lo: 0, hi: starts.length };
    let found: Array<{ first: number; last: number }>;
    const run = coded.run;
    if (run) {
      // One run of words (most quotations, every name): its occurrences, scanned directly.
      found = [];
      // Up to `hi` (no subarray: a view costs more than many a scan).
      for (let at = indexOfRun(words, run.ids, lo, run.anchor, hi); at >= 0; at = all ? indexOfRun(words, run.ids, at + 1, run.anchor, hi) : -1) {
        found.push({ first: at, last: at + run.ids.length - 1 });
      }
    } else {
      const sequence: ExactSequence<number> = {
        words,
        pieceStarts: (piece, a, b) => positionsOf(words, (piece[0] as { word: number }).word, a, b),
      };
      found = exactMatches(sequence, coded.pieces!, lo, hi);
    }
    const matches: SourceMatch[] = [];
    for (const r of all ? found : found.slice(0, 1)) {
      // Only the match's piece of the text: a source read from a file decodes from its
      // bytes what is asked for (most candidate sources hold no match).
      let window = textWindow(source, starts[r.first], starts[r.last] + 1);
      const span = { start: starts[r.first], end: wordEndIn(source, window, starts[r.last]) };
      if (span.end > window.offset + window.text.length) {
        window = { text: source.text, offset: 0, atEnd: true }; // a word longer than the piece
      }
      if (!verified(window, starts, r.first, run !== undefined, pattern, span)) {
        return undefined;
      }
      matches.push({ key: source.key, span, firstWord: r.first, lastWord: r.last });
    }
    return matches;
  }

  /**
   * Near matching's view of a source on its word ids (no tokenising): words compare
   * by vocabulary id, folded words by the hash of their folded form. Undefined when
   * the source is not indexed.
   */
  nearSource(key: string): NearSource | undefined {
    const id = this.byKey.get(key);
    const words = id === undefined ? undefined : this.wordIds[id];
    const starts = id === undefined ? undefined : this.wordStarts[id];
    const source = id === undefined ? undefined : this.sources[id];
    if (!words || !starts || !source) {
      return undefined;
    }
    const foldOf = this.foldOf;
    let unknown = 0;
    return {
      key,
      // Pieces of the text (whole lines, see `textWindow`): the text is not decoded whole.
      slice: (start, end) => {
        const window = textWindow(source, start, end);
        return end <= window.offset + window.text.length ? window.text.slice(start - window.offset, end - window.offset) : source.text.slice(start, end);
      },
      range: (within) => idWordRange(source, starts, within),
      startOf: (i) => starts[i],
      endOf: (i) => wordEndIn(source, textWindow(source, starts[i], starts[i] + 1), starts[i]),
      // A quotation word no source has gets a key no source word has (ids are ≥ 0).
      keysOf: (word) => [this.vocab.lookup(hashWord(word)) ?? --unknown, hashWord(foldWord(word))],
      code: (lo, hi, exactIds, foldIds) => {
        const n = hi - lo;
        const exact = new Int32Array(n);
        const folded = new Int32Array(n);
        const { marks, values, stamp } = this.codeTable();
        for (const [key, index] of exactIds) {
          // (Keys are vocabulary ids, or negative for a word no source has.)
          if (typeof key === 'number' && key >= 0 && key < marks.length) {
            marks[key] = stamp;
            values[key] = index;
          }
        }
        const filter = this.foldFilter.fill(0);
        for (const key of foldIds.keys()) {
          const h = (key as number) >>> 0;
          filter[(h >>> 5) & 127] |= 1 << (h & 31);
        }
        for (let j = 0; j < n; j++) {
          const w = words[lo + j];
          exact[j] = marks[w] === stamp ? values[w] : -1;
          const f = foldOf[w];
          folded[j] = (filter[(f >>> 5) & 127] & (1 << (f & 31))) !== 0 ? (foldIds.get(f) ?? -1) : -1;
        }
        return { exact, folded };
      },
    };
  }

  /** The tables of a near source's `code` (see {@link codeMarks}), sized for the vocabulary, with a fresh stamp. */
  private codeTable(): { marks: Uint32Array; values: Int32Array; stamp: number } {
    if (this.codeMarks.length < this.vocab.size) {
      const size = Math.max(this.vocab.size, 2 * this.codeMarks.length, 1024);
      this.codeMarks = new Uint32Array(size);
      this.codeValues = new Int32Array(size);
      this.codeStamp = 0;
    }
    this.codeStamp = (this.codeStamp + 1) >>> 0;
    if (this.codeStamp === 0) {
      this.codeMarks.fill(0);
      this.codeStamp = 1;
    }
    return { marks: this.codeMarks, values: this.codeValues, stamp: this.codeStamp };
  }

  /** Keys of the sources that may hold `pattern` (a superset of those that do). For tests and tools. */
  candidateKeys(pattern: QuotePattern): string[] {
    return this.candidates(pattern).map((id) => this.sources[id]!.key);
  }

  /* ---------------------------------------------------------------- */

  /**
   * Dense ids of word hashes, adding new words (found at `starts`; `fold` gives their
   * folded-form hash) to the vocabulary. In a scratch buffer, valid until the next call
   * (a load would otherwise leave ~50 MB of garbage at 10,000 sources).
   */
  private internWords(hashes: Uint32Array, starts: Uint32Array, fold: (hash: number, start: number) => number): Uint32Array {
    const ids = (this.idScratch = atLeast(this.idScratch, hashes.length)).subarray(0, hashes.length);
    this.vocab.intern(hashes, ids, (i, id) => this.setFold(id, fold(hashes[i], starts[i])));
    return ids;
  }

  /** Word `id`'s folded form, once (near matching compares it), its tables grown to the vocabulary. */
  private setFold(id: number, fold: number): void {
    if (id >= this.df.length) {
      const df = new Uint32Array(this.df.length * 2);
      df.set(this.df);
      this.df = df;
      const folds = new Uint32Array(this.df.length);
      folds.set(this.foldOf);
      this.foldOf = folds;
    }
    this.foldOf[id] = fold;
  }

  private nextStamp(vocabSize: number): number {
    if (this.wordStamp.length < vocabSize) {
      this.wordStamp = new Uint32Array(Math.max(vocabSize, this.wordStamp.length * 2));
    }
    this.stampValue = (this.stampValue + 1) >>> 0;
    if (this.stampValue === 0) {
      this.wordStamp.fill(0);
      this.stampValue = 1;
    }
    return this.stampValue;
  }

  /** Sorted ids of live sources that may hold the pattern. */
  private candidates(pattern: QuotePattern): number[] {
    const pieces = trimmedPieces(pattern);
    if (pieces.length === 0) {
      return [];
    }
    const wordIds = new Set<number>();
    for (const piece of pieces) {
      for (const t of piece) {
        if (t.kind === 'insertion') {
          continue;
        }
        const id = this.vocab.lookup(hashWord(t.word));
        // (With postings deferred, no document frequency is counted yet.)
        if (id === undefined || (!this.unposted && this.df[id] === 0)) {
          return [];
        }
        wordIds.add(id);
      }
    }
    if (this.unposted) {
      return this.liveIds(); // postings deferred (see deferPostings): every live source
    }
    // The rarest words' postings; start from the shortest and intersect while that may
    // narrow the set: every candidate is pre-verified on its word ids (~2 µs a
    // candidate at 10k), so a list is worth walking when it is short next to the
    // candidates left. Postings are walked lazily, the rarer words first: grouped by
    // word (views of the node table, see wordPostings) a list costs ~1 ns a source,
    // so up to ~1,000 times the candidates left; built from scattered nodes, more,
    // so up to 8 times and while more than 32 are left.
    const grouped = this.postingsGrouped();
    const rare = [...wordIds].sort((a, b) => this.df[a] - this.df[b]).slice(0, RARE_WORDS);
    const lists = rare.map((w) => ({ size: this.df[w], ids: () => this.wordPostings(w) }));
    // (A copy of the first list, narrowed in place: the lists themselves are not to be modified.)
    let result = Uint32Array.from(lists[0].ids());
    for (let k = 1; k < lists.length && result.length > (grouped ? 1 : 32) && lists[k].size < (grouped ? 1024 : 8) * result.length; k++) {
      const keep = this.markSet(lists[k].ids());
      const mark = this.mark;
      let kept = 0;
      for (let i = 0; i < result.length; i++) {
        const id = result[i];
        if (mark[id] === keep) {
          result[kept++] = id;
        }
      }
      result = result.subarray(0, kept);
    }
    // Ascending and distinct already (a word's postings are, from grouped nodes): as it is.
    let ascending = true;
    for (let i = 1; i < result.length && ascending; i++) {
      ascending = result[i - 1] < result[i];
    }
    return ascending ? Array.from(result) : [...new Set(Array.from(result))].sort((a, b) => a - b);
  }

  /**
   * Groups the word postings now, if some are not (a load's sources, a restored
   * index's): what the first whole-corpus search would otherwise do (~0.1 s at 10,000
   * sources). Changes no answer; a host calls it when idle. (Sources whose postings
   * are deferred stay so, see {@link deferPostings}.)
   */
  groupPostings(): void {
    this.cluster();
  }

  /** Whether {@link groupPostings} has nothing to do. */
  get postingsReady(): boolean {
    return this.tailSources.length === 0 && this.deadNodes === 0 && this.postStart.length === this.vocab.size + 1;
  }

  /** Whether every word-posting node is grouped by word and of a live source (then a word's postings are a view, see {@link wordPostings}). */
  private postingsGrouped(): boolean {
    return this.tailSources.length === 0 && this.deadNodes === 0 && this.detached.size === 0;
  }

  /** The ids of the live sources, ascending. */
  private liveIds(): number[] {
    const out: number[] = [];
    for (let id = 0; id < this.sources.length; id++) {
      if (this.sources[id]) {
        out.push(id);
      }
    }
    return out;
  }

  private markSet(ids: ArrayLike<number>): number {
    if (this.mark.length < this.sources.length) {
      this.mark = new Uint32Array(Math.max(this.sources.length, this.mark.length * 2));
    }
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.mark.fill(0);
      this.epoch = 1;
    }
    const mark = this.mark;
    const epoch = this.epoch;
    for (let i = 0; i < ids.length; i++) {
      mark[ids[i]] = epoch;
    }
    return epoch;
  }

  /**
   * The live sources holding word `w`, in the order they were added (do not modify:
   * it is a view of the node table, or an array memoised until the corpus changes;
   * common words are asked for again and again).
   */
  private wordPostings(w: number): ArrayLike<number> {
    if (this.tailNodes > MAX_TAIL_NODES) {
      this.cluster();
    }
    if (this.postingsGrouped() && w + 1 < this.postStart.length) {
      // Every node grouped by word, each of a live source (the usual case once a load is
      // over, its first search or the server's idle step having grouped them): the word's own nodes.
      return this.nodeSource.subarray(this.postStart[w], this.postStart[w + 1]);
    }
    const memo = this.postingsMemo.get(w);
    if (memo) {
      return memo;
    }
    const out: number[] = [];
    const src = this.nodeSource;
    if (w + 1 < this.postStart.length) {
      for (let node = this.postStart[w], end = this.postStart[w + 1]; node < end; node++) {
        const id = src[node];
        if (this.sources[id]) {
          out.push(id);
        }
      }
    }
    // The tail, a few sources posted since the last grouping: their word ids scanned.
    for (const id of this.tailSources) {
      const words = this.wordIds[id];
      if (this.sources[id] && words && words.indexOf(w) >= 0) {
        out.push(id);
      }
    }
    if (out.length >= 64) {
      this.postingsMemoSize += out.length;
      if (this.postingsMemoSize > MAX_MEMO_POSTINGS) {
        this.postingsMemo.clear();
        this.postingsMemoSize = out.length;
      }
      this.postingsMemo.set(w, out);
    }
    return out;
  }

  /**
   * Groups every node by word (a counting sort: the nodes of each word in the order
   * they were added), leaving out those of dropped sources: the grouped nodes kept,
   * then those of the tail's sources, made from their word ids. Linear in the nodes
   * and the tail's words; the one array allocated is the new node table.
   */
  private cluster(): void {
    if (this.postingsReady) {
      return;
    }
    const vocab = this.vocab.size;
    const oldStart = this.postStart;
    const src = this.nodeSource;
    // A node is live while its source's nodes count (a restored source not attached yet
    // included); with no dead node, all are (the usual case: a load's nodes, at its first search).
    const counts = this.nodeCounts;
    const all = this.deadNodes === 0;
    const oldWords = Math.min(vocab, oldStart.length - 1);
    // Word w has a live node per source holding it: its document frequency (add, drop
    // and restore keep the two in step: a saved index's frequencies were counted from
    // the very word ids it saved, under the file's checksum).
    const start = new Uint32Array(vocab + 1);
    for (let w = 0; w < vocab; w++) {
      start[w + 1] = start[w] + this.df[w];
    }
    const live = start[vocab];
    const out = new Uint32Array(Math.max(live, 1 << 10));
    const cursor = start.slice(0, vocab);
    // (A node never lands outside its word's room, even were the two out of step.)
    const put = (w: number, id: number) => {
      if (cursor[w] < start[w + 1]) {
        out[cursor[w]++] = id;
      }
    };
    for (let w = 0; w < oldWords; w++) {
      for (let node = oldStart[w]; node < oldStart[w + 1]; node++) {
        const id = src[node];
        if (all || counts[id] > 0) {
          put(w, id);
        }
      }
    }
    for (const id of this.tailSources) {
      const words = this.wordIds[id];
      if (words && (all || counts[id] > 0)) {
        const stamp = this.nextStamp(vocab); // (before the table is read: it may grow)
        placeSource(id, words, this.wordStamp, stamp, cursor, start, out);
      }
    }
    this.postStart = start;
    this.nodeSource = out;
    this.tailSources = [];
    this.tailNodes = 0;
    this.liveNodes = live;
    this.deadNodes = 0;
  }
}
