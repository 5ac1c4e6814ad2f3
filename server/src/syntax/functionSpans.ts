/**
 * Every function of a file with the name a profile gives it and the lines it spans, so a measured line can be
 * found again by function and offset after the source changed. tree-sitter only.
 *
 * The compiler names closures after their enclosing function in source order: `Parse.func1`, `Parse.func2`,
 * and a closure inside `Parse.func1` is `Parse.func1.1`.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { compilerFunctionName } from './declarations';

export interface FunctionSpan {
  /** As a profile names it without the package path: `NewToken`, `(*T).M`, `Parse.func1`. */
  readonly name: string;
  /** 1-based line of `func`, and of the closing brace. */
  readonly startLine: number;
  readonly endLine: number;
}

export function functionSpans(tree: Tree): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  for (const node of tree.rootNode.namedChildren) {
    if (node.type !== 'function_declaration' && node.type !== 'method_declaration') continue;
    const nameNode = node.childForFieldName('name');
    if (!nameNode) continue;
    const receiverType =
      node.type === 'method_declaration'
        ? (node
            .childForFieldName('receiver')
            ?.namedChildren.find((child) => child?.type === 'parameter_declaration')
            ?.childForFieldName('type') ?? undefined)
        : undefined;
    const name = compilerFunctionName(nameNode.text, receiverType);
    spans.push(spanOf(name, node));
    const body = node.childForFieldName('body');
    if (body) collectClosures(body, name, '.func', spans);
  }
  return spans;
}

function collectClosures(node: Node, outer: string, separator: string, spans: FunctionSpan[]): void {
  let count = 0;
  const visit = (child: Node) => {
    if (child.type === 'func_literal') {
      count++;
      const name = `${outer}${separator}${count}`;
      spans.push(spanOf(name, child));
      collectClosures(child, name, '.', spans);
      return;
    }
    for (const grandchild of child.namedChildren) visit(grandchild);
  };
  for (const child of node.namedChildren) visit(child);
}

function spanOf(name: string, node: Node): FunctionSpan {
  return { name, startLine: node.startPosition.row + 1, endLine: node.endPosition.row + 1 };
}
