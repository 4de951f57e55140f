/**
 * Citation and quotation checks: unknown keys, locators, and each quotation judged
 * against the sources it is attributed to (FORMAT.md, "Citations" and "Matching").
 */
import { SUGGESTIONS } from '../common/closest';
import type { Span } from '../common/text';
import type { Corpus } from '../corpus/corpus';
import { findExact, findNear } from '../corpus/match';
import { parseQuote } from '../corpus/quote';
import { lineAt, lineRange, paragraphAt, paragraphRange, spanList } from '../corpus/source';
import type { NearMatch, QuotePattern, SourceInfo, SourceMatch } from '../corpus/types';
import type { CitationItem, Locator, NoteAst, Quotation } from '../syntax/ast';
import type { NoteProblem } from './diagnostic';

/** What the corpus says about one quotation. */
export type QuoteVerdict =
  | { kind: 'exact'; item: CitationItem; source: SourceInfo; match: SourceMatch }
  | { kind: 'outside-locator'; item: CitationItem & { locator: Locator }; source: SourceInfo; match: SourceMatch }
  | { kind: 'wrong-source'; item: CitationItem; source: SourceInfo; match: SourceMatch }
  | { kind: 'mismatch'; item: CitationItem; source: SourceInfo; near: NearMatch }
  | { kind: 'not-found'; items: CitationItem[] }
  /** Nothing to judge: no words, or none of the cited keys is in the corpus. */
  | { kind: 'unchecked' };

export const UNCITED_QUOTE_MIN_WORDS = 4;

/** The character span of a locator's paragraphs or lines in `source`; undefined when out of range. */
export function locatorSpan(source: SourceInfo, locator: Locator): Span | undefined {
  return locator.kind === 'paragraph'
    ? paragraphRange(source, locator.start, locator.end)
    : lineRange(source, locator.start, locator.end);
}

/** Writes a locator for the paragraphs or lines that hold `span`, in the style of `like`. */
export function formatLocator(source: SourceInfo, span: Span, like: Locator['kind']): string {
  const at = like === 'paragraph' ? paragraphAt : lineAt;
  const first = at(source, span.start);
  const last = at(source, Math.max(span.start, span.end - 1));
  if (like === 'paragraph') {
    return first === last ? `¶${first}` : `¶${first}-${last}`;
  }
  return first === last ? `l. ${first}` : `ll. ${first}-${last}`;
}

/** Where a match stands, for messages: `000_abc ¶4`. */
export function describeMatch(source: SourceInfo, span: Span): string {
  return `${source.key} ${formatLocator(source, span, 'paragraph')}`;
}

/**
 * Judges a quotation against the sources of its citation, in FORMAT.md's order of
 * precedence: exact in a cited source (inside its locator), exact outside the
 * locator, exact in another source, near in a cited source, not found.
 */
export function judgeQuotation(corpus: Corpus, pattern: QuotePattern, items: readonly CitationItem[]): QuoteVerdict {
  const first = judgeInCited(corpus, pattern, items);
  return 'verdict' in first ? first.verdict : judgeElsewhere(corpus, pattern, first.cited);
}

/** A quotation's cited sources that the corpus holds, with their locators' spans. */
export type CitedSources = Array<{ item: CitationItem; source: SourceInfo; within?: Span }>;

/**
 * The first steps of {@link judgeQuotation}: its verdict when the quotation has nothing
 * to judge or stands in a cited source; otherwise the cited sources, for
 * {@link judgeElsewhere} (a whole-workspace check runs the two steps apart, so that the
 * whole-corpus searches of the second are made together: `Corpus.searchAhead`).
 */
export function judgeInCited(corpus: Corpus, pattern: QuotePattern, items: readonly CitationItem[]): { verdict: QuoteVerdict } | { cited: CitedSources } {
  if (pattern.wordCount === 0) {
    return { verdict: { kind: 'unchecked' } };
  }
  const cited: CitedSources = [];
  for (const item of items) {
    const source = corpus.get(item.key);
    if (source) {
      cited.push({ item, source, within: item.locator ? locatorSpan(source, item.locator) : undefined });
    }
  }
  if (cited.length === 0) {
    return { verdict: { kind: 'unchecked' } };
  }
  for (const { item, source, within } of cited) {
    const match = exactIn(corpus, pattern, source, within);
    if (match) {
      return { verdict: { kind: 'exact', item, source, match } };
    }
  }
  for (const { item, source, within } of cited) {
    if (item.locator && within) {
      const match = exactIn(corpus, pattern, source);
      if (match) {
        return { verdict: { kind: 'outside-locator', item: item as CitationItem & { locator: Locator }, source, match } };
      }
    }
  }
  return { cited };
}

/** The rest of {@link judgeQuotation}, for a quotation that stands in none of its `cited` sources (see {@link judgeInCited}). */
export function judgeElsewhere(corpus: Corpus, pattern: QuotePattern, cited: CitedSources): QuoteVerdict {
  const elsewhere = corpus.findExactAnywhere(pattern, new Set(cited.map((c) => c.source.key)), 1)[0];
  if (elsewhere) {
    const source = corpus.get(elsewhere.key);
    if (source) {
      return { kind: 'wrong-source', item: cited[0].item, source, match: elsewhere };
    }
  }
  let best: { item: CitationItem; source: SourceInfo; near: NearMatch } | undefined;
  for (const { item, source, within } of cited) {
    // On the index's word ids when it has them (no tokenising); the same answer either way.
    const words = corpus.nearSource(source.key) ?? source;
    const near = (within && findNear(words, pattern, within)) || findNear(words, pattern);
    if (near && (!best || near.similarity > best.near.similarity)) {
      best = { item, source, near };
    }
  }
  if (best) {
    return { kind: 'mismatch', ...best };
  }
  return { kind: 'not-found', items: cited.map((c) => c.item) };
}

/** The first exact match in `source` (inside `within`), on word ids when the quotation allows it (no tokenising). */
function exactIn(corpus: Corpus, pattern: QuotePattern, source: SourceInfo, within?: Span): SourceMatch | undefined {
  return (corpus.quickExact(source.key, pattern, within) ?? findExact(source, pattern, within))[0];
}

function quoteList(keys: string[]): string {
  return keys.length === 1 ? keys[0] : `${keys.slice(0, -1).join(', ')} or ${keys[keys.length - 1]}`;
}

/** Shortens a long wording for a message (the fix always carries the whole wording). */
function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** The edit span covering an item's `@key` and its locator. */
function itemExtent(item: CitationItem): Span {
  return { start: item.span.start, end: item.locator ? item.locator.span.end : item.span.end };
}

export interface QuotationCheckContext {
  corpus: Corpus;
  /** Keys present in more than one corpus file, with their paths. */
  duplicateKeys: ReadonlyMap<string, readonly string[]>;
  /** Judges a quotation; the workspace passes a memoising {@link judgeQuotation}. */
  judge?: (text: string, items: readonly CitationItem[]) => QuoteVerdict;
}

/** What a quotation's verdict depends on besides its text: its citation's keys and locators. */
export function citationKey(items: readonly CitationItem[]): string {
  return items.length === 1 && !items[0].locator ? items[0].key : items.map((i) => (i.locator ? `${i.key}\u0001${i.locator.kind}\u0001${i.locator.start}\u0001${i.locator.end}` : i.key)).join('\u0002');
}

/** All citation and quotation problems of one note. Depends only on the note and the corpus. */
export function checkQuotations(ast: NoteAst, ctx: QuotationCheckContext): NoteProblem[] {
  const { corpus } = ctx;
  const problems: NoteProblem[] = [];

  for (const citation of ast.citations) {
    for (const item of citation.items) {
      const source = corpus.get(item.key);
      if (!source) {
        problems.push(unknownSource(item, ctx));
        continue;
      }
      if (item.locator && !locatorSpan(source, item.locator)) {
        const { locator } = item;
        const count = spanList(source, locator.kind).length;
        const unit = locator.kind === 'paragraph' ? 'paragraph' : 'line';
        problems.push({
          span: locator.span,
          code: 'locator-out-of-range',
          message: `${ast.text.slice(locator.span.start, locator.span.end)} is beyond the end of ${item.key}, which has ${count} ${unit}${count === 1 ? '' : 's'}`,
        });
      }
    }
  }

  for (const quotation of ast.quotations) {
    if (quotation.citation === undefined) {
      const problem = uncitedQuote(quotation, corpus);
      if (problem) {
        problems.push(problem);
      }
      continue;
    }
    const items = ast.citations[quotation.citation].items;
    const verdict = ctx.judge ? ctx.judge(quotation.text, items) : judgeQuotation(corpus, parseQuote(quotation.text), items);
    const problem = quotationProblem(quotation, verdict);
    if (problem) {
      problems.push(problem);
    }
  }
  return problems;
}

function unknownSource(item: CitationItem, ctx: QuotationCheckContext): NoteProblem {
  const duplicates = ctx.duplicateKeys.get(item.key);
  if (duplicates) {
    return {
      span: item.keySpan,
      code: 'unknown-source',
      message: `Source "${item.key}" is ambiguous: ${duplicates.join(' and ')} share that key, so neither is used`,
    };
  }
  const closest = ctx.corpus.closestKeys(item.key, SUGGESTIONS);
  return {
    span: item.keySpan,
    code: 'unknown-source',
    message: closest.length
      ? `Unknown source "${item.key}". Did you mean ${quoteList(closest)}?`
      : `Unknown source "${item.key}": no file of the corpus has that name`,
    fixes: closest.map((key, i) => ({
      title: `Cite ${key}${titleSuffix(ctx.corpus.get(key))}`,
      edits: [{ span: item.keySpan, newText: key }],
      preferred: i === 0,
    })),
  };
}

function titleSuffix(source: SourceInfo | undefined): string {
  return source ? ` (${excerpt(source.metadata.title, 60)})` : '';
}

function quotationProblem(quotation: Quotation, verdict: QuoteVerdict): NoteProblem | undefined {
  switch (verdict.kind) {
    case 'exact':
    case 'unchecked':
      return undefined;
    case 'outside-locator': {
      const { item, source, match } = verdict;
      const right = formatLocator(source, match.span, item.locator.kind);
      return {
        span: item.locator.span,
        code: 'quote-outside-locator',
        message: `The quotation stands in ${item.key} at ${right}, outside the located range`,
        fixes: [{ title: `Change the locator to ${right}`, edits: [{ span: item.locator.span, newText: right }], preferred: true }],
      };
    }
    case 'wrong-source': {
      const { item, source, match } = verdict;
      const locator = item.locator ? `, ${formatLocator(source, match.span, item.locator.kind)}` : '';
      return {
        span: quotation.span,
        code: 'quote-wrong-source',
        message: `The quotation is not in ${item.key} but stands word for word in ${describeMatch(source, match.span)}${titleSuffix(source)}`,
        fixes: [{ title: `Cite ${source.key}${locator} instead`, edits: [{ span: itemExtent(item), newText: `@${source.key}${locator}` }], preferred: true }],
      };
    }
    case 'mismatch': {
      const { item, source, near } = verdict;
      const wording = near.wording;
      return {
        span: quotation.span,
        code: 'quote-mismatch',
        message: `The quotation differs from ${describeMatch(source, near.span)}, which reads: «${excerpt(wording)}»`,
        fixes: [{ title: `Use the wording of ${item.key}`, edits: [{ span: quotation.span, newText: wording }], preferred: true }],
      };
    }
    case 'not-found':
      return {
        span: quotation.span,
        code: 'quote-not-found',
        message: `The quotation is not in ${quoteList(verdict.items.map((i) => i.key))}, nor anywhere in the corpus`,
      };
  }
}

function uncitedQuote(quotation: Quotation, corpus: Corpus): NoteProblem | undefined {
  if (quotation.wordCount < UNCITED_QUOTE_MIN_WORDS) {
    return undefined;
  }
  const found = corpus.findExactAnywhere(parseQuote(quotation.text), undefined, 1)[0];
  const source = found && corpus.get(found.key);
  const insertAt = quotation.kind === 'inline' ? quotation.outerSpan.end : quotation.span.end;
  return {
    span: quotation.span,
    code: 'uncited-quote',
    message: source
      ? `The quotation has no citation; it stands in ${describeMatch(source, found.span)}${titleSuffix(source)}`
      : 'The quotation has no citation',
    fixes: source
      ? [{ title: `Cite ${source.key}`, edits: [{ span: { start: insertAt, end: insertAt }, newText: ` [@${source.key}, ${formatLocator(source, found.span, 'paragraph')}]` }], preferred: true }]
      : undefined,
  };
}
