/**
 * The syntax-only analyser: predicts the common heap allocations of a Go file from its tree-sitter tree,
 * for when the compiler cannot be used (an untrusted workspace, no go command, a package that does not
 * build yet). Predictions are never facts: the features label them as predictions, and replace them with
 * the compiler's facts as soon as there are some.
 *
 * Each pattern lives in predictions/, one file per kind; this file runs them, keeps the kinds whose
 * precision on the standard library is high enough, and drops duplicates.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { withGoTree } from './goParser';
import { toSourceText } from './positions';
import type { SourceText } from '../model/positions';
import { predictNonConstantMakes, predictTooLargeForStack } from './predictions/allocationSize';
import { predictEscapingClosures } from './predictions/escapingClosure';
import { predictInterfaceArguments, predictInterfaceStores } from './predictions/interfaceConversion';
import { MEASUREMENTS } from './predictions/measured';
import { predictReturnedAllocations } from './predictions/returnedAllocation';
import { predictSentPointers } from './predictions/sentPointer';
import { isInGenericCode } from './predictions/scope';
import { indexTree } from './predictions/syntaxIndex';
import { PREDICTION_KINDS, type PredictedAllocation, type PredictionKind, type Predictor } from './predictions/types';
import type { LspPosition } from '../model/positions';

export type { PredictedAllocation, PredictionKind } from './predictions/types';
export { PREDICTION_KINDS } from './predictions/types';

/** A kind is shown to users only when at least this share of its predictions matched a compiler fact. */
export const MINIMUM_PRECISION = 0.9;

const PREDICTORS: readonly Predictor[] = [
  predictReturnedAllocations,
  predictEscapingClosures,
  predictSentPointers,
  predictInterfaceArguments,
  predictInterfaceStores,
  predictNonConstantMakes,
  predictTooLargeForStack,
];

/** The kinds whose measured precision (predictions/measured.ts) is at least MINIMUM_PRECISION. */
export const ENABLED_KINDS: ReadonlySet<PredictionKind> = new Set(
  PREDICTION_KINDS.filter((kind) => {
    const measured = MEASUREMENTS[kind];
    return measured !== undefined && measured.predicted > 0 && measured.correct / measured.predicted >= MINIMUM_PRECISION;
  }),
);

export interface PredictOptions {
  /** Which kinds to report; the measured, enabled ones by default. The measurement script asks for all. */
  readonly kinds?: ReadonlySet<PredictionKind>;
  /** Also predict inside generic functions, where the compiler reports only instantiated shapes. */
  readonly includeGenericCode?: boolean;
}

/** Every predicted allocation in one file's tree, in document order, at most one per node and fact kind. */
export function predictAllocations(tree: Tree, options: PredictOptions = {}): PredictedAllocation[] {
  const kinds = options.kinds ?? ENABLED_KINDS;
  const seen = new Set<string>();
  const predictions: PredictedAllocation[] = [];
  const index = indexTree(tree.rootNode);
  const declarations = topLevelFunctions(tree.rootNode);
  for (const predictor of PREDICTORS) {
    for (const found of predictor(index)) {
      if (!kinds.has(found.kind)) continue;
      const declaration = declarationAt(declarations, found.range.start);
      const prediction: PredictedAllocation = {
        ...found,
        enclosingFunction: declaration?.name,
        inGenericCode: declaration?.generic ?? false,
      };
      if (prediction.inGenericCode && !options.includeGenericCode) continue;
      const { start, end } = prediction.range;
      const key = `${prediction.factKind}:${start.line}:${start.character}:${end.line}:${end.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      predictions.push(prediction);
    }
  }
  return predictions.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

interface TopLevelFunction {
  readonly start: LspPosition;
  readonly end: LspPosition;
  readonly name?: string;
  readonly generic: boolean;
}

/** The file's function and method declarations in order: a prediction's enclosing one is found by search. */
function topLevelFunctions(root: Node): TopLevelFunction[] {
  return root.namedChildren
    .filter((node) => node.type === 'function_declaration' || node.type === 'method_declaration')
    .map((node) => ({
      start: { line: node.startPosition.row, character: node.startPosition.column },
      end: { line: node.endPosition.row, character: node.endPosition.column },
      name: node.childForFieldName('name')?.text,
      generic: isInGenericCode(node),
    }));
}

function before(a: LspPosition, b: LspPosition): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function declarationAt(declarations: readonly TopLevelFunction[], position: LspPosition): TopLevelFunction | undefined {
  let low = 0;
  let high = declarations.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const declaration = declarations[middle];
    if (before(position, declaration.start)) high = middle - 1;
    else if (!before(position, declaration.end)) low = middle + 1;
    else return declaration;
  }
  return undefined;
}

export interface FilePredictions {
  readonly source: SourceText;
  readonly predictions: readonly PredictedAllocation[];
}

/** Parses `text` (as on disk or in the editor, BOM or not) and predicts its allocations. */
export async function predictAllocationsInText(text: string, options: PredictOptions = {}): Promise<FilePredictions> {
  const source = toSourceText(text);
  const predictions = await withGoTree(source.text, (tree) => predictAllocations(tree, options));
  return { source, predictions };
}
