/**
 * What the loop fixes (preallocateSlice.ts, stringsBuilder.ts) ask of a loop: which statement comes right
 * before it, and whether its body can leave an iteration early. Syntax only; like goTree.ts, every answer
 * errs on the side that makes a fix not apply.
 */
import type { Node } from 'web-tree-sitter';
import { blockStatements } from './goTree';

/** Each `for` statement of the file with the statement right before it in the same list. */
export function loopsWithPrevious(root: Node): { loop: Node; previous: Node }[] {
  const found: { loop: Node; previous: Node }[] = [];
  const visit = (node: Node) => {
    if (node.type === 'block') {
      const statements = blockStatements(node);
      for (let index = 1; index < statements.length; index++) {
        if (statements[index].type === 'for_statement') found.push({ loop: statements[index], previous: statements[index - 1] });
      }
    }
    for (const child of node.namedChildren) visit(child);
  };
  visit(root);
  return found;
}

/** The statements of a loop's body, directly in it. */
export function loopBodyStatements(loop: Node): Node[] {
  const body = loop.childForFieldName('body');
  return body ? blockStatements(body) : [];
}

/**
 * Something in the body may end an iteration before its last statement, or leave the loop: a `return`, a
 * `goto`, a labelled `break` or `continue`, or an unlabelled one that belongs to this loop (not to a loop,
 * `switch` or `select` nested in it). Function literals are their own world and are skipped.
 */
export function mayLeaveIterationEarly(loop: Node): boolean {
  let leaves = false;
  const visit = (node: Node, breakOwned: boolean, continueOwned: boolean) => {
    if (leaves || node.type === 'func_literal') return;
    switch (node.type) {
      case 'return_statement':
      case 'goto_statement':
        leaves = true;
        return;
      case 'break_statement':
      case 'continue_statement': {
        const labelled = node.namedChildren.some((child) => child.type === 'label_name');
        const owned = node.type === 'break_statement' ? breakOwned : continueOwned;
        if (labelled || !owned) leaves = true;
        return;
      }
    }
    const nestedLoop = node.type === 'for_statement';
    const nestedSwitch = ['expression_switch_statement', 'type_switch_statement', 'select_statement'].includes(node.type);
    for (const child of node.namedChildren) visit(child, breakOwned || nestedLoop || nestedSwitch, continueOwned || nestedLoop);
  };
  const body = loop.childForFieldName('body');
  if (body) for (const child of body.namedChildren) visit(child, false, false);
  return leaves;
}

/** A plain operand that can be evaluated twice with no effect: `src`, `t.items`, `s.cfg.list`. */
export function isPlainOperand(node: Node | null): node is Node {
  if (!node) return false;
  if (node.type === 'identifier') return true;
  if (node.type === 'selector_expression') return isPlainOperand(node.childForFieldName('operand'));
  return false;
}
