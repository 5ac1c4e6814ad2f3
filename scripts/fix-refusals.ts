/**
 * Why the fixes reach so little of a module's heap allocations: for all packages (non-test code), the
 * heap facts whose flow passes a fmt/log/errors call, by the call they pass (`fmt.Sprintf`, `log.Printf`),
 * and the fix candidates proposed and refused, with the refusals' reasons counted. Nothing is compiled but
 * the one analysis per package, so it is quick. Usage:
 *
 *   node --import tsx scripts/fix-refusals.ts /path/to/module [top]
 *
 * FIX_REFUSALS_SHOW=regex also lists each refusal whose reason matches, with its file and subject.
 * FIX_CANDIDATES_SHOW=regex lists each candidate proposed in a file whose path matches, with its edits
 * (before verification): where to look when a module's tests fail after `fix`.
 */
import * as path from 'node:path';
import { AnalysisService } from '../server/src/analysisService';
import { resolvePackages } from '../server/src/check/resolvePackages';
import { runGo } from '../server/src/engine/runGo';
import { readPackageSnapshot } from '../server/src/engine/packageSnapshot';
import { ensureSkipLinkTool } from '../server/src/engine/skipLinkTool';
import { collectFixCandidates } from '../server/src/fixes/fixCandidates';
import { importPathOf, moduleOf, operandTypesOf } from '../server/src/fixes/fixService';
import { type EscapeFact, isHeapFact } from '../server/src/model/facts';
import { toSourceText } from '../server/src/syntax/positions';
import { throughFmtLogErrors } from './measure-fix-coverage';

const GO = { goBinary: 'go', buildFlags: [], env: {} };

/** The fmt/log/errors function a heap fact's flow passes a value into, e.g. `fmt.Sprintf`. */
function fmtCallOf(fact: EscapeFact): string {
  for (const flow of fact.flows) {
    for (const step of flow.steps) {
      if (!/call parameter/.test(step.reason)) continue;
      const match = /^(?:\(\*?)?((?:fmt|log|errors)[.)][\w.]*)/.exec(step.expression.replace(/^\(\*?/, ''));
      if (match) return match[1].replace(/\(.*$/, '');
    }
  }
  return '?';
}

function tally(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function top(map: Map<string, number>, count: number): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, value]) => `  ${String(value).padStart(5)}  ${key}`);
}

async function main(): Promise<void> {
  const moduleRoot = path.resolve(process.argv[2] ?? '.');
  const count = Number(process.argv[3] ?? 25);
  // FIX_REFUSALS_SHOW=regex lists each refusal whose reason matches, with its file and subject.
  const show = process.env.FIX_REFUSALS_SHOW ? new RegExp(process.env.FIX_REFUSALS_SHOW) : undefined;
  const showCandidates = process.env.FIX_CANDIDATES_SHOW ? new RegExp(process.env.FIX_CANDIDATES_SHOW) : undefined;
  const resolution = await resolvePackages(['./...'], { cwd: moduleRoot, settings: GO, runGo });
  if (!resolution.ok) throw new Error(resolution.message);
  const service = new AnalysisService({ runGo, skipLinkTool: ensureSkipLinkTool(), parallelism: 2 });
  const calls = new Map<string, number>();
  const refusals = new Map<string, number>();
  const proposed = new Map<string, number>();
  let heap = 0;
  let fmtLogErrors = 0;
  for (const pkg of resolution.packages.filter((item) => item.hasNonTestFiles !== false)) {
    const result = await service.analyseDirectory(pkg.directory, GO, { includeTests: false });
    if (result?.analysis.status !== 'ok') throw new Error(`${pkg.importPath}: ${result?.analysis.message}`);
    const facts = result.analysis.facts.facts;
    for (const fact of facts.filter(isHeapFact)) {
      heap++;
      if (!throughFmtLogErrors(fact)) continue;
      fmtLogErrors++;
      tally(calls, fmtCallOf(fact));
    }
    const snapshot = await readPackageSnapshot(pkg.directory, { includeTests: false });
    const files = new Map([...snapshot.files].map(([file, text]) => [file, toSourceText(text)]));
    // As the editor and `fix` propose them: with the module's Go version (slices.Grow, new(expr)) and import path.
    const module = await moduleOf(pkg.directory);
    const proposals = await collectFixCandidates({
      directory: pkg.directory,
      files,
      facts,
      languageVersion: module?.goVersion,
      importPath: module ? importPathOf(module, pkg.directory) : undefined,
      valueReceiverMaxBytes: 64,
      operandTypes: await operandTypesOf(pkg.directory, files, GO, module?.goVersion, {
        runGo,
        verbose: console.error,
        waitForBuild: true,
      }),
    });
    for (const candidate of proposals.candidates) {
      tally(proposed, candidate.fix);
      if (!showCandidates?.test(candidate.file)) continue;
      console.log(`${path.relative(moduleRoot, candidate.file)}: ${candidate.id}: ${candidate.title}`);
      for (const [file, edits] of candidate.edits) {
        for (const change of edits)
          console.log(`  ${path.basename(file)}:${change.range.start.line + 1}: ${JSON.stringify(change.newText)}`);
      }
    }
    // Numbers and names vary; the reason's shape is what is counted.
    for (const refusal of proposals.refused) {
      tally(refusals, `${refusal.fix}: ${refusal.reason.replace(/`[^`]*`|\b[\w.]+\(.*?\)|\d+/g, '…').slice(0, 110)}`);
      if (show?.test(refusal.reason)) console.log(`${path.relative(moduleRoot, refusal.file)}: ${refusal.subject}: ${refusal.reason}`);
    }
  }
  console.log(`module: ${moduleRoot}\nheap facts (non-test): ${heap}; through fmt/log/errors: ${fmtLogErrors}`);
  console.log('fmt/log/errors heap facts by the call they pass:');
  console.log(top(calls, count).join('\n'));
  console.log('candidates proposed (before verification):');
  console.log(top(proposed, count).join('\n'));
  console.log('refusals by reason:');
  console.log(top(refusals, count).join('\n'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(2);
});
