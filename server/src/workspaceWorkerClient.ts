/**
 * The server's side of the workspace worker (workspaceWorker.ts): starts it on the first package it is
 * asked for, sends it packages one request each, and lets go of it when the whole-workspace command ends,
 * so the worker exits and its memory goes back to the system. The worker is the server's own bundle,
 * started again with WORKSPACE_WORKER_ARGUMENT.
 */
import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { GoSettings } from './engine/goCommand';
import type { Annotations } from './model/annotations';
import { type FromWorker, type ToWorker, WORKSPACE_WORKER_ARGUMENT, type WorkspacePackageSummary } from './workspaceWorkerProtocol';

export interface WorkspaceWorkerOptions {
  readonly log: (message: string) => void;
  readonly verbose: (message: string) => void;
  readonly error: (message: string) => void;
  /** The worker started compiling a package. */
  readonly onStarted: (directory: string) => void;
}

/** How long a worker let go of may take to cancel its go commands and exit. */
const EXIT_MILLISECONDS = 5000;

/** The bundle this code runs in (dist/server.js or dist/cli.js); from the sources, the server's entry. */
function workerEntry(): string {
  return __filename.endsWith('.ts') ? path.join(__dirname, 'main.ts') : __filename;
}

export class WorkspaceWorkerClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (summary?: WorkspacePackageSummary) => void; reject: (error: Error) => void }>();

  constructor(private readonly options: WorkspaceWorkerOptions) {}

  /** The package's summary; undefined when the analysis was cancelled. */
  analyse(directory: string, settings: GoSettings, annotations: Annotations): Promise<WorkspacePackageSummary | undefined> {
    const child = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send(child, { type: 'analyse', id, directory, settings, annotations });
    });
  }

  /** Stops the worker's analyses (their go commands are killed); what is pending is answered with nothing. */
  cancel(): void {
    if (this.child) this.send(this.child, { type: 'cancel' });
  }

  /**
   * Lets go of the worker: it cancels what still runs and exits. Resolves once it has exited, so the memory
   * it held is back with the system; one that does not exit within EXIT_MILLISECONDS is killed.
   */
  async dispose(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.settleAll(undefined);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.disconnect();
    const kill = setTimeout(() => child.kill('SIGKILL'), EXIT_MILLISECONDS);
    await exited;
    clearTimeout(kill);
  }

  /** The worker's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private started(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(workerEntry(), [WORKSPACE_WORKER_ARGUMENT], {
      // stdout may be the LSP channel (`serve --stdio`): the worker's never goes there.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // A debugger's port belongs to the server; the worker must not take it. V8's optimize-for-size mode
      // grows the heap more slowly and collects sooner: on the standard library the worker's peak went from
      // 357 to 228 MB, and the command took no longer.
      execArgv: [...process.execArgv.filter((argument) => !argument.startsWith('--inspect')), '--optimize-for-size'],
    });
    child.stderr?.on('data', (chunk: Buffer) => this.options.error(`workspace worker: ${chunk.toString().trimEnd()}`));
    child.on('message', (message: FromWorker) => this.received(message));
    child.on('error', (error) => {
      if (this.child === child) this.child = undefined;
      this.settleAll(error);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.settleAll(new Error(`the workspace worker stopped (${signal ?? `exit code ${code}`})`));
    });
    this.child = child;
    this.options.log(`workspace: the packages without open files are analysed in a worker process (pid ${child.pid})`);
    return child;
  }

  private send(child: ChildProcess, message: ToWorker): void {
    if (child.connected) child.send(message);
  }

  private received(message: FromWorker): void {
    switch (message.type) {
      case 'started':
        this.options.onStarted(message.directory);
        return;
      case 'log':
        (message.level === 'verbose' ? this.options.verbose : this.options.log)(message.message);
        return;
      case 'result':
        this.pending.get(message.id)?.resolve(message.summary);
        this.pending.delete(message.id);
        return;
      case 'failed':
        this.pending.get(message.id)?.reject(new Error(message.message));
        this.pending.delete(message.id);
        return;
    }
  }

  /** Answers every pending request: with nothing (let go of), or with the worker's failure. */
  private settleAll(error: Error | undefined): void {
    for (const { resolve, reject } of this.pending.values()) {
      if (error) reject(error);
      else resolve(undefined);
    }
    this.pending.clear();
  }
}
