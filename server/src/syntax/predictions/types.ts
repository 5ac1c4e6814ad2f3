/**
 * The shape of a predicted heap allocation: what the syntax-only analyser thinks the compiler would say,
 * and where. A prediction is never a fact; the features show it as one only with the word "predicted".
 */
import type { LspRange } from '../../model/positions';
import type { SyntaxIndex } from './syntaxIndex';

/**
 * One kind per pattern we recognise. Each is measured against the compiler on the standard library
 * (`npm run measure-predictions`); only kinds with a measured precision of at least 90% are enabled.
 */
export const PREDICTION_KINDS = [
  'returnedAllocation', // return &T{…} / return new(T), directly or through a local
  'returnedAddressOfLocal', // return &x: x is moved to the heap
  'escapingClosure', // a func literal that is returned, started with go, sent or stored outside the function
  'capturedVariable', // a variable an escaping closure captures by reference
  'sentPointer', // ch <- &T{…}, ch <- &x
  'interfaceArgument', // a non-pointer value passed to fmt/log printing or panic: converted to an interface
  'interfaceStored', // a non-pointer value assigned to a package-level interface variable
  'nonConstantMake', // make([]T, n) with a size known only at run time
  'tooLargeForStack', // arrays and constant-size make/new larger than the stack limits
] as const;

export type PredictionKind = (typeof PREDICTION_KINDS)[number];

export interface PredictedAllocation {
  readonly kind: PredictionKind;
  /** What the compiler would print: `escape` ("X escapes to heap") or `moved` ("moved to heap: x"). */
  readonly factKind: 'escape' | 'moved';
  /** The expression or variable, as the compiler would name it where we can tell. */
  readonly expression: string;
  /** The node's range in the BOM-less text (0-based line, UTF-16 column). */
  readonly range: LspRange;
  /** The compiler's reason word for the main step (a key of features/reasonText.ts). */
  readonly reason: string;
  /** The enclosing function or method declaration's name, if any. */
  readonly enclosingFunction?: string;
  /** Inside a generic function or method: the compiler reports only instantiated shapes there. */
  readonly inGenericCode: boolean;
}

/** What a predictor finds; predictAllocations adds where it is (the enclosing declaration). */
export type FoundAllocation = Omit<PredictedAllocation, 'enclosingFunction' | 'inGenericCode'>;

/** One pattern: every allocation it predicts in a file. */
export type Predictor = (index: SyntaxIndex) => FoundAllocation[];
