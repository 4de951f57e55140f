#!/usr/bin/env node
// End-to-end test: the packaged extension in a real VS Code (code-server 4.100.3,
// VS Code 1.100) in headless Debian Chromium, driven through the UI by playwright-core.
//
//   bash scripts/e2e-setup.sh          # once per machine (cached), see that script
//   node test/e2e/run.mjs [file.vsix]  # or PNOTE_VSIX=file.vsix
//
// Without a .vsix it runs `vsce package --no-dependencies` in the repo (so build
// dist/ first). Screenshots, code-server and VS Code logs go to test-results/.
// The last line printed is always `N passed, N failed`; exit code 0 only if all passed.
//
// Environment:
//   PNOTE_VSIX            .vsix to test (default: package the repo)
//   PNOTE_E2E_HOME        code-server cache (default ${XDG_CACHE_HOME:-~/.cache}/policy-notes-e2e)
//   PNOTE_E2E_WORKSPACE   workspace to copy (default examples/tiktok-ban)
//   PNOTE_E2E_TIMEOUT_MS  overall time limit (default 480000)
//   PNOTE_E2E_HEADED=1    show the browser (needs a display)
//   PNOTE_E2E_KEEP=1      keep the temp dir (user-data-dir, workspace copy)

/* global fetch, document, NodeFilter -- Node 20 global; browser globals inside page.evaluate */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ----------------------------------------------------------------- expectations
/** Note with deliberate errors, opened for the Problems check (path relative to the workspace). */
const PROBLEMS_NOTE = 'problems.pnote';
/** Texts expected in the Problems panel (diagnostic codes / messages from the extension). */
const EXPECTED_PROBLEM_TEXTS = (process.env.PNOTE_E2E_EXPECT_PROBLEMS ?? 'quote-not-found,unknown-source')
  .split(',').map((s) => s.trim()).filter(Boolean);
/** 'any': one of EXPECTED_PROBLEM_TEXTS is enough; 'all': every one must be listed. */
const PROBLEMS_MATCH = process.env.PNOTE_E2E_PROBLEMS_MATCH ?? 'any';
/** Mention to hover, and the text the entity card must contain. */
const HOVER_MENTION = '@pompeo';
const HOVER_EXPECT = 'Mike Pompeo';
/** Note holding HOVER_MENTION; default: first *.pnote found containing it (registry/problems last). */
const HOVER_NOTE = process.env.PNOTE_E2E_HOVER_NOTE ?? '';
/** Typed at the end of that note; the suggest widget must offer COMPLETION_EXPECT. */
const COMPLETION_PREFIX = '@pomp';
const COMPLETION_EXPECT = 'pompeo';

// --------------------------------------------------------------------- settings
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = path.join(REPO, 'test-results');
const CODE_SERVER_VERSION = '4.100.3';
const E2E_HOME = process.env.PNOTE_E2E_HOME
  || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'policy-notes-e2e');
const ENTRY = path.join(E2E_HOME, 'node_modules/code-server/out/node/entry.js');
const WORKSPACE_SRC = path.resolve(REPO, process.env.PNOTE_E2E_WORKSPACE || 'examples/tiktok-ban');
const OVERALL_TIMEOUT = Number(process.env.PNOTE_E2E_TIMEOUT_MS || 480_000);
const CHROMIUM = process.env.PNOTE_E2E_CHROMIUM || '/usr/bin/chromium';
const SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  // Without this VS Code offers words of the document, so `pompeo` would be suggested
  // even with no completion provider: the check must see the extension's item.
  'editor.wordBasedSuggestions': 'off',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};
const TESTS = ['problems', 'hover', 'completion'];

// ---------------------------------------------------------------------- helpers
const t0 = Date.now();
const log = (msg) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Polls fn (async, returns truthy when done) until timeout; returns its last value or throws. */
async function until(what, fn, { timeout = 30_000, interval = 250 } = {}) {
  const end = Date.now() + timeout;
  let last;
  let lastErr;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      lastErr = e;
    }
    await sleep(interval);
  }
  throw new Error(`timed out after ${timeout / 1000}s waiting for ${what}`
    + (lastErr ? ` (last error: ${lastErr.message.split('\n')[0]})` : ''));
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000, ...opts });
  const out = `${r.stdout || ''}${r.stderr || ''}`;
  if (r.error || r.status !== 0) {
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${r.error?.message || `exit ${r.status}`}):\n${out.trim()}`);
  }
  return out;
}

function listFiles(dir, ext) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out;
}

// ------------------------------------------------------------------- lifecycle
const results = []; // { name, ok, error }
let tmp;
let server;
let browser;
let finished = false;

/** Signals code-server's process group (it is started detached: it forks the VS Code server and extension hosts). */
function killServer(sig) {
  if (server && server.exitCode === null && server.signalCode === null) {
    try { process.kill(-server.pid, sig); } catch { /* gone */ }
  }
}

async function cleanup() {
  if (browser) {
    const b = browser;
    browser = undefined;
    await Promise.race([b.close().catch(() => {}), sleep(10_000)]);
  }
  if (server && server.exitCode === null && server.signalCode === null) {
    const s = server;
    // detached: the pid is a process group (code-server forks its VS Code server and extension hosts)
    try { process.kill(-s.pid, 'SIGTERM'); } catch { /* gone */ }
    const exited = await Promise.race([new Promise((r) => s.once('exit', () => r(true))), sleep(5_000)]);
    if (!exited) try { process.kill(-s.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  server = undefined;
  if (tmp && !process.env.PNOTE_E2E_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) log(`kept temp dir ${tmp}`);
}

function copyLogs() {
  // VS Code's own logs (extension host, renderer, language server output channels)
  try {
    const logs = path.join(tmp, 'user-data', 'logs');
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(RESULTS, 'vscode-logs'), { recursive: true });
  } catch { /* best effort */ }
}

async function finish(fatal) {
  if (finished) return;
  finished = true;
  clearTimeout(overallTimer);
  if (fatal) {
    console.error(`\nE2E ERROR: ${fatal.message || fatal}`);
    for (const name of TESTS) if (!results.some((r) => r.name === name)) results.push({ name, ok: false, error: 'not run (aborted)' });
  }
  // snapshot: checks still running when the browser is closed below must not add failures
  const final = TESTS.map((name) => results.find((r) => r.name === name)).filter(Boolean);
  if (final.some((r) => !r.ok) && tmp) copyLogs();
  await cleanup().catch((e) => console.error(`cleanup: ${e.message}`));
  const passed = final.filter((r) => r.ok).length;
  const failed = final.length - passed;
  console.log('');
  for (const r of final) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}${r.ok ? '' : `: ${r.error}`}`);
  if (failed) console.log(`screenshots and logs: ${path.relative(process.cwd(), RESULTS) || '.'}/`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

const overallTimer = setTimeout(() => {
  finish(new Error(`overall time limit of ${OVERALL_TIMEOUT / 1000}s exceeded (set PNOTE_E2E_TIMEOUT_MS)`));
}, OVERALL_TIMEOUT);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    killServer('SIGTERM');
    finish(new Error(`interrupted (${sig})`));
  });
}
// last resort, whatever path exits the process: no code-server left behind
process.on('exit', () => killServer('SIGKILL'));
process.on('unhandledRejection', (e) => finish(e instanceof Error ? e : new Error(String(e))));

// ------------------------------------------------------------------ UI helpers
/** Opens a workspace file with Control+P (quick open) and waits for its editor tab. */
async function openFile(page, rel) {
  const base = path.basename(rel);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(rel);
  // file search (ripgrep) answers asynchronously; the best match is the first, focused row
  let listed = '';
  await until(`quick open to list ${rel}`, async () => {
    const first = page.locator('.quick-input-list .monaco-list-row').first();
    listed = (await first.count()) ? await first.innerText() : '(nothing)';
    return listed.includes(base);
  }, { timeout: 20_000 }).catch((e) => {
    throw new Error(`${e.message}; first row: ${JSON.stringify(listed.replace(/\s+/g, ' '))}`);
  });
  await page.keyboard.press('Enter');
  await page.locator('.part.editor .tab.active', { hasText: base }).waitFor({ timeout: 15_000 });
  await page.locator('.part.editor .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
  await sleep(300);
}

/** Viewport point over the middle of the first visible `needle` (whole word) in the active editor. */
async function locateText(page, needle) {
  return page.evaluate((needle) => {
    const esc = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`${esc}(?![\\w-])`);
    const editor = document.querySelector('.part.editor .editor-group-container.active .monaco-editor')
      || document.querySelector('.part.editor .monaco-editor');
    if (!editor) return null;
    for (const line of editor.querySelectorAll('.view-lines .view-line')) {
      const text = line.textContent || '';
      const m = re.exec(text);
      if (!m) continue;
      // map the character offset of the mention's middle to a text node
      const target = m.index + Math.floor(needle.length / 2);
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      let seen = 0;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const len = n.textContent.length;
        if (target < seen + len) {
          const range = document.createRange();
          range.setStart(n, target - seen);
          range.setEnd(n, target - seen + 1);
          const r = range.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) break;
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
        seen += len;
      }
    }
    return null;
  }, needle);
}

async function shot(page, name) {
  const file = path.join(RESULTS, `e2e-${name}.png`);
  await page.screenshot({ path: file, timeout: 15_000 }).catch((e) => log(`screenshot ${name} failed: ${e.message}`));
  return file;
}

async function check(page, name, fn) {
  log(`--- ${name}`);
  try {
    await fn();
    if (finished) return;
    await shot(page, name);
    results.push({ name, ok: true });
    log(`PASS ${name}`);
  } catch (e) {
    if (finished) return;
    const msg = (e && e.message ? e.message : String(e)).split('\n').slice(0, 3).join(' | ');
    const file = await shot(page, `${name}-FAILED`);
    results.push({ name, ok: false, error: msg });
    log(`FAIL ${name}: ${msg} (screenshot ${path.relative(REPO, file)})`);
    await page.keyboard.press('Escape').catch(() => {});
  }
}

// ------------------------------------------------------------------------ main
async function main() {
  fs.rmSync(RESULTS, { recursive: true, force: true });
  fs.mkdirSync(RESULTS, { recursive: true });

  if (!fs.existsSync(ENTRY)) {
    throw new Error(`code-server not found at ${ENTRY}; run: bash scripts/e2e-setup.sh`);
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found; run: bash scripts/e2e-setup.sh`);
  if (!fs.existsSync(WORKSPACE_SRC)) throw new Error(`example workspace ${WORKSPACE_SRC} not found`);
  let playwright;
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new Error('playwright-core is not installed (npm install in the repo)');
  }

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pnote-e2e-'));
  const userData = path.join(tmp, 'user-data');
  const extDir = path.join(tmp, 'extensions');
  const ws = path.join(tmp, 'workspace');
  const xdg = path.join(tmp, 'xdg');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extDir);
  // keep code-server from writing ~/.config/code-server and ~/.local/share/code-server
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
  };
  const csBase = ['--config', path.join(tmp, 'code-server.yaml'), '--user-data-dir', userData, '--extensions-dir', extDir];

  // 1. the .vsix
  let vsix = process.argv[2] || process.env.PNOTE_VSIX;
  if (vsix) {
    vsix = path.resolve(vsix);
    if (!fs.existsSync(vsix)) throw new Error(`VSIX ${vsix} not found`);
  } else {
    if (!fs.existsSync(path.join(REPO, 'dist/extension.js'))) {
      log('WARNING: dist/extension.js is missing - build first (npm run build)');
    }
    vsix = path.join(tmp, 'policy-notes.vsix');
    // The same arguments as `npm run package` (package.json).
    const VSCE_PACKAGE_ARGS = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).scripts.package.split('vsce package ')[1].split(' -o ')[0].split(' ');
    log('packaging the extension with vsce');
    const local = path.join(REPO, 'node_modules/.bin/vsce');
    const [cmd, pre] = fs.existsSync(local) ? [local, []] : ['npx', ['--yes', '@vscode/vsce']];
    // stdin is closed, so a vsce question (missing repository/LICENSE) fails instead of hanging
    run(cmd, [...pre, 'package', ...VSCE_PACKAGE_ARGS, '-o', vsix], { cwd: REPO });
  }
  log(`VSIX ${vsix}`);

  // 2. install it into a fresh extensions dir
  const inst = run(process.execPath, [ENTRY, ...csBase, '--install-extension', vsix], { env, timeout: 120_000 });
  if (!/successfully installed/i.test(inst)) throw new Error(`--install-extension gave no success message:\n${inst}`);
  const installed = fs.readdirSync(extDir).filter((d) => !d.startsWith('.') && d !== 'extensions.json');
  log(`installed: ${installed.join(', ')}`);

  // 3. settings and workspace
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
  fs.cpSync(WORKSPACE_SRC, ws, { recursive: true });
  const notes = listFiles(ws, '.pnote').map((f) => path.relative(ws, f).split(path.sep).join('/'));
  if (!notes.includes(PROBLEMS_NOTE)) log(`WARNING: ${PROBLEMS_NOTE} not in the workspace (notes: ${notes.join(', ')})`);
  let hoverNote = HOVER_NOTE;
  if (!hoverNote) {
    const mentionRe = new RegExp(`${HOVER_MENTION}(?![\\w-])`);
    const rank = (n) => (/(^|\/)(problems|registry)\.pnote$/.test(n) ? 1 : 0);
    hoverNote = notes
      .filter((n) => mentionRe.test(fs.readFileSync(path.join(ws, n), 'utf8')))
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0];
  }
  log(`workspace ${ws} (${notes.length} notes; hover/completion note: ${hoverNote || 'none'})`);

  // 4. code-server
  const port = await freePort();
  const csLog = fs.openSync(path.join(RESULTS, 'code-server.log'), 'w');
  server = spawn(process.execPath, [ENTRY, ...csBase, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', ws], {
    env, detached: true, stdio: ['ignore', csLog, csLog],
  });
  fs.closeSync(csLog);
  server.once('exit', (code, sig) => { if (!finished) log(`code-server exited (${code ?? sig})`); });
  const base = `http://127.0.0.1:${port}`;
  await until('code-server to answer /healthz', async () => {
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}, see test-results/code-server.log`);
    const res = await fetch(`${base}/healthz`).catch(() => null);
    return res && res.ok;
  }, { timeout: 60_000 });
  log(`code-server ${CODE_SERVER_VERSION} on ${base}`);

  // 5. browser
  browser = await playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: !process.env.PNOTE_E2E_HEADED,
    // signals are handled above (Playwright's own SIGINT handler would exit before code-server is stopped)
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const consoleLog = fs.createWriteStream(path.join(RESULTS, 'browser-console.log'));
  page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));
  await page.goto(`${base}/?folder=${encodeURIComponent(ws)}`, { timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  // the explorer lists the folder once the remote file system is up
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 })
    .catch(() => log('WARNING: explorer rows not seen'));
  await sleep(1000);
  await shot(page, 'workbench');
  log('workbench loaded');

  // (a) Problems panel
  await check(page, 'problems', async () => {
    if (!notes.includes(PROBLEMS_NOTE)) throw new Error(`${PROBLEMS_NOTE} is not in the workspace (notes: ${notes.join(', ')})`);
    await openFile(page, PROBLEMS_NOTE);
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
    const enough = (hits) => (PROBLEMS_MATCH === 'all' ? hits.size === EXPECTED_PROBLEM_TEXTS.length : hits.size > 0);
    const hits = new Set();
    let text = '';
    const scan = async () => {
      text = await panel.innerText();
      for (const s of EXPECTED_PROBLEM_TEXTS) if (text.includes(s)) hits.add(s);
      return enough(hits);
    };
    const what = `Problems to list ${PROBLEMS_MATCH} of ${EXPECTED_PROBLEM_TEXTS.join(', ')}`;
    try {
      await until(what, scan, { timeout: 15_000 });
    } catch {
      // The tree only renders the rows in view: with many problems in other notes the expected
      // ones can be scrolled out. Type each expected text into the panel's filter box instead.
      const filter = page.locator('.part.panel .viewpane-filter input').filter({ visible: true }).first();
      try {
        await until(what, async () => {
          for (const s of EXPECTED_PROBLEM_TEXTS) {
            if (hits.has(s)) continue;
            await filter.fill(s);
            await sleep(700);
            await scan();
          }
          return enough(hits);
        }, { timeout: 30_000, interval: 500 });
      } catch (e) {
        throw new Error(`${e.message} (first 15s unfiltered, then typing each text into the filter); panel shows: ${JSON.stringify(text.replace(/\s+/g, ' ').slice(0, 300))}`, { cause: e });
      }
    }
    log(`Problems panel lists ${[...hits].join(', ')}: ${JSON.stringify(text.replace(/\s+/g, ' ').slice(0, 200))}`);
  });

  // (b) hover card on a mention
  await check(page, 'hover', async () => {
    if (!hoverNote) throw new Error(`no .pnote in the workspace contains ${HOVER_MENTION}`);
    await openFile(page, hoverNote);
    // Go to the mention's line (Control+G) so it is rendered in the viewport
    const lines = fs.readFileSync(path.join(ws, hoverNote), 'utf8').split('\n');
    const lineNo = lines.findIndex((l) => l.includes(HOVER_MENTION)) + 1;
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.type(String(lineNo));
    await page.keyboard.press('Enter');
    await sleep(500);
    const hover = page.locator('.monaco-hover-content', { hasText: HOVER_EXPECT });
    let seen = '';
    await until(`hover over ${HOVER_MENTION} to show "${HOVER_EXPECT}"`, async () => {
      const pt = await locateText(page, HOVER_MENTION);
      if (!pt) throw new Error(`${HOVER_MENTION} not visible in the editor`);
      // leave and re-enter so every attempt is a fresh mouse hover (the server may start slowly)
      await page.mouse.move(pt.x, pt.y + 200);
      await sleep(100);
      await page.mouse.move(pt.x - 2, pt.y);
      await page.mouse.move(pt.x, pt.y);
      try {
        await hover.first().waitFor({ state: 'visible', timeout: 3_000 });
        return true;
      } catch {
        seen = await page.locator('.monaco-hover-content').allInnerTexts()
          .then((t) => t.map((s) => s.trim()).filter(Boolean).join(' / ')).catch(() => '');
        return false;
      }
    }, { timeout: 40_000, interval: 500 }).catch((e) => {
      throw new Error(`${e.message}${seen ? `; hover shows: ${JSON.stringify(seen.slice(0, 200))}` : ''}`);
    });
    log(`hover: ${JSON.stringify((await hover.first().innerText()).replace(/\s+/g, ' ').slice(0, 150))}`);
  });

  // (c) completion of an entity mention
  await check(page, 'completion', async () => {
    if (!hoverNote) throw new Error(`no .pnote in the workspace contains ${HOVER_MENTION}`);
    await page.keyboard.press('Escape');
    await page.mouse.move(5, 500); // away from the editor, so no hover covers the suggestions
    const active = page.locator('.part.editor .tab.active');
    if (!(await active.innerText().catch(() => '')).includes(path.basename(hoverNote))) await openFile(page, hoverNote);
    // keyboard focus must be in the editor's text area
    await page.locator('.part.editor .monaco-editor .view-lines').first().click();
    await until('editor to have keyboard focus', () => page.evaluate(
      () => !!document.activeElement?.closest('.part.editor .monaco-editor'),
    ), { timeout: 5_000 });
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type(COMPLETION_PREFIX, { delay: 80 });
    const widget = page.locator('.suggest-widget');
    const row = widget.locator('.monaco-list-row', { hasText: COMPLETION_EXPECT });
    let seen = '';
    let first = true;
    await until(`suggestions to offer "${COMPLETION_EXPECT}"`, async () => {
      if (!first) await page.keyboard.press('Control+Space');
      first = false;
      try {
        await row.first().waitFor({ state: 'visible', timeout: 3_000 });
        return true;
      } catch {
        seen = await widget.innerText().catch(() => '');
        return false;
      }
    }, { timeout: 30_000, interval: 300 }).catch((e) => {
      throw new Error(`${e.message}${seen ? `; widget shows: ${JSON.stringify(seen.slice(0, 200))}` : ''}`);
    });
    log(`suggestions: ${JSON.stringify((await widget.innerText()).replace(/\s+/g, ' ').slice(0, 150))}`);
  });

  consoleLog.end();
}

main().then(() => finish(), (e) => finish(e));
