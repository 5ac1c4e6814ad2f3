/**
 * The language server ended by a signal (an editor's SIGTERM, a Ctrl-C on `serve --stdio` in a terminal)
 * while a go command it started runs: the server exits 143, the go command and its children are gone, and
 * nothing of the run is left in the temp folder, the go command's own work folder included. The go command
 * runs in a process group of its own, which the server's signal does not reach.
 * goPath is a script (test/helpers/holdingGo.ts) that holds the analysis's build, as a long compile.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { requireGo } from '../helpers/goOracle';
import { holdingGo } from '../helpers/holdingGo';
import { leftInTemp } from '../helpers/leftInTemp';
import { liveProcesses } from '../helpers/liveProcesses';
import { LspTestClient } from '../helpers/lspClient';

const ANALYSIS = /^build .*-gcflags=/;
let root: string;
after(() => fs.rmSync(root, { recursive: true, force: true }));
before(() => {
  requireGo();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-server-interrupt-'));
});

test('SIGTERM to the language server during an analysis: exit 143, its go command gone, its temp folder clean', async () => {
  const module = path.join(root, 'module');
  fs.mkdirSync(path.join(module, 'p'), { recursive: true });
  fs.writeFileSync(path.join(module, 'go.mod'), 'module example.com/interrupt\n\ngo 1.22\n');
  const file = path.join(module, 'p', 'p.go');
  fs.writeFileSync(file, 'package p\n\ntype T struct{ A int }\n\nfunc New() *T { return &T{A: 1} }\n');
  const tmp = path.join(root, 'tmp');
  fs.mkdirSync(tmp);
  const go = holdingGo(root, ANALYSIS);

  const client = await LspTestClient.start(module, { settings: { goPath: go.goPath }, env: { ...process.env, TMPDIR: tmp } });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    client.process.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // A server that ignores the signal would hang the test: it is killed, and the exit shows SIGKILL.
  const guard = setTimeout(() => client.process.kill('SIGKILL'), 60_000);
  let goCommand: { readonly pid: number; readonly line: string } | undefined;
  let whileRunning: string[] = [];
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  let stillRunning: string[] = [];
  try {
    const analysing = client.nextStatus((status) => status.state === 'analysing');
    await client.open(file);
    await analysing;
    goCommand = await go.held(exited);
    assert.ok(goCommand, `the server ended before its analysis's build ran:\n${client.logs.join('')}`);
    whileRunning = leftInTemp(tmp);
    client.process.kill('SIGTERM');
    exit = await exited;
    const group = String(goCommand.pid);
    stillRunning = liveProcesses((ids) => ids.group === group);
  } finally {
    clearTimeout(guard);
    client.process.kill('SIGKILL');
    try {
      if (goCommand) process.kill(-goCommand.pid, 'SIGKILL'); // what the server did not stop, so the test leaves nothing either
    } catch {
      // Stopped, as it should be.
    }
  }

  assert.ok(whileRunning.length > 0, 'the run had made no temporary folder when it was ended: the check below proves nothing');
  assert.deepEqual(exit, { code: 143, signal: null }, client.logs.join(''));
  assert.deepEqual(stillRunning, [], `the go command (${goCommand?.line}) or its children still run after the server exited`);
  assert.deepEqual(leftInTemp(tmp), [], `left in the temp folder (it held ${whileRunning.join(', ')} while the go command ran)`);
});
