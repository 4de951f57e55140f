/**
 * Dates of events and sources: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a range `DATE..DATE`.
 * A date is kept as the interval of days it may denote, so partial dates compare safely.
 */

export interface DateInterval {
  /** Earliest day, as the number YYYYMMDD. */
  start: number;
  /** Latest day, as the number YYYYMMDD. */
  end: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses one `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; undefined when it is not a real calendar date. */
export function parseDate(text: string): DateInterval | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text.trim());
  if (!m) {
    return undefined;
  }
  const year = Number(m[1]);
  if (m[2] === undefined) {
    return { start: year * 10000 + 101, end: year * 10000 + 1231 };
  }
  const month = Number(m[2]);
  if (month < 1 || month > 12) {
    return undefined;
  }
  const last = daysInMonth(year, month);
  if (m[3] === undefined) {
    return { start: year * 10000 + month * 100 + 1, end: year * 10000 + month * 100 + last };
  }
  const day = Number(m[3]);
  if (day < 1 || day > last) {
    return undefined;
  }
  const value = year * 10000 + month * 100 + day;
  return { start: value, end: value };
}

/** Parses an event date: one date or a range `A..B` with A not after B. */
export function parseDateOrRange(text: string): DateInterval | undefined {
  const parts = text.split('..');
  if (parts.length === 1) {
    return parseDate(parts[0]);
  }
  if (parts.length !== 2) {
    return undefined;
  }
  const from = parseDate(parts[0]);
  const to = parseDate(parts[1]);
  if (!from || !to || from.start > to.end) {
    return undefined;
  }
  return { start: from.start, end: to.end };
}

/** True when every day of `a` comes before every day of `b`. */
export function definitelyBefore(a: DateInterval, b: DateInterval): boolean {
  return a.end < b.start;
}
