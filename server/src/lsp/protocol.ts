/**
 * Messages of our own between the VS Code client and the server, declared once
 * and imported by both sides. Plain JSON types only (the client bundles this file).
 */

/** Request `policyNotes/stats`: the index's statistics. */
export const StatsRequest = 'policyNotes/stats';
export interface StatsResult {
  folders: Array<{
    uri: string;
    notes: number;
    sources: number;
    entities: number;
    events: number;
    citations: number;
    quotations: number;
    errors: number;
    warnings: number;
    information: number;
    hints: number;
  }>;
}

/** Request `policyNotes/checkWorkspace`: re-reads every folder from disk and checks it; answers the totals. */
export const CheckWorkspaceRequest = 'policyNotes/checkWorkspace';
export type CheckWorkspaceResult = StatsResult;

/** Notification `policyNotes/statsChanged` from the server, after diagnostics were refreshed (for the status bar). */
export const StatsChangedNotification = 'policyNotes/statsChanged';

/** Initialization options the client sends. */
export interface InitializationOptions {
  /** False in VS Code's Restricted Mode: workspace settings that name paths are ignored. */
  trusted?: boolean;
  /**
   * Folder for the on-disk index cache (VS Code: the extension's workspace storage).
   * Absent: the CLI's default (`$XDG_CACHE_HOME/policy-notes`, else `~/.cache/policy-notes`);
   * `null`: no cache.
   */
  cacheDirectory?: string | null;
}

/** The `policyNotes` settings section. */
export interface PolicyNotesSettings {
  corpus?: string;
  metadata?: string;
  paragraphs?: 'lines' | 'blocks';
  severity?: Record<string, string>;
  /**
   * Added by the VS Code client (not a setting): which of `corpus` and `metadata` have
   * their value from the user's own settings only (no workspace or folder value).
   * Those may name a folder outside the workspace; any other may not.
   */
  userLevelPaths?: Array<'corpus' | 'metadata'>;
}
