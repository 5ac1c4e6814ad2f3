/**
 * An AnalysisCoordinator without a connection: the client is a recorder, the open documents a list the
 * test edits, and every wait is on an event the coordinator sends (a diagnostics publish or a status).
 */
import { pathToFileURL } from 'node:url';
import type { PublishDiagnosticsParams, WorkDoneProgressServerReporter } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCoordinator, type CoordinatorClient, type OpenDocuments } from '../../server/src/analysisCoordinator';
import { ClientSettings } from '../../server/src/clientSettings';
import type { GoRunner } from '../../server/src/engine/runGo';
import { OnceLog } from '../../server/src/onceLog';
import type { StatusParams } from '../../server/src/protocol';

type Waiter<T> = { predicate: (value: T) => boolean; resolve: (value: T) => void };

function settle<T>(waiters: Waiter<T>[], value: T): void {
  for (let index = waiters.length - 1; index >= 0; index--) {
    if (waiters[index]!.predicate(value)) {
      waiters[index]!.resolve(value);
      waiters.splice(index, 1);
    }
  }
}

export class CoordinatorHarness implements CoordinatorClient, OpenDocuments {
  readonly publications: PublishDiagnosticsParams[] = [];
  readonly statuses: StatusParams[] = [];
  readonly logs: string[] = [];
  /** Every `workspace/configuration` request: scope and section. */
  readonly configurationRequests: { scopeUri: string; section: string }[] = [];
  readonly coordinator: AnalysisCoordinator;
  private readonly documents = new Map<string, TextDocument>();
  private readonly diagnosticWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private readonly statusWaiters: Waiter<StatusParams>[] = [];

  constructor(options: { runGo: GoRunner; trusted: boolean; settings?: Record<string, unknown>; workspaceFolders?: string[] }) {
    const log = (message: string) => this.logs.push(message);
    const onceLog = new OnceLog(log);
    const settings = new ClientSettings(async (scopeUri, section) => {
      this.configurationRequests.push({ scopeUri, section });
      return section === 'goEscapeLens' ? (options.settings ?? {}) : null;
    }, onceLog);
    settings.initialize(true, undefined);
    this.coordinator = new AnalysisCoordinator({
      client: this,
      documents: this,
      settings,
      runGo: options.runGo,
      log,
      verbose: log,
      error: log,
      onceLog,
      readmeUri: 'file:///README.md',
    });
    this.coordinator.initialize({
      workspaceFolders: options.workspaceFolders ?? [],
      refreshable: { inlayHints: false, codeLenses: false },
      trusted: options.trusted,
    });
  }

  // CoordinatorClient
  sendDiagnostics(params: PublishDiagnosticsParams): void {
    this.publications.push(params);
    settle(this.diagnosticWaiters, params);
  }
  sendStatus(params: StatusParams): void {
    this.statuses.push(params);
    settle(this.statusWaiters, params);
  }
  refresh(): void {}
  showInformation(message: string): void {
    this.logs.push(message);
  }
  /** Offers (Download dependencies) are logged and left unanswered, as a user who does not click. */
  askToAct(message: string): Promise<boolean> {
    this.logs.push(message);
    return Promise.resolve(false);
  }
  showError(message: string): void {
    this.logs.push(message);
  }
  showWarning(message: string): void {
    this.logs.push(message);
  }
  createWorkDoneProgress(): Promise<WorkDoneProgressServerReporter> {
    return Promise.reject(new Error('no progress in this harness'));
  }

  // OpenDocuments
  all(): readonly TextDocument[] {
    return [...this.documents.values()];
  }
  get(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  /** Opens `file` with `text` at version 1, as an editor's didOpen does. */
  open(file: string, text: string): string {
    const uri = pathToFileURL(file).href;
    this.documents.set(uri, TextDocument.create(uri, 'go', 1, text));
    this.coordinator.documentOpened(uri);
    return uri;
  }

  /** Replaces an open document's text with the next version, as typing does. */
  change(uri: string, text: string): void {
    const document = this.documents.get(uri)!;
    this.documents.set(uri, TextDocument.create(uri, 'go', document.version + 1, text));
    void this.coordinator.documentChanged(uri);
  }

  nextDiagnostics(uri: string, predicate: (params: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) =>
      this.diagnosticWaiters.push({ predicate: (params) => params.uri === uri && predicate(params), resolve }),
    );
  }

  nextStatus(predicate: (params: StatusParams) => boolean): Promise<StatusParams> {
    return new Promise((resolve) => this.statusWaiters.push({ predicate, resolve }));
  }
}
