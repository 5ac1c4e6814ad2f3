/**
 * Diagnostics for allocations the syntax-only analyser predicts, for when the compiler cannot be asked.
 * They must never pass for compiler facts: the message starts with "predicted:" and says why the compiler
 * was not used, the code is `predicted-heap-allocation`, `data.predicted` is true, and the severity is Hint
 * unless the user chose otherwise. The server replaces them with the compiler's facts as soon as it has some.
 */
import type { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { PackageResult } from '../model/analysis';
import type { AnalysisStatus } from '../model/analysis';
import { predictAllocationsInText, type PredictedAllocation } from '../syntax/predictAllocations';
import type { Settings } from '../settings';
import { DIAGNOSTIC_SOURCE, toDiagnosticSeverity } from './diagnostics';
import { reasonText } from './reasonText';

export const PREDICTED_CODE = 'predicted-heap-allocation';

/** Why the compiler's facts are not available, which decides the note at the end of each message. */
export type PredictionCause = 'restricted' | 'goMissing' | 'buildFailed' | 'failed';

const CAUSE_TEXT: Readonly<Record<PredictionCause, string>> = {
  restricted: 'the workspace is not trusted, so the go command is not run',
  goMissing: 'the go command was not found',
  buildFailed: 'the package does not build',
  failed: 'the compiler could not finish',
};

export interface PredictionContext {
  readonly settings: Settings;
  readonly readmeUri: string;
  readonly cause: PredictionCause;
}

/** The data every predicted diagnostic carries, so clients and other features can tell it from a fact. */
export interface PredictedDiagnosticData {
  readonly predicted: true;
  readonly kind: PredictedAllocation['kind'];
  readonly factKind: PredictedAllocation['factKind'];
  readonly cause: PredictionCause;
}

export function predictedDiagnostics(predictions: readonly PredictedAllocation[], context: PredictionContext): Diagnostic[] {
  const severity = severityOf(context.settings);
  if (severity === undefined) return [];
  return predictions.map((prediction) => {
    const data: PredictedDiagnosticData = { predicted: true, kind: prediction.kind, factKind: prediction.factKind, cause: context.cause };
    return {
      range: prediction.range,
      severity,
      source: DIAGNOSTIC_SOURCE,
      code: PREDICTED_CODE,
      codeDescription: { href: `${context.readmeUri}#${PREDICTED_CODE}` },
      message: predictedMessage(prediction, context.cause),
      data,
    };
  });
}

export function predictedMessage(prediction: PredictedAllocation, cause: PredictionCause): string {
  const what =
    prediction.factKind === 'moved'
      ? `${prediction.expression} is likely moved to the heap`
      : `${prediction.expression} likely escapes to the heap`;
  return `predicted: ${what} (${reasonText(prediction.reason).short}); not from the compiler: ${CAUSE_TEXT[cause]}`;
}

/** Parses `text` and returns its predicted diagnostics; a file that cannot be parsed has none. */
export async function predictedDiagnosticsForText(text: string, context: PredictionContext): Promise<Diagnostic[]> {
  if (severityOf(context.settings) === undefined) return [];
  const { predictions } = await predictAllocationsInText(text);
  return predictedDiagnostics(predictions, context);
}

/** Why a failed analysis has no facts, or undefined when it has them (or was only cancelled). */
export function causeOfMissingFacts(status: AnalysisStatus): PredictionCause | undefined {
  switch (status) {
    case 'goMissing':
      return 'goMissing';
    case 'buildFailed':
      return 'buildFailed';
    case 'failed':
      return 'failed';
    default:
      return undefined;
  }
}

/**
 * For a package the compiler could not analyse: predicted diagnostics for each of its files that has no
 * facts (files still showing their last good facts, marked stale, keep those instead).
 */
export async function standInDiagnostics(
  result: PackageResult,
  context: Omit<PredictionContext, 'cause'>,
): Promise<Map<string, Diagnostic[]>> {
  const standIns = new Map<string, Diagnostic[]>();
  const cause = causeOfMissingFacts(result.analysis.status);
  if (!cause) return standIns;
  for (const file of result.files.values()) {
    if (file.withoutFacts) standIns.set(file.file, await predictedDiagnosticsForText(file.source.text, { ...context, cause }));
  }
  return standIns;
}

export function isPredictedDiagnostic(diagnostic: Diagnostic): boolean {
  return (diagnostic.data as Partial<PredictedDiagnosticData> | undefined)?.predicted === true;
}

function severityOf(settings: Settings): DiagnosticSeverity | undefined {
  return toDiagnosticSeverity(settings.severity.predicted);
}
