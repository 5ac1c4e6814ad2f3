/**
 * The editor's policy for measurements, without a connection: the "Measure allocations" lenses and command
 * (one benchmark at a time, with cancellable progress, never in Restricted Mode, with the unsaved text
 * through -overlay), loading a profile (by command or the `measurement.profile` setting), and what the
 * measurement shown adds to hovers, inlay hints, code lenses and diagnostics. Measuring runs only when
 * asked: a save never waits for it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CodeAction,
  CodeActionKind,
  type CodeLens,
  type Diagnostic,
  type Hover,
  type InlayHint,
  MarkupKind,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ClientSettings } from './clientSettings';
import { isTestFile } from './engine/packageSnapshot';
import type { GoRunner } from './engine/runGo';
import type { FixActionData } from './features/codeActions';
import { type MeasuredSaving, rankedFixActions } from './features/fixRanking';
import { benchmarkDifference } from './features/measuredFigures';
import { measuredDiagnostics } from './features/measuredDiagnostics';
import { withMeasuredHints } from './features/measuredHints';
import { measuredHover, measuredHoverSection } from './features/measuredHover';
import { benchmarkDeclarations, benchmarkLenses, withMeasuredTotals } from './features/measuredLenses';
import { MeasurementSession } from './measurementSession';
import { RuntimeFixMeasurer, type RuntimeRun } from './runtimeFixMeasurer';
import { oneRunAtATime } from './engine/oneRunAtATime';
import { findWorkspaceModules, goPaths, type MeasureContext } from './measurementService';
import type { FileAnalysis, PackageResult } from './model/analysis';
import { ALLOCATION_SAMPLE_TYPES, type AllocationSampleType, type Measurement } from './model/measurement';
import type { LspPosition } from './model/positions';
import { COMMANDS, type MeasurementOutcome } from './protocol';
import type { Settings } from './settings';
import { functionSpans } from './syntax/functionSpans';
import { withGoTree } from './syntax/goParser';
import { splitLines } from './syntax/positions';

export interface MeasurementDependencies {
  readonly client: {
    showInformation(message: string): void;
    showWarning?(message: string): void;
    createWorkDoneProgress(): Promise<WorkDoneProgressServerReporter>;
    refresh(what: 'inlayHints' | 'codeLenses'): void;
  };
  readonly documents: { all(): readonly TextDocument[] };
  readonly settings: ClientSettings;
  /** Already refusing in Restricted Mode; measuring also checks `trusted` to say why. */
  readonly runGo: GoRunner;
  readonly log: (message: string) => void;
  readonly readmeUri: string;
  readonly workspaceFolders: () => readonly string[];
  readonly trusted: () => boolean;
  readonly refreshable: () => { readonly inlayHints: boolean; readonly codeLenses: boolean };
  readonly fileResult: (file: string) => FileAnalysis | undefined;
  readonly uriOf: (file: string) => string;
  /** Publishes the analysed packages again, so their diagnostics show the new measurement. */
  readonly republish: () => Promise<void>;
}

export class MeasurementCoordinator {
  private readonly session = new MeasurementSession();
  private readonly goPathsByBinary = new Map<string, Promise<{ goroot?: string; moduleCache?: string }>>();
  private autoLoadedProfile = '';
  private readonly runtimeFixes: RuntimeFixMeasurer;
  /** The user's benchmarks and the loop fixes' runs, one at a time between them. */
  private readonly benchmarkRunner: GoRunner;

  constructor(private readonly dependencies: MeasurementDependencies) {
    this.benchmarkRunner = oneRunAtATime(dependencies.runGo);
    this.runtimeFixes = new RuntimeFixMeasurer(this.benchmarkRunner, dependencies.log);
  }

  /** Bumped by every new or cleared measurement. */
  get generation(): number {
    return this.session.generation;
  }

  cancel(): void {
    this.session.cancel();
  }

  /**
   * `goEscapeLens.measureBenchmark`: one benchmark of the document's package. `afterFix` is set by the
   * command a quick-fix carries: the outcome, with its difference per op, is then shown as a message, since
   * the user is looking at the fixed code, not at the benchmark's lens.
   */
  async measureBenchmark(uri: unknown, benchmark: unknown, isCancelled: () => boolean, afterFix?: unknown): Promise<MeasurementOutcome> {
    const { client, log, settings: clientSettings } = this.dependencies;
    if (!this.dependencies.trusted()) {
      const message = 'Go Escape Lens: trust the workspace to measure allocations: a benchmark runs the package’s code.';
      client.showInformation(message);
      return { ok: false, message };
    }
    if (typeof uri !== 'string' || !uri.startsWith('file:') || typeof benchmark !== 'string') {
      return { ok: false, message: 'goEscapeLens.measureBenchmark takes a document URI and a benchmark name' };
    }
    const directory = path.dirname(fileURLToPath(uri));
    const settings = await clientSettings.settingsFor(uri);
    const go = await clientSettings.goSettingsFor(uri);
    const reporter = await client.createWorkDoneProgress();
    reporter.begin(
      `Measuring ${benchmark}`,
      undefined,
      `go test -bench=^${benchmark}$ -benchtime=${settings.measurement.benchtime} -memprofilerate=1`,
      true,
    );
    const controller = new AbortController();
    const cancelling = reporter.token.onCancellationRequested(() => controller.abort());
    const polling = setInterval(() => isCancelled() && controller.abort(), 200);
    this.refreshLenses();
    try {
      const outcome = await this.session.measure(
        { directory, benchmark, benchtime: settings.measurement.benchtime, overlays: this.unsavedBuffers(directory) },
        go,
        this.benchmarkRunner,
        await this.context(settings),
        controller.signal,
      );
      log(`measure: ${outcome.message}`);
      if (!outcome.ok && !outcome.cancelled) (client.showWarning ?? client.showInformation)(`Go Escape Lens: ${outcome.message}`);
      else if (outcome.ok && afterFix === true) client.showInformation(`Go Escape Lens: after the fix, ${outcome.message}`);
      return outcome;
    } finally {
      clearInterval(polling);
      cancelling.dispose();
      reporter.done();
      await this.dependencies.republish();
      this.refreshLenses();
    }
  }

  /** `goEscapeLens.listBenchmarks`: the benchmarks of the document's package, as the files are now. */
  listBenchmarks(uri: unknown): string[] {
    if (typeof uri !== 'string' || !uri.startsWith('file:')) return [];
    const directory = path.dirname(fileURLToPath(uri));
    let names: string[];
    try {
      names = fs.readdirSync(directory).filter((name) => name.endsWith('_test.go'));
    } catch {
      return [];
    }
    return names.flatMap((name) =>
      benchmarkDeclarations(splitLines(this.textOf(path.join(directory, name)) ?? '')).map((item) => item.name),
    );
  }

  /** `goEscapeLens.loadProfile`: a .pb.gz from a benchmark, a test or a running service. */
  async loadProfile(file: unknown, sampleType: unknown): Promise<MeasurementOutcome> {
    if (typeof file !== 'string' || file === '')
      return { ok: false, message: 'goEscapeLens.loadProfile takes the path of a .pb.gz profile' };
    const folder = this.dependencies.workspaceFolders()[0];
    const settings = await this.dependencies.settings.settingsFor(folder ? pathToFileURL(folder).href : '');
    const type: AllocationSampleType =
      ALLOCATION_SAMPLE_TYPES.find((candidate) => candidate === sampleType) ?? settings.measurement.sampleType;
    const absolute = path.isAbsolute(file) ? file : path.resolve(folder ?? process.cwd(), file);
    const outcome = await this.session.load(absolute, type, await this.context(settings));
    this.dependencies.log(`profile: ${outcome.message}`);
    if (!outcome.ok)
      (this.dependencies.client.showWarning ?? this.dependencies.client.showInformation)(`Go Escape Lens: ${outcome.message}`);
    await this.dependencies.republish();
    this.refreshLenses();
    return outcome;
  }

  /** The `measurement.profile` setting, as a document's analysis read it: loaded when it names a file, once per value. */
  async loadConfiguredProfile(measurement: Settings['measurement']): Promise<void> {
    const { profile, sampleType } = measurement;
    const key = `${profile}\0${sampleType}`;
    if (profile === '' || key === this.autoLoadedProfile) return;
    this.autoLoadedProfile = key;
    await this.loadProfile(profile, sampleType);
  }

  async clear(): Promise<void> {
    this.session.clear();
    await this.dependencies.republish();
    this.refreshLenses();
  }

  /** The compiler's hover with what was measured on the line, or the measurement alone where it has none. */
  async hover(uri: string, position: LspPosition, hover: Hover | null): Promise<Hover | null> {
    const measurement = await this.current(uri);
    if (!measurement) return hover;
    const file = fileURLToPath(uri);
    const lines = splitLines(this.textOf(file) ?? '');
    const section = measuredHoverSection(measurement, position, {
      file,
      lines,
      analysis: this.dependencies.fileResult(file),
      uriOf: this.dependencies.uriOf,
    });
    if (!section) return hover;
    if (!hover) return measuredHover(section, position, lines);
    const value = typeof hover.contents === 'object' && 'kind' in hover.contents ? hover.contents.value : '';
    return { ...hover, contents: { kind: MarkupKind.Markdown, value: `${section}\n\n---\n\n${value}` } };
  }

  async inlayHints(uri: string, hints: InlayHint[]): Promise<InlayHint[]> {
    return withMeasuredHints(hints, await this.current(uri), fileURLToPath(uri));
  }

  /** Each function lens with its measured total, and "Measure allocations" above each benchmark. */
  async codeLenses(uri: string, lenses: CodeLens[]): Promise<CodeLens[]> {
    if (!uri.startsWith('file:')) return lenses;
    const settings = await this.dependencies.settings.settingsFor(uri);
    if (!settings.codeLens.enabled) return lenses;
    const file = fileURLToPath(uri);
    const text = this.textOf(file) ?? '';
    const measurement = await this.current(uri);
    const measured = measurement ? withMeasuredTotals(lenses, measurement, file, await withGoTree(text, functionSpans)) : lenses;
    if (!isTestFile(uri) || !this.dependencies.trusted()) return measured;
    const directory = path.dirname(file);
    return [...measured, ...benchmarkLenses(uri, splitLines(text), (name) => this.session.resultsOf(directory, name))];
  }

  /** `measured-allocation` diagnostics for each file of an analysed package. */
  async diagnostics(result: PackageResult, settings: Settings): Promise<ReadonlyMap<string, Diagnostic[]>> {
    const byFile = new Map<string, Diagnostic[]>();
    if (!this.session.isShowing()) return byFile;
    const measurement = await this.session.current(await this.context(settings));
    if (!measurement) return byFile;
    for (const file of result.files.values()) {
      const diagnostics = measuredDiagnostics(measurement, {
        file: file.file,
        lines: file.source.lines,
        analysis: file,
        severity: settings.severity.measuredAllocation,
        readmeUri: this.dependencies.readmeUri,
        uriOf: this.dependencies.uriOf,
      });
      if (diagnostics.length > 0) byFile.set(file.file, diagnostics);
    }
    return byFile;
  }

  /**
   * Quick-fixes in the package of the benchmark whose figures are shown carry a command that measures it
   * again once the edit is applied, so the fix's effect per op shows without a further click. Refactors and
   * actions that already carry a command are left as they are.
   */
  withMeasureAgain(uri: string, actions: CodeAction[]): CodeAction[] {
    const benchmark = this.session.shownBenchmark();
    if (!benchmark || !uri.startsWith('file:') || path.dirname(fileURLToPath(uri)) !== benchmark.directory) return actions;
    const command = {
      title: `Measure ${benchmark.name} again`,
      command: COMMANDS.measureBenchmark,
      arguments: [uri, benchmark.name, true],
    };
    return actions.map((action) =>
      action.kind === CodeActionKind.QuickFix && action.edit && !action.command ? { ...action, command } : action,
    );
  }

  /**
   * The lightbulb's fixes with a measurement shown: most measured bytes saved first (the editor lists them in
   * the order given), each measured one's title saying what was measured on its lines, and only the top
   * quick-fix preferred. Then, in the benchmark's package, each quick-fix carries "Measure again".
   */
  async measuredFixes(uri: string, actions: CodeAction[]): Promise<CodeAction[]> {
    const measurement = await this.current(uri);
    if (!measurement) return actions;
    const file = fileURLToPath(uri);
    const byRun = new Map<CodeAction, MeasuredSaving>();
    const resolved: CodeAction[] = [];
    for (const action of actions) {
      const runtime = (action.data as FixActionData | undefined)?.runtime;
      if (!runtime) {
        resolved.push(action);
        continue;
      }
      const measured = await this.measureRuntimeFix(file, action, runtime, measurement);
      if (measured === 'no gain') continue;
      if (measured) byRun.set(measured.action, measured.saving);
      resolved.push(measured?.action ?? action);
    }
    return this.withMeasureAgain(uri, rankedFixActions(resolved, measurement, file, byRun));
  }

  /**
   * A fix the compiler cannot count, measured by the benchmark shown when it reached the fix's lines: the
   * package with and without the edit. Undefined where it cannot be measured (no benchmark of this package
   * shown, its lines not reached, a run failed): the action stays "not measured". 'no gain' when the
   * benchmark shows no fewer allocations: then it is not offered.
   */
  private async measureRuntimeFix(
    file: string,
    action: CodeAction,
    runtime: NonNullable<FixActionData['runtime']>,
    measurement: Measurement,
  ): Promise<{ action: CodeAction; saving: MeasuredSaving } | 'no gain' | undefined> {
    const benchmark = this.session.shownBenchmark();
    const edits = action.edit?.changes?.[pathToFileURL(file).href] ?? Object.values(action.edit?.changes ?? {})[0];
    if (!benchmark || benchmark.directory !== path.dirname(file) || !edits || !this.dependencies.trusted()) return undefined;
    const reached = measurement.sites.some(
      (site) => site.file === file && site.line >= runtime.lines.from && site.line <= runtime.lines.to,
    );
    if (!reached) return undefined;
    const uri = pathToFileURL(file).href;
    const settings = await this.dependencies.settings.settingsFor(uri);
    const go = await this.dependencies.settings.goSettingsFor(uri);
    const current = this.packageTexts(benchmark.directory);
    const text = current.get(file);
    if (text === undefined) return undefined;
    const edited = new Map(current).set(file, TextDocument.applyEdits(TextDocument.create(uri, 'go', 0, text), edits));
    const runOf = (texts: ReadonlyMap<string, string>): RuntimeRun => ({
      directory: benchmark.directory,
      benchmark: benchmark.name,
      benchtime: settings.measurement.benchtime,
      overlays: this.changedFromDisk(texts),
      texts,
    });
    // The measurer runs them one after the other.
    const requests = [runOf(current), runOf(edited)].map((run) => this.runtimeFixes.figures(run, go));
    // Two benchmark runs the user waits for at the lightbulb: shown as progress, unless both are known.
    const reporter = requests.every((request) => request.known) ? undefined : await this.dependencies.client.createWorkDoneProgress();
    reporter?.begin(`Measuring a fix with ${benchmark.name}`, undefined, `${runtime.title}: the benchmark without and with it`, false);
    const [before, after] = await Promise.all(requests.map((request) => request.result)).finally(() => reporter?.done());
    if (typeof before === 'string' || typeof after === 'string') return undefined;
    if (after.allocsPerOp >= before.allocsPerOp) {
      this.dependencies.log(
        `${runtime.title}: ${benchmark.name} measured no fewer allocations with it (${benchmarkDifference(before, after)})`,
      );
      return 'no gain';
    }
    const title = `${runtime.title} — ${benchmarkDifference(before, after)} measured in ${benchmark.name} (builds, vet clean)`;
    return {
      action: { ...action, title, kind: CodeActionKind.QuickFix, isPreferred: true },
      saving: {
        bytes: before.bytesPerOp - after.bytesPerOp,
        allocations: before.allocsPerOp - after.allocsPerOp,
        perOp: true,
        from: benchmark.name,
      },
    };
  }

  /** The package's Go files as the user sees them (open editors' text, else the disk's). */
  private packageTexts(directory: string): Map<string, string> {
    const texts = new Map<string, string>();
    let names: string[];
    try {
      names = fs.readdirSync(directory).filter((name) => name.endsWith('.go'));
    } catch {
      return texts;
    }
    for (const name of names) {
      const file = path.join(directory, name);
      const text = this.textOf(file);
      if (text !== undefined) texts.set(file, text);
    }
    return texts;
  }

  /** Of `texts`, those that differ from the disk: what the go command must read through -overlay. */
  private changedFromDisk(texts: ReadonlyMap<string, string>): Map<string, string> {
    const changed = new Map<string, string>();
    for (const [file, text] of texts) {
      let onDisk: string | undefined;
      try {
        onDisk = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      } catch {
        onDisk = undefined;
      }
      if (onDisk !== text) changed.set(file, text);
    }
    return changed;
  }

  /** The measurement the Heap Allocations tree is ranked by: the one shown, whichever file it is of. */
  async treeMeasurement(): Promise<Measurement | undefined> {
    if (!this.session.isShowing()) return undefined;
    return this.session.current(await this.context());
  }

  private async current(uri: string): Promise<Measurement | undefined> {
    if (!uri.startsWith('file:') || !this.session.isShowing()) return undefined;
    return this.session.current(await this.context(await this.dependencies.settings.settingsFor(uri)));
  }

  /** What joining a measurement to the source needs, as the workspace is now. */
  private async context(settings?: Settings): Promise<MeasureContext> {
    const folders = this.dependencies.workspaceFolders();
    const scopeUri = folders[0] ? pathToFileURL(folders[0]).href : '';
    const scoped = settings ?? (await this.dependencies.settings.settingsFor(scopeUri));
    let paths = this.goPathsByBinary.get(scoped.goPath);
    if (!paths && this.dependencies.trusted()) {
      // The go command the analyses run: goPath may be empty, and then it is found as the Go extension finds it.
      paths = this.dependencies.settings
        .goSettingsFor(scopeUri)
        .then((go) => goPaths({ ...go, buildFlags: [] }, this.dependencies.runGo, folders[0] ?? os.homedir()))
        .catch(() => ({}));
      this.goPathsByBinary.set(scoped.goPath, paths);
    }
    return {
      modules: findWorkspaceModules(folders),
      ...((await paths) ?? {}),
      textOf: (file) => this.textOf(file),
      factsOf: (file) => this.dependencies.fileResult(file)?.located.map((located) => located.fact),
    };
  }

  /** The text of a file as the user sees it: the open editor's, else the disk's. */
  private textOf(file: string): string | undefined {
    const open = this.dependencies.documents
      .all()
      .find((document) => document.uri.startsWith('file:') && fileURLToPath(document.uri) === file);
    if (open) return open.getText();
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Unsaved editor text of the package, so the benchmark measures the code the user sees. */
  private unsavedBuffers(directory: string): Map<string, string> {
    const buffers = new Map<string, string>();
    for (const document of this.dependencies.documents.all()) {
      if (!document.uri.startsWith('file:') || !document.uri.endsWith('.go')) continue;
      const file = fileURLToPath(document.uri);
      if (path.dirname(file) !== directory) continue;
      let onDisk: string | undefined;
      try {
        onDisk = fs.readFileSync(file, 'utf8');
      } catch {
        onDisk = undefined;
      }
      if (onDisk === undefined || onDisk.replace(/^\uFEFF/, '') !== document.getText()) buffers.set(file, document.getText());
    }
    return buffers;
  }

  private refreshLenses(): void {
    const refreshable = this.dependencies.refreshable();
    if (refreshable.codeLenses) this.dependencies.client.refresh('codeLenses');
    if (refreshable.inlayHints) this.dependencies.client.refresh('inlayHints');
  }
}
