/**
 * The messages between the language server and its workspace worker: a child process that analyses the
 * whole-workspace command's packages and sends back only what the editor keeps of each (its tree, its
 * status-bar counts, one log line). The compiler's output, the parsed and located facts, the syntax trees'
 * WebAssembly memory and the allocator's arenas all live and die in the worker, whose memory goes back to
 * the system when it exits. Sent over Node's IPC channel as JSON.
 */
import type { GoSettings } from './engine/goCommand';
import type { WorkspacePackageSummary } from './features/workspacePackageSummary';
import type { Annotations } from './model/annotations';

export type { WorkspacePackageSummary };

/** The argument that starts the server's bundle as a workspace worker instead of a language server. */
export const WORKSPACE_WORKER_ARGUMENT = '--go-escape-lens-workspace-worker';

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
