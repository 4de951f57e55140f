/**
 * Workspace configuration: `pnote.json` at the root, over editor settings, over defaults.
 * Paths must stay inside the workspace (checked with the real path, links resolved).
 */
import type { ParagraphMode } from '../corpus/types';
import { normalizeRelativePath, type WorkspaceFileSystem } from './fs';
import { decodeText } from './decode';
import { SEVERITIES, type SeverityOverride } from '../checks/codes';

export const CONFIG_FILE = 'pnote.json';

export interface PnoteConfig {
  /** Workspace-relative corpus folder. */
  corpus: string;
  /** Workspace-relative CSL-JSON metadata file, if any. */
  metadata?: string;
  paragraphs: ParagraphMode;
  /** Severity overrides by check code. */
  severity: Record<string, SeverityOverride>;
}

/** Settings that may also come from the editor (`policyNotes.*`); `pnote.json` wins where both are set. */
export type ConfigSettings = Partial<PnoteConfig> & {
  /**
   * Path settings the user set at user level (not in the workspace), already made
   * workspace-relative by the adapter, which admitted them in its file system: these
   * may lie outside the workspace (`../shared/corpus`). Workspace-level ones never may.
   */
  externalPaths?: ReadonlyArray<'corpus' | 'metadata'>;
};

export interface ConfigProblem {
  /** The file the problem is in (`pnote.json`), or undefined for a setting. */
  file?: string;
  message: string;
}

export interface LoadedConfig {
  config: PnoteConfig;
  /** Problems found; `fatal` ones mean the workspace cannot be checked as configured. */
  problems: ConfigProblem[];
  fatal: boolean;
}

export const DEFAULT_CONFIG: PnoteConfig = { corpus: 'corpus', paragraphs: 'lines', severity: {} };

export async function loadConfig(fs: WorkspaceFileSystem, settings: ConfigSettings = {}): Promise<LoadedConfig> {
  const problems: ConfigProblem[] = [];
  let fatal = false;
  const fail = (message: string, file?: string) => {
    problems.push({ file, message });
    fatal = true;
  };

  let fromFile: Record<string, unknown> = {};
  const stat = await fs.stat(CONFIG_FILE);
  if (stat?.type === 'file') {
    try {
      const decoded = decodeText(await fs.readFile(CONFIG_FILE), 1024 * 1024);
      if ('problem' in decoded) {
        fail(`${CONFIG_FILE} ${decoded.problem}`, CONFIG_FILE);
      } else {
        const value: unknown = JSON.parse(decoded.text);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          fail(`${CONFIG_FILE} must hold a JSON object`, CONFIG_FILE);
        } else {
          fromFile = value as Record<string, unknown>;
        }
      }
    } catch (e) {
      fail(`${CONFIG_FILE} is not valid JSON: ${(e as Error).message}`, CONFIG_FILE);
    }
  }

  const known = new Set(['corpus', 'metadata', 'paragraphs', 'severity', '$schema']);
  for (const key of Object.keys(fromFile)) {
    if (!known.has(key)) {
      problems.push({ file: CONFIG_FILE, message: `${CONFIG_FILE}: unknown setting "${key}" (ignored)` });
    }
  }

  const config: PnoteConfig = { ...DEFAULT_CONFIG, severity: {} };

  // Paths: the file's value, else the setting's, else the default.
  for (const key of ['corpus', 'metadata'] as const) {
    const inFile = key in fromFile;
    const raw = inFile ? fromFile[key] : settings[key];
    if (raw === undefined || raw === null || raw === '') {
      continue;
    }
    const file = inFile ? CONFIG_FILE : undefined;
    const where = inFile ? `${CONFIG_FILE}: "${key}"` : `setting "${key}"`;
    if (typeof raw !== 'string') {
      fail(`${where} must be a string`, file);
      continue;
    }
    const external = !inFile && settings.externalPaths?.includes(key) === true;
    const resolved = external ? await resolveExternal(fs, raw) : await resolveInside(fs, raw);
    if (resolved.kind === 'outside') {
      fail(`${where} ("${raw}") points outside the workspace`, file);
    } else if (resolved.kind === 'missing') {
      // A missing corpus or metadata file is not fatal: the workspace is checked without it.
      problems.push({ file, message: `${where} ("${raw}") does not exist` });
      config[key] = resolved.path;
    } else {
      config[key] = resolved.path;
    }
  }

  const paragraphs = 'paragraphs' in fromFile ? fromFile.paragraphs : settings.paragraphs;
  if (paragraphs !== undefined) {
    if (paragraphs === 'lines' || paragraphs === 'blocks') {
      config.paragraphs = paragraphs;
    } else {
      fail(`${'paragraphs' in fromFile ? `${CONFIG_FILE}: ` : 'setting '}"paragraphs" must be "lines" or "blocks"`, 'paragraphs' in fromFile ? CONFIG_FILE : undefined);
    }
  }

  // Severity overrides: settings first, the file's override them code by code.
  for (const [source, file] of [[settings.severity, undefined], [fromFile.severity, CONFIG_FILE]] as const) {
    if (source === undefined) {
      continue;
    }
    if (typeof source !== 'object' || source === null || Array.isArray(source)) {
      fail(`${file ? `${CONFIG_FILE}: ` : 'setting '}"severity" must map check codes to ${SEVERITIES.join(', ')} or off`, file);
      continue;
    }
    for (const [code, value] of Object.entries(source as Record<string, unknown>)) {
      if (value === 'off' || (SEVERITIES as readonly unknown[]).includes(value)) {
        config.severity[code] = value as SeverityOverride;
      } else {
        fail(`${file ? `${CONFIG_FILE}: ` : 'setting '}severity of "${code}" must be one of ${SEVERITIES.join(', ')}, off`, file);
      }
    }
  }

  return { config, problems, fatal };
}

type Resolved = { kind: 'inside'; path: string } | { kind: 'missing'; path: string } | { kind: 'outside' };

/** A user-level path the adapter admitted (workspace-relative, possibly climbing out): it only has to exist. */
async function resolveExternal(fs: WorkspaceFileSystem, raw: string): Promise<Resolved> {
  if ((await fs.stat(raw)) === undefined) {
    return { kind: 'missing', path: raw };
  }
  const real = await fs.realpath(raw);
  return real === undefined ? { kind: 'outside' } : { kind: 'inside', path: real };
}

/** Resolves a user-written path: lexically first, then through links with `realpath`. */
async function resolveInside(fs: WorkspaceFileSystem, raw: string): Promise<Resolved> {
  let decoded = raw;
  if (/%[0-9A-Fa-f]{2}/.test(raw)) {
    // A URI-encoded path (`..%2F..`) is judged by what it decodes to as well.
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return { kind: 'outside' };
    }
  }
  const lexical = normalizeRelativePath(decoded);
  if (lexical === undefined || normalizeRelativePath(raw) === undefined) {
    return { kind: 'outside' };
  }
  if ((await fs.stat(lexical)) === undefined) {
    return { kind: 'missing', path: lexical };
  }
  const real = await fs.realpath(lexical);
  return real === undefined ? { kind: 'outside' } : { kind: 'inside', path: real };
}
