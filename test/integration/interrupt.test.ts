/**
 * Ctrl-C on `fix` and `check`, as a terminal sends it: SIGINT to the CLI in a child process, while a go
 * command it started runs. The go command runs in a process group of its own, which the terminal's signal
 * does not reach, so the CLI has to stop it. After the interrupt the CLI has exited 130, the go command it
 * was running is gone, its temporary folders are gone, and the module is as it was.
 *
 * The go command is named with `--go`: a script that writes its process id and arguments to a log and
 * runs the real go command. For the command the test interrupts, it then waits on a FIFO, as a long build or
 * `go test` would still be running: a short one may have ended on its own before the check, and one that
 * writes after the CLI is gone dies of the closed pipe, so neither would show a go command left running.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { requireGo } from '../helpers/goOracle';
import { CLI, REPOSITORY_ROOT } from '../helpers/lspClient';

const FIXES = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'fixes');
const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-interrupt-'));
after(() => fs.rmSync(temporary, { recursive: true, force: true }));
before(() => requireGo());

/** The folders the engine and the CLI make in the temp folder for one run, by the prefixes they use. */
const RUN_FOLDERS = /^(go-escape-lens-(overlay|bench|baseline)-|types-|stream-|module-copy-)/;

for (const { command, interruptAt } of [
  // fix verifies each candidate with a build through an overlay of the fixed text.
  { command: 'fix', interruptAt: /^build .*-overlay=/ },
  // check analyses with the compiler's escape analysis.
  { command: 'check', interruptAt: /^build .*-gcflags=/ },
]) {
  test(`Ctrl-C on ${command} stops the go command it runs, removes its temporary folders, and exits 130`, async () => {
    const run = fs.mkdtempSync(path.join(temporary, `${command}-`));
    const module = path.join(run, 'module');
    fs.cpSync(FIXES, module, { recursive: true });
    const tmp = path.join(run, 'tmp');
    fs.mkdirSync(tmp);
    const log = path.join(run, 'go.log');
    fs.writeFileSync(log, '');
    const hold = path.join(run, 'hold');
    execFileSync('mkfifo', [hold]);
    const loggingGo = path.join(run, 'go');
    const realGo = path.join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(), 'bin', 'go');
    fs.writeFileSync(
      loggingGo,
      [
        '#!/bin/sh',
        `echo "$$ $*" >> '${log}'`,
        `if echo "$*" | grep -Eq '${interruptAt.source}'; then '${realGo}' "$@"; read held < '${hold}'; exit 0; fi`,
        `exec '${realGo}' "$@"`,
      ].join('\n'),
      { mode: 0o755 },
    );
    const sources = snapshot(module);

    const cli = spawn(process.execPath, [CLI, command, '--go', loggingGo, './...'], {
      cwd: module,
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    cli.stdout?.on('data', (chunk) => (output += chunk));
    cli.stderr?.on('data', (chunk) => (output += chunk));
    const exited = exitOf(cli);

    const goCommand = await logLineMatching(log, interruptAt, exited);
    assert.ok(goCommand, `${command} ended before it ran a go command matching ${interruptAt}:\n${output}`);
    cli.kill('SIGINT');
    const { code, signal } = await exited;
    const state = stateOf(goCommand.pid);
    release(hold);

    assert.deepEqual({ code, signal }, { code: 130, signal: null }, `exit after Ctrl-C:\n${output}`);
    assert.equal(state, 'gone', `the go command (${goCommand.line}) still runs after ${command} exited`);
    assert.deepEqual(runFoldersIn(tmp), [], 'temporary folders left behind');
    assert.deepEqual(snapshot(module), sources, `${command} changed the module`);
  });
}

/** The first logged go command whose arguments match, as soon as it is logged; undefined if the CLI exits first. */
async function logLineMatching(log: string, pattern: RegExp, exited: Promise<unknown>): Promise<{ pid: number; line: string } | undefined> {
  const find = () => {
    for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
      const match = /^(\d+) (.*)$/.exec(line);
      if (match && pattern.test(match[2])) return { pid: Number(match[1]), line: match[2] };
    }
    return undefined;
  };
  const watcher = fs.watch(log);
  try {
    return await new Promise((resolve) => {
      const look = () => {
        const found = find();
        if (found) resolve(found);
      };
      watcher.on('change', look);
      void exited.then(() => resolve(find()));
      look();
    });
  } finally {
    watcher.close();
  }
}

/** Lets a go command that waits on the FIFO end (one the CLI did not stop): opening it for writing and closing it gives the reader its end of file. */
function release(fifo: string): void {
  try {
    fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  } catch {
    // No reader: nothing waits.
  }
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * Whether a process still runs. A killed process whose parent has already exited waits as a zombie until
 * init collects it: it runs no more, and counts as gone.
 */
function stateOf(pid: number): 'gone' | 'running' {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name in parentheses, which may itself contain spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X' ? 'gone' : 'running';
  } catch {
    return 'gone';
  }
}

/** The run's folders in the temp folder, and in the engine's own folder of it (go-escape-lens-<uid>). */
function runFoldersIn(tmp: string): string[] {
  const names = fs.readdirSync(tmp);
  const own = names.filter((name) => /^go-escape-lens-\w+$/.test(name) && !RUN_FOLDERS.test(name));
  return [...names, ...own.flatMap((name) => fs.readdirSync(path.join(tmp, name)))].filter((name) => RUN_FOLDERS.test(name));
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
