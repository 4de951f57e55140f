/**
 * Building hover Markdown from untrusted text (notes and corpus alike): every
 * character Markdown or HTML could act on is escaped, so `[click](command:…)` or
 * `<img onerror=…>` in a source renders as the literal text it is.
 */

/** Characters Markdown or HTML may act on anywhere in a line. */
const SPECIAL = /[\\`*_{}[\]()#!<>|~&]/g;
/** Marks that only start a list or a heading at the start of a line: `- `, `+ `, `= `, `1. `, `1) `. */
const LEADING_MARK = /^(\s*)([-+=])/;
const LEADING_NUMBER = /^(\s*\d+)([.)])/;

/** `text` as literal Markdown text (plain-text clients show it with few backslashes). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(SPECIAL, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`))
    .replace(LEADING_MARK, '$1\\$2')
    .replace(LEADING_NUMBER, '$1\\$2');
}

/** Collapses white space so a paragraph stays one line in a hover. */
export function flatten(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cuts `text` around `[start, end)` to at most about `max` characters, marking the cuts with `…`. */
export function around(text: string, start: number, end: number, max = 240): { before: string; middle: string; after: string } {
  const spare = Math.max(0, max - (end - start));
  let from = Math.max(0, start - Math.floor(spare / 2));
  let to = Math.min(text.length, end + Math.ceil(spare / 2));
  if (from > 0) {
    const space = text.indexOf(' ', from);
    from = space >= 0 && space < start ? space + 1 : from;
  }
  if (to < text.length) {
    const space = text.lastIndexOf(' ', to);
    to = space > end ? space : to;
  }
  return {
    before: (from > 0 ? '…' : '') + text.slice(from, start),
    middle: text.slice(start, end),
    after: text.slice(end, to) + (to < text.length ? '…' : ''),
  };
}
