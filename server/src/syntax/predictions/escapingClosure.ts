/**
 * A func literal that outlives its function (returned, started with `go`, sent on a channel, or stored in a
 * field, an element or a package variable) is allocated on the heap, and so is every variable it captures
 * by reference (one that is written after its declaration, or whose address is taken).
 */
import type { Node } from 'web-tree-sitter';
import { usesOf } from './assignments';
import { predicted } from './predicted';
import { enclosingFunction, isWithin, type LocalDeclaration, resolveLocal, unparenthesise } from './scope';
import type { FoundAllocation, Predictor } from './types';

export const predictEscapingClosures: Predictor = (index) => {
  const predictions: FoundAllocation[] = [];
  const capturedSeen = new Set<number>();
  for (const literal of index.nodes('func_literal')) {
    const owner = enclosingFunction(literal);
    if (!owner || !outlivesFunction(literal, owner)) continue;
    predictions.push(predicted('escapingClosure', 'escape', literal, outlivingReason(literal)));
    for (const declaration of capturedVariables(literal)) {
      if (capturedSeen.has(declaration.identifier.id)) continue;
      const uses = usesOf(declaration, firstCaptureOffset(declaration));
      if (!uses.reassigned && !uses.addressTaken) continue;
      capturedSeen.add(declaration.identifier.id);
      predictions.push(predicted('capturedVariable', 'moved', declaration.identifier, 'captured by a closure'));
    }
  }
  return predictions;
};

/** Where a literal's value goes, seen from the syntax around it (through `f := func…` once). */
function outlivesFunction(literal: Node, owner: Node): boolean {
  if (directlyOutlives(literal)) return true;
  const declared = declaredName(literal);
  if (!declared) return false;
  const body = owner.childForFieldName('body');
  if (!body) return false;
  return body
    .descendantsOfType('identifier')
    .some(
      (use) =>
        use.text === declared.name &&
        !use.equals(declared.identifier) &&
        resolveLocal(use)?.identifier.equals(declared.identifier) === true &&
        directlyOutlives(use),
    );
}

/** `return v`, `go v(…)`, `ch <- v`, `x.f = v`, `xs[i] = v`, `pkgVar = v`. */
function directlyOutlives(value: Node): boolean {
  let node = value;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'expression_list' && parent.parent?.type === 'return_statement') return true;
  if (parent.type === 'call_expression' && parent.childForFieldName('function')?.equals(node)) {
    return parent.parent?.type === 'go_statement';
  }
  if (parent.type === 'send_statement') return parent.childForFieldName('value')?.equals(node) === true;
  if (parent.type === 'expression_list' && parent.parent?.type === 'assignment_statement') {
    const statement = parent.parent;
    if (!statement.childForFieldName('right')?.equals(parent)) return false;
    const index = parent.namedChildren.findIndex((item) => item.equals(node));
    const target = statement.childForFieldName('left')?.namedChildren[index];
    if (!target) return false;
    const destination = unparenthesise(target);
    if (destination.type === 'index_expression') return true;
    if (destination.type === 'selector_expression') return isOutsideTheFrame(destination);
    return (
      destination.type === 'identifier' &&
      destination.text !== '_' &&
      resolveLocal(destination) === undefined &&
      isPackageVariable(destination)
    );
  }
  return false;
}

/**
 * `x.f = …` stores outside this function's frame when `x` is a package variable or a pointer parameter or
 * receiver; a field of a local struct value lives (and dies) with the frame.
 */
function isOutsideTheFrame(selector: Node): boolean {
  let root = selector;
  while (root.type === 'selector_expression') root = unparenthesise(root.childForFieldName('operand')!);
  if (root.type !== 'identifier') return false;
  const declaration = resolveLocal(root);
  if (!declaration) return true;
  const isParameter = declaration.form === 'parameter' || declaration.form === 'receiver';
  return isParameter && declaration.type?.type === 'pointer_type';
}

function outlivingReason(literal: Node): string {
  let node = literal;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  if (node.parent?.type === 'call_expression' && node.parent.parent?.type === 'go_statement') return 'go func';
  if (node.parent?.type === 'send_statement') return 'send';
  if (node.parent?.parent?.type === 'return_statement') return 'return';
  return 'assign';
}

/** `f := func…` / `var f = func…`: the local that holds the literal. */
function declaredName(literal: Node): LocalDeclaration | undefined {
  let node = literal;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const list = node.parent;
  const statement = list?.parent;
  if (list?.type !== 'expression_list' || !statement) return undefined;
  if (statement.type !== 'short_var_declaration' && statement.type !== 'var_spec') return undefined;
  const index = list.namedChildren.findIndex((item) => item.equals(node));
  const names =
    statement.type === 'var_spec' ? statement.childrenForFieldName('name') : (statement.childForFieldName('left')?.namedChildren ?? []);
  const name = names[index];
  if (name?.type !== 'identifier') return undefined;
  const declaration = resolveLocal(name);
  return declaration && !usesOf(declaration).reassigned ? declaration : undefined;
}

/** A name declared by a top-level `var` of this file (we see one file; other files' names stay unknown). */
function isPackageVariable(identifier: Node): boolean {
  let root: Node = identifier;
  while (root.parent) root = root.parent;
  return root.namedChildren.some(
    (declaration) =>
      declaration.type === 'var_declaration' &&
      declaration
        .descendantsOfType('var_spec')
        .some((spec) => spec.childrenForFieldName('name').some((name) => name.text === identifier.text)),
  );
}

/** The locals of enclosing functions that `literal` refers to. */
function capturedVariables(literal: Node): LocalDeclaration[] {
  const found = new Map<number, LocalDeclaration>();
  const body = literal.childForFieldName('body');
  if (!body) return [];
  for (const identifier of body.descendantsOfType('identifier')) {
    if (isStructKey(identifier)) continue;
    const declaration = resolveLocal(identifier);
    if (!declaration || isWithin(declaration.identifier, literal)) continue;
    found.set(declaration.identifier.id, declaration);
  }
  return [...found.values()];
}

/**
 * Where the compiler starts counting writes to a captured variable: at the first func literal that refers
 * to it, unless that literal sits in a loop the declaration is outside of (then every write counts).
 */
function firstCaptureOffset(declaration: LocalDeclaration): number {
  const body = declaration.owner.childForFieldName('body');
  if (!body) return 0;
  const first = body
    .descendantsOfType('func_literal')
    .find((literal) =>
      literal
        .descendantsOfType('identifier')
        .some((use) => use.text === declaration.name && resolveLocal(use)?.identifier.equals(declaration.identifier) === true),
    );
  if (!first) return 0;
  for (let node = first.parent; node && !node.equals(declaration.owner); node = node.parent) {
    if (node.type === 'for_statement' && !isWithin(declaration.identifier, node)) return 0;
  }
  return first.startIndex;
}

/** `T{Name: v}`: `Name` is a field name, not a variable (a map literal's key would be, but is rarer). */
function isStructKey(identifier: Node): boolean {
  const element = identifier.parent;
  return (
    element?.type === 'literal_element' &&
    element.parent?.type === 'keyed_element' &&
    element.parent.childForFieldName('key')?.equals(element) === true
  );
}
