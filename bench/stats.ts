/** Medians and spreads: the benchmark reports these, never a single run. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function summarise(values: readonly number[]): Summary {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

export function formatMilliseconds(summary: Summary): string {
  if (summary.runs === 0) return 'n/a';
  return `${summary.median.toFixed(0)} ms (${summary.min.toFixed(0)}–${summary.max.toFixed(0)}, n=${summary.runs})`;
}
