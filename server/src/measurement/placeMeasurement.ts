/**
 * Places attributed profile sites on the source as it is now, and makes a Measurement of them. Pure.
 *
 * A profile taken from older source must never put numbers on the wrong lines: each site is found again by
 * its function's name and its line offset inside the function. A site whose function is gone, whose
 * offset now falls outside the function, or whose offset lands on a line that cannot be it (an edit inside
 * the function above it moved the offset: lineCanAllocate.ts) is dropped and counted. For a benchmark the figures are scaled so
 * that the sites add up to the benchmark's own B/op and allocs/op.
 */
import type { AllocationCause, BenchmarkFigures, MeasuredSite, Measurement, MeasurementSource } from '../model/measurement';
import type { FunctionSpan } from '../syntax/functionSpans';
import type { Attribution, ProfileSite } from './attributeSamples';
import { likelyCause } from './likelyCause';
import { lineCanAllocate } from './lineCanAllocate';
import { shortFunctionName } from './profilePaths';

/** What the join needs of a workspace file as it is now. */
export interface CurrentFile {
  readonly functions: readonly FunctionSpan[];
  readonly lines: readonly string[];
  /** Expressions on a 1-based line that the compiler kept on the stack (`does not escape`). */
  readonly stackExpressions: (line: number) => readonly string[];
}

export interface PlaceOptions {
  readonly source: MeasurementSource;
  /** The file as it is now; undefined when it cannot be read (deleted since): its sites are dropped. */
  readonly currentFile: (file: string) => CurrentFile | undefined;
  readonly takenAt?: number;
}

export function placeMeasurement(attribution: Attribution, options: PlaceOptions): Measurement {
  const benchmark: BenchmarkFigures | undefined = options.source.kind === 'benchmark' ? options.source.benchmark : undefined;
  const bytesScale = benchmark && attribution.totalBytes > 0 ? benchmark.bytesPerOp / attribution.totalBytes : 0;
  const allocsScale = benchmark && attribution.totalObjects > 0 ? benchmark.allocsPerOp / attribution.totalObjects : 0;
  const byLine = new Map<string, MeasuredSite>();
  /** Per line, each cause's bytes: a line's causes are listed most bytes first. */
  const causeBytes = new Map<string, Map<string, { cause: AllocationCause; bytes: number }>>();
  let staleDropped = 0;
  for (const site of attribution.sites) {
    const current = options.currentFile(site.file);
    const line = current && currentLine(site, current.functions);
    if (
      !current ||
      line === undefined ||
      !lineCanAllocate(
        current.lines[line - 1] ?? '',
        [...site.callees.values()].map((callee) => callee.frames),
      )
    ) {
      staleDropped++;
      continue;
    }
    const key = `${site.file}:${line}`;
    const causes = causeBytes.get(key) ?? new Map<string, { cause: AllocationCause; bytes: number }>();
    causeBytes.set(key, causes);
    for (const added of causesOf(site, current, line)) {
      const causeKey = JSON.stringify(added.cause);
      const entry = causes.get(causeKey);
      if (entry) entry.bytes += added.bytes;
      else causes.set(causeKey, added);
    }
    const previous = byLine.get(key);
    const bytes = (previous?.bytes ?? 0) + site.bytes;
    const objects = (previous?.objects ?? 0) + site.objects;
    byLine.set(key, {
      file: site.file,
      line,
      functionName: shortFunctionName(site.functionName),
      bytes,
      objects,
      share: attribution.totalBytes > 0 ? bytes / attribution.totalBytes : 0,
      ...(benchmark ? { perOp: { bytes: bytes * bytesScale, allocs: objects * allocsScale } } : {}),
      causes: [...causes.values()].sort((a, b) => b.bytes - a.bytes).map((entry) => entry.cause),
    });
  }
  const sites = [...byLine.values()].sort((a, b) => b.bytes - a.bytes || b.objects - a.objects);
  return {
    source: options.source,
    sites,
    coverage: {
      attributedSamples: attribution.attributedSamples,
      outsideWorkspace: attribution.outsideWorkspace,
      staleDropped,
      unmatchedFiles: attribution.unmatchedFiles,
    },
    totalBytes: attribution.totalBytes,
    totalObjects: attribution.totalObjects,
    takenAt: options.takenAt ?? Date.now(),
  };
}

/** The site's line in today's source, or undefined when its function is gone or the offset left it. */
function currentLine(site: ProfileSite, functions: readonly FunctionSpan[]): number | undefined {
  const name = shortFunctionName(site.functionName);
  const span = functions.find((candidate) => candidate.name === name);
  if (!span) return undefined;
  // Without the function's start line (profiles of Go before 1.20) only an unchanged position can be trusted.
  if (site.functionStartLine <= 0) return site.line >= span.startLine && site.line <= span.endLine ? site.line : undefined;
  const line = span.startLine + (site.line - site.functionStartLine);
  return line >= span.startLine && line <= span.endLine ? line : undefined;
}

function causesOf(site: ProfileSite, current: CurrentFile, line: number): { cause: AllocationCause; bytes: number }[] {
  return [...site.callees.values()].map(({ frames, bytes }) => ({
    cause: likelyCause({ callee: frames, lineText: current.lines[line - 1] ?? '', stackExpressions: current.stackExpressions(line) }),
    bytes,
  }));
}
