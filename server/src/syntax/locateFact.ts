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
import { type EscapeFact, namesCompilerInternals } from '../model/facts';
import { compilerToLspPosition } from './positions';
import type { LspRange, SourceText } from '../model/positions';
import type { LocatedFact } from '../model/analysis';
import { isPositionOnlyFact, locateCheckNode } from './locateCheck';

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
  if (isPositionOnlyFact(fact)) {
    const node = locateCheckNode(tree, source, fact);
    return node && { fact, range: nodeRange(node), nodeType: node.type, enclosingFunction: functionIndex(tree).nameAt(node.startIndex) };
  }
  const position = compilerToLspPosition(source, fact.position.line, fact.position.byteColumn);
  if (!position) return null;
  const leaf = tree.rootNode.descendantForPosition({ row: position.line, column: position.character });
  if (!leaf) return null;
  // Slicing the JavaScript string is much cheaper than node.text, which copies out of WebAssembly memory;
  // tree-sitter's indexes are UTF-16 offsets into the text it parsed.
  const textOf = (candidate: Node) => source.text.slice(candidate.startIndex, candidate.endIndex);
  const named = findNamedExpression(leaf, fact.expression, textOf);
  const node = named ?? fallbackNode(leaf);
  const shown = node.type === 'func_literal' ? (node.child(0) ?? node) : node;
  const placedCall = !named && node.type === 'call_expression' ? callOf(node, textOf) : undefined;
  return {
    fact,
    range: nodeRange(shown),
    nodeType: node.type,
    enclosingFunction: functionIndex(tree).nameAt(node.startIndex),
    ...(namesCompilerInternals(fact.expression) ? { placedText: textOf(node) } : {}),
    ...(placedCall ? { placedCall } : {}),
  };
}

/** A call's callee as written and its argument count (none when it spreads a slice, `f(xs...)`). */
function callOf(call: Node, textOf: (node: Node) => string): LocatedFact['placedCall'] {
  const callee = call.childForFieldName('function');
  const list = call.childForFieldName('arguments');
  if (!callee || !list) return undefined;
  const argumentsNodes = list.namedChildren.filter((child) => child.type !== 'comment');
  const spread = argumentsNodes.some((child) => child.type === 'variadic_argument');
  return { callee: textOf(callee), ...(spread ? {} : { arguments: argumentsNodes.length }) };
}

interface FunctionIndex {
  nameAt(offset: number): string | undefined;
}

/**
 * The top-level function and method declarations of a tree, by offset. Climbing from every fact to its
 * declaration crossed into WebAssembly once per level; a file's declarations are listed once instead.
 */
const functionIndexes = new WeakMap<Tree, FunctionIndex>();

function functionIndex(tree: Tree): FunctionIndex {
  let index = functionIndexes.get(tree);
  if (!index) {
    const spans: { start: number; end: number; name: string }[] = [];
    for (const child of tree.rootNode.namedChildren) {
      if (child?.type !== 'function_declaration' && child?.type !== 'method_declaration') continue;
      const name = child.childForFieldName('name')?.text;
      if (name) spans.push({ start: child.startIndex, end: child.endIndex, name });
    }
    index = {
      nameAt(offset) {
        let low = 0;
        let high = spans.length - 1;
        while (low <= high) {
          const middle = (low + high) >> 1;
          if (offset < spans[middle].start) high = middle - 1;
          else if (offset >= spans[middle].end) low = middle + 1;
          else return spans[middle].name;
        }
        return undefined;
      },
    };
    functionIndexes.set(tree, index);
  }
  return index;
}

export function nodeRange(node: Node): LspRange {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

function findNamedExpression(leaf: Node, expression: string, textOf: (node: Node) => string): Node | undefined {
  const matcher = expressionMatcher(expression, textOf);
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
export function expressionMatcher(expression: string, textOf: (node: Node) => string = (node) => node.text): (node: Node) => boolean {
  if (expression === 'func literal') return (node) => node.type === 'func_literal';
  const regex = expressionPattern(expression);
  return (node) => node.isNamed && regex.test(compact(textOf(node)));
}

/** Patterns are built once per distinct expression: a large package repeats the same few thousand. */
const patterns = new Map<string, RegExp>();

function expressionPattern(expression: string): RegExp {
  let regex = patterns.get(expression);
  if (!regex) {
    const pattern = compact(expression)
      .split(/(\{\.\.\.\}|go\.shape\.[\w.]+)/)
      .map((part) => (part === '{...}' ? '\\{.*\\}' : part.startsWith('go.shape.') ? '.+?' : escapeRegExp(part)))
      .join('');
    regex = new RegExp(`^${pattern}$`, 's');
    if (patterns.size > 10_000) patterns.clear();
    patterns.set(expression, regex);
  }
  return regex;
}

function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
