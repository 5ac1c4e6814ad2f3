/**
 * Measured figures in words, shared by the hover, hints, lenses and diagnostics: "4.0 KB and 1 allocation
 * per op", "96 KB in 4,000 objects". Pure.
 */
import type { BenchmarkFigures, MeasuredSite, Measurement } from '../model/measurement';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${roundFigure(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

/** Short, for an inlay hint: `4 KB`, `448 B`. */
export function formatBytesShort(bytes: number): string {
  if (bytes < 1024) return `${roundFigure(bytes)} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

/** Whole numbers as they are, fractions to two significant places: 15, 0.5, 0.033. */
export function roundFigure(value: number): string {
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 1) return String(Math.round(value * 10) / 10);
  return String(Number(value.toPrecision(2)));
}

/** Singular when the figure shown is 1: a per-op figure is a quotient, 1.0000001 reads "1 allocation". */
const plural = (count: number, word: string) => `${roundFigure(count)} ${word}${roundFigure(count) === '1' ? '' : 's'}`;

export function percent(share: number): string {
  return share >= 0.01 || share === 0 ? `${Math.round(share * 100)}%` : '<1%';
}

/** Where the figures come from: `BenchmarkParse` or `heap.pb.gz`. */
export function measurementName(measurement: Measurement): string {
  return measurement.source.kind === 'benchmark'
    ? measurement.source.benchmark.name
    : (measurement.source.file.split(/[\\/]/).pop() ?? 'the profile');
}

/** "4.0 KB and 1 allocation per op, 24% of its bytes" or "96 KB in 4,000 objects, 24% of the profile's bytes". */
export function siteFigures(site: MeasuredSite, measurement: Measurement): string {
  if (site.perOp) {
    return `${formatBytes(site.perOp.bytes)} and ${plural(site.perOp.allocs, 'allocation')} per op, ${percent(site.share)} of its bytes`;
  }
  const inUse = measurement.source.kind === 'profile' && measurement.source.sampleType.startsWith('inuse');
  return `${formatBytes(site.bytes)} in ${plural(site.objects, 'object')}${inUse ? ' in use' : ''}, ${percent(site.share)} of the profile's bytes`;
}

/** For an inlay hint after `heap`: `4 KB/op`, or `96 KB` from a profile. */
export function siteHintFigure(site: MeasuredSite): string {
  return site.perOp ? `${formatBytesShort(site.perOp.bytes)}/op` : formatBytesShort(site.bytes);
}

/** A benchmark's own line: `27.4 µs/op · 1.3 KB/op · 23 allocs/op`. */
export function benchmarkLine(figures: BenchmarkFigures): string {
  return `${formatDuration(figures.nsPerOp)}/op · ${formatBytes(figures.bytesPerOp)}/op · ${roundFigure(figures.allocsPerOp)} allocs/op`;
}

/** The difference from the previous run: "−1 alloc/op, −16 B/op"; "no change in allocations". */
export function benchmarkDifference(previous: BenchmarkFigures, now: BenchmarkFigures): string {
  const allocs = now.allocsPerOp - previous.allocsPerOp;
  const bytes = now.bytesPerOp - previous.bytesPerOp;
  if (allocs === 0 && bytes === 0) return 'no change in allocations';
  const signed = (value: number) => `${value < 0 ? '−' : '+'}${roundFigure(Math.abs(value))}`;
  return `${signed(allocs)} alloc${Math.abs(allocs) === 1 ? '' : 's'}/op, ${signed(bytes)} B/op`;
}

export function formatDuration(nanoseconds: number): string {
  if (nanoseconds < 1000) return `${roundFigure(nanoseconds)} ns`;
  if (nanoseconds < 1e6) return `${(nanoseconds / 1e3).toFixed(1)} µs`;
  if (nanoseconds < 1e9) return `${(nanoseconds / 1e6).toFixed(1)} ms`;
  return `${(nanoseconds / 1e9).toFixed(2)} s`;
}

/** The sites of a file on one 1-based line. */
export function sitesOnLine(measurement: Measurement, file: string, line: number): MeasuredSite[] {
  return measurement.sites.filter((site) => site.file === file && site.line === line);
}
