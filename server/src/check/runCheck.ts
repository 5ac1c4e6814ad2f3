/**
 * The analysis behind `go-escape-lens check`: resolve the patterns, analyse each package with the same
 * AnalysisService the editor uses (so the terminal and the editor always agree), and turn the facts into
 * findings. A few packages at a time: each `go build` already compiles in parallel.
 *
 * It streams: each package's findings go to `onReport` as soon as the package is analysed, and nothing of
 * the package is kept afterwards, so a run over thousands of packages needs the memory of a few.
 */
import { AnalysisService } from '../analysisService';
import { forEachAtMost } from './forEachAtMost';
import type { GoSettings } from '../engine/goCommand';
import type { GoRunner } from '../engine/runGo';
import type { PackageResult } from '../model/analysis';
import { type Finding, packageFindings } from './findings';
import { type ResolvedPackage, resolvePackages } from './resolvePackages';

export interface CheckEnvironment {
  readonly settings: GoSettings;
  readonly runGo: GoRunner;
  readonly skipLinkTool: string | null;
  /** How many packages are analysed at once. */
  readonly parallelism: number;
  /** Also analyse `_test.go` files (with `go test -c`); off, only the code that ships is checked. */
  readonly includeTests: boolean;
  /** Called as each package finishes, for a progress indicator. */
  readonly onPackageDone?: (pkg: ResolvedPackage, done: number, total: number) => void;
}

export interface PackageReport {
  readonly importPath: string;
  readonly directory: string;
  readonly findings: readonly Finding[];
  /** The analysed files, for the moment of the report only (a measurement's causes read their facts). */
  readonly files?: PackageResult['files'];
}

/** One CI machine's part of the packages: `index` of `count`, 1-based (`--shard 2/4`). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export type CheckPackages =
  | { readonly ok: true; readonly packages: readonly ResolvedPackage[]; readonly warnings: readonly string[] }
  /** The analysis could not run: `message` says why, for stderr (exit code 2). */
  | { readonly ok: false; readonly message: string };

/** The packages a check analyses: the patterns' packages, without test-only ones unless asked, this shard's. */
export async function resolveCheckPackages(
  patterns: readonly string[],
  options: {
    readonly cwd: string;
    readonly settings: GoSettings;
    readonly runGo: GoRunner;
    readonly includeTests: boolean;
    readonly shard?: Shard;
  },
): Promise<CheckPackages> {
  const resolution = await resolvePackages(patterns, { cwd: options.cwd, settings: options.settings, runGo: options.runGo });
  if (!resolution.ok) return resolution;
  if (resolution.packages.length === 0) {
    const detail = resolution.warnings.length > 0 ? `: ${resolution.warnings.join('; ')}` : '';
    return { ok: false, message: `no packages matched ${patterns.join(' ')}${detail}` };
  }
  const packages = options.includeTests ? resolution.packages : resolution.packages.filter((pkg) => pkg.hasNonTestFiles !== false);
  return { ok: true, packages: options.shard ? shardOf(packages, options.shard) : packages, warnings: resolution.warnings };
}

/**
 * This shard's packages: every `count`-th in import path order, starting at the `index`-th. The same list
 * on every machine whatever the order go listed it in, each package in exactly one shard, and neighbours
 * (often alike in size) spread over the shards.
 */
export function shardOf<T extends { readonly importPath: string }>(packages: readonly T[], shard: Shard): T[] {
  const sorted = [...packages].sort((a, b) => (a.importPath < b.importPath ? -1 : a.importPath > b.importPath ? 1 : 0));
  return sorted.filter((_, position) => position % shard.count === shard.index - 1);
}

/**
 * Analyses known package directories, handing each package's findings to `onReport` with the package's
 * position in `packages` (no report for a package that failed). A package that does not build makes the
 * whole check fail, once all have run.
 */
export async function analysePackages(
  packages: readonly ResolvedPackage[],
  options: CheckEnvironment & { readonly root: string; readonly onReport: (index: number, report: PackageReport | undefined) => void },
): Promise<{ ok: true } | { ok: false; message: string }> {
  // Nothing is kept between packages: no cache, no last good facts; a check analyses each package once.
  // Findings are about heap allocations: the long explanations of leaking parameters are not read.
  const service = new AnalysisService({
    runGo: options.runGo,
    skipLinkTool: options.skipLinkTool,
    parallelism: options.parallelism,
    retainResults: false,
    leakExplanations: false,
  });
  const failures: string[] = [];
  let done = 0;

  await forEachAtMost(packages, options.parallelism, async (pkg, index) => {
    const result = await service.analyseDirectory(pkg.directory, options.settings, { includeTests: options.includeTests });
    if (result?.analysis.status !== 'ok') {
      const download = result?.analysis.missingModules
        ? ` Run \`go mod download\` in ${pkg.directory} to download them (go-escape-lens runs go with GOPROXY=off and never downloads).`
        : '';
      failures.push(`${pkg.importPath}: ${result?.analysis.message ?? 'the analysis was cancelled'}${download}`);
      options.onReport(index, undefined);
    } else {
      const findings = await packageFindings(result, {
        root: options.root,
        importPath: pkg.importPath,
        annotations: options.settings.annotations,
      });
      options.onReport(index, { importPath: pkg.importPath, directory: pkg.directory, findings, files: result.files });
    }
    options.onPackageDone?.(pkg, ++done, packages.length);
  });

  if (failures.length > 0) {
    return {
      ok: false,
      message: `the analysis could not run:\n${failures
        .sort()
        .map((line) => `  ${line}`)
        .join('\n')}`,
    };
  }
  return { ok: true };
}

/**
 * Passes items on in index order although they arrive in any order: packages finish out of order, and
 * the output must not depend on which compile was faster. Holds only what arrived ahead of its turn.
 */
export class InOrder<T> {
  private readonly waiting = new Map<number, T | undefined>();
  private nextIndex = 0;

  constructor(private readonly emit: (item: T) => void) {}

  /** Marks `index` as done; `item` undefined for an index that has nothing to pass on (a failed package). */
  put(index: number, item: T | undefined): void {
    this.waiting.set(index, item);
    while (this.waiting.has(this.nextIndex)) {
      const ready = this.waiting.get(this.nextIndex);
      this.waiting.delete(this.nextIndex++);
      if (ready !== undefined) this.emit(ready);
    }
  }
}
