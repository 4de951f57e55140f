// `npm run soak`: the language server under a long run of mixed requests and edits.
// Starts dist/server.js over stdio on a copy of the example workspace, sends N (default
// 10,000) requests and edits, then checks that the process is alive and that its
// resident memory stayed flat (the minimum of the last tenth of the samples within 30%
// of the minimum of the second quarter, once the bounded caches have filled). Prints
// the figures and a closing `N passed, N failed` line.
//   node scripts/soak.mjs [--requests N]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argIndex = process.argv.indexOf('--requests');
const TOTAL = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 10_000;
const DEADLINE_MS = 10 * 60_000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pnote-soak-'));
fs.cpSync(path.join(REPO, 'examples/tiktok-ban'), tmp, { recursive: true });
const uri = (rel) => pathToFileURL(path.join(tmp, rel)).href;

const child = spawn(process.execPath, [path.join(REPO, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
connection.onNotification(() => undefined);
connection.onRequest('window/workDoneProgress/create', () => null);
connection.onRequest('client/registerCapability', () => null);
connection.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
connection.listen();

function rss() {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

// A deterministic pseudo-random sequence.
let seed = 42;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

const started = Date.now();
let passed = 0;
let failed = 0;
const check = (name, ok, detail) => {
  console.log(`${ok ? 'PASS' : 'FAIL'}  soak: ${name}${ok ? '' : `: ${detail}`}`);
  if (ok) {
    passed++;
  } else {
    failed++;
  }
};

try {
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: uri(''), workspaceFolders: [{ uri: uri(''), name: 'soak' }], capabilities: { window: { workDoneProgress: true }, workspace: { configuration: true } } });
  await connection.sendNotification('initialized', {});
  const notes = ['clean-network.pnote', 'tiktok-wechat-orders.pnote', 'timeline.pnote', 'problems.pnote'];
  const texts = new Map(notes.map((n) => [n, fs.readFileSync(path.join(tmp, n), 'utf8')]));
  const versions = new Map(notes.map((n) => [n, 1]));
  for (const n of notes) {
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(n), languageId: 'pnote', version: 1, text: texts.get(n) } });
  }
  const snippets = [' @pompeo ', ' «Pékin a nié» [@000_89686b2429188c97] ', ' #clean-network ', '\n::: entity soak\nname: Soak\n:::\n', ' [@00', ' «', '\n'];
  const methods = ['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/references', 'textDocument/documentSymbol', 'textDocument/codeAction'];
  const samples = [];
  let maxLatency = 0;
  let errors = 0;
  for (let i = 0; i < TOTAL && Date.now() - started < DEADLINE_MS; i++) {
    const note = notes[Math.floor(random() * notes.length)];
    let text = texts.get(note);
    const lines = text.split('\n');
    if (i % 8 === 0) {
      // An edit: insert a snippet, or delete a few characters, at a random place.
      const at = Math.floor(random() * text.length);
      text = random() < 0.6 ? text.slice(0, at) + snippets[Math.floor(random() * snippets.length)] + text.slice(at) : text.slice(0, at) + text.slice(at + 5);
      if (text.length > 20_000) {
        text = fs.readFileSync(path.join(tmp, note), 'utf8'); // back to the saved text, so the note does not grow without bound
      }
      texts.set(note, text);
      versions.set(note, versions.get(note) + 1);
      await connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(note), version: versions.get(note) }, contentChanges: [{ text }] });
      continue;
    }
    if (i % 97 === 0) {
      await connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('corpus/002_212038316e46eb29.txt'), type: 2 }] });
      continue;
    }
    const line = Math.floor(random() * lines.length);
    const character = Math.floor(random() * (lines[line].length + 1));
    const method = methods[Math.floor(random() * methods.length)];
    const params = method === 'textDocument/documentSymbol'
      ? { textDocument: { uri: uri(note) } }
      : method === 'textDocument/codeAction'
        ? { textDocument: { uri: uri(note) }, range: { start: { line, character: 0 }, end: { line, character } }, context: { diagnostics: [] } }
        : method === 'textDocument/references'
          ? { textDocument: { uri: uri(note) }, position: { line, character }, context: { includeDeclaration: true } }
          : { textDocument: { uri: uri(note) }, position: { line, character } };
    const t = performance.now();
    try {
      await connection.sendRequest(method, params);
    } catch {
      errors++;
    }
    maxLatency = Math.max(maxLatency, performance.now() - t);
    if (i % 250 === 0) {
      samples.push(rss());
    }
  }
  const elapsed = (Date.now() - started) / 1000;
  // Caches fill up during the first part of the run (they are bounded); after that the
  // resident memory must stay flat: compare the second quarter with the last tenth.
  const q = samples.length;
  const warm = Math.min(...samples.slice(Math.floor(q / 4), Math.max(Math.floor(q / 4) + 1, Math.floor(q / 2))));
  const end = Math.min(...samples.slice(-Math.max(2, Math.floor(q / 10))));
  console.log(`soak: ${TOTAL} requests and edits in ${elapsed.toFixed(1)} s (${(TOTAL / elapsed).toFixed(0)}/s), max latency ${maxLatency.toFixed(1)} ms, ${errors} error responses`);
  if (process.env.PNOTE_SOAK_SAMPLES) {
    console.log(samples.map((s) => s.toFixed(0)).join(" "));
  }
  console.log(`soak: RSS after warm-up ${warm.toFixed(0)} MB, at the end ${end.toFixed(0)} MB, peak ${Math.max(...samples).toFixed(0)} MB`);
  check('the server is alive', child.exitCode === null && (await connection.sendRequest('policyNotes/stats')).folders.length === 1, `exit code ${child.exitCode}`);
  check('no request failed', errors === 0, `${errors} error responses`);
  check('memory stays flat', end <= warm * 1.3, `${warm.toFixed(0)} MB → ${end.toFixed(0)} MB`);
} catch (e) {
  check('runs', false, e.stack ?? String(e));
} finally {
  child.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
