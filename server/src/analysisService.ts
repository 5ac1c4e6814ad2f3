/**
 * The server's analysis of the workspace, without any LSP: which package a file belongs to, whether the
 * cache already knows the answer, running the compiler through the scheduler, and locating every fact in
 * the syntax tree. The language server and the CLI both drive this.
 */
import * as path from 'node:path';
import { AnalysisCache, analysisKey } from './engine/analysisCache';
import { analysePackage } from './engine/analysePackage';
import type { PackageAnalysis } from './model/analysis';
import type { EscapeFact, PackageFacts } from './model/facts';
import { analysisEnvironment, type GoSettings } from './engine/goCommand';
import { withOverlay } from './engine/overlay';
import { isTestFile, readPackageSnapshot, type PackageSnapshot } from './engine/packageSnapshot';
import { isSuperseded, PackageScheduler } from './engine/packageScheduler';
import type { GoRunner } from './engine/runGo';
import { rememberFunctions } from './features/fileSyntax';
import { functionDeclarations } from './syntax/declarations';
import { withGoTree } from './syntax/goParser';
import { locateFact } from './syntax/locateFact';
import { toSourceText } from './syntax/positions';
import type { FileAnalysis, LocatedFact, PackageResult } from './model/analysis';

export interface AnalysisServiceOptions {
  readonly runGo: GoRunner;
  readonly skipLinkTool: string | null;
  readonly parallelism: number;
  readonly log?: (message: string) => void;
  /** Lines only a `verbose` log level shows. */
  readonly verbose?: (message: string) => void;
  readonly onStarted?: (directory: string) => void;
  /** The package directory to serve first among analyses waiting for a core: the active editor's. */
  readonly preferredDirectory?: () => string | undefined;
  /**
   * False for a one-pass run over many packages (`check`): each result goes to the caller and nothing of it
   * is kept (no cache, no last good facts, no current results), so memory does not grow with the packages.
   * Default true: the editor answers hovers and re-saves from what it keeps.
   */
  readonly retainResults?: boolean;
  /** False: leaking parameters come without their flow explanations (a run that reports heap allocations only). */
  readonly leakExplanations?: boolean;
}

export class AnalysisService {
  private readonly cache = new AnalysisCache<PackageResult>();
  private readonly scheduler: PackageScheduler;
  /** Keyed by `variantKey`: the package without and with its tests are analysed and cached separately. */
  private readonly lastGood = new Map<string, PackageResult>();
  private readonly current = new Map<string, PackageResult>();
  /** The newest facts of each file, whichever variant produced them. */
  private readonly currentFiles = new Map<string, FileAnalysis>();
  private readonly goVersions = new Map<string, Promise<string>>();

  private get retains(): boolean {
    return this.options.retainResults !== false;
  }

  constructor(private readonly options: AnalysisServiceOptions) {
    this.scheduler = new PackageScheduler(options.parallelism, options.preferredDirectory);
  }

  /**
   * Analyses the package in `directory`. Resolves to undefined when a newer request for the same package
   * replaced this one. Without `includeTests` the `_test.go` files are left out and the package is compiled
   * with `go build`, which is faster; a request for either variant cancels a running one of the other,
   * since both are about content that has just changed.
   *
   * `overlays` maps files to unsaved editor text: the compiler sees it through `-overlay`, and nothing is
   * written into the workspace.
   */
  async analyseDirectory(
    directory: string,
    settings: GoSettings,
    options: {
      includeTests?: boolean;
      overlays?: ReadonlyMap<string, string>;
      /**
       * Called with this file's facts as soon as the package has built and they are located, before the rest
       * of the output is parsed and the other files are placed: the file the user just saved need not wait
       * for the whole of a large package.
       */
      onFileReady?: { file: string; ready: (file: FileAnalysis) => void };
      /** Nothing needs the compiled package: stop the compiler after escape analysis (see AnalysisRun). */
      stopBackend?: () => boolean;
      /**
       * Build these files by name instead of the directory's package: a file outside any module (a script
       * run with `go run main.go`), which the go command builds as `command-line-arguments`.
       */
      namedFiles?: readonly string[];
      /**
       * False: hand the result to the caller and keep nothing of it (the workspace command's packages
       * without open files). Default: the service's `retainResults`.
       */
      retain?: boolean;
      /** False: leaking parameters without their flow explanations. Default: the service's `leakExplanations`. */
      leakExplanations?: boolean;
      /**
       * Also read each file's function declarations from the tree its facts are placed with (for the escape
       * tree, see `rememberFunctions`): the workspace command's packages, which need no second parse then.
       */
      functions?: boolean;
    } = {},
  ): Promise<PackageResult | undefined> {
    const includeTests = options.includeTests ?? true;
    const retain = options.retain ?? this.retains;
    const overlays = new Map(
      [...(options.overlays ?? [])].filter(([file]) => path.dirname(file) === directory && (includeTests || !isTestFile(file))),
    );
    const namedFiles = options.namedFiles;
    const key = namedFiles ? `${directory}#files:${namedFiles.join(',')}` : variantKey(directory, includeTests);
    if (!namedFiles) this.scheduler.cancel(variantKey(directory, !includeTests));
    const outcome = await this.scheduler.schedule(key, async (signal) => {
      const snapshot = await readPackageSnapshot(directory, { includeTests, overlays, namedFiles });
      const goVersion = await this.goVersion(settings);
      const cacheKey = analysisKey(snapshot.contentHash, goVersion, JSON.stringify(settings));
      // The located result is cached, not just the compiler's facts: a re-save then costs a read and a hash.
      const cached = this.cache.get(key, cacheKey);
      if (cached) return { ...cached, fromCache: true };

      this.options.onStarted?.(directory);
      const first = options.onFileReady;
      const firstText = first && snapshot.files.get(first.file);
      let early: { analysis: FileAnalysis; facts: readonly EscapeFact[] } | undefined;
      const firstFacts =
        first && firstText !== undefined
          ? async (facts: PackageFacts) => {
              if (signal.aborted) return;
              early = { analysis: await locateFile(first.file, firstText, facts.facts), facts: facts.facts };
              first.ready(early.analysis);
              // The JSON-RPC writer sends from a setImmediate: let the early publish go out before the
              // rest of the output is parsed.
              await yieldToEventLoop();
            }
          : undefined;
      const run = (overlayFile?: string) =>
        analysePackage(
          snapshot,
          settings,
          { runGo: this.options.runGo, skipLinkTool: this.options.skipLinkTool },
          {
            signal,
            overlayFile,
            first: firstFacts && first ? { file: first.file, facts: firstFacts } : undefined,
            stopBackend: options.stopBackend,
            leakExplanations: options.leakExplanations ?? this.options.leakExplanations,
          },
        );
      const analysis = overlays.size > 0 ? await withOverlay(overlays, run) : await run();
      if (analysis.status === 'cancelled') return undefined;
      const { unrecognised } = analysis.facts;
      if (unrecognised.length > 0) {
        // Counted in one line; listed only at the verbose level (a new Go release can add hundreds).
        this.options.log?.(`${path.basename(directory)}: ${countUnrecognised(unrecognised)} compiler lines not recognised`);
        for (const line of unrecognised) this.options.verbose?.(`unrecognised compiler line: ${line}`);
      }
      if (analysis.status !== 'ok') {
        this.cache.invalidateAll();
        return this.staleResult(key, snapshot, analysis);
      }
      const located = await this.locate(snapshot, analysis, early, options.functions === true);
      if (retain) this.cache.store(key, cacheKey, located);
      return located;
    });
    if (outcome === undefined || isSuperseded(outcome)) return undefined;
    if (!retain) return outcome;
    if (!outcome.stale && outcome.analysis.status === 'ok') this.lastGood.set(key, outcome);
    // Re-inserted so that iteration order is completion order: packageResults() keeps the newest variant.
    this.current.delete(key);
    this.current.set(key, outcome);
    for (const [file, analysed] of outcome.files) this.currentFiles.set(file, analysed);
    return outcome;
  }

  /** The current facts of one file, for hover, hints and the other features. */
  fileResult(file: string): FileAnalysis | undefined {
    return this.currentFiles.get(path.resolve(file));
  }

  /** Whether a result of the package in `directory` is kept (it has been analysed and retained). */
  hasResult(directory: string): boolean {
    return this.current.has(variantKey(directory, true)) || this.current.has(variantKey(directory, false));
  }

  /** One result per package: the newest, whether it was analysed with or without its tests. */
  packageResults(): PackageResult[] {
    const newest = new Map<string, PackageResult>();
    for (const result of this.current.values()) newest.set(result.directory, result);
    return [...newest.values()];
  }

  cancelAll(): void {
    this.scheduler.cancelAll();
  }

  /** `go env GOVERSION`, once per binary and environment: part of the cache key, and a cheap check that go runs. */
  private goVersion(settings: GoSettings): Promise<string> {
    const id = JSON.stringify([settings.goBinary, settings.env]);
    let version = this.goVersions.get(id);
    if (!version) {
      version = this.options
        .runGo({ goBinary: settings.goBinary, args: ['env', 'GOVERSION'], cwd: process.cwd(), env: analysisEnvironment(settings) })
        .then((result) => (result.exitCode === 0 ? result.stdout.trim() : 'unknown'));
      // A missing go binary is reported by the analysis itself; ask again next time.
      version.then((value) => value === 'unknown' && this.goVersions.delete(id));
      this.goVersions.set(id, version);
    }
    return version;
  }

  /**
   * Places every file's facts; `early` is a file already placed from its own lines (the saved one), kept
   * when the finished compile's facts for it are the same (they are: the streamed output is complete when
   * it is read, see compileStream.ts; were they not, the compile's final word wins, and the log says so).
   */
  private async locate(
    snapshot: PackageSnapshot,
    analysis: PackageAnalysis,
    early: { analysis: FileAnalysis; facts: readonly EscapeFact[] } | undefined,
    functions: boolean,
  ): Promise<PackageResult> {
    const factsByFile = new Map<string, EscapeFact[]>();
    for (const fact of analysis.facts.facts) {
      const list = factsByFile.get(fact.position.file) ?? [];
      list.push(fact);
      factsByFile.set(fact.position.file, list);
    }
    const files = new Map<string, FileAnalysis>();
    for (const [file, text] of snapshot.files) {
      if (early?.analysis.file === file) {
        if (sameFacts(early.facts, factsByFile.get(file) ?? [])) {
          files.set(file, early.analysis);
          continue;
        }
        this.options.log?.(`the early facts of ${path.basename(file)} differ from the finished compile's; using the compile's`);
      }
      // Back to the event loop between files: hovers are answered while a large package is being placed.
      await yieldToEventLoop();
      files.set(file, await locateFile(file, text, factsByFile.get(file) ?? [], functions));
    }
    return { directory: snapshot.directory, includesTests: snapshot.hasTestFiles, analysis, files, fromCache: false, stale: false };
  }

  private staleResult(key: string, snapshot: PackageSnapshot, analysis: PackageAnalysis): PackageResult {
    const previous = this.lastGood.get(key);
    const files = new Map<string, FileAnalysis>();
    for (const [file, text] of snapshot.files) {
      const good = previous?.files.get(file);
      const unchanged = good && toSourceText(text).text === good.source.text;
      files.set(file, unchanged ? good : { file, source: toSourceText(text), located: [], withoutFacts: true });
    }
    return { directory: snapshot.directory, includesTests: snapshot.hasTestFiles, analysis, files, fromCache: false, stale: true };
  }
}

async function locateFile(file: string, text: string, facts: readonly EscapeFact[], functions = false): Promise<FileAnalysis> {
  const source = toSourceText(text);
  if (facts.length === 0) return { file, source, located: [] };
  const placed = await withGoTree(source.text, (tree) => ({
    located: facts.map((fact) => locateFact(tree, source, fact)).filter((item): item is LocatedFact => item !== null),
    declarations: functions ? functionDeclarations(tree) : undefined,
  }));
  const analysis = { file, source, located: placed.located };
  if (placed.declarations) rememberFunctions(analysis, placed.declarations);
  return analysis;
}

function sameFacts(early: readonly EscapeFact[], final: readonly EscapeFact[]): boolean {
  return early.length === final.length && early.every((fact, index) => JSON.stringify(fact) === JSON.stringify(final[index]));
}

/** The parser keeps a sample of unrecognised lines and ends it with "… and N more lines not recognised". */
function countUnrecognised(lines: readonly string[]): number {
  const more = /^… and (\d+) more lines not recognised$/.exec(lines[lines.length - 1] ?? '');
  return more ? lines.length - 1 + Number(more[1]) : lines.length;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function variantKey(directory: string, includeTests: boolean): string {
  return includeTests ? `${directory}#tests` : directory;
}
