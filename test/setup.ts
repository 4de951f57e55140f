/**
 * Loaded by mocha before any test (.mocharc.json): the CLI and the server started by
 * the tests keep their index caches in a temporary folder (their default is under
 * XDG_CACHE_HOME), never in the developer's ~/.cache. Removed at exit.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'pnote-test-cache-'));
process.env.XDG_CACHE_HOME = cacheHome;
process.on('exit', () => fs.rmSync(cacheHome, { recursive: true, force: true }));
