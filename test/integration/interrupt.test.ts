/**
 * Ctrl-C on `fix` and `check`, as a terminal sends it (SIGINT), and a CI job's SIGTERM: to the CLI in a
 * child process, while a go command it started runs. The go command runs in a process group of its own,
 * which the terminal's signal does not reach, so the CLI has to stop it. After the interrupt the CLI has
 * exited 130 (143), the go command it was running is gone with its children, the temp folder holds nothing
 * of the run (the go command's own work folder included), and the module is as it was.
 *
 * The go command is named with `--go`: a script (test/helpers/holdingGo.ts) that holds the command the test
 * interrupts, as a long build or `go test` would still be running: a short one may have ended on its own
 * before the check, and one that writes after the CLI is gone dies of the closed pipe, so neither would
 * show a go command left running.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { requireGo } from '../helpers/goOracle';
import { holdingGo } from '../helpers/holdingGo';
import { leftInTemp } from '../helpers/leftInTemp';
import { liveProcesses } from '../helpers/liveProcesses';
import { CLI, REPOSITORY_ROOT } from '../helpers/lspClient';

const FIXES = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'fixes');
const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-interrupt-'));
after(() => fs.rmSync(temporary, { recursive: true, force: true }));
before(() => requireGo());

for (const { command, signal, code, interruptAt } of [
  // fix verifies each candidate with a build through an overlay of the fixed text.
  { command: 'fix', signal: 'SIGINT', code: 130, interruptAt: /^build .*-overlay=/ },
  { command: 'fix', signal: 'SIGTERM', code: 143, interruptAt: /^build .*-overlay=/ },
  // check analyses with the compiler's escape analysis.
  { command: 'check', signal: 'SIGINT', code: 130, interruptAt: /^build .*-gcflags=/ },
] as const) {
  test(`${signal} to ${command} stops the go command it runs, removes its temporary folders, and exits ${code}`, async () => {
    const run = fs.mkdtempSync(path.join(temporary, `${command}-`));
    const module = path.join(run, 'module');
    fs.cpSync(FIXES, module, { recursive: true });
    const tmp = path.join(run, 'tmp');
    fs.mkdirSync(tmp);
    const go = holdingGo(run, interruptAt);
    const sources = snapshot(module);

    const cli = spawn(process.execPath, [CLI, command, '--go', go.goPath, './...'], {
      cwd: module,
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    cli.stdout?.on('data', (chunk) => (output += chunk));
    cli.stderr?.on('data', (chunk) => (output += chunk));
    const exited = exitOf(cli);
    // A CLI that ignores the signal would hang the test: it is killed, and the exit shows SIGKILL.
    const guard = setTimeout(() => cli.kill('SIGKILL'), 60_000);

    const goCommand = await go.held(exited);
    assert.ok(goCommand, `${command} ended before it ran a go command matching ${interruptAt}:\n${output}`);
    const whileRunning = leftInTemp(tmp);
    cli.kill(signal);
    const exit = await exited;
    clearTimeout(guard);
    const stillRunning = liveProcesses(({ group }) => group === String(goCommand.pid));
    try {
      process.kill(-goCommand.pid, 'SIGKILL'); // what the CLI did not stop, so the test leaves nothing either
    } catch {
      // Stopped, as it should be.
    }

    assert.ok(whileRunning.length > 0, 'the run had made no temporary folder when it was interrupted: the check below proves nothing');
    assert.deepEqual(exit, { code, signal: null }, `exit after ${signal}:\n${output}`);
    assert.deepEqual(stillRunning, [], `the go command (${goCommand.line}) or its children still run after ${command} exited`);
    assert.deepEqual(leftInTemp(tmp), [], `left in the temp folder (it held ${whileRunning.join(', ')} while the go command ran)`);
    assert.deepEqual(snapshot(module), sources, `${command} changed the module`);
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

function snapshot(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(directory, file)] = fs.readFileSync(file, 'utf8');
  }
  return files;
}
