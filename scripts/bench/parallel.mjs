#!/usr/bin/env node
/**
 * How much a second thread gains on this machine, for the work a cold load does on
 * its hashing thread: decoding each corpus file, hashing its words, the set of words
 * met and the folded forms of new ones (server/src/workspace/hashing.ts,
 * `hashFile`). Runs that work over a workspace's corpus once alone, then twice at
 * once in two processes, then twice at once on two threads of one process (as the
 * CLI's hashing thread and main thread run), and prints the wall time of each
 * (docs/performance.md).
 *
 *   node scripts/bench/parallel.mjs WORKSPACE
 *
 * The step is bundled on the fly by esbuild into `.bench/hashfile.cjs`. Each runner
 * reads the corpus first and hashes only once every runner of its round is ready.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const BENCH = path.join(REPO, '.bench');
const SELF = fileURLToPath(import.meta.url);

if (!isMainThread) {
  runner((message) => parentPort.postMessage(message), (listener) => parentPort.on('message', listener));
} else if (process.send) {
  runner((message) => process.send(message), (listener) => process.on('message', listener));
} else if (!process.argv[2]) {
  process.stderr.write('usage: node scripts/bench/parallel.mjs WORKSPACE\n');
  process.exitCode = 2;
} else {
  await main(process.argv[2]);
}

/**
 * A process or a thread making one pass: told the workspace and the bundle, it reads
 * every corpus file, says `ready`, and on `go` hashes them all, then answers the time
 * of that (so that runners started together hash together, whatever their reading took).
 */
function runner(send, listen) {
  let files;
  let step;
  listen(async (message) => {
    if (message.kind === 'start') {
      step = (await import(message.bundle)).default;
      files = [];
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
      walk(path.join(message.ws, 'corpus'));
      send({ kind: 'ready' });
    } else if (message.kind === 'go') {
      const met = new step.HashSet();
      const scratch = { hashes: new Uint32Array(0), starts: new Uint32Array(0) };
      const t = performance.now();
      let words = 0;
      for (const bytes of files) {
        words += step.hashFile(bytes, 1 << 26, met, scratch).hashes?.length ?? 0;
      }
      send({ kind: 'done', ms: Math.round(performance.now() - t), files: files.length, words });
      if (process.send) {
        process.disconnect();
      }
    }
  });
}

/** `count` runners (child processes, or threads of this process), started together; their results. */
async function together(count, threads, start) {
  const runners = Array.from({ length: count }, () => (threads ? new Worker(SELF) : fork(SELF, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })));
  const send = (r, message) => (threads ? r.postMessage(message) : r.send(message));
  const next = (r, kind) =>
    new Promise((resolve, reject) => {
      const listener = (message) => {
        if (message.kind === kind) {
          r.off('message', listener);
          resolve(message);
        }
      };
      r.on('message', listener);
      r.once(threads ? 'error' : 'exit', (e) => reject(e instanceof Error ? e : new Error(`a runner stopped (${e})`)));
    });
  const ready = runners.map((r) => next(r, 'ready'));
  runners.forEach((r) => send(r, start));
  await Promise.all(ready);
  const done = runners.map((r) => next(r, 'done'));
  runners.forEach((r) => send(r, { kind: 'go' }));
  const results = await Promise.all(done);
  if (threads) {
    await Promise.all(runners.map((r) => r.terminate()));
  }
  return results;
}

async function main(ws) {
  fs.mkdirSync(BENCH, { recursive: true });
  const bundle = path.join(BENCH, 'hashfile.cjs');
  await esbuild.build({ entryPoints: [path.join(REPO, 'server/src/workspace/hashing.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'warning' });
  const start = { kind: 'start', ws, bundle };
  const [alone] = await together(1, false, start);
  const processes = await together(2, false, start);
  const threads = await together(2, true, start);
  const ms = (r) => `${r.ms} ms`;
  process.stdout.write(
    `hashing step over ${alone.files} files (${alone.words.toLocaleString('en')} words): alone ${ms(alone)}; ` +
      `two processes at once ${processes.map(ms).join(' and ')}; two threads of one process at once ${threads.map(ms).join(' and ')}\n`,
  );
}
