/**
 * Follows the output of the analysed package's compile while it runs, and says when its escape analysis is
 * complete: long before the compile, and longer still before the go command, has finished.
 *
 * The `-toolexec` wrapper (skipLinkTool.ts) writes each `-m=2` compile's output to `<id>.log` in a folder of
 * our own. The go command shows nothing until the whole action ends; the file shows each line as the
 * compiler writes it.
 *
 * When is escape analysis complete? From cmd/compile's source (go1.26, gc/main.go): `escape.Funcs` runs to
 * its end before `compilefuncs` starts the backend, on one goroutine. With `-m` every message is printed as
 * it is made (`base.WarnfAt` calls `FlushErrors`, which writes it to the unbuffered stdout), so the output
 * is in the order the compiler made it. Hence any line that only the backend prints proves that every escape
 * line has been written before it:
 * - `index bounds check elided`, printed by walk (walk/expr.go) under `-m`, for the first function with such
 *   an index; it costs nothing, since `-m=2` prints it anyway;
 * - otherwise the compile's exit, which still comes before the go command's (it then stores the result in
 *   its cache, and only then prints).
 * Silence is never taken as an end. `npm run check-stream-completeness` checks this over every package of
 * the standard library: the facts read up to the signal equal the facts of the finished compile.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { userTempDirectory } from './userTempDirectory';
import { removeAtExit } from './temporaryDirectory';

/** Lines only the backend prints, so everything escape analysis prints is written before them. */
const BACKEND_LINES = [Buffer.from(': index bounds check elided\n')];
const LONGEST_BACKEND_LINE = Math.max(...BACKEND_LINES.map((line) => line.length));
/** How much one read asks for. */
const READ_SIZE = 1 << 16;

export type EscapeCompleteSignal = 'backend' | 'exit';

export interface CompleteEscapeAnalysis {
  /** The wrapper's process id: names the compile's files in the folder. */
  readonly id: string;
  /** The compile's arguments, as the go command gave them (its Go files among them). */
  readonly args: readonly string[];
  /** Everything the compile printed up to the signal: every escape line, with absolute file names. */
  readonly output: Buffer;
  /** How it is known to be complete: a backend line was printed, or the compile exited. */
  readonly signal: EscapeCompleteSignal;
  /** The exit code, when the signal is the exit. */
  readonly exitCode?: number;
  /** The compiler's process id: stopping it stops the backend and nothing else. */
  readonly pid?: number;
}

interface FollowedCompile {
  readonly id: string;
  fd?: number;
  read: number;
  /**
   * The output read so far is its first `read` bytes. It grows by doubling, so a long output is copied a
   * few times in all, not once per read (joining every chunk on each read was quadratic in the output).
   */
  output: Buffer;
  /** Where the search for a backend line resumes. */
  scanned: number;
  done: boolean;
}

export class CompileStream {
  readonly directory: string;
  private readonly watcher: fs.FSWatcher;
  private readonly compiles = new Map<string, FollowedCompile>();
  private closed = false;
  /** Forgets the folder's removal at exit, once close has removed it. */
  private readonly forgetRemoval: () => void;

  constructor(private readonly onComplete: (analysis: CompleteEscapeAnalysis) => void) {
    this.directory = fs.mkdtempSync(path.join(userTempDirectory(), 'stream-'));
    this.forgetRemoval = removeAtExit(this.directory);
    // inotify (Linux) and FSEvents (macOS) report each write; a missed event only means the facts come
    // when the go command finishes, as without streaming.
    this.watcher = fs.watch(this.directory, (_event, name) => {
      if (name) this.changed(name.toString());
    });
    this.watcher.on('error', () => this.watcher.close());
  }

  /** The environment that tells the wrapper where to write. */
  get environment(): Record<string, string> {
    return { GO_ESCAPE_LENS_STREAM: this.directory };
  }

  /**
   * Reads whatever the folder holds now, as if every file had just changed. After the go command has
   * ended, every compile it ran has written its exit status, so each has signalled once this returns.
   */
  catchUp(): void {
    if (this.closed) return;
    for (const name of fs.readdirSync(this.directory).sort((a, b) => Number(a.endsWith('.exit')) - Number(b.endsWith('.exit')))) {
      this.changed(name);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watcher.close();
    for (const compile of this.compiles.values()) if (compile.fd !== undefined) fs.closeSync(compile.fd);
    fs.rmSync(this.directory, { recursive: true, force: true });
    this.forgetRemoval();
  }

  private changed(name: string): void {
    if (this.closed) return;
    const match = /^(\d+)\.(log|exit)$/.exec(name);
    if (!match) return;
    const [, id, kind] = match;
    let compile = this.compiles.get(id);
    if (!compile) {
      compile = { id, read: 0, output: Buffer.alloc(0), scanned: 0, done: false };
      this.compiles.set(id, compile);
    }
    if (compile.done) return;
    this.readNew(compile);
    if (compile.done) return;
    if (kind === 'exit') {
      const exitText = this.readText(`${id}.exit`);
      // The wrapper writes the exit status once the compiler has ended: the log is complete.
      if (exitText === undefined || !exitText.endsWith('\n')) return;
      this.readNew(compile);
      if (!compile.done) this.finish(compile, compile.output.subarray(0, compile.read), 'exit', Number(exitText.trim()));
    }
  }

  private readNew(compile: FollowedCompile): void {
    if (compile.fd === undefined) {
      try {
        compile.fd = fs.openSync(path.join(this.directory, `${compile.id}.log`), 'r');
      } catch {
        return;
      }
    }
    for (;;) {
      if (compile.output.length - compile.read < READ_SIZE) {
        const grown = Buffer.allocUnsafe(Math.max(compile.read + READ_SIZE, compile.output.length * 2));
        compile.output.copy(grown, 0, 0, compile.read);
        compile.output = grown;
      }
      const count = fs.readSync(compile.fd, compile.output, compile.read, READ_SIZE, compile.read);
      if (count === 0) break;
      compile.read += count;
    }
    if (compile.read === 0) return;
    const output = compile.output.subarray(0, compile.read);
    const end = backendLineStart(output, compile.scanned);
    if (end >= 0) this.finish(compile, output.subarray(0, end), 'backend');
    else compile.scanned = Math.max(0, output.length - LONGEST_BACKEND_LINE);
  }

  private finish(compile: FollowedCompile, read: Buffer, signal: EscapeCompleteSignal, exitCode?: number): void {
    compile.done = true;
    // A copy of exactly what was read: the growing buffer's spare capacity is let go with it.
    const output = Buffer.from(read);
    compile.output = Buffer.alloc(0);
    const args = (this.readText(`${compile.id}.args`) ?? '').split('\n').filter((arg) => arg !== '');
    const pid = Number(this.readText(`${compile.id}.pid`));
    this.onComplete({ id: compile.id, args, output, signal, exitCode, pid: Number.isInteger(pid) && pid > 0 ? pid : undefined });
  }

  private readText(name: string): string | undefined {
    try {
      return fs.readFileSync(path.join(this.directory, name), 'utf8');
    } catch {
      return undefined;
    }
  }
}

/** Where the first backend line starts (the start of its line), or -1. */
export function backendLineStart(output: Buffer, from = 0): number {
  let first = -1;
  for (const line of BACKEND_LINES) {
    const found = output.indexOf(line, from);
    if (found >= 0 && (first < 0 || found < first)) first = found;
  }
  if (first < 0) return -1;
  return output.lastIndexOf(0x0a /* \n */, first) + 1;
}

/**
 * The compile's output as the go command prints it: the compiler names files by absolute path, and the go
 * command (cmd/go/internal/work/shell.go, `reportCmd`) rewrites the directory it ran the compiler in, and
 * each of its parents, to the shorter relative path (`./x.go`, `../y/z.go`) at the start of a line or after
 * a space. The facts' compiler lines then read the same whether they came from the stream or the go command.
 */
export function asPrintedByGoCommand(output: Buffer, workingDirectory: string): Buffer {
  let text = output.toString('utf8');
  for (let directory = workingDirectory; ; ) {
    const relative = path.relative(workingDirectory, directory) || '.';
    if (relative.length < directory.length) text = replacePrefix(text, directory, relative);
    const parent = path.dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  return Buffer.from(text, 'utf8');
}

function replacePrefix(text: string, old: string, replacement: string): string {
  if (!text.includes(old)) return text;
  let result = text.replaceAll(` ${old}`, ` ${replacement}`).replaceAll(`\n${old}`, `\n${replacement}`);
  result = result.replaceAll(`\n\t${old}`, `\n\t${replacement}`);
  return result.startsWith(old) ? replacement + result.slice(old.length) : result;
}
