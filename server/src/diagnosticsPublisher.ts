/**
 * Sends a package's result to the client: every file's diagnostics (with budgets, "new since" marks and
 * the predictions that stand in for files without facts), empty lists for files that lost all theirs, and
 * the status notification.
 *
 * It remembers what it sent per package, so an unchanged result from the cache sends only the status, and
 * a publish that finishes after a newer one of the same package is dropped.
 *
 * With `goEscapeLens.diagnostics.scope: openFiles` (the default) only the files open in the editor get
 * diagnostics, as ESLint does: a large package would otherwise put a thousand entries in the Problems panel
 * for files the user is not looking at. Closing a file clears its diagnostics; opening it publishes them.
 */
import * as path from 'node:path';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import type { FileAnalysis, PackageResult } from './model/analysis';
import { markNewSince, type NewSince } from './check/editorBaseline';
import type { GoSettings } from './engine/goCommand';
import { isTestFile } from './engine/packageSnapshot';
import { packageBudgetDiagnostics } from './features/budgets';
import { fileDiagnostics } from './features/diagnostics';
import { heapAllocationCount, notInBuildNotes, statusCounts } from './features/packageStatus';
import { analysisTimes, heapFactLogLines } from './features/logLines';
import { standInDiagnostics } from './features/predictedDiagnostics';
import type { OnceLog } from './onceLog';
import type { StatusParams } from './protocol';
import type { Settings } from './settings';
import type { WorkspacePackageSummary } from './workspaceWorkerProtocol';

/** What the publisher sends to the client; the server hands it the connection's methods. */
export interface DiagnosticsClient {
  sendDiagnostics(params: PublishDiagnosticsParams): void;
  sendStatus(params: StatusParams): void;
  /** Asks the client to request inlay hints or code lenses again. */
  refresh(what: 'inlayHints' | 'codeLenses'): void;
}

export interface PublisherDependencies {
  readonly client: DiagnosticsClient;
  readonly log: (message: string) => void;
  /** Lines only a `verbose` log level shows: one per heap allocation. */
  readonly verbose: (message: string) => void;
  readonly onceLog: OnceLog;
  /** The URI the client knows a file by (an open document's, else a file URI). */
  readonly uriOf: (file: string) => string;
  /**
   * The version of the open document `file` whose text is `text` (the text the diagnostics were computed
   * for), sent as publishDiagnostics' `version`; undefined when the document is not open or has changed since.
   */
  readonly versionOf: (file: string, text: string) => number | undefined;
  readonly readmeUri: string;
  /** Whether a file is open in the editor: in the `openFiles` scope only those get diagnostics. */
  readonly isOpen: (file: string) => boolean;
  /** What the client can be asked to refresh after new facts. */
  readonly refreshable: () => { readonly inlayHints: boolean; readonly codeLenses: boolean };
  /** The client shows the inline annotation's facts as inlay hints: they get no diagnostics. */
  readonly inlineAsHints?: () => boolean;
  /** Which allocations are new since the `baseline` setting's revision; undefined without one. */
  readonly newSinceBaseline: (result: PackageResult, settings: Settings, go: GoSettings) => Promise<NewSince | undefined>;
  /** `measured-allocation` diagnostics per file, from the measurement shown; empty without one. */
  readonly measuredDiagnostics?: (result: PackageResult, settings: Settings) => Promise<ReadonlyMap<string, Diagnostic[]>>;
  /** Changes whenever the measurement shown changes, so a re-publish of unchanged facts is not skipped. */
  readonly measurementGeneration?: () => number;
}

export class DiagnosticsPublisher {
  /** Per package, what was last published and with which settings, so an identical re-publish is skipped. */
  private readonly lastPublished = new Map<string, { files: PackageResult['files']; settingsKey: string }>();
  /** Files we published diagnostics for, per package, so files that lost all facts get cleared. */
  private readonly published = new Map<string, Set<string>>();
  /** Per package, the number of the latest publish, so an older one that finishes later is dropped. */
  private readonly generations = new Map<string, number>();
  /**
   * Per open document, the diagnostics last sent for its version. The full publish that follows a file's
   * early publish usually repeats it exactly; sending it again would still change VS Code's markers, and a
   * marker change resets the code-action model, which drops a Ctrl+. menu that is waiting for its answer.
   */
  private readonly lastSent = new Map<string, { readonly key: string; readonly params: PublishDiagnosticsParams }>();

  constructor(private readonly dependencies: PublisherDependencies) {}

  async publish(result: PackageResult, settings: Settings, go: GoSettings): Promise<void> {
    const { client, log, onceLog, uriOf, readmeUri } = this.dependencies;
    const { analysis } = result;
    // Budgets and "new since" marks need parsing (and, for a baseline, maybe a compile): a newer result of
    // the same package that arrives meanwhile wins.
    const generation = (this.generations.get(result.directory) ?? 0) + 1;
    this.generations.set(result.directory, generation);
    // Unchanged content from the cache, published last time with the same settings: the client already has
    // exactly these diagnostics, so only the status is sent. (A baseline can move, e.g. HEAD after a
    // commit, so with one the marks are always recomputed.)
    const shown = (file: string) => settings.diagnostics.scope === 'package' || this.dependencies.isOpen(file);
    // Which files are shown is part of what was published: opening one of the package's files must publish it.
    const settingsKey = `${JSON.stringify([settings, [...result.files.keys()].filter(shown)])}#${this.dependencies.measurementGeneration?.() ?? 0}`;
    const previous = this.lastPublished.get(result.directory);
    this.lastPublished.set(result.directory, { files: result.files, settingsKey });
    if (result.fromCache && !settings.baseline && previous?.files === result.files && previous.settingsKey === settingsKey) {
      client.sendStatus({
        state: 'idle',
        packageDirectory: result.directory,
        ...this.statusCounts(result, settings),
        notInBuildByUri: this.notInBuild(result, go),
        fromCache: true,
      });
      return;
    }
    const [budgets, newSince, standIns, measured] = await Promise.all([
      packageBudgetDiagnostics(result, settings.annotations.bounds).catch((error: unknown) => {
        log(`budgets of ${result.directory}: ${String(error)}`);
        return new Map();
      }),
      this.dependencies.newSinceBaseline(result, settings, go),
      standInDiagnostics(result, { settings, readmeUri }).catch((error: unknown) => {
        log(`predictions for ${result.directory}: ${String(error)}`);
        return new Map();
      }),
      (this.dependencies.measuredDiagnostics?.(result, settings) ?? Promise.resolve(new Map<string, Diagnostic[]>())).catch(
        (error: unknown) => {
          log(`measured allocations of ${result.directory}: ${String(error)}`);
          return new Map<string, Diagnostic[]>();
        },
      ),
    ]);
    if (this.generations.get(result.directory) !== generation) return;
    const staleReason = result.stale ? (analysis.message ?? 'the last analysis failed') : undefined;
    const sourceOf = (file: string) => result.files.get(file)?.source;
    const previouslyPublished = this.published.get(result.directory) ?? new Set<string>();
    const nowPublished = new Set<string>();

    for (const file of result.files.values()) {
      const uri = uriOf(file.file);
      const diagnostics = shown(file.file)
        ? [
            ...markNewSince(
              fileDiagnostics(file, { settings, readmeUri, sourceOf, staleReason, inlineAsHints: this.inlineAsHints() }),
              newSince,
              settings.baselineOnlyNew,
            ),
            ...(budgets.get(file.file) ?? []),
            ...(standIns.get(file.file) ?? []),
            ...(measured.get(file.file) ?? []),
          ]
        : [];
      if (diagnostics.length > 0 || previouslyPublished.has(file.file)) {
        this.send(file.file, uri, diagnostics, file.source.text);
      }
      if (diagnostics.length > 0) nowPublished.add(file.file);
    }
    for (const file of previouslyPublished) {
      if (result.files.has(file)) continue;
      // A result without tests says nothing about test files: their diagnostics stay as they are.
      if (!result.includesTests && isTestFile(file)) nowPublished.add(file);
      else this.send(file, uriOf(file), []);
    }
    this.published.set(result.directory, nowPublished);
    const refreshable = this.dependencies.refreshable();
    if (refreshable.inlayHints) client.refresh('inlayHints');
    if (refreshable.codeLenses) client.refresh('codeLenses');

    const counts = this.statusCounts(result, settings);
    if (analysis.status === 'ok') {
      onceLog.forget(result.directory);
      const count = [...result.files.values()].reduce((sum, file) => sum + heapAllocationCount(file), 0);
      log(`${path.basename(result.directory)}: ${count} heap allocations (${result.fromCache ? 'from cache' : analysisTimes(analysis)})`);
      if (!result.fromCache) for (const line of heapFactLogLines(result)) this.dependencies.verbose(line);
      client.sendStatus({
        state: 'idle',
        packageDirectory: result.directory,
        ...counts,
        notInBuildByUri: this.notInBuild(result, go),
        fromCache: result.fromCache,
      });
    } else {
      onceLog.say(result.directory, `${path.basename(result.directory)}: ${analysis.message ?? analysis.status}`);
      client.sendStatus({
        state: 'paused',
        packageDirectory: result.directory,
        message: analysis.message,
        ...counts,
      });
    }
  }

  /**
   * A package the workspace worker analysed: its status and log line. None of its files is open (or it would
   * have been analysed here), so in the `openFiles` scope it has no diagnostics to send; and the next result
   * of the package is sent in full.
   */
  publishSummary(summary: WorkspacePackageSummary): void {
    const { client, log, onceLog, verbose } = this.dependencies;
    const { directory } = summary;
    this.lastPublished.delete(directory);
    if (summary.status === 'ok') {
      onceLog.forget(directory);
      log(`${path.basename(directory)}: ${summary.heapAllocations} heap allocations (${summary.times})`);
      for (const line of summary.verboseLines) verbose(line);
      for (const [uri, note] of Object.entries(summary.notInBuildByUri ?? {})) onceLog.say(`not-in-build:${uri}`, note);
      client.sendStatus({
        state: 'idle',
        packageDirectory: directory,
        ...summary.counts,
        notInBuildByUri: summary.notInBuildByUri,
        fromCache: false,
      });
    } else {
      onceLog.say(directory, `${path.basename(directory)}: ${summary.message ?? summary.status}`);
      client.sendStatus({ state: 'paused', packageDirectory: directory, message: summary.message, ...summary.counts });
    }
  }

  /**
   * One file's facts ahead of its package's full publish: the file the user just saved need not wait for
   * the rest of a large package. Budgets, baseline marks and the other files follow with `publish`.
   */
  publishFileFirst(file: FileAnalysis, settings: Settings): void {
    const { readmeUri, uriOf } = this.dependencies;
    if (settings.diagnostics.scope === 'openFiles' && !this.dependencies.isOpen(file.file)) return;
    const sourceOf = (other: string) => (other === file.file ? file.source : undefined);
    this.send(
      file.file,
      uriOf(file.file),
      fileDiagnostics(file, { settings, readmeUri, sourceOf, inlineAsHints: this.inlineAsHints() }),
      file.source.text,
    );
  }

  /**
   * A document was closed. In the `openFiles` scope its diagnostics go (the package's next publish would not
   * send them again); in the `package` scope they stay, as the file is still part of the package.
   */
  fileClosed(uri: string, file: string, settings: Settings): void {
    this.lastSent.delete(uri);
    if (settings.diagnostics.scope === 'package') return;
    const directory = path.dirname(file);
    // The client no longer has what was last published for the package: opening the file again must send it.
    this.lastPublished.delete(directory);
    const published = this.published.get(directory);
    if (!published?.delete(file)) return;
    this.dependencies.client.sendDiagnostics({ uri, diagnostics: [] });
  }

  /**
   * Lets go of the package's facts once they are published (the workspace command's packages without open
   * files): the next result of the package is then sent in full. Which files have diagnostics is kept.
   */
  forgetFacts(directory: string): void {
    this.lastPublished.delete(directory);
  }

  /** Predictions shown instead of the compiler's facts (restricted mode): the next result must be sent in full. */
  publishPredictions(uri: string, file: string, diagnostics: Diagnostic[], text: string): void {
    this.send(file, uri, diagnostics, text);
    const directory = path.dirname(file);
    this.published.set(directory, new Set([...(this.published.get(directory) ?? []), file]));
    this.lastPublished.delete(directory); // the client now shows predictions, not the last compiler result
  }

  /**
   * Sends an open document's last diagnostics again, unchanged, so the editor asks for its code actions
   * again (a changed set of markers is what makes VS Code ask). Nothing else is sent: no status, no
   * refresh. Only while the document is still at the version they were sent for, `version`, else they
   * would be placed on text that has moved.
   */
  sendAgain(uri: string, version: number): boolean {
    const last = this.lastSent.get(uri);
    if (last?.params.version !== version) return false;
    this.dependencies.client.sendDiagnostics(last.params);
    return true;
  }

  private inlineAsHints(): boolean {
    return this.dependencies.inlineAsHints?.() ?? false;
  }

  /** `text` is what the diagnostics were computed for: the document version is sent when it is that text. */
  private send(file: string, uri: string, diagnostics: Diagnostic[], text?: string): void {
    const version = text === undefined ? undefined : this.dependencies.versionOf(file, text);
    if (version === undefined) {
      // Not an open document's text: nothing says what the client's markers were placed on, so always send.
      this.lastSent.delete(uri);
    } else {
      const key = `${version}\0${JSON.stringify(diagnostics)}`;
      if (this.lastSent.get(uri)?.key === key) return;
      this.lastSent.set(uri, { key, params: { uri, version, diagnostics } });
    }
    this.dependencies.client.sendDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics });
  }

  private statusCounts(result: PackageResult, settings: Settings): Pick<StatusParams, 'heapAllocationsByUri' | 'checksByUri'> {
    return statusCounts(result.files.values(), settings.annotations, this.dependencies.uriOf);
  }

  /** The files the package's build leaves out, each said once in the log too. */
  private notInBuild(result: PackageResult, go: GoSettings): Record<string, string> | undefined {
    const notes = notInBuildNotes(result.files.values(), go, this.dependencies.uriOf);
    for (const [uri, note] of Object.entries(notes ?? {})) this.dependencies.onceLog.say(`not-in-build:${uri}`, note);
    return notes;
  }
}
