/**
 * Wiring only: capabilities, handler registration, and the hand-off between LSP events and the analysis
 * service. What a feature shows is decided in features/; what the compiler says, in engine/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CancellationToken,
  CodeActionKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisService } from './analysisService';
import type { PackageResult } from './model/analysis';
import { runGo as realRunGo, type GoRunner } from './engine/runGo';
import { isTestFile } from './engine/packageSnapshot';
import { ensureSkipLinkTool } from './engine/skipLinkTool';
import { fileDiagnostics } from './features/diagnostics';
import { predictedDiagnosticsForText } from './features/predictedDiagnostics';
import { refuseWhenRestricted } from './engine/restrictedRunner';
import { EditorBaseline, type NewSince } from './check/editorBaseline';
import type { GoSettings } from './engine/goCommand';
import { AnalysisProgress } from './features/analysisProgress';
import { codeLenses } from './features/codeLens';
import { escapeTree } from './features/escapeTree';
import { hoverAt } from './features/hover';
import { inlayHints } from './features/inlayHints';
import { analyseWorkspace } from './features/workspaceAnalysis';
import type { FileAnalysis } from './model/analysis';
import {
  ActiveEditorNotification,
  COMMANDS,
  EscapeTreeRequest,
  type InitializationOptions,
  SETTINGS_SECTION,
  StatusNotification,
  WorkspaceTrustNotification,
} from './protocol';
import { withGoExtensionSettings } from './goExtensionSettings';
import { dependentRefreshTargets, importsPackage, savedImportPath } from './dependentPackages';
import { DiagnosticsPublisher } from './diagnosticsPublisher';
import { KeyedDebouncer } from './keyedDebouncer';
import { OnceLog } from './onceLog';
import { MemoryRelease } from './memoryRelease';
import { goSettings, normaliseSettings, type Settings } from './settings';
import { QuickFixService } from './fixes/fixService';

export interface ServerOptions {
  /** Injected in tests to observe or refuse go invocations. */
  readonly runGo?: GoRunner;
}

function readFileIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function startLanguageServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  let canPullConfiguration = false;
  let pushedSettings: unknown;
  const readmeUri = pathToFileURL(path.join(__dirname, '..', 'README.md')).href;
  const log = (message: string) => connection.console.log(message);
  /** A repeated failure or settings problem is said once. */
  const onceLog = new OnceLog(log);
  /** Per package, the number of the latest analysis request, so an early publish of an older one is dropped. */
  const analyseRequests = new Map<string, number>();
  /** What the client can be asked to refresh, and the folders `./...` covers. */
  let refreshable = { inlayHints: false, codeLenses: false };
  let workspaceFolders: string[] = [];
  /** False in an untrusted workspace (restricted mode): no go command runs, predictions stand in. */
  let workspaceTrusted = true;
  const runGo = refuseWhenRestricted(options.runGo ?? realRunGo, () => workspaceTrusted);
  const progress = new AnalysisProgress(
    () => connection.window.createWorkDoneProgress(),
    (directory) => `Analysing ${path.basename(directory)}`,
  );

  const typing = new KeyedDebouncer();
  MemoryRelease.startMemoryReducerSooner();
  const memoryRelease = new MemoryRelease();
  const skipLinkTool = ensureSkipLinkTool();
  const editorBaseline = new EditorBaseline({ runGo, skipLinkTool });
  const publisher = new DiagnosticsPublisher({
    connection,
    log,
    onceLog,
    uriOf,
    readmeUri,
    refreshable: () => refreshable,
    newSinceBaseline,
  });
  const quickFixes = new QuickFixService({
    runGo,
    skipLinkTool,
    log,
    onVerified: (directory, offered) => log(`quick-fixes verified for ${path.basename(directory)}: ${offered} offered`),
  });
  /** The package of the active editor, when the client says which it is (VS Code does). */
  let activeDirectory: string | undefined;
  const service = new AnalysisService({
    runGo,
    skipLinkTool,
    preferredDirectory: () => activeDirectory,
    parallelism: Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
    log,
    onStarted: (directory) => {
      quickFixes.packageChanging(directory);
      progress.started(directory);
      void connection.sendNotification(StatusNotification, {
        state: 'analysing',
        packageDirectory: directory,
        message: `Analysing ${path.basename(directory)}`,
      });
    },
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    refreshable = {
      inlayHints: params.capabilities.workspace?.inlayHint?.refreshSupport === true,
      codeLenses: params.capabilities.workspace?.codeLens?.refreshSupport === true,
    };
    workspaceFolders = (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri }] : []))
      .filter((folder) => folder.uri.startsWith('file:'))
      .map((folder) => fileURLToPath(folder.uri));
    pushedSettings = (params.initializationOptions as InitializationOptions | undefined)?.settings;
    workspaceTrusted = (params.initializationOptions as InitializationOptions | undefined)?.workspaceTrusted !== false;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
        executeCommandProvider: { commands: [COMMANDS.analyseWorkspace] },
      },
      serverInfo: { name: 'go-escape-lens', version: '0.1.0' },
    };
  });

  connection.onDidChangeConfiguration((change) => {
    const section = (change.settings as Record<string, unknown> | undefined)?.[SETTINGS_SECTION];
    if (section !== undefined) pushedSettings = section;
    for (const document of documents.all()) void analyse(document.uri);
  });

  async function settingsFor(uri: string): Promise<Settings> {
    let raw: unknown = pushedSettings;
    if (canPullConfiguration) {
      raw = await connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }).catch(() => pushedSettings);
    }
    const { settings, problems } = normaliseSettings(raw);
    for (const problem of problems) onceLog.say('settings', problem);
    return settings;
  }

  /** The official Go extension's settings (`go.buildTags` …), when the client has them. */
  async function goExtensionSectionFor(uri: string): Promise<unknown> {
    if (!canPullConfiguration) return undefined;
    return connection.workspace.getConfiguration({ scopeUri: uri, section: 'go' }).catch(() => undefined);
  }

  /**
   * The unsaved text of the open documents in `directory`, for analysis while typing: only documents whose
   * text differs from the file on disk, so a saved package compiles (and caches) exactly as on save.
   */
  function unsavedBuffers(directory: string): Map<string, string> {
    const buffers = new Map<string, string>();
    for (const document of documents.all()) {
      if (!document.uri.startsWith('file:') || !document.uri.endsWith('.go')) continue;
      const file = fileURLToPath(document.uri);
      if (path.dirname(file) !== directory) continue;
      const text = document.getText();
      const onDisk = readFileIfExists(file);
      if (onDisk === undefined || onDisk.replace(/^\uFEFF/, '') !== text) buffers.set(file, text);
    }
    return buffers;
  }

  /**
   * `refreshDependents` is set for a save: once the saved package is published, the open packages that
   * import it are analysed again, since what the compiler says about them depends on it.
   */
  async function analyse(uri: string, options: { unsaved?: boolean; refreshDependents?: boolean } = {}): Promise<void> {
    if (!uri.startsWith('file:') || !uri.endsWith('.go')) return;
    const file = fileURLToPath(uri);
    try {
      const settings = await settingsFor(uri);
      if (!workspaceTrusted) return await publishRestricted(uri, settings);
      const go = withGoExtensionSettings(goSettings(settings), await goExtensionSectionFor(uri));
      const directory = path.dirname(file);
      // A save of a non-test file takes the fast path (`go build`, no test files); the tests follow only
      // when the user has one of the package's test files open, so a plain save pays for no test compile.
      const overlays = options.unsaved ? unsavedBuffers(directory) : undefined;
      const request = (analyseRequests.get(directory) ?? 0) + 1;
      analyseRequests.set(directory, request);
      const result = await service.analyseDirectory(directory, go, {
        includeTests: isTestFile(file),
        overlays,
        onFileReady: {
          file,
          ready: (analysed) => {
            // The saved file first; the full publish (budgets, baseline marks, the other files) follows.
            // Not with a baseline, whose "new since" marks would appear a moment later and flicker.
            if (analyseRequests.get(directory) !== request || settings.baseline) return;
            const sourceOf = (other: string) => (other === analysed.file ? analysed.source : undefined);
            void connection.sendDiagnostics({
              uri: uriOf(file),
              diagnostics: fileDiagnostics(analysed, { settings, readmeUri, sourceOf }),
            });
          },
        },
      });
      if (!result) return;
      await publish(result, settings, go);
      if (options.refreshDependents && !result.fromCache && result.analysis.status === 'ok') {
        void refreshDependents(result).catch((error: unknown) =>
          log(`refreshing the importers of ${path.basename(directory)} failed: ${String(error)}`),
        );
      }
      void quickFixes.afterAnalysis(result, go, settings, isOpen);
      if (!result.includesTests && result.analysis.status === 'ok' && hasOpenTestFile(directory)) {
        const withTests = await service.analyseDirectory(directory, go, { includeTests: true, overlays });
        if (withTests) await publish(withTests, settings, go);
        if (withTests) void quickFixes.afterAnalysis(withTests, go, settings, isOpen);
      }
    } catch (error) {
      // Read-only features are best-effort: say what failed and keep serving.
      const message = `analysis of ${path.basename(file)} failed: ${error instanceof Error ? error.message : String(error)}`;
      log(`Go Escape Lens: ${message}\n${error instanceof Error ? error.stack : ''}`);
      void connection.sendNotification(StatusNotification, { state: 'paused', packageDirectory: path.dirname(file), message });
      void progress.finished(path.dirname(file));
    }
  }

  /** Analyses again the open packages that import the package of `saved`: their facts may have changed. */
  async function refreshDependents(saved: PackageResult) {
    const importPath = savedImportPath(saved.analysis.facts.importPaths);
    if (!importPath) return;
    const openFiles = documents
      .all()
      .filter((document) => document.uri.startsWith('file:'))
      .map((document) => fileURLToPath(document.uri));
    for (const file of dependentRefreshTargets(saved.directory, openFiles, workspaceFolders)) {
      const analysed = service.packageResults().find((result) => result.directory === path.dirname(file));
      if (await importsPackage(importPath, analysed && [...analysed.files.values()], openDocument(file)?.getText() ?? ''))
        void analyse(uriOf(file));
    }
  }

  const openDocument = (file: string) =>
    documents.all().find((document) => document.uri.startsWith('file:') && fileURLToPath(document.uri) === file);
  const isOpen = (file: string) => openDocument(file) !== undefined;

  function hasOpenTestFile(directory: string): boolean {
    return documents
      .all()
      .some(
        (document) =>
          document.uri.startsWith('file:') && isTestFile(document.uri) && path.dirname(fileURLToPath(document.uri)) === directory,
      );
  }

  function uriOf(file: string): string {
    const open = documents.all().find((document) => document.uri.startsWith('file:') && fileURLToPath(document.uri) === file);
    return open?.uri ?? pathToFileURL(file).href;
  }

  async function publish(result: PackageResult, settings: Settings, go: GoSettings = goSettings(settings)) {
    void progress.finished(result.directory);
    if (!result.fromCache) memoryRelease.analysisFinished();
    await publisher.publish(result, settings, go);
  }

  /** Restricted mode: the open document's predicted allocations, and no go command at all. */
  async function publishRestricted(uri: string, settings: Settings) {
    const file = fileURLToPath(uri);
    const text = documents.get(uri)?.getText() ?? readFileIfExists(file) ?? '';
    const diagnostics = await predictedDiagnosticsForText(text, { settings, readmeUri, cause: 'restricted' });
    if (workspaceTrusted) return; // trusted meanwhile: the compiler's facts are on their way
    publisher.publishPredictions(uri, file, diagnostics);
    const directory = path.dirname(file);
    const message = 'Restricted mode: the workspace is not trusted, so the go command is not run. Showing predicted allocations.';
    onceLog.say('restricted', message);
    void connection.sendNotification(StatusNotification, { state: 'paused', packageDirectory: directory, message });
  }

  /** Which allocations are new since the `baseline` setting's revision; undefined when it is not set. */
  async function newSinceBaseline(result: PackageResult, settings: Settings, go: GoSettings): Promise<NewSince | undefined> {
    if (!settings.baseline || result.analysis.status !== 'ok') return undefined;
    try {
      const marked = await editorBaseline.newSince(result, settings.baseline, go);
      if (marked.ok) return marked.value;
      onceLog.say(`baseline:${result.directory}`, marked.message);
    } catch (error) {
      log(`baseline ${settings.baseline}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return undefined;
  }

  /** The current facts of an open document, for the read-only features. */
  const fileResultForUri = (uri: string) => (uri.startsWith('file:') ? service.fileResult(fileURLToPath(uri)) : undefined);

  /**
   * Runs a read-only feature on a document's facts. Best-effort: no facts yet means `fallback`, and a
   * failure is logged and answered with `fallback`, never thrown at the client.
   */
  async function withFacts<T>(uri: string, fallback: T, use: (file: FileAnalysis, result: PackageResult) => Promise<T>): Promise<T> {
    const file = fileResultForUri(uri);
    const result = file && service.packageResults().find((candidate) => candidate.files.get(file.file) === file);
    if (!file || !result) return fallback;
    try {
      return await use(file, result);
    } catch (error) {
      log(`Go Escape Lens: a request on ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  }

  async function runWorkspaceAnalysis(token: CancellationToken) {
    if (!workspaceTrusted) {
      void connection.window.showInformationMessage('Go Escape Lens: trust the workspace to analyse it with the Go compiler.');
      return undefined;
    }
    // Each folder of a multi-root workspace with its own settings, as a save in it would have.
    const folders = await Promise.all(
      workspaceFolders.map(async (folder) => {
        const scope = pathToFileURL(folder).href;
        const settings = await settingsFor(scope);
        return {
          folder,
          editorSettings: settings,
          settings: withGoExtensionSettings(goSettings(settings), await goExtensionSectionFor(scope)),
        };
      }),
    );
    const reporter = await connection.window.createWorkDoneProgress();
    const summary = await analyseWorkspace({
      folders,
      runGo,
      analyseDirectory: (directory, plan) => service.analyseDirectory(directory, plan.settings),
      onResult: (result, plan) => publish(result, plan.editorSettings, plan.settings),
      progress: reporter,
      isCancelled: () => token.isCancellationRequested || reporter.token.isCancellationRequested,
      parallelism: Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
    });
    log(
      `workspace: ${summary.analysed}/${summary.packages} packages analysed, ${summary.heapAllocations} heap allocations${summary.cancelled ? ' (cancelled)' : ''}`,
    );
    for (const failure of summary.failed) log(`workspace: ${failure}`);
    return summary;
  }

  // Feature handlers: each is a one-line hand-off to a pure function in features/.
  connection.onHover(({ textDocument, position }) =>
    withFacts(textDocument.uri, null, (file, result) =>
      hoverAt(position, {
        file,
        packageFiles: result.files,
        staleReason: result.stale ? (result.analysis.message ?? 'the last analysis failed') : undefined,
        offeredFixes: async ({ range }) =>
          (
            await quickFixes.codeActions(result, {
              file: file.file,
              range,
              only: [CodeActionKind.QuickFix],
              diagnostics: [],
              uriOf,
              openText: (other) => openDocument(other)?.getText(),
            })
          ).map((action) => action.title),
      }),
    ),
  );
  connection.languages.inlayHint.on(({ textDocument, range }) =>
    withFacts(textDocument.uri, [], async (file) => inlayHints(file, range, (await settingsFor(textDocument.uri)).inlayHints)),
  );
  connection.onCodeLens(({ textDocument }) =>
    withFacts(textDocument.uri, [], async (file) =>
      codeLenses(file, textDocument.uri, (await settingsFor(textDocument.uri)).codeLens.enabled),
    ),
  );
  connection.onRequest(EscapeTreeRequest, () => escapeTree(service.packageResults(), uriOf, (file) => service.fileResult(file)));
  connection.onCodeAction(({ textDocument, range, context }) =>
    withFacts(textDocument.uri, [], (file, result) =>
      quickFixes.codeActions(result, {
        file: file.file,
        range,
        only: context.only,
        diagnostics: context.diagnostics,
        uriOf,
        openText: (other) => openDocument(other)?.getText(),
      }),
    ),
  );
  connection.onExecuteCommand((params, token) => (params.command === COMMANDS.analyseWorkspace ? runWorkspaceAnalysis(token) : undefined));

  connection.onNotification(ActiveEditorNotification, ({ uri }) => {
    activeDirectory = uri?.startsWith('file:') ? path.dirname(fileURLToPath(uri)) : undefined;
  });
  connection.onNotification(WorkspaceTrustNotification, ({ trusted }) => {
    if (trusted === workspaceTrusted) return;
    workspaceTrusted = trusted;
    if (!trusted) service.cancelAll();
    if (!trusted) quickFixes.cancelAll();
    log(trusted ? 'The workspace is trusted: analysing with the Go compiler.' : 'The workspace is no longer trusted: predictions only.');
    for (const document of documents.all()) void analyse(document.uri);
  });
  documents.onDidOpen((event) => void analyse(event.document.uri));
  documents.onDidSave((event) => void analyse(event.document.uri, { refreshDependents: true }));
  documents.onDidChangeContent(async (event) => {
    const { uri } = event.document;
    if (!uri.startsWith('file:') || !uri.endsWith('.go')) return;
    const settings = await settingsFor(uri);
    if (settings.analyzeOn !== 'type') return;
    typing.schedule(path.dirname(fileURLToPath(uri)), settings.typingDelayMs, () => void analyse(uri, { unsaved: true }));
  });
  connection.onShutdown(() => {
    editorBaseline.dispose();
    typing.dispose();
    memoryRelease.dispose();
    service.cancelAll();
    quickFixes.cancelAll();
  });

  documents.listen(connection);
  connection.listen();
}
