#!/usr/bin/env node
/**
 * `npm run bench`: the performance benchmark of issue 4.
 *
 *   node scripts/bench/run.mjs [--quick] [--gate] [--seed S] [--requests N] [--edits N]
 *                              [--repeat N] [--warm] [--prof] [--size 1k|10k] [--gate-ratio R]
 *                              [--skip check,floor,server] [--out FILE]
 *
 * Generates (or reuses, under `.bench/`) the 1k/200 and 10k/2,000 workspaces, then
 * measures, for each size, in fresh processes:
 *   - `pnote check DIR --format json` cold: wall time and peak RSS of the child;
 *   - the floor: reading and tokenising every corpus file (the project's tokenizer),
 *     each run right after a check run: check / floor is the median of those pairs;
 *   - the language server over stdio: initialize → first diagnostics of a note opened
 *     right after `initialized`; completion after `@`, `#`, `[@`; hover on mentions
 *     and citations; an edit → its new diagnostics; the server's peak RSS.
 * and prints one Markdown table with every figure next to its target (issue 4).
 *
 * --quick  only the 1k/200 workspace (CI);
 * --gate   exit 1 when a ratio check fails: check/floor > 6 (--gate-ratio R) at any size, or the
 *          10k/1k check time ratio > 12 (when both sizes ran). Ratios, not absolute
 *          times, so a slow or noisy machine does not fail it but a quadratic slip does;
 * --repeat N  pairs of a CLI run and a floor run per size, and cold starts of the server
 *             (medians; default 3);
 * --warm   also measure a second server start even without an on-disk cache;
 * --edits N   edits per size (default 20 at 1k, 12 at 10k: each waits for the server to be idle);
 * --requests N  completion and hover requests per kind (default 200);
 * --prof   also write CPU profiles of the CLI and the server to .bench/prof/ (slower);
 * --size 1k|10k, --skip check,floor,server   for working on one measurement.
 *
 * Needs `npm run build` first (the npm script does it). Writes only under `.bench/`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generate, GENERATOR_VERSION } from './generate.mjs';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const BENCH = path.join(REPO, '.bench');
const CLI = path.join(REPO, 'dist/cli.js');
const SERVER = path.join(REPO, 'dist/server.js');
const RUSAGE = path.join(HERE, 'rusage.cjs');
const FLOOR = path.join(HERE, 'floor.cjs');
/** The index cache folder the CLI (`--cache-dir`) and the server (`cacheDirectory`) get for a workspace. */
function cacheDirOf(ws) {
  return path.join(BENCH, `cache-${path.basename(ws.dir)}`);
}

/** Whether a run left an index cache behind. */
function hasCache(ws) {
  return fs.existsSync(cacheDirOf(ws)) && fs.readdirSync(cacheDirOf(ws)).some((f) => f.endsWith('.pnix'));
}

/** The server's debounce between an edit and its diagnostics (server/src/lsp/server.ts). */
function debounceMs() {
  try {
    const m = /DIAGNOSTIC_DEBOUNCE_MS\s*=\s*(\d+)/.exec(fs.readFileSync(path.join(REPO, 'server/src/lsp/server.ts'), 'utf8'));
    if (m) {
      return Number(m[1]);
    }
  } catch {
    // fall through
  }
  return 150;
}
const DEBOUNCE = debounceMs();

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

function parseArgs(argv) {
  const args = { quick: false, gate: false, gateRatio: 6, warm: false, prof: false, seed: 1, requests: 200, edits: undefined, repeat: undefined, out: undefined, only: undefined, skip: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick' || a === '--gate' || a === '--warm' || a === '--prof') {
      args[a.slice(2)] = true;
    } else if (a === '--seed' || a === '--requests' || a === '--edits' || a === '--repeat') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) {
        throw new Error(`${a} needs a positive integer`);
      }
      args[a.slice(2)] = n;
    } else if (a === '--gate-ratio') {
      args.gateRatio = Number(argv[++i]);
      if (!(args.gateRatio > 0)) {
        throw new Error('--gate-ratio needs a positive number');
      }
    } else if (a === '--out') {
      args.out = argv[++i];
    } else if (a === '--size') {
      args.only = { '1k': 1000, '10k': 10000 }[argv[++i]];
      if (!args.only) {
        throw new Error('--size takes 1k or 10k');
      }
    } else if (a === '--skip') {
      args.skip = argv[++i].split(',');
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0].replace(/^#.*\n\/\*\*\n/, '').replace(/^ \* ?/gm, '') + '\n');
      process.exit(0);
    } else {
      throw new Error(`unknown argument ${a}`);
    }
  }
  return args;
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

function percentile(values, p) {
  if (!values.length) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const median = (values) => percentile(values, 50);

function fmtTime(ms) {
  if (ms === undefined || Number.isNaN(ms)) {
    return 'n/a';
  }
  if (ms >= 1000) {
    return `${(ms / 1000).toFixed(2)} s`;
  }
  if (ms >= 100) {
    return `${ms.toFixed(0)} ms`;
  }
  return `${ms.toFixed(1)} ms`;
}
const fmtMB = (kb) => (kb === undefined || Number.isNaN(kb) ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const fmtRatio = (r) => (r === undefined || Number.isNaN(r) || !Number.isFinite(r) ? 'n/a' : `×${r.toFixed(r >= 10 ? 1 : 2)}`);

function hashFiles(files) {
  const h = createHash('sha1');
  for (const f of files) {
    h.update(fs.readFileSync(f));
  }
  return h.digest('hex').slice(0, 10);
}

/** The workspace for `sources`/`notes`, generated once and cached under `.bench/`. */
function workspace(sources, notes, seed) {
  const key = `ws-${sources}-${notes}-s${seed}-g${GENERATOR_VERSION}-${hashFiles([path.join(HERE, 'generate.mjs')])}`;
  const dir = path.join(BENCH, key);
  const manifestFile = path.join(dir, '.bench-workspace.json');
  fs.mkdirSync(BENCH, { recursive: true });
  // Drop stale generations of the same size (older generator code).
  for (const name of fs.readdirSync(BENCH)) {
    if (name.startsWith(`ws-${sources}-${notes}-s${seed}-`) && name !== key) {
      log(`removing stale ${name}`);
      fs.rmSync(path.join(BENCH, name), { recursive: true, force: true });
    }
  }
  if (fs.existsSync(manifestFile)) {
    return { dir, manifest: JSON.parse(fs.readFileSync(manifestFile, 'utf8')), generated: false, seconds: 0 };
  }
  log(`generating ${sources} sources / ${notes} notes into ${path.relative(REPO, dir)} …`);
  const t = performance.now();
  const manifest = generate({ out: dir, sources, notes, seed });
  return { dir, manifest, generated: true, seconds: (performance.now() - t) / 1000 };
}

/** Extra Node options for the measured CLI and server (`--prof`). */
let PROF_ARGS = [];

/** Runs `node --require rusage.cjs …args` to completion: wall ms, peak RSS KB, exit code, stdout file. */
function runMeasured(args, label) {
  const rusageFile = path.join(BENCH, `rusage-${process.pid}.json`);
  const stdoutFile = path.join(BENCH, `${label}.out`);
  fs.rmSync(rusageFile, { force: true });
  const out = fs.openSync(stdoutFile, 'w');
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--require', RUSAGE, ...args], {
    cwd: REPO,
    stdio: ['ignore', out, 'pipe'],
    env: { ...process.env, PNOTE_BENCH_RUSAGE: rusageFile },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15 * 60 * 1000,
  });
  const wall = performance.now() - t;
  fs.closeSync(out);
  let usage = {};
  try {
    usage = JSON.parse(fs.readFileSync(rusageFile, 'utf8'));
  } catch {
    // the child died before its exit handler ran
  }
  fs.rmSync(rusageFile, { force: true });
  const stderr = r.stderr?.toString() ?? '';
  return { wall, rss: usage.maxRSS, cpu: usage.userCPUTime !== undefined ? (usage.userCPUTime + usage.systemCPUTime) / 1000 : undefined, status: r.status, signal: r.signal, stderr, stdoutFile };
}

// ---------------------------------------------------------------------------
// CLI and floor
// ---------------------------------------------------------------------------

function removeCache(ws) {
  fs.rmSync(cacheDirOf(ws), { recursive: true, force: true });
}

/** One cold check (the cache folder emptied first: it indexes everything and writes the cache). */
function runCheck(ws, label) {
  removeCache(ws);
  const r = runMeasured([...PROF_ARGS, CLI, 'check', ws.dir, '--format', 'json', '--cache-dir', cacheDirOf(ws)], `check-${label}`);
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`pnote check failed (status ${r.status}, signal ${r.signal}):\n${r.stderr.slice(0, 2000)}`);
  }
  return r;
}

/**
 * The cold checks and the floors, in pairs: each check is followed at once by a floor,
 * so that a check and its floor see the machine in the same state (its speed drifts
 * by more than a second at 10k from one minute to the next). `check / floor` is the
 * median of the pairs' ratios. Either may be skipped.
 */
function measureCheckAndFloor(ws, label, repeat, tokenizer, { check, floor }) {
  const checks = [];
  const floors = [];
  for (let i = 0; i < repeat; i++) {
    if (check) {
      checks.push(runCheck(ws, label));
    }
    if (floor) {
      floors.push(runFloor(ws, label, tokenizer));
    }
  }
  const ratios = check && floor ? checks.map((c, i) => c.wall / floors[i].wall) : [];
  return {
    check: check ? summarizeChecks(ws, label, repeat, checks) : { runs: [], codes: {} },
    floor: floor ? summarizeFloors(floors) : { runs: [], counts: { words: 0 } },
    ratio: ratios.length ? { median: median(ratios), runs: ratios } : undefined,
  };
}

function summarizeChecks(ws, label, repeat, runs) {
  let summary;
  const codes = {};
  const files = new Set();
  try {
    const json = JSON.parse(fs.readFileSync(runs[runs.length - 1].stdoutFile, 'utf8'));
    summary = json.summary;
    for (const d of json.diagnostics) {
      codes[d.code] = (codes[d.code] ?? 0) + 1;
      files.add(d.file);
    }
  } catch (e) {
    log(`cannot read the check's JSON output: ${e.message}`);
  }
  const result = { wall: median(runs.map((r) => r.wall)), rss: median(runs.map((r) => r.rss)), cpu: median(runs.map((r) => r.cpu)), runs: runs.map((r) => Math.round(r.wall)), summary, codes, files, warm: undefined };
  // Warm runs: the last cold run left its index cache behind.
  if (hasCache(ws)) {
    const warm = [];
    for (let i = 0; i < repeat; i++) {
      warm.push(runMeasured([CLI, 'check', ws.dir, '--format', 'json', '--cache-dir', cacheDirOf(ws)], `check-warm-${label}`));
    }
    const same = warm.every((w) => fs.readFileSync(w.stdoutFile, 'utf8') === fs.readFileSync(runs[runs.length - 1].stdoutFile, 'utf8'));
    result.warm = { wall: median(warm.map((w) => w.wall)), rss: median(warm.map((w) => w.rss)), runs: warm.map((w) => Math.round(w.wall)), same };
  }
  return result;
}

function bundleTokenizer() {
  const esbuild = require('esbuild');
  const outfile = path.join(BENCH, 'tokenize.cjs');
  esbuild.buildSync({ entryPoints: [path.join(REPO, 'server/src/corpus/tokenize.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning' });
  return outfile;
}

function runFloor(ws, label, tokenizer) {
  const r = runMeasured([FLOOR, tokenizer, ws.dir], `floor-${label}`);
  if (r.status !== 0) {
    throw new Error(`floor failed: ${r.stderr.slice(0, 2000)}`);
  }
  return r;
}

function summarizeFloors(runs) {
  const counts = JSON.parse(fs.readFileSync(runs[0].stdoutFile, 'utf8'));
  return { wall: median(runs.map((r) => r.wall)), rss: median(runs.map((r) => r.rss)), runs: runs.map((r) => Math.round(r.wall)), counts };
}

// ---------------------------------------------------------------------------
// Language server over stdio
// ---------------------------------------------------------------------------

const rpc = require('vscode-jsonrpc/node');
const { URI } = require('vscode-uri');

/** UTF-16 position of an offset. */
function positionAt(text, offset) {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

class Client {
  constructor(root, cacheDirectory) {
    this.root = root;
    this.cacheDirectory = cacheDirectory;
    this.child = spawn(process.execPath, [...PROF_ARGS, SERVER, '--stdio'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.child.stderr.on('data', (d) => {
      this.stderr += d;
    });
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
    this.connection = rpc.createMessageConnection(new rpc.StreamMessageReader(this.child.stdout), new rpc.StreamMessageWriter(this.child.stdin));
    this.waiters = [];
    this.published = new Map();
    this.statsChanged = 0;
    this.errors = [];
    const c = this.connection;
    c.onNotification('textDocument/publishDiagnostics', (params) => {
      const at = performance.now();
      this.published.set(params.uri, { ...params, at });
      this.fire({ kind: 'diagnostics', params, at });
    });
    c.onNotification('policyNotes/statsChanged', () => {
      this.statsChanged++;
      this.fire({ kind: 'stats', at: performance.now() });
    });
    c.onNotification('window/logMessage', (p) => {
      if (p.type === 1) {
        this.errors.push(p.message);
      }
    });
    c.onNotification('window/showMessage', () => undefined);
    c.onNotification('$/progress', () => undefined);
    c.onRequest('window/workDoneProgress/create', () => null);
    c.onRequest('client/registerCapability', () => null);
    c.onRequest('workspace/configuration', (params) => params.items.map(() => ({})));
    c.listen();
  }

  uri(rel) {
    return URI.file(rel === '' ? this.root : path.join(this.root, rel)).toString();
  }

  fire(event) {
    for (const w of [...this.waiters]) {
      if (w.predicate(event)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(event);
      }
    }
  }

  /** Resolves with the first event matching `predicate`, registered now; rejects after `ms`. */
  waitFor(what, predicate, ms) {
    return new Promise((resolve, reject) => {
      const w = { predicate, resolve };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      w.timer.unref();
      this.waiters.push(w);
    });
  }

  async initialize() {
    const uri = this.uri('');
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: 'bench' }],
      initializationOptions: { trusted: true, cacheDirectory: this.cacheDirectory },
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
        window: { workDoneProgress: true },
        textDocument: {
          synchronization: { didSave: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          completion: { completionItem: { snippetSupport: true } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
    });
    await this.connection.sendNotification('initialized', {});
  }

  /** Peak resident set size of the server process (KB), from /proc (Linux). */
  peakRss() {
    try {
      const m = /VmHWM:\s*(\d+)\s*kB/.exec(fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }

  async stop() {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 5000).unref())]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 3000).unref())]);
    this.connection.dispose();
    if (this.child.exitCode === null) {
      this.child.kill();
    }
  }
}

/** Positions in `text` for completion (after a sigil, 0-3 characters of the id typed) and hover. */
function positionsOf(text) {
  const out = { '@': [], '#': [], '[@': [], hoverMention: [], hoverCitation: [] };
  // Citations first: a `@key` inside `[…]` is a source, not an entity mention.
  const brackets = [];
  for (const m of text.matchAll(/\[[^\]\n]*@[^\]\n]*\]/g)) {
    brackets.push([m.index, m.index + m[0].length]);
  }
  const inBracket = (i) => brackets.some(([a, b]) => i > a && i < b);
  const mention = /(^|[\s(["'«“])([@#])([A-Za-z0-9][A-Za-z0-9_-]*)/g;
  for (let m = mention.exec(text); m; m = mention.exec(text)) {
    const sigilAt = m.index + m[1].length;
    if (inBracket(sigilAt)) {
      continue;
    }
    out[m[2]].push({ at: sigilAt + 1, id: m[3] });
    out.hoverMention.push(sigilAt + 1 + (m[3].length >> 1));
  }
  const citation = /\[@([A-Za-z0-9_-]+)/g;
  for (let m = citation.exec(text); m; m = citation.exec(text)) {
    out['[@'].push({ at: m.index + 2, id: m[1] });
    out.hoverCitation.push(m.index + 2 + (m[1].length >> 1));
  }
  return out;
}

async function timed(fn) {
  const t = performance.now();
  const result = await fn();
  return { ms: performance.now() - t, result };
}

/**
 * One server session on `ws`: cold start to the opened note's diagnostics, then
 * completion, hover and edit latencies, then the peak RSS.
 */
async function measureServer(ws, opts) {
  const note = ws.manifest.sampleNote;
  const text = fs.readFileSync(path.join(ws.dir, note), 'utf8');
  const result = { note, errors: [] };
  if (!opts.keepCache) {
    removeCache(ws);
  }
  const t0 = performance.now();
  const client = new Client(ws.dir, cacheDirOf(ws));
  const noteUri = client.uri(note);
  try {
    const firstDiagnostics = client.waitFor('the first diagnostics of the opened note', (e) => e.kind === 'diagnostics' && e.params.uri === noteUri, opts.startTimeout);
    await client.initialize();
    const tInit = performance.now();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: noteUri, languageId: 'pnote', version: 1, text } });
    const first = await firstDiagnostics;
    result.firstDiagnostics = first.at - t0;
    result.initializeRoundTrip = tInit - t0;
    result.firstCount = first.params.diagnostics.length;
    if (opts.startOnly) {
      if (opts.verify) {
        // Then the load's own publication (a warm start may show saved results first):
        // when it is over, and whether the note's first diagnostics were its final ones.
        await client.waitFor('the end of the first full publication', (e) => e.kind === 'stats', opts.startTimeout).catch((e) => result.errors.push(e.message));
        result.settled = performance.now() - t0;
        result.firstIsFinal = JSON.stringify(client.published.get(noteUri)?.diagnostics) === JSON.stringify(first.params.diagnostics);
        result.publishedFiles = [...client.published.values()].filter((p) => p.diagnostics.length > 0).length;
      }
      return result;
    }
    // Wait until every file the CLI found a problem in has its diagnostics published
    // (the same set, as FORMAT.md requires), or, without a CLI run, for the end of a
    // publication (a statsChanged notification).
    if (opts.expectedFiles) {
      const expected = new Set([...opts.expectedFiles].map((f) => client.uri(f)));
      const done = () => [...expected].every((u) => client.published.get(u)?.diagnostics.length > 0);
      if (!done()) {
        await client.waitFor('the diagnostics of every file with a problem', () => done(), opts.startTimeout).catch((e) => result.errors.push(e.message));
      }
      result.expectedFiles = expected.size;
    } else {
      await client.waitFor('the end of a publication', (e) => e.kind === 'stats', opts.startTimeout).catch((e) => result.errors.push(e.message));
    }
    result.allPublished = performance.now() - t0;
    result.publishedFiles = [...client.published.values()].filter((p) => p.diagnostics.length > 0).length;
    // The server publishes the opened note before it parses the notes without
    // definitions (Workspace.load's deferNotes): its first diagnostics must be final.
    result.firstIsFinal = JSON.stringify(client.published.get(noteUri)?.diagnostics) === JSON.stringify(first.params.diagnostics);
    // Then for the server to be idle (the publication's statsChanged).
    await client.waitFor('the server to be idle', (e) => e.kind === 'stats', 5000).catch(() => undefined);

    // Completion after @, # and [@ at varied positions (0-3 characters of the id typed).
    const pos = positionsOf(text);
    result.completion = {};
    for (const kind of ['@', '#', '[@']) {
      const places = pos[kind];
      const times = [];
      let items = 0;
      if (places.length) {
        for (let i = 0; i < opts.requests; i++) {
          const place = places[i % places.length];
          const typed = Math.min(place.id.length, Math.floor(i / places.length) % 4);
          const position = positionAt(text, place.at + typed);
          const { ms, result: list } = await timed(() => client.connection.sendRequest('textDocument/completion', { textDocument: { uri: noteUri }, position }));
          times.push(ms);
          items += Array.isArray(list) ? list.length : (list?.items?.length ?? 0);
        }
      }
      result.completion[kind] = { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), n: times.length, places: places.length, meanItems: times.length ? items / times.length : 0, samples: times.map((t) => Math.round(t * 10) / 10) };
    }

    // Hover on mentions and on citations.
    result.hover = {};
    for (const kind of ['hoverMention', 'hoverCitation']) {
      const places = pos[kind];
      const times = [];
      let empty = 0;
      for (let i = 0; i < opts.requests && places.length; i++) {
        const position = positionAt(text, places[i % places.length]);
        const { ms, result: h } = await timed(() => client.connection.sendRequest('textDocument/hover', { textDocument: { uri: noteUri }, position }));
        times.push(ms);
        if (!h) {
          empty++;
        }
      }
      const first = times.slice(0, places.length);
      result.hover[kind] = { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), n: times.length, places: places.length, empty, firstP50: percentile(first, 50), firstP95: percentile(first, 95), samples: times.map((t) => Math.round(t * 10) / 10) };
    }

    // Edits: each replaces the note's last line with a new unknown mention, so the
    // diagnostics change every time (the server publishes only changes).
    let current = text.endsWith('\n') ? text : text + '\n';
    const lines = current.split('\n');
    const lastLine = lines.length - 1; // the empty line after the final newline
    let version = 1;
    let lastText = '';
    const raw = [];
    const settle = [];
    const busy = [];
    for (let i = 0; i < opts.edits; i++) {
      version++;
      const newText = `Edit ${i}: see @bench-edit-${i}.`;
      const v = version;
      const published = client.waitFor(`diagnostics of version ${v}`, (e) => e.kind === 'diagnostics' && e.params.uri === noteUri && e.params.version === v, 30000);
      const settled = published.then(() => client.waitFor('the end of the publication', (e) => e.kind === 'stats', 60000).catch(() => undefined));
      const t = performance.now();
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: noteUri, version: v },
        contentChanges: [{ range: { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: lastText.length } }, text: newText }],
      });
      lastText = newText;
      try {
        const e = await published;
        raw.push(e.at - t);
      } catch (err) {
        result.errors.push(err.message);
        break;
      }
      // A completion asked right after the note's new diagnostics, while the server
      // may still be re-publishing the other files (a user typing on).
      const place = pos['@'][i % Math.max(1, pos['@'].length)];
      if (place) {
        const { ms } = await timed(() => client.connection.sendRequest('textDocument/completion', { textDocument: { uri: noteUri }, position: positionAt(text, place.at + 1) }));
        busy.push(ms);
      }
      const end = await settled;
      if (end) {
        settle.push(end.at - t);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    result.edit = { p50: percentile(raw, 50), p95: percentile(raw, 95), max: Math.max(...raw), n: raw.length, samples: raw.map((t) => Math.round(t * 10) / 10) };
    result.settle = { p50: percentile(settle, 50), p95: percentile(settle, 95), n: settle.length };
    result.busyCompletion = { p50: percentile(busy, 50), p95: percentile(busy, 95), n: busy.length, samples: busy.map((t) => Math.round(t * 10) / 10) };
    result.peakRss = client.peakRss();
    return result;
  } finally {
    result.errors.push(...client.errors.slice(0, 5));
    if (result.peakRss === undefined) {
      result.peakRss = client.peakRss();
    }
    await client.stop();
    if (client.stderr.trim()) {
      result.errors.push(`server stderr: ${client.stderr.trim().slice(0, 500)}`);
    }
  }
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

const OK = '✅';
const MISS = '❌';

function table(results) {
  const small = results.find((r) => r.sources === 1000);
  const big = results.find((r) => r.sources === 10000);
  const get = (r, f) => {
    if (!r) {
      return undefined;
    }
    try {
      return f(r);
    } catch {
      return undefined;
    }
  };
  const ratio = (f) => {
    const a = get(small, f);
    const b = get(big, f);
    return a !== undefined && b !== undefined && big !== small ? b / a : undefined;
  };
  const rows = [];
  const verdict = (value, limit) => (value === undefined || Number.isNaN(value) ? '—' : value <= limit ? OK : MISS);
  /** A row whose absolute target applies to the 10k workspace. */
  const row = (what, target, f, fmt, limit, growth) => {
    const r = ratio(f);
    const abs = big ? verdict(get(big, f), limit) : '—';
    let v = limit === undefined ? '' : abs;
    if (growth !== undefined && r !== undefined) {
      v += `${v ? ' ' : ''}growth ${r <= growth ? OK : MISS}`;
    }
    rows.push([what, target, small ? fmt(get(small, f)) : '', big ? fmt(get(big, f)) : '', fmtRatio(r), v || '—']);
  };
  row('`pnote check` cold, whole workspace: wall', '≤ 3 s', (r) => r.check.wall, fmtTime, 3000, 12);
  row('`pnote check` cold: peak RSS', '≤ 500 MB', (r) => r.check.rss, fmtMB, 500 * 1024, 12);
  row('`pnote check` warm (index restored from its on-disk cache): wall', '—', (r) => r.check.warm?.wall, fmtTime, undefined, undefined);
  row('floor: read + tokenise the corpus (fresh process): wall', '—', (r) => r.floor.wall, fmtTime, undefined, undefined);
  {
    // Judged on the 10k workspace, like every target of the issue's table (its heading:
    // "a generated workspace of 10,000 sources"); the 1k ratio is the CI gate's, with
    // its own bound (see --gate). Until 2026-11-30 the verdict asked ≤ 3 of both sizes.
    // Two decimals: at 10k the ratio is near its bound (2.99 and 3.04 both round to 3.0).
    const f = (r) => r.ratio?.median;
    const a = get(small, f);
    const b = get(big, f);
    const ok = (x) => x !== undefined && Number.isFinite(x);
    rows.push(['check / floor', '≤ 3', ok(a) ? `${a.toFixed(2)}` : '', ok(b) ? `${b.toFixed(2)}` : '', '', big ? (ok(b) ? (b <= 3 ? OK : MISS) : '—') : '—']);
  }
  row('server: initialize → diagnostics of the first opened note (cold)', '≤ 3 s', (r) => r.server.firstDiagnostics, fmtTime, 3000, 12);
  if (big?.server?.firstIsFinal === false) {
    // The figure counts only when those first diagnostics were the note's final ones.
    const last = rows[rows.length - 1];
    last[5] = last[5].startsWith(OK) || last[5].startsWith(MISS) ? `${MISS} (changed afterwards)${last[5].slice((last[5].startsWith(OK) ? OK : MISS).length)}` : last[5];
  }
  row('server: initialize → diagnostics of every file with a problem (cold)', '—', (r) => r.server.allPublished, fmtTime, undefined, 12);
  {
    const w = (r) => r.serverWarm?.firstDiagnostics;
    const b = get(big, w);
    const note = (r) => (r?.serverWarm?.hasCache ? fmtTime(w(r)) : r ? 'N/A (no on-disk cache)' : '');
    // The figure counts only when those first diagnostics were the final ones (a warm
    // start may show the saved results of the last check before its load is over).
    const final = big?.serverWarm?.firstIsFinal !== false;
    rows.push(['server: initialize → diagnostics of the first opened note, warm on-disk cache', '≤ 1 s', note(small), note(big), '', big?.serverWarm?.hasCache ? (final ? verdict(b, 1000) : `${MISS} (changed afterwards)`) : 'N/A']);
    const settled = (r) => (r?.serverWarm?.hasCache && r.serverWarm.settled !== undefined ? fmtTime(r.serverWarm.settled) : '');
    rows.push(['server, warm: its load over and every change published', '—', settled(small), settled(big), '', '—']);
  }
  for (const kind of ['@', '#', '[@']) {
    const f = (r) => r.server.completion?.[kind];
    rows.push([
      `completion after \`${kind}\` p50 / p95`,
      'p95 ≤ 10 ms',
      get(small, (r) => `${fmtTime(f(r)?.p50)} / ${fmtTime(f(r)?.p95)}`) ?? '',
      big ? `${fmtTime(f(big)?.p50)} / ${fmtTime(f(big)?.p95)}` : '',
      fmtRatio(ratio((r) => f(r)?.p95)),
      big ? verdict(f(big)?.p95, 10) : '—',
    ]);
  }
  for (const [kind, label] of [['hoverMention', 'a mention'], ['hoverCitation', 'a citation']]) {
    const f = (r) => r.server.hover?.[kind];
    rows.push([
      `hover on ${label} p50 / p95`,
      'p95 ≤ 10 ms',
      get(small, (r) => `${fmtTime(f(r)?.p50)} / ${fmtTime(f(r)?.p95)}`) ?? '',
      big ? `${fmtTime(f(big)?.p50)} / ${fmtTime(f(big)?.p95)}` : '',
      fmtRatio(ratio((r) => f(r)?.p95)),
      big ? verdict(f(big)?.p95, 10) : '—',
    ]);
  }
  {
    const f = (r) => r.server.edit;
    rows.push([
      'edit → its new diagnostics, raw p50 / p95',
      `≤ 50 ms + ${DEBOUNCE} ms`,
      get(small, (r) => `${fmtTime(f(r)?.p50)} / ${fmtTime(f(r)?.p95)}`) ?? '',
      big ? `${fmtTime(f(big)?.p50)} / ${fmtTime(f(big)?.p95)}` : '',
      '',
      big ? verdict(f(big)?.p95, 50 + DEBOUNCE) : '—',
    ]);
    const g = (r) => (f(r) ? { p50: f(r).p50 - DEBOUNCE, p95: f(r).p95 - DEBOUNCE } : undefined);
    const r95 = ratio((r) => g(r)?.p95);
    rows.push([
      `edit → diagnostics minus the ${DEBOUNCE} ms debounce, p50 / p95`,
      '≤ 50 ms; no growth',
      get(small, (r) => `${fmtTime(g(r)?.p50)} / ${fmtTime(g(r)?.p95)}`) ?? '',
      big ? `${fmtTime(g(big)?.p50)} / ${fmtTime(g(big)?.p95)}` : '',
      fmtRatio(r95),
      big ? `${verdict(g(big)?.p95, 50)}${r95 !== undefined ? ` growth ${r95 <= 2 ? OK : MISS}` : ''}` : '—',
    ]);
  }
  {
    const f = (r) => r.server.busyCompletion;
    rows.push([
      'completion after `@` right after an edit\'s diagnostics, p50 / p95',
      'p95 ≤ 10 ms',
      get(small, (r) => `${fmtTime(f(r)?.p50)} / ${fmtTime(f(r)?.p95)}`) ?? '',
      big ? `${fmtTime(f(big)?.p50)} / ${fmtTime(f(big)?.p95)}` : '',
      fmtRatio(ratio((r) => f(r)?.p95)),
      big ? verdict(f(big)?.p95, 10) : '—',
    ]);
  }
  {
    const f = (r) => r.server.settle?.p50;
    rows.push(['edit → server idle again (its publication over), p50', '— (requests wait meanwhile)', small ? fmtTime(get(small, f)) : '', big ? fmtTime(get(big, f)) : '', fmtRatio(ratio(f)), '—']);
  }
  row('server: peak RSS', '(grows ≤ ×12)', (r) => r.server.peakRss, fmtMB, undefined, 12);
  const out = [];
  const head = (r, fallback) => (r ? `${r.sources / 1000}k sources / ${r.notes.toLocaleString('en')} notes` : fallback);
  out.push(`| measure | target (at 10k) | ${head(small, '1k (not run)')} | ${head(big, '10k (not run)')} | 10k / 1k | verdict |`);
  out.push('|---|---|---|---|---|---|');
  for (const r of rows) {
    out.push(`| ${r.join(' | ')} |`);
  }
  return out.join('\n');
}

function gateChecks(results, bound) {
  const failures = [];
  const notes = [];
  for (const r of results) {
    if (r.ratio === undefined) {
      if (r.check.runs.length > 0 && r.floor.runs.length > 0) {
        failures.push(`check/floor at ${r.sources / 1000}k was not measured`); // both ran: the gate must not pass unchecked
      }
      continue;
    }
    const q = r.ratio.median;
    notes.push(`check/floor at ${r.sources / 1000}k = ${q.toFixed(2)} (gate ≤ ${bound})`);
    if (!(q <= bound)) {
      failures.push(`check/floor at ${r.sources / 1000}k is ${q.toFixed(2)} > ${bound}`);
    }
  }
  const small = results.find((r) => r.sources === 1000);
  const big = results.find((r) => r.sources === 10000);
  if (small?.check.wall && big?.check.wall) {
    const q = big.check.wall / small.check.wall;
    notes.push(`10k/1k check time = ${q.toFixed(2)} (gate ≤ 12)`);
    if (!(q <= 12)) {
      failures.push(`10k/1k check time ratio is ${q.toFixed(2)} > 12`);
    }
  }
  return { failures, notes };
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  for (const f of [CLI, SERVER]) {
    if (!fs.existsSync(f)) {
      throw new Error(`${path.relative(REPO, f)} is missing: run \`npm run build\` first`);
    }
  }
  let sizes = args.quick ? [[1000, 200]] : [[1000, 200], [10000, 2000]];
  if (args.only) {
    sizes = sizes.filter(([n]) => n === args.only);
  }
  if (args.prof) {
    const dir = path.join(BENCH, 'prof');
    fs.mkdirSync(dir, { recursive: true });
    PROF_ARGS = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  }
  const phases = [];
  const phase = async (name, fn) => {
    const t = performance.now();
    const value = await fn();
    phases.push([name, performance.now() - t]);
    return value;
  };

  const tokenizer = await phase('bundle the tokenizer', () => bundleTokenizer());
  const results = [];
  for (const [sources, notes] of sizes) {
    const label = `${sources / 1000}k`;
    const ws = await phase(`workspace ${label} (generate or reuse)`, () => workspace(sources, notes, args.seed));
    const repeat = args.repeat ?? 3;
    const r = { sources, notes, ws, manifest: ws.manifest, generated: ws.generated, generateSeconds: ws.seconds };
    const skip = new Set(args.skip);
    r.check = { runs: [], codes: {} };
    r.floor = { runs: [], counts: { words: 0 } };
    r.server = { errors: [] };
    const which = { check: !skip.has('check'), floor: !skip.has('floor') };
    if (which.check || which.floor) {
      const what = [which.check && 'pnote check', which.floor && 'floor'].filter(Boolean).join(' + ');
      log(`${label}: ${what} ×${repeat} …`);
      Object.assign(r, await phase(`${what} ${label} ×${repeat}`, () => measureCheckAndFloor(ws, label, repeat, tokenizer, which)));
    }
    const timeout = sources >= 10000 ? 240000 : 60000;
    const edits = args.edits ?? (sources >= 10000 ? 12 : 20);
    try {
      if (!skip.has('server')) {
        // The cold start is the median of `repeat` starts (one sample moves by a second
        // here): first `repeat - 1` starts that stop at the note's first diagnostics,
        // then the session that goes on to the requests and edits.
        const starts = [];
        for (let i = 1; i < repeat; i++) {
          log(`${label}: language server, cold start ${i} …`);
          const only = await phase(`server cold start ${label} #${i}`, () => measureServer(ws, { startOnly: true, startTimeout: timeout }));
          if (only.firstDiagnostics !== undefined) {
            starts.push(only.firstDiagnostics);
          }
        }
        log(`${label}: language server …`);
        r.server = await phase(`server ${label}`, () => measureServer(ws, { requests: args.requests, edits, startTimeout: timeout, expectedFiles: r.check.files }));
        if (r.server.firstDiagnostics !== undefined) {
          starts.push(r.server.firstDiagnostics);
          r.server.coldStarts = starts;
          r.server.firstDiagnostics = median(starts);
        }
      }
    } catch (e) {
      r.server = { errors: [e.message] };
      log(`${label}: server measurement failed: ${e.message}`);
    }
    if (!skip.has('server') && (hasCache(ws) || args.warm)) {
      log(`${label}: language server, second start …`);
      try {
        r.serverWarm = await phase(`server warm ${label}`, () => measureServer(ws, { startOnly: true, verify: true, keepCache: true, startTimeout: timeout }));
        r.serverWarm.hasCache = hasCache(ws);
      } catch (e) {
        log(`${label}: warm start failed: ${e.message}`);
      }
    }
    results.push(r);
  }
  const total = performance.now() - started;

  const lines = [];
  const date = new Date().toISOString().replace('T', ' ').replace(/\..*/, ' UTC');
  lines.push(`### Benchmark — ${date}`);
  lines.push('');
  lines.push(`\`node scripts/bench/run.mjs ${process.argv.slice(2).join(' ')}\`${''.padEnd(0)} on ${os.cpus().length} × ${os.cpus()[0]?.model?.trim() ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}, seed ${args.seed}.`);
  lines.push('');
  lines.push(table(results));
  lines.push('');
  for (const r of results) {
    const m = r.manifest.counts;
    const s = r.check.summary;
    lines.push(
      `- ${r.sources / 1000}k workspace: ${m.sources} sources (${(m.corpusBytes / 1e6).toFixed(1)} MB, ${r.floor.counts.words.toLocaleString('en')} words by the floor), ${m.notes} notes, ${m.citations} citations, ${m.quotations} quotations (${m.altered.word + m.altered.drop + m.altered.number} altered), ${m.entities} entities, ${m.events} events. ` +
        `Check: ${s ? `${s.citations} citations, ${s.errors} errors, ${s.warnings} warnings, ${s.information} information, ${s.hints} hints` : 'no summary'} ` +
        `(${Object.entries(r.check.codes).map(([k, v]) => `${k} ${v}`).join(', ')}); CLI runs ${r.check.runs.join(', ')} ms, CPU ${fmtTime(r.check.cpu)}; floor runs ${r.floor.runs.join(', ')} ms, peak RSS ${fmtMB(r.floor.rss)}${r.ratio ? `; check / floor by pair ${r.ratio.runs.map((q) => q.toFixed(2)).join(', ')}` : ''}.`,
    );
    if (r.server?.edit) {
      const c = r.server.completion;
      lines.push(
        `  Server: ${r.server.coldStarts ? `cold starts to the note's first diagnostics ${r.server.coldStarts.map((t) => Math.round(t)).join(', ')} ms (the last one the session below); ` : ''}initialize answered after ${fmtTime(r.server.initializeRoundTrip)}, every file with a problem published after ${fmtTime(r.server.allPublished)}${r.server.firstIsFinal === undefined ? '' : r.server.firstIsFinal ? ", the note's first diagnostics its final ones" : ", the note's first diagnostics CHANGED afterwards"} (${r.server.publishedFiles} files with diagnostics${r.server.expectedFiles !== undefined ? `; the CLI reports ${r.server.expectedFiles}` : ''}); ` +
          `note \`${r.server.note}\`; completions ${Object.entries(c).map(([k, v]) => `\`${k}\` n=${v.n} at ${v.places} places, ~${v.meanItems.toFixed(0)} items, max ${fmtTime(v.max)}`).join('; ')}; ` +
          `hovers ${Object.entries(r.server.hover).map(([k, v]) => `${k === 'hoverMention' ? 'mention' : 'citation'} n=${v.n} at ${v.places} places (${v.empty} empty), first hover of each place p50 ${fmtTime(v.firstP50)} / p95 ${fmtTime(v.firstP95)}, max ${fmtTime(v.max)}`).join('; ')}; edits n=${r.server.edit?.n}, max ${fmtTime(r.server.edit?.max)}, server idle again after p50 ${fmtTime(r.server.settle?.p50)} / p95 ${fmtTime(r.server.settle?.p95)}; peak RSS ${fmtMB(r.server.peakRss)}.`,
      );
    }
    if (r.serverWarm) {
      const w = r.serverWarm;
      const verified = w.settled === undefined ? '' : `; its load over and every change published after ${fmtTime(w.settled)}; the note's first diagnostics ${w.firstIsFinal ? 'were its final ones' : 'CHANGED afterwards'}; ${w.publishedFiles} files with diagnostics${r.check?.files ? ` (the CLI reports ${r.check.files.length ?? r.check.files.size})` : ''}`;
      lines.push(`  Second server start: ${fmtTime(w.firstDiagnostics)} (${w.hasCache ? `with the index cache in ${path.relative(REPO, cacheDirOf(r.ws ?? { dir: '' }))}` : 'no on-disk cache: not a warm-cache figure'})${verified}.`);
    }
    if (r.check.warm) {
      lines.push(`  Warm CLI check (index restored from its cache): runs ${r.check.warm.runs.join(', ')} ms, peak RSS ${fmtMB(r.check.warm.rss)}; output ${r.check.warm.same ? 'identical to' : 'DIFFERENT from'} the cold run's.`);
    }
    for (const e of r.server?.errors ?? []) {
      lines.push(`  - server note: ${e.replace(/\n/g, ' ')}`);
    }
  }
  const gate = gateChecks(results, args.gateRatio);
  lines.push('');
  lines.push(`Gate (ratios): ${gate.notes.join('; ')} → ${gate.failures.length ? `FAIL (${gate.failures.join('; ')})` : 'pass'}.`);
  lines.push('');
  lines.push(`Phases: ${phases.map(([n, ms]) => `${n} ${fmtTime(ms)}`).join('; ')}; total ${fmtTime(total)}.`);
  const report = lines.join('\n') + '\n';
  process.stdout.write(report);
  const name = args.only || args.skip.length || args.prof ? 'last-partial' : args.quick ? 'last-quick' : 'last';
  fs.writeFileSync(path.join(BENCH, `${name}.md`), report);
  fs.writeFileSync(path.join(BENCH, `${name}.json`), JSON.stringify({ date, args, results, phases, total }, (k, v) => (v instanceof Set ? v.size : v), 1));
  if (args.out) {
    fs.writeFileSync(args.out, report);
  }
  if (args.gate && gate.failures.length) {
    process.exitCode = 1;
  }
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.stack ?? e}\n`);
  process.exitCode = 2;
});
