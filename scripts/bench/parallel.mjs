#!/usr/bin/env node
/**
 * How much a second thread gains on this machine, for the work a cold load does on
 * its hashing thread: decoding each corpus file, hashing its words, the set of words
 * met and the folded forms of new ones, fingerprints (server/src/workspace/hashing.ts,
 * `hashFile`). Runs that work over a workspace's corpus once alone, then twice at
 * once in two processes, then twice at once on two threads of one process (as the
 * CLI's hashing thread and main thread run), and prints the wall time of each
 * (docs/performance.md).
 *
 *   node scripts/bench/parallel.mjs WORKSPACE
 *
 * The step is bundled on the fly by esbuild into `.bench/hashfile.cjs`.
 */
import { spawn } from 'node:child_process';
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const BENCH = path.join(REPO, '.bench');

const workspace = process.argv[2];
if (!isMainThread) {
  // A thread of `--threads`: the same pass, its result posted instead of printed.
  parentPort.postMessage(await pass(workerData.ws, workerData.bundle, workerData.go));
} else if (process.argv[3] === '--threads') {
  await threads(workspace, process.argv[4]);
} else if (process.argv[3] === '--child') {
  child(workspace, process.argv[4]);
} else if (!workspace) {
  process.stderr.write('usage: node scripts/bench/parallel.mjs WORKSPACE\n');
  process.exitCode = 2;
} else {
  await parent(workspace);
}

/** One pass of the hashing step over every corpus file (read beforehand); prints its milliseconds. */
async function child(ws, bundle) {
  process.stdout.write(`${JSON.stringify(await pass(ws, bundle, process.env.PNOTE_PARALLEL_GO))}\n`);
}

/** Two threads of this process, each making one pass; prints both results as a JSON array. */
async function threads(ws, bundle) {
  const go = path.join(BENCH, `parallel-go-${process.pid}`);
  fs.writeFileSync(go, '');
  const results = [0, 1].map(
    () =>
      new Promise((resolve, reject) => {
        const w = new Worker(fileURLToPath(import.meta.url), { workerData: { ws, bundle, go } });
        w.once('message', resolve);
        w.once('error', reject);
      }),
  );
  setTimeout(() => fs.rmSync(go, { force: true }), 3000);
  process.stdout.write(`${JSON.stringify(await Promise.all(results))}\n`);
}

/** Reads every corpus file, waits until `go` is gone (when given), then hashes them all: the time of that. */
async function pass(ws, bundle, go) {
  const { hashFile, HashSet } = (await import(bundle)).default;
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (/\.(txt|md)$/i.test(entry.name)) {
        files.push(fs.readFileSync(full));
      }
    }
  };
  walk(path.join(ws, 'corpus'));
  const met = new HashSet();
  const scratch = { hashes: new Uint32Array(0), starts: new Uint32Array(0) };
  // Wait for the sibling, if any, to be ready too (a file the parent removes).
  while (go && fs.existsSync(go)) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const t = performance.now();
  let words = 0;
  for (const bytes of files) {
    words += hashFile(bytes, 1 << 26, met, scratch).hashes?.length ?? 0;
  }
  return { ms: Math.round(performance.now() - t), files: files.length, words };
}

async function parent(ws) {
  fs.mkdirSync(BENCH, { recursive: true });
  const bundle = path.join(BENCH, 'hashfile.cjs');
  await esbuild.build({ entryPoints: [path.join(REPO, 'server/src/workspace/hashing.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'warning' });
  const run = (count) => {
    const go = path.join(BENCH, `parallel-go-${process.pid}`);
    fs.writeFileSync(go, '');
    const children = Array.from({ length: count }, () => {
      const p = spawn(process.execPath, [fileURLToPath(import.meta.url), ws, '--child', bundle], { env: { ...process.env, PNOTE_PARALLEL_GO: go }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      return new Promise((resolve, reject) => p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited with ${code}`)))));
    });
    // Each child reads the corpus first, then waits for this file to go: both start hashing together.
    setTimeout(() => fs.rmSync(go, { force: true }), 3000);
    return Promise.all(children);
  };
  const alone = await run(1);
  const together = await run(2);
  const onThreads = await new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), ws, '--threads', bundle], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`threads exited with ${code}`))));
  });
  const ms = (r) => `${r.ms} ms`;
  process.stdout.write(
    `hashing step over ${alone[0].files} files (${alone[0].words.toLocaleString('en')} words): alone ${ms(alone[0])}; ` +
      `two processes at once ${together.map(ms).join(' and ')}; two threads of one process at once ${onThreads.map(ms).join(' and ')}\n`,
  );
}
