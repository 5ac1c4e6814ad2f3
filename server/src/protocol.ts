/**
 * The custom messages between the VS Code client and the language server, declared once. Both sides import
 * this file; nothing else defines a method name.
 */
import { NotificationType, type Range, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

export type AnalysisState = 'analysing' | 'idle' | 'paused';

export interface StatusParams {
  readonly state: AnalysisState;
  /** The package directory the state is about, when there is one. */
  readonly packageDirectory?: string;
  /** Why analysis is paused, or what it is doing, in one line. */
  readonly message?: string;
  /** Heap allocations per analysed file URI, so the client can show the active file's count. */
  readonly heapAllocationsByUri?: Readonly<Record<string, number>>;
  /**
   * Bounds and nil checks per analysed file URI, for the kinds whose annotations are on (a kind that is off
   * is absent, and the status bar does not count it). Heap allocations are left out of
   * `heapAllocationsByUri` when escape annotations are off.
   */
  readonly checksByUri?: Readonly<Record<string, { readonly bounds?: number; readonly nil?: number }>>;
  /**
   * Files of the package that its build leaves out under the current settings (`//go:build ignore`, another
   * GOOS), by URI: why, and which settings would include them. The status bar says so for such a file.
   */
  readonly notInBuildByUri?: Readonly<Record<string, string>>;
  /** True when an idle state's results came from the cache without running the compiler. */
  readonly fromCache?: boolean;
}

export const StatusNotification = new NotificationType<StatusParams>('goEscapeLens/status');

/** The settings section, shared by the client's configuration and the server's workspace/configuration pull. */
export const SETTINGS_SECTION = 'goEscapeLens';

/**
 * What a measurement (a benchmark or a loaded profile) found at a tree node: bytes per op for a benchmark,
 * bytes for a profile, summed over the node's distinct lines; absent where nothing was measured. With a
 * measurement, each level is ranked by these bytes, measured nodes first.
 */
export interface EscapeTreeMeasured {
  readonly measuredBytes?: number;
  /** For display: `448 B/op`, `96 KB`. */
  readonly measuredLabel?: string;
}

/**
 * What a tree node counts: only the kinds whose annotations are on. A kind that is off is absent (with
 * escape annotations off, even the heap allocations), so the client shows only what the editor shows.
 */
export interface EscapeTreeCounts {
  readonly heapAllocations?: number;
  readonly boundsChecks?: number;
  readonly nilChecks?: number;
}

/** One heap allocation, bounds check or nil check in the escape tree: clicking it opens `uri` at `range`. */
export interface EscapeTreeSite extends EscapeTreeMeasured {
  readonly uri: string;
  readonly range: Range;
  /** The compiler's expression or variable, e.g. `&Point{...}`; the source text of a checked expression. */
  readonly expression: string;
  readonly kind: 'escape' | 'moved' | 'bounds' | 'nil';
  /** Why, in a few plain words ("returned"), when the compiler explained it. */
  readonly reason?: string;
}

export interface EscapeTreeFunction extends EscapeTreeCounts, EscapeTreeMeasured {
  /** As the compiler names it: `NewPoint`, `(*Vector).Scale`; `(package level)` for variable initialisers. */
  readonly name: string;
  readonly uri: string;
  /** The function's name, where clicking the function goes. */
  readonly range: Range;
  readonly leakingParameters: number;
  readonly sites: readonly EscapeTreeSite[];
}

export interface EscapeTreeFile extends EscapeTreeCounts, EscapeTreeMeasured {
  readonly uri: string;
  readonly functions: readonly EscapeTreeFunction[];
}

export interface EscapeTreePackage extends EscapeTreeCounts, EscapeTreeMeasured {
  readonly directory: string;
  /** The import path, or the directory's name when the compiler printed none. */
  readonly name: string;
  /** Set when these are the last good facts of a package that no longer builds. */
  readonly staleReason?: string;
}

/** A package with its files, functions and sites, as the server builds it. */
export interface EscapeTreePackageWithFiles extends EscapeTreePackage {
  readonly files: readonly EscapeTreeFile[];
}

/**
 * Every analysed package with its counts (heap allocations, and bounds and nil checks when their annotations
 * are on), the most first. Only the packages: a whole
 * workspace has tens of thousands of sites, so a package's files, functions and sites are asked for when
 * it is expanded (`EscapeTreePackageRequest`). The client asks again when a status notification arrives.
 */
export const EscapeTreeRequest = new RequestType0<readonly EscapeTreePackage[], void>('goEscapeLens/escapeTree');

export interface EscapeTreePackageParams {
  /** The package directory, as EscapeTreeRequest gave it. */
  readonly directory: string;
}

/** One package's files → functions → sites, each level sorted by count; empty for a package not analysed. */
export const EscapeTreePackageRequest = new RequestType<EscapeTreePackageParams, readonly EscapeTreeFile[], void>(
  'goEscapeLens/escapeTreePackage',
);

/**
 * Commands whose ids both sides know. The server runs `analyseWorkspace` (`workspace/executeCommand`, so any
 * LSP editor can call it); the client runs `showSites`, which code lenses carry.
 */
export const COMMANDS = {
  analyseWorkspace: 'goEscapeLens.analyseWorkspace',
  /**
   * `go mod download` of the modules the analysed packages miss (arguments: package directories, optional),
   * with the user's own GOPROXY and GOFLAGS; refused in an untrusted workspace.
   */
  downloadDependencies: 'goEscapeLens.downloadDependencies',
  /** Arguments: the document URI, the lens position, and the sites as LSP `Location`s. */
  showSites: 'goEscapeLens.showSites',
  showLog: 'goEscapeLens.showLog',
  /** Server: measures a benchmark. Arguments: a document URI of its package, the benchmark's name. */
  measureBenchmark: 'goEscapeLens.measureBenchmark',
  /** Server: the benchmarks of a document's package. Argument: the document URI. Returns their names. */
  listBenchmarks: 'goEscapeLens.listBenchmarks',
  /** Server: loads an allocation profile. Arguments: the file's path, and optionally its sample type. */
  loadProfile: 'goEscapeLens.loadProfile',
  /** Server: forgets the measurement shown. */
  clearMeasurement: 'goEscapeLens.clearMeasurement',
  /** Client: picks a benchmark of the active editor's package and measures it. */
  measureAllocations: 'goEscapeLens.measureAllocations',
  /** Client: picks a .pb.gz file and a sample type, and loads it. */
  loadAllocationProfile: 'goEscapeLens.loadAllocationProfile',
} as const;

/** What `measureBenchmark` and `loadProfile` answer: a one-line summary to show, or why nothing was measured. */
export interface MeasurementOutcome {
  readonly ok: boolean;
  readonly message: string;
}

/**
 * What the client passes in `initialize`'s `initializationOptions`. `workspaceTrusted: false` starts the
 * server in restricted mode: it never runs the go command and shows predicted allocations instead. Clients
 * without a notion of trust send nothing, which means trusted.
 */
export interface InitializationOptions {
  readonly settings?: unknown;
  readonly workspaceTrusted?: boolean;
}

export interface WorkspaceTrustParams {
  readonly trusted: boolean;
}

/** Client → server when the workspace's trust changes (VS Code: the user trusts it); no reload needed. */
export const WorkspaceTrustNotification = new NotificationType<WorkspaceTrustParams>('goEscapeLens/workspaceTrust');

export interface ActiveEditorParams {
  /** The document in the active editor, or null when no editor is active. */
  readonly uri: string | null;
}

/**
 * Client → server when the active editor changes: among analyses waiting for a free core, the package the
 * user is looking at goes first. Editors that do not send it get the most recently requested first.
 */
export const ActiveEditorNotification = new NotificationType<ActiveEditorParams>('goEscapeLens/activeEditor');
