// The language server with another editor's LSP client: Neovim's built-in client
// (Debian's Neovim 0.7, which only takes pushed diagnostics), headless, on a copy of
// the example workspace. Checks diagnostics, hover and completion through the client.
// Usage: node test/e2e/neovim.mjs   (needs `nvim` and a built dist/server.js)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER = path.join(REPO, 'dist/server.js');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pnote-nvim-'));
const ws = path.join(tmp, 'workspace');
fs.cpSync(path.join(REPO, 'examples/tiktok-ban'), ws, { recursive: true });
const out = path.join(tmp, 'result.json');

// The configuration a Neovim 0.7 user writes (README, "Other editors"), plus the probes.
const init = `
vim.filetype.add({ extension = { pnote = 'pnote' } })
local client = vim.lsp.start_client({
  name = 'policy-notes',
  cmd = { 'node', ${JSON.stringify(SERVER)}, '--stdio' },
  root_dir = ${JSON.stringify(ws)},
})
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'pnote',
  callback = function(args) vim.lsp.buf_attach_client(args.buf, client) end,
})

local function probe()
  local result = {}
  local buf = vim.api.nvim_get_current_buf()
  vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 100)
  result.codes = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.codes, d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '')
  end
  -- Hover on the first @pompeo of clean-network.pnote, completion after "@pomp".
  local other = vim.fn.bufadd(${JSON.stringify(path.join(ws, 'clean-network.pnote'))})
  vim.fn.bufload(other)
  vim.api.nvim_buf_set_option(other, 'filetype', 'pnote')
  vim.wait(2000, function() return #vim.lsp.buf_get_clients(other) > 0 end, 50)
  local lines = vim.api.nvim_buf_get_lines(other, 0, -1, false)
  local line, col
  for i, text in ipairs(lines) do
    local at = text:find('@pompeo', 1, true)
    if at then line, col = i - 1, at; break end
  end
  local uri = vim.uri_from_bufnr(other)
  local hover = vim.lsp.buf_request_sync(other, 'textDocument/hover', { textDocument = { uri = uri }, position = { line = line, character = col } }, 10000)
  for _, r in pairs(hover or {}) do
    if r.result and r.result.contents then result.hover = r.result.contents.value end
  end
  local n = #lines
  vim.api.nvim_buf_set_lines(other, n, n, false, { 'Per @pomp' })
  local completion = vim.lsp.buf_request_sync(other, 'textDocument/completion', { textDocument = { uri = uri }, position = { line = n, character = 9 } }, 10000)
  result.completion = {}
  for _, r in pairs(completion or {}) do
    local items = r.result and (r.result.items or r.result) or {}
    for _, item in ipairs(items) do table.insert(result.completion, item.label) end
  end
  local f = io.open(${JSON.stringify(out)}, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

vim.api.nvim_create_autocmd('VimEnter', { callback = function() vim.defer_fn(probe, 100) end })
`;
fs.writeFileSync(path.join(tmp, 'init.lua'), init);

const run = spawnSync('nvim', ['--headless', '-u', path.join(tmp, 'init.lua'), path.join(ws, 'problems.pnote')], {
  cwd: ws,
  encoding: 'utf8',
  timeout: 90_000,
});
let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`PASS  neovim: ${name}`);
  } else {
    failed++;
    console.log(`FAIL  neovim: ${name}: ${detail}`);
  }
}
if (run.error || !fs.existsSync(out)) {
  check('runs', false, `${run.error ?? `nvim exited ${run.status}`}\n${run.stdout}\n${run.stderr}`);
} else {
  const result = JSON.parse(fs.readFileSync(out, 'utf8'));
  const codes = new Set(result.codes);
  check('pushed diagnostics of problems.pnote', codes.has('quote-not-found') && codes.has('unknown-source') && codes.has('quote-mismatch'), JSON.stringify(result.codes));
  check('hover on @pompeo', /Mike Pompeo/.test(result.hover ?? ''), JSON.stringify(result.hover));
  check('completion after @pomp', Array.isArray(result.completion) && result.completion[0] === 'pompeo', JSON.stringify(result.completion));
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
