/**
 * What usually removes a heap allocation, by the reason the compiler gave. Advice, not a promise: only a
 * quick-fix that the compiler verified is named as one (its title comes from the code actions).
 */
import type { EscapeFact } from '../model/facts';
import type { Allocation } from './allocation';
import { code } from './explanation';

/** The reason that decides the advice, refined by what is allocated. */
export type AdviceCase =
  | 'returnedPointer'
  | 'returned'
  | 'closureCapture'
  | 'send'
  | 'interface'
  | 'callParameter'
  | 'tooLarge'
  | 'nonConstantSize'
  | 'storedOutside'
  | 'unknown';

export function adviceCase(fact: EscapeFact, headline: string | undefined, allocation: Allocation): AdviceCase {
  if (allocation.kind === 'boxed') return 'interface';
  switch (headline) {
    case 'return':
      return allocation.kind === 'composite' || allocation.kind === 'variable' ? 'returnedPointer' : 'returned';
    case 'captured by a closure':
      return 'closureCapture';
    case 'send':
      return 'send';
    case 'interface-converted':
      return 'interface';
    case 'call parameter':
      return 'callParameter';
    case 'too large for stack':
      return 'tooLarge';
    case 'non-constant size':
      return 'nonConstantSize';
    case 'assign':
    case 'star-equals':
    case 'star-dot-equals':
    case 'dot-equals':
    case 'value of map put':
    case 'key of map put':
    case 'slice-element':
    case 'appended to slice':
      return 'storedOutside';
    default:
      return fact.flows.length === 0 ? 'unknown' : 'storedOutside';
  }
}

export function adviceText(which: AdviceCase, allocation: Allocation): string {
  const type = allocation.typeText ? code(allocation.typeText) : 'the value';
  switch (which) {
    case 'returnedPointer':
      return `Return ${type} by value instead of a pointer when callers do not need to share one instance: a small struct is cheap to copy and the caller's copy can stay on its stack. Or let the caller pass in a pointer to fill.`;
    case 'returned':
      return allocation.kind === 'closure'
        ? 'A returned closure lives on the heap, with what it captures by reference; that is usually the intended cost. In a hot path, call a method on a struct value instead of returning a closure.'
        : 'What a function returns outlives it. Return a value, or let the caller provide the storage (for example a slice to append to).';
    case 'closureCapture':
      return allocation.kind === 'variable'
        ? 'A closure captures a variable by reference when the variable is assigned after it is captured (by the closure or by this function), has its address taken, or is larger than 128 bytes; the variable must then live as long as the closure. If only this function changes it, copy it into a new local right before the closure (it is then captured by value); if the closure changes it (a counter), this allocation is the price of that state.'
        : 'A closure holds this value and the closure outlives the function (it is returned, stored, or run by a goroutine), so what it can reach lives on the heap. A closure that is only called inside this function can stay on the stack, and so can what it captures.';
    case 'send':
      return 'Send a value (`chan T`) instead of a pointer (`chan *T`) when the receiver does not need to share it: anything reachable from a sent pointer must live on the heap.';
    case 'interface':
      return 'Once a value is converted to an interface (including the `...any` arguments of `fmt.Println`), the compiler must assume whoever receives the interface keeps it: a non-pointer value is copied to the heap, and what a pointer points to must live there. In hot paths keep concrete types: `strconv.AppendInt`, a typed writer, or generics instead of `any`.';
    case 'callParameter':
      return "The callee keeps the value (it stores, returns or sends it), or the compiler cannot see into it (an interface method, a function value). Hover the callee's name to see which of its parameters leak; a parameter that is only read can often be passed by value.";
    case 'tooLarge':
      return 'The Go compiler keeps at most 128 KiB for a declared variable and 64 KiB for an implicit allocation (`new`, `&T{}`, `make`) on the stack (limits of Go 1.26). Allocate the buffer once and reuse it (a field, a `sync.Pool`), or make it smaller.';
    case 'nonConstantSize':
      return 'When the size has a known upper bound, use a fixed-size array and slice it: `var buf [64]byte; s := buf[:n]`.';
    case 'storedOutside':
      return 'The value is stored somewhere that outlives this function (a package-level variable, or memory reached through a pointer). Keep it local, or store a copy of what is needed.';
    case 'unknown':
      return 'The compiler gave no explanation for this fact. Run `go build -gcflags=-m=2` for its full reasoning.';
  }
}

/** Names the compiler-verified fixes offered where the hover is, as the lightbulb titles them. */
export function verifiedFixesText(fixes: readonly string[]): string {
  return `**Quick fix (verified by the compiler):** ${fixes.map((title) => `_${title}_`).join(', ')} — in the lightbulb menu.`;
}
