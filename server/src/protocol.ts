/**
 * The custom messages between the VS Code client and the language server, declared once. Both sides import
 * this file; nothing else defines a method name.
 */
import { NotificationType } from 'vscode-languageserver-protocol';

export type AnalysisState = 'analysing' | 'idle' | 'paused';

export interface StatusParams {
  readonly state: AnalysisState;
  /** The package directory the state is about, when there is one. */
  readonly packageDirectory?: string;
  /** Why analysis is paused, or what it is doing, in one line. */
  readonly message?: string;
  /** Heap allocations per analysed file URI, so the client can show the active file's count. */
  readonly heapAllocationsByUri?: Readonly<Record<string, number>>;
  /** True when an idle state's results came from the cache without running the compiler. */
  readonly fromCache?: boolean;
}

export const StatusNotification = new NotificationType<StatusParams>('goEscapeLens/status');

/** The settings section, shared by the client's configuration and the server's workspace/configuration pull. */
export const SETTINGS_SECTION = 'goEscapeLens';
