/**
 * Integer constant expressions and type sizes, as far as one file's syntax shows them: enough to tell
 * `make([]byte, 1<<20)` and `var buf [64 << 10]int64` from run-time sizes, and to compare a size with the
 * compiler's stack limits (cmd/compile/internal/ir/cfg.go).
 */
import type { Node } from 'web-tree-sitter';
import { resolveLocal, unparenthesise } from './scope';

/** The largest variable the compiler declares on the stack (`ir.MaxStackVarSize`). */
export const MAX_STACK_VARIABLE_BYTES = 128n * 1024n;
/** The largest implicit allocation (`new`, `&T{}`, `make`) it keeps on the stack (`ir.MaxImplicitStackVarSize`). */
export const MAX_IMPLICIT_STACK_BYTES = 64n * 1024n;

/** Sizes on 64-bit targets, which is what the standard library measurement and most users compile for. */
const BASIC_SIZES: Readonly<Record<string, bigint>> = {
  bool: 1n,
  byte: 1n,
  uint8: 1n,
  int8: 1n,
  int16: 2n,
  uint16: 2n,
  int32: 4n,
  uint32: 4n,
  rune: 4n,
  float32: 4n,
  int: 8n,
  uint: 8n,
  int64: 8n,
  uint64: 8n,
  uintptr: 8n,
  float64: 8n,
  complex64: 8n,
  complex128: 16n,
  string: 16n,
  any: 16n,
  error: 16n,
};

/** The value of an integer constant expression, or undefined when it is not one we can evaluate. */
export function constantValue(node: Node, depth = 0): bigint | undefined {
  if (depth > 16) return undefined;
  const expression = unparenthesise(node);
  switch (expression.type) {
    case 'int_literal':
      try {
        const text = expression.text.replace(/_/g, '');
        return /^0[0-7]+$/.test(text) ? BigInt(`0o${text.slice(1)}`) : BigInt(text.replace(/^0o/i, '0o'));
      } catch {
        return undefined;
      }
    case 'identifier':
      return constantOfName(expression, depth);
    case 'unary_expression': {
      const operand = expression.childForFieldName('operand');
      const value = operand ? constantValue(operand, depth + 1) : undefined;
      const operator = expression.child(0)?.type;
      if (value === undefined) return undefined;
      return operator === '-' ? -value : operator === '+' ? value : undefined;
    }
    case 'binary_expression': {
      const left = constantValue(expression.childForFieldName('left')!, depth + 1);
      const right = constantValue(expression.childForFieldName('right')!, depth + 1);
      if (left === undefined || right === undefined) return undefined;
      switch (expression.childForFieldName('operator')?.text) {
        case '+':
          return left + right;
        case '-':
          return left - right;
        case '*':
          return left * right;
        case '/':
          return right === 0n ? undefined : left / right;
        case '%':
          return right === 0n ? undefined : left % right;
        case '<<':
          return right < 0n || right > 64n ? undefined : left << right;
        case '>>':
          return right < 0n ? undefined : left >> right;
        case '&':
          return left & right;
        case '|':
          return left | right;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** A `const` of this file (in the function or at package level) with its own explicit value. */
function constantOfName(identifier: Node, depth: number): bigint | undefined {
  if (resolveLocal(identifier)) return undefined; // a variable
  let scope: Node | null = identifier.parent;
  for (; scope; scope = scope.parent) {
    if (scope.type !== 'statement_list' && scope.type !== 'source_file') continue;
    for (const declaration of scope.namedChildren) {
      if (declaration.type !== 'const_declaration') continue;
      for (const spec of declaration.namedChildren) {
        const names = spec.childrenForFieldName('name');
        const values = spec.childForFieldName('value')?.namedChildren ?? [];
        const index = names.findIndex((name) => name.text === identifier.text);
        if (index < 0) continue;
        if (values.length !== names.length || values[index].text.includes('iota')) return undefined;
        return constantValue(values[index], depth + 1);
      }
    }
  }
  return undefined;
}

/** Bytes of a type written in the source, or undefined when a name or shape we cannot size is involved. */
export function typeSize(type: Node, depth = 0): bigint | undefined {
  if (depth > 8) return undefined;
  switch (type.type) {
    case 'type_identifier':
      return BASIC_SIZES[type.text];
    case 'pointer_type':
    case 'map_type':
    case 'channel_type':
    case 'function_type':
      return 8n;
    case 'slice_type':
      return 24n;
    case 'interface_type':
      return 16n;
    case 'array_type': {
      const length = type.childForFieldName('length');
      const element = type.childForFieldName('element');
      const count = length ? constantValue(length) : undefined;
      const size = element ? typeSize(element, depth + 1) : undefined;
      return count === undefined || size === undefined ? undefined : count * size;
    }
    default:
      return undefined;
  }
}

/**
 * A lower bound of the type's size: exact when we can size it, else 1 byte per element for arrays of
 * unknown elements (an empty struct element would break this; we accept that rare miss).
 */
export function typeSizeAtLeast(type: Node): bigint | undefined {
  const exact = typeSize(type);
  if (exact !== undefined) return exact;
  if (type.type !== 'array_type') return undefined;
  const length = type.childForFieldName('length');
  return length ? constantValue(length) : undefined;
}
