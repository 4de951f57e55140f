/**
 * Checks of definitions and mentions: they depend on the note and on the
 * workspace's symbol table (never on quotation matching), so they are cheap to
 * recompute for every note when definitions change anywhere.
 */
import { SUGGESTIONS } from '../common/closest';
import type { Corpus } from '../corpus/corpus';
import type { Mention, NoteAst } from '../syntax/ast';
import { definitelyBefore, parseDate } from '../workspace/dates';
import { ENTITY_KINDS, entityNames, type EntitySymbol, type EventSymbol, type PnoteSymbol } from '../workspace/symbols';
import type { NoteProblem } from './diagnostic';

export interface SymbolContext {
  corpus: Corpus;
  /** Every definition of `id` in the workspace. */
  lookup(id: string): readonly PnoteSymbol[];
  /** How many mentions of `id` the workspace's notes hold (definition fields included). */
  mentionCount(id: string): number;
  /** The closest defined ids of that type, best first. */
  closestIds(id: string, type: PnoteSymbol['type'], limit: number): string[];
  /** Entities that have `name` (compared as normalised words) as name or alias. */
  entitiesNamed(name: string): readonly EntitySymbol[];
  /** Whether the source with `key` contains `phrase` (memoised by the workspace). */
  sourceMentions(key: string, phrase: string): boolean;
}

/** Definition and mention problems of one note, given its own symbols. */
export function checkDefinitions(ast: NoteAst, own: readonly PnoteSymbol[], ctx: SymbolContext): NoteProblem[] {
  const problems: NoteProblem[] = [];
  for (const symbol of own) {
    checkCommon(symbol, ctx, problems);
    if (symbol.type === 'entity') {
      checkEntity(symbol, ctx, problems);
    } else {
      checkEvent(symbol, ctx, problems);
    }
  }
  for (const mention of ast.mentions) {
    const problem = checkMention(mention, ast, ctx);
    if (problem) {
      problems.push(problem);
    }
  }
  return problems;
}

function checkCommon(symbol: PnoteSymbol, ctx: SymbolContext, problems: NoteProblem[]): void {
  const { definition } = symbol;
  const all = ctx.lookup(symbol.id);
  if (all.length > 1) {
    const others = all.filter((s) => s !== symbol);
    problems.push({
      span: definition.idSpan,
      code: 'duplicate-definition',
      message: `"${symbol.id}" is defined ${all.length} times (${describePlaces(symbol.path, others)}); ids are unique across the workspace`,
      related: others.map((o) => ({ path: o.path, span: o.definition.idSpan, message: `other definition of "${symbol.id}"` })),
    });
  }
  if (ctx.mentionCount(symbol.id) === 0) {
    const sigil = symbol.type === 'entity' ? '@' : '#';
    problems.push({
      span: definition.idSpan,
      code: 'unused-definition',
      message: `${symbol.type === 'entity' ? 'Entity' : 'Event'} "${symbol.id}" is never mentioned (${sigil}${symbol.id}) in any note`,
    });
  }
  const required = symbol.type === 'entity' ? ['name'] : ['title', 'date'];
  const missing = required.filter((key) => !symbol.fields.get(key)?.value);
  if (missing.length > 0) {
    problems.push({
      span: definition.headerSpan,
      code: 'missing-field',
      message: `${symbol.type === 'entity' ? 'Entity' : 'Event'} "${symbol.id}" lacks ${missing.map((k) => `"${k}"`).join(' and ')}`,
      fixes: [{
        title: `Add ${missing.join(' and ')}`,
        edits: [{ span: { start: definition.headerSpan.end, end: definition.headerSpan.end }, newText: missing.map((k) => `\n${k}: `).join('') }],
      }],
    });
  }
}

/** "also later in this note", "also in registry.pnote" … */
function describePlaces(path: string, others: readonly PnoteSymbol[]): string {
  const elsewhere = [...new Set(others.map((o) => o.path).filter((p) => p !== path))];
  const here = others.some((o) => o.path === path) ? ['also in this note'] : [];
  return [...here, ...elsewhere.map((p) => `also in ${p}`)].join(', ');
}

function normalName(name: string): string {
  return name.normalize('NFC').toLowerCase().split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean).join(' ');
}

function checkEntity(entity: EntitySymbol, ctx: SymbolContext, problems: NoteProblem[]): void {
  const kind = entity.fields.get('kind');
  if (kind && kind.value && !(ENTITY_KINDS as readonly string[]).includes(kind.value)) {
    problems.push({
      span: kind.valueSpan,
      code: 'invalid-kind',
      message: `"${kind.value}" is not an entity kind; use one of ${ENTITY_KINDS.join(', ')}`,
      fixes: closestKind(kind.value).map((k) => ({ title: `Change to ${k}`, edits: [{ span: kind.valueSpan, newText: k }] })),
    });
  }
  const reported = new Set<string>();
  for (const name of entityNames(entity)) {
    const key = normalName(name);
    if (key === '' || reported.has(key)) {
      continue;
    }
    const others = ctx.entitiesNamed(name).filter((e) => e !== entity && e.id !== entity.id);
    if (others.length > 0) {
      reported.add(key);
      const field = entity.name && normalName(entity.name) === key ? entity.fields.get('name') : entity.fields.get('aliases');
      const span = field ? field.valueSpan : entity.definition.idSpan;
      problems.push({
        span,
        code: 'alias-conflict',
        message: `"${name}" also names ${others.map((o) => `@${o.id}`).join(', ')}; a name or alias should identify one entity`,
        related: others.map((o) => ({ path: o.path, span: o.definition.idSpan, message: `@${o.id}` })),
      });
    }
  }
}

function closestKind(kind: string): string[] {
  const lower = kind.toLowerCase();
  const aliases: Record<string, string> = { organisation: 'organization', org: 'organization', app: 'product', people: 'person', state: 'government', city: 'place' };
  const guess = (ENTITY_KINDS as readonly string[]).includes(lower) ? lower : aliases[lower];
  return guess ? [guess] : [];
}

function checkEvent(event: EventSymbol, ctx: SymbolContext, problems: NoteProblem[]): void {
  const dateField = event.fields.get('date');
  if (dateField && dateField.value && !event.interval) {
    problems.push({
      span: dateField.valueSpan,
      code: 'invalid-date',
      message: `"${dateField.value}" is not a valid date: write YYYY, YYYY-MM, YYYY-MM-DD or a range DATE..DATE of real calendar dates`,
    });
  }
  const interval = event.interval;
  if (interval) {
    for (const mention of event.after) {
      const earlier = ctx.lookup(mention.id).find((s): s is EventSymbol => s.type === 'event');
      if (earlier?.interval && definitelyBefore(interval, earlier.interval)) {
        problems.push({
          span: mention.span,
          code: 'event-order',
          message: `"${event.id}" (${event.date}) is dated before "${earlier.id}" (${earlier.date}), which it lists as coming earlier`,
        });
      }
    }
    for (const item of event.sources) {
      const published = ctx.corpus.get(item.key)?.metadata.date;
      const publishedInterval = published ? parseDate(published) : undefined;
      if (publishedInterval && definitelyBefore(publishedInterval, interval)) {
        problems.push({
          span: item.span,
          code: 'source-predates-event',
          message: `${item.key} was published on ${published}, before the event's date (${event.date})`,
        });
      }
    }
  }
  checkActorsInSources(event, ctx, problems);
}

function checkActorsInSources(event: EventSymbol, ctx: SymbolContext, problems: NoteProblem[]): void {
  const actorsField = event.fields.get('actors');
  const sources = event.sources.filter((item) => ctx.corpus.get(item.key) !== undefined);
  const actors = event.actors
    .map((m) => ctx.lookup(m.id).find((s): s is EntitySymbol => s.type === 'entity'))
    .filter((e): e is EntitySymbol => e !== undefined);
  if (!actorsField || sources.length === 0 || actors.length === 0) {
    return;
  }
  const mentioned = sources.some((item) => actors.some((actor) => entityNames(actor).some((name) => ctx.sourceMentions(item.key, name))));
  if (!mentioned) {
    problems.push({
      span: actorsField.valueSpan,
      code: 'actor-not-in-source',
      message: `None of the event's sources (${sources.map((s) => s.key).join(', ')}) mentions any of its actors by name or alias`,
    });
  }
}

function checkMention(mention: Mention, ast: NoteAst, ctx: SymbolContext): NoteProblem | undefined {
  const type = mention.sigil === '@' ? 'entity' : 'event';
  const defined = ctx.lookup(mention.id);
  if (defined.some((s) => s.type === type)) {
    return undefined;
  }
  const code = type === 'entity' ? 'unknown-entity' : 'unknown-event';
  const other = defined.find((s) => s.type !== type);
  if (other) {
    const sigil = other.type === 'entity' ? '@' : '#';
    return {
      span: mention.span,
      code,
      message: `"${mention.id}" is ${other.type === 'entity' ? 'an entity' : 'an event'}: write ${sigil}${mention.id}`,
      fixes: [{ title: `Change to ${sigil}${mention.id}`, edits: [{ span: mention.span, newText: `${sigil}${mention.id}` }], preferred: true }],
    };
  }
  const closest = ctx.closestIds(mention.id, type, SUGGESTIONS);
  const skeleton = type === 'entity'
    ? `\n::: entity ${mention.id}\nname: \nkind: \n:::\n`
    : `\n::: event ${mention.id}\ntitle: \ndate: \n:::\n`;
  const end = ast.text.length;
  const separator = end === 0 || ast.text.endsWith('\n') ? '' : '\n';
  return {
    span: mention.span,
    code,
    message: `Unknown ${type} "${mention.id}"${closest.length ? `. Did you mean ${closest.map((id) => `${mention.sigil}${id}`).join(', ')}?` : ''}`,
    fixes: [
      ...closest.map((id, i) => ({ title: `Change to ${mention.sigil}${id}`, edits: [{ span: mention.idSpan, newText: id }], preferred: i === 0 })),
      { title: `Define ${type} "${mention.id}"`, edits: [{ span: { start: end, end }, newText: separator + skeleton }] },
    ],
  };
}
