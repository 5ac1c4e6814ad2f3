/**
 * Whether an `if x != nil` around a place shows that the variable x is not nil there: the place is in the
 * if's block, the condition is `x != nil` (alone or joined by `&&`), and nothing in the block before the
 * place assigns or declares x again. A function literal between the two runs later, when x may have
 * changed, so it breaks the guard, and so does `&x` in the block (whatever holds the pointer may write x).
 */
import type { Node } from 'web-tree-sitter';
import { descendants, isDeclaringName } from './goTree';

export function isNotNilAt(name: string, place: Node): boolean {
  for (let child: Node = place, node = place.parent; node; child = node, node = node.parent) {
    if (node.type === 'func_literal' || node.type === 'function_declaration' || node.type === 'method_declaration') return false;
    if (node.type !== 'if_statement' || node.childForFieldName('consequence')?.id !== child.id) continue;
    if (!conditionSaysNotNil(node.childForFieldName('condition'), name)) continue;
    return !assignedBefore(child, name, place);
  }
  return false;
}

function conditionSaysNotNil(condition: Node | null, name: string): boolean {
  if (!condition) return false;
  if (condition.type === 'parenthesized_expression' && condition.namedChildren.length === 1)
    return conditionSaysNotNil(condition.namedChildren[0], name);
  if (condition.type !== 'binary_expression') return false;
  const operator = condition.childForFieldName('operator')?.text;
  const left = condition.childForFieldName('left');
  const right = condition.childForFieldName('right');
  if (operator === '&&') return conditionSaysNotNil(left, name) || conditionSaysNotNil(right, name);
  if (operator !== '!=') return false;
  const isName = (node: Node | null) => node?.type === 'identifier' && node.text === name;
  const isNil = (node: Node | null) => node?.type === 'nil';
  return (isName(left) && isNil(right)) || (isNil(left) && isName(right));
}

/** An assignment to, or a new declaration of, `name` in `block` before `place`. */
function assignedBefore(block: Node, name: string, place: Node): boolean {
  return descendants(block, (node) => node.type === 'identifier' && node.text === name && node.startIndex < place.startIndex).some(
    (identifier) => isDeclaringName(identifier) || isAssigned(identifier) || isAddressTaken(identifier),
  );
}

function isAssigned(identifier: Node): boolean {
  const list = identifier.parent;
  const statement = list?.type === 'expression_list' ? list.parent : list;
  if (statement?.type !== 'assignment_statement') return false;
  const left = statement.childForFieldName('left');
  return left !== null && (left.id === identifier.id || left.id === list?.id);
}

function isAddressTaken(identifier: Node): boolean {
  const parent = identifier.parent;
  return parent?.type === 'unary_expression' && parent.childForFieldName('operator')?.text === '&';
}
