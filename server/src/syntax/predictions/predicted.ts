/**
 * Builds a prediction from the node it is about, naming the expression the way the compiler would
 * (`&T{...}`, `func literal`, the variable's name), so a prediction reads like the fact it stands for.
 */
import type { Node } from 'web-tree-sitter';
import { nodeRange } from '../locateFact';
import { addressOperand } from './scope';
import type { FoundAllocation, PredictionKind } from './types';

const LONGEST_EXPRESSION = 60;

export function predicted(kind: PredictionKind, factKind: 'escape' | 'moved', node: Node, reason: string): FoundAllocation {
  const shown = node.type === 'func_literal' ? (node.child(0) ?? node) : node;
  return {
    kind,
    factKind,
    expression: compilerName(node),
    range: nodeRange(shown),
    reason,
  };
}

/** `&Point{X: 1}` → `&Point{...}`, a func literal → `func literal`, anything else its compact text. */
export function compilerName(node: Node): string {
  if (node.type === 'func_literal') return 'func literal';
  const operand = addressOperand(node);
  if (operand?.type === 'composite_literal') return `&${operand.childForFieldName('type')?.text ?? ''}{...}`;
  if (node.type === 'composite_literal') return `${node.childForFieldName('type')?.text ?? ''}{...}`;
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > LONGEST_EXPRESSION ? `${text.slice(0, LONGEST_EXPRESSION - 1)}…` : text;
}
