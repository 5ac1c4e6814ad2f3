/**
 * Allocations whose size decides where they live:
 * - `make([]T, n)` with `n` known only at run time (the runtime may allocate on the heap; since Go 1.25 the
 *   compiler keeps small ones on the stack and reports them as not escaping, which is why this kind is
 *   measured and may be disabled);
 * - arrays larger than the stack limits: `var a [N]T` over 128 KiB, and `make`, `new` or `&[N]T{}` over 64 KiB.
 */
import type { Node } from 'web-tree-sitter';
import { constantValue, MAX_IMPLICIT_STACK_BYTES, MAX_STACK_VARIABLE_BYTES, typeSize, typeSizeAtLeast } from './constantSize';
import { predicted } from './predicted';
import { addressOperand, enclosingFunction, isBuiltinCall, resolveLocal } from './scope';
import type { FoundAllocation, Predictor } from './types';

export const predictNonConstantMakes: Predictor = (index) => {
  const predictions: FoundAllocation[] = [];
  for (const call of index.nodes('call_expression')) {
    if (!enclosingFunction(call) || !isBuiltinCall(call, 'make')) continue;
    const [type, ...sizes] = call.childForFieldName('arguments')?.namedChildren ?? [];
    if (type?.type !== 'slice_type' || sizes.length === 0) continue;
    // The capacity decides the allocation when there is one.
    const size = sizes[sizes.length - 1];
    if (isRunTimeValue(size)) predictions.push(predicted('nonConstantMake', 'escape', call, 'non-constant size'));
  }
  return predictions;
};

export const predictTooLargeForStack: Predictor = (index) => {
  const predictions: FoundAllocation[] = [];
  for (const spec of index.nodes('var_spec')) {
    if (!enclosingFunction(spec)) continue;
    const type = spec.childForFieldName('type');
    const size = type ? typeSizeAtLeast(type) : undefined;
    if (size === undefined || size <= MAX_STACK_VARIABLE_BYTES) continue;
    for (const name of spec.childrenForFieldName('name')) {
      if (name.text !== '_') predictions.push(predicted('tooLargeForStack', 'moved', name, 'too large for stack'));
    }
  }
  for (const call of index.nodes('call_expression')) {
    if (!enclosingFunction(call)) continue;
    const [type, ...sizes] = call.childForFieldName('arguments')?.namedChildren ?? [];
    if (!type) continue;
    let bytes: bigint | undefined;
    if (isBuiltinCall(call, 'make') && type.type === 'slice_type' && sizes.length > 0) {
      const count = constantValue(sizes[sizes.length - 1]);
      const element = type.childForFieldName('element');
      const elementSize = (element ? typeSize(element) : undefined) ?? 1n;
      bytes = count === undefined ? undefined : count * elementSize;
    } else if (isBuiltinCall(call, 'new')) {
      bytes = typeSizeAtLeast(type);
    }
    if (bytes !== undefined && bytes > MAX_IMPLICIT_STACK_BYTES) {
      predictions.push(predicted('tooLargeForStack', 'escape', call, 'too large for stack'));
    }
  }
  for (const literal of index.nodes('composite_literal')) {
    const type = literal.childForFieldName('type');
    if (type?.type !== 'array_type') continue;
    const address = literal.parent;
    if (!address || addressOperand(address)?.equals(literal) !== true || !enclosingFunction(literal)) continue;
    const bytes = typeSizeAtLeast(type);
    if (bytes !== undefined && bytes > MAX_IMPLICIT_STACK_BYTES) {
      predictions.push(predicted('tooLargeForStack', 'escape', address, 'too large for stack'));
    }
  }
  return predictions;
};

/** Certainly not a constant: it reads a local variable, calls a function, indexes or selects. */
function isRunTimeValue(node: Node): boolean {
  if (constantValue(node) !== undefined) return false;
  if (node.type === 'identifier') return resolveLocal(node) !== undefined;
  if (node.type === 'call_expression' || node.type === 'index_expression') return true;
  return node.namedChildren.some((child) => isRunTimeValue(child));
}
