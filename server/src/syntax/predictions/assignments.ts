/**
 * Whether a local is written after its declaration or has its address taken. The compiler captures a
 * closure variable by value only when neither happens (cmd/compile/internal/escape/escape.go, flowClosure:
 * `!loc.addrtaken && !loc.reassigned && size <= 128`), and a returned local stays a plain value only when
 * it is not reassigned: both predictions need this.
 */
import type { Node } from 'web-tree-sitter';
import { isWithin, type LocalDeclaration, resolveLocal, unparenthesise } from './scope';

export interface Uses {
  /** Written after the declaration: `x = …`, `x += …`, `x++`, a later `x, y := …`, a struct field `x.f = …`. */
  readonly reassigned: boolean;
  /** `&x` (or `&x.f`) somewhere. */
  readonly addressTaken: boolean;
}

/**
 * Every use of `declaration` in the function that owns it (closures inside it included). Writes before
 * `writesFrom` (a source offset) are not counted: the compiler ignores the straight-line writes that precede
 * a variable's first capture by a closure (escape/expr.go, OCLOSURE).
 */
export function usesOf(declaration: LocalDeclaration, writesFrom = 0): Uses {
  let reassigned = false;
  let addressTaken = false;
  const body = declaration.owner.childForFieldName('body');
  if (!body) return { reassigned, addressTaken };
  const loopUpdate = declaration.form === 'forClause' ? declaration.statement.parent?.childForFieldName('update') : null;
  for (const identifier of body.descendantsOfType('identifier')) {
    if (identifier.text !== declaration.name || identifier.equals(declaration.identifier)) continue;
    const target = writtenPath(identifier, declaration);
    if (!target) continue;
    if (resolveLocal(identifier)?.identifier.equals(declaration.identifier) !== true) continue;
    // Go 1.22 loop variables: the closure captures each iteration's copy; the `i++` of the loop header
    // writes the next iteration's variable, not the captured one.
    if (loopUpdate && isWithin(identifier, loopUpdate)) continue;
    if (target === 'address') addressTaken = true;
    else if (identifier.startIndex >= writesFrom) reassigned = true;
    if (reassigned && addressTaken) break;
  }
  return { reassigned, addressTaken };
}

/**
 * How `identifier` is used when it is the root of what a statement writes or takes the address of:
 * `x = …` writes x, `x.f = …` writes x when x is a struct value (not through a pointer), `&x.f` takes x's
 * address. Undefined for reads.
 */
function writtenPath(identifier: Node, declaration: LocalDeclaration): 'write' | 'address' | undefined {
  let node = identifier;
  let throughField = false;
  while (node.parent?.type === 'selector_expression' && node.parent.childForFieldName('operand')?.equals(node)) {
    node = node.parent;
    throughField = true;
  }
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const parent = node.parent;
  if (!parent) return undefined;
  if (throughField && !holdsStructValue(declaration)) return undefined;
  if (parent.type === 'unary_expression' && parent.child(0)?.type === '&') return 'address';
  if (parent.type === 'inc_statement' || parent.type === 'dec_statement') return 'write';
  if (parent.type === 'expression_list') {
    const statement = parent.parent;
    if (!statement?.childForFieldName('left')?.equals(parent)) return undefined;
    if (statement.type === 'assignment_statement') return 'write';
    if (statement.type === 'short_var_declaration') return 'write'; // a re-declaration assigns the existing variable
    if (statement.type === 'range_clause' && !statement.children.some((token) => token.type === ':=')) return 'write';
  }
  return undefined;
}

/** True when the local is known to hold a struct value, so writing one of its fields writes the variable. */
function holdsStructValue(declaration: LocalDeclaration): boolean {
  const value = declaration.value ? unparenthesise(declaration.value) : undefined;
  if (value?.type === 'composite_literal') return true;
  const type = declaration.type;
  return (
    type?.type === 'struct_type' ||
    (declaration.form === 'var' && !value && type?.type === 'type_identifier' && !BASIC_TYPES.has(type.text))
  );
}

/** Predeclared non-struct type names; a `var x T` of another named type may be a struct. */
export const BASIC_TYPES = new Set([
  'bool',
  'byte',
  'rune',
  'string',
  'error',
  'any',
  'uintptr',
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float32',
  'float64',
  'complex64',
  'complex128',
]);
