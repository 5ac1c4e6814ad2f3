/**
 * A real LSP client over real stdio: starts `go-escape-lens serve --stdio` (the built dist/cli.js) and talks
 * to it with vscode-languageserver-protocol. Tests wait on the messages the server sends, never on time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
} from 'vscode-languageserver-protocol/node';
import { type InitializationOptions, type StatusParams, StatusNotification } from '../../server/src/protocol';

export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(REPOSITORY_ROOT, 'dist', 'cli.js');

/** A `$/progress` notification: its token, and `begin`, `report` or `end` with their fields. */
export interface ProgressParams {
  readonly token: string | number;
  readonly value: {
    readonly kind: 'begin' | 'report' | 'end';
    readonly title?: string;
    readonly message?: string;
    readonly cancellable?: boolean;
  };
}

type Waiter<T> = { predicate: (value: T) => boolean; resolve: (value: T) => void };

export class LspTestClient {
  readonly connection: ProtocolConnection;
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every publication, in order, for tests that check what was never sent. */
  readonly publications: PublishDiagnosticsParams[] = [];
  readonly statuses: StatusParams[] = [];
  readonly logs: string[] = [];
  /** Every `workspace/configuration` item the server asked for, in order. */
  readonly configurationRequests: { scopeUri?: string; section?: string }[] = [];
  private readonly diagnosticWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private readonly statusWaiters: Waiter<StatusParams>[] = [];
  private readonly logWaiters: Waiter<string>[] = [];
  /** Every `$/progress` the server sent (with `workDoneProgress` declared), in order. */
  readonly progress: ProgressParams[] = [];
  private readonly progressWaiters: Waiter<ProgressParams>[] = [];
  private versions = new Map<string, number>();

  private constructor(
    readonly process: ChildProcess,
    private settings: Record<string, unknown>,
    /** Settings of particular workspace folders (absolute paths), as a multi-root workspace has them. */
    private readonly folderSettings: Record<string, Record<string, unknown>> = {},
  ) {
    this.connection = createProtocolConnection(new StreamMessageReader(process.stdout!), new StreamMessageWriter(process.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.diagnostics.set(params.uri, params);
      this.publications.push(params);
      settle(this.diagnosticWaiters, params);
    });
    this.connection.onNotification(StatusNotification, (params) => {
      this.statuses.push(params);
      settle(this.statusWaiters, params);
    });
    this.connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
      settle(this.logWaiters, params.message);
    });
    // Declared only with the `workDoneProgress` option; then every progress the server creates is accepted.
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    this.connection.onNotification('$/progress', (params: ProgressParams) => {
      this.progress.push(params);
      settle(this.progressWaiters, params);
    });
    this.connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests.push(...params.items);
      return params.items.map((item) => (item.section === 'goEscapeLens' ? this.settingsFor(item.scopeUri) : null));
    });
    this.connection.listen();
  }

  static async start(
    rootDirectory: string,
    options: {
      settings?: Record<string, unknown>;
      env?: NodeJS.ProcessEnv;
      /** Another language server to start instead of ours (the benchmark compares with gopls). */
      command?: readonly string[];
      /** Sent in `initialize`, e.g. `{ workspaceTrusted: false }` for restricted mode. */
      initializationOptions?: InitializationOptions;
      /** A multi-root workspace: these folders instead of the root directory alone, each with its settings. */
      workspaceFolders?: Record<string, Record<string, unknown>>;
      /** Declare `textDocument.inlayHint`, as VS Code does (Neovim 0.7 does not). */
      inlayHints?: boolean;
      /** Declare `window.workDoneProgress`, as VS Code does: the server then shows progress, which can be cancelled. */
      workDoneProgress?: boolean;
    } = {},
  ): Promise<LspTestClient> {
    if (!options.command && !fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
    const [program, ...args] = options.command ?? [process.execPath, CLI, 'serve', '--stdio'];
    const child = spawn(program, args, {
      cwd: rootDirectory,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const client = new LspTestClient(child, options.settings ?? {}, options.workspaceFolders);
    const folders = options.workspaceFolders ? Object.keys(options.workspaceFolders) : [rootDirectory];
    child.stderr!.on('data', (chunk: Buffer) => client.logs.push(chunk.toString()));
    await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(rootDirectory).href,
      workspaceFolders: folders.map((folder) => ({ uri: pathToFileURL(folder).href, name: path.basename(folder) })),
      initializationOptions: options.initializationOptions,
      capabilities: {
        workspace: { configuration: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          ...(options.inlayHints ? { inlayHint: {} } : {}),
        },
        ...(options.workDoneProgress ? { window: { workDoneProgress: true } } : {}),
      },
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** What an editor answers for `scopeUri`: the settings of the folder that holds it, else the defaults. */
  private settingsFor(scopeUri: string | undefined): Record<string, unknown> {
    const scope = scopeUri?.startsWith('file:') ? fileURLToPath(scopeUri) : undefined;
    const folder =
      scope && Object.keys(this.folderSettings).find((candidate) => scope === candidate || scope.startsWith(`${candidate}${path.sep}`));
    return folder ? { ...this.settings, ...this.folderSettings[folder] } : this.settings;
  }

  /** Changes the settings as an editor does: the new values, then `workspace/didChangeConfiguration`. */
  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { goEscapeLens: settings } });
  }

  /** Opens a file as an editor would (text from disk); returns its URI. */
  async open(file: string): Promise<string> {
    const uri = pathToFileURL(file).href;
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'go', version: 1, text: fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '') },
    });
    return uri;
  }

  /** Closes a document, as closing its editor tab does. */
  async close(file: string): Promise<void> {
    const uri = pathToFileURL(file).href;
    this.versions.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Replaces an open document's text, as typing does, without saving it. */
  async change(file: string, text: string): Promise<void> {
    const uri = pathToFileURL(file).href;
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  async save(file: string): Promise<void> {
    await this.connection.sendNotification(DidSaveTextDocumentNotification.type, {
      textDocument: { uri: pathToFileURL(file).href },
    });
  }

  /** Resolves with the first diagnostics for `uri` (from now on) that satisfy `predicate`. */
  nextDiagnostics(uri: string, predicate: (params: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.diagnosticWaiters.push({ predicate: (p) => p.uri === uri && predicate(p), resolve }));
  }

  /** Resolves with the first `window/logMessage` line (from now on, or already received) that satisfies `predicate`. */
  logLine(predicate: (line: string) => boolean): Promise<string> {
    const received = this.logs.find(predicate);
    if (received !== undefined) return Promise.resolve(received);
    return new Promise((resolve) => this.logWaiters.push({ predicate, resolve }));
  }

  /** Resolves with the first `$/progress` (from now on) that satisfies `predicate`. */
  nextProgress(predicate: (params: ProgressParams) => boolean): Promise<ProgressParams> {
    return new Promise((resolve) => this.progressWaiters.push({ predicate, resolve }));
  }

  /** Presses a progress's Cancel, as VS Code's notification does. */
  async cancelProgress(token: ProgressParams['token']): Promise<void> {
    await this.connection.sendNotification(WorkDoneProgressCancelNotification.type, { token });
  }

  /** Resolves with the first status notification (from now on) that satisfies `predicate`. */
  nextStatus(predicate: (params: StatusParams) => boolean): Promise<StatusParams> {
    return new Promise((resolve) => this.statusWaiters.push({ predicate, resolve }));
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      this.process.kill('SIGKILL');
    }
    await exited;
    this.connection.dispose();
  }
}

function settle<T>(waiters: Waiter<T>[], value: T): void {
  for (let index = waiters.length - 1; index >= 0; index--) {
    if (waiters[index].predicate(value)) {
      waiters[index].resolve(value);
      waiters.splice(index, 1);
    }
  }
}
