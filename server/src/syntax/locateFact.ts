/**
 * Widens a compiler position (one point) into the range of the whole expression it is about.
 *
 * The compiler points at one token of the allocating expression, and which token varies with the
 * expression: the `&` of `&T{…}`, the `{` of `T{…}`, the `(` of `make(…)` and of every call, the operator
 * of `a + b`, the argument of `string(b)`. It also prints the expression's text, so we climb from the token
 * to the nearest enclosing node whose text is that expression. When none is (a fact reported at an inlined
 * call names a variable of the callee), we fall back to the syntax around the token: a call lands on the
 * whole call.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { EscapeFact } from '../engine/facts';
import { compilerToLspPosition, type LspRange, type SourceText } from './positions';

export interface LocatedFact {
  readonly fact: EscapeFact;
  readonly range: LspRange;
  /** The tree-sitter node type the range covers, e.g. `unary_expression`, `call_expression`. */
  readonly nodeType: string;
  /** The name of the enclosing function or method declaration, if any. */
  readonly enclosingFunction?: string;
}

/** How far up the tree we look for the named expression before giving up. */
const MAX_CLIMB = 8;

const STOP_TYPES = new Set([
  'block',
  'source_file',
  'function_declaration',
  'method_declaration',
  'expression_statement',
  'short_var_declaration',
  'assignment_statement',
  'return_statement',
  'var_declaration',
  'const_declaration',
  'send_statement',
  'go_statement',
  'defer_statement',
  'if_statement',
  'for_statement',
]);

export function locateFact(tree: Tree, source: SourceText, fact: EscapeFact): LocatedFact | null {
  const position = compilerToLspPosition(source, fact.position.line, fact.position.byteColumn);
  if (!position) return null;
  const leaf = tree.rootNode.descendantForPosition({ row: position.line, column: position.character });
  if (!leaf) return null;
  const node = findNamedExpression(leaf, fact.expression) ?? fallbackNode(leaf);
  const shown = node.type === 'func_literal' ? (node.child(0) ?? node) : node;
  return {
    fact,
    range: nodeRange(shown),
    nodeType: node.type,
    enclosingFunction: enclosingFunctionName(node),
  };
}

export function nodeRange(node: Node): LspRange {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

function findNamedExpression(leaf: Node, expression: string): Node | undefined {
  const matcher = expressionMatcher(expression);
  let node: Node | null = leaf;
  for (let depth = 0; node && depth < MAX_CLIMB && !STOP_TYPES.has(node.type); depth++) {
    if (matcher(node)) return node;
    node = node.parent;
  }
  return undefined;
}

/** A punctuation token means "the construct around me": `(` of a call, `{` of a literal, `&` of `&x`. */
function fallbackNode(leaf: Node): Node {
  let node = leaf;
  if (!node.isNamed && node.type !== 'func' && node.parent) node = node.parent;
  if ((node.type === 'argument_list' || node.type === 'literal_value') && node.parent) node = node.parent;
  if (node.type === 'func' && node.parent?.type === 'func_literal') return node.parent;
  return node;
}

/**
 * Builds a test for "this node is the expression the compiler printed". The compiler abbreviates composite
 * literals to `T{...}`, closures to `func literal`, and prints generic type arguments as shapes
 * (`go.shape.int_0`), so those parts match anything.
 */
export function expressionMatcher(expression: string): (node: Node) => boolean {
  if (expression === 'func literal') return (node) => node.type === 'func_literal';
  const pattern = compact(expression)
    .split(/(\{\.\.\.\}|go\.shape\.[\w.]+)/)
    .map((part) => (part === '{...}' ? '\\{.*\\}' : part.startsWith('go.shape.') ? '.+?' : escapeRegExp(part)))
    .join('');
  const regex = new RegExp(`^${pattern}$`, 's');
  return (node) => node.isNamed && regex.test(compact(node.text));
}

function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function enclosingFunctionName(node: Node): string | undefined {
  for (let current: Node | null = node; current; current = current.parent) {
    if (current.type === 'function_declaration' || current.type === 'method_declaration') {
      return current.childForFieldName('name')?.text;
    }
  }
  return undefined;
}
