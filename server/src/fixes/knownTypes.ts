/**
 * What the package's own declarations say about an expression's type, without a type checker. Only answers
 * that cannot be wrong are given: a name declared once in the functions around it (or once at package level)
 * with a written basic type, or a call whose result type is fixed (`strconv.Itoa`, `strings.ToLower`, …).
 * Everything else is `undefined`, and the rewrites that need the type then either refuse or let the
 * compiler decide (a rewrite that does not build is never offered).
 */
import type { Node } from 'web-tree-sitter';
import { BASIC_TYPES } from '../syntax/predictions/assignments';
import { descendants, FUNCTION_TYPES, identifiersNamed, isDeclaringName } from './goTree';

/** Standard-library functions whose one result is a plain `string`, by package path. */
const STRING_FUNCTIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['strconv', new Set(['Itoa', 'FormatInt', 'FormatUint', 'FormatBool', 'FormatFloat', 'Quote', 'QuoteToASCII', 'QuoteRune'])],
  [
    'strings',
    new Set([
      'TrimSpace',
      'ToLower',
      'ToUpper',
      'ToTitle',
      'Trim',
      'TrimLeft',
      'TrimRight',
      'TrimPrefix',
      'TrimSuffix',
      'Join',
      'Repeat',
      'Replace',
      'ReplaceAll',
    ]),
  ],
  ['path', new Set(['Join', 'Base', 'Dir', 'Clean', 'Ext'])],
  ['path/filepath', new Set(['Join', 'Base', 'Dir', 'Clean', 'Ext', 'ToSlash', 'FromSlash'])],
]);

/**
 * Standard-library functions with parameters of type `string` exactly, by package path: the indexes of
 * those parameters, or `all` for a variadic `...string` (filepath.Join). A value passed there must be a
 * plain `string` (or an untyped constant) to compile.
 */
type StringParameters = ReadonlyMap<string, readonly number[] | 'all'>;
const STRING_PARAMETERS: ReadonlyMap<string, StringParameters> = new Map<string, StringParameters>([
  ['errors', new Map([['New', [0]]])],
  ['io', new Map([['WriteString', [1]]])],
  ['net/http', new Map([['Error', [1]]])],
  [
    'os',
    new Map([
      ['Getenv', [0]],
      ['Open', [0]],
      ['Create', [0]],
      ['ReadFile', [0]],
      ['Stat', [0]],
      ['Remove', [0]],
      ['MkdirAll', [0]],
    ]),
  ],
  [
    'strings',
    new Map([
      ['Contains', [0, 1]],
      ['HasPrefix', [0, 1]],
      ['HasSuffix', [0, 1]],
      ['Index', [0, 1]],
      ['Split', [0, 1]],
      ['EqualFold', [0, 1]],
      ['ToLower', [0]],
      ['ToUpper', [0]],
      ['TrimSpace', [0]],
      ['NewReader', [0]],
    ]),
  ],
  ['path', new Map([['Join', 'all' as const]])],
  ['path/filepath', new Map([['Join', 'all' as const]])],
]);

/** True when `argument` is passed where a standard-library function takes a plain `string` (see STRING_PARAMETERS). */
export function passedAsPlainString(argument: Node, imports: ReadonlyMap<string, string>): boolean {
  const list = argument.parent;
  const call = list?.parent;
  if (list?.type !== 'argument_list' || call?.type !== 'call_expression') return false;
  const callee = call.childForFieldName('function');
  const operand = callee?.childForFieldName('operand');
  if (callee?.type !== 'selector_expression' || operand?.type !== 'identifier' || isRedeclared(call, operand.text)) return false;
  const importPath = imports.get(operand.text);
  const parameters =
    importPath === undefined ? undefined : STRING_PARAMETERS.get(importPath)?.get(callee.childForFieldName('field')?.text ?? '');
  if (parameters === undefined || list.text.includes('...')) return false;
  const index = list.namedChildren.filter((child) => child.type !== 'comment').findIndex((child) => child.id === argument.id);
  return parameters === 'all' || parameters.includes(index);
}

/**
 * The basic type (`string`, `int`, `int64`, `bool`, …) of `expression` as the declarations show it, or
 * undefined. `imports` maps the file's import names to paths.
 */
export function knownBasicType(expression: Node, imports: ReadonlyMap<string, string>): string | undefined {
  if (NOT_BASIC_VALUES.has(expression.type)) return NOT_BASIC;
  switch (expression.type) {
    case 'interpreted_string_literal':
    case 'raw_string_literal':
      return 'untyped string';
    case 'int_literal':
      return 'untyped int';
    case 'unary_expression':
      return expression.childForFieldName('operator')?.text === '&' ? NOT_BASIC : undefined;
    case 'parenthesized_expression':
      return expression.namedChildren.length === 1 ? knownBasicType(expression.namedChildren[0], imports) : undefined;
    case 'call_expression':
      return callResultType(expression, imports);
    case 'identifier':
      return declaredType(expression, imports);
    default:
      return undefined;
  }
}

/** True when the declarations prove `expression` is of type `string` exactly (not a named string type). */
export function isKnownString(expression: Node, imports: ReadonlyMap<string, string>): boolean {
  return knownBasicType(expression, imports) === 'string';
}

function callResultType(call: Node, imports: ReadonlyMap<string, string>): string | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type === 'identifier' && callee.text === 'string' && !isRedeclared(call, 'string')) return 'string';
  if (callee?.type !== 'selector_expression') return undefined;
  // `x.Error()` and `x.String()` without arguments: the error and fmt.Stringer methods, which return a string.
  const method = callee.childForFieldName('field')?.text;
  const operand = callee.childForFieldName('operand');
  const isPackage = operand?.type === 'identifier' && imports.has(operand.text);
  if (!isPackage && (method === 'Error' || method === 'String') && call.childForFieldName('arguments')?.namedChildren.length === 0) {
    return 'string';
  }
  const name = callee.childForFieldName('field')?.text ?? '';
  if (operand?.type !== 'identifier') return undefined;
  const importPath = imports.get(operand.text);
  if (importPath !== undefined && !isRedeclared(call, operand.text))
    return STRING_FUNCTIONS.get(importPath)?.has(name) ? 'string' : undefined;
  return undefined;
}

/** A name declared exactly once in the functions around `identifier`, or else once at package level, with its type written. */
function declaredType(identifier: Node, imports: ReadonlyMap<string, string>): string | undefined {
  const name = identifier.text;
  const declarations: Node[] = [];
  let outermost: Node | undefined;
  for (let current = identifier.parent; current; current = current.parent) {
    if (FUNCTION_TYPES.has(current.type)) outermost = current;
  }
  const root = rootOf(identifier);
  const scope = outermost ?? root;
  const all = identifiersNamed(scope, name).filter(isDeclaringName);
  // A declaration in a block that does not hold the use (a sibling closure, another branch) is not its declaration.
  for (const use of all) if (visibleAt(use, identifier)) declarations.push(use);
  if (outermost && all.length === 0) declarations.push(...packageLevelDeclarations(root, name));
  if (declarations.length !== 1) return undefined;
  const declaration = declarations[0];
  const holder = declaration.parent;
  if (!holder) return undefined;
  if (holder.type === 'parameter_declaration' || holder.type === 'var_spec') {
    const type = holder.childForFieldName('type');
    if (type?.type === 'type_identifier' && BASIC_TYPES.has(type.text) && !isRedeclared(identifier, type.text)) return type.text;
    if (!type && holder.type === 'var_spec') return singleValueType(holder, declaration, imports);
    // A pointer, slice, map, struct, function or qualified type: certainly not a basic one.
    return type && type.type !== 'type_identifier' && type.type !== 'generic_type' ? NOT_BASIC : undefined;
  }
  if (holder.type === 'expression_list' && holder.parent?.type === 'short_var_declaration') {
    return singleValueType(holder.parent, declaration, imports);
  }
  return undefined;
}

/** `x := "…"` or `var x = strconv.Itoa(n)`: one name, one value of a known type. */
function singleValueType(statement: Node, declaration: Node, imports: ReadonlyMap<string, string>): string | undefined {
  const names =
    statement.type === 'var_spec' ? statement.childrenForFieldName('name') : (statement.childForFieldName('left')?.namedChildren ?? []);
  const valueList = statement.type === 'var_spec' ? statement.childForFieldName('value') : statement.childForFieldName('right');
  const values = valueList?.namedChildren ?? [];
  if (names.length !== 1 || values.length !== 1 || names[0].id !== declaration.id) return undefined;
  const type = knownBasicType(values[0], imports);
  if (type === 'untyped string') return 'string';
  if (type === 'untyped int') return 'int';
  return type;
}

/** True when `declaration` is in scope at `use`: declared before it, in a function or block that holds it. */
function visibleAt(declaration: Node, use: Node): boolean {
  if (declaration.startIndex > use.startIndex) return false;
  for (let scope = declaration.parent; scope; scope = scope.parent) {
    if (FUNCTION_TYPES.has(scope.type) || SCOPES.has(scope.type)) {
      return use.startIndex >= scope.startIndex && use.endIndex <= scope.endIndex;
    }
  }
  return false;
}

function packageLevelDeclarations(root: Node, name: string): Node[] {
  const found: Node[] = [];
  for (const declaration of root.namedChildren) {
    if (declaration.type !== 'var_declaration' && declaration.type !== 'const_declaration') continue;
    for (const use of identifiersNamed(declaration, name)) if (isDeclaringName(use)) found.push(use);
  }
  return found;
}

/** True when `name` (a predeclared type or an import name) is declared again anywhere in the file. */
export function isRedeclared(node: Node, name: string): boolean {
  const root = rootOf(node);
  return (
    identifiersNamed(root, name).some(isDeclaringName) ||
    descendants(root, (child) => child.type === 'type_spec' && child.childForFieldName('name')?.text === name).length > 0
  );
}

function rootOf(node: Node): Node {
  let root = node;
  while (root.parent) root = root.parent;
  return root;
}

/** Said of an expression whose type is certainly not a basic one (a pointer, a composite, a function). */
export const NOT_BASIC = 'not a basic type';

/** Expressions that never have a basic type. */
const NOT_BASIC_VALUES: ReadonlySet<string> = new Set(['composite_literal', 'func_literal', 'slice_expression']);

/** Nodes that open a scope for the names declared directly in them (an `if x := …` header is the if's). */
const SCOPES: ReadonlySet<string> = new Set([
  'block',
  'source_file',
  'if_statement',
  'for_statement',
  'expression_switch_statement',
  'type_switch_statement',
  'select_statement',
  'communication_case',
  'expression_case',
  'type_case',
]);
