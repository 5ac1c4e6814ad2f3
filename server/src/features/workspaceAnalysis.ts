/**
 * "Analyse the whole workspace": every package of every workspace folder (`go list ./...`), each analysed
 * as if its file had been opened, with progress and cancellation. Knows nothing of LSP: the server passes
 * in the runner, the analysis, the progress reporter and the cancellation check.
 */
import * as path from 'node:path';
import { analysisEnvironment, type GoSettings } from '../engine/goCommand';
import type { GoRunner } from '../engine/runGo';
import type { AnalysisStatus } from '../model/analysis';

export interface WorkspaceProgress {
  begin(title: string, percentage: number, message: string, cancellable: boolean): void;
  report(percentage: number, message: string): void;
  done(): void;
}

/**
 * One workspace folder and the go settings that apply in it: in a multi-root workspace each folder has
 * its own (build tags, environment, go binary).
 */
export interface WorkspaceFolderPlan {
  readonly folder: string;
  readonly settings: GoSettings;
}

export interface WorkspaceAnalysisOptions<Plan extends WorkspaceFolderPlan> {
  readonly folders: readonly Plan[];
  readonly runGo: GoRunner;
  /**
   * Analyses one package with its folder's settings, and shows its result as it arrives (diagnostics and
   * the tree update as we go). Undefined when the analysis was cancelled or replaced by a newer one.
   */
  readonly analyseDirectory: (directory: string, plan: Plan) => Promise<WorkspacePackageOutcome | undefined>;
  readonly progress: WorkspaceProgress;
  readonly isCancelled: () => boolean;
  /** How many packages are analysed at once (the scheduler bounds compiler processes anyway). */
  readonly parallelism: number;
}

/** What the command counts of one package. */
export interface WorkspacePackageOutcome {
  readonly status: AnalysisStatus;
  /** For every status but `ok`: one line a user can act on. */
  readonly message?: string;
  readonly heapAllocations: number;
}

export interface WorkspaceAnalysisSummary {
  readonly packages: number;
  readonly analysed: number;
  readonly heapAllocations: number;
  readonly failed: readonly string[];
  readonly cancelled: boolean;
}

/**
 * The directories of one folder's packages: `go list -e -f {{.Dir}} ./...`. At the root of a go.work that
 * is not itself a module, `./...` matches nothing, so the workspace's modules inside the folder are listed
 * (`go list -m`) and their packages asked for by pattern.
 */
export async function listPackageDirectories(folder: string, settings: GoSettings, runGo: GoRunner): Promise<string[]> {
  const packages = await goListLines(folder, ['-e', '-f', '{{.Dir}}', ...settings.buildFlags, './...'], settings, runGo);
  if (packages.length > 0) return packages;
  const modules = (await goListLines(folder, ['-m', '-f', '{{.Dir}}'], settings, runGo)).filter(
    (directory) => directory !== folder && directory.startsWith(`${folder}${path.sep}`),
  );
  if (modules.length === 0) return [];
  const patterns = modules.map((directory) => `./${path.relative(folder, directory).split(path.sep).join('/')}/...`);
  return goListLines(folder, ['-e', '-f', '{{.Dir}}', ...settings.buildFlags, ...patterns], settings, runGo);
}

async function goListLines(folder: string, args: readonly string[], settings: GoSettings, runGo: GoRunner): Promise<string[]> {
  const result = await runGo({ goBinary: settings.goBinary, args: ['list', ...args], cwd: folder, env: analysisEnvironment(settings) });
  if (result.spawnError) throw new Error(`The go command could not be started: ${result.spawnError.message}`);
  if (result.exitCode !== 0) return [];
  return result.stdout
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export async function analyseWorkspace<Plan extends WorkspaceFolderPlan>(
  options: WorkspaceAnalysisOptions<Plan>,
): Promise<WorkspaceAnalysisSummary> {
  const { progress } = options;
  progress.begin('Go Escape Lens: analysing the workspace', 0, 'listing packages', true);
  try {
    // A package in two folders (one nested in the other) is analysed once, with the first folder's settings.
    const directories = new Map<string, Plan>();
    for (const plan of options.folders) {
      for (const directory of await listPackageDirectories(plan.folder, plan.settings, options.runGo)) {
        if (!directories.has(directory)) directories.set(directory, plan);
      }
    }
    const queue = [...directories.keys()];
    let finished = 0;
    let analysed = 0;
    let heapAllocations = 0;
    const failed: string[] = [];

    const worker = async () => {
      for (let directory = queue.shift(); directory !== undefined; directory = queue.shift()) {
        if (options.isCancelled()) return;
        const plan = directories.get(directory)!;
        const outcome = await options.analyseDirectory(directory, plan);
        finished++;
        if (outcome) {
          if (outcome.status === 'ok') analysed++;
          else failed.push(`${directory}: ${outcome.message ?? outcome.status}`);
          heapAllocations += outcome.heapAllocations;
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
