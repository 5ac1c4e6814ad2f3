/**
 * A second, independent LSP client: Neovim (0.7, Debian's), headless. It runs the README's own Lua setup
 * unchanged — so the README is tested too — which starts `go-escape-lens serve --stdio` with
 * `vim.lsp.start_client`; it opens a copy of the article fixture's pointers.go, and checks that the
 * diagnostics the compiler implies arrive with the README's settings applied, that a hover answers, and
 * that a second Go buffer shares the server. test/e2e/neovim/diagnostics-and-hover.lua
 * drives Neovim and writes what arrived to a JSON file.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { heapFactsFromCompiler, requireGo } from '../helpers/goOracle';
import { REASONS } from '../../server/src/features/reasonText';
import { artifactsFolder, e2eTools, makeRunFolder, REPOSITORY_ROOT } from './helpers/environment';
import { endRunProcesses, markedProcesses } from './helpers/processes';

interface NeovimResult {
  readonly nvim: { major: number; minor: number; patch: number };
  readonly error?: string;
  readonly filetype?: string;
  readonly clients?: string[];
  readonly diagnostics_complete?: boolean;
  readonly diagnostics?: { lnum: number; col: number; severity: number; message: string; source?: string }[];
  readonly hover?: string;
  readonly hover_error?: string;
  readonly second_buffer_clients?: number;
  readonly active_clients?: number;
}

test('Neovim: the README’s Lua starts one server; its diagnostics and a hover arrive', { timeout: 5 * 60_000 }, async (t) => {
  requireGo();
  const tools = e2eTools();
  const cli = path.join(REPOSITORY_ROOT, 'dist', 'cli.js');
  assert.ok(fs.existsSync(cli), `${cli} is missing: run \`npm run build\` first (npm run test:e2e does)`);
  const version = execFileSync(tools.NVIM_BIN, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  t.diagnostic(version);

  const run = makeRunFolder('neovim');
  const artifacts = artifactsFolder('neovim');
  const workspace = run.copyFixture('article');
  const file = path.join(workspace, 'pointers', 'pointers.go');
  const facts = heapFactsFromCompiler(path.dirname(file)).filter((fact) => fact.file === file);
  assert.ok(facts.length > 0, 'the compiler reports no heap allocation in pointers.go');

  // The README's command is `go-escape-lens` on PATH, as `npm install -g` would put it.
  const bin = path.join(run.root, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'go-escape-lens'), `#!/bin/sh\nexec '${process.execPath}' '${cli}' "$@"\n`, { mode: 0o755 });
  const readmeLua = path.join(run.root, 'readme.lua');
  fs.writeFileSync(readmeLua, readmeNeovimLua());
  const resultFile = path.join(run.root, 'result.json');

  const nvim = spawn(
    tools.NVIM_BIN,
    ['--headless', '--clean', '-i', 'NONE', '-c', `luafile ${path.join(__dirname, 'neovim', 'diagnostics-and-hover.lua')}`],
    {
      cwd: workspace,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...run.env,
        PATH: `${bin}${path.delimiter}${run.env.PATH}`,
        GEL_README_LUA: readmeLua,
        GEL_GO_FILE: file,
        GEL_SECOND_GO_FILE: path.join(workspace, 'closures', 'closures.go'),
        GEL_EXPECTED_DIAGNOSTICS: String(facts.length),
        GEL_RESULT: resultFile,
      },
    },
  );
  let output = '';
  nvim.stdout!.on('data', (chunk) => (output += chunk));
  nvim.stderr!.on('data', (chunk) => (output += chunk));
  try {
    // The Lua script always quits; the watchdog only ends a Neovim that hangs anyway.
    const watchdog = setTimeout(() => nvim.kill('SIGKILL'), 4 * 60_000);
    const exit = await new Promise<number | null>((resolve) => nvim.once('exit', (code) => resolve(code)));
    clearTimeout(watchdog);
    assert.ok(fs.existsSync(resultFile), `Neovim exited (${exit}) without writing its result:\n${output}`);
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as NeovimResult;
    fs.copyFileSync(resultFile, path.join(artifacts, 'result.json'));
    t.diagnostic(`Neovim ${result.nvim.major}.${result.nvim.minor}.${result.nvim.patch}: ${result.diagnostics?.length ?? 0} diagnostics`);

    assert.equal(result.error, undefined, `the Lua script failed: ${result.error}`);
    assert.equal(result.filetype, 'go');
    assert.deepEqual(result.clients, ['go-escape-lens']);
    assert.equal(result.diagnostics_complete, true, `diagnostics that arrived: ${JSON.stringify(result.diagnostics)}`);
    const diagnostics = result.diagnostics ?? [];
    // Neovim's diagnostics are 0-based lines and byte columns; the oracle's are the compiler's 1-based ones.
    assert.deepEqual(
      diagnostics.map((d) => `${d.lnum + 1}:${d.col + 1}`).sort(),
      facts.map((fact) => `${fact.line}:${fact.byteColumn}`).sort(),
    );
    for (const diagnostic of diagnostics) assert.match(diagnostic.message, /heap/);
    // The README asks for escapes-to-heap as hints (4); moved-to-heap keeps its default, information (3).
    assert.ok(
      diagnostics.some((d) => d.severity === 4 && /escapes to the heap/.test(d.message)),
      JSON.stringify(diagnostics),
    );

    assert.equal(result.hover_error, undefined);
    assert.ok(result.hover?.includes(REASONS.return.sentence), `hover: ${result.hover}`);
    assert.equal(result.second_buffer_clients, 1, 'the second Go buffer is attached to the server');
    assert.equal(result.active_clients, 1, 'the second Go buffer shares the first one’s server');
  } finally {
    await endRunProcesses(run.id, nvim.pid ? [nvim.pid] : []);
    const lspLog = path.join(run.home, '.cache', 'nvim', 'lsp.log');
    if (fs.existsSync(lspLog)) fs.copyFileSync(lspLog, path.join(artifacts, 'lsp.log'));
    fs.writeFileSync(path.join(artifacts, 'nvim-output.txt'), output);
    assert.deepEqual(markedProcesses(run.id), [], 'every process the run started has ended');
    run.remove();
  }
});

/** The README's Neovim setup: the ```lua block that calls vim.lsp.start_client. */
function readmeNeovimLua(): string {
  const readme = fs.readFileSync(path.join(REPOSITORY_ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```lua\n([\s\S]*?)```/g)].map((match) => match[1]).find((lua) => lua.includes('vim.lsp.start_client'));
  assert.ok(block, 'README.md has no ```lua block with vim.lsp.start_client');
  return block;
}
