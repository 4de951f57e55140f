/**
 * Linear time on pathological input (issue 5, item 1): for each pattern, parsing n
 * and 2n repetitions must take at most ~3 times as long (a linear parser takes ~2×,
 * a quadratic one ~4×), and the largest input must finish within a fixed budget.
 *
 * parser-robustness.test.ts checks that these inputs parse, and what they give;
 * this file checks only how the time grows. Timing is made robust for a busy CI
 * machine: the fastest of several alternating runs after a warm-up (noise only adds
 * time), sizes doubled until the 2n run takes at least FLOOR_MS (below that, timer
 * and GC noise dominate), and a ratio above the limit measured again over two
 * doublings, and one and two doublings up, before the test fails.
 */
import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { parseQuote } from '../../server/src/corpus/quote';
import { tokenize } from '../../server/src/corpus/tokenize';
import { parseNote } from '../../server/src/syntax/parser';

/** Timed runs of each size; the fastest counts (noise only ever adds time). */
const RUNS = 4;
/** The 2n run must take at least this long for the ratio to be compared. */
const FLOOR_MS = 5;
/** Time(2n) / time(n) at most: linear is ~2 (up to ~3 where the heap outgrows the young generation), quadratic ~4. */
const MAX_RATIO = 3.5;
/** Inputs never grow past this many UTF-16 code units while looking for the floor. */
const MAX_LENGTH = 2_000_000;
/** Every timed input, the largest included, finishes within this budget (ms). */
const BUDGET_MS = 1_500;

function timeMs(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

interface Scaling {
  length: number;
  t1: number;
  t2: number;
  ratio: number;
}

/** The smallest n (doubling from `startN`) whose 2n input takes FLOOR_MS, or whose 4n input would be too long. */
function sizeFor(make: (n: number) => string, run: (input: string) => unknown, startN: number): number {
  for (let n = startN; ; n *= 2) {
    const large = make(2 * n);
    run(large); // warm-up: compile, fill lazy tables
    const t = Math.min(timeMs(() => run(large)), timeMs(() => run(large)));
    assert.ok(t <= BUDGET_MS, `${large.length} code units took ${t.toFixed(1)} ms (budget ${BUDGET_MS} ms)`);
    if (t >= FLOOR_MS || 2 * large.length > MAX_LENGTH) {
      return n;
    }
  }
}

/** Times `run` on n and 2n repetitions, alternating, and keeps the fastest of each. */
function measure(small: string, large: string, run: (input: string) => unknown): Scaling {
  let t1 = Infinity;
  let t2 = Infinity;
  for (let i = 0; i < RUNS; i++) {
    t1 = Math.min(t1, timeMs(() => run(small)));
    t2 = Math.min(t2, timeMs(() => run(large)));
  }
  assert.ok(t2 <= BUDGET_MS, `${large.length} code units took ${t2.toFixed(1)} ms (budget ${BUDGET_MS} ms)`);
  return { length: large.length, t1, t2, ratio: t2 / Math.max(t1, 0.05) };
}

/**
 * Asserts that `run` scales linearly on `make(n)`, with a fixed budget for every
 * input. A linear algorithm can show one step as its heap outgrows the young
 * generation or the caches (measured: `„` × 32,000 in 1.4 ms, × 64,000 in 7.9 ms, then
 * ×1.6 to ×2.7 a doubling), which a quadratic one shows at every doubling (~4 whatever
 * the size): when n → 2n grows by more than MAX_RATIO, n → 4n is measured (per
 * doubling on average), then 2n → 4n and 4n → 8n (past a step at n → 2n); one of them
 * must stay within MAX_RATIO.
 */
function assertLinear(make: (n: number) => string, run: (input: string) => unknown, startN: number): Scaling {
  const n = sizeFor(make, run, startN);
  let small = make(n);
  let result = measure(small, make(2 * n), run);
  const again: Array<[number, number]> = [[1, 4], [2, 4], [4, 8]];
  for (const [a, b] of again) {
    if (result.t2 < FLOOR_MS || result.ratio <= MAX_RATIO) {
      break;
    }
    small = make(a * n);
    const measured = measure(small, make(b * n), run);
    result = { ...measured, ratio: Math.pow(measured.ratio, 1 / Math.log2(b / a)) };
  }
  if (process.env.PNOTE_TIMING) {
    console.log(`      ${small.length} → ${result.length}: ${result.t1.toFixed(2)} → ${result.t2.toFixed(2)} ms (×${result.ratio.toFixed(2)} per doubling)`);
  }
  if (result.t2 >= FLOOR_MS) {
    assert.ok(
      result.ratio <= MAX_RATIO,
      `not linear: ${small.length} → ${result.length} code units took ${result.t1.toFixed(1)} → ${result.t2.toFixed(1)} ms (×${result.ratio.toFixed(2)} per doubling)`,
    );
  }
  return result;
}

/** Runs of backticks of growing length (1, 2, 3 …), none closed: CommonMark's classic quadratic trap. */
function backtickRuns(length: number): string {
  const parts: string[] = [];
  let total = 0;
  for (let k = 1; total < length; k++) {
    parts.push('`'.repeat(k));
    total += k + 3;
  }
  return parts.join(' x ');
}

/** Name, input of n repetitions, and the n to start from when it is not 2,000. */
const NOTE_PATTERNS: Array<[string, (n: number) => string, number?]> = [
  ['thousands of `[@`', (n) => '[@'.repeat(n)],
  ['thousands of `[@key, x` (unclosed citations with a key)', (n) => '[@a, x '.repeat(n)],
  ['a citation with thousands of items', (n) => `[@${Array.from({ length: n }, (_, i) => `k${i % 97}`).join('; @')}]`],
  ['a locator that never ends', (n) => `[@a, ¶${'4-'.repeat(n)}`],
  ['thousands of `«`', (n) => '«'.repeat(n)],
  ['thousands of `«` then `»` (nested)', (n) => `${'«'.repeat(n)}x${'»'.repeat(n)}`],
  ['thousands of `»` before `«`', (n) => '»'.repeat(n) + '«'.repeat(n)],
  ['thousands of `«“` then `”»`', (n) => '«“'.repeat(n) + '”»'.repeat(n)],
  ['thousands of `"`', (n) => '"'.repeat(n)],
  ['thousands of `"a ` (straight quotes never closed)', (n) => '"a '.repeat(n)],
  ['thousands of `„`', (n) => '„'.repeat(n)],
  ['thousands of `„“`', (n) => '„“'.repeat(n)],
  ['a quotation mark opened on every line of a paragraph', (n) => `${'«a\n'.repeat(n)}»`],
  ['thousands of quotations before one citation', (n) => `${'«a» '.repeat(n)}[@k]`],
  ['thousands of quotations after one citation', (n) => `[@k] ${'«a» '.repeat(n)}`],
  ['thousands of `:::` lines', (n) => ':::\n'.repeat(n)],
  ['thousands of unclosed definition openers', (n) => '::: entity x\n'.repeat(n)],
  ['an unclosed definition with a long description', (n) => `::: entity x\n${'desc @a [@b] «c» \n'.repeat(n)}`],
  ['thousands of `> `', (n) => '> '.repeat(n)],
  ['a block quote nested thousands of levels deep', (n) => `${'> '.repeat(n)}x\n`],
  ['thousands of lines nested `> > > >` ever deeper', (n) => Array.from({ length: n }, (_, i) => `${'> '.repeat(i % 200)}x`).join('\n')],
  ['thousands of block quotes with attribution lines', (n) => '> x\n— [@a]\n'.repeat(n)],
  ['thousands of backslashes', (n) => `${'\\'.repeat(n)}@x`],
  ['thousands of escapes', (n) => '\\@\\#\\[\\«'.repeat(n)],
  ['thousands of backticks', (n) => '`'.repeat(n)],
  ['backtick runs of growing length, none closed', (n) => backtickRuns(n)],
  ['an unclosed code span before a long line', (n) => `\`${'x @a [@b] '.repeat(n)}`],
  ['an unclosed fence before thousands of lines', (n) => `\`\`\`\n${'x `y` [@a] «b»\n'.repeat(n)}`],
  ['thousands of fence lines', (n) => '```\n~~~\n'.repeat(n)],
  ['thousands of fences inside block quotes', (n) => '> ```\n'.repeat(n)],
  ['a 100k-character line of prose with mentions, citations and quotations', (n) => 'word @m #e [@k] «q» '.repeat(n)],
  ['a 100k-character word', (n) => `${'a'.repeat(n)} @x`],
  ['thousands of `](` link destinations never closed', (n) => '](@x '.repeat(n)],
  ['thousands of `[a](` links never closed', (n) => `${'[a]('.repeat(n)}@x`],
  ['thousands of nested brackets', (n) => '['.repeat(n) + ']'.repeat(n)],
  ['thousands of `@` and `#`', (n) => '@#'.repeat(n)],
  ['thousands of `@a@`', (n) => '@a@'.repeat(n)],
  ['thousands of HTML comment openers', (n) => '<!-- '.repeat(n)],
  ['thousands of table rows with quote marks', (n) => '| «a | b» |\n'.repeat(n)],
  ['thousands of list items opening a quotation', (n) => '- «a\n'.repeat(n)],
  ['thousands of lone CRs and CRLFs', (n) => '\r\r\n'.repeat(n)],
  ['a long front matter', (n) => `---\n${'a: 1\n'.repeat(n)}---\nx\n`, 100],
  ['front matter mappings indented ever deeper', (n) => `---\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i % 300)}a:`).join('\n')}\n---\n`, 100],
];

describe('robustness: linear-time parsing', function () {
  this.timeout(60_000);

  it('the measure itself fails a quadratic function, and passes a linear one', () => {
    const quadratic = (input: string) => {
      let x = 0;
      for (let i = 0; i < input.length; i++) {
        for (let j = i; j < input.length; j++) {
          x += input.charCodeAt(j) & i;
        }
      }
      return x;
    };
    assert.throws(() => assertLinear((n) => 'ab'.repeat(n), quadratic, 100), /not linear/);
    const linear = (input: string) => input.split('').reverse().join('').length;
    assert.ok(assertLinear((n) => 'ab'.repeat(n), linear, 1_000).ratio <= MAX_RATIO);
  });

  for (const [name, make, startN] of NOTE_PATTERNS) {
    it(`parseNote: ${name}`, () => {
      assertLinear(make, parseNote, startN ?? 2_000);
    });
  }
});

const CORPUS_PATTERNS: Array<[string, (n: number) => string]> = [
  ['a huge run of one combining mark', (n) => `e${'\u0301'.repeat(n)}`],
  ['a huge run of combining marks on an upper-case letter', (n) => `É${'\u0301'.repeat(n)}`],
  ['words of 50 combining marks each', (n) => `${'a'}${'\u0301'.repeat(50)} `.repeat(n)],
  ['a huge run of combining marks of two alternating classes', (n) => `a${'\u0301\u0323'.repeat(n)}`],
  ['a huge run of combining marks in reverse canonical order', (n) => `a${'\u0301'.repeat(n)}${'\u0323'.repeat(n)}`],
  ['Hangul jamo (composed by NFC)', (n) => '\u1100\u1161'.repeat(n)],
  ['astral letters and lone surrogates', (n) => '𠀀\uD800a\uDC00'.repeat(n)],
];

/** Brackets and dots are separators to the tokenizer: these stress parseQuote alone. */
const QUOTE_PATTERNS: Array<[string, (n: number) => string]> = [
  ['thousands of `[` without `]`', (n) => '['.repeat(n)],
  ['thousands of `[a ` without `]`', (n) => '[a '.repeat(n)],
  ['thousands of `[ ` without `]`', (n) => '[ '.repeat(n)],
  ['thousands of `[...` without `]`', (n) => '[...'.repeat(n)],
  ['thousands of `…`', (n) => '…'.repeat(n)],
  ['thousands of dots', (n) => '.'.repeat(n)],
  ['thousands of omissions, insertions and [sic]', (n) => '[…] [x] [sic] '.repeat(n)],
  ['thousands of glued brackets', (n) => 'a[b]c'.repeat(n)],
];

describe('robustness: linear-time tokenizer and quotation patterns', function () {
  this.timeout(60_000);

  for (const [name, make] of CORPUS_PATTERNS) {
    it(`tokenize: ${name}`, () => {
      assertLinear(make, tokenize, 2_000);
    });
    it(`parseQuote: ${name}`, () => {
      assertLinear(make, parseQuote, 2_000);
    });
  }
  for (const [name, make] of QUOTE_PATTERNS) {
    it(`parseQuote: ${name}`, () => {
      assertLinear(make, parseQuote, 2_000);
    });
  }

  it('tokenize and parseQuote: 100k `…`, 100k `[` and 100k combining marks each within the budget', () => {
    for (const text of ['…'.repeat(100_000), '['.repeat(100_000), `e${'\u0301'.repeat(100_000)}`, `[${'a '.repeat(50_000)}`]) {
      for (const run of [tokenize, parseQuote]) {
        const t = performance.now();
        run(text);
        const ms = performance.now() - t;
        assert.ok(ms <= BUDGET_MS, `${run.name} on ${JSON.stringify(text.slice(0, 3))}… took ${ms.toFixed(0)} ms`);
      }
    }
  });
});
