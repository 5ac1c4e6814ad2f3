/**
 * How much of a module's heap allocations the verified fixes reach, and whether `go-escape-lens fix ./...`
 * holds on it. Usage (a writable copy of the module, with its dependencies downloaded; it is modified):
 *
 *   npm run build && node --import tsx scripts/measure-fix-coverage.ts /path/to/module-copy
 *
 * Prints, for all packages (non-test code): heap facts, those whose flow passes a fmt/log/errors call (as
 * the compiler's -m=2 explanation shows it), the facts that allocate nothing at run time (constants
 * converted to an interface, fmt.Errorf's unused fallback), the fixes `fix --dry-run` offers and what they remove, the coverage percentages, how long the
 * dry run's verification took, then applies the fixes and reports build, vet, `go test -short` (against
 * the result before) and the compiler's count after. GOFLAGS=-mod=mod is not set: the module must build
 * offline.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { AnalysisService } from '../server/src/analysisService';
import type { FixReport } from '../server/src/check/fixCommand';
import { resolvePackages } from '../server/src/check/resolvePackages';
import { runGo } from '../server/src/engine/runGo';
import { ensureSkipLinkTool } from '../server/src/engine/skipLinkTool';
import { nothingAllocated } from '../server/src/features/nothingAllocated';
import { type EscapeFact, isHeapFact } from '../server/src/model/facts';

/** The CLI to measure: the built one, or another build (GO_ESCAPE_LENS_CLI) so rebuilding meanwhile changes nothing. */
const CLI = process.env.GO_ESCAPE_LENS_CLI ?? path.join(__dirname, '..', 'dist', 'cli.js');
const GO = { goBinary: 'go', buildFlags: [], env: {} };

/** A heap fact whose explanation passes a value into a call of fmt, log or errors (`fmt.Sprintf(…)`, `(*log.Logger).Printf`). */
export function throughFmtLogErrors(fact: EscapeFact): boolean {
  return fact.flows.some((flow) =>
    flow.steps.some(
      (step) => /call parameter/.test(step.reason) && /^(\(\*?)?(fmt|log|errors)\b[.)]/.test(step.expression.replace(/^\(\*?/, '')),
    ),
  );
}

async function heapFacts(
  moduleRoot: string,
): Promise<{ all: number; fmtLogErrors: number; constants: number; zeroSizes: number; errorfFallbacks: number }> {
  const resolution = await resolvePackages(['./...'], { cwd: moduleRoot, settings: GO, runGo });
  if (!resolution.ok) throw new Error(resolution.message);
  const service = new AnalysisService({ runGo, skipLinkTool: ensureSkipLinkTool(), parallelism: 2 });
  let all = 0;
  let fmtLogErrors = 0;
  let constants = 0;
  let zeroSizes = 0;
  let errorfFallbacks = 0;
  for (const pkg of resolution.packages.filter((item) => item.hasNonTestFiles !== false)) {
    const result = await service.analyseDirectory(pkg.directory, GO, { includeTests: false });
    if (result?.analysis.status !== 'ok') throw new Error(`${pkg.importPath}: ${result?.analysis.message}`);
    const heap = result.analysis.facts.facts.filter(isHeapFact);
    all += heap.length;
    fmtLogErrors += heap.filter(throughFmtLogErrors).length;
    for (const file of result.files.values())
      for (const item of file.located) {
        if (!isHeapFact(item.fact)) continue;
        const reason = nothingAllocated(item);
        if (reason === 'constant') constants++;
        if (reason === 'zeroSize') zeroSizes++;
        if (reason === 'errorfFallback') errorfFallbacks++;
      }
  }
  return { all, fmtLogErrors, constants, zeroSizes, errorfFallbacks };
}

function run(command: string, args: readonly string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-count=1' },
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

function failingPackages(output: string): string[] {
  return [...output.matchAll(/^FAIL\s+(\S+)/gm)].map((match) => match[1]).sort();
}

async function main(): Promise<void> {
  const moduleRoot = path.resolve(process.argv[2] ?? '.');
  const percent = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)} %`);

  const before = await heapFacts(moduleRoot);
  const testsBefore = run('go', ['test', '-short', './...'], moduleRoot);
  const dryStarted = performance.now();
  const dry = run('node', [CLI, 'fix', '--dry-run', '--format', 'json', './...'], moduleRoot);
  const drySeconds = (performance.now() - dryStarted) / 1000;
  const packages = (dry.output.match(/^go-escape-lens fix: \[\d+\/\d+\]/gm) ?? []).length;
  if (dry.status !== 0) throw new Error(`fix --dry-run failed:\n${dry.output}`);
  const listed = JSON.parse(dry.output.slice(dry.output.indexOf('{'), dry.output.lastIndexOf('}') + 1)) as { fixes: FixReport[] };
  const claimed = listed.fixes.reduce((sum, fix) => sum + fix.removes, 0);
  const byFix = new Map<string, { count: number; removes: number }>();
  for (const fix of listed.fixes) {
    const entry = byFix.get(fix.fix) ?? { count: 0, removes: 0 };
    byFix.set(fix.fix, { count: entry.count + 1, removes: entry.removes + fix.removes });
  }

  const applied = run('node', [CLI, 'fix', './...'], moduleRoot);
  const after = await heapFacts(moduleRoot);
  const build = run('go', ['build', './...'], moduleRoot);
  const vet = run('go', ['vet', './...'], moduleRoot);
  const testsAfter = run('go', ['test', '-short', './...'], moduleRoot);

  const lines = [
    `module: ${moduleRoot}`,
    `heap facts (non-test): ${before.all}; through fmt/log/errors calls: ${before.fmtLogErrors}; allocating nothing at run time: ${before.constants} constants and ${before.zeroSizes} zero-size values converted to an interface, ${before.errorfFallbacks} fmt.Errorf fallbacks`,
    `verified fixes offered: ${listed.fixes.length}, removing ${claimed} heap facts`,
    `fix --dry-run took ${drySeconds.toFixed(0)} s for ${packages} packages (${(drySeconds / Math.max(1, packages)).toFixed(1)} s each; other work may share the machine)`,
    ...[...byFix].map(([fix, entry]) => `  ${fix}: ${entry.count} fixes, ${entry.removes} removed`),
    `coverage: ${percent(claimed, before.all)} of all heap facts (${percent(claimed, before.all - before.constants - before.zeroSizes - before.errorfFallbacks)} of those that allocate); fmt/log/errors ones removed: ${before.fmtLogErrors - after.fmtLogErrors} = ${percent(before.fmtLogErrors - after.fmtLogErrors, before.fmtLogErrors)}`,
    `fix ./...: exit ${applied.status}; ${applied.output.trim().split('\n').pop()}`,
    `after: heap facts ${after.all} (before ${before.all}, claimed -${claimed}: ${before.all - after.all === claimed ? 'matches' : 'DOES NOT MATCH'})`,
    `go build ./...: ${build.status === 0 ? 'ok' : `FAILED\n${build.output}`}`,
    `go vet ./...: ${vet.status === 0 ? 'clean' : `FINDINGS\n${vet.output}`}`,
    `go test -short ./...: failing packages before [${failingPackages(testsBefore.output).join(', ')}], after [${failingPackages(testsAfter.output).join(', ')}]`,
  ];
  console.log(lines.join('\n'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  });
}
