/**
 * Source metadata: CSL-JSON (the format Zotero and Pandoc export) and, when there
 * is none, what can be read from a source's own text (its first non-blank line as
 * title, the first date written in it).
 *
 * Nothing here throws: malformed input yields problems (plain messages; the caller
 * knows which file they belong to and attaches them).
 */
import { isWordCharAt } from './tokenize';
import { detached } from '../common/text';
import type { SourceMetadata } from './types';

export interface MetadataParseResult {
  /** Metadata by source key (CSL `id`). Fields absent from the item are absent here. */
  items: Map<string, Partial<SourceMetadata>>;
  /** Human-readable problems, e.g. `item 3: "issued" is not a valid date`. */
  problems: string[];
}

/** Longest title kept (longer first lines are cut at a word boundary and get `…`). */
export const MAX_TITLE_LENGTH = 200;

/** Whether `year-month-day` is a real calendar date. */
export function isValidDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) {
    return false;
  }
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) {
    return false;
  }
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isoDate(year: number, month?: number, day?: number): string | undefined {
  if (!Number.isInteger(year) || year < 1 || year > 9999) {
    return undefined;
  }
  if (month === undefined) {
    return pad(year, 4);
  }
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    return undefined;
  }
  if (day === undefined) {
    return `${pad(year, 4)}-${pad(month, 2)}`;
  }
  if (!isValidDate(year, month, day)) {
    return undefined;
  }
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

const MONTHS: Record<string, number> = {
  // French
  janvier: 1, 'février': 2, fevrier: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7,
  'août': 8, aout: 8, septembre: 9, octobre: 10, novembre: 11, 'décembre': 12, decembre: 12,
  // English
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8,
  september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

const MONTH_ALT =
  'janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre|' +
  'january|february|march|april|may|june|july|august|september|october|november|december|' +
  'jan\\.?|feb\\.?|mar\\.?|apr\\.?|jun\\.?|jul\\.?|aug\\.?|sept?\\.?|oct\\.?|nov\\.?|dec\\.?';
const SP = '[\\s\\u00a0\\u202f]+';
const DAY = '(\\d{1,2})(?:er|st|nd|rd|th)?';
const YEAR = '(\\d{4})';
/** Written dates: ISO, `20 septembre 2020` / `1er août 2020` / `20 September 2020`, `September 20, 2020`. */
const DATE_RE = new RegExp(
  '(?<![\\p{L}\\p{N}])(?:' +
    `(\\d{4})-(\\d{2})-(\\d{2})` +
    `|${DAY}${SP}(${MONTH_ALT})${SP}${YEAR}` +
    `|(${MONTH_ALT})${SP}${DAY},?${SP}${YEAR}` +
    ')(?![\\p{L}\\p{N}])',
  'giu',
);

function monthNumber(name: string): number | undefined {
  return MONTHS[name.toLowerCase().replace(/\.$/, '')];
}

/**
 * The first valid calendar date written in `text`, as ISO `YYYY-MM-DD`
 * (`20 septembre 2020`, `1er août 2020`, `September 20, 2020`, `20 September 2020`,
 * `2020-09-20`). Impossible dates (`31 février 2020`) are skipped.
 */
export function extractDate(text: string): string | undefined {
  // Every date holds a 4-digit year: look only around those (the full pattern is
  // slow to try at every offset of a long text). Windows are visited in text order
  // and dates do not overlap, so the first valid one found is the first written.
  const years = /\d{4}/g;
  let searchedTo = 0;
  for (let y = years.exec(text); y; y = years.exec(text)) {
    let from = Math.max(searchedTo, y.index - 40);
    while (from > searchedTo && isWordCharAt(text, from - 1)) {
      from--;
    }
    const to = Math.min(text.length, y.index + 14);
    const date = firstDateIn(text.slice(from, to));
    if (date) {
      return date;
    }
    searchedTo = Math.max(searchedTo, y.index);
  }
  return undefined;
}

function firstDateIn(text: string): string | undefined {
  DATE_RE.lastIndex = 0;
  for (let m = DATE_RE.exec(text); m; m = DATE_RE.exec(text)) {
    let iso: string | undefined;
    if (m[1] !== undefined) {
      iso = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
    } else if (m[4] !== undefined) {
      const month = monthNumber(m[5]);
      iso = month === undefined ? undefined : isoDate(Number(m[6]), month, Number(m[4]));
    } else if (m[7] !== undefined) {
      const month = monthNumber(m[7]);
      iso = month === undefined ? undefined : isoDate(Number(m[9]), month, Number(m[8]));
    }
    if (iso !== undefined) {
      return iso;
    }
  }
  return undefined;
}

/** The first non-blank line, trimmed and cut to {@link MAX_TITLE_LENGTH}; `''` when there is none. */
export function extractTitle(text: string): string {
  const re = /[^\r\n]*(?:\r\n|\r|\n|$)/g;
  for (let m = re.exec(text); m && m[0].length > 0; m = re.exec(text)) {
    const line = m[0].replace(/^[\s\ufeff]+|[\s\ufeff]+$/g, '');
    if (line.length > 0) {
      return detached(capTitle(line)); // kept in the metadata: not a view of the whole text
    }
  }
  return '';
}

function capTitle(line: string): string {
  if (line.length <= MAX_TITLE_LENGTH) {
    return line;
  }
  let cut = line.slice(0, MAX_TITLE_LENGTH - 1);
  const space = cut.search(/\s\S*$/);
  if (space > MAX_TITLE_LENGTH / 2) {
    cut = cut.slice(0, space);
  }
  return `${cut.trimEnd()}…`;
}

/** A CSL date (`{"date-parts": [[2020, 9, 20]]}`, `{"raw": "2020-09-20"}`, `{"literal": ...}` or a string) as ISO. */
export function cslDateToIso(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return parseDateString(value);
  }
  if (typeof value === 'number') {
    return isoDate(value);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  const parts = obj['date-parts'];
  if (Array.isArray(parts) && parts.length > 0 && Array.isArray(parts[0]) && parts[0].length > 0) {
    const nums = (parts[0] as unknown[]).map((p) => (typeof p === 'string' && /^\s*\d+\s*$/.test(p) ? Number(p) : p));
    if (nums.every((p) => typeof p === 'number')) {
      const [y, mo, d] = nums as number[];
      return isoDate(y, mo, d);
    }
    return undefined;
  }
  for (const field of ['raw', 'literal']) {
    if (typeof obj[field] === 'string') {
      return parseDateString(obj[field] as string);
    }
  }
  return undefined;
}

/** `2020`, `2020-09`, `2020-09-20` (also with `/`), or a written date. */
function parseDateString(s: string): string | undefined {
  const t = s.trim();
  const m = /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (m) {
    return isoDate(Number(m[1]), m[2] === undefined ? undefined : Number(m[2]), m[3] === undefined ? undefined : Number(m[3]));
  }
  return extractDate(t);
}

function cslName(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value.trim() || undefined;
  }
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const o = value as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof o[k] === 'string' && (o[k] as string).trim() ? (o[k] as string).trim() : undefined);
  const literal = str('literal');
  if (literal) {
    return literal;
  }
  const parts = [str('given'), str('dropping-particle'), str('non-dropping-particle'), str('family')].filter((p): p is string => !!p);
  let name = parts.join(' ');
  const suffix = str('suffix');
  if (suffix && name) {
    name += ` ${suffix}`;
  }
  return name || undefined;
}

function cslString(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const t = value.trim();
    return t || undefined;
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (Array.isArray(value) && typeof value[0] === 'string') {
    return cslString(value[0]);
  }
  return undefined;
}

/**
 * Parse a CSL-JSON array. Items without a usable `id` are skipped with a problem;
 * a repeated `id` keeps the first item. Unknown fields are ignored.
 */
export function parseCslJson(text: string): MetadataParseResult {
  const items = new Map<string, Partial<SourceMetadata>>();
  const problems: string[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    problems.push(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    return { items, problems };
  }
  if (!Array.isArray(data)) {
    problems.push('metadata must be a CSL-JSON array of items');
    return { items, problems };
  }
  data.forEach((item: unknown, index) => {
    const where = `item ${index + 1}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(`${where}: not an object`);
      return;
    }
    const o = item as Record<string, unknown>;
    const id = typeof o.id === 'string' ? o.id.trim() : typeof o.id === 'number' ? String(o.id) : '';
    if (!id) {
      problems.push(`${where}: missing "id"`);
      return;
    }
    if (items.has(id)) {
      problems.push(`${where}: duplicate id "${id}" (the first item is used)`);
      return;
    }
    const meta: Partial<SourceMetadata> = {};
    const title = cslString(o.title);
    if (title) {
      meta.title = capTitle(title);
    }
    if (o.issued !== undefined) {
      const date = cslDateToIso(o.issued);
      if (date) {
        meta.date = date;
      } else {
        problems.push(`${where} ("${id}"): "issued" is not a valid date`);
      }
    }
    const outlet = cslString(o['container-title']);
    if (outlet) {
      meta.outlet = outlet;
    }
    if (o.author !== undefined) {
      const list = Array.isArray(o.author) ? o.author : [o.author];
      const authors = list.map(cslName).filter((a): a is string => !!a);
      if (authors.length > 0) {
        meta.authors = authors;
      }
    }
    const url = cslString(o.URL);
    if (url) {
      meta.url = url;
    }
    const language = cslString(o.language);
    if (language) {
      meta.language = language;
    }
    items.set(id, meta);
  });
  return { items, problems };
}
