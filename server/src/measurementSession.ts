/**
 * The editor's measurements: runs one benchmark at a time (or loads a profile), keeps the samples by
 * function and offset, and places them on the source as it is now whenever a feature asks, so edits shift
 * the numbers with the code or drop them. The last benchmark's figures per benchmark are kept for the
 * lenses, with the run before, so "Measure again" after a fix shows the difference. No LSP.
 */
import * as path from 'node:path';
import type { GoSettings } from './engine/goCommand';
import type { GoRunner } from './engine/runGo';
import type { Attribution } from './measurement/attributeSamples';
import { loadProfile, type MeasureContext, measureBenchmark, placeOnSource } from './measurementService';
import type { AllocationSampleType, BenchmarkFigures, Measurement, MeasurementSource } from './model/measurement';
import { benchmarkDifference, benchmarkLine, formatBytes, measurementName } from './features/measuredFigures';

export type SessionOutcome = { readonly ok: boolean; readonly cancelled?: boolean; readonly message: string };

interface Shown {
  readonly attribution: Attribution;
  readonly source: MeasurementSource;
  readonly takenAt: number;
}

export class MeasurementSession {
  private shown: Shown | undefined;
  private running: { readonly label: string; readonly key: string; readonly controller: AbortController } | undefined;
  private readonly figures = new Map<string, { latest: BenchmarkFigures; previous?: BenchmarkFigures }>();
  /** Bumped on every new or cleared measurement: published diagnostics depend on it. */
  generation = 0;

  /** `BenchmarkParse` in `directory`. */
  static key(directory: string, benchmark: string): string {
    return `${directory}\0${benchmark}`;
  }

  /** True when a measurement is shown: without one, the features need no context (and run no go command). */
  isShowing(): boolean {
    return this.shown !== undefined;
  }

  /** The benchmark whose figures are shown, if they come from one (not from a loaded profile). */
  shownBenchmark(): { readonly directory: string; readonly name: string } | undefined {
    const source = this.shown?.source;
    return source?.kind === 'benchmark' ? { directory: source.directory, name: source.benchmark.name } : undefined;
  }

  isRunning(key?: string): boolean {
    return this.running !== undefined && (key === undefined || this.running.key === key);
  }

  resultsOf(directory: string, benchmark: string): { latest?: BenchmarkFigures; previous?: BenchmarkFigures; running?: boolean } {
    const key = MeasurementSession.key(directory, benchmark);
    return { ...this.figures.get(key), running: this.isRunning(key) };
  }

  async measure(
    request: { directory: string; benchmark: string; benchtime: string; overlays?: ReadonlyMap<string, string> },
    settings: GoSettings,
    runGo: GoRunner,
    context: MeasureContext,
    signal?: AbortSignal,
  ): Promise<SessionOutcome> {
    if (this.running) return { ok: false, message: `${this.running.label} is being measured; one measurement runs at a time.` };
    const key = MeasurementSession.key(request.directory, request.benchmark);
    const controller = new AbortController();
    const stop = () => controller.abort();
    signal?.addEventListener('abort', stop, { once: true });
    this.running = { label: request.benchmark, key, controller };
    try {
      const result = await measureBenchmark(request, settings, runGo, context, controller.signal);
      if (!result.ok) return { ok: false, cancelled: result.cancelled, message: result.message };
      const figures = result.figures as BenchmarkFigures;
      const previous = this.figures.get(key)?.latest;
      this.figures.set(key, { latest: figures, ...(previous ? { previous } : {}) });
      this.show({ attribution: result.attribution, source: result.measurement.source, takenAt: result.measurement.takenAt });
      const change = previous ? ` (${benchmarkDifference(previous, figures)})` : '';
      const dropped = result.measurement.coverage.staleDropped;
      return {
        ok: true,
        message: `${request.benchmark}: ${benchmarkLine(figures)}${change}; ${result.measurement.sites.length} allocating lines in ${path.basename(request.directory)}'s workspace${dropped ? `; ${dropped} lines no longer match the source` : ''}.`,
      };
    } finally {
      signal?.removeEventListener('abort', stop);
      this.running = undefined;
    }
  }

  async load(file: string, sampleType: AllocationSampleType, context: MeasureContext): Promise<SessionOutcome> {
    const result = await loadProfile(file, sampleType, context);
    if (!result.ok) return { ok: false, message: result.message };
    this.show({ attribution: result.attribution, source: result.measurement.source, takenAt: result.measurement.takenAt });
    const { coverage } = result.measurement;
    const notes = [
      coverage.staleDropped > 0 ? `${coverage.staleDropped} lines of older source no longer match and were dropped` : '',
      coverage.unmatchedFiles.length > 0 ? `files that matched nothing: ${coverage.unmatchedFiles.slice(0, 3).join(', ')}` : '',
    ].filter(Boolean);
    return {
      ok: true,
      message: `${path.basename(file)} (${sampleType}): ${formatBytes(result.measurement.totalBytes)} on ${result.measurement.sites.length} lines of the workspace${notes.length > 0 ? `; ${notes.join('; ')}` : ''}.`,
    };
  }

  cancel(): void {
    this.running?.controller.abort();
  }

  clear(): void {
    this.shown = undefined;
    this.generation++;
  }

  /** The measurement shown, placed on the source as it is now; undefined when there is none. */
  async current(context: MeasureContext): Promise<Measurement | undefined> {
    const shown = this.shown;
    if (!shown) return undefined;
    return placeOnSource(shown.attribution, shown.source, context, shown.takenAt);
  }

  describe(): string | undefined {
    return this.shown && measurementName({ source: this.shown.source } as Measurement);
  }

  private show(shown: Shown): void {
    this.shown = shown;
    this.generation++;
  }
}
