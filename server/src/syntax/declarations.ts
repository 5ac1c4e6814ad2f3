/**
 * What the syntax tree says about declarations, as plain data: the functions of a file (to group facts and
 * place lenses and hints), and the types, constants and variables a size estimate needs.
 *
 * Everything returned here outlives the tree it came from (trees are freed by `withGoTree`), so no `Node`
 * escapes these functions except the ones passed in by the caller for the duration of a `withGoTree` call.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { goMatches } from './goQueries';
import { nodeRange } from './locateFact';
import type { LspPosition, LspRange } from '../model/positions';

export interface FunctionDeclaration {
  /** The source name: `NewPoint`, `Scale`. */
  readonly name: string;
  /**
   * The name the compiler prints in its facts: `NewPoint`, `(*Vector).Scale`, `Vector.Len`. Generic
   * functions print with shapes (`NewBox[go.shape.int]`), which the source cannot tell; facts are matched to
   * declarations by position, so this is for display only.
   */
  readonly compilerName: string;
  readonly nameRange: LspRange;
  /** The whole declaration, doc comment excluded. */
  readonly range: LspRange;
  /** Just before the body's `{`: where a hint about the whole function reads naturally. Absent without a body. */
  readonly bodyStart?: LspPosition;
}

export function functionDeclarations(tree: Tree): FunctionDeclaration[] {
  return functionMatches(tree.rootNode).map(({ function: node, name: nameNode, body, receiverType }) => ({
    name: nameNode.text,
    compilerName: compilerFunctionName(nameNode.text, receiverType),
    nameRange: nodeRange(nameNode),
    range: nodeRange(node),
    ...(body ? { bodyStart: nodeRange(body).start } : {}),
  }));
}

/** One match of grammars/go/functions.scm: a top-level function or method declaration. */
export interface FunctionMatch {
  readonly function: Node;
  readonly name: Node;
  readonly body?: Node;
  /** A method's receiver parameter declaration, and its type. */
  readonly receiver?: Node;
  readonly receiverType?: Node;
}

/** The top-level function and method declarations under `root`, in source order, once each. */
export function functionMatches(root: Node): FunctionMatch[] {
  const byDeclaration = new Map<number, FunctionMatch>();
  for (const captures of goMatches('functions', root)) {
    const { function: node, name } = captures;
    if (!node || !name) continue;
    const match = { function: node, name, body: captures.body, receiver: captures.receiver, receiverType: captures['receiver.type'] };
    // A pattern with optional parts may match a declaration more than once: keep the fullest match.
    const previous = byDeclaration.get(node.id);
    if (!previous || (!previous.receiverType && match.receiverType) || (!previous.body && match.body)) byDeclaration.set(node.id, match);
  }
  return [...byDeclaration.values()].sort((a, b) => a.function.startIndex - b.function.startIndex);
}

/** `(*T).M` for a pointer receiver, `T.M` for a value receiver, as `cmd/compile` prints method names. */
export function compilerFunctionName(name: string, receiverType: Node | undefined): string {
  if (!receiverType) return name;
  if (receiverType.type === 'pointer_type') return `(*${stripTypeParameters(receiverType.namedChildren[0]?.text ?? '')}).${name}`;
  return `${stripTypeParameters(receiverType.text)}.${name}`;
}

function stripTypeParameters(typeText: string): string {
  return typeText.replace(/\[.*\]$/s, '');
}

// ---------------------------------------------------------------------------------------------------------
// Types, as far as a size estimate needs them.

/** A constant integer expression, kept symbolic until the package's constants are known. */
export type ConstExpression =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'binary'; readonly operator: string; readonly left: ConstExpression; readonly right: ConstExpression }
  | { readonly kind: 'unknown' };

/** The shape of a Go type: enough to estimate its size on a 64-bit platform. */
export type TypeShape =
  | { readonly kind: 'named'; readonly name: string; readonly typeArguments: readonly TypeShape[] }
  | { readonly kind: 'pointer' | 'slice' | 'map' | 'chan' | 'func' | 'interface' }
  | { readonly kind: 'array'; readonly length: ConstExpression; readonly element: TypeShape }
  | { readonly kind: 'struct'; readonly fields: readonly TypeShape[] }
  | { readonly kind: 'unknown'; readonly text: string };

export interface TypeDeclaration {
  readonly typeParameters: readonly string[];
  readonly shape: TypeShape;
}

/** A package's top-level declarations that a size estimate and an explanation can use. */
export interface PackageDeclarations {
  readonly types: ReadonlyMap<string, TypeDeclaration>;
  readonly constants: ReadonlyMap<string, ConstExpression>;
  /** Names of methods declared in the package, to tell a method value `t.M` from a field `t.F`. */
  readonly methods: ReadonlySet<string>;
}

/** Every import path of a file: single, grouped, named, blank and dot imports. */
export function importedPaths(tree: Tree): ReadonlySet<string> {
  const imported = new Set<string>();
  for (const { path } of goMatches('imports', tree.rootNode)) {
    const importPath = path?.text.replace(/^["`]|["`]$/g, '');
    if (importPath) imported.add(importPath);
  }
  return imported;
}

export function packageDeclarations(tree: Tree): PackageDeclarations {
  const types = new Map<string, TypeDeclaration>();
  const constants = new Map<string, ConstExpression>();
  const methods = new Set<string>();
  for (const node of tree.rootNode.namedChildren) {
    if (node.type === 'type_declaration') {
      for (const spec of node.namedChildren) {
        const name = spec.childForFieldName('name')?.text;
        const type = spec.childForFieldName('type');
        if (!name || !type) continue;
        const parameters = spec.childForFieldName('type_parameters');
        const typeParameters = parameters
          ? parameters.namedChildren.flatMap((declaration) => declaration.childrenForFieldName('name').map((id) => id.text))
          : [];
        types.set(name, { typeParameters, shape: typeShape(type) });
      }
    } else if (node.type === 'const_declaration') {
      for (const spec of node.namedChildren) {
        const names = spec.childrenForFieldName('name');
        const values = spec.childForFieldName('value')?.namedChildren ?? [];
        names.forEach((name, index) => {
          if (values[index]) constants.set(name.text, constExpression(values[index]));
        });
      }
    } else if (node.type === 'method_declaration') {
      const name = node.childForFieldName('name')?.text;
      if (name) methods.add(name);
    }
  }
  return { types, constants, methods };
}

export function mergeDeclarations(all: readonly PackageDeclarations[]): PackageDeclarations {
  return {
    types: new Map(all.flatMap((declarations) => [...declarations.types])),
    constants: new Map(all.flatMap((declarations) => [...declarations.constants])),
    methods: new Set(all.flatMap((declarations) => [...declarations.methods])),
  };
}

export function typeShape(node: Node): TypeShape {
  switch (node.type) {
    case 'type_identifier':
      return { kind: 'named', name: node.text, typeArguments: [] };
    case 'generic_type': {
      const name = node.childForFieldName('type')?.text ?? node.text;
      const typeArguments = (node.childForFieldName('type_arguments')?.namedChildren ?? []).map((argument) =>
        typeShape(argument.type === 'type_elem' && argument.namedChildren.length === 1 ? argument.namedChildren[0] : argument),
      );
      return { kind: 'named', name, typeArguments };
    }
    case 'qualified_type':
      // Only `unsafe.Pointer` has a size we know without reading another package.
      return node.text === 'unsafe.Pointer' ? { kind: 'pointer' } : { kind: 'unknown', text: node.text };
    case 'parenthesized_type':
      return node.namedChildren[0] ? typeShape(node.namedChildren[0]) : { kind: 'unknown', text: node.text };
    case 'pointer_type':
      return { kind: 'pointer' };
    case 'slice_type':
      return { kind: 'slice' };
    case 'map_type':
      return { kind: 'map' };
    case 'channel_type':
      return { kind: 'chan' };
    case 'function_type':
      return { kind: 'func' };
    case 'interface_type':
      return { kind: 'interface' };
    case 'array_type': {
      const length = node.childForFieldName('length');
      const element = node.childForFieldName('element');
      if (!length || !element) return { kind: 'unknown', text: node.text };
      return { kind: 'array', length: constExpression(length), element: typeShape(element) };
    }
    case 'struct_type': {
      const fields: TypeShape[] = [];
      const list = node.namedChildren.find((child) => child.type === 'field_declaration_list');
      for (const field of list?.namedChildren ?? []) {
        if (field.type !== 'field_declaration') continue;
        const type = field.childForFieldName('type');
        if (!type) continue;
        const shape = typeShape(type);
        // An embedded `*T` has no field type node of its own: the `*` is a sibling token.
        const embeddedPointer = field.childrenForFieldName('name').length === 0 && field.children.some((child) => child.type === '*');
        const count = Math.max(1, field.childrenForFieldName('name').length);
        for (let index = 0; index < count; index++) fields.push(embeddedPointer ? { kind: 'pointer' } : shape);
      }
      return { kind: 'struct', fields };
    }
    default:
      return { kind: 'unknown', text: node.text };
  }
}

export function constExpression(node: Node): ConstExpression {
  switch (node.type) {
    case 'int_literal': {
      const value = parseGoInteger(node.text);
      return value === undefined ? { kind: 'unknown' } : { kind: 'int', value };
    }
    case 'identifier':
      return { kind: 'name', name: node.text };
    case 'parenthesized_expression':
      return node.namedChildren[0] ? constExpression(node.namedChildren[0]) : { kind: 'unknown' };
    case 'binary_expression': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const operator = node.childForFieldName('operator')?.text;
      if (!left || !right || !operator) return { kind: 'unknown' };
      return { kind: 'binary', operator, left: constExpression(left), right: constExpression(right) };
    }
    default:
      return { kind: 'unknown' };
  }
}

/** Go integer literal syntax: `1_000`, `0x10`, `0o17`, `017`, `0b101`. */
export function parseGoInteger(text: string): number | undefined {
  const clean = text.replace(/_/g, '').toLowerCase();
  let value: number;
  if (/^0x[0-9a-f]+$/.test(clean)) value = parseInt(clean.slice(2), 16);
  else if (/^0b[01]+$/.test(clean)) value = parseInt(clean.slice(2), 2);
  else if (/^0o[0-7]+$/.test(clean)) value = parseInt(clean.slice(2), 8);
  else if (/^0[0-7]+$/.test(clean)) value = parseInt(clean.slice(1), 8);
  else if (/^\d+$/.test(clean)) value = parseInt(clean, 10);
  else return undefined;
  return Number.isSafeInteger(value) ? value : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Variables: what type does this identifier have, as far as its declaration shows?

/** The shape of an expression's value, when the expression alone shows it (literals, `&T{}`, `new`, …). */
export function expressionShape(node: Node, depth = 0): TypeShape {
  const unknown: TypeShape = { kind: 'unknown', text: node.text };
  if (depth > 8) return unknown;
  switch (node.type) {
    case 'composite_literal': {
      const type = node.childForFieldName('type');
      return type ? typeShape(type) : unknown;
    }
    case 'unary_expression':
      return node.childForFieldName('operator')?.text === '&' ? { kind: 'pointer' } : unknown;
    case 'int_literal':
      return { kind: 'named', name: 'int', typeArguments: [] };
    case 'float_literal':
      return { kind: 'named', name: 'float64', typeArguments: [] };
    case 'imaginary_literal':
      return { kind: 'named', name: 'complex128', typeArguments: [] };
    case 'rune_literal':
      return { kind: 'named', name: 'rune', typeArguments: [] };
    case 'interpreted_string_literal':
    case 'raw_string_literal':
      return { kind: 'named', name: 'string', typeArguments: [] };
    case 'true':
    case 'false':
      return { kind: 'named', name: 'bool', typeArguments: [] };
    case 'func_literal':
      return { kind: 'func' };
    case 'parenthesized_expression':
      return node.namedChildren[0] ? expressionShape(node.namedChildren[0], depth + 1) : unknown;
    case 'call_expression': {
      const callee = node.childForFieldName('function')?.text;
      if (callee === 'new') return { kind: 'pointer' };
      if (callee === 'make') {
        const first = node.childForFieldName('arguments')?.namedChildren[0];
        return first ? typeShape(first) : unknown;
      }
      return unknown;
    }
    case 'binary_expression': {
      const operator = node.childForFieldName('operator')?.text ?? '';
      if (['==', '!=', '<', '<=', '>', '>=', '&&', '||'].includes(operator)) return { kind: 'named', name: 'bool', typeArguments: [] };
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const leftShape = left ? expressionShape(left, depth + 1) : unknown;
      if (leftShape.kind !== 'unknown' || !right) return leftShape;
      return expressionShape(right, depth + 1);
    }
    case 'identifier': {
      const declared = declaredShape(node, depth + 1);
      return declared ?? unknown;
    }
    default:
      return unknown;
  }
}

/**
 * The shape of the variable an identifier names, from its declaration: a parameter's type, a `var`'s type
 * or value, a `:=`'s value. Undefined when the declaration does not show it (range variables, results of
 * calls, names from other packages).
 */
export function declaredShape(identifier: Node, depth = 0): TypeShape | undefined {
  const declaration = findDeclaration(identifier);
  if (!declaration) return undefined;
  const { node, index } = declaration;
  switch (node.type) {
    case 'parameter_declaration': {
      const type = node.childForFieldName('type');
      return type ? typeShape(type) : undefined;
    }
    case 'variadic_parameter_declaration':
      return { kind: 'slice' };
    case 'var_spec': {
      const type = node.childForFieldName('type');
      if (type) return typeShape(type);
      const value = node.childForFieldName('value')?.namedChildren[index];
      return value && value !== identifier ? expressionShape(value, depth + 1) : undefined;
    }
    case 'short_var_declaration': {
      const value = node.childForFieldName('right')?.namedChildren[index];
      return value && value !== identifier ? expressionShape(value, depth + 1) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The type of the variable an identifier names, as the source writes it: a parameter's or a `var`'s type
 * (`[16 << 20]byte`), or the type of a composite literal it is initialised with (`User`).
 */
export function declaredTypeText(identifier: Node): string | undefined {
  const declaration = findDeclaration(identifier);
  if (!declaration) return undefined;
  const { node, index } = declaration;
  const type = node.type === 'short_var_declaration' ? null : node.childForFieldName('type');
  if (type) return node.type === 'variadic_parameter_declaration' ? `[]${type.text}` : type.text;
  const values = node.childForFieldName(node.type === 'short_var_declaration' ? 'right' : 'value')?.namedChildren ?? [];
  const value = values[index];
  if (value?.type === 'composite_literal') return value.childForFieldName('type')?.text;
  const shape = value ? expressionShape(value) : undefined;
  return shape?.kind === 'named' && shape.typeArguments.length === 0 ? shape.name : undefined;
}

interface Declaration {
  /** `parameter_declaration`, `variadic_parameter_declaration`, `var_spec` or `short_var_declaration`. */
  readonly node: Node;
  /** Which of the declaration's names it is, to pick the matching value of `a, b := x, y`. */
  readonly index: number;
}

/** The declaration of the variable an identifier names, by Go's scoping rules as far as syntax shows them. */
export function findDeclaration(identifier: Node): Declaration | undefined {
  const name = identifier.text;
  const own = declarationDeclaring(identifier.parent?.type === 'expression_list' ? identifier.parent.parent : identifier.parent, name);
  if (own) return own;
  let child: Node = identifier;
  for (let scope = identifier.parent; scope; child = scope, scope = scope.parent) {
    if (scope.type === 'block' || scope.type === 'statement_list' || scope.type === 'source_file') {
      // Declarations before the statement that holds the identifier.
      for (const statement of scope.namedChildren) {
        if (statement.startIndex >= child.startIndex && scope.type !== 'source_file') break;
        const found = declarationIn(statement, name);
        if (found) return found;
      }
    }
    if (scope.type === 'function_declaration' || scope.type === 'method_declaration' || scope.type === 'func_literal') {
      for (const field of ['receiver', 'parameters', 'result']) {
        for (const parameter of scope.childForFieldName(field)?.namedChildren ?? []) {
          const found = declarationDeclaring(parameter, name);
          if (found) return found;
        }
      }
    }
  }
  return undefined;
}

function declarationIn(statement: Node, name: string): Declaration | undefined {
  if (statement.type === 'short_var_declaration') return declarationDeclaring(statement, name);
  if (statement.type === 'var_declaration') {
    for (const spec of statement.descendantsOfType('var_spec')) {
      const found = declarationDeclaring(spec, name);
      if (found) return found;
    }
  }
  return undefined;
}

function declarationDeclaring(node: Node | null, name: string): Declaration | undefined {
  if (!node) return undefined;
  let names: Node[] = [];
  if (node.type === 'short_var_declaration') names = node.childForFieldName('left')?.namedChildren ?? [];
  else if (node.type === 'var_spec' || node.type === 'parameter_declaration' || node.type === 'variadic_parameter_declaration') {
    names = node.childrenForFieldName('name');
  }
  const index = names.findIndex((candidate) => candidate.text === name);
  return index >= 0 ? { node, index } : undefined;
}
