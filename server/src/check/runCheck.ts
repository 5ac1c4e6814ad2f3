/**
 * The analysis behind `go-escape-lens check`: resolve the patterns, analyse each package with the same
 * AnalysisService the editor uses (so the terminal and the editor always agree), and turn the facts into
 * findings. A few packages at a time: each `go build` already compiles in parallel.
 */
import { AnalysisService } from '../analysisService';
import type { GoSettings } from '../engine/goCommand';
import type { GoRunner } from '../engine/runGo';
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
}

export type CheckOutcome =
  | { readonly ok: true; readonly packages: readonly PackageReport[]; readonly warnings: readonly string[] }
  /** The analysis could not run: `message` says why, for stderr (exit code 2). */
  | { readonly ok: false; readonly message: string };

export async function runCheck(
  patterns: readonly string[],
  options: CheckEnvironment & { readonly cwd: string; readonly root: string },
): Promise<CheckOutcome> {
  const resolution = await resolvePackages(patterns, { cwd: options.cwd, settings: options.settings, runGo: options.runGo });
  if (!resolution.ok) return resolution;
  if (resolution.packages.length === 0) {
    const detail = resolution.warnings.length > 0 ? `: ${resolution.warnings.join('; ')}` : '';
    return { ok: false, message: `no packages matched ${patterns.join(' ')}${detail}` };
  }
  const packages = options.includeTests ? resolution.packages : resolution.packages.filter((pkg) => pkg.hasNonTestFiles !== false);
  const analysed = await analysePackages(packages, options);
  return analysed.ok ? { ...analysed, warnings: resolution.warnings } : analysed;
}

/** Analyses known package directories; a package that does not build makes the whole check fail. */
export async function analysePackages(
  packages: readonly ResolvedPackage[],
  options: CheckEnvironment & { readonly root: string },
): Promise<{ ok: true; packages: PackageReport[] } | { ok: false; message: string }> {
  const service = new AnalysisService({
    runGo: options.runGo,
    skipLinkTool: options.skipLinkTool,
    parallelism: options.parallelism,
  });
  const reports: PackageReport[] = new Array(packages.length);
  const failures: string[] = [];
  let next = 0;
  let done = 0;

  const worker = async () => {
    while (next < packages.length) {
      const index = next++;
      const pkg = packages[index];
      const result = await service.analyseDirectory(pkg.directory, options.settings, { includeTests: options.includeTests });
      if (result?.analysis.status !== 'ok') {
        failures.push(`${pkg.importPath}: ${result?.analysis.message ?? 'the analysis was cancelled'}`);
      } else {
        const findings = await packageFindings(result, { root: options.root, importPath: pkg.importPath });
        reports[index] = { importPath: pkg.importPath, directory: pkg.directory, findings };
      }
      options.onPackageDone?.(pkg, ++done, packages.length);
    }
  };
  const workers = Math.max(1, Math.min(options.parallelism, packages.length));
  await Promise.all(Array.from({ length: workers }, worker));

  if (failures.length > 0) {
    return {
      ok: false,
      message: `the analysis could not run:\n${failures
        .sort()
        .map((line) => `  ${line}`)
        .join('\n')}`,
    };
  }
  return { ok: true, packages: reports };
}
