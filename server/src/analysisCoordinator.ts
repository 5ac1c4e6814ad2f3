/**
 * The language server's policy, without a connection: when a document is analysed and with what (saved
 * files, unsaved buffers while typing, the package's tests when one is open), what follows a save (the
 * importers' re-analysis), what Restricted Mode shows instead, the baseline marks, the workspace command,
 * and the read-only features' access to the facts. server.ts hands LSP events to it; every diagnostic it
 * sends goes through the DiagnosticsPublisher.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CancellationToken,
  type CodeAction,
  CodeActionKind,
  CodeActionTriggerKind,
  type Diagnostic,
  type Hover,
  type Range,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisService } from './analysisService';
import { readFileIfExists } from './engine/readFileIfExists';
import { EditorBaseline, type NewSince } from './check/editorBaseline';
import type { ClientSettings } from './clientSettings';
import { dependentRefreshTargets, importsPackage, savedImportPath } from './dependentPackages';
import { type DiagnosticsClient, DiagnosticsPublisher } from './diagnosticsPublisher';
import type { GoSettings } from './engine/goCommand';
import { isTestFile } from './engine/packageSnapshot';
import { buildContext, buildExclusion } from './engine/buildConstraints';
import { isOutsideModule } from './engine/moduleRoot';
import { notInBuildHover, packageClauseLine } from './features/notInBuildHover';
import { refuseWhenRestricted } from './engine/restrictedRunner';
import type { GoRunner } from './engine/runGo';
import { DependencyDownloads, type DownloadClient } from './dependencyDownloads';
import { ensureSkipLinkTool } from './engine/skipLinkTool';
import { AnalysisProgress } from './features/analysisProgress';
import { codeLenses } from './features/codeLens';
import { byCount, escapeTree, packagesOnly, shownTree, withKeptPackages } from './features/escapeTree';
import { expandKeptTree, type KeptTreePackage, keepTree, keptTreeRow } from './features/keptTree';
import { withMeasuredTree } from './features/measuredTree';
import { hoverAt } from './features/hover';
import { inlayHints } from './features/inlayHints';
import { predictedDiagnosticsForText } from './features/predictedDiagnostics';
import { analyseWorkspace, type WorkspaceAnalysisSummary, type WorkspacePackageOutcome } from './features/workspaceAnalysis';
import { heapAllocationCount } from './features/packageStatus';
import { QuickFixService } from './fixes/fixService';
import { KeyedDebouncer } from './keyedDebouncer';
import { MeasurementCoordinator } from './measurementCoordinator';
import { MemoryRelease } from './memoryRelease';
import type { FileAnalysis, PackageResult } from './model/analysis';
import { type Annotations, DEFAULT_ANNOTATIONS } from './model/annotations';
import { isBoundsCheckKind } from './model/checks';
import type { OnceLog } from './onceLog';
import type { EscapeTreeFile, EscapeTreePackage, EscapeTreePackageWithFiles, StatusParams } from './protocol';
import type { Settings } from './settings';
import { disposeGoQueries } from './syntax/goQueries';
import { WorkspaceWorkerClient } from './workspaceWorkerClient';
import type { WorkspacePackageSummary } from './workspaceWorkerProtocol';

/** The open documents, as the LSP text-document sync keeps them. */
export interface OpenDocuments {
  all(): readonly TextDocument[];
  get(uri: string): TextDocument | undefined;
}

/** What the coordinator needs of the client besides diagnostics. */
export interface CoordinatorClient extends DiagnosticsClient, DownloadClient {
  showInformation(message: string): void;
  showWarning(message: string): void;
  createWorkDoneProgress(): Promise<WorkDoneProgressServerReporter>;
}

export interface CoordinatorDependencies {
  readonly client: CoordinatorClient;
  readonly documents: OpenDocuments;
  readonly settings: ClientSettings;
  readonly runGo: GoRunner;
  readonly log: (message: string) => void;
  /** Lines only a `verbose` log level shows: each allocation, each fix not proposed and why, each verdict. */
  readonly verbose: (message: string) => void;
  /** Failures: shown at every log level. */
  readonly error: (message: string) => void;
  readonly onceLog: OnceLog;
  /** Where diagnostics' code descriptions point. */
  readonly readmeUri: string;
}

export interface WorkspaceContext {
  /** The workspace folders (absolute paths): what `./...` and the importers' re-analysis cover. */
  readonly workspaceFolders: readonly string[];
  /** What the client can be asked to refresh after new facts. */
  readonly refreshable: { readonly inlayHints: boolean; readonly codeLenses: boolean };
  /** False in an untrusted workspace (Restricted Mode): no go command runs, predictions stand in. */
  readonly trusted: boolean;
  /**
   * The client shows inlay hints (it declares `textDocument.inlayHint`): the inline annotation's facts are
   * hints there, not Hint diagnostics. Absent: diagnostics, for clients without inlay hints.
   */
  readonly showsInlayHints?: boolean;
}

const isGoFileUri = (uri: string) => uri.startsWith('file:') && uri.endsWith('.go');

export class AnalysisCoordinator {
  private context: WorkspaceContext = { workspaceFolders: [], refreshable: { inlayHints: false, codeLenses: false }, trusted: true };
  /** Per package, the analysis and publish under way: a code-action request waits for it. */
  private readonly analysesRunning = new Map<string, Promise<void>>();
  /** Per package, the number of the latest analysis request, so an early publish of an older one is dropped. */
  private readonly analyseRequests = new Map<string, number>();
  /** The package of the active editor, when the client says which it is (VS Code does). */
  private activeDirectory: string | undefined;
  /**
   * Per document, the code-action requests the user invoked (Ctrl+., a quick-fix menu) being answered.
   * Diagnostics sent meanwhile change VS Code's markers, and a marker change cancels such a request: its
   * menu would never show. A re-send that comes meanwhile waits for the last of them (`sendAgainLater`).
   */
  private readonly invokedCodeActions = new Map<string, number>();
  private readonly sendAgainLater = new Set<string>();
  /** Per open document, the version and text of its last analysis request, for publishDiagnostics' `version`. */
  private readonly requestedVersions = new Map<string, { readonly version: number; readonly text: string }>();
  private readonly typing = new KeyedDebouncer();
  private readonly memoryRelease = new MemoryRelease();
  private readonly runGo: GoRunner;
  private readonly progress: AnalysisProgress;
  private readonly editorBaseline: EditorBaseline;
  private readonly publisher: DiagnosticsPublisher;
  private readonly quickFixes: QuickFixService;
  private readonly service: AnalysisService;
  private readonly dependencyDownloads: DependencyDownloads;
  /** Benchmarks measured and profiles loaded, and what they add to the features. */
  readonly measurements: MeasurementCoordinator;
  /**
   * The escape tree of each package that only the workspace command analysed: counts and sites, not the
   * located facts with their flows. A package's facts are analysed again when one of its files is opened.
   */
  private readonly workspaceTree = new Map<string, KeptTreePackage>();
  /** The workspace command's worker process while the command runs. */
  private workspaceWorker: WorkspaceWorkerClient | undefined;

  constructor(private readonly dependencies: CoordinatorDependencies) {
    const { client, log, verbose, onceLog, readmeUri } = dependencies;
    this.runGo = refuseWhenRestricted(dependencies.runGo, () => this.context.trusted);
    this.progress = new AnalysisProgress(
      () => client.createWorkDoneProgress(),
      (directory) => `Analysing ${path.basename(directory)}`,
    );
    MemoryRelease.startMemoryReducerSooner();
    const skipLinkTool = ensureSkipLinkTool();
    this.editorBaseline = new EditorBaseline({ runGo: this.runGo, skipLinkTool });
    this.publisher = new DiagnosticsPublisher({
      client,
      log,
      verbose,
      onceLog,
      uriOf: (file) => this.uriOf(file),
      isOpen: (file) => this.openDocument(file) !== undefined,
      versionOf: (file, text) => this.versionOf(file, text),
      readmeUri,
      refreshable: () => this.context.refreshable,
      inlineAsHints: () => this.context.showsInlayHints === true,
      newSinceBaseline: (result, settings, go) => this.newSinceBaseline(result, settings, go),
      measuredDiagnostics: (result, settings) => this.measurements.diagnostics(result, settings),
      measurementGeneration: () => this.measurements.generation,
    });
    this.quickFixes = new QuickFixService({
      runGo: this.runGo,
      skipLinkTool,
      log,
      verbose,
      onVerified: (directory, offered) => {
        log(`quick-fixes verified for ${path.basename(directory)}: ${offered} offered`);
        // Verification parses and compiles too: memory is given back once it is over as well.
        this.memoryRelease.analysisFinished();
      },
      onAnswerGrown: (file) => {
        // Sending the same diagnostics again makes VS Code ask for the lightbulb's actions again.
        const uri = this.uriOf(file);
        if (this.invokedCodeActions.has(uri)) this.sendAgainLater.add(uri);
        else this.sendDiagnosticsAgain(uri);
      },
    });
    this.service = new AnalysisService({
      runGo: this.runGo,
      skipLinkTool,
      preferredDirectory: () => this.activeDirectory,
      parallelism: Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
      log,
      verbose,
      onStarted: (directory) => {
        this.quickFixes.packageChanging(directory);
        this.progress.started(directory);
        client.sendStatus({ state: 'analysing', packageDirectory: directory, message: `Analysing ${path.basename(directory)}` });
      },
    });
    this.measurements = new MeasurementCoordinator({
      client,
      documents: dependencies.documents,
      settings: dependencies.settings,
      runGo: this.runGo,
      log,
      readmeUri,
      workspaceFolders: () => this.context.workspaceFolders,
      trusted: () => this.context.trusted,
      refreshable: () => this.context.refreshable,
      fileResult: (file) => this.service.fileResult(file),
      uriOf: (file) => this.uriOf(file),
      republish: () => this.republishAll(),
    });
    this.dependencyDownloads = new DependencyDownloads({
      client,
      runGo: this.runGo,
      isTrusted: () => this.context.trusted,
      log,
      analyseOpenPackages: () => this.analyseOpenDocuments(),
    });
  }

  /** "Download dependencies": `go mod download` of what the given packages (default: all) miss, on request only. */
  downloadDependencies(directories?: readonly string[]): Promise<string> {
    return this.dependencyDownloads.download(directories);
  }

  initialize(context: WorkspaceContext): void {
    this.context = context;
  }

  documentOpened(uri: string): void {
    void this.analyse(uri);
  }

  documentSaved(uri: string): void {
    void this.analyse(uri, { refreshDependents: true });
  }

  /** The closed document's settings are asked again when it opens; in the `openFiles` scope its diagnostics go. */
  async documentClosed(uri: string): Promise<void> {
    const settings = uri.startsWith('file:') ? await this.dependencies.settings.settingsFor(uri) : undefined;
    this.dependencies.settings.forget(uri);
    if (settings) this.publisher.fileClosed(uri, fileURLToPath(uri), settings);
  }

  /** With `analyzeOn: type`, a pause in typing analyses the unsaved buffers. */
  async documentChanged(uri: string): Promise<void> {
    if (!isGoFileUri(uri)) return;
    const settings = await this.dependencies.settings.settingsFor(uri);
    if (settings.analyzeOn !== 'type') return;
    this.typing.schedule(path.dirname(fileURLToPath(uri)), settings.typingDelayMs, () => void this.analyse(uri, { unsaved: true }));
  }

  /** New settings: every open document is analysed again with them. */
  configurationChanged(section: unknown): void {
    this.dependencies.settings.changed(section);
    this.analyseOpenDocuments();
  }

  activeEditorChanged(uri: string | null | undefined): void {
    this.activeDirectory = uri?.startsWith('file:') ? path.dirname(fileURLToPath(uri)) : undefined;
  }

  /** Restricted Mode entered or left: running analyses stop, and every open document is analysed again. */
  /** False in Restricted Mode: nothing may run the go command, not even to find it. */
  isTrusted(): boolean {
    return this.context.trusted;
  }

  trustChanged(trusted: boolean): void {
    if (trusted === this.context.trusted) return;
    this.context = { ...this.context, trusted };
    if (!trusted) this.service.cancelAll();
    if (!trusted) this.quickFixes.cancelAll();
    if (!trusted) this.measurements.cancel();
    if (!trusted) this.workspaceWorker?.cancel();
    const { log } = this.dependencies;
    log(trusted ? 'The workspace is trusted: analysing with the Go compiler.' : 'The workspace is no longer trusted: predictions only.');
    this.analyseOpenDocuments();
  }

  shutdown(): void {
    this.editorBaseline.dispose();
    this.typing.dispose();
    this.memoryRelease.dispose();
    this.service.cancelAll();
    this.quickFixes.cancelAll();
    this.workspaceWorker?.dispose();
    disposeGoQueries();
    this.measurements.cancel();
  }

  async hover(uri: string, position: { line: number; character: number }): Promise<Hover | null> {
    const clause = await this.packageClauseHover(uri, position);
    if (clause) return clause;
    const compilerHover = this.withFacts<Hover | null>(uri, null, async (file, result) =>
      hoverAt(position, {
        file,
        packageFiles: result.files,
        annotations: (await this.dependencies.settings.settingsFor(uri)).annotations,
        staleReason: result.stale ? (result.analysis.message ?? 'the last analysis failed') : undefined,
        offeredFixes: async ({ range, fact }) =>
          (await this.quickFixActions(result, file, range, [CodeActionKind.QuickFix], []))
            // A bounds check's hover names the hoist, an allocation's the fixes that remove allocations.
            .filter(
              (action) => isBoundsCheckKind(fact.kind) === ((action.data as { fix?: string } | undefined)?.fix === 'hoistBoundsCheck'),
            )
            .map((action) => action.title),
      }),
    );
    return this.measured<Hover | null>(compilerHover, null, (hover) => this.measurements.hover(uri, position, hover));
  }

  /** The package clause of a file the build leaves out says so, and what would include it. */
  private async packageClauseHover(uri: string, position: { line: number; character: number }): Promise<Hover | null> {
    const document = this.dependencies.documents.get(uri);
    if (!document || !uri.startsWith('file:') || packageClauseLine(document.getText()) !== position.line) return null;
    const { settings: clientSettings } = this.dependencies;
    // Only the settings matter here, not the go command: nothing runs, also in Restricted Mode.
    const go = await clientSettings.buildSettingsFor(uri);
    const exclusion = buildExclusion(path.basename(fileURLToPath(uri)), document.getText(), buildContext(go));
    return notInBuildHover(document.getText(), position, exclusion);
  }

  inlayHints(uri: string, range: Range) {
    const hints = this.withFacts(uri, [], async (file) => {
      const settings = await this.dependencies.settings.settingsFor(uri);
      return inlayHints(file, range, settings.inlayHints, settings.annotations);
    });
    return this.measured(hints, [], (compiler) => this.measurements.inlayHints(uri, compiler));
  }

  codeLenses(uri: string) {
    const lenses = this.withFacts(uri, [], async (file) => {
      const settings = await this.dependencies.settings.settingsFor(uri);
      return codeLenses(file, uri, settings.codeLens.enabled, settings.annotations);
    });
    return this.measured(lenses, [], (compiler) => this.measurements.codeLenses(uri, compiler));
  }

  /** Adds the measurement to a feature's answer; a failure there is logged and the compiler's answer stands. */
  private async measured<T>(answer: Promise<T>, fallback: T, add: (answer: T) => Promise<T>): Promise<T> {
    const compiler = (await answer) ?? fallback;
    try {
      return await add(compiler);
    } catch (error) {
      this.dependencies.log(
        `Go Escape Lens: adding measurements failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return compiler;
    }
  }

  /** Publishes every analysed package again (a measurement arrived or was cleared). */
  private async republishAll(): Promise<void> {
    for (const result of this.service.packageResults()) {
      const first = [...result.files.keys()][0];
      if (!first) continue;
      const settings = await this.dependencies.settings.settingsFor(this.uriOf(first));
      await this.publisher.publish(result, settings, await this.dependencies.settings.goSettingsFor(this.uriOf(first)));
    }
  }

  /**
   * The fixes at `range`. A request that comes while the package is being analysed (a Ctrl+. right after
   * opening the file) waits for that analysis, and then for the verification of the candidates at `range`,
   * so the first request shows them; the request's cancellation ends both waits. `triggerKind` is the
   * request's: the editor's own (the lightbulb) or the user's (Ctrl+.; assumed when the client omits it).
   */
  codeActions(
    uri: string,
    range: Range,
    only: readonly string[] | undefined,
    diagnostics: readonly Diagnostic[],
    token?: CancellationToken,
    triggerKind?: CodeActionTriggerKind,
  ): Promise<CodeAction[]> {
    return this.whileInvoked(uri, triggerKind !== CodeActionTriggerKind.Automatic, async () => {
      const running = uri.startsWith('file:') && this.analysesRunning.get(path.dirname(fileURLToPath(uri)));
      if (running) await Promise.race([running, new Promise<void>((resolve) => token?.onCancellationRequested(() => resolve()))]);
      if (token?.isCancellationRequested) return [];
      const wait = { cancelled: () => token?.isCancellationRequested === true };
      const actions = this.withFacts(uri, [], (file, result) => this.quickFixActions(result, file, range, only, diagnostics, wait));
      return await this.measured(actions, [], (found) => this.measurements.measuredFixes(uri, found));
    });
  }

  /** Counts the request while it is answered, if the user invoked it (see `invokedCodeActions`). */
  private async whileInvoked<T>(uri: string, invoked: boolean, answer: () => Promise<T>): Promise<T> {
    if (!invoked) return answer();
    this.invokedCodeActions.set(uri, (this.invokedCodeActions.get(uri) ?? 0) + 1);
    try {
      return await answer();
    } finally {
      const waiting = (this.invokedCodeActions.get(uri) ?? 1) - 1;
      if (waiting > 0) this.invokedCodeActions.set(uri, waiting);
      else {
        this.invokedCodeActions.delete(uri);
        // After the response is written (it goes out once this promise settles), not before it.
        if (this.sendAgainLater.delete(uri)) setImmediate(() => this.sendDiagnosticsAgain(uri));
      }
    }
  }

  /** An open document's last diagnostics, sent again unchanged, if it has not changed since. */
  private sendDiagnosticsAgain(uri: string): void {
    const document = this.dependencies.documents.get(uri);
    const sent = document !== undefined && this.publisher.sendAgain(uri, document.version);
    const notSent = `diagnostics not sent again: the document ${document ? 'has changed since' : 'is closed'}`;
    this.dependencies.verbose(
      `${path.basename(fileURLToPath(uri))}: ${sent ? 'diagnostics sent again, so the editor asks for the code actions again' : notSent}`,
    );
  }

  /** The escape tree's packages with their counts; their files come with escapeTreePackage. */
  async escapeTree(): Promise<EscapeTreePackage[]> {
    const live = await this.liveTree(this.service.packageResults());
    const liveDirectories = new Set(live.map((item) => item.directory));
    const kept = [...this.workspaceTree.values()].filter((item) => !liveDirectories.has(item.directory));
    const measurement = await this.measurements.treeMeasurement();
    if (measurement && measurement.sites.length > 0) {
      // Ranked by the bytes measured on each site: the kept packages' sites are needed too.
      const packages = await this.shown(withKeptPackages(live, kept.map(expandKeptTree)));
      return packagesOnly(withMeasuredTree(packages, measurement));
    }
    // The kept packages' rows come from their counts, without building their files.
    const keptRows = await Promise.all(kept.map(async (item) => keptTreeRow(item, await this.annotationsOf(item.directory))));
    return byCount([...packagesOnly(await this.shown(live)), ...keptRows.filter((row) => row !== undefined)]);
  }

  /** One package's part of the escape tree, when the client expands it. */
  async escapeTreePackage(directory: string): Promise<readonly EscapeTreeFile[]> {
    const [live] = await this.liveTree(this.service.packageResults().filter((result) => result.directory === directory));
    const kept = this.workspaceTree.get(directory);
    const node = live ?? (kept && expandKeptTree(kept));
    if (!node) return [];
    const [measured] = withMeasuredTree(await this.shown([node]), await this.measurements.treeMeasurement());
    return measured?.files ?? [];
  }

  /** The tree as each package's settings show it: only the kinds whose annotations are on are counted. */
  private async shown(packages: readonly EscapeTreePackageWithFiles[]): Promise<EscapeTreePackageWithFiles[]> {
    const annotations = new Map(
      await Promise.all(packages.map(async (item) => [item.directory, await this.annotationsOf(item.directory)] as const)),
    );
    return shownTree(packages, (directory) => annotations.get(directory) ?? DEFAULT_ANNOTATIONS);
  }

  /**
   * A package's annotations: those of an open file of it, else of its workspace folder (as the workspace
   * command analysed it), so a whole workspace's tree asks the client once per folder, not per package.
   */
  private async annotationsOf(directory: string): Promise<Annotations> {
    const open = this.dependencies.documents
      .all()
      .find((document) => isGoFileUri(document.uri) && path.dirname(fileURLToPath(document.uri)) === directory);
    const folder = this.context.workspaceFolders
      .filter((candidate) => directory === candidate || directory.startsWith(`${candidate}${path.sep}`))
      .sort((a, b) => b.length - a.length)[0];
    const scope = open?.uri ?? pathToFileURL(folder ?? directory).href;
    return (await this.dependencies.settings.settingsFor(scope)).annotations;
  }

  private liveTree(results: readonly PackageResult[]): Promise<EscapeTreePackageWithFiles[]> {
    return escapeTree(
      results,
      (file) => this.uriOf(file),
      (file) => this.service.fileResult(file),
    );
  }

  /** The workspace command: every package of every folder, each with its folder's settings. */
  async analyseWorkspace(cancellation: CancellationToken): Promise<WorkspaceAnalysisSummary | undefined> {
    const { client, settings: clientSettings, log } = this.dependencies;
    if (!this.context.trusted) {
      client.showInformation('Go Escape Lens: trust the workspace to analyse it with the Go compiler.');
      return undefined;
    }
    // Each folder of a multi-root workspace with its own settings, as a save in it would have.
    const folders = await Promise.all(
      this.context.workspaceFolders.map(async (folder) => {
        const scope = pathToFileURL(folder).href;
        const editorSettings = await clientSettings.settingsFor(scope);
        return { folder, editorSettings, settings: await clientSettings.goSettingsFor(scope) };
      }),
    );
    const reporter = await client.createWorkDoneProgress();
    const worker = this.startWorkspaceWorker();
    // Cancelled from the progress or by the request: the packages being analysed stop too.
    const cancelled = () => cancellation.isCancellationRequested || reporter.token.isCancellationRequested;
    const stop = [cancellation, reporter.token].map((token) => token.onCancellationRequested(() => worker.cancel()));
    try {
      const summary = await analyseWorkspace({
        folders,
        runGo: this.runGo,
        analyseDirectory: (directory, plan) => this.analyseForWorkspace(directory, plan, worker),
        progress: reporter,
        isCancelled: cancelled,
        parallelism: Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
      });
      log(
        `workspace: ${summary.analysed}/${summary.packages} packages analysed, ${summary.heapAllocations} heap allocations${summary.cancelled ? ' (cancelled)' : ''}`,
      );
      for (const failure of summary.failed) log(`workspace: ${failure}`);
      return summary;
    } finally {
      for (const listener of stop) listener.dispose();
      // The worker exits, and the memory of the whole run goes with it.
      await worker.dispose();
      if (this.workspaceWorker === worker) this.workspaceWorker = undefined;
    }
  }

  private startWorkspaceWorker(): WorkspaceWorkerClient {
    const { log, verbose, error, client } = this.dependencies;
    const worker = new WorkspaceWorkerClient({
      log,
      verbose,
      error,
      onStarted: (directory) => {
        this.progress.started(directory);
        client.sendStatus({ state: 'analysing', packageDirectory: directory, message: `Analysing ${path.basename(directory)}` });
      },
    });
    this.workspaceWorker?.cancel();
    this.workspaceWorker = worker;
    return worker;
  }

  /**
   * One package of the workspace command. Its facts are kept only for packages the user works in (those
   * with open files or kept results), and only those, or all in the `package` diagnostics scope (which
   * publishes every file's diagnostics), are analysed in the server. Every other package is analysed by the
   * workspace worker, which sends back its tree and counts only.
   */
  private async analyseForWorkspace(
    directory: string,
    plan: { readonly editorSettings: Settings; readonly settings: GoSettings },
    worker: WorkspaceWorkerClient,
  ): Promise<WorkspacePackageOutcome | undefined> {
    const keep = this.keepsFacts(directory);
    if (keep || plan.editorSettings.diagnostics.scope === 'package') {
      // The diagnostics and the tree need no leak explanations.
      const result = await this.service.analyseDirectory(directory, plan.settings, {
        retain: keep,
        leakExplanations: keep,
        functions: true,
      });
      if (!result) return undefined;
      void this.publishWorkspaceResult(result, plan.editorSettings, plan.settings);
      const heapAllocations = [...result.files.values()].reduce((sum, file) => sum + heapAllocationCount(file), 0);
      return { status: result.analysis.status, message: result.analysis.message, heapAllocations };
    }
    try {
      const summary = await worker.analyse(directory, plan.settings, plan.editorSettings.annotations);
      if (summary) this.publishWorkspaceSummary(summary, plan.settings);
      return summary;
    } catch (error) {
      void this.progress.finished(directory);
      return { status: 'failed', message: error instanceof Error ? error.message : String(error), heapAllocations: 0 };
    }
  }

  /** Shows what the workspace worker sent of a package: its status, its log line, and its tree. */
  private publishWorkspaceSummary(summary: WorkspacePackageSummary, go: GoSettings): void {
    const { directory } = summary;
    void this.progress.finished(directory);
    // Receiving the trees leaves garbage too: collected once the command is over.
    this.memoryRelease.analysisFinished();
    this.publisher.publishSummary(summary);
    this.dependencyDownloads.afterAnalysis(directory, summary, go);
    // A package opened meanwhile has facts of its own, which the tree shows: they are newer.
    if (summary.tree && !this.service.hasResult(directory)) this.workspaceTree.set(directory, keepTree(summary.tree));
    else this.workspaceTree.delete(directory);
  }

  /** Publishes a workspace command's result analysed in the server; of a package whose facts are not kept, keeps its tree only. */
  private async publishWorkspaceResult(result: PackageResult, settings: Settings, go: GoSettings): Promise<void> {
    await this.publish(result, settings, go);
    if (this.service.hasResult(result.directory)) {
      this.workspaceTree.delete(result.directory);
      return;
    }
    this.publisher.forgetFacts(result.directory);
    const [node] = await escapeTree([result], (file) => this.uriOf(file));
    if (node) this.workspaceTree.set(result.directory, keepTree(node));
    else this.workspaceTree.delete(result.directory);
  }

  private keepsFacts(directory: string): boolean {
    if (this.service.hasResult(directory)) return true;
    return this.dependencies.documents
      .all()
      .some((document) => isGoFileUri(document.uri) && path.dirname(fileURLToPath(document.uri)) === directory);
  }

  private analyseOpenDocuments(): void {
    for (const document of this.dependencies.documents.all()) void this.analyse(document.uri);
  }

  /**
   * `refreshDependents` is set for a save: once the saved package is published, the open packages that
   * import it are analysed again, since what the compiler says about them depends on it.
   */
  async analyse(uri: string, options: { unsaved?: boolean; refreshDependents?: boolean } = {}): Promise<void> {
    if (!isGoFileUri(uri)) return;
    const directory = path.dirname(fileURLToPath(uri));
    const running = this.analyseAndPublish(uri, options);
    this.analysesRunning.set(directory, running);
    try {
      await running;
    } finally {
      if (this.analysesRunning.get(directory) === running) this.analysesRunning.delete(directory);
    }
  }

  private async analyseAndPublish(uri: string, options: { unsaved?: boolean; refreshDependents?: boolean }): Promise<void> {
    const { client, error: logError, settings: clientSettings } = this.dependencies;
    const file = fileURLToPath(uri);
    try {
      const settings = await clientSettings.settingsFor(uri);
      // A profile named in the settings is loaded with the first analysis that reads them.
      void this.measurements.loadConfiguredProfile(settings.measurement).catch((error: unknown) => logError(`profile: ${String(error)}`));
      if (!this.context.trusted) return await this.publishRestricted(uri, settings);
      const go = await clientSettings.goSettingsFor(uri);
      const directory = path.dirname(file);
      // A save of a non-test file takes the fast path (`go build`, no test files); the tests follow only
      // when the user has one of the package's test files open, so a plain save pays for no test compile.
      const overlays = options.unsaved ? this.unsavedBuffers(directory) : undefined;
      // Decided while the compiler runs, so the save does not wait for it; until then the compile finishes.
      let compiledPackageNeeded = true;
      void this.compiledPackageNeeded(directory).then(
        (needed) => {
          compiledPackageNeeded = needed;
        },
        () => undefined,
      );
      // A file outside any module (a `go run main.go` script) is built by name, alone, as `go run` does.
      const outside = await isOutsideModule(directory, { ...process.env, ...go.env });
      if (outside) {
        const name = path.basename(file);
        this.dependencies.onceLog.say(
          `outside-module:${file}`,
          `${name} is outside any module: analysed on its own, as \`go run ${name}\` builds it.`,
        );
      }
      const request = (this.analyseRequests.get(directory) ?? 0) + 1;
      this.analyseRequests.set(directory, request);
      this.rememberVersions(directory);
      const result = await this.service.analyseDirectory(directory, go, {
        includeTests: isTestFile(file),
        overlays,
        stopBackend: () => !compiledPackageNeeded,
        namedFiles: outside ? [file] : undefined,
        onFileReady: {
          file,
          ready: (analysed) => {
            // The saved file first; the full publish (budgets, baseline marks, the other files) follows.
            // Not with a baseline, whose "new since" marks would appear a moment later and flicker.
            if (this.analyseRequests.get(directory) !== request || settings.baseline) return;
            this.publisher.publishFileFirst(analysed, settings);
          },
        },
      });
      if (!result) return;
      await this.publish(result, settings, go);
      if (outside) return;
      if (options.refreshDependents && !result.fromCache && result.analysis.status === 'ok') {
        void this.refreshDependents(result).catch((error: unknown) =>
          logError(`refreshing the importers of ${path.basename(directory)} failed: ${String(error)}`),
        );
      }
      const isOpen = (other: string) => this.openDocument(other) !== undefined;
      void this.quickFixes.afterAnalysis(result, go, settings, isOpen);
      if (!result.includesTests && result.analysis.status === 'ok' && this.hasOpenTestFile(directory)) {
        const withTests = await this.service.analyseDirectory(directory, go, { includeTests: true, overlays });
        if (withTests) await this.publish(withTests, settings, go);
        if (withTests) void this.quickFixes.afterAnalysis(withTests, go, settings, isOpen);
      }
    } catch (error) {
      // Read-only features are best-effort: say what failed and keep serving.
      const message = `analysis of ${path.basename(file)} failed: ${error instanceof Error ? error.message : String(error)}`;
      logError(`Go Escape Lens: ${message}\n${error instanceof Error ? error.stack : ''}`);
      client.sendStatus({ state: 'paused', packageDirectory: path.dirname(file), message });
      void this.progress.finished(path.dirname(file));
    }
  }

  /**
   * The unsaved text of the open documents in `directory`, for analysis while typing: only documents whose
   * text differs from the file on disk, so a saved package compiles (and caches) exactly as on save.
   */
  private unsavedBuffers(directory: string): Map<string, string> {
    const buffers = new Map<string, string>();
    for (const document of this.dependencies.documents.all()) {
      if (!isGoFileUri(document.uri)) continue;
      const file = fileURLToPath(document.uri);
      if (path.dirname(file) !== directory) continue;
      const text = document.getText();
      const onDisk = readFileIfExists(file);
      if (onDisk === undefined || onDisk.replace(/^\uFEFF/, '') !== text) buffers.set(file, text);
    }
    return buffers;
  }

  /** Remembers the version of each open document of `directory` as an analysis of it is requested. */
  private rememberVersions(directory: string): void {
    for (const document of this.dependencies.documents.all()) {
      if (!isGoFileUri(document.uri) || path.dirname(fileURLToPath(document.uri)) !== directory) continue;
      this.requestedVersions.set(document.uri, { version: document.version, text: document.getText() });
    }
  }

  /**
   * The open document's version whose text is `text`: its current one, or the one it had when the analysis
   * was requested (the user typed on since). Undefined when neither holds that text.
   */
  private versionOf(file: string, text: string): number | undefined {
    const document = this.openDocument(file);
    if (!document) return undefined;
    if (document.getText() === text) return document.version;
    const requested = this.requestedVersions.get(document.uri);
    return requested?.text === text ? requested.version : undefined;
  }

  /** Analyses again the open packages that import the package of `saved`: their facts may have changed. */
  private async refreshDependents(saved: PackageResult): Promise<void> {
    const importPath = savedImportPath(saved.analysis.facts.importPaths);
    if (!importPath) return;
    for (const file of await this.openImporters(saved.directory, importPath)) void this.analyse(this.uriOf(file));
  }

  /** One open file of each open package of the workspace that imports `importPath` (the package in `directory`). */
  private async openImporters(directory: string, importPath: string): Promise<string[]> {
    const openFiles = this.dependencies.documents
      .all()
      .filter((document) => document.uri.startsWith('file:'))
      .map((document) => fileURLToPath(document.uri));
    const importers: string[] = [];
    for (const file of dependentRefreshTargets(directory, openFiles, this.context.workspaceFolders)) {
      const analysed = this.service.packageResults().find((result) => result.directory === path.dirname(file));
      if (await importsPackage(importPath, analysed && [...analysed.files.values()], this.openDocument(file)?.getText() ?? ''))
        importers.push(file);
    }
    return importers;
  }

  /**
   * Whether something will build on the package in `directory` once it is analysed, so its compile should
   * run to the end and leave the package in the go command's build cache: an open importer (analysed again
   * after a save), or an open test file (its `go test -c` reuses the package when the tests are external).
   * Otherwise the compiler is stopped once its escape analysis is complete, which saves most of its CPU; the
   * price is that an identical compile later is not served from the build cache. Unknown (no earlier
   * analysis of the package, so no import path yet) counts as needed.
   */
  private async compiledPackageNeeded(directory: string): Promise<boolean> {
    if (this.hasOpenTestFile(directory)) return true;
    const previous = this.service.packageResults().find((result) => result.directory === directory);
    const importPath = previous && savedImportPath(previous.analysis.facts.importPaths);
    if (!importPath) return true;
    return (await this.openImporters(directory, importPath)).length > 0;
  }

  private openDocument(file: string): TextDocument | undefined {
    return this.dependencies.documents.all().find((document) => document.uri.startsWith('file:') && fileURLToPath(document.uri) === file);
  }

  private hasOpenTestFile(directory: string): boolean {
    return this.dependencies.documents
      .all()
      .some(
        (document) =>
          document.uri.startsWith('file:') && isTestFile(document.uri) && path.dirname(fileURLToPath(document.uri)) === directory,
      );
  }

  /** The URI the client knows a file by: an open document's, else a file URI. */
  private uriOf(file: string): string {
    return this.openDocument(file)?.uri ?? pathToFileURL(file).href;
  }

  private async publish(result: PackageResult, settings: Settings, go: GoSettings): Promise<void> {
    void this.progress.finished(result.directory);
    if (!result.fromCache) this.memoryRelease.analysisFinished();
    await this.publisher.publish(result, settings, go);
    this.dependencyDownloads.afterAnalysis(result.directory, result.analysis, go);
  }

  /** Restricted Mode: the open document's predicted allocations, and no go command at all. */
  private async publishRestricted(uri: string, settings: Settings): Promise<void> {
    const { client, onceLog, readmeUri } = this.dependencies;
    const file = fileURLToPath(uri);
    const text = this.dependencies.documents.get(uri)?.getText() ?? readFileIfExists(file) ?? '';
    const diagnostics = await predictedDiagnosticsForText(text, { settings, readmeUri, cause: 'restricted' });
    if (this.context.trusted) return; // trusted meanwhile: the compiler's facts are on their way
    this.publisher.publishPredictions(uri, file, diagnostics, text);
    const message = 'Restricted mode: the workspace is not trusted, so the go command is not run. Showing predicted allocations.';
    onceLog.say('restricted', message);
    const status: StatusParams = { state: 'paused', packageDirectory: path.dirname(file), message };
    client.sendStatus(status);
  }

  /** Which allocations are new since the `baseline` setting's revision; undefined when it is not set. */
  private async newSinceBaseline(result: PackageResult, settings: Settings, go: GoSettings): Promise<NewSince | undefined> {
    const { error: logError, onceLog } = this.dependencies;
    if (!settings.baseline || result.analysis.status !== 'ok') return undefined;
    try {
      const marked = await this.editorBaseline.newSince(result, settings.baseline, go);
      if (marked.ok) return marked.value;
      onceLog.say(`baseline:${result.directory}`, marked.message);
    } catch (error) {
      logError(`baseline ${settings.baseline}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return undefined;
  }

  private quickFixActions(
    result: PackageResult,
    file: FileAnalysis,
    range: Range,
    only: readonly string[] | undefined,
    diagnostics: readonly Diagnostic[],
    wait?: { readonly cancelled: () => boolean },
  ): Promise<CodeAction[]> {
    return this.quickFixes.codeActions(
      result,
      {
        file: file.file,
        range,
        only,
        diagnostics,
        uriOf: (other) => this.uriOf(other),
        openText: (other) => this.openDocument(other)?.getText(),
      },
      wait,
    );
  }

  /**
   * Runs a read-only feature on a document's facts. Best-effort: no facts yet means `fallback`, and a
   * failure is logged and answered with `fallback`, never thrown at the client.
   */
  private async withFacts<T>(uri: string, fallback: T, use: (file: FileAnalysis, result: PackageResult) => Promise<T>): Promise<T> {
    const file = uri.startsWith('file:') ? this.service.fileResult(fileURLToPath(uri)) : undefined;
    const result = file && this.service.packageResults().find((candidate) => candidate.files.get(file.file) === file);
    if (!file || !result) return fallback;
    try {
      return await use(file, result);
    } catch (error) {
      this.dependencies.error(
        `Go Escape Lens: a request on ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return fallback;
    }
  }
}
