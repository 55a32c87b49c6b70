/**
 * docs/editors.md's Neovim set-up, run for real: Debian's `nvim --headless` with exactly the Lua
 * block of that page (pointed at this repository's dist/server.js) opens a rule file with a
 * mistake, and a probe script reads back what a Neovim user would see: the diagnostics, the
 * hover on a tag and the completion list after `(0010,0010)=`.
 */
import * as assert from 'node:assert/strict';
import { headlessEditor } from './headlessEditor';

/** Runs after the file is open: waits for the server, asks it what the user would, writes JSON. */
const PROBE = String.raw`
local out = {}
local function request(method, params)
  local answers = vim.lsp.buf_request_sync(0, method, params, 10000) or {}
  for _, answer in pairs(answers) do
    if answer.result then return answer.result end
  end
  return nil
end
local ok = vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50)
out.attached = #vim.lsp.buf_get_clients(0)
out.diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out.diagnostics, { lnum = d.lnum, col = d.col, message = d.message, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) })
end
local uri = vim.uri_from_bufnr(0)
local hover = request('textDocument/hover', { textDocument = { uri = uri }, position = { line = 0, character = 3 } })
out.hover = hover and hover.contents and (hover.contents.value or hover.contents) or vim.NIL
local completion = request('textDocument/completion', { textDocument = { uri = uri }, position = { line = 1, character = 12 } })
local items = completion and (completion.items or completion) or {}
out.completion = {}
for _, item in ipairs(items) do table.insert(out.completion, item.label) end
out.waited = ok
vim.fn.writefile({ vim.fn.json_encode(out) }, vim.env.PACSW_EDITOR_OUT)
vim.cmd('qa!')
`;

interface Seen {
  attached: number;
  diagnostics: Array<{ lnum: number; col: number; message: string; code?: string }>;
  hover: string;
  completion: string[];
}

describe('Neovim (docs/editors.md set-up) against dist/server.js', function () {
  this.timeout(60_000);
  const openInNeovim = headlessEditor({
    command: 'nvim',
    install: '`apt-get install neovim` (Debian 12 has 0.7.2; .ci/run installs it)',
    setup: 'lua',
    probe: PROBE,
    args: ({ init, probe, file }) => ['--headless', '-n', '-i', 'NONE', '-u', init, file, '-c', `luafile ${probe}`],
    // XDG folders in the temp folder too, so the user's Neovim state plays no part either.
    env: (dir) => ({ XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_STATE_HOME: dir, XDG_CACHE_HOME: dir }),
    limitMs: 45_000,
  });

  it('shows diagnostics, hover and completion from the server', async () => {
    const { seen } = (await openInNeovim('(0010,0010)=uper((0010,0010))\n(0010,0020)=\n')) as { seen: Seen };
    assert.equal(seen.attached, 1, 'one language client attached to the buffer');
    const unknown = seen.diagnostics.find((d) => /uper/.test(d.message));
    assert.ok(unknown, `a diagnostic about uper expected, got ${JSON.stringify(seen.diagnostics)}`);
    assert.deepEqual([unknown.lnum, unknown.col], [0, 12]);
    assert.match(String(seen.hover), /Patient's Name/);
    assert.ok(seen.completion.includes('concat'), `completion after "=" should offer concat, got ${seen.completion.slice(0, 20).join(', ')}`);
  });
});
