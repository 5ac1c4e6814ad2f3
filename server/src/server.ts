/**
 * Wiring only: capabilities, handler registration, and the hand-off between LSP events and the analysis
 * service. What a feature shows is decided in features/; what the compiler says, in engine/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type Connection,
  type InitializeParams,
  type InitializeResult,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisService, type PackageResult } from './analysisService';
import { runGo as realRunGo, type GoRunner } from './engine/runGo';
import { isTestFile } from './engine/packageSnapshot';
import { ensureSkipLinkTool } from './engine/skipLinkTool';
import { fileDiagnostics } from './features/diagnostics';
import { SETTINGS_SECTION, StatusNotification } from './protocol';
import { withGoExtensionSettings } from './goExtensionSettings';
import { KeyedDebouncer } from './keyedDebouncer';
import { goSettings, normaliseSettings, type Settings } from './settings';

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
  let pushedSettings: unknown = undefined;
  const readmeUri = pathToFileURL(path.join(__dirname, '..', 'README.md')).href;
  const log = (message: string) => connection.console.log(message);
  /** The last message logged per package, so a repeated failure is said once. */
  const lastMessages = new Map<string, string>();
  /** Files we published diagnostics for, per package, so files that lost all facts get cleared. */
  const published = new Map<string, Set<string>>();

  const typing = new KeyedDebouncer();
  const service = new AnalysisService({
    runGo: options.runGo ?? realRunGo,
    skipLinkTool: ensureSkipLinkTool(),
    parallelism: Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
    log,
    onStarted: (directory) =>
      void connection.sendNotification(StatusNotification, {
        state: 'analysing',
        packageDirectory: directory,
        message: `Analysing ${path.basename(directory)}`,
      }),
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    pushedSettings = (params.initializationOptions as Record<string, unknown> | undefined)?.settings;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
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
    for (const problem of problems) sayOnce('settings', problem);
    return settings;
  }

  /** The official Go extension's settings (`go.buildTags` …), when the client has them. */
  async function goExtensionSectionFor(uri: string): Promise<unknown> {
    if (!canPullConfiguration) return undefined;
    return connection.workspace.getConfiguration({ scopeUri: uri, section: 'go' }).catch(() => undefined);
  }

  function sayOnce(key: string, message: string) {
    if (lastMessages.get(key) === message) return;
    lastMessages.set(key, message);
    log(message);
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

  async function analyse(uri: string, options: { unsaved?: boolean } = {}): Promise<void> {
    if (!uri.startsWith('file:') || !uri.endsWith('.go')) return;
    const file = fileURLToPath(uri);
    try {
      const settings = await settingsFor(uri);
      const go = withGoExtensionSettings(goSettings(settings), await goExtensionSectionFor(uri));
      const directory = path.dirname(file);
      // A save of a non-test file takes the fast path (`go build`, no test files); the tests follow only
      // when the user has one of the package's test files open, so a plain save pays for no test compile.
      const overlays = options.unsaved ? unsavedBuffers(directory) : undefined;
      const result = await service.analyseDirectory(directory, go, { includeTests: isTestFile(file), overlays });
      if (!result) return;
      publish(result, settings);
      if (!result.includesTests && result.analysis.status === 'ok' && hasOpenTestFile(directory)) {
        const withTests = await service.analyseDirectory(directory, go, { includeTests: true, overlays });
        if (withTests) publish(withTests, settings);
      }
    } catch (error) {
      // Read-only features are best-effort: say what failed and keep serving.
      const message = `analysis of ${path.basename(file)} failed: ${error instanceof Error ? error.message : String(error)}`;
      log(`Go Escape Lens: ${message}\n${error instanceof Error ? error.stack : ''}`);
      void connection.sendNotification(StatusNotification, { state: 'paused', packageDirectory: path.dirname(file), message });
    }
  }

  function hasOpenTestFile(directory: string): boolean {
    return documents
      .all()
      .some((document) => document.uri.startsWith('file:') && isTestFile(document.uri) && path.dirname(fileURLToPath(document.uri)) === directory);
  }

  function uriOf(file: string): string {
    const open = documents.all().find((document) => document.uri.startsWith('file:') && fileURLToPath(document.uri) === file);
    return open?.uri ?? pathToFileURL(file).href;
  }

  function publish(result: PackageResult, settings: Settings) {
    const { analysis } = result;
    const staleReason = result.stale ? (analysis.message ?? 'the last analysis failed') : undefined;
    const sourceOf = (file: string) => result.files.get(file)?.source;
    const previouslyPublished = published.get(result.directory) ?? new Set<string>();
    const nowPublished = new Set<string>();
    const heapAllocationsByUri: Record<string, number> = {};
    for (const file of result.files.values()) {
      const uri = uriOf(file.file);
      const diagnostics = fileDiagnostics(file, { settings, readmeUri, sourceOf, staleReason });
      heapAllocationsByUri[uri] = file.located.filter((item) => item.fact.kind === 'escape' || item.fact.kind === 'moved').length;
      if (diagnostics.length > 0 || previouslyPublished.has(file.file)) {
        void connection.sendDiagnostics({ uri, diagnostics });
      }
      if (diagnostics.length > 0) nowPublished.add(file.file);
    }
    for (const file of previouslyPublished) {
      if (result.files.has(file)) continue;
      // A result without tests says nothing about test files: their diagnostics stay as they are.
      if (!result.includesTests && isTestFile(file)) nowPublished.add(file);
      else void connection.sendDiagnostics({ uri: uriOf(file), diagnostics: [] });
    }
    published.set(result.directory, nowPublished);

    if (analysis.status === 'ok') {
      lastMessages.delete(result.directory);
      const count = Object.values(heapAllocationsByUri).reduce((sum, value) => sum + value, 0);
      log(`${path.basename(result.directory)}: ${count} heap allocations (${result.fromCache ? 'from cache' : `${analysis.durationMilliseconds} ms`})`);
      void connection.sendNotification(StatusNotification, {
        state: 'idle',
        packageDirectory: result.directory,
        heapAllocationsByUri,
        fromCache: result.fromCache,
      });
    } else {
      sayOnce(result.directory, `${path.basename(result.directory)}: ${analysis.message ?? analysis.status}`);
      void connection.sendNotification(StatusNotification, {
        state: 'paused',
        packageDirectory: result.directory,
        message: analysis.message,
        heapAllocationsByUri,
      });
    }
  }

  /** The current facts of an open document, for the read-only features. */
  const fileResultForUri = (uri: string) => (uri.startsWith('file:') ? service.fileResult(fileURLToPath(uri)) : undefined);
  void fileResultForUri;

  // Feature handlers: each is a one-line hand-off to a pure function in features/.

  documents.onDidOpen((event) => void analyse(event.document.uri));
  documents.onDidSave((event) => void analyse(event.document.uri));
  documents.onDidChangeContent(async (event) => {
    const { uri } = event.document;
    if (!uri.startsWith('file:') || !uri.endsWith('.go')) return;
    const settings = await settingsFor(uri);
    if (settings.analyzeOn !== 'type') return;
    typing.schedule(path.dirname(fileURLToPath(uri)), settings.typingDelayMs, () => void analyse(uri, { unsaved: true }));
  });
  connection.onShutdown(() => {
    typing.dispose();
    service.cancelAll();
  });

  documents.listen(connection);
  connection.listen();
}
