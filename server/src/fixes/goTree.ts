/**
 * Read-only questions the fixes ask of a Go syntax tree: how a variable is used (read, written, its address
 * taken), where its name is declared, what a file imports.
 *
 * Without a type checker these answers are syntactic, so every helper errs on the side that makes a fix
 * *not* apply: a use it cannot classify counts as a write. The compiler checks what is left.
 */
import type { Node } from 'web-tree-sitter';
import type { LspRange } from '../model/positions';
import { goMatches } from '../syntax/goQueries';

/**
 * A function or method declaration's signature, from `func` to the body's `{`: the line a user puts the
 * cursor on to ask what can be done with the function (its `func`, receiver, name, parameters or result).
 */
export function signatureRange(declaration: Node): LspRange {
  const body = declaration.childForFieldName('body');
  return {
    start: { line: declaration.startPosition.row, character: declaration.startPosition.column },
    end: body
      ? { line: body.startPosition.row, character: body.startPosition.column }
      : { line: declaration.endPosition.row, character: declaration.endPosition.column },
  };
}

/** Depth-first walk; return `false` from `visit` to skip a node's children. */
// biome-ignore lint/suspicious/noConfusingVoidType: visitors that only collect return nothing
export function walk(node: Node, visit: (node: Node) => boolean | undefined | void): void {
  if (visit(node) === false) return;
  for (const child of node.namedChildren) walk(child, visit);
}

export function descendants(node: Node, predicate: (node: Node) => boolean): Node[] {
  const found: Node[] = [];
  walk(node, (child) => {
    if (predicate(child)) found.push(child);
  });
  return found;
}

export function isWithin(node: Node, ancestor: Node): boolean {
  return node.startIndex >= ancestor.startIndex && node.endIndex <= ancestor.endIndex;
}

/** The nearest ancestor (or the node itself) whose type is one of `types`. */
export function closest(node: Node, types: ReadonlySet<string> | readonly string[]): Node | undefined {
  const wanted = types instanceof Set ? types : new Set(types);
  for (let current: Node | null = node; current; current = current.parent) {
    if (wanted.has(current.type)) return current;
  }
  return undefined;
}

export const FUNCTION_TYPES: ReadonlySet<string> = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** The innermost function (declaration or literal) a node belongs to. */
export function enclosingFunction(node: Node): Node | undefined {
  return node.parent ? closest(node.parent, FUNCTION_TYPES) : undefined;
}

/**
 * How one occurrence of a variable's name is used.
 * - `read`: its value (or a field's) is read
 * - `assign`: it or part of it is written (`x = …`, `x.f++`, `x[i] = …`, `for x = range`)
 * - `address`: its address is taken (`&x`, `&x.f`, slicing it, a method value `x.M` that may bind `&x`)
 * - `methodCall`: a method is called on it or on a field (`x.M()`, `x.f.M()`), which may take its address
 * - `declare`: this occurrence declares a variable of that name
 * - `key`: a composite literal key, which may be a field name or a variable (`T{x: 1}`)
 */
export type UseKind = 'read' | 'assign' | 'address' | 'methodCall' | 'declare' | 'key';

export interface UseContext {
  /** Field names of the package's struct types: a selector naming one of these is a field read. */
  readonly fieldNames: ReadonlySet<string>;
}

export function classifyUse(identifier: Node, context: UseContext): UseKind {
  const parent = identifier.parent;
  if (!parent) return 'read';
  if (isDeclaringName(identifier)) return 'declare';
  if (
    parent.type === 'literal_element' &&
    parent.parent?.type === 'keyed_element' &&
    parent.parent.childForFieldName('key')?.id === parent.id
  ) {
    return 'key';
  }
  // The chain x → x.f → x.f[i] → (x.f[i]) that has `identifier` at its root.
  const top = chainTop(identifier);
  const holder = top.parent;
  if (!holder) return 'read';
  switch (holder.type) {
    case 'inc_statement':
    case 'dec_statement':
      return 'assign';
    case 'expression_list': {
      const statement = holder.parent;
      if (statement && holder.id === statement.childForFieldName('left')?.id) {
        if (statement.type === 'assignment_statement') return 'assign';
        if (statement.type === 'range_clause' || statement.type === 'receive_statement') {
          return statement.children.some((child) => child.type === ':=') && top.id === identifier.id ? 'declare' : 'assign';
        }
        if (statement.type === 'short_var_declaration') return top.id === identifier.id ? 'declare' : 'assign';
      }
      return 'read';
    }
    case 'unary_expression':
      return holder.childForFieldName('operator')?.text === '&' ? 'address' : 'read';
    case 'slice_expression':
      return holder.childForFieldName('operand')?.id === top.id ? 'address' : 'read';
    case 'call_expression':
      if (holder.childForFieldName('function')?.id === top.id && top.type === 'selector_expression') return 'methodCall';
      break;
  }
  // `x.M` not called: a method value binds the receiver, which for a pointer method is `&x`.
  if (top.type === 'selector_expression') {
    const field = top.childForFieldName('field')?.text ?? '';
    if (!context.fieldNames.has(field)) return 'address';
  }
  return 'read';
}

/** True when this identifier is the name being declared (not a use). */
export function isDeclaringName(identifier: Node): boolean {
  const parent = identifier.parent;
  if (!parent) return false;
  switch (parent.type) {
    case 'parameter_declaration':
    case 'variadic_parameter_declaration':
    case 'var_spec':
    case 'const_spec':
      return parent.childrenForFieldName('name').some((name) => name.id === identifier.id);
    case 'expression_list': {
      const statement = parent.parent;
      if (statement?.type === 'type_switch_statement') return parent.id === statement.childForFieldName('alias')?.id;
      if (!statement || parent.id !== statement.childForFieldName('left')?.id) return false;
      if (statement.type === 'short_var_declaration') return true;
      if (statement.type === 'range_clause' || statement.type === 'receive_statement') {
        return statement.children.some((child) => child.type === ':=');
      }
      return false;
    }
    default:
      return false;
  }
}

/** Every `identifier` node spelled `name` inside `scope`. Field names and labels are other node types. */
export function identifiersNamed(scope: Node, name: string): Node[] {
  return descendants(scope, (node) => node.type === 'identifier' && node.text === name);
}

/** Import name → import path, for one file (`import m "math"` gives m → math; no name gives the last element). */
export function importsOf(root: Node): Map<string, string> {
  const imports = new Map<string, string>();
  for (const { name: nameNode, path } of goMatches('imports', root)) {
    const importPath = path?.text.replace(/^["`]|["`]$/g, '');
    if (!importPath) continue;
    const name =
      nameNode?.text ??
      importPath
        .split('/')
        .pop()!
        .replace(/^go-|\.v\d+$/g, '');
    imports.set(name, importPath);
  }
  return imports;
}

/** The names a file imports `importPath` under (usually one), in import order. */
export function importNamesOf(imports: ReadonlyMap<string, string>, importPath: string): string[] {
  return [...imports].filter(([, path]) => path === importPath).map(([name]) => name);
}

/** Every call `pkg.function(…)` in `root` whose `pkg` is one of `packageNames` (a file's import names). */
export function packageFunctionCalls(root: Node, packageNames: readonly string[], functionName: string): Node[] {
  return descendants(root, (node) => {
    if (node.type !== 'call_expression') return false;
    const callee = node.childForFieldName('function');
    if (callee?.type !== 'selector_expression') return false;
    const operand = callee.childForFieldName('operand');
    return (
      operand?.type === 'identifier' && packageNames.includes(operand.text) && callee.childForFieldName('field')?.text === functionName
    );
  });
}

export function packageNameOf(root: Node): string | undefined {
  return root.namedChildren.find((node) => node.type === 'package_clause')?.namedChildren[0]?.text;
}

/** The statements of a block: tree-sitter-go wraps them in a `statement_list`. */
export function blockStatements(block: Node): Node[] {
  const list = block.namedChildren.find((child) => child.type === 'statement_list');
  return list ? list.namedChildren : block.namedChildren.filter((child) => child.type !== 'comment');
}

/** The statement that directly holds `node` in a statement list (where a new line may go before it). */
export function statementInList(node: Node): Node | undefined {
  for (let current: Node | null = node; current?.parent; current = current.parent) {
    if (current.parent.type === 'statement_list') return current;
    if (current.parent.type === 'block' && current.type !== '{' && current.type !== '}') return current;
  }
  return undefined;
}

/** Field names of each struct type declared in the file, by type name (embedded fields by their type's name). */
export function structFieldsByType(root: Node): Map<string, Set<string>> {
  const byType = new Map<string, Set<string>>();
  for (const { name, struct: type } of goMatches('structTypes', root)) {
    const typeName = name?.text;
    if (!typeName || !type) continue;
    const names = new Set<string>();
    for (const field of descendants(type, (node) => node.type === 'field_declaration')) {
      if (field.parent?.parent?.id !== type.id) continue;
      const declared = field.childrenForFieldName('name');
      if (declared.length > 0) for (const name of declared) names.add(name.text);
      else {
        // An embedded field is named by its type: `T`, `*T`, `pkg.T`, `T[P]`.
        const text = (field.childForFieldName('type')?.text ?? '').replace(/^\*/, '').replace(/\[.*$/s, '');
        names.add(text.split('.').pop() ?? text);
      }
    }
    byType.set(typeName, names);
  }
  return byType;
}

/** The outermost selector/index/parenthesis chain that has `identifier` at its root (`x` in `x.f[i]` gives `x.f[i]`). */
export function chainTop(identifier: Node): Node {
  let top = identifier;
  for (let up = top.parent; up; up = up.parent) {
    const isOperand =
      ((up.type === 'selector_expression' || up.type === 'index_expression') && up.childForFieldName('operand')?.id === top.id) ||
      up.type === 'parenthesized_expression';
    if (!isOperand) break;
    top = up;
  }
  return top;
}

/** A name not spelled anywhere in `texts`: `base`, else `base2`, `base3`, … */
export function freshName(base: string, texts: readonly string[]): string {
  const taken = (name: string) => texts.some((text) => new RegExp(`(^|[^\\p{L}\\p{N}_])${name}($|[^\\p{L}\\p{N}_])`, 'u').test(text));
  if (!taken(base)) return base;
  for (let suffix = 2; ; suffix++) if (!taken(`${base}${suffix}`)) return `${base}${suffix}`;
}
