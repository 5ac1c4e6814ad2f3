/**
 * A fixture package whose Go test measures each function with testing.AllocsPerRun and prints
 * `allocs NAME COUNT`: its analysis (non-test files), one file of it, and what each function allocated per
 * call, for tests that hold what the features say against what a run measures.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { AnalysisService } from '../../server/src/analysisService';
import { runGo } from '../../server/src/engine/runGo';
import { inlayHints } from '../../server/src/features/inlayHints';
import type { FileAnalysis, PackageResult } from '../../server/src/model/analysis';
import { DEFAULT_SETTINGS } from '../../server/src/settings';

export interface MeasuredFixture {
  readonly result: PackageResult;
  readonly file: FileAnalysis;
  /** Allocations per call of each function, as the fixture's TestAllocations measured them. */
  readonly measured: ReadonlyMap<string, number>;
}

export async function analyseMeasuredFixture(directory: string, file: string, functions: number): Promise<MeasuredFixture> {
  const service = new AnalysisService({ runGo, skipLinkTool: null, parallelism: 1 });
  const result = await service.analyseDirectory(directory, { goBinary: 'go', buildFlags: [], env: {} }, { includeTests: false });
  assert.ok(result && result.analysis.status === 'ok', result?.analysis.message);
  const run = spawnSync('go', ['test', '-v', '-count=1', '-run', 'TestAllocations', '.'], {
    cwd: directory,
    encoding: 'utf8',
    env: { ...process.env, GOPROXY: 'off', GOFLAGS: '' },
  });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const measured = new Map<string, number>();
  for (const match of run.stdout.matchAll(/allocs (\w+) (\d+)/g)) measured.set(match[1], Number(match[2]));
  assert.equal(measured.size, functions, run.stdout);
  return { result, file: result.files.get(file)!, measured };
}

/** The inlay hints of the whole file with the default settings: what the fixture's labels are read from. */
export function wholeFileInlayHints(file: FileAnalysis): ReturnType<typeof inlayHints> {
  return inlayHints(
    file,
    { start: { line: 0, character: 0 }, end: { line: file.source.lines.length, character: 0 } },
    DEFAULT_SETTINGS.inlayHints,
  );
}
