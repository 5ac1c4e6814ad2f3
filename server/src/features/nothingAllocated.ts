/**
 * Heap facts that cost no allocation at run time, though the compiler reports them: the fact is still
 * shown, as the compiler reported it, but as a hint, and its message, inlay hint and hover say why nothing
 * is allocated. What counts heap allocations (the status bar, code lenses, the escape tree, budgets) leaves
 * it out: `allocatesAtRunTime`. Pure.
 *
 * - A constant converted to an interface (constantBoxing.ts).
 * - A zero-size value converted to an interface, such as an inlined context.Background()'s
 *   `context.backgroundCtx{}` (zeroSizeBoxing.ts).
 * - The fallback of fmt.Errorf at a call that passes arguments. Go 1.26's fmt.Errorf is split so that it
 *   is inlined: `if err = errorf(format, a...); err != nil { return err }; return errors.New(format)`.
 *   Escape analysis reports the inlined errors.New's `&errors.errorString{...}` at every call, but errorf
 *   returns nil only for a call with nothing to format (no arguments and no `%`), so with an argument the
 *   errors.New never runs: the error is made inside fmt, and the operands' boxes are facts of their own.
 *   The compiler's explanation tells this errors.New from the caller's own: its value flows into Errorf's
 *   result, which the inlined code names `fmt.err`. The fact must be placed on the call of `fmt.Errorf`
 *   itself: a closure called once is inlined with the Errorf inside it, and the fact then lands on the
 *   closure's call, whose arguments are not Errorf's. fmt imported under another name is not claimed.
 */
import type { LocatedFact } from '../model/analysis';
import { isHeapFact } from '../model/facts';
import { isConstantBoxing } from './constantBoxing';
import { isZeroSizeBoxing } from './zeroSizeBoxing';

export type NothingAllocated = 'constant' | 'zeroSize' | 'errorfFallback';

/** Said after the diagnostic's message. */
export const NOTHING_ALLOCATED_NOTES: Readonly<Record<NothingAllocated, string>> = {
  constant: 'a constant, so nothing is allocated at run time',
  zeroSize: 'a zero-size value, so nothing is allocated at run time',
  errorfFallback: 'fmt.Errorf makes it only for a message with nothing to format, so this call never does',
};

/** The inlay hint's label in place of `heap`. */
export const NOTHING_ALLOCATED_LABELS: Readonly<Record<NothingAllocated, string>> = {
  constant: 'const',
  zeroSize: 'zero-size',
  errorfFallback: 'not run',
};

/** Why nothing is allocated, in a sentence that follows the expression (Markdown): for tooltips and hovers. */
export const NOTHING_ALLOCATED_WHY: Readonly<Record<NothingAllocated, string>> = {
  constant:
    'escapes to the heap as an interface value, but it is a constant: its interface value points to read-only data in the binary, so nothing is allocated at run time (`testing.AllocsPerRun` counts 0).',
  zeroSize:
    'escapes to the heap as an interface value, but its type has size 0: the interface value points to `runtime.zerobase`, one shared address for every zero-size value, so nothing is allocated at run time (`testing.AllocsPerRun` counts 0).',
  errorfFallback:
    "is fmt.Errorf's `errors.New(format)`, inlined here, which runs only when there is nothing to format. This call passes arguments, so it never runs: the error is made inside fmt, and the operands' boxes are reported on their own.",
};

/**
 * A heap fact that allocates when it runs: what the counts of heap allocations count. A constant's box
 * would otherwise break `//escape:none` and make a function's lens say "1 heap allocation" for nothing.
 */
export function allocatesAtRunTime(located: LocatedFact): boolean {
  return isHeapFact(located.fact) && nothingAllocated(located) === undefined;
}

export function nothingAllocated(located: LocatedFact): NothingAllocated | undefined {
  if (isConstantBoxing(located)) return 'constant';
  if (isZeroSizeBoxing(located)) return 'zeroSize';
  if (isErrorfFallback(located)) return 'errorfFallback';
  return undefined;
}

function isErrorfFallback(located: LocatedFact): boolean {
  const { fact } = located;
  return (
    fact.kind === 'escape' &&
    fact.expression === '&errors.errorString{...}' &&
    // fmt.Errorf itself (not a closure or function that calls it, inlined at its own call), with the format
    // and at least one argument: errorf formats, and returns its own error.
    located.placedCall?.callee === 'fmt.Errorf' &&
    (located.placedCall.arguments ?? 0) >= 2 &&
    fact.flows.some((flow) => flow.steps.some((step) => /^fmt\.err = /.test(step.expression)))
  );
}
