/**
 * `return &T{…}`, `return new(T)` and `return &x`: whatever is returned by address must outlive the
 * function, so the compiler puts it on the heap (an "escapes to heap" for the literal, a "moved to heap"
 * for the variable).
 */
import type { Node } from 'web-tree-sitter';
import { usesOf } from './assignments';
import { predicted } from './predicted';
import { addressOperand, enclosingFunction, isPointerAllocation, resolveLocal, unparenthesise } from './scope';
import type { FoundAllocation, Predictor } from './types';

export const predictReturnedAllocations: Predictor = (index) => {
  const predictions: FoundAllocation[] = [];
  for (const statement of index.nodes('return_statement')) {
    const owner = enclosingFunction(statement);
    if (!owner) continue;
    const results = statement.namedChildren.find((child) => child.type === 'expression_list')?.namedChildren ?? [];
    for (const result of results) {
      const expression = unparenthesise(result);
      if (isPointerAllocation(expression)) {
        predictions.push(predicted('returnedAllocation', 'escape', expression, 'return'));
        continue;
      }
      if (expression.type === 'identifier') {
        const allocation = allocationHeldBy(expression, owner);
        if (allocation) predictions.push(predicted('returnedAllocation', 'escape', allocation, 'return'));
        continue;
      }
      const operand = addressOperand(expression);
      if (operand?.type === 'identifier') {
        const declaration = resolveLocal(operand);
        if (declaration) predictions.push(predicted('returnedAddressOfLocal', 'moved', declaration.identifier, 'return'));
      }
    }
  }
  return predictions;
};

/**
 * `p := &T{…}` (or `new(T)`) in `owner`, never reassigned: the allocation `p` holds. Undefined when `p` may
 * hold something else by the time it is used.
 */
export function allocationHeldBy(identifier: Node, owner: Node): Node | undefined {
  const declaration = resolveLocal(identifier);
  if (!declaration?.value || !declaration.owner.equals(owner)) return undefined;
  const value = unparenthesise(declaration.value);
  if (!isPointerAllocation(value)) return undefined;
  return usesOf(declaration).reassigned ? undefined : value;
}
