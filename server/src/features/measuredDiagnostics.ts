/**
 * `measured-allocation` diagnostics: allocations measured at run time on lines where the compiler reports
 * no heap allocation, each with its likely cause (map growth, append growth, a run-time-sized make beyond
 * its stack buffer, string building, or a named callee of another package, linked to its source). Pure.
 */
import { type Diagnostic, type DiagnosticRelatedInformation, DiagnosticSeverity } from 'vscode-languageserver';
import type { FileAnalysis } from '../model/analysis';
import { allocatesAtRunTime } from './nothingAllocated';
import type { Measurement } from '../model/measurement';
import { causeText } from '../measurement/likelyCause';
import type { SeveritySetting } from '../settings';
import { toDiagnosticSeverity } from './diagnostics';
import { measurementName, siteFigures } from './measuredFigures';

export const MEASURED_ALLOCATION_CODE = 'measured-allocation';

export interface MeasuredDiagnosticContext {
  readonly file: string;
  readonly lines: readonly string[];
  /** The compiler's facts of the file, when it was analysed: lines with a heap fact get no diagnostic. */
  readonly analysis?: FileAnalysis;
  readonly severity: SeveritySetting;
  readonly readmeUri: string;
  readonly uriOf: (file: string) => string;
}

export function measuredDiagnostics(measurement: Measurement, context: MeasuredDiagnosticContext): Diagnostic[] {
  const severity = toDiagnosticSeverity(context.severity);
  if (severity === undefined) return [];
  const heapLines = new Set((context.analysis?.located ?? []).filter(allocatesAtRunTime).map((item) => item.range.start.line));
  const name = measurementName(measurement);
  return measurement.sites
    .filter((site) => site.file === context.file && !heapLines.has(site.line - 1))
    .map((site) => {
      const text = context.lines[site.line - 1] ?? '';
      const start = text.length - text.trimStart().length;
      const related: DiagnosticRelatedInformation[] = site.causes.flatMap((cause) =>
        cause.kind === 'callee' && cause.file
          ? [
              {
                location: {
                  uri: context.uriOf(cause.file),
                  range: { start: { line: (cause.line ?? 1) - 1, character: 0 }, end: { line: (cause.line ?? 1) - 1, character: 0 } },
                },
                message: `${cause.functionName} allocates here`,
              },
            ]
          : [],
      );
      return {
        range: { start: { line: site.line - 1, character: start }, end: { line: site.line - 1, character: text.trimEnd().length } },
        severity: severity ?? DiagnosticSeverity.Information,
        source: 'go-escape-lens',
        code: MEASURED_ALLOCATION_CODE,
        codeDescription: { href: `${context.readmeUri}#${MEASURED_ALLOCATION_CODE}` },
        message: `Measured in ${name}: ${siteFigures(site, measurement)}; the compiler reports no heap allocation here. Likely cause: ${site.causes.map(causeText).join('; ')}.`,
        ...(related.length > 0 ? { relatedInformation: related } : {}),
        data: { measured: true },
      };
    });
}
