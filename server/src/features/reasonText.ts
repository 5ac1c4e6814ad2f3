/**
 * The compiler's reason words, in plain language. The compiler explains each heap allocation as a chain of
 * steps, each tagged with a reason such as "spill", "assign" or "call parameter"; this is the table that
 * turns those tags into something a Go developer reads at a glance.
 */
import type { EscapeFact } from '../model/facts';

export interface ReasonText {
  /** A few words for a diagnostic message: "returned from the function". */
  readonly short: string;
  /** A sentence for an explanation. */
  readonly sentence: string;
}

export const REASONS: Readonly<Record<string, ReasonText>> = {
  'address-of': { short: 'its address is taken', sentence: 'its address is taken with `&`' },
  assign: { short: 'assigned', sentence: 'assigned to a variable' },
  'assign-pair': { short: 'assigned', sentence: 'assigned as part of a multiple assignment or an inlined call' },
  return: { short: 'returned', sentence: 'returned to the caller, so it must outlive this function' },
  'call parameter': {
    short: 'passed to a function that keeps it',
    sentence: 'passed to a function the compiler cannot see keeping it on the stack (it stores, returns or converts it)',
  },
  'interface-converted': {
    short: 'converted to an interface',
    sentence: 'converted to an interface value that outlives this function',
  },
  'captured by a closure': {
    short: 'captured by a closure',
    sentence: 'captured by a closure that may run after this function returns',
  },
  send: { short: 'sent on a channel', sentence: 'sent on a channel: another goroutine may use it after this function returns' },
  'too large for stack': { short: 'too large for the stack', sentence: 'too large for the stack' },
  'non-constant size': { short: 'size not known at compile time', sentence: 'the size is not known at compile time' },
  spill: { short: 'spilled', sentence: 'stored in a temporary' },
  reference: { short: 'referenced', sentence: 'referenced by its address' },
  indirection: { short: 'dereferenced', sentence: 'read through a pointer' },
  'dot of pointer': { short: 'field of a pointer', sentence: 'accessed as a field through a pointer' },
  dot: { short: 'field access', sentence: 'accessed as a field' },
  'dot-equals': { short: 'stored in a field', sentence: 'stored in a field' },
  slice: { short: 'sliced', sentence: 'sliced, so the slice points at it' },
  'slice-element': { short: 'stored in a slice', sentence: 'stored as an element of a slice' },
  'slice-literal-element': {
    short: 'put in a slice literal',
    sentence: 'put in a slice literal (for example the `...` arguments of a call)',
  },
  'array-element': { short: 'stored in an array', sentence: 'stored as an element of an array' },
  'struct literal element': { short: 'stored in a struct', sentence: 'stored in a field of a struct literal' },
  'map literal key': { short: 'used as a map key', sentence: 'used as a key in a map literal' },
  'map literal value': { short: 'stored in a map', sentence: 'stored as a value in a map literal' },
  range: { short: 'ranged over', sentence: 'ranged over' },
  'range-deref': { short: 'ranged over through a pointer', sentence: 'ranged over through a pointer' },
  'defer func': { short: 'deferred', sentence: 'used by a deferred call' },
  'defer func arg': { short: 'passed to a deferred call', sentence: 'passed to a deferred call, which runs later' },
  'go func': { short: 'used by a goroutine', sentence: 'used by a goroutine that may outlive this function' },
  'go func arg': { short: 'passed to a goroutine', sentence: 'passed to a goroutine that may outlive this function' },
  'call receiver': { short: 'used as a receiver', sentence: 'used as the receiver of a method call' },
  'call function': { short: 'called', sentence: 'called as a function value' },
  'closure-var': { short: 'a closure variable', sentence: 'a variable of a closure' },
  'copied value': { short: 'copied', sentence: 'copied' },
  star: { short: 'dereferenced', sentence: 'dereferenced with `*`' },
  'star-dot-equals': { short: 'stored through a pointer', sentence: 'stored in a field through a pointer' },
  'star-equals': { short: 'stored through a pointer', sentence: 'stored through a pointer' },
  'key of map put': { short: 'used as a map key', sentence: 'used as a key of a map assignment' },
  'value of map put': { short: 'stored in a map', sentence: 'stored as a value in a map' },
  'appended to slice': { short: 'appended to a slice', sentence: 'appended to a slice' },
  'appendee slice': { short: 'appended to', sentence: 'the slice being appended to' },
  'switch case': { short: 'switched on', sentence: 'used in a type switch' },
  panic: { short: 'passed to panic', sentence: 'passed to `panic`, which keeps it' },
  // Reasons Go 1.26's escape analysis prints (cmd/compile/internal/escape) that older tables lacked.
  'array literal element': { short: 'stored in an array', sentence: 'stored as an element of an array literal' },
  'assign-pair-dot-type': {
    short: 'assigned from a type assertion',
    sentence: 'assigned from a type assertion (`v, ok := x.(T)`)',
  },
  'assign-pair-mapr': { short: 'assigned from a map read', sentence: 'assigned from a map read (`v, ok := m[k]`)' },
  'assign-pair-receive': {
    short: 'received from a channel',
    sentence: 'assigned from a channel receive (`v, ok := <-ch`)',
  },
  'callee operand': { short: 'called as a function value', sentence: 'used as the function value being called' },
  'call argument': { short: 'passed as an argument', sentence: 'passed as an argument of a call' },
  'conversion to unsafe.Pointer': {
    short: 'converted to unsafe.Pointer',
    sentence: 'converted to `unsafe.Pointer`, so the compiler must assume the pointer is kept',
  },
  'copied slice': { short: 'copied from', sentence: 'the source of a `copy`, whose elements may be kept' },
  'appended slice...': {
    short: 'appended with ...',
    sentence: 'its elements appended to another slice with `append(s, other...)`',
  },
  'fixed-array-index-of': { short: 'indexed', sentence: 'indexed as an element of an array' },
  'slice-to-array': { short: 'converted to an array', sentence: 'converted from a slice to an array (pointer)' },
  'reflect.Header.Data': {
    short: 'stored in a reflect header',
    sentence: 'stored in the `Data` field of a `reflect.SliceHeader` or `reflect.StringHeader`',
  },
  '//go:uintptrescapes': {
    short: 'passed as uintptr',
    sentence: 'passed as a `uintptr` to a function marked `//go:uintptrescapes`, which keeps what it points to alive',
  },
  'too aligned for stack': {
    short: 'too aligned for the stack',
    sentence: 'aligned more strictly than the stack frame allows',
  },
  'zero-sized element': {
    short: 'zero-sized elements',
    sentence: 'a `make` of zero-sized elements, which the compiler does not put on the stack',
  },
};

/**
 * Reasons in the order that best answers "why is this on the heap?". The first that appears anywhere in the
 * fact's explanation is the headline; "spill" and "assign" are steps, rarely the cause.
 */
const HEADLINE_ORDER = [
  'too large for stack',
  'too aligned for stack',
  'zero-sized element',
  'non-constant size',
  'send',
  'captured by a closure',
  'go func',
  'go func arg',
  'interface-converted',
  'return',
  'call parameter',
  'conversion to unsafe.Pointer',
  '//go:uintptrescapes',
  'defer func arg',
  'appended to slice',
  'value of map put',
  'key of map put',
  'star-equals',
  'star-dot-equals',
  'dot-equals',
  'slice-element',
  'assign',
];

export function reasonText(reason: string): ReasonText {
  return REASONS[reason] ?? { short: reason, sentence: reason };
}

/** The reason that best explains why this fact is on the heap, when the compiler explained it. */
export function headlineReason(fact: EscapeFact): string | undefined {
  const reasons = new Set(fact.flows.flatMap((flow) => flow.steps.map((step) => step.reason)));
  return HEADLINE_ORDER.find((reason) => reasons.has(reason));
}
