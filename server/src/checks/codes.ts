/**
 * Every problem the checker reports has a stable code and a default severity
 * (FORMAT.md's table, plus the workspace-level codes this project adds).
 */

export const SEVERITIES = ['error', 'warning', 'information', 'hint'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type SeverityOverride = Severity | 'off';

export const CHECKS = {
  // FORMAT.md
  'unknown-source': 'error',
  'duplicate-source': 'error',
  'quote-not-found': 'error',
  'quote-mismatch': 'warning',
  'quote-wrong-source': 'error',
  'locator-out-of-range': 'error',
  'quote-outside-locator': 'warning',
  'uncited-quote': 'information',
  'unknown-entity': 'warning',
  'unknown-event': 'warning',
  'duplicate-definition': 'error',
  'missing-field': 'error',
  'invalid-date': 'error',
  'invalid-kind': 'warning',
  'alias-conflict': 'warning',
  'event-order': 'warning',
  'source-predates-event': 'warning',
  'actor-not-in-source': 'information',
  'unused-definition': 'hint',
  // Syntax errors reported by the parser keep the parser's own severity; these are the workspace's.
  'invalid-config': 'error',
  'invalid-metadata': 'error',
  'unreadable-file': 'warning',
} as const satisfies Record<string, Severity>;

export type CheckCode = keyof typeof CHECKS;

/** The severity of `code` after the workspace's overrides; undefined when switched off. */
export function effectiveSeverity(
  code: string,
  fallback: Severity,
  overrides: Record<string, SeverityOverride>,
): Severity | undefined {
  const override = overrides[code];
  if (override === 'off') {
    return undefined;
  }
  return override ?? (CHECKS as Record<string, Severity>)[code] ?? fallback;
}
