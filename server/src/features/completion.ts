/**
 * Completion: entities after `@`, events after `#`, source keys inside `[@…` and
 * after `; @`, and keys, kinds and ids inside definition blocks. Ranking is fuse.js
 * over ids, names, aliases and titles, case- and accent-insensitive.
 */
import { FoldedFuse, stripDiacritics } from '../common/fuzzy';
import type { Span } from '../common/text';
import type { SourceInfo } from '../corpus/types';
import type { Definition } from '../syntax/ast';
import { ENTITY_KINDS, type EntitySymbol, type EventSymbol } from '../workspace/symbols';
import type { Workspace } from '../workspace/workspace';
import { definitionBodyAt, isInCode } from './context';
import { escapeMarkdown as esc } from './markdown';

export type CompletionKind = 'entity' | 'event' | 'source' | 'field' | 'value' | 'define';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Replaces `replace`. */
  insertText: string;
  replace: Span;
  /** What the client matches the typed word against: always the typed word, since ranking is ours. */
  filterText: string;
  sortText: string;
  /** Further edits, e.g. the definition skeleton a "define" item appends. */
  additionalEdits?: Array<{ span: Span; newText: string }>;
}

export interface CompletionList {
  items: CompletionItem[];
  /** True: the client asks again as the user types (the ranking changes with each letter). */
  isIncomplete: boolean;
}

const MAX_ITEMS = 50;
const ID_CHAR = /[\p{L}\p{N}\p{M}_.:-]/u;
const FUSE_BASE = { ignoreLocation: true, includeScore: true, threshold: 0.45 } as const;

const ENTITY_FIELDS: Record<string, string> = {
  name: 'Full name (required)',
  kind: ENTITY_KINDS.join(', '),
  aliases: 'Other names, `;`-separated',
  role: 'Role or position',
  wikidata: 'Wikidata Q-id',
};
const EVENT_FIELDS: Record<string, string> = {
  title: 'What happened (required)',
  date: 'YYYY, YYYY-MM, YYYY-MM-DD or DATE..DATE (required)',
  actors: '`@entity` mentions, `;`-separated',
  place: 'Where it happened',
  sources: '`[@key]` citations, `;`-separated',
  after: '`#event`s that come earlier, `;`-separated',
};

export function complete(ws: Workspace, path: string, offset: number): CompletionList | undefined {
  const note = ws.notes.get(path);
  if (!note || isInCode(note.ast, offset)) {
    return undefined;
  }
  const text = note.text;
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  const before = text.slice(lineStart, offset);
  let end = offset;
  while (end < text.length && ID_CHAR.test(text[end])) {
    end++;
  }

  const definition = definitionBodyAt(note.ast, offset);
  if (definition) {
    const inDefinition = completeInDefinition(ws, definition, before, offset, end);
    if (inDefinition) {
      return inDefinition;
    }
  }

  const source = /(?:\[|;)\s*@([\p{L}\p{N}\p{M}_.:-]*)$/u.exec(before);
  if (source && insideBracket(before)) {
    return sourceItems(ws, source[1], { start: offset - source[1].length, end });
  }
  const sigil = /(?:^|[\s(["'«“])([@#])([\p{L}\p{N}\p{M}_-]*)$/u.exec(before);
  if (sigil) {
    const query = sigil[2];
    const replace = { start: offset - query.length, end };
    if (sigil[1] === '#' && /^\s*#+$/.test(before) && query === '') {
      return undefined; // `#` at the start of a line begins a heading as often as a mention
    }
    return sigil[1] === '@' ? entityItems(ws, query, replace, note.text.length) : eventItems(ws, query, replace);
  }
  return undefined;
}

/** True when the line, up to the cursor, has an unclosed `[`. */
function insideBracket(before: string): boolean {
  return before.lastIndexOf('[') > before.lastIndexOf(']');
}

function completeInDefinition(ws: Workspace, definition: Definition, before: string, offset: number, end: number): CompletionList | undefined {
  const key = /^\s*([A-Za-z][A-Za-z0-9_-]*)?$/.exec(before);
  if (key) {
    const typed = key[1] ?? '';
    const fields = definition.kind === 'event' ? EVENT_FIELDS : ENTITY_FIELDS;
    const present = new Set(definition.fields.map((f) => f.key));
    const items = Object.entries(fields)
      .filter(([name]) => !present.has(name))
      .map(([name, doc], i): CompletionItem => ({
        label: name,
        kind: 'field',
        detail: doc,
        insertText: `${name}: `,
        replace: { start: offset - typed.length, end },
        filterText: name,
        sortText: String(i).padStart(3, '0'),
      }));
    return { items, isIncomplete: false };
  }
  const kind = /^\s*kind:\s*([A-Za-z]*)$/.exec(before);
  if (kind && definition.kind === 'entity') {
    const typed = kind[1];
    return {
      items: ENTITY_KINDS.map((k, i) => ({
        label: k,
        kind: 'value' as const,
        insertText: k,
        replace: { start: offset - typed.length, end },
        filterText: k,
        sortText: String(i).padStart(3, '0'),
      })),
      isIncomplete: false,
    };
  }
  const field = /^\s*(actors|after|sources):/.exec(before);
  if (field) {
    const id = /@([\p{L}\p{N}\p{M}_.:-]*)$/u.exec(before) ?? /#([\p{L}\p{N}\p{M}_-]*)$/u.exec(before);
    if (!id) {
      return { items: [], isIncomplete: false };
    }
    const replace = { start: offset - id[1].length, end };
    if (field[1] === 'sources') {
      return sourceItems(ws, id[1], replace);
    }
    return field[1] === 'actors' ? entityItems(ws, id[1], replace) : eventItems(ws, id[1], replace);
  }
  return undefined;
}

function rank(index: number): string {
  return String(index).padStart(5, '0');
}

/**
 * **Decision**: one typed letter is too little for fuzzy ranking (every name holding
 * the letter anywhere would match about as well, and scoring them all is most of a
 * completion's time): it offers the items whose id or a word of their names starts
 * with that letter, those whose id does first, in list order. From two letters on,
 * fuse.js ranks. The client filters further as the user types.
 */
function byInitial<T>(list: readonly T[], initials: readonly Initials[], query: string): T[] {
  const letter = fold(query);
  const first: T[] = [];
  const then: T[] = [];
  list.forEach((item, i) => {
    if (initials[i].id === letter) {
      first.push(item);
    } else if (initials[i].words.has(letter)) {
      then.push(item);
    }
  });
  return [...first, ...then];
}

/** The first letter (folded) of an item's id, and of every word of its names. */
interface Initials {
  id: string;
  words: Set<string>;
}

function initialsOf(id: string, names: readonly string[]): Initials {
  const words = new Set<string>();
  for (const name of names) {
    for (const word of fold(name).split(/[^\p{L}\p{N}]+/u)) {
      if (word) {
        words.add([...word][0]);
      }
    }
  }
  return { id: [...fold(id)][0] ?? '', words };
}

/**
 * Builds the indexes the first completion after `@` or `#` would build (~50 ms in all at
 * 500 entities and 300 events), so that it answers at once, one piece an index: see
 * `LanguageService.featureSteps`.
 */
export function prepareSymbolCompletion(ws: Workspace): Array<() => void> {
  return [
    ...(ws.memoized('completion.entities', { symbols: true }) ? [] : [() => void entityIndex(ws)]),
    ...(ws.memoized('completion.events', { symbols: true }) ? [] : [() => void eventIndex(ws)]),
  ];
}

/**
 * Builds the index the first completion after `[@` would build (~0.25 s at 10,000
 * sources; fuse.js's records of a source are made when a search first includes it), in
 * pieces of {@link SOURCES_A_STEP} sources, the last of which finishes it: a request that
 * comes between two pieces waits for one (a completion after `[@` finishes the rest).
 */
export function prepareSourceCompletion(ws: Workspace): Array<() => void> {
  if (ws.memoized('completion.sources', { corpus: true })) {
    return []; // built, and the corpus has not changed since
  }
  const pieces = Math.ceil(ws.corpus.size / SOURCES_A_STEP);
  return [...Array.from({ length: pieces }, () => () => sourceIndexBuilder(ws).step(SOURCES_A_STEP)), () => void sourceIndex(ws)];
}

function entityIndex(ws: Workspace) {
  return ws.memo('completion.entities', { symbols: true }, () => {
    const list = uniqueById(ws.allSymbols().filter((s): s is EntitySymbol => s.type === 'entity'));
    return {
      list,
      fuse: new FoldedFuse(list, { ...FUSE_BASE, keys: [{ name: 'id', weight: 2 }, { name: 'name', weight: 1.5 }, 'aliases'] }),
      initials: list.map((e) => initialsOf(e.id, [e.name ?? '', ...e.aliases])),
    };
  });
}

function eventIndex(ws: Workspace) {
  return ws.memo('completion.events', { symbols: true }, () => {
    const list = uniqueById(ws.allSymbols().filter((s): s is EventSymbol => s.type === 'event'))
      .sort((a, b) => (a.date ?? '').localeCompare(b.date ?? '') || a.id.localeCompare(b.id));
    return {
      list,
      fuse: new FoldedFuse(list, { ...FUSE_BASE, keys: [{ name: 'id', weight: 2 }, 'title'] }),
      initials: list.map((e) => initialsOf(e.id, [e.title ?? ''])),
    };
  });
}

/** An index's entries for `query`: every one (nothing typed), by initial (one letter), else ranked by fuse.js. */
function rankedEntries<T>(index: { list: readonly T[]; initials: readonly Initials[]; fuse: FoldedFuse<T> }, query: string): readonly T[] {
  if (query === '') {
    return index.list;
  }
  return [...query].length === 1 ? byInitial(index.list, index.initials, query) : index.fuse.search(query, { limit: MAX_ITEMS }).map((r) => r.item);
}

function entityItems(ws: Workspace, query: string, replace: Span, noteLength?: number): CompletionList {
  const ranked = rankedEntries(entityIndex(ws), query);
  const items = ranked.slice(0, MAX_ITEMS).map((e, i): CompletionItem => ({
    label: e.id,
    kind: 'entity',
    detail: [e.name, e.kind].filter(Boolean).join(' · '),
    // Documentation is Markdown: note text is escaped so it renders as the literal text it is.
    documentation: [e.role && esc(e.role), e.aliases.length ? `Aliases: ${e.aliases.map(esc).join('; ')}` : undefined].filter(Boolean).join('\n\n') || undefined,
    insertText: e.id,
    replace,
    filterText: query,
    sortText: rank(i),
  }));
  if (noteLength !== undefined && query !== '' && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(query) && ws.lookup(query).length === 0) {
    items.push({
      label: `define entity "${query}"`,
      kind: 'define',
      detail: 'Add a definition skeleton at the end of this note',
      insertText: query,
      replace,
      filterText: query,
      sortText: rank(items.length),
      additionalEdits: [{ span: { start: noteLength, end: noteLength }, newText: `\n\n::: entity ${query}\nname: \nkind: \n:::\n` }],
    });
  }
  return { items, isIncomplete: true };
}

function eventItems(ws: Workspace, query: string, replace: Span): CompletionList {
  const ranked = rankedEntries(eventIndex(ws), query);
  const items = ranked.slice(0, MAX_ITEMS).map((e, i): CompletionItem => ({
    label: e.id,
    kind: 'event',
    detail: [e.date, e.title].filter(Boolean).join(' · '),
    insertText: e.id,
    replace,
    filterText: query,
    sortText: rank(i),
  }));
  return { items, isIncomplete: true };
}

interface SourceEntry {
  key: string;
  title: string;
  outlet: string;
  date: string;
}

/** Lower case without diacritics (as fuse.js compares here), for prefix and initial lookups. */
function fold(text: string): string {
  return stripDiacritics(text).toLowerCase();
}

/** Above this many sources, candidates are narrowed by prefix before fuse.js scores them. */
const PREFIX_NARROWING_MIN = 500;
/** Prefix candidates beyond this many are all equally good: listed in key order, unscored. */
const MAX_SCORED = 300;

interface SourceCompletionIndex {
  list: SourceEntry[];
  /** fuse.js over the entries, each folded and indexed when a search first includes it (a large corpus narrows by prefix first). */
  readonly fuse: FoldedFuse<SourceEntry>;
  /** Every distinct word of the entries' keys, titles, outlets and dates (folded), by its first two UTF-16 units. */
  wordsByStart: Map<string, string[]>;
  /** Per word, the indexes of the entries that hold it, ascending. */
  entriesOf: Map<string, number[]>;
  /** Per entry, the first letters of those words. */
  initials: Array<Set<string>>;
}

function sourceIndex(ws: Workspace): SourceCompletionIndex {
  return ws.memo('completion.sources', { corpus: true }, () => sourceIndexBuilder(ws).finish());
}

/** Entries a piece of {@link prepareSourceCompletion} indexes (~25 ms at 10,000 sources). */
const SOURCES_A_STEP = 1000;

/** The source completion index being built, entry by entry (its state survives between pieces until the corpus changes). */
function sourceIndexBuilder(ws: Workspace): SourceIndexBuilder {
  return ws.memo('completion.sources.building', { corpus: true }, () => new SourceIndexBuilder(ws));
}

class SourceIndexBuilder {
  readonly list: SourceEntry[];
  private readonly entriesOf = new Map<string, number[]>();
  /** The first letters of exactly the words indexed (the whole key is one word there). */
  private readonly initials: Array<Set<string>>;
  private next = 0;

  constructor(ws: Workspace) {
    this.list = ws.corpus
      .keys()
      .sort()
      .map((key) => {
        const meta = (ws.corpus.get(key) as SourceInfo).metadata;
        return { key, title: meta.title, outlet: meta.outlet ?? '', date: meta.date ?? '' };
      });
    this.initials = this.list.map(() => new Set<string>());
  }

  /** Indexes up to `count` more entries, in order. */
  step(count: number): void {
    const end = Math.min(this.list.length, this.next + count);
    for (let i = this.next; i < end; i++) {
      const entry = this.list[i];
      const text = fold(`${entry.title} ${entry.outlet} ${entry.date}`);
      for (const word of new Set([fold(entry.key), ...text.split(/[^\p{L}\p{N}]+/u)])) {
        if (word) {
          const entries = this.entriesOf.get(word);
          if (entries) {
            entries.push(i); // ascending: entries are visited in order
          } else {
            this.entriesOf.set(word, [i]);
          }
          this.initials[i].add([...word][0]);
        }
      }
    }
    this.next = end;
  }

  finish(): SourceCompletionIndex {
    this.step(Infinity);
    const { list, entriesOf, initials } = this;
    // Distinct words by their first two units (what a prefix of two letters or more
    // starts with): sorting every (word, entry) pair took ~0.6 s for 10,000 sources.
    const wordsByStart = new Map<string, string[]>();
    for (const word of entriesOf.keys()) {
      const start = word.slice(0, 2);
      const bucket = wordsByStart.get(start);
      if (bucket) {
        bucket.push(word);
      } else {
        wordsByStart.set(start, [word]);
      }
    }
    return {
      list,
      // Lazy: a source is folded and indexed the first time a search includes it (most
      // searches score a few hundred prefix candidates; one over every source builds all).
      fuse: new FoldedFuse(list, { ...FUSE_BASE, keys: [{ name: 'key', weight: 2 }, 'title', 'outlet', 'date'] }, { lazy: true }),
      wordsByStart,
      entriesOf,
      initials,
    };
  }
}

/** The first `n` entries (in key order) with a word starting with `letter` (folded). */
function firstWithInitial(index: SourceCompletionIndex, letter: string, n: number): SourceEntry[] {
  const out: SourceEntry[] = [];
  for (let i = 0; i < index.list.length && out.length < n; i++) {
    if (index.initials[i].has(letter)) {
      out.push(index.list[i]);
    }
  }
  return out;
}

/** Entries with a word starting with `query` (folded; two UTF-16 units or more), in key order. */
function prefixCandidates(index: SourceCompletionIndex, query: string): SourceEntry[] {
  const prefix = fold(query);
  const found = new Set<number>();
  for (const word of index.wordsByStart.get(prefix.slice(0, 2)) ?? []) {
    if (word.startsWith(prefix)) {
      for (const entry of index.entriesOf.get(word)!) {
        found.add(entry);
      }
    }
  }
  return [...found].sort((a, b) => a - b).map((i) => index.list[i]);
}

function sourceItems(ws: Workspace, query: string, replace: Span): CompletionList {
  const index = sourceIndex(ws);
  let ranked: SourceEntry[];
  if (query === '') {
    ranked = index.list;
  } else if (index.list.length < PREFIX_NARROWING_MIN) {
    ranked = index.fuse.search(query, { limit: MAX_ITEMS }).map((r) => r.item);
  } else {
    // A large corpus: score only the sources with a word starting with what was typed
    // (fuse.js over every source costs ~100 ms a keystroke), unless none has one.
    // One letter: the first sources (in key order) with a word starting with it, as the
    // prefix lookup would list them, without collecting every one of them.
    const letter = [...query].length === 1 ? fold(query) : undefined;
    const candidates = letter !== undefined ? firstWithInitial(index, letter, MAX_SCORED + 1) : prefixCandidates(index, query);
    if (candidates.length > MAX_SCORED) {
      ranked = candidates;
    } else if (candidates.length > 0) {
      // Scored on the entries' folded and indexed records, each made once (see sourceIndex).
      const scored = index.fuse.searchAmong(candidates, query, { limit: MAX_ITEMS });
      ranked = scored.length > 0 ? scored.map((r) => r.item) : candidates;
    } else {
      ranked = index.fuse.search(query, { limit: MAX_ITEMS }).map((r) => r.item);
    }
  }
  const items = ranked.slice(0, MAX_ITEMS).map((s, i): CompletionItem => ({
    label: s.key,
    kind: 'source',
    detail: [s.title, s.date].filter(Boolean).join(' · '),
    documentation: s.outlet ? esc(s.outlet) : undefined,
    insertText: s.key,
    replace,
    filterText: query,
    sortText: rank(i),
  }));
  return { items, isIncomplete: true };
}

function uniqueById<T extends { id: string }>(symbols: T[]): T[] {
  const seen = new Set<string>();
  return symbols.filter((s) => (seen.has(s.id) ? false : (seen.add(s.id), true)));
}
