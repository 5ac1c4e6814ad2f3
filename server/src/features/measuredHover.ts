/**
 * The hover's measured part: on a line with measured allocations, what was measured there (per op for a
 * benchmark, totals for a profile) and, where the compiler reported no heap allocation, the likely cause;
 * on a heap allocation of the measured package that the benchmark never reached, that it did not. Pure.
 */
import { type Hover, MarkupKind } from 'vscode-languageserver';
import type { FileAnalysis } from '../model/analysis';
import { allocatesAtRunTime } from './nothingAllocated';
import type { AllocationCause, Measurement } from '../model/measurement';
import type { LspPosition } from '../model/positions';
import { causeText } from '../measurement/likelyCause';
import { measurementName, siteFigures, sitesOnLine } from './measuredFigures';

export interface MeasuredHoverContext {
  readonly file: string;
  readonly lines: readonly string[];
  /** The file's compiler facts, when it was analysed. */
  readonly analysis?: FileAnalysis;
  /** Links a file to the editor (a `file:` URI). */
  readonly uriOf: (file: string) => string;
}

/** The Markdown to add to the hover at `position`, or undefined when nothing was measured there. */
export function measuredHoverSection(measurement: Measurement, position: LspPosition, context: MeasuredHoverContext): string | undefined {
  const line = position.line + 1;
  const sites = sitesOnLine(measurement, context.file, line);
  const name = measurementName(measurement);
  const heapOnLine = context.analysis?.located.some((item) => allocatesAtRunTime(item) && item.range.start.line === position.line) ?? false;
  if (sites.length === 0) {
    const reached = measurement.source.kind === 'benchmark' && heapOnLine && isInMeasuredPackage(measurement, context.file);
    return reached ? `**Not reached by ${name}**: it measured no allocation on this line.` : undefined;
  }
  return sites
    .map((site) => {
      const figures = `**Measured in ${name}**: ${siteFigures(site, measurement)}.`;
      // Before the file's first analysis nothing is known of what the compiler reports: only the figures.
      if (heapOnLine || !context.analysis) return figures;
      return `${figures}\n\nThe compiler reports no heap allocation on this line. Likely cause: ${site.causes.map((cause) => causeMarkdown(cause, context)).join('; ')}.`;
    })
    .join('\n\n');
}

export function causeMarkdown(cause: AllocationCause, context: Pick<MeasuredHoverContext, 'uriOf'>): string {
  if (cause.kind === 'callee' && cause.file)
    return `inside [\`${cause.functionName}\`](${context.uriOf(cause.file)}#L${cause.line}), which this line calls`;
  if (cause.kind === 'callee') return `inside \`${cause.functionName}\`, which this line calls`;
  return causeText(cause);
}

/** A hover of its own for a measured line where the compiler's hover has nothing to say. */
export function measuredHover(section: string, position: LspPosition, lines: readonly string[]): Hover {
  const text = lines[position.line] ?? '';
  const start = text.length - text.trimStart().length;
  return {
    contents: { kind: MarkupKind.Markdown, value: section },
    range: { start: { line: position.line, character: start }, end: { line: position.line, character: text.trimEnd().length } },
  };
}

function isInMeasuredPackage(measurement: Measurement, file: string): boolean {
  if (measurement.source.kind !== 'benchmark') return false;
  const directory = file.slice(0, Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')));
  return directory === measurement.source.directory;
}
