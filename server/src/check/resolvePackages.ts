/**
 * Turns package patterns (`.`, `./...`, import paths) into package directories, by asking the go command:
 * it alone knows modules, `go.work` workspaces, build tags and `testdata` rules. Runs through the injected
 * GoRunner with the analysis environment (GOPROXY=off), so resolving never downloads anything.
 */
import type { GoSettings } from '../engine/goCommand';
import { analysisEnvironment } from '../engine/goCommand';
import type { GoRunner } from '../engine/runGo';

export interface ResolvedPackage {
  readonly directory: string;
  readonly importPath: string;
  /** False for a directory of test files only: there is nothing to analyse without the tests. */
  readonly hasNonTestFiles?: boolean;
}

export type Resolution =
  | { readonly ok: true; readonly packages: readonly ResolvedPackage[]; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly message: string };

export async function resolvePackages(
  patterns: readonly string[],
  options: { readonly cwd: string; readonly settings: GoSettings; readonly runGo: GoRunner },
): Promise<Resolution> {
  const { cwd, settings, runGo } = options;
  // `go list` takes the same build flags as `go build` (-tags, -race, -mod…): they decide which files count.
  const args = ['list', '-f', '{{.Dir}}\t{{.ImportPath}}\t{{if or .GoFiles .CgoFiles}}1{{end}}', ...settings.buildFlags, '--', ...patterns];
  const result = await runGo({ goBinary: settings.goBinary, args, cwd, env: analysisEnvironment(settings) });
  if (result.spawnError) {
    return {
      ok: false,
      message:
        result.spawnError.code === 'ENOENT'
          ? `the go command was not found ("${settings.goBinary}"); install Go or pass --go`
          : `the go command could not be started: ${result.spawnError.message}`,
    };
  }
  if (result.exitCode !== 0) {
    return { ok: false, message: `go list ${patterns.join(' ')} failed:\n${result.stderr.trim()}` };
  }
  const packages: ResolvedPackage[] = [];
  const seen = new Set<string>();
  for (const line of result.stdout.split('\n')) {
    const [directory, importPath, nonTest] = line.split('\t');
    if (!directory || !importPath || seen.has(directory)) continue;
    seen.add(directory);
    packages.push({ directory, importPath, hasNonTestFiles: nonTest === '1' });
  }
  const warnings = result.stderr
    .split('\n')
    .map((line) => line.trim())
    // "go: downloading …" means the opposite under GOPROXY=off; the analysis names the missing modules.
    .filter((line) => line.length > 0 && !line.startsWith('go: downloading '));
  return { ok: true, packages, warnings };
}
