/**
 * Runs the go command: the one place the engine starts processes.
 *
 * The runner is injected everywhere else (`GoRunner`), so tests can count or refuse invocations and the CLI
 * and the server share the engine unchanged.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { onExit } from './atExit';
import { goWorkFolder } from './goWorkFolder';

export interface GoInvocation {
  readonly goBinary: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface GoResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stderr then stdout as the go command wrote them, undecoded: what the compiler-output parser reads. */
  readonly output: Uint8Array;
  /** True when the run was stopped through the abort signal. */
  readonly cancelled: boolean;
  /** Set when the process could not be started at all (e.g. ENOENT: no go binary). */
  readonly spawnError?: NodeJS.ErrnoException;
  /** True when the output passed the size limit and the rest was dropped. */
  readonly truncated: boolean;
}

export type GoRunner = (invocation: GoInvocation, signal?: AbortSignal) => Promise<GoResult>;

/** Output beyond this is dropped: -m=2 on net/http prints about 3 MB, so this only stops a runaway. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

export const runGo: GoRunner = (invocation, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) {
      resolve({ exitCode: null, stdout: '', stderr: '', output: new Uint8Array(), cancelled: true, truncated: false });
      return;
    }
    // Stopped if this process exits first: no signal to it reaches the go command's own process group.
    let pid: number | undefined;
    const forgetKill = onExit(() => killTree(pid), 'stop');
    // The go command's own work folder in one of ours: a killed go command cannot remove it (goWorkFolder.ts).
    const work = goWorkFolder(invocation.env, invocation.cwd);
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      // detached: the go command starts compile and link children; killing the process group stops them all.
      child = spawn(invocation.goBinary, [...invocation.args], {
        cwd: invocation.cwd,
        env: work ? { ...invocation.env, GOTMPDIR: work.path } : invocation.env,
        detached: process.platform !== 'win32',
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      // Thrown, not emitted (an argument list too long, a cwd that is a file): nothing started to wait for.
      forgetKill();
      work?.remove();
      throw error;
    }
    pid = child.pid;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let cancelled = false;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      if (size + chunk.length > MAX_OUTPUT_BYTES) {
        truncated = true;
        return;
      }
      size += chunk.length;
      into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));

    const kill = () => {
      cancelled = true;
      killTree(child.pid);
    };
    signal?.addEventListener('abort', kill, { once: true });

    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
    });
    child.on('close', (exitCode) => {
      signal?.removeEventListener('abort', kill);
      forgetKill();
      work?.remove();
      // The bytes are joined once; the text is decoded only when asked for. The analysis reads the bytes, and
      // -m=2 of a large package (go/types: 57 MB, with `←` in it) decoded would be a 114 MB string.
      const output = Buffer.concat([...stderr, ...stdout]);
      const stderrLength = stderr.reduce((sum, chunk) => sum + chunk.length, 0);
      resolve({
        exitCode,
        get stdout() {
          return output.toString('utf8', stderrLength);
        },
        get stderr() {
          return output.toString('utf8', 0, stderrLength);
        },
        output,
        cancelled,
        spawnError,
        truncated,
      });
    });
  });

function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    if (process.platform === 'win32') process.kill(pid, 'SIGKILL');
    else process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
