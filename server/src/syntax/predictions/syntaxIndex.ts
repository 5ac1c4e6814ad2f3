/**
 * One walk of the tree for every predictor. web-tree-sitter crosses into WebAssembly for each node it hands
 * out and a 1 MB file has half a million nodes, so the predictors share the nodes they look at instead of
 * each searching the whole tree again.
 */
import type { Node } from 'web-tree-sitter';

const INDEXED_TYPES = [
  'return_statement',
  'send_statement',
  'func_literal',
  'call_expression',
  'assignment_statement',
  'var_spec',
  'composite_literal',
  'import_spec',
] as const;

export type IndexedType = (typeof INDEXED_TYPES)[number];

export interface SyntaxIndex {
  readonly root: Node;
  /** Every node of `type` in the file, in document order. */
  nodes(type: IndexedType): readonly Node[];
}

export function indexTree(root: Node): SyntaxIndex {
  const byType = new Map<string, Node[]>(INDEXED_TYPES.map((type) => [type, []]));
  for (const node of root.descendantsOfType([...INDEXED_TYPES])) byType.get(node.type)?.push(node);
  return { root, nodes: (type) => byType.get(type) ?? [] };
}
