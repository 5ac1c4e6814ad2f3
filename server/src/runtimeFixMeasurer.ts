/**
 * Measures what a fix saves at run time, for the fixes the compiler cannot count (a loop's `append`
 * growth, string concatenation): the benchmark whose figures are shown runs on the package as it is and on
 * the package with the fix applied (through -overlay: nothing is written), and the difference per op is
 * the fix's. Runs are cached by the exact text they measured, so a lightbulb asked again answers at once;
 * the runner it is given runs them one at a time with the user's own measurements, so measuring never
 * competes with itself for the cores.
 */
import { createHash } from 'node:crypto';
import type { GoSettings } from './engine/goCommand';
import { runBenchmark } from './engine/runBenchmark';
import type { GoRunner } from './engine/runGo';
import type { BenchmarkFigures } from './model/measurement';

export interface RuntimeRun {
  readonly directory: string;
  readonly benchmark: string;
  readonly benchtime: string;
  /** Every Go file of the package whose text is not the disk's (unsaved, or the fix's edit). */
  readonly overlays: ReadonlyMap<string, string>;
  /** Every Go file of the package as measured, for the cache key (the disk's text where not overlaid). */
  readonly texts: ReadonlyMap<string, string>;
}

const KEPT_RUNS = 100;

export class RuntimeFixMeasurer {
  private readonly runs = new Map<string, Promise<BenchmarkFigures | string>>();

  constructor(
    private readonly runGo: GoRunner,
    private readonly log: (message: string) => void,
  ) {}

  /**
   * The benchmark's figures on exactly `run.texts`, or why it could not be measured; `known` when they were
   * measured, or are being measured, already, so no new run starts.
   */
  figures(run: RuntimeRun, settings: GoSettings): { readonly known: boolean; readonly result: Promise<BenchmarkFigures | string> } {
    const key = runKey(run, settings);
    const known = this.runs.get(key);
    if (known) return { known: true, result: known };
    const measured = (async () => {
      const result = await runBenchmark(
        { directory: run.directory, benchmark: run.benchmark, benchtime: run.benchtime, overlays: run.overlays },
        settings,
        this.runGo,
      );
      if (!result.ok) this.log(`measuring a fix with ${run.benchmark} failed: ${result.message}`);
      return result.ok ? result.figures : result.message;
    })();
    this.runs.set(key, measured);
    if (this.runs.size > KEPT_RUNS) this.runs.delete(this.runs.keys().next().value!);
    return { known: false, result: measured };
  }
}

function runKey(run: RuntimeRun, settings: GoSettings): string {
  const hash = createHash('sha256').update(JSON.stringify([run.directory, run.benchmark, run.benchtime, settings]));
  for (const [file, text] of [...run.texts].sort(([a], [b]) => a.localeCompare(b)))
    hash.update('\0').update(file).update('\0').update(text);
  return hash.digest('hex');
}
