/**
 * `--format summary`: heap allocations counted per package and per function, the biggest first, so the
 * hot spots of a module are the first lines to read.
 */
import { allocatesAtRunTime, type Finding, measuredBytes } from './findings';
import type { FindingWriter } from './findingWriter';
import { plural } from './formatText';

interface Count {
  allocations: number;
  violations: number;
  /** Measured bytes (per op from a benchmark, in total from a profile), 0 without a measurement. */
  measured: number;
  /** True when the measured bytes are per op (from a benchmark). */
  perOp: boolean;
}

type PackageCounts = Map<string, { total: Count; functions: Map<string, Count> }>;

/** Keeps only counts per package and function, so the summary of a large run stays small. */
export function summaryWriter(): FindingWriter {
  const byPackage: PackageCounts = new Map();
  return {
    begin: () => '',
    package: (importPath, findings) => {
      if (!byPackage.has(importPath)) byPackage.set(importPath, { total: zero(), functions: new Map() });
      count(byPackage, findings);
      return '';
    },
    end: () => render(byPackage),
  };
}

function count(byPackage: PackageCounts, findings: readonly Finding[]): void {
  for (const finding of findings) {
    const entry = byPackage.get(finding.package) ?? { total: zero(), functions: new Map<string, Count>() };
    byPackage.set(finding.package, entry);
    const fn = entry.functions.get(finding.function) ?? zero();
    entry.functions.set(finding.function, fn);
    if (allocatesAtRunTime(finding)) {
      entry.total.allocations++;
      fn.allocations++;
    }
    if (finding.violation) {
      entry.total.violations++;
      fn.violations++;
    }
    entry.total.measured += measuredBytes(finding);
    fn.measured += measuredBytes(finding);
    if (finding.measured && 'benchmark' in finding.measured) entry.total.perOp = fn.perOp = true;
  }
}

function render(byPackage: PackageCounts): string {
  const lines: string[] = [];
  const packages = [...byPackage.entries()].sort(
    byCount(
      ([, entry]) => entry.total,
      ([name]) => name,
    ),
  );
  const total = zero();
  for (const [name, entry] of packages) {
    total.allocations += entry.total.allocations;
    total.violations += entry.total.violations;
    lines.push(`${pad(entry.total.allocations)}  ${name}${violationNote(entry.total)}${measuredNote(entry.total)}`);
    const functions = [...entry.functions.entries()].sort(
      byCount(
        ([, count]) => count,
        ([fn]) => fn,
      ),
    );
    for (const [fn, count] of functions) lines.push(`${pad(count.allocations)}    ${fn}${violationNote(count)}${measuredNote(count)}`);
  }
  lines.push(
    `${plural(total.allocations, 'heap allocation')} in ${plural(packages.length, 'package')}; ${
      total.violations === 0 ? 'no violations' : plural(total.violations, 'violation')
    }`,
  );
  return `${lines.join('\n')}\n`;
}

function zero(): Count {
  return { allocations: 0, violations: 0, measured: 0, perOp: false };
}

function measuredNote(count: Count): string {
  return count.measured > 0 ? `  (measured ${Math.round(count.measured * 100) / 100} ${count.perOp ? 'B/op' : 'B'})` : '';
}

function violationNote(count: Count): string {
  return count.violations > 0 ? `  (${plural(count.violations, 'violation')})` : '';
}

function pad(count: number): string {
  return String(count).padStart(6);
}

/** Most measured bytes first (with a measurement), then most allocations, most violations, and by name. */
function byCount<T>(count: (item: T) => Count, name: (item: T) => string) {
  return (a: T, b: T) =>
    count(b).measured - count(a).measured ||
    count(b).allocations - count(a).allocations ||
    count(b).violations - count(a).violations ||
    (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}
