/**
 * Entities and events as the workspace knows them: read from definition blocks.
 */
import type { Span } from '../common/text';
import type { CitationItem, Definition, DefinitionField, Mention, NoteAst } from '../syntax/ast';
import { parseDateOrRange, type DateInterval } from './dates';

export const ENTITY_KINDS = ['person', 'organization', 'company', 'government', 'country', 'product', 'program', 'place', 'other'] as const;

interface SymbolBase {
  id: string;
  /** Workspace-relative path of the note that defines it. */
  path: string;
  definition: Definition;
  /** Index of the definition in its note's `definitions`. */
  index: number;
  fields: Map<string, DefinitionField>;
}

export interface EntitySymbol extends SymbolBase {
  type: 'entity';
  name?: string;
  kind?: string;
  role?: string;
  aliases: string[];
}

export interface EventSymbol extends SymbolBase {
  type: 'event';
  title?: string;
  date?: string;
  /** Undefined when the date is missing or invalid. */
  interval?: DateInterval;
  actors: Mention[];
  after: Mention[];
  sources: CitationItem[];
}

export type PnoteSymbol = EntitySymbol | EventSymbol;

/** Splits a `;`-separated field value. */
export function splitList(value: string): string[] {
  return value
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function within(span: Span, outer: Span): boolean {
  return span.start >= outer.start && span.end <= outer.end;
}

/** The entities and events a note defines (definitions of unknown kinds are left out). */
export function extractSymbols(path: string, ast: NoteAst): PnoteSymbol[] {
  const symbols: PnoteSymbol[] = [];
  ast.definitions.forEach((definition, index) => {
    if (!definition.id) {
      return;
    }
    const fields = new Map<string, DefinitionField>();
    for (const field of definition.fields) {
      if (!fields.has(field.key)) {
        fields.set(field.key, field);
      }
    }
    const value = (key: string) => fields.get(key)?.value || undefined;
    const base = { id: definition.id, path, definition, index, fields };
    if (definition.kind === 'entity') {
      symbols.push({
        ...base,
        type: 'entity',
        name: value('name'),
        kind: value('kind'),
        role: value('role'),
        aliases: splitList(value('aliases') ?? ''),
      });
    } else if (definition.kind === 'event') {
      const inField = (key: string) => {
        const field = fields.get(key);
        return (span: Span) => field !== undefined && within(span, field.valueSpan);
      };
      const date = value('date');
      symbols.push({
        ...base,
        type: 'event',
        title: value('title'),
        date,
        interval: date === undefined ? undefined : parseDateOrRange(date),
        actors: ast.mentions.filter((m) => inField('actors')(m.span)),
        after: ast.mentions.filter((m) => inField('after')(m.span)),
        sources: ast.citations.filter((c) => inField('sources')(c.span)).flatMap((c) => c.items),
      });
    }
  });
  return symbols;
}

/** Name and aliases of an entity, the name first. */
export function entityNames(entity: EntitySymbol): string[] {
  return entity.name ? [entity.name, ...entity.aliases] : [...entity.aliases];
}
