/**
 * `pnote`: the command-line adapter over the language service.
 *
 *   pnote check [DIR] [--format text|json|sarif] [--cache-dir DIR | --no-cache]
 *
 * Exit status: 0 no errors, 1 errors found, 2 the check could not run.
 * The CLI never writes to the workspace: only its index cache, outside it by default.
 */
import { defaultCacheFolder, FileIndexCache } from '../node/indexCache';
import { workerHasher } from '../node/hashWorker';
import { NodeFileSystem } from '../node/nodeFs';
import { createLanguageService } from '../service';
import { formatJson, formatSarif, formatText, summarize } from './report';

declare const PNOTE_VERSION: string | undefined;
const VERSION = typeof PNOTE_VERSION === 'string' ? PNOTE_VERSION : '0.0.0-dev';

const USAGE = `Usage: pnote check [DIR] [--format text|json|sarif] [--cache-dir DIR | --no-cache]

Checks the policy notes of the workspace DIR (default: the current folder)
against its source corpus.

Options:
  --format FORMAT   text (default), json, or sarif (SARIF 2.1.0)
  --cache-dir DIR   keep the corpus index between runs in DIR
                    (default: $XDG_CACHE_HOME/policy-notes or ~/.cache/policy-notes)
  --no-cache        neither read nor write the index cache
  -h, --help        show this help
  --version         show the version

Exit status: 0 no errors, 1 errors found, 2 the check could not run.
`;

type Format = 'text' | 'json' | 'sarif';

interface Args {
  dir: string;
  format: Format;
  /** The cache folder; null: no cache. */
  cacheDir: string | null;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  if (argv.includes('-h') || argv.includes('--help')) {
    return 'help';
  }
  if (argv.includes('--version')) {
    return 'version';
  }
  const [command, ...rest] = argv;
  if (command === undefined) {
    throw new UsageError('missing command');
  }
  if (command !== 'check') {
    throw new UsageError(`unknown command "${command}"`);
  }
  let dir: string | undefined;
  let format: Format = 'text';
  let cacheDir: string | null | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    let value: string | undefined;
    if (arg === '--no-cache' || arg === '--cache-dir' || arg.startsWith('--cache-dir=')) {
      if (cacheDir !== undefined) {
        throw new UsageError('give one of --cache-dir and --no-cache, once');
      }
      if (arg === '--no-cache') {
        cacheDir = null;
        continue;
      }
      const folder = arg === '--cache-dir' ? rest[++i] : arg.slice('--cache-dir='.length);
      if (!folder || (arg === '--cache-dir' && folder.startsWith('-'))) {
        throw new UsageError('--cache-dir needs a folder');
      }
      cacheDir = folder;
      continue;
    }
    if (arg === '--format') {
      value = rest[++i];
      if (value === undefined) {
        throw new UsageError('--format needs a value: text, json or sarif');
      }
    } else if (arg.startsWith('--format=')) {
      value = arg.slice('--format='.length);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option "${arg}"`);
    } else if (dir === undefined) {
      dir = arg;
      continue;
    } else {
      throw new UsageError(`unexpected argument "${arg}"`);
    }
    if (value !== 'text' && value !== 'json' && value !== 'sarif') {
      throw new UsageError(`unknown format "${value}": use text, json or sarif`);
    }
    format = value;
  }
  return { dir: dir ?? '.', format, cacheDir: cacheDir === undefined ? defaultCacheFolder() : cacheDir };
}

/** Shows what the check is doing on stderr, on a terminal, once it takes more than a moment. */
function progressReporter(): { report: (done: number, total: number, message: string) => void; done: () => void } {
  const stream = process.stderr;
  const started = Date.now();
  let shown = false;
  if (!stream.isTTY) {
    return { report: () => undefined, done: () => undefined };
  }
  return {
    report(done, total, message) {
      if (Date.now() - started < 500) {
        return;
      }
      shown = true;
      stream.write(`\r\x1b[K${message}… ${done}/${total}`);
    },
    done() {
      if (shown) {
        stream.write('\r\x1b[K');
      }
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`pnote: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }

  let fs: NodeFileSystem;
  try {
    fs = await NodeFileSystem.open(args.dir);
  } catch (e) {
    process.stderr.write(`pnote: cannot read the workspace ${args.dir}: ${(e as Error).message}\n`);
    return 2;
  }
  const cache = args.cacheDir === null ? undefined : FileIndexCache.forWorkspace(args.cacheDir, fs.root, VERSION);
  // Words hashed on a second thread while this one builds the index (see hashWorker.ts).
  const hasher = workerHasher();
  const service = createLanguageService({ fs, cache, hasher });
  const progress = progressReporter();
  await service.load(progress.report);
  if (hasher?.failure) {
    process.stderr.write(`pnote: note: the corpus was hashed on one thread (the hashing thread failed: ${hasher.failure.message})\n`);
  }
  const { workspace } = service;
  if (workspace.configFatal) {
    progress.done();
    for (const problem of workspace.configProblems) {
      process.stderr.write(`pnote: ${problem.message}\n`);
    }
    return 2;
  }
  // The index cache is saved before the checks: it is encoded now, and written (on the
  // thread pool) while they run. A cache that cannot be written only costs the next run
  // time. Saved again after them if they changed the index (a source found changed when
  // its text was read): a no-op otherwise.
  const warn = (e: unknown) => {
    process.stderr.write(`pnote: warning: the index cache ${cache?.file} was not saved: ${(e as Error).message}\n`);
  };
  let failed = false;
  const saving = service.saveIndex().catch((e: unknown) => {
    failed = true;
    warn(e);
  });
  const files = service.allDiagnostics().filter((f) => f.diagnostics.length > 0);
  progress.done();
  const summary = summarize(service.stats(), files);
  const output = args.format === 'json' ? formatJson(files, summary) : args.format === 'sarif' ? formatSarif(files, VERSION) : formatText(files, summary);
  await new Promise<void>((resolve) => process.stdout.write(output, () => resolve()));
  await saving;
  if (!failed) {
    await service.saveIndex().catch(warn);
  }
  return summary.errors > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`pnote: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
