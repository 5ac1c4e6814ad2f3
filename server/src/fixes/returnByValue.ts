/**
 * Return by value: `func NewPoint() *Point { return &Point{…} }` becomes `func NewPoint() Point { return
 * Point{…} }`, and the package's call sites are adapted so that they behave exactly as before.
 *
 * Why the call sites keep their meaning: every return was a *fresh* object (`&T{…}`, `new(T)` or the address
 * of a local nobody else holds), so each call's result was a pointer to an object no one else could see. We
 * keep that object in a variable instead:
 * - `x := F()` makes `x` the object itself; every bare `x` becomes `&x` and `*x` becomes `x`, so every
 *   pointer the old code made still points at the one object, and `x.f`, `x.M()` mean what they meant;
 * - `F().f` reads a field of the fresh object, which a copy reads the same;
 * - `F().M()` with a pointer method is bound first: `tmp := F()` then `tmp.M()` (an expression statement only);
 * - anywhere else a `*T` is needed, Go 1.26's `new(F())` is the same fresh object (when the module allows it).
 * Anything else (a nil return, another pointer, a function value, a reassigned variable) is refused with
 * the reason, and the compiler checks whatever is offered.
 */
import type { Node } from 'web-tree-sitter';
import { nodeRange } from '../syntax/locateFact';
import type { LspPosition, LspRange, SourceText } from '../model/positions';
import {
  chainTop,
  classifyUse,
  closest,
  descendants,
  freshName,
  FUNCTION_TYPES,
  identifiersNamed,
  isDeclaringName,
  isWithin,
  signatureRange,
  type UseContext,
  walk,
} from './goTree';
import { deleteBetween, insertAfter, insertBefore, insertLinesBefore, replaceNode } from './textEdits';
import type { TextEdit } from '../model/fixes';

/** What pass 1 learns about a function whose result is `*T`. */
export interface ReturnDeclaration {
  readonly name: string;
  readonly file: string;
  readonly exported: boolean;
  /** `Point`, `Box[T]`: what the function will return. */
  readonly typeText: string;
  /** `Point`, `Box`: the declared type's name, to find its methods and fields. */
  readonly typeName: string;
  readonly nameRange: LspRange;
  /** The function's name and the allocations it returns: where the lightbulb shows. */
  readonly triggerRanges: readonly LspRange[];
  /** Edits to the declaration itself. */
  readonly edits: readonly TextEdit[];
  /** Methods called on a returned local before it is returned: safe only when they do not keep the receiver. */
  readonly methodsCalledOnLocal: readonly string[];
  /**
   * Allocations returned through a pointer variable (`x := &T{}; …; return x` becomes `return *x`): the
   * copy is the same object to the caller only if nothing else keeps `x`, which the compiler answers. The
   * fix holds only if, after it, the compiler no longer puts these on the heap.
   */
  readonly mustNotEscape: readonly LspPosition[];
  readonly refusal?: string;
}

/** What the call sites need to know about a function that may return by value. */
export interface ReturnTarget {
  readonly name: string;
  readonly typeName: string;
  /** Methods of T with a value receiver: calling one on a value is the same as on the pointer. */
  readonly valueMethods: ReadonlySet<string>;
  /** T's fields: reading one from a value is the same as from the pointer. */
  readonly fields: ReadonlySet<string>;
}

export interface CallSiteOptions {
  readonly file: string;
  readonly source: SourceText;
  /** The module's Go version allows `new(expression)` (Go 1.26). */
  readonly canUseNewExpression: boolean;
  /** For an external test file (`package p_test`): the name it imports the package under; null if it does not. */
  readonly externalPackageName?: string | null;
  readonly useContext: UseContext;
}

export interface CallSiteResult {
  readonly edits: readonly TextEdit[];
  readonly refusal?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Pass 1: the declarations.

export function returnDeclarations(root: Node, file: string, useContext: UseContext): ReturnDeclaration[] {
  const declarations: ReturnDeclaration[] = [];
  for (const node of root.namedChildren) {
    if (node.type !== 'function_declaration') continue;
    const result = node.childForFieldName('result');
    const body = node.childForFieldName('body');
    const nameNode = node.childForFieldName('name');
    const pointee = result?.type === 'pointer_type' ? result.namedChildren[0] : undefined;
    if (!result || !pointee || !body || !nameNode) continue;
    declarations.push(analyseDeclaration(node, nameNode, result, pointee, body, file, useContext));
  }
  return declarations;
}

function analyseDeclaration(
  node: Node,
  nameNode: Node,
  result: Node,
  pointee: Node,
  body: Node,
  file: string,
  useContext: UseContext,
): ReturnDeclaration {
  const name = nameNode.text;
  const typeName = pointee.type === 'generic_type' ? (pointee.childForFieldName('type')?.text ?? pointee.text) : pointee.text;
  const base = {
    name,
    file,
    exported: /^\p{Lu}/u.test(name),
    typeText: pointee.text,
    typeName,
    nameRange: nodeRange(nameNode),
  };
  const signature = signatureRange(node);
  const refuse = (refusal: string): ReturnDeclaration => ({
    ...base,
    triggerRanges: [signature],
    edits: [],
    methodsCalledOnLocal: [],
    mustNotEscape: [],
    refusal,
  });

  const returns = ownReturns(body);
  if (returns.length === 0) return refuse(`${name} has no return statement`);
  const edits: TextEdit[] = [deleteBetween(result, pointee)];
  const triggerRanges: LspRange[] = [signature];
  const locals = new Map<string, Node[]>();
  const pointerLocals = new Map<string, Node>();
  for (const statement of returns) {
    const values = statement.namedChildren.find((child) => child.type === 'expression_list')?.namedChildren ?? [];
    const line = statement.startPosition.row + 1;
    if (values.length !== 1) return refuse(`${name} has a return without a single value (line ${line})`);
    const value = values[0];
    if (value.type === 'nil') return refuse(`${name} returns nil (line ${line}), which a value cannot express`);
    const operand =
      value.type === 'unary_expression' && value.childForFieldName('operator')?.text === '&' ? value.childForFieldName('operand') : null;
    if (operand?.type === 'composite_literal') {
      edits.push(deleteBetween(value, operand));
    } else if (operand?.type === 'identifier') {
      edits.push(deleteBetween(value, operand));
      locals.set(operand.text, [...(locals.get(operand.text) ?? []), value]);
    } else if (isNewOfType(value)) {
      edits.push(replaceNode(value, `${value.childForFieldName('arguments')!.namedChildren[0].text}{}`));
    } else if (value.type === 'identifier' && freshPointerLocal(body, value.text, useContext)) {
      const allocation = freshPointerLocal(body, value.text, useContext);
      if (typeof allocation === 'string') return refuse(allocation);
      edits.push(insertBefore(value, '*'));
      pointerLocals.set(value.text, allocation!);
    } else {
      return refuse(`${name} returns ${abbreviate(value.text)} (line ${line}), which may be a pointer others share`);
    }
    triggerRanges.push(nodeRange(value));
  }

  const methodsCalledOnLocal: string[] = [];
  for (const [local, returned] of locals) {
    const problem = checkReturnedLocal(node, body, local, returned, useContext, methodsCalledOnLocal);
    if (problem) return refuse(problem);
  }
  // Where the compiler reports the allocation: the `&` of `&T{}`, the parenthesis of `new(T)`.
  const mustNotEscape = [...pointerLocals.values()].map(
    (allocation) => nodeRange(allocation.type === 'call_expression' ? allocation.childForFieldName('arguments')! : allocation).start,
  );
  return { ...base, triggerRanges, edits, methodsCalledOnLocal, mustNotEscape };
}

/**
 * `x := &T{…}` or `x := new(T)`, declared once in the body and never assigned again, not seen by a closure,
 * goroutine or deferred call (a deferred write would reach the caller's object but not the returned copy):
 * the allocation, or why not (undefined when `name` is not such a local at all).
 */
function freshPointerLocal(body: Node, name: string, useContext: UseContext): Node | string | undefined {
  const occurrences = identifiersNamed(body, name);
  const declarations = occurrences.filter(isDeclaringName);
  if (declarations.length !== 1) return undefined;
  const statement = declarations[0].parent?.parent;
  const isShort = statement?.type === 'short_var_declaration' && declarations[0].parent?.id === statement.childForFieldName('left')?.id;
  if (!isShort || statement.childForFieldName('left')!.namedChildren.length !== 1) return undefined;
  const values = statement.childForFieldName('right')?.namedChildren ?? [];
  const value = values.length === 1 ? values[0] : undefined;
  const fresh =
    value &&
    ((value.type === 'unary_expression' &&
      value.childForFieldName('operator')?.text === '&' &&
      value.childForFieldName('operand')?.type === 'composite_literal') ||
      isNewOfType(value));
  if (!fresh) return undefined;
  for (const use of occurrences) {
    if (use.id === declarations[0].id) continue;
    const line = use.startPosition.row + 1;
    if (insideAny(use, body, ['func_literal', 'go_statement', 'defer_statement'])) {
      return `${name} is used by a closure, goroutine or deferred call (line ${line}), which would keep seeing the object`;
    }
    if (classifyUse(use, useContext) === 'assign' && chainTop(use).id === use.id) return `${name} is assigned again at line ${line}`;
  }
  return value;
}

/** The function's own return statements, not those of the closures inside it. */
function ownReturns(body: Node): Node[] {
  const returns: Node[] = [];
  walk(body, (node) => {
    if (node.type === 'func_literal') return false;
    if (node.type === 'return_statement') returns.push(node);
  });
  return returns;
}

function isNewOfType(value: Node): boolean {
  if (value.type !== 'call_expression' || value.childForFieldName('function')?.text !== 'new') return false;
  const argument = value.childForFieldName('arguments')?.namedChildren ?? [];
  return argument.length === 1 && (argument[0].type === 'type_identifier' || argument[0].type === 'generic_type');
}

/**
 * `return &u` returns a copy of `u` after the change. That is the same only if nobody else holds `u`'s address
 * when the function returns: no other `&u`, no closure or deferred call that sees `u`, and methods called on
 * it that do not keep their receiver (checked against the compiler's facts in the combine step).
 */
function checkReturnedLocal(
  functionNode: Node,
  body: Node,
  local: string,
  returned: readonly Node[],
  useContext: UseContext,
  methodsCalledOnLocal: string[],
): string | undefined {
  const occurrences = identifiersNamed(functionNode, local);
  const declarations = occurrences.filter(isDeclaringName);
  if (declarations.length !== 1 || !isWithin(declarations[0], body)) {
    return `${local} is not a single local variable of the function`;
  }
  for (const use of occurrences) {
    if (use.id === declarations[0].id) continue;
    const line = use.startPosition.row + 1;
    if (insideAny(use, functionNode, ['func_literal', 'go_statement', 'defer_statement'])) {
      return `${local} is used by a closure, goroutine or deferred call (line ${line}), which would keep seeing the local`;
    }
    const kind = classifyUse(use, useContext);
    if (kind === 'address') {
      if (!returned.some((value) => value.childForFieldName('operand')?.id === use.id)) {
        return `the address of ${local} is also taken at line ${line}`;
      }
    } else if (kind === 'methodCall') {
      const selector = use.parent;
      if (selector?.type !== 'selector_expression' || chainTop(use).id !== selector.id) {
        return `a method is called on a part of ${local} (line ${line}), which may keep its address`;
      }
      methodsCalledOnLocal.push(selector.childForFieldName('field')?.text ?? '');
    } else if (kind === 'declare') {
      return `${local} is declared more than once`;
    }
  }
  return undefined;
}

function insideAny(node: Node, limit: Node, types: readonly string[]): boolean {
  for (let current = node.parent; current && current.id !== limit.id; current = current.parent) {
    if (types.includes(current.type)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Pass 2: the call sites, per file.

export function returnByValueCallSites(root: Node, target: ReturnTarget, options: CallSiteOptions): CallSiteResult {
  const edits: TextEdit[] = [];
  for (const reference of references(root, target.name, options)) {
    if ('refusal' in reference) return { edits: [], refusal: reference.refusal };
    const outcome = adaptCallSite(reference.node, target, options);
    if (typeof outcome === 'string') return { edits: [], refusal: outcome };
    edits.push(...outcome);
  }
  return { edits };
}

type Reference = { node: Node } | { refusal: string };

function references(root: Node, name: string, options: CallSiteOptions): Reference[] {
  const where = (node: Node) => `${options.file.split(/[\\/]/).pop()}:${node.startPosition.row + 1}`;
  if (options.externalPackageName !== undefined) {
    const found: Reference[] = [];
    for (const selector of descendants(root, (node) => node.type === 'selector_expression')) {
      if (selector.childForFieldName('field')?.text !== name) continue;
      const operand = selector.childForFieldName('operand');
      if (options.externalPackageName !== null && operand?.type === 'identifier' && operand.text === options.externalPackageName) {
        found.push({ node: selector });
      } else if (options.externalPackageName === null) {
        found.push({ refusal: `an external test refers to ${name} in a way we cannot follow (${where(selector)})` });
      }
    }
    return found;
  }
  const found: Reference[] = [];
  for (const identifier of identifiersNamed(root, name)) {
    const parent = identifier.parent;
    if (parent?.type === 'function_declaration' && parent.childForFieldName('name')?.id === identifier.id) continue;
    if (isDeclaringName(identifier)) return [{ refusal: `a local declaration shadows ${name} (${where(identifier)})` }];
    found.push({ node: identifier });
  }
  return found;
}

/** The edits that keep one call site's meaning, or why there are none. */
function adaptCallSite(reference: Node, target: ReturnTarget, options: CallSiteOptions): TextEdit[] | string {
  const where = `${options.file.split(/[\\/]/).pop()}:${reference.startPosition.row + 1}`;
  const call = reference.parent;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== reference.id) {
    return `${target.name} is used as a function value (${where})`;
  }
  const wrap = (why: string): TextEdit[] | string =>
    options.canUseNewExpression
      ? [insertBefore(call, 'new('), insertAfter(call, ')')]
      : `${why} (${where}); the module's Go version is older than 1.26, so new(${target.name}(…)) is not available`;

  const holder = call.parent;
  if (!holder) return wrap('the call is used where a pointer is needed');
  if (holder.type === 'expression_statement' || holder.type === 'go_statement' || holder.type === 'defer_statement') return [];

  if (holder.type === 'selector_expression' && holder.childForFieldName('operand')?.id === call.id) {
    const member = holder.childForFieldName('field')?.text ?? '';
    const methodCall = holder.parent?.type === 'call_expression' && holder.parent.childForFieldName('function')?.id === holder.id;
    if (methodCall) {
      if (target.valueMethods.has(member)) return [];
      if (options.canUseNewExpression) return wrap('');
      const statement = holder.parent!.parent;
      if (statement?.type !== 'expression_statement') {
        return `${target.name}(…).${member}() calls a pointer method on a result that cannot be addressed (${where})`;
      }
      return (
        bindBeforeStatement(statement, call, target, options) ?? `${target.name}(…).${member}() cannot be bound to a variable (${where})`
      );
    }
    if (target.fields.has(member) && classifyUse(holder, options.useContext) === 'read') return [];
    return wrap(`${target.name}(…).${member} needs the pointer`);
  }

  const bound = boundVariable(holder);
  if (bound) {
    const adapted = adaptBoundVariable(bound.name, bound.statement, options.useContext);
    if (Array.isArray(adapted)) return adapted;
    return wrap(adapted);
  }
  return wrap(`${target.name}(…) is used where a *${target.typeName} may be needed`);
}

/** `tmp := F(…)` on its own line, then `tmp.M()` where the call was. */
function bindBeforeStatement(statement: Node, call: Node, target: ReturnTarget, options: CallSiteOptions): TextEdit[] | undefined {
  const base = target.typeName.charAt(0).toLowerCase() + target.typeName.slice(1);
  const name = freshName(/^[\p{L}_][\p{L}\p{N}_]*$/u.test(base) && base !== target.typeName ? base : 'value', [options.source.text]);
  const declaration = insertLinesBefore(statement, options.source, [`${name} := ${call.text}`]);
  return declaration && !call.text.includes('\n') ? [declaration, replaceNode(call, name)] : undefined;
}

/** `x := F(…)` or `var x = F(…)` with one name and one value, inside a function. */
function boundVariable(holder: Node): { name: Node; statement: Node } | undefined {
  if (holder.type !== 'expression_list' || holder.namedChildren.length !== 1) return undefined;
  const declaration = holder.parent;
  if (declaration?.type === 'short_var_declaration' && declaration.childForFieldName('right')?.id === holder.id) {
    const names = declaration.childForFieldName('left')?.namedChildren ?? [];
    return names.length === 1 && names[0].type === 'identifier' && names[0].text !== '_'
      ? { name: names[0], statement: declaration }
      : undefined;
  }
  if (declaration?.type === 'var_spec' && declaration.childForFieldName('value')?.id === holder.id) {
    const names = declaration.childrenForFieldName('name');
    const inFunction = closest(declaration, FUNCTION_TYPES) !== undefined;
    if (names.length === 1 && !declaration.childForFieldName('type') && inFunction && names[0].text !== '_') {
      return { name: names[0], statement: declaration.parent?.type === 'var_declaration' ? declaration.parent : declaration };
    }
  }
  return undefined;
}

/**
 * `x := F()` now holds the object itself: bare `x` → `&x`, `*x` → `x`. Refused when `x` is reassigned, its
 * own address is taken, it is compared with nil, or the name is declared again in its scope.
 */
export function adaptBoundVariable(name: Node, statement: Node, useContext: UseContext): TextEdit[] | string {
  const variable = name.text;
  const line = (node: Node) => node.startPosition.row + 1;
  const container = statement.parent;
  if (!container) return `${variable} has no enclosing scope`;
  // Go 1.22 gives each iteration its own copy of a loop variable: pointers taken in different iterations
  // would point at different copies, where the old pointer was shared.
  if (container.type === 'for_clause') return `${variable} is a loop variable (line ${line(name)})`;
  const scope = container;
  const edits: TextEdit[] = [];
  for (const use of identifiersNamed(scope, variable)) {
    if (use.startIndex <= name.startIndex) continue;
    const kind = classifyUse(use, useContext);
    const bare = chainTop(use).id === use.id;
    if (kind === 'declare') return `${variable} is declared again at line ${line(use)}`;
    if (kind === 'key') return `${variable} is used as a composite literal key at line ${line(use)}`;
    if (kind === 'assign' && bare) return `${variable} is assigned again at line ${line(use)}`;
    if (kind === 'address' && bare) return `the address of ${variable} is taken at line ${line(use)}`;
    if (kind !== 'read' || !bare) continue;
    const parent = use.parent;
    if (parent?.type === 'unary_expression' && parent.childForFieldName('operator')?.text === '*') {
      edits.push(replaceNode(parent, variable));
    } else if (parent?.type === 'binary_expression' && parent.namedChildren.some((side) => side.type === 'nil')) {
      return `${variable} is compared with nil at line ${line(use)}`;
    } else {
      edits.push(insertBefore(use, '&'));
    }
  }
  return edits;
}

function abbreviate(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 40 ? `${flat.slice(0, 37)}...` : flat;
}
