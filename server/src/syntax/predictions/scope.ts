/**
 * Just enough Go scoping to answer "which declaration does this identifier name?" from the syntax tree
 * alone, for the allocation predictor. Without types we cannot be complete; we aim to never resolve a name
 * to the wrong local (a wrong answer makes a wrong prediction), and say "unknown" (undefined) otherwise.
 */
import type { Node } from 'web-tree-sitter';

export const FUNCTION_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** How a local was declared: the form decides what we know about its value and whether it is a loop variable. */
export type DeclarationForm =
  | 'parameter'
  | 'receiver'
  | 'result'
  | 'var'
  | 'short'
  | 'range'
  | 'forClause'
  | 'typeSwitch'
  | 'receive'
  | 'const';

export interface LocalDeclaration {
  readonly name: string;
  /** The identifier node that declares the name. */
  readonly identifier: Node;
  /** The function declaration or func literal whose scope holds the name. */
  readonly owner: Node;
  readonly form: DeclarationForm;
  /** The initial value, when the declaration pairs this one name with one expression. */
  readonly value?: Node;
  /** The declared type, when the declaration states one. */
  readonly type?: Node;
  /** The statement that declares the name (var_spec, short_var_declaration, parameter_declaration, …). */
  readonly statement: Node;
}

/** The declarations a statement introduces into the scope that follows it. */
function declarationsOf(statement: Node, owner: Node): LocalDeclaration[] {
  switch (statement.type) {
    case 'var_declaration':
      return statement.namedChildren.flatMap((child) =>
        child.type === 'var_spec_list'
          ? child.namedChildren.filter((spec) => spec.type === 'var_spec').flatMap((spec) => specDeclarations(spec, owner, 'var'))
          : child.type === 'var_spec'
            ? specDeclarations(child, owner, 'var')
            : [],
      );
    case 'const_declaration':
      return statement.namedChildren.filter((spec) => spec.type === 'const_spec').flatMap((spec) => specDeclarations(spec, owner, 'const'));
    case 'short_var_declaration':
      return pairDeclarations(statement, statement.childForFieldName('left'), statement.childForFieldName('right'), owner, 'short');
    default:
      return [];
  }
}

function specDeclarations(spec: Node, owner: Node, form: 'var' | 'const'): LocalDeclaration[] {
  const names = spec.childrenForFieldName('name').filter((name) => name.type === 'identifier');
  const values = spec.childForFieldName('value')?.namedChildren ?? [];
  const type = spec.childForFieldName('type') ?? undefined;
  return names.map((identifier, index) => ({
    name: identifier.text,
    identifier,
    owner,
    form,
    statement: spec,
    type,
    value: names.length === values.length ? values[index] : undefined,
  }));
}

function pairDeclarations(statement: Node, left: Node | null, right: Node | null, owner: Node, form: DeclarationForm): LocalDeclaration[] {
  const names = (left?.namedChildren ?? []).filter((name) => name.type === 'identifier');
  const values = right?.type === 'expression_list' ? right.namedChildren : right ? [right] : [];
  return names.map((identifier, index) => ({
    name: identifier.text,
    identifier,
    owner,
    form,
    statement,
    value: form === 'short' && names.length === values.length ? values[index] : undefined,
  }));
}

function parameterDeclarations(list: Node | null, owner: Node, form: 'parameter' | 'receiver' | 'result'): LocalDeclaration[] {
  if (list?.type !== 'parameter_list') return [];
  return list.namedChildren.flatMap((parameter) =>
    parameter.childrenForFieldName('name').map((identifier) => ({
      name: identifier.text,
      identifier,
      owner,
      form,
      statement: parameter,
      type: parameter.childForFieldName('type') ?? undefined,
    })),
  );
}

/** Names a node opens for its children (function parameters, `if x := …`, `for i := range …`). */
function headerDeclarations(node: Node, child: Node): LocalDeclaration[] {
  const owner = enclosingFunction(node) ?? node;
  switch (node.type) {
    case 'function_declaration':
    case 'func_literal':
      return [
        ...parameterDeclarations(node.childForFieldName('parameters'), node, 'parameter'),
        ...parameterDeclarations(node.childForFieldName('result'), node, 'result'),
      ];
    case 'method_declaration':
      return [
        ...parameterDeclarations(node.childForFieldName('receiver'), node, 'receiver'),
        ...parameterDeclarations(node.childForFieldName('parameters'), node, 'parameter'),
        ...parameterDeclarations(node.childForFieldName('result'), node, 'result'),
      ];
    case 'if_statement':
    case 'expression_switch_statement':
    case 'type_switch_statement': {
      const initializer = node.childForFieldName('initializer');
      const declared = initializer && !initializer.equals(child) ? declarationsOf(initializer, owner) : [];
      if (node.type === 'type_switch_statement') {
        const alias = node.childForFieldName('alias');
        if (alias && !alias.equals(child)) declared.push(...pairDeclarations(node, alias, null, owner, 'typeSwitch'));
      }
      return declared;
    }
    case 'for_statement': {
      const clause = node.namedChildren.find((item) => item.type === 'range_clause' || item.type === 'for_clause');
      if (!clause) return [];
      if (clause.type === 'range_clause') {
        // `for k, v := range x`: the names are in scope in the body, not in x.
        const isDefinition = clause.children.some((token) => token.type === ':=');
        if (!isDefinition || clause.equals(child)) return [];
        return pairDeclarations(clause, clause.childForFieldName('left'), null, owner, 'range');
      }
      const initializer = clause.childForFieldName('initializer');
      return initializer ? declarationsOf(initializer, owner).map((item) => ({ ...item, form: 'forClause' as const })) : [];
    }
    case 'communication_case': {
      const communication = node.childForFieldName('communication');
      if (communication?.type !== 'receive_statement' || communication.equals(child)) return [];
      if (!communication.children.some((token) => token.type === ':=')) return [];
      return pairDeclarations(communication, communication.childForFieldName('left'), null, owner, 'receive');
    }
    default:
      return [];
  }
}

/** The nearest function declaration or func literal around `node` (not `node` itself). */
export function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (FUNCTION_TYPES.has(current.type)) return current;
  }
  return undefined;
}

/**
 * The local declaration `identifier` refers to, or undefined for package-level names, imports, builtins and
 * anything we cannot tell. An identifier that itself declares a name resolves to that declaration.
 */
export function resolveLocal(identifier: Node): LocalDeclaration | undefined {
  const name = identifier.text;
  if (name === '_') return undefined;
  let child = identifier;
  for (let node = identifier.parent; node; child = node, node = node.parent) {
    if (node.type === 'source_file') return undefined;
    if (node.type === 'statement_list') {
      // Earlier statements of the same block, nearest first; a := that re-declares keeps the first.
      let found: LocalDeclaration | undefined;
      for (const statement of node.namedChildren) {
        if (statement.startIndex > child.startIndex) break;
        const isSelf = statement.equals(child);
        const declared = declarationsOf(statement, enclosingFunction(node) ?? node).find((item) => item.name === name);
        if (declared && (!isSelf || declared.identifier.equals(identifier))) {
          if (!found || statement.type !== 'short_var_declaration' || found.form === 'const') found = declared;
        }
        if (isSelf) break;
      }
      if (found) return found.form === 'const' ? undefined : found;
      continue;
    }
    const declared = headerDeclarations(node, child).find((item) => item.name === name);
    if (declared) return declared;
    if (node.type === 'function_declaration' || node.type === 'method_declaration') return undefined;
  }
  return undefined;
}

/**
 * True inside a generic function or a method of a generic type. The compiler analyses generic code once
 * per instantiated shape, and not at all when nothing instantiates it, so predictions there are unreliable.
 */
export function isInGenericCode(node: Node): boolean {
  for (let current: Node | null = node; current; current = current.parent) {
    if (current.type === 'function_declaration') return current.childForFieldName('type_parameters') !== null;
    if (current.type === 'method_declaration') {
      const receiver = current.childForFieldName('receiver');
      return receiver !== null && receiver.descendantsOfType(['generic_type', 'type_arguments']).length > 0;
    }
  }
  return false;
}

/** True when `node` lies inside `ancestor` (or is it). */
export function isWithin(node: Node, ancestor: Node): boolean {
  return node.startIndex >= ancestor.startIndex && node.endIndex <= ancestor.endIndex;
}

/** Strips parentheses: `(&T{})` is `&T{}`. */
export function unparenthesise(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildCount === 1) current = current.namedChild(0)!;
  return current;
}

/** `&operand` → operand; anything else → undefined. */
export function addressOperand(node: Node): Node | undefined {
  const expression = unparenthesise(node);
  if (expression.type !== 'unary_expression' || expression.child(0)?.type !== '&') return undefined;
  const operand = expression.childForFieldName('operand');
  return operand ? unparenthesise(operand) : undefined;
}

/** A call to the builtin `name` (`new`, `make`, `panic`), unless a local shadows it. */
export function isBuiltinCall(node: Node, name: string): boolean {
  if (node.type !== 'call_expression') return false;
  const callee = node.childForFieldName('function');
  return callee?.type === 'identifier' && callee.text === name && resolveLocal(callee) === undefined;
}

/** An allocation whose address is the value: `&T{…}` or `new(T)`. */
export function isPointerAllocation(node: Node): boolean {
  const expression = unparenthesise(node);
  return addressOperand(expression)?.type === 'composite_literal' || isBuiltinCall(expression, 'new');
}
