/**
 * "Analyse the whole workspace": every package of every workspace folder (`go list ./...`), each analysed
 * as if its file had been opened, with progress and cancellation. Knows nothing of LSP: the server passes
 * in the runner, the analysis, the progress reporter and the cancellation check.
 */
import { analysisEnvironment, type GoSettings } from '../engine/goCommand';
import type { GoRunner } from '../engine/runGo';
import type { PackageResult } from '../analysisService';

export interface WorkspaceProgress {
  begin(title: string, percentage: number, message: string, cancellable: boolean): void;
  report(percentage: number, message: string): void;
  done(): void;
}

export interface WorkspaceAnalysisOptions {
  readonly folders: readonly string[];
  readonly settings: GoSettings;
  readonly runGo: GoRunner;
  readonly analyseDirectory: (directory: string) => Promise<PackageResult | undefined>;
  /** Called with each package's result as it arrives, so diagnostics and the tree update as we go. */
  readonly onResult: (result: PackageResult) => void;
  readonly progress: WorkspaceProgress;
  readonly isCancelled: () => boolean;
  /** How many packages are analysed at once (the scheduler bounds compiler processes anyway). */
  readonly parallelism: number;
}

export interface WorkspaceAnalysisSummary {
  readonly packages: number;
  readonly analysed: number;
  readonly heapAllocations: number;
  readonly failed: readonly string[];
  readonly cancelled: boolean;
}

/** `go list -e -f {{.Dir}} ./...` in one folder: the directories of its packages. */
export async function listPackageDirectories(folder: string, settings: GoSettings, runGo: GoRunner): Promise<string[]> {
  const result = await runGo({
    goBinary: settings.goBinary,
    args: ['list', '-e', '-f', '{{.Dir}}', ...settings.buildFlags, './...'],
    cwd: folder,
    env: analysisEnvironment(settings),
  });
  if (result.spawnError) throw new Error(`The go command could not be started: ${result.spawnError.message}`);
  return result.stdout
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export async function analyseWorkspace(options: WorkspaceAnalysisOptions): Promise<WorkspaceAnalysisSummary> {
  const { progress } = options;
  progress.begin('Go Escape Lens: analysing the workspace', 0, 'listing packages', true);
  try {
    const directories = new Set<string>();
    for (const folder of options.folders) {
      for (const directory of await listPackageDirectories(folder, options.settings, options.runGo)) directories.add(directory);
    }
    const queue = [...directories];
    let finished = 0;
    let analysed = 0;
    let heapAllocations = 0;
    const failed: string[] = [];

    const worker = async () => {
      for (let directory = queue.shift(); directory !== undefined; directory = queue.shift()) {
        if (options.isCancelled()) return;
        const result = await options.analyseDirectory(directory);
        finished++;
        if (result) {
          options.onResult(result);
          if (result.analysis.status === 'ok') analysed++;
          else failed.push(`${directory}: ${result.analysis.message ?? result.analysis.status}`);
          for (const file of result.files.values()) {
            heapAllocations += file.located.filter((item) => item.fact.kind === 'escape' || item.fact.kind === 'moved').length;
          }
        }
        progress.report(Math.round((finished / directories.size) * 100), `${finished}/${directories.size} packages`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallelism, queue.length)) }, worker));
    return { packages: directories.size, analysed, heapAllocations, failed, cancelled: options.isCancelled() };
  } finally {
    progress.done();
  }
}
