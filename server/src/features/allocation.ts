/**
 * What a fact allocates, read from the syntax tree: a `Point` (16 bytes), the backing array of
 * `make([]byte, 1024)` (1 KiB), a copy of `name` boxed in an interface, a closure. Pure: (tree node, fact,
 * package declarations) => description. Sizes are estimates from the declarations (see typeSize.ts), and
 * every text that shows one says so.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { EscapeFact } from '../model/facts';
import { expressionMatcher } from '../syntax/locateFact';
import type { LocatedFact } from '../model/analysis';
import {
  constExpression,
  declaredShape,
  declaredTypeText,
  expressionShape,
  type PackageDeclarations,
  type TypeShape,
  typeShape,
} from '../syntax/declarations';
import { code } from './explanation';
import { evaluateConstant, formatBytes, typeLayout } from './typeSize';

export type AllocationKind =
  | 'composite' // &T{…}, T{…}, new(T)
  | 'makeSlice' // make([]T, n)
  | 'makeOther' // make(map…), make(chan…)
  | 'closure' // func literal
  | 'variable' // moved to heap: x
  | 'boxed' // a value copied into an interface
  | 'methodValue' // t.M bound to its receiver
  | 'append' // the new backing array of a growing append
  | 'concat' // a string built by +
  | 'conversion' // string(b), []byte(s), []rune(s)
  | 'other';

export interface Allocation {
  readonly kind: AllocationKind;
  /** The allocated type, as written in the source, when the source shows it. */
  readonly typeText?: string;
  /** Estimated size in bytes, when every part of the type is known. */
  readonly size?: number;
  /** For `make`: true when the length (or capacity) is a compile-time constant. */
  readonly constantLength?: boolean;
  /**
   * Set when the compiler reported the fact at a call it inlined (the allocation is in the callee's body):
   * the call's function, e.g. `NewConfig`.
   */
  readonly inlinedFrom?: string;
}

/**
 * The syntax node the fact is about, and what it allocates. The located range may show only part of the
 * node (a closure is shown by its `func` keyword), so we climb to the node type the locator matched. When
 * that node is not the compiler's expression (a fact at an inlined call names the callee's expression), the
 * compiler's text is all we have.
 */
export function allocationOf(tree: Tree, located: LocatedFact, declarations: PackageDeclarations): Allocation {
  let node: Node | null = tree.rootNode.descendantForPosition(
    { row: located.range.start.line, column: located.range.start.character },
    { row: located.range.end.line, column: located.range.end.character },
  );
  for (let depth = 0; node && node.type !== located.nodeType && depth < 3; depth++) node = node.parent;
  if (!node) return fromCompilerText(located.fact, declarations);
  if (located.fact.kind === 'moved' || expressionMatcher(located.fact.expression)(node) || isCallTo(node, located.fact.expression)) {
    const described = describeAllocation(node, located.fact, declarations);
    // Generic code: the compiler's `Box[go.shape.int]` knows the type argument the source calls `T`.
    if (described.kind === 'composite' && described.size === undefined && /go\.shape\./.test(located.fact.expression)) {
      return fromCompilerText(located.fact, declarations);
    }
    return described;
  }
  const inlinedFrom = node.type === 'call_expression' ? node.childForFieldName('function')?.text : undefined;
  return { ...fromCompilerText(located.fact, declarations), ...(inlinedFrom ? { inlinedFrom } : {}) };
}

/** Go 1.26 states `append escapes to heap` for the call `append(s, v)`. */
function isCallTo(node: Node, expression: string): boolean {
  return node.type === 'call_expression' && node.childForFieldName('function')?.text === expression;
}

/** `&Config{...}`, `Box[go.shape.int]{...}`, `new(T)`, `func literal`: what the compiler's words alone say. */
export function fromCompilerText(fact: EscapeFact, declarations: PackageDeclarations): Allocation {
  if (fact.kind === 'moved') return { kind: 'variable' };
  const expression = fact.expression;
  if (expression === 'func literal') return { kind: 'closure' };
  if (expression === 'append' || expression.startsWith('append(')) return { kind: 'append' };
  const composite = /^&?([\p{L}_][\p{L}\p{N}_]*)(?:\[(.+)\])?\{\.\.\.\}$/u.exec(expression);
  if (composite) {
    const typeArguments = composite[2] ? splitTypeArguments(composite[2]).map(shapeArgument) : [];
    const shape: TypeShape = { kind: 'named', name: composite[1], typeArguments };
    const size = typeLayout(shape, declarations)?.size;
    const typeText = expression.replace(/^&/, '').replace(/\{\.\.\.\}$/, '');
    return { kind: 'composite', typeText, ...(size !== undefined ? { size } : {}) };
  }
  return { kind: 'other' };
}

/** `go.shape.int` → `int`; `go.shape.*uint8` → a pointer; other shapes stay unknown. */
function shapeArgument(text: string): TypeShape {
  const name = text.replace(/^go\.shape\./, '').replace(/_\d+$/, '');
  if (name.startsWith('*')) return { kind: 'pointer' };
  if (/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) return { kind: 'named', name, typeArguments: [] };
  return { kind: 'unknown', text };
}

function splitTypeArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '[' || char === '{' || char === '(') depth++;
    else if (char === ']' || char === '}' || char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, index).trim());
      start = index + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

export function describeAllocation(node: Node, fact: EscapeFact, declarations: PackageDeclarations): Allocation {
  const sized = (kind: AllocationKind, shape: TypeShape | undefined, typeText?: string): Allocation => {
    const size = shape ? typeLayout(shape, declarations)?.size : undefined;
    return { kind, ...(typeText ? { typeText } : {}), ...(size !== undefined ? { size } : {}) };
  };

  if (fact.kind === 'moved') {
    const identifier = node.type === 'identifier' ? node : undefined;
    const shape = identifier ? declaredShape(identifier) : undefined;
    return sized('variable', shape, identifier ? declaredTypeText(identifier) : undefined);
  }
  switch (node.type) {
    case 'unary_expression': {
      const operand = node.childForFieldName('operand');
      if (node.childForFieldName('operator')?.text === '&' && operand?.type === 'composite_literal') {
        const type = operand.childForFieldName('type');
        return sized('composite', type ? typeShape(type) : undefined, type?.text);
      }
      return { kind: 'other' };
    }
    case 'composite_literal': {
      const type = node.childForFieldName('type');
      return sized('composite', type ? typeShape(type) : undefined, type?.text);
    }
    case 'func_literal':
      return { kind: 'closure' };
    case 'call_expression':
      return describeCall(node, declarations, sized);
    case 'binary_expression':
      return node.childForFieldName('operator')?.text === '+' ? { kind: 'concat' } : { kind: 'other' };
    case 'identifier':
    case 'interpreted_string_literal':
    case 'raw_string_literal':
    case 'int_literal':
    case 'float_literal':
    case 'rune_literal': {
      const shape = expressionShape(node);
      return sized(
        'boxed',
        shape.kind === 'unknown' ? undefined : shape,
        node.type === 'identifier' ? declaredTypeText(node) : shapeName(shape),
      );
    }
    case 'selector_expression': {
      const field = node.childForFieldName('field')?.text;
      const isCalled = node.parent?.type === 'call_expression' && node.parent.childForFieldName('function')?.equals(node);
      if (field && declarations.methods.has(field) && !isCalled) return { kind: 'methodValue' };
      return { kind: 'boxed' };
    }
    default:
      return { kind: 'other' };
  }
}

function describeCall(
  node: Node,
  declarations: PackageDeclarations,
  sized: (kind: AllocationKind, shape: TypeShape | undefined, typeText?: string) => Allocation,
): Allocation {
  const callee = node.childForFieldName('function')?.text;
  const args = node.childForFieldName('arguments')?.namedChildren ?? [];
  if (callee === 'new' && args[0]) return sized('composite', typeShape(args[0]), args[0].text);
  if (callee === 'append') return { kind: 'append' };
  if (callee === 'string' || /^\(?\[\](?:byte|rune)\)?$/.test(callee ?? '')) return { kind: 'conversion' };
  if (callee !== 'make' || !args[0]) return { kind: 'other' };
  if (args[0].type !== 'slice_type') return { kind: 'makeOther', typeText: args[0].text };
  const element = args[0].childForFieldName('element');
  const lengthNode = args[2] ?? args[1];
  const length = lengthNode ? evaluateConstant(constExpression(lengthNode), declarations) : undefined;
  const elementSize = element ? typeLayout(typeShape(element), declarations)?.size : undefined;
  return {
    kind: 'makeSlice',
    typeText: args[0].text,
    constantLength: length !== undefined,
    ...(length !== undefined && elementSize !== undefined ? { size: length * elementSize } : {}),
  };
}

function shapeName(shape: TypeShape): string | undefined {
  if (shape.kind === 'named') {
    return shape.typeArguments.length === 0 ? shape.name : `${shape.name}[${shape.typeArguments.map(shapeName).join(', ')}]`;
  }
  return undefined;
}

/**
 * "a `Point`, 16 bytes (estimated from its declaration, 64-bit)". Empty when nothing is known: we would
 * rather say nothing than guess.
 */
export function allocationSizeText(allocation: Allocation): string {
  const estimated = 'estimated from the declarations, 64-bit';
  switch (allocation.kind) {
    case 'makeSlice':
      if (allocation.size !== undefined) return `a backing array of ${formatBytes(allocation.size)} (${estimated})`;
      return allocation.constantLength === false ? 'a backing array whose size is known only at run time' : '';
    case 'makeOther':
      return allocation.typeText ? `${article(allocation.typeText)} ${code(allocation.typeText)}` : '';
    case 'closure':
      return 'a closure: its function pointer and the variables it captures';
    case 'methodValue':
      return 'a method value: a closure holding a copy of its receiver';
    case 'append':
      return 'a new backing array, when `append` has to grow the slice; its size is known only at run time';
    case 'concat':
      return 'the new string; its length is known only at run time';
    case 'conversion':
      return 'a copy of the bytes; its length is known only at run time';
    case 'boxed':
    case 'composite':
    case 'variable': {
      const type = allocation.typeText ? `${article(allocation.typeText)} ${code(allocation.typeText)}` : '';
      const size = allocation.size !== undefined ? `${formatBytes(allocation.size)} (${estimated})` : '';
      return [type, size].filter(Boolean).join(', ');
    }
    default:
      return '';
  }
}

/** "an `int`", "a `Point`": by how the type name is read aloud, near enough (vowel letters). */
function article(typeText: string): string {
  return /^[aeiouAEIOU]/.test(typeText.replace(/^[*[\]\d]+/, '')) ? 'an' : 'a';
}
