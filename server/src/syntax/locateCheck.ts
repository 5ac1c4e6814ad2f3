/**
 * Places the compiler's optimisation details that name no expression: bounds checks, nil checks and the
 * good-news lines. The compiler prints only a position, on one token of the construct:
 *
 * - a bounds check, at the `[` of its index or slice expression: the innermost `index_expression` or
 *   `slice_expression` around that token (`a[b[i]]` has two, one per `[`);
 * - a nil check, at the token that dereferences: the `.` of `p.f`, the `[` of `p[i]` on a pointer to an
 *   array, the `*` of `*p`, the `(` of a call through a func value;
 * - a check in the body of an inlined call, at the call's `(`: the whole call;
 * - a devirtualised call, at its `(`; a zero-copy conversion, at its argument; a self-assignment, at `=`.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { EscapeFact } from '../model/facts';
import type { SourceText } from '../model/positions';
import { compilerToLspPosition } from './positions';

/** The node types each kind of detail belongs to, innermost first from the printed token. */
const TARGETS: Readonly<Partial<Record<EscapeFact['kind'], ReadonlySet<string>>>> = {
  indexCheck: new Set(['index_expression']),
  sliceCheck: new Set(['slice_expression']),
  nilCheck: new Set(['selector_expression', 'index_expression', 'slice_expression', 'unary_expression', 'call_expression']),
  devirtualized: new Set(['call_expression']),
  zeroCopy: new Set(['call_expression', 'type_conversion_expression']),
  selfAssignment: new Set(['assignment_statement']),
};

const CHECK_KINDS: ReadonlySet<string> = new Set(['indexCheck', 'sliceCheck', 'nilCheck']);

/** How far up from the printed token the construct may be (a conversion's argument may be an expression). */
const MAX_CLIMB = 6;

export function isPositionOnlyFact(fact: EscapeFact): boolean {
  return TARGETS[fact.kind] !== undefined;
}

/**
 * The construct a position-only fact is about; the printed token itself when no such construct is around
 * it (the fact is still shown, on the token the compiler named); null for a position outside the text.
 */
export function locateCheckNode(tree: Tree, source: SourceText, fact: EscapeFact): Node | null {
  const targets = TARGETS[fact.kind];
  if (!targets) return null;
  const position = compilerToLspPosition(source, fact.position.line, fact.position.byteColumn);
  if (!position) return null;
  const token = tree.rootNode.descendantForPosition({ row: position.line, column: position.character });
  // A check inside an inlined call is printed at the call's `(`: it belongs to the call, not to an index
  // expression the call happens to sit in.
  if (CHECK_KINDS.has(fact.kind) && token?.type === '(' && token.parent?.type === 'argument_list') {
    const call = token.parent.parent;
    if (call?.type === 'call_expression') return call;
  }
  let node: Node | null = token;
  for (let depth = 0; node && depth < MAX_CLIMB; depth++) {
    if (targets.has(node.type) && (fact.kind !== 'nilCheck' || dereferences(node))) return node;
    node = node.parent;
  }
  return token;
}

/** `*p` is a unary expression that dereferences; `-x`, `!b`, `&x` and `<-c` are not. */
function dereferences(node: Node): boolean {
  return node.type !== 'unary_expression' || node.child(0)?.type === '*';
}
