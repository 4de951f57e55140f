/**
 * Navigation: definition, references, rename, symbols, links and folding.
 * Results are plain data with workspace-relative paths and LSP-style ranges.
 */
import { FoldedFuse } from '../common/fuzzy';
import { LineIndex, type Range, type Span } from '../common/text';
import type { TextEdit } from '../checks/diagnostic';
import type { PnoteSymbol } from '../workspace/symbols';
import type { NoteState, Workspace } from '../workspace/workspace';
import { quotationsOf, symbolOfTarget, targetAt } from './context';
import { quotationLocation } from './hover';

export interface Location {
  path: string;
  range: Range;
}

function sourceLines(ws: Workspace, key: string): LineIndex | undefined {
  const source = ws.corpus.get(key);
  return source ? ws.memo(`lines:${key}`, { corpus: true }, () => new LineIndex(source.text)) : undefined;
}

function symbolLocation(ws: Workspace, symbol: PnoteSymbol): Location | undefined {
  const note = ws.notes.get(symbol.path);
  return note ? { path: symbol.path, range: note.lines.rangeOf(symbol.definition.idSpan) } : undefined;
}

export function definition(ws: Workspace, path: string, offset: number): Location[] {
  const note = ws.notes.get(path);
  const target = note && targetAt(note.ast, offset);
  if (!note || !target) {
    return [];
  }
  if (target.kind === 'citation') {
    const source = ws.corpus.get(target.item.key);
    const lines = sourceLines(ws, target.item.key);
    if (!source || !lines) {
      return [];
    }
    const quotation = quotationsOf(note.ast, target.citation)[0];
    const span = quotationLocation(ws, target.item.key, quotation?.text) ?? { start: 0, end: 0 };
    return [{ path: source.path, range: lines.rangeOf(span) }];
  }
  const symbol = symbolOfTarget(target);
  if (!symbol) {
    return [];
  }
  return ws
    .lookup(symbol.id)
    .filter((s) => s.type === symbol.type)
    .map((s) => symbolLocation(ws, s))
    .filter((l): l is Location => l !== undefined);
}

/** Every mention of the entity or event at `offset`, across all notes (definition fields included). */
export function references(ws: Workspace, path: string, offset: number, includeDeclaration: boolean): Location[] {
  const note = ws.notes.get(path);
  const target = note && targetAt(note.ast, offset);
  const symbol = target && symbolOfTarget(target);
  if (!symbol) {
    return [];
  }
  const out: Location[] = [];
  const sigil = symbol.type === 'entity' ? '@' : '#';
  for (const other of [...ws.notes.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (includeDeclaration) {
      for (const s of other.symbols) {
        if (s.id === symbol.id && s.type === symbol.type) {
          out.push({ path: other.path, range: other.lines.rangeOf(s.definition.idSpan) });
        }
      }
    }
    for (const mention of other.ast.mentions) {
      if (mention.id === symbol.id && mention.sigil === sigil) {
        out.push({ path: other.path, range: other.lines.rangeOf(mention.span) });
      }
    }
  }
  return out;
}

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export type PrepareRenameResult = { range: Range; placeholder: string } | { error: string };

export function prepareRename(ws: Workspace, path: string, offset: number): PrepareRenameResult | undefined {
  const note = ws.notes.get(path);
  const target = note && targetAt(note.ast, offset);
  if (!note || !target) {
    return undefined;
  }
  const symbol = symbolOfTarget(target);
  if (!symbol) {
    return { error: 'Only entity and event ids can be renamed' };
  }
  if (!ws.lookup(symbol.id).some((s) => s.type === symbol.type)) {
    return { error: `"${symbol.id}" is not defined, so it cannot be renamed` };
  }
  const span = target.kind === 'mention' ? target.mention.idSpan : target.kind === 'definition' ? target.definition.idSpan : undefined;
  return span ? { range: note.lines.rangeOf(span), placeholder: symbol.id } : undefined;
}

export type RenameResult = { edits: TextEdit[] } | { error: string };

/** Renames an entity or event id in its definitions and every mention. Refuses a collision. */
export function rename(ws: Workspace, path: string, offset: number, newId: string): RenameResult {
  const prepared = prepareRename(ws, path, offset);
  if (!prepared) {
    return { error: 'Nothing to rename here' };
  }
  if ('error' in prepared) {
    return prepared;
  }
  const note = ws.notes.get(path) as NoteState;
  const symbol = symbolOfTarget(targetAt(note.ast, offset)!)!;
  const id = newId.replace(/^[@#]/, '');
  if (!ID_PATTERN.test(id)) {
    return { error: `"${newId}" is not a valid id: use letters, digits, "-" and "_", starting with a letter or digit` };
  }
  if (id === symbol.id) {
    return { edits: [] };
  }
  if (ws.lookup(id).length > 0) {
    return { error: `"${id}" is already defined; renaming "${symbol.id}" to it would merge two ${symbol.type === 'entity' ? 'entities' : 'events'}` };
  }
  const sigil = symbol.type === 'entity' ? '@' : '#';
  const edits: TextEdit[] = [];
  for (const other of ws.notes.values()) {
    for (const s of other.symbols) {
      if (s.id === symbol.id && s.type === symbol.type) {
        edits.push({ path: other.path, range: other.lines.rangeOf(s.definition.idSpan), newText: id });
      }
    }
    for (const mention of other.ast.mentions) {
      if (mention.id === symbol.id && mention.sigil === sigil) {
        edits.push({ path: other.path, range: other.lines.rangeOf(mention.idSpan), newText: id });
      }
    }
  }
  return { edits };
}

export type SymbolKind = 'heading' | 'entity' | 'event';

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: SymbolKind;
  range: Range;
  selectionRange: Range;
  children: DocumentSymbol[];
}

/** Headings as a tree (by level), with definitions under the heading they follow. */
export function documentSymbols(ws: Workspace, path: string): DocumentSymbol[] {
  const note = ws.notes.get(path);
  if (!note) {
    return [];
  }
  const { ast, lines } = note;
  type Item = { offset: number; level: number; symbol: DocumentSymbol };
  const items: Item[] = [];
  ast.headings.forEach((h, i) => {
    const next = ast.headings.slice(i + 1).find((o) => o.level <= h.level);
    const end = next ? next.span.start - 1 : ast.text.length;
    items.push({
      offset: h.span.start,
      level: h.level,
      symbol: { name: h.text || '(empty heading)', kind: 'heading', range: lines.rangeOf({ start: h.span.start, end: Math.max(h.span.end, end) }), selectionRange: lines.rangeOf(h.span), children: [] },
    });
  });
  for (const s of note.symbols) {
    items.push({
      offset: s.definition.span.start,
      level: 7,
      symbol: {
        name: s.id,
        detail: s.type === 'entity' ? s.name : [s.date, s.title].filter(Boolean).join(' '),
        kind: s.type,
        range: lines.rangeOf(s.definition.span),
        selectionRange: lines.rangeOf(s.definition.idSpan),
        children: [],
      },
    });
  }
  items.sort((a, b) => a.offset - b.offset);
  const roots: DocumentSymbol[] = [];
  const stack: Item[] = [];
  for (const item of items) {
    while (stack.length && stack[stack.length - 1].level >= item.level) {
      stack.pop();
    }
    (stack.length ? stack[stack.length - 1].symbol.children : roots).push(item.symbol);
    if (item.symbol.kind === 'heading') {
      stack.push(item);
    }
  }
  return roots;
}

export interface WorkspaceSymbol {
  name: string;
  kind: 'entity' | 'event';
  detail?: string;
  location: Location;
}

export function workspaceSymbols(ws: Workspace, query: string): WorkspaceSymbol[] {
  const all = ws.memo('workspaceSymbols', { symbols: true }, () => {
    const list = ws.allSymbols().map((s) => ({
      symbol: s,
      id: s.id,
      text: s.type === 'entity' ? [s.name ?? '', ...s.aliases].join('; ') : s.title ?? '',
    }));
    return { list, fuse: new FoldedFuse(list, { keys: [{ name: 'id', weight: 2 }, 'text'], ignoreLocation: true, threshold: 0.4 }) };
  });
  const found = query === '' ? all.list : all.fuse.search(query, { limit: 200 }).map((r) => r.item);
  return found.flatMap(({ symbol }) => {
    const location = symbolLocation(ws, symbol);
    return location
      ? [{ name: symbol.id, kind: symbol.type, detail: symbol.type === 'entity' ? symbol.name : symbol.title, location }]
      : [];
  });
}

export interface DocumentLink {
  range: Range;
  /** Workspace-relative path of the source file. */
  target: string;
  tooltip?: string;
}

export function documentLinks(ws: Workspace, path: string): DocumentLink[] {
  const note = ws.notes.get(path);
  if (!note) {
    return [];
  }
  const links: DocumentLink[] = [];
  for (const citation of note.ast.citations) {
    for (const item of citation.items) {
      const source = ws.corpus.get(item.key);
      if (source) {
        links.push({ range: note.lines.rangeOf(item.keySpan), target: source.path, tooltip: source.metadata.title });
      }
    }
  }
  return links;
}

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'region' | 'comment';
}

export function foldingRanges(ws: Workspace, path: string): FoldingRange[] {
  const note = ws.notes.get(path);
  if (!note) {
    return [];
  }
  const spans: Span[] = note.ast.definitions.map((d) => d.span);
  if (note.ast.frontMatter) {
    spans.push(note.ast.frontMatter.span);
  }
  return spans
    .map((span) => ({ startLine: note.lines.positionAt(span.start).line, endLine: note.lines.positionAt(Math.max(span.start, span.end - 1)).line, kind: 'region' as const }))
    .filter((r) => r.endLine > r.startLine)
    .sort((a, b) => a.startLine - b.startLine);
}
