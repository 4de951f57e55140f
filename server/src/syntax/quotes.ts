/**
 * Pairing of quote marks within one paragraph.
 *
 * `«` closes with `»`, `“` with `”`, `„` with `“` or `”`, and a straight `"` that
 * may open (after whitespace or opening punctuation) with a later `"` that may
 * close. Marks nest like brackets; a closing mark discards the unmatched
 * openers above its partner, and a mark without a partner is plain text. Only
 * outermost pairs are returned: quote marks inside a quotation belong to it.
 */

export interface QuoteMark {
  mark: string;
  /** Position in the paragraph string. */
  at: number;
  /** Meaningful for a straight `"` only; typographic marks have fixed roles. */
  canOpen: boolean;
  canClose: boolean;
}

/** A matched pair: `at` of the opening and of the closing mark. */
export interface QuotePair {
  open: number;
  close: number;
}

/** Opening mark kinds, indexes into the per-kind stacks. */
const GUILLEMET = 0;
const CURLY = 1;
const LOW = 2;
const STRAIGHT = 3;

interface Opener {
  kind: number;
  at: number;
}

/** Outermost matched pairs, in document order. Linear: every opener is pushed and popped once. */
export function pairQuotes(marks: readonly QuoteMark[]): QuotePair[] {
  const stack: Opener[] = [];
  /** For each kind, the stack indexes of its openers, innermost last. */
  const byKind: number[][] = [[], [], [], []];
  const pairs: QuotePair[] = [];
  const top = (kind: number): number => byKind[kind].at(-1) ?? -1;
  const push = (kind: number, at: number): void => {
    byKind[kind].push(stack.length);
    stack.push({ kind, at });
  };
  const closeAt = (index: number, at: number): void => {
    const open = stack[index].at;
    while (stack.length > index) {
      const popped = stack.pop() as Opener;
      byKind[popped.kind].pop();
    }
    pairs.push({ open, close: at });
  };

  for (const { mark, at, canOpen, canClose } of marks) {
    switch (mark) {
      case '«':
        push(GUILLEMET, at);
        break;
      case '„':
        push(LOW, at);
        break;
      case '»':
        if (top(GUILLEMET) >= 0) {
          closeAt(top(GUILLEMET), at);
        }
        break;
      case '”': {
        const partner = Math.max(top(CURLY), top(LOW));
        if (partner >= 0) {
          closeAt(partner, at);
        }
        break;
      }
      case '“':
        // Closes a German `„…“` when that is the innermost open one; opens otherwise.
        if (top(LOW) > top(CURLY)) {
          closeAt(top(LOW), at);
        } else {
          push(CURLY, at);
        }
        break;
      default:
        if (canClose && top(STRAIGHT) >= 0) {
          closeAt(top(STRAIGHT), at);
        } else if (canOpen) {
          push(STRAIGHT, at);
        }
    }
  }
  return outermost(pairs);
}

/** Pairs never cross (a closing mark pops everything above its partner), so a sweep by start suffices. */
function outermost(pairs: QuotePair[]): QuotePair[] {
  pairs.sort((a, b) => a.open - b.open);
  const kept: QuotePair[] = [];
  let end = -1;
  for (const pair of pairs) {
    if (pair.open > end) {
      kept.push(pair);
      end = pair.close;
    }
  }
  return kept;
}
