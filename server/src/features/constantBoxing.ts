/**
 * A constant converted to an interface. The compiler reports "escapes to heap" (the interface value may
 * outlive the function), but the value it points to is read-only data in the binary: nothing is allocated
 * at run time. `testing.AllocsPerRun` gives 0 for a string, an integer of any size, a float and a named
 * constant such as `syscall.EPIPE` stored in an `any` that escapes (Go 1.26). So `panic("…")`,
 * `errors.Is(err, syscall.EPIPE)` and `fmt.Println("…")` cost no allocation there. Pure.
 *
 * Escape analysis prints a constant by its value, after constant propagation: gin's `reset` is
 * `"\x1b[0m"`, `syscall.EPIPE` is `syscall.Errno(32)`; a variable is never printed as a literal. A
 * literal is a constant wherever it is placed (also at an inlined call that passes it on). `T(number)`
 * is one when placed on a name; placed on a call (or where no node matched), `Errno(32)` could as well
 * be a function's result (`stack(3)`), which the syntax does not tell, so it is not claimed. `T("…")`
 * is never claimed: with `type B []byte` and `const s = "abc"`, `B(s)` prints as `B("abc")` on the name
 * `s`, and allocates the bytes.
 */
import type { LocatedFact } from '../model/analysis';

const STRING = String.raw`"(?:[^"\\]|\\.)*(?:"|\.\.\.)|` + '`[^`]*`';
const NUMBER = String.raw`[-+]?(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)i?`;
const RUNE = String.raw`'(?:[^'\\]|\\.)+'`;
const LITERAL = new RegExp(`^(?:${STRING}|${NUMBER}|${RUNE})$`);
/** A number converted to a named type (`syscall.Errno(32)`); a string could be a `[]byte` type's conversion. */
const CONVERTED_NUMBER = new RegExp(String.raw`^[\p{L}_][\p{L}\p{N}_.]*\((?:${NUMBER}|${RUNE})\)$`, 'u');

/** Where a constant's name is placed: `reset`, `syscall.EPIPE`. */
const CONSTANT_NAMES: ReadonlySet<string> = new Set(['identifier', 'selector_expression']);

export function isConstantBoxing(located: LocatedFact): boolean {
  const { fact } = located;
  if (fact.kind !== 'escape') return false;
  if (LITERAL.test(fact.expression)) return true;
  return CONVERTED_NUMBER.test(fact.expression) && CONSTANT_NAMES.has(located.nodeType);
}
