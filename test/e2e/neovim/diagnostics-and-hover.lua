-- Drives a headless Neovim (0.7 or later) as a user would: load the Lua setup a user copies from the
-- README, open a Go file, wait for the server's diagnostics, ask for a hover on the first one, and write
-- what arrived to a JSON file for test/e2e/neovim.test.ts to check. Whatever happens, it writes the file
-- and quits, so the test never waits on a Neovim stuck at an error prompt.
--
-- Environment: GEL_README_LUA (the README's Lua block, saved to a file), GEL_GO_FILE (the file to open),
-- GEL_SECOND_GO_FILE (another Go file, opened last), GEL_EXPECTED_DIAGNOSTICS (how many diagnostics the compiler says the file gets), GEL_RESULT (output).
local result = { nvim = vim.version() }

local function run()
  dofile(os.getenv('GEL_README_LUA'))
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('GEL_GO_FILE')))
  local buf = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[buf].filetype

  local expected = tonumber(os.getenv('GEL_EXPECTED_DIAGNOSTICS'))
  -- vim.wait runs the event loop (LSP messages included) until the condition holds or the time is up.
  result.diagnostics_complete = vim.wait(120000, function()
    return #vim.diagnostic.get(buf) >= expected
  end, 50)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message, source = d.source })
  end
  result.clients = {}
  for _, client in pairs(vim.lsp.buf_get_clients(buf)) do
    table.insert(result.clients, client.name)
  end

  local first = vim.diagnostic.get(buf)[1]
  if first then
    local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = first.lnum, character = first.col } }
    local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 30000) or {}
    for _, response in pairs(responses) do
      if response.result and response.result.contents then
        local contents = response.result.contents
        result.hover = type(contents) == 'table' and (contents.value or vim.inspect(contents)) or contents
      end
      if response.err then result.hover_error = vim.inspect(response.err) end
    end
    result.hover_position = params.position
  end

  -- A second Go buffer must share the server, not start another one.
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('GEL_SECOND_GO_FILE')))
  local second = vim.api.nvim_get_current_buf()
  vim.wait(30000, function()
    return #vim.lsp.buf_get_clients(second) > 0
  end, 50)
  result.second_buffer_clients = vim.tbl_count(vim.lsp.buf_get_clients(second))
  result.active_clients = #vim.lsp.get_active_clients()
end

local ok, err = pcall(run)
if not ok then result.error = tostring(err) end
local file = assert(io.open(os.getenv('GEL_RESULT'), 'w'))
file:write(vim.fn.json_encode(result))
file:close()
vim.cmd('qa!')
