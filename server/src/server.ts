/**
 * Wiring only: capabilities, handler registration, and the hand-off of each LSP event to the
 * AnalysisCoordinator, which holds the policy. What a feature shows is decided in features/; what the
 * compiler says, in engine/.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  InlayHintRefreshRequest,
  TextDocumentSyncKind,
  TextDocuments,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCoordinator, type CoordinatorClient } from './analysisCoordinator';
import { ClientSettings } from './clientSettings';
import { GoLocator, machineGoProbe } from './engine/findGo';
import { refuseWhenRestricted } from './engine/restrictedRunner';
import { withFoundGo } from './goCommandResolution';
import { runGo as realRunGo, type GoRunner } from './engine/runGo';
import { OnceLog } from './onceLog';
import { ServerLog } from './serverLog';
import {
  ActiveEditorNotification,
  COMMANDS,
  EscapeTreePackageRequest,
  EscapeTreeRequest,
  type InitializationOptions,
  SETTINGS_SECTION,
  StatusNotification,
  WorkspaceTrustNotification,
} from './protocol';

export interface ServerOptions {
  /** Injected in tests to observe or refuse go invocations. */
  readonly runGo?: GoRunner;
}

/** The server's capabilities: what the client may ask of it. */
export function capabilities(): InitializeResult['capabilities'] {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
    hoverProvider: true,
    inlayHintProvider: true,
    codeLensProvider: { resolveProvider: false },
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
    executeCommandProvider: {
      commands: [
        COMMANDS.analyseWorkspace,
        COMMANDS.downloadDependencies,
        COMMANDS.measureBenchmark,
        COMMANDS.listBenchmarks,
        COMMANDS.loadProfile,
        COMMANDS.clearMeasurement,
      ],
    },
  };
}

/** The connection's methods the coordinator and the publisher use. */
function coordinatorClient(connection: Connection): CoordinatorClient {
  return {
    sendDiagnostics: (params) => void connection.sendDiagnostics(params),
    sendStatus: (params) => void connection.sendNotification(StatusNotification, params),
    refresh: (what) =>
      void connection
        .sendRequest(what === 'inlayHints' ? InlayHintRefreshRequest.type : CodeLensRefreshRequest.type)
        .catch(() => undefined),
    // Sent as window/showMessageRequest: a client that does not answer it (an error) must not crash the server.
    showInformation: (message) => void Promise.resolve(connection.window.showInformationMessage(message)).catch(() => undefined),
    showWarning: (message) => void Promise.resolve(connection.window.showWarningMessage(message)).catch(() => undefined),
    createWorkDoneProgress: () => connection.window.createWorkDoneProgress(),
    askToAct: async (message, action) => (await connection.window.showWarningMessage(message, { title: action }))?.title === action,
    showError: (message) => void connection.window.showErrorMessage(message),
  };
}

export function startLanguageServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  /** The server's own lines, at the level of `goEscapeLens.logLevel`. */
  const serverLog = new ServerLog(connection.console);
  const log = serverLog.info;
  /** A repeated failure or settings problem is said once. */
  const onceLog = new OnceLog(log);
  /** The go command, searched for as the Go extension does, once per settings; never in restricted mode. */
  const goLocator: GoLocator = new GoLocator(
    machineGoProbe(refuseWhenRestricted(options.runGo ?? realRunGo, (): boolean => coordinator.isTrusted())),
  );
  const settings: ClientSettings = new ClientSettings(
    (scopeUri, section) => connection.workspace.getConfiguration({ scopeUri, section }),
    onceLog,
    (go, location) => withFoundGo(go, location, goLocator, onceLog),
    // The log level is the window's, the same for every resource: the latest read wins.
    (read) => serverLog.setLevel(read.logLevel),
  );
  const coordinator: AnalysisCoordinator = new AnalysisCoordinator({
    client: coordinatorClient(connection),
    documents,
    settings,
    runGo: options.runGo ?? realRunGo,
    log,
    verbose: serverLog.verbose,
    error: serverLog.error,
    onceLog,
    readmeUri: pathToFileURL(path.join(__dirname, '..', 'README.md')).href,
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const initializationOptions = params.initializationOptions as InitializationOptions | undefined;
    settings.initialize(params.capabilities.workspace?.configuration === true, initializationOptions?.settings);
    coordinator.initialize({
      workspaceFolders: (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri }] : []))
        .filter((folder) => folder.uri.startsWith('file:'))
        .map((folder) => fileURLToPath(folder.uri)),
      refreshable: {
        inlayHints: params.capabilities.workspace?.inlayHint?.refreshSupport === true,
        codeLenses: params.capabilities.workspace?.codeLens?.refreshSupport === true,
      },
      trusted: initializationOptions?.workspaceTrusted !== false,
      showsInlayHints: params.capabilities.textDocument?.inlayHint !== undefined,
    });
    return { capabilities: capabilities(), serverInfo: { name: 'go-escape-lens', version: '0.1.0' } };
  });
  connection.onDidChangeConfiguration((change) =>
    coordinator.configurationChanged((change.settings as Record<string, unknown> | undefined)?.[SETTINGS_SECTION]),
  );

  connection.onHover(({ textDocument, position }) => coordinator.hover(textDocument.uri, position));
  connection.languages.inlayHint.on(({ textDocument, range }) => coordinator.inlayHints(textDocument.uri, range));
  connection.onCodeLens(({ textDocument }) => coordinator.codeLenses(textDocument.uri));
  connection.onCodeAction(({ textDocument, range, context }, token) =>
    coordinator.codeActions(textDocument.uri, range, context.only, context.diagnostics, token, context.triggerKind),
  );
  connection.onRequest(EscapeTreeRequest, () => coordinator.escapeTree());
  connection.onRequest(EscapeTreePackageRequest, ({ directory }) => coordinator.escapeTreePackage(directory));
  connection.onExecuteCommand((params, token) => {
    const [first, second, third] = params.arguments ?? [];
    const isCancelled = () => token.isCancellationRequested;
    switch (params.command) {
      case COMMANDS.analyseWorkspace:
        return coordinator.analyseWorkspace(token);
      case COMMANDS.downloadDependencies: {
        // Arguments (optional): package directories; without them, every package that misses modules.
        const directories = (params.arguments ?? []).filter((argument): argument is string => typeof argument === 'string');
        return coordinator.downloadDependencies(directories.length > 0 ? directories : undefined);
      }
      case COMMANDS.measureBenchmark:
        return coordinator.measurements.measureBenchmark(first, second, isCancelled, third);
      case COMMANDS.listBenchmarks:
        return coordinator.measurements.listBenchmarks(first);
      case COMMANDS.loadProfile:
        return coordinator.measurements.loadProfile(first, second);
      case COMMANDS.clearMeasurement:
        return coordinator.measurements.clear();
      default:
        return undefined;
    }
  });
  connection.onNotification(ActiveEditorNotification, ({ uri }) => coordinator.activeEditorChanged(uri));
  connection.onNotification(WorkspaceTrustNotification, ({ trusted }) => coordinator.trustChanged(trusted));

  documents.onDidOpen((event) => coordinator.documentOpened(event.document.uri));
  documents.onDidSave((event) => coordinator.documentSaved(event.document.uri));
  documents.onDidClose((event) => coordinator.documentClosed(event.document.uri));
  documents.onDidChangeContent((event) => coordinator.documentChanged(event.document.uri));
  connection.onShutdown(() => coordinator.shutdown());

  documents.listen(connection);
  connection.listen();
}
