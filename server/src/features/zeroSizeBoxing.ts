/**
 * A zero-size value converted to an interface. The compiler reports "escapes to heap" (the interface value
 * may outlive the function), but when it builds the interface's data word for a type of size 0 it uses the
 * address of `runtime.zerobase` (cmd/compile/internal/walk/convert.go, dataWord): nothing is allocated at
 * run time, and `testing.AllocsPerRun` counts 0. The common case is `context.backgroundCtx{}` from an
 * inlined `context.Background()`, or `(*http.Request).Context()` on a request without a context. Pure.
 *
 * Without a type checker only types whose size is known for certain are claimed, written as a literal with
 * empty braces (`T{}`; a literal with elements prints as `T{...}`):
 * - the standard library's `context.backgroundCtx` and `context.todoCtx`, both `struct{ emptyCtx }` with
 *   `type emptyCtx struct{}` (Go 1.21 to 1.26; the compiler prints a package's name, not its path, but
 *   another package named context with an unexported `backgroundCtx` is not worth refusing the common case);
 * - the literal type `struct {}`, as the compiler prints it.
 * Empty braces alone say nothing of the size: `table{}` of a `map[string]int` type allocates the map. A
 * package's own `type empty struct{}` is not claimed either: the compiler prints a type declared inside a
 * function by the same bare name, and the facts carry no declarations (finding them is an asynchronous
 * parse of every file of the package, which the diagnostics do not wait for).
 *
 * The fact must also come with the compiler's flow from `&{storage for T{}}`, the storage it gives a value
 * literal it spills. It prints that for other literals too (a map type's `table{}`), so the flow alone
 * proves nothing: with one of the names above, the literal has size 0 and its storage is the interface's
 * data word, which is `runtime.zerobase`.
 */
import type { LocatedFact } from '../model/analysis';

/** Zero-size literals as the compiler prints them in a fact. */
const ZERO_SIZE_LITERALS: ReadonlySet<string> = new Set(['context.backgroundCtx{}', 'context.todoCtx{}', 'struct {}{}']);

export function isZeroSizeBoxing(located: LocatedFact): boolean {
  const { fact } = located;
  if (fact.kind !== 'escape' || !ZERO_SIZE_LITERALS.has(fact.expression)) return false;
  const storage = `&{storage for ${fact.expression}}`;
  return fact.flows.some((flow) => flow.source === storage);
}
