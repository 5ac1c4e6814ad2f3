/**
 * The Heap Allocations tree ranked by what was measured: each compiler site carries the bytes measured on
 * its line, each function, file and package the sum over its distinct lines, and every level lists the
 * measured ones first, most bytes first, then the unmeasured ones in their count order. Pure.
 */
import { fileURLToPath } from 'node:url';
import type { MeasuredSite, Measurement } from '../model/measurement';
import type { EscapeTreePackageWithFiles, EscapeTreeSite } from '../protocol';
import { formatBytesShort } from './measuredFigures';

export function withMeasuredTree(
  packages: readonly EscapeTreePackageWithFiles[],
  measurement: Measurement | undefined,
): EscapeTreePackageWithFiles[] {
  if (!measurement || measurement.sites.length === 0) return [...packages];
  const perOp = measurement.source.kind === 'benchmark';
  const bytesOnLine = lineBytes(measurement.sites, perOp);
  const label = (bytes: number) => `${formatBytesShort(bytes)}${perOp ? '/op' : ''}`;
  const measured = <T>(item: T, lines: ReadonlyMap<string, number>): T & Measured => {
    const bytes = [...lines.values()].reduce((sum, value) => sum + value, 0);
    return lines.size === 0
      ? { ...item, measuredLines: lines }
      : { ...item, measuredBytes: bytes, measuredLabel: label(bytes), measuredLines: lines };
  };

  const ranked = packages.map((item) => {
    const files = item.files.map((file) => {
      const functions = file.functions.map((fn) => {
        const sites = fn.sites.map((site) => {
          const key = lineKey(site);
          const bytes = key === undefined ? undefined : bytesOnLine.get(key);
          return measured(site, bytes === undefined || key === undefined ? new Map() : new Map([[key, bytes]]));
        });
        return measured({ ...fn, sites: byMeasuredBytes(sites).map(strip) }, union(sites));
      });
      return measured({ ...file, functions: byMeasuredBytes(functions).map(strip) }, union(functions));
    });
    return measured({ ...item, files: byMeasuredBytes(files).map(strip) }, union(files));
  });
  return byMeasuredBytes(ranked).map(strip);
}

/** The working set of each node: its measured lines, so that two sites on one line are counted once. */
type Measured = { readonly measuredLines: ReadonlyMap<string, number> };

function strip<T extends Measured>({ measuredLines: _lines, ...item }: T): Omit<T, 'measuredLines'> {
  return item;
}

function union(items: readonly Measured[]): Map<string, number> {
  const lines = new Map<string, number>();
  for (const item of items) for (const [key, bytes] of item.measuredLines) lines.set(key, bytes);
  return lines;
}

/** Measured first, most bytes first; `Array.prototype.sort` is stable, so the rest keep the count order. */
function byMeasuredBytes<T extends { measuredBytes?: number }>(items: T[]): T[] {
  return items.sort((a, b) => (b.measuredBytes ?? -1) - (a.measuredBytes ?? -1));
}

function lineBytes(sites: readonly MeasuredSite[], perOp: boolean): Map<string, number> {
  const lines = new Map<string, number>();
  for (const site of sites) {
    const key = `${site.file}:${site.line}`;
    lines.set(key, (lines.get(key) ?? 0) + (perOp ? (site.perOp?.bytes ?? 0) : site.bytes));
  }
  return lines;
}

/** Heap allocations only: a bounds or nil check on a measured line allocates nothing. */
function lineKey(site: EscapeTreeSite): string | undefined {
  if (!site.uri.startsWith('file:') || (site.kind !== 'escape' && site.kind !== 'moved')) return undefined;
  return `${fileURLToPath(site.uri)}:${site.range.start.line + 1}`;
}
