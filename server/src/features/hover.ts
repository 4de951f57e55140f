/**
 * Hover cards: who an entity is and where the corpus names it, what an event is
 * and how it is placed, and for a citation the source and the quoted passage.
 * All text from notes and sources is escaped (see markdown.ts).
 */
import type { Span } from '../common/text';
import { findExact } from '../corpus/match';
import { parseQuote } from '../corpus/quote';
import { paragraphAt } from '../corpus/source';
import type { SourceInfo, SourceMatch } from '../corpus/types';
import { describeMatch, judgeQuotation } from '../checks/quotations';
import { entityNames, type EntitySymbol, type EventSymbol, type PnoteSymbol } from '../workspace/symbols';
import type { Workspace } from '../workspace/workspace';
import { quotationsOf, symbolOfTarget, targetAt } from './context';
import { around, escapeMarkdown as esc, flatten } from './markdown';

export interface HoverResult {
  markdown: string;
  span: Span;
}

const MAX_EXCERPTS = 2;

export function hover(ws: Workspace, path: string, offset: number): HoverResult | undefined {
  const note = ws.notes.get(path);
  if (!note) {
    return undefined;
  }
  const target = targetAt(note.ast, offset);
  if (!target) {
    return undefined;
  }
  if (target.kind === 'citation') {
    const quotations = quotationsOf(note.ast, target.citation);
    return { markdown: citationCard(ws, target.item.key, quotations.map((q) => q.text), note.ast.citations[target.citation].items), span: target.item.span };
  }
  const symbol = symbolOfTarget(target);
  if (!symbol) {
    return undefined;
  }
  const span = target.kind === 'mention' ? target.mention.span : target.definition.idSpan;
  const defined = ws.lookup(symbol.id).find((s) => s.type === symbol.type);
  if (!defined) {
    return { markdown: `Unknown ${symbol.type} \`${esc(symbol.id)}\``, span };
  }
  return { markdown: defined.type === 'entity' ? entityCard(ws, defined) : eventCard(ws, defined), span };
}

/** How often, and in which sources, the corpus names an entity (by name or alias). */
export interface CorpusMentions {
  sources: number;
  occurrences: number;
  examples: Array<{ source: SourceInfo; match: SourceMatch }>;
}

/**
 * Counts ahead where the corpus names each entity a note mentions (what its hover
 * card shows: ~5 ms for a name the corpus holds a thousand times), so that hovering
 * them in an open note answers at once. Memoised until the corpus or the symbols change.
 * The work comes in pieces, one an entity (see `LanguageService.featureSteps`).
 */
export function prepareHovers(ws: Workspace, path: string): Array<() => void> {
  const note = ws.notes.get(path);
  const entityOf = (id: string) => ws.lookup(id).find((s): s is EntitySymbol => s.type === 'entity');
  // (Only the entities not counted yet: a piece is a turn of the server's event loop.)
  return [...new Set(note?.ast.mentions.filter((m) => m.sigil === '@').map((m) => m.id) ?? [])]
    .filter((id) => {
      const entity = entityOf(id);
      return entity !== undefined && !ws.memoized(mentionsKey(entity), { corpus: true });
    })
    .map((id) => () => {
      const entity = entityOf(id);
      if (entity) {
        corpusMentions(ws, entity);
      }
    });
}

function mentionsKey(entity: EntitySymbol): string {
  return `mentions:${entity.id}:${entityNames(entity).join('\u0000')}`;
}

export function corpusMentions(ws: Workspace, entity: EntitySymbol): CorpusMentions {
  const names = entityNames(entity);
  return ws.memo(mentionsKey(entity), { corpus: true }, () => {
    // Occurrences as word indexes, counted on the index's word ids (no source text
    // decoded: a name can stand in thousands of sources); only the excerpts shown
    // read their source's text.
    type Occurrence = { firstWord: number; lastWord: number };
    const bySource = new Map<string, Occurrence[]>();
    for (const name of names) {
      const pattern = parseQuote(name);
      if (pattern.wordCount === 0) {
        continue;
      }
      for (const match of ws.corpus.runOccurrences(pattern) ?? ws.corpus.findExactAnywhere(pattern)) {
        const list = bySource.get(match.key) ?? [];
        list.push({ firstWord: match.firstWord, lastWord: match.lastWord });
        bySource.set(match.key, list);
      }
    }
    // "Mike Pompeo" and its alias "Pompeo" name the same occurrence: keep the longest
    // of overlapping matches.
    for (const [key, list] of bySource) {
      list.sort((a, b) => a.firstWord - b.firstWord || b.lastWord - a.lastWord);
      const kept: Occurrence[] = [];
      for (const match of list) {
        const previous = kept[kept.length - 1];
        if (!previous || match.firstWord > previous.lastWord) {
          kept.push(match);
        } else if (match.lastWord > previous.lastWord) {
          kept[kept.length - 1] = { firstWord: previous.firstWord, lastWord: match.lastWord };
        }
      }
      bySource.set(key, kept);
    }
    let occurrences = 0;
    const examples: CorpusMentions['examples'] = [];
    for (const [key, matches] of [...bySource].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))) {
      occurrences += matches.length;
      const source = ws.corpus.get(key);
      const { firstWord, lastWord } = matches[0];
      const span = examples.length < MAX_EXCERPTS ? ws.corpus.wordSpan(key, firstWord, lastWord) : undefined;
      if (source && span) {
        examples.push({ source, match: { key, span, firstWord, lastWord } });
      }
    }
    return { sources: bySource.size, occurrences, examples };
  });
}

function excerptLine(source: SourceInfo, span: Span): string {
  const paragraph = source.paragraphs[paragraphAt(source, span.start) - 1] ?? span;
  const text = source.text.slice(paragraph.start, paragraph.end);
  const cut = around(text, span.start - paragraph.start, span.end - paragraph.start, 200);
  return `> ${esc(flatten(cut.before))} **${esc(flatten(cut.middle))}** ${esc(flatten(cut.after))}`;
}

function entityCard(ws: Workspace, entity: EntitySymbol): string {
  const lines: string[] = [];
  lines.push(`**${esc(entity.name ?? entity.id)}** \`@${esc(entity.id)}\`${entity.kind ? ` · ${esc(entity.kind)}` : ''}`);
  if (entity.role) {
    lines.push(esc(entity.role));
  }
  if (entity.aliases.length) {
    lines.push(`Also: ${entity.aliases.map(esc).join('; ')}`);
  }
  for (const [key, field] of entity.fields) {
    if (!['name', 'kind', 'role', 'aliases'].includes(key)) {
      lines.push(`${esc(key)}: ${esc(field.value)}`);
    }
  }
  const mentions = corpusMentions(ws, entity);
  lines.push(
    mentions.sources === 0
      ? 'Not named in the corpus.'
      : `Named ${mentions.occurrences} time${mentions.occurrences === 1 ? '' : 's'} in ${mentions.sources} source${mentions.sources === 1 ? '' : 's'}.`,
  );
  for (const { source, match } of mentions.examples) {
    lines.push(`${excerptLine(source, match.span)}\n>\n> — ${esc(describeMatch(source, match.span))}`);
  }
  const events = ws.allSymbols().filter((s): s is EventSymbol => s.type === 'event' && s.actors.some((a) => a.id === entity.id));
  if (events.length) {
    lines.push(`Takes part in: ${events.sort(byDate).map((e) => `${esc(e.date ?? '?')} ${esc(e.title ?? e.id)} (\`#${esc(e.id)}\`)`).join('; ')}`);
  }
  if (entity.definition.description) {
    lines.push(esc(flatten(entity.definition.description)));
  }
  return lines.join('\n\n');
}

function byDate(a: EventSymbol, b: EventSymbol): number {
  return (a.interval?.start ?? 0) - (b.interval?.start ?? 0);
}

function label(symbol: PnoteSymbol | undefined, id: string, sigil: string): string {
  if (!symbol) {
    return `\`${sigil}${esc(id)}\` (undefined)`;
  }
  const text = symbol.type === 'entity' ? symbol.name : symbol.title;
  return `${text ? esc(text) : ''} \`${sigil}${esc(id)}\``.trim();
}

function eventCard(ws: Workspace, event: EventSymbol): string {
  const lines: string[] = [];
  lines.push(`**${esc(event.title ?? event.id)}** \`#${esc(event.id)}\``);
  lines.push(`Date: ${esc(event.date ?? 'none')}${event.fields.get('place') ? ` · ${esc(event.fields.get('place')?.value ?? '')}` : ''}`);
  if (event.actors.length) {
    lines.push(`Actors: ${event.actors.map((a) => label(ws.lookup(a.id).find((s) => s.type === 'entity'), a.id, '@')).join('; ')}`);
  }
  if (event.sources.length) {
    lines.push(
      `Sources: ${event.sources
        .map((item) => {
          const source = ws.corpus.get(item.key);
          return source ? `${esc(source.metadata.title)} (\`${esc(item.key)}\`${source.metadata.date ? `, ${esc(source.metadata.date)}` : ''})` : `\`${esc(item.key)}\` (not in the corpus)`;
        })
        .join('; ')}`,
    );
  }
  const earlier = event.after.map((m) => label(ws.lookup(m.id).find((s) => s.type === 'event'), m.id, '#'));
  if (earlier.length) {
    lines.push(`After: ${earlier.join('; ')}`);
  }
  const later = ws.allSymbols().filter((s): s is EventSymbol => s.type === 'event' && s.after.some((m) => m.id === event.id));
  if (later.length) {
    lines.push(`Before: ${later.sort(byDate).map((e) => label(e, e.id, '#')).join('; ')}`);
  }
  if (event.definition.description) {
    lines.push(esc(flatten(event.definition.description)));
  }
  return lines.join('\n\n');
}

function citationCard(ws: Workspace, key: string, quotations: string[], items: Parameters<typeof judgeQuotation>[2]): string {
  const source = ws.corpus.get(key);
  if (!source) {
    return `Source \`${esc(key)}\` is not in the corpus.`;
  }
  const meta = source.metadata;
  const lines: string[] = [];
  lines.push(`**${esc(meta.title)}**`);
  lines.push([meta.outlet, meta.date, meta.authors?.join(', ')].filter(Boolean).map((s) => esc(s as string)).join(' · ') || esc(source.path));
  for (const quotation of quotations) {
    const verdict = judgeQuotation(ws.corpus, parseQuote(quotation), items.filter((i) => i.key === key));
    if (verdict.kind === 'exact' || verdict.kind === 'outside-locator') {
      lines.push(`${excerptLine(source, verdict.match.span)}\n>\n> — ${esc(describeMatch(source, verdict.match.span))}`);
    } else if (verdict.kind === 'mismatch') {
      lines.push(`Not found word for word. Closest wording, ${esc(describeMatch(source, verdict.near.span))}:\n\n${excerptLine(source, verdict.near.span)}`);
    } else if (verdict.kind === 'wrong-source') {
      lines.push(`Not in this source; it stands in ${esc(describeMatch(verdict.source, verdict.match.span))}.`);
    } else if (verdict.kind === 'not-found') {
      lines.push('The quotation is not found in this source.');
    }
  }
  if (quotations.length === 0) {
    const first = source.paragraphs[0];
    if (first) {
      lines.push(`> ${esc(flatten(source.text.slice(first.start, Math.min(first.end, first.start + 200))))}`);
    }
  }
  return lines.join('\n\n');
}

/** Where a quotation attributed to `key` stands in its source (for go-to-definition). */
export function quotationLocation(ws: Workspace, key: string, quotation: string | undefined): Span | undefined {
  const source = ws.corpus.get(key);
  if (!source) {
    return undefined;
  }
  if (quotation) {
    const match = findExact(source, parseQuote(quotation))[0];
    if (match) {
      return match.span;
    }
  }
  return undefined;
}
