/**
 * A value that is not a pointer, converted to an interface that outlives the call: the interface holds a
 * pointer to a heap copy. Two shapes are visible without types:
 * - the variadic `...any` arguments of the fmt and log printing functions and the argument of `panic`,
 *   which keep their arguments (the compiler says "x escapes to heap" for each);
 * - an assignment to a package-level variable of interface type declared in the same file.
 * Only values whose type is certainly not a pointer or an interface are predicted: literals, arithmetic,
 * comparisons, conversions to basic types, `len`/`cap`, and locals declared with a basic type or value.
 */
import type { Node } from 'web-tree-sitter';
import { BASIC_TYPES } from './assignments';
import { predicted } from './predicted';
import { enclosingFunction, resolveLocal, unparenthesise } from './scope';
import type { SyntaxIndex } from './syntaxIndex';
import type { FoundAllocation, Predictor } from './types';

/** For each printing function, the index of its first `...any` argument. */
const PRINTERS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  fmt: {
    Print: 0,
    Println: 0,
    Printf: 1,
    Sprint: 0,
    Sprintln: 0,
    Sprintf: 1,
    Errorf: 1,
    Fprint: 1,
    Fprintln: 1,
    Fprintf: 2,
    Append: 1,
    Appendln: 1,
    Appendf: 2,
  },
  log: { Print: 0, Println: 0, Printf: 1, Fatal: 0, Fatalln: 0, Fatalf: 1, Panic: 0, Panicln: 0, Panicf: 1 },
};

/** Functions whose result is a string (never a pointer or an interface). */
const STRING_RESULTS: Readonly<Record<string, ReadonlySet<string>>> = {
  fmt: new Set(['Sprint', 'Sprintln', 'Sprintf']),
  strconv: new Set(['Itoa', 'FormatInt', 'FormatUint', 'FormatFloat', 'FormatBool', 'Quote']),
};

const NOT_NUMERIC_BASIC = new Set(['error', 'any']);
const ARITHMETIC_AND_COMPARISON = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '<<',
  '>>',
  '&',
  '|',
  '^',
  '&^',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '&&',
  '||',
]);
const LITERALS = new Set([
  'int_literal',
  'float_literal',
  'imaginary_literal',
  'rune_literal',
  'interpreted_string_literal',
  'raw_string_literal',
  'true',
  'false',
]);

export const predictInterfaceArguments: Predictor = (index) => {
  const imports = importedPackages(index);
  const predictions: FoundAllocation[] = [];
  for (const call of index.nodes('call_expression')) {
    if (!enclosingFunction(call)) continue;
    const first = firstInterfaceArgument(call, imports);
    if (first === undefined) continue;
    const argumentList = call.childForFieldName('arguments');
    if (!argumentList || argumentList.children.some((token) => token.type === '...')) continue;
    for (const argument of argumentList.namedChildren.slice(first)) {
      if (isPlainValue(argument, imports))
        predictions.push(predicted('interfaceArgument', 'escape', unparenthesise(argument), 'interface-converted'));
    }
  }
  return predictions;
};

export const predictInterfaceStores: Predictor = (index) => {
  const imports = importedPackages(index);
  const interfaceVariables = packageInterfaceVariables(index.root);
  const predictions: FoundAllocation[] = [];
  if (interfaceVariables.size === 0) return predictions;
  for (const statement of index.nodes('assignment_statement')) {
    if (!enclosingFunction(statement) || statement.childForFieldName('operator')?.text !== '=') continue;
    const targets = statement.childForFieldName('left')?.namedChildren ?? [];
    const values = statement.childForFieldName('right')?.namedChildren ?? [];
    if (targets.length !== values.length) continue;
    targets.forEach((target, index) => {
      if (target.type !== 'identifier' || !interfaceVariables.has(target.text) || resolveLocal(target)) return;
      const value = values[index];
      if (isPlainValue(value, imports) || unparenthesise(value).type === 'composite_literal') {
        predictions.push(predicted('interfaceStored', 'escape', unparenthesise(value), 'interface-converted'));
      }
    });
  }
  return predictions;
};

/** The index of the first `...any` argument when `call` is a known printer or `panic`. */
function firstInterfaceArgument(call: Node, imports: ReadonlyMap<string, string>): number | undefined {
  const callee = call.childForFieldName('function');
  if (!callee) return undefined;
  if (callee.type === 'identifier') return callee.text === 'panic' && !resolveLocal(callee) ? 0 : undefined;
  const packageFunction = qualifiedCall(callee, imports);
  return packageFunction ? PRINTERS[packageFunction.path]?.[packageFunction.name] : undefined;
}

/** `pkg.Name` where `pkg` is an import of this file (not shadowed by a local): its import path and name. */
function qualifiedCall(callee: Node, imports: ReadonlyMap<string, string>): { path: string; name: string } | undefined {
  if (callee.type !== 'selector_expression') return undefined;
  const operand = callee.childForFieldName('operand');
  const field = callee.childForFieldName('field');
  if (operand?.type !== 'identifier' || !field || resolveLocal(operand)) return undefined;
  const importPath = imports.get(operand.text);
  return importPath ? { path: importPath, name: field.text } : undefined;
}

/** A value certainly of a non-pointer, non-interface type. */
function isPlainValue(argument: Node, imports: ReadonlyMap<string, string>): boolean {
  const value = unparenthesise(argument);
  if (LITERALS.has(value.type)) return true;
  if (value.type === 'binary_expression') return ARITHMETIC_AND_COMPARISON.has(value.childForFieldName('operator')?.text ?? '');
  if (value.type === 'unary_expression') return ['-', '+', '!', '^'].includes(value.child(0)?.type ?? '');
  if (value.type === 'call_expression') {
    const callee = value.childForFieldName('function');
    if (callee?.type === 'identifier' && !resolveLocal(callee)) {
      return callee.text === 'len' || callee.text === 'cap' || (BASIC_TYPES.has(callee.text) && !NOT_NUMERIC_BASIC.has(callee.text));
    }
    const packageFunction = callee ? qualifiedCall(callee, imports) : undefined;
    return packageFunction ? STRING_RESULTS[packageFunction.path]?.has(packageFunction.name) === true : false;
  }
  if (value.type === 'identifier') {
    const declaration = resolveLocal(value);
    if (!declaration) return false;
    if (declaration.type)
      return (
        declaration.type.type === 'type_identifier' &&
        BASIC_TYPES.has(declaration.type.text) &&
        !NOT_NUMERIC_BASIC.has(declaration.type.text)
      );
    return (
      declaration.value !== undefined &&
      declaration.form !== 'range' &&
      isPlainValue(declaration.value, imports) &&
      declaration.value.type !== 'identifier'
    );
  }
  return false;
}

/** Local package name → import path, for this file's imports (`import f "fmt"` maps `f`). */
function importedPackages(index: SyntaxIndex): Map<string, string> {
  const imports = new Map<string, string>();
  for (const spec of index.nodes('import_spec')) {
    const importPath = spec.childForFieldName('path')?.text.replace(/^["`]|["`]$/g, '');
    if (!importPath) continue;
    const alias = spec.childForFieldName('name');
    if (alias && alias.type !== 'package_identifier') continue; // `.` and `_` imports
    imports.set(alias?.text ?? importPath.split('/').pop()!, importPath);
  }
  return imports;
}

/** Package-level variables of this file declared with an interface type (`any`, `interface{…}`). */
function packageInterfaceVariables(root: Node): Set<string> {
  const names = new Set<string>();
  for (const declaration of root.namedChildren) {
    if (declaration.type !== 'var_declaration') continue;
    for (const spec of declaration.descendantsOfType('var_spec')) {
      const type = spec.childForFieldName('type');
      if (!type || !(type.type === 'interface_type' || (type.type === 'type_identifier' && type.text === 'any'))) continue;
      for (const name of spec.childrenForFieldName('name')) names.add(name.text);
    }
  }
  return names;
}
