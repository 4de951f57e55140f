/**
 * The language service: one factory, one documented interface. The LSP server
 * and the CLI are thin adapters over it, so both report the very same diagnostics.
 * No editor or protocol types cross this boundary; all file access goes through the
 * injected {@link WorkspaceFileSystem}.
 */
import type { Diagnostic } from './checks/diagnostic';
import type { ConfigSettings } from './workspace/config';
import type { WorkspaceFileSystem } from './workspace/fs';
import { Workspace, type IndexStats, type Progress } from './workspace/workspace';

export interface LanguageServiceOptions {
  fs: WorkspaceFileSystem;
  /** Editor settings; the workspace's `pnote.json` takes precedence where both are set. */
  settings?: ConfigSettings;
}

export interface FileDiagnostics {
  path: string;
  diagnostics: Diagnostic[];
}

export interface LanguageService {
  readonly workspace: Workspace;
  /** (Re)reads configuration, corpus and notes. */
  load(progress?: Progress): Promise<void>;
  /** Diagnostics of one file. */
  diagnostics(path: string): Diagnostic[];
  /** Diagnostics of every note and of every other file with a problem, by path. */
  allDiagnostics(): FileDiagnostics[];
  stats(): IndexStats;
}

export function createLanguageService(options: LanguageServiceOptions): LanguageService {
  const workspace = new Workspace(options.fs, options.settings);
  return {
    workspace,
    load: (progress) => workspace.load(progress),
    diagnostics: (path) => workspace.diagnostics(path),
    allDiagnostics: () => workspace.diagnosticPaths().map((path) => ({ path, diagnostics: workspace.diagnostics(path) })),
    stats: () => workspace.stats(),
  };
}
