import * as fs from 'node:fs';

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

const TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds (user + system) of this process's waited-for children so far, their own children
 * included (fields 16 and 17 of /proc/self/stat). On a shared machine a compile's wall time grows with the
 * load; its CPU time much less.
 */
export function childrenCpuMilliseconds(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name, field 3 is index 0: cutime is field 16, cstime field 17.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}
