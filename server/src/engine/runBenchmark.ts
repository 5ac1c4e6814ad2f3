/**
 * Runs one Go benchmark with every allocation profiled, and reads its figures and profile. No LSP.
 *
 * `go test -run='^$' -bench='^BenchmarkX$' -benchmem -memprofile=… -memprofilerate=1` in the package's
 * directory, under the analysis rules: GOPROXY=off and GOTOOLCHAIN=local, nothing written into the
 * workspace (the test binary and the profile go to a temp folder, removed afterwards; go test would otherwise
 * leave `pkg.test` beside the sources), cancellable through the signal, and unsaved text through `-overlay`.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AllocationProfile, BenchmarkFigures } from '../model/measurement';
import { decodeAllocationProfile } from './decodeAllocationProfile';
import { analysisEnvironment, type GoSettings } from './goCommand';
import { type OverlayReplacements, withOverlay } from './overlay';
import type { GoRunner } from './runGo';
import { withTemporaryDirectory } from './temporaryDirectory';

export interface BenchmarkRequest {
  /** The package directory. */
  readonly directory: string;
  /** The benchmark function's name, `BenchmarkParse`. */
  readonly benchmark: string;
  /** `-benchtime`: `1s`, `100x`. */
  readonly benchtime: string;
  /** Unsaved or candidate text the compiler should see instead of the files on disk. */
  readonly overlays?: OverlayReplacements;
}

export type BenchmarkRun =
  | { readonly ok: true; readonly figures: BenchmarkFigures; readonly profile: AllocationProfile; readonly output: string }
  | { readonly ok: false; readonly cancelled: boolean; readonly message: string; readonly output: string };

const BENCHMARK_NAME = /^Benchmark[\p{L}\p{N}_]*$/u;

/**
 * Measures one benchmark of one package: the clean entry point for anything that wants a benchmark's
 * figures (the editor's lens, `check --bench`, a fix verified by measurement).
 */
export async function runBenchmark(
  request: BenchmarkRequest,
  settings: GoSettings,
  runGo: GoRunner,
  signal?: AbortSignal,
): Promise<BenchmarkRun> {
  if (!BENCHMARK_NAME.test(request.benchmark)) {
    return { ok: false, cancelled: false, message: `${request.benchmark} is not a benchmark function name.`, output: '' };
  }
  return withTemporaryDirectory(path.join(os.tmpdir(), 'go-escape-lens-bench-'), async (scratch) => {
    const profileFile = path.join(scratch, 'mem.pb.gz');
    const run = (overlayFile?: string) =>
      runGo(
        {
          goBinary: settings.goBinary,
          args: benchmarkArguments(request, profileFile, path.join(scratch, 'bench.test'), settings.buildFlags, overlayFile),
          cwd: request.directory,
          env: analysisEnvironment(settings),
        },
        signal,
      );
    const result = request.overlays && request.overlays.size > 0 ? await withOverlay(request.overlays, run) : await run();
    const output = `${result.stdout}${result.stderr}`;
    if (result.cancelled) return { ok: false, cancelled: true, message: 'The measurement was cancelled.', output };
    if (result.spawnError) {
      return { ok: false, cancelled: false, message: `The go command could not be started (${result.spawnError.message}).`, output };
    }
    const figures = parseBenchmarkLine(result.stdout, request.benchmark);
    if (result.exitCode !== 0 || !figures) {
      return {
        ok: false,
        cancelled: false,
        message: failureMessage(request.benchmark, result.exitCode, output, figures !== undefined),
        output,
      };
    }
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(profileFile);
    } catch {
      return { ok: false, cancelled: false, message: `go test wrote no allocation profile for ${request.benchmark}.`, output };
    }
    const decoded = await decodeAllocationProfile(bytes, `The profile of ${request.benchmark}`);
    if (!decoded.ok) return { ok: false, cancelled: false, message: decoded.message, output };
    return { ok: true, figures, profile: decoded.profile, output };
  });
}

export function benchmarkArguments(
  request: BenchmarkRequest,
  profileFile: string,
  binaryFile: string,
  buildFlags: readonly string[],
  overlayFile?: string,
): string[] {
  return [
    'test',
    '-run=^$',
    `-bench=^${request.benchmark}$`,
    '-benchmem',
    `-benchtime=${request.benchtime}`,
    `-memprofile=${profileFile}`,
    '-memprofilerate=1',
    '-count=1',
    '-buildvcs=false',
    '-o',
    binaryFile,
    ...buildFlags,
    ...(overlayFile ? [`-overlay=${overlayFile}`] : []),
    '.',
  ];
}

/** `BenchmarkParse-2   	    2000	     27393 ns/op	    1368 B/op	      23 allocs/op` */
export function parseBenchmarkLine(stdout: string, benchmark: string): BenchmarkFigures | undefined {
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const name = fields[0]?.replace(/-\d+$/, '');
    if (name !== benchmark) continue;
    const unit = (suffix: string) => {
      const index = fields.indexOf(suffix);
      return index > 0 ? Number(fields[index - 1]) : Number.NaN;
    };
    const figures = {
      name: benchmark,
      iterations: Number(fields[1]),
      nsPerOp: unit('ns/op'),
      bytesPerOp: unit('B/op'),
      allocsPerOp: unit('allocs/op'),
    };
    if (Object.values(figures).every((value) => typeof value === 'string' || Number.isFinite(value))) return figures;
  }
  return undefined;
}

function failureMessage(benchmark: string, exitCode: number | null, output: string, printedFigures: boolean): string {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const notBuilt = lines.some((line) => /^#\s|\[build failed\]|\[setup failed\]/.test(line));
  const relevant = lines.filter((line) => !/^(goos|goarch|pkg|cpu):|^(PASS|FAIL|ok)\s/.test(line)).slice(0, 8);
  const detail = relevant.length > 0 ? `\n${relevant.join('\n')}` : '';
  if (notBuilt) return `${benchmark}: the package's tests do not build.${detail}`;
  if (exitCode === 0 && !printedFigures) return `${benchmark} did not run: no benchmark of that name in this package.${detail}`;
  return `${benchmark} failed (go test exited with ${exitCode}).${detail}`;
}
