/**
 * "Download dependencies": a fresh clone's modules are not in the module cache, and the analysis never
 * downloads (GOPROXY=off). So the server says which modules are missing and offers, once per package and
 * set of modules, to run `go mod download` for them with the user's own GOPROXY and GOFLAGS, only when the
 * user clicks (`window/showMessageRequest`, a button in VS Code's notification) or runs the command
 * `goEscapeLens.downloadDependencies` (any LSP editor: `workspace/executeCommand`). The download shows
 * cancellable progress, then the open packages are analysed again.
 */
import * as path from 'node:path';
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver';
import type { PackageAnalysis } from './model/analysis';
import { downloadModules } from './engine/downloadModules';
import type { GoSettings } from './engine/goCommand';
import type { GoRunner } from './engine/runGo';
import type { ModuleVersion } from './model/moduleVersion';

export const DOWNLOAD_ACTION = 'Download dependencies';

/** What the downloads need of the client. */
export interface DownloadClient {
  /** A message with one button (`window/showMessageRequest`); resolves true when the user clicked it. */
  askToAct(message: string, action: string): Promise<boolean>;
  showError(message: string): void;
  createWorkDoneProgress(): Promise<WorkDoneProgressServerReporter>;
}

export interface DependencyDownloadsOptions {
  readonly client: DownloadClient;
  /** The trust-checking runner: nothing runs in restricted mode. */
  readonly runGo: GoRunner;
  readonly isTrusted: () => boolean;
  readonly log: (message: string) => void;
  /** Analyses the open packages again once modules have arrived. */
  readonly analyseOpenPackages: () => void;
}

interface Missing {
  readonly modules: readonly ModuleVersion[];
  readonly go: GoSettings;
}

export class DependencyDownloads {
  /** Per package directory, the modules its last analysis missed. */
  private readonly missing = new Map<string, Missing>();
  /** Offers already made, so a save of the same package does not ask again. */
  private readonly offered = new Set<string>();
  private running: Promise<unknown> | undefined;

  constructor(private readonly options: DependencyDownloadsOptions) {}

  /** After each analysis: remember what is missing, and offer the download the first time. */
  afterAnalysis(directory: string, analysis: Pick<PackageAnalysis, 'missingModules' | 'message'>, go: GoSettings): void {
    const modules = analysis.missingModules;
    if (!modules) {
      this.missing.delete(directory);
      return;
    }
    this.missing.set(directory, { modules, go });
    const key = `${directory}\n${modules.map((module) => `${module.path}@${module.version}`).join(' ')}`;
    if (this.offered.has(key) || !this.options.isTrusted()) return;
    this.offered.add(key);
    void this.options.client.askToAct(`Go Escape Lens: ${analysis.message}`, DOWNLOAD_ACTION).then(
      (clicked) => (clicked ? this.download([directory]) : undefined),
      () => undefined,
    );
  }

  /**
   * Downloads what the given packages (default: every package missing modules) need. Resolves with a line
   * saying what happened.
   */
  async download(directories?: readonly string[]): Promise<string> {
    if (!this.options.isTrusted()) return 'The workspace is not trusted: nothing is downloaded.';
    if (this.running) await this.running.catch(() => undefined);
    const wanted = (directories ?? [...this.missing.keys()]).filter((directory) => this.missing.has(directory));
    if (wanted.length === 0) return 'No package is missing modules.';
    const task = this.downloadFor(wanted);
    this.running = task;
    return task;
  }

  private async downloadFor(directories: readonly string[]): Promise<string> {
    const { client, runGo, log } = this.options;
    // One `go mod download` per module root would be tidier, but packages of one module share their
    // missing modules, and downloading one twice is a no-op for the go command.
    const jobs = directories.map((directory) => ({ directory, ...this.missing.get(directory)! }));
    const total = new Set(jobs.flatMap((job) => job.modules.map((module) => `${module.path}@${module.version}`))).size;
    const reporter = await client.createWorkDoneProgress();
    const controller = new AbortController();
    reporter.token.onCancellationRequested(() => controller.abort());
    reporter.begin('Go Escape Lens: downloading dependencies', 0, `go mod download: ${total} module${total === 1 ? '' : 's'}`, true);
    const outcomes: string[] = [];
    let failed = false;
    try {
      for (const [index, job] of jobs.entries()) {
        const names = job.modules.map((module) => `${module.path}@${module.version}`).join(' ');
        log(`go mod download ${names} (in ${job.directory}, with your GOPROXY and GOFLAGS)`);
        reporter.report(Math.round((index / jobs.length) * 100), path.basename(job.directory));
        const outcome = await downloadModules(job.directory, job.modules, job.go, runGo, controller.signal);
        outcomes.push(outcome.message);
        if (outcome.status !== 'downloaded') {
          failed = true;
          break;
        }
      }
    } finally {
      reporter.done();
    }
    const summary = outcomes.join(' ');
    log(summary);
    if (failed) client.showError(`Go Escape Lens: ${summary}`);
    else for (const directory of directories) this.missing.delete(directory);
    // Analysed again either way: a partial download may be enough for some packages.
    this.options.analyseOpenPackages();
    return summary;
  }
}
