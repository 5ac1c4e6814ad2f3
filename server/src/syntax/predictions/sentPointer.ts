/**
 * `ch <- &T{…}`, `ch <- &x`, `ch <- p` where `p := &T{…}`: the receiver may be another goroutine that
 * outlives this function, so what the pointer points to goes to the heap.
 */
import { allocationHeldBy } from './returnedAllocation';
import { predicted } from './predicted';
import { addressOperand, enclosingFunction, isPointerAllocation, resolveLocal, unparenthesise } from './scope';
import type { FoundAllocation, Predictor } from './types';

export const predictSentPointers: Predictor = (index) => {
  const predictions: FoundAllocation[] = [];
  for (const statement of index.nodes('send_statement')) {
    const owner = enclosingFunction(statement);
    const sent = statement.childForFieldName('value');
    if (!owner || !sent) continue;
    const value = unparenthesise(sent);
    if (isPointerAllocation(value)) {
      predictions.push(predicted('sentPointer', 'escape', value, 'send'));
    } else if (value.type === 'identifier') {
      const allocation = allocationHeldBy(value, owner);
      if (allocation) predictions.push(predicted('sentPointer', 'escape', allocation, 'send'));
    } else {
      const operand = addressOperand(value);
      const declaration = operand?.type === 'identifier' ? resolveLocal(operand) : undefined;
      if (declaration) predictions.push(predicted('sentPointer', 'moved', declaration.identifier, 'send'));
    }
  }
  return predictions;
};
