/**
 * Which path settings the server may take outside the workspace: those whose value
 * comes from the user's own settings only. A pure function of VS Code's
 * `WorkspaceConfiguration.inspect()` result (no `vscode` import), so it is unit-tested.
 */

/** The parts of `inspect()`'s result that matter here. */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
}

/**
 * True when `value` (what the server is sent) is the user-level value and no
 * workspace, folder or workspace language-specific value exists: a downloaded
 * workspace cannot make a path count as the user's.
 */
export function isUserLevel(inspected: Inspected | undefined, value: unknown): boolean {
  if (!inspected || typeof value !== 'string' || value === '' || inspected.globalValue !== value) {
    return false;
  }
  return (
    inspected.workspaceValue === undefined &&
    inspected.workspaceFolderValue === undefined &&
    inspected.workspaceLanguageValue === undefined &&
    inspected.workspaceFolderLanguageValue === undefined
  );
}
