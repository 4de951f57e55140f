// One esbuild script for the three bundles: the VS Code client (vscode external),
// the language server and the CLI. `--watch` rebuilds on change, `--production` minifies.
import * as esbuild from 'esbuild';
import { readFileSync } from 'fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  define: { PNOTE_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  minify: production,
  logLevel: 'warning',
};

// The hashing thread's program (server/src/node/hashWorkerMain.ts), bundled on its own
// and embedded in the server and the CLI as a string (no extra file in dist/). Built
// once: under --watch, a change to it needs a restart.
const worker = await esbuild.build({ ...common, entryPoints: ['server/src/node/hashWorkerMain.ts'], write: false, sourcemap: false, minify: true });
const withWorker = { ...common, define: { ...common.define, PNOTE_HASH_WORKER: JSON.stringify(worker.outputFiles[0].text) } };

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...withWorker, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  { ...withWorker, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
