/**
 * The messages between the language server and its workspace worker: a child process that analyses the
 * whole-workspace command's packages and sends back only what the editor keeps of each (its tree, its
 * status-bar counts, one log line). The compiler's output, the parsed and located facts, the syntax trees'
 * WebAssembly memory and the allocator's arenas all live and die in the worker, whose memory goes back to
 * the system when it exits. Sent over Node's IPC channel as JSON.
 */
import type { GoSettings } from './engine/goCommand';
import type { AnalysisStatus } from './model/analysis';
import type { Annotations } from './model/annotations';
import type { ModuleVersion } from './model/moduleVersion';
import type { EscapeTreePackageWithFiles, StatusParams } from './protocol';

/** The argument that starts the server's bundle as a workspace worker instead of a language server. */
export const WORKSPACE_WORKER_ARGUMENT = '--go-escape-lens-workspace-worker';

/** What the editor keeps of one package that the workspace command analysed and no open file needs. */
export interface WorkspacePackageSummary {
  readonly directory: string;
  readonly status: AnalysisStatus;
  /** For every status but `ok`: one line a user can act on. */
  readonly message?: string;
  /** Heap allocations of the package, whatever the annotations (the command's total counts them). */
  readonly heapAllocations: number;
  /** How long the go command ran and its output took to parse, for the log. */
  readonly times: string;
  readonly counts: Pick<StatusParams, 'heapAllocationsByUri' | 'checksByUri'>;
  readonly notInBuildByUri?: Readonly<Record<string, string>>;
  /** Absent when nothing in the package is shown in the tree. */
  readonly tree?: EscapeTreePackageWithFiles;
  /** The modules a build failed for because they are not downloaded (the server offers to download them). */
  readonly missingModules?: readonly ModuleVersion[];
  /** The first heap allocations in the compiler's words, for the log's verbose level. */
  readonly verboseLines: readonly string[];
}

export type ToWorker =
  | {
      readonly type: 'analyse';
      readonly id: number;
      readonly directory: string;
      readonly settings: GoSettings;
      /** The annotations of the package's folder: what the status counts and the tree show. */
      readonly annotations: Annotations;
    }
  /** Stop every analysis (their go commands are killed); later requests are answered with nothing. */
  | { readonly type: 'cancel' };

export type FromWorker =
  | { readonly type: 'started'; readonly directory: string }
  /** A line for the server's log, at the level it was said at. */
  | { readonly type: 'log'; readonly level: 'info' | 'verbose'; readonly message: string }
  /** `summary` is absent when the analysis was cancelled. */
  | { readonly type: 'result'; readonly id: number; readonly summary?: WorkspacePackageSummary }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
