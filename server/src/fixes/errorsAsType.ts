/**
 * `errors.As(err, &target)` → `errors.AsType[T](err)` (Go 1.26), where the target is a local declared just
 * for the call:
 *
 *     var pathErr *fs.PathError                       if pathErr, ok := errors.AsType[*fs.PathError](err); ok {
 *     if errors.As(err, &pathErr) {             →          return pathErr.Path
 *         return pathErr.Path                         }
 *     }
 *
 * errors.As takes its target as `any` and hands it to the error's own As method, so the compiler puts the
 * target on the heap ("moved to heap: pathErr", or "&T{} escapes to heap" for `t := &T{}; errors.As(err, t)`).
 * AsType keeps the result on the caller's stack, and allocates only for an error in the chain that has an As
 * method.
 *
 * The rewrite declares the variable where errors.As was called: in an if whose condition evaluates the call
 * first (`errors.As(…)`, `!errors.As(…)`, either followed by `&& …`), where every other use must be inside
 * the if after the call; or in `ok := errors.As(…)`, which becomes `v, ok := errors.AsType[T](…)`, with no
 * use between the two. Its declaration must be in the same block, with nothing in it yet. Where nothing
 * matched, AsType's variable is T's zero value, which the old variable also held only when it was declared
 * `var v T`, or `v := T{}` with T one of the package's struct types. Otherwise (a slice type's `T{}` is
 * empty, not nil; an imported T is not known) the variable may be used only where a match was found; a map
 * type the package declares is refused, as an As method would be handed an empty map where AsType hands it
 * a nil one. `v := &T{}` passed as itself becomes a T, not a *T: every use must then be `v.f` or `v.M(…)`,
 * which mean the same on both. Refused too: a `goto` in the function, which could jump back over the
 * declaration where the old variable kept an earlier match; a local type declaration, which could change
 * what T names at the call. The compiler checks the rest: a target type that is not an error does not
 * build and is never offered.
 *
 * Three differences are left to the errors themselves. An error's own As method that writes into the
 * target and then answers false left that value in the variable; AsType's variable is then the zero value.
 * An As method is handed a pointer to T's zero value, where errors.As handed it the variable: for an
 * imported map type, an empty map before, nil now. And errors.As matches a dynamic type assignable to T,
 * AsType only T itself: they differ for an error whose type is unnamed (`struct{ *fs.PathError }{…}`) and a
 * named T with the same underlying type.
 */
import type { Node } from 'web-tree-sitter';
import type { LspRange, SourceText } from '../model/positions';
import type { TextEdit } from '../model/fixes';
import { nodeRange } from '../syntax/locateFact';
import {
  blockStatements,
  closest,
  descendants,
  freshName,
  FUNCTION_TYPES,
  identifiersNamed,
  importNamesOf,
  isWithin,
  packageFunctionCalls,
} from './goTree';
import { deleteLines, insertBefore, replaceNode } from './textEdits';

export interface AsTypeRewrite {
  /** The target variable, for the candidate's id. */
  readonly variable: string;
  readonly line: number;
  /** The declaration and the call: where the compiler's fact and the lightbulb are. */
  readonly triggerRanges: readonly LspRange[];
  readonly edits: readonly TextEdit[];
}

export interface AsTypeRefusal {
  readonly subject: string;
  readonly reason: string;
}

/**
 * What the target's declaration says: the type AsType is instantiated with, and how the variable starts:
 * `var v T` (zero), `v := T{}` (empty literal), `v := &T{}` (pointer, passed as itself).
 */
interface TargetDeclaration {
  readonly statement: Node;
  readonly typeText: string;
  readonly form: 'zero' | 'emptyLiteral' | 'pointer';
}

export interface AsTypeOptions {
  readonly canUseAsType: boolean;
  readonly languageVersion?: string;
  /**
   * What the package declares a type name as (`struct`, `map`, or another kind), in its own files; undefined
   * for a name it does not declare (an imported type) or in an external test file.
   */
  readonly declaredKind: (typeName: string) => string | undefined;
}

/**
 * `languageVersion` is the module's `go` directive; AsType needs 1.26 (`canUseAsType`), which go vet's
 * stdversion check would otherwise report.
 */
export function errorsAsTypeRewrites(
  root: Node,
  source: SourceText,
  imports: ReadonlyMap<string, string>,
  options: AsTypeOptions,
): { rewrites: AsTypeRewrite[]; refused: AsTypeRefusal[] } {
  const rewrites: AsTypeRewrite[] = [];
  const refused: AsTypeRefusal[] = [];
  const errorsName = importNamesOf(imports, 'errors')[0];
  if (!errorsName || errorsName === '_' || errorsName === '.') return { rewrites, refused };

  for (const call of packageFunctionCalls(root, [errorsName], 'As')) {
    const outcome = rewriteOf(call, source, errorsName, options);
    if ('reason' in outcome) refused.push(outcome);
    else rewrites.push(outcome);
  }
  return { rewrites, refused };
}

function rewriteOf(call: Node, source: SourceText, errorsName: string, options: AsTypeOptions): AsTypeRewrite | AsTypeRefusal {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((node) => node.type !== 'comment') ?? [];
  const [errorArgument, target] = args;
  const variable = targetVariable(target);
  const subject = variable?.name ?? call.text;
  const refuse = (reason: string): AsTypeRefusal => ({ subject, reason });
  if (!options.canUseAsType) {
    return refuse(`errors.AsType arrived in Go 1.26; the module's go directive is ${options.languageVersion ?? 'missing'}`);
  }
  if (args.length !== 2 || !variable) return refuse('the target is not a local variable (`&v`, or `v` declared as `&T{}`)');

  const site = siteOf(call);
  if (typeof site === 'string') return refuse(site);
  const declaration = declarationBefore(site.statement, variable.name, variable.byAddress);
  if (typeof declaration === 'string') return refuse(declaration);
  if (!aloneOnItsLines(declaration.statement, source)) return refuse(`${variable.name}'s declaration shares its line with other code`);
  const lineEdit = deleteLines(declaration.statement);
  if (identifiersNamed(errorArgument, variable.name).length > 0) return refuse(`the error passed to errors.As uses ${variable.name}`);

  const declared = outermostFunction(call);
  const body = declared?.childForFieldName('body');
  if (body && descendants(body, (node) => node.type === 'goto_statement').length > 0) {
    return refuse(`the function has a goto, which could jump back over ${variable.name}'s declaration`);
  }
  // `T` is written again at the call: a local type declared between the two would change what it names.
  if (body && descendants(body, (node) => node.type === 'type_declaration').length > 0) {
    return refuse(`the function declares its own types, which could change what ${declaration.typeText} names at the call`);
  }
  // A type parameter of the function (or of its receiver's type) may share a package type's name.
  const generic =
    declared === undefined ||
    declared.childForFieldName('type_parameters') !== null ||
    /\[/.test(declared.childForFieldName('receiver')?.text ?? '');
  const kind = generic ? undefined : options.declaredKind(declaration.typeText.replace(/^\(|\)$/g, ''));
  if (kind === 'map' && declaration.form !== 'zero') {
    // An error's own As method would be handed an empty map, where AsType hands it a nil one.
    return refuse(`${declaration.typeText} is a map type: its ${declaration.typeText}{} is empty where AsType's is nil`);
  }
  // Where nothing matched, the old variable held T's zero value only in these forms.
  const zeroWhereNotFound = declaration.form === 'zero' || kind === 'struct';
  const found = foundRegions(site, call);

  // The variable will be declared by the site: no use may come before it, nor, for an if, outside it.
  const scope = declaration.statement.parent;
  for (const use of scope ? identifiersNamed(scope, variable.name) : []) {
    if (use.startIndex < declaration.statement.endIndex || use.id === variable.node.id) continue;
    const line = use.startPosition.row + 1;
    const seen =
      site.kind === 'declaration'
        ? use.startIndex >= site.statement.endIndex
        : use.startIndex >= call.endIndex && use.endIndex <= site.statement.endIndex;
    if (!seen) {
      return refuse(`${variable.name} is used ${site.kind === 'if' ? 'outside the if' : 'before errors.As'} (line ${line})`);
    }
    if (!zeroWhereNotFound && !found.some((region) => isWithin(use, region))) {
      return refuse(
        `${variable.name} is used where errors.As may have found nothing (line ${line}), where it held ${declaration.form === 'pointer' ? '&' : ''}${declaration.typeText}{}, not AsType's zero value`,
      );
    }
    if (declaration.form === 'pointer' && !isSelectorOperand(use)) {
      return refuse(`${variable.name} is used as a pointer (line ${line}); AsType's variable would be a ${declaration.typeText}`);
    }
  }

  const asType = `${errorsName}.AsType[${declaration.typeText}](${errorArgument.text})`;
  const ok = site.kind === 'if' ? freshName('ok', [site.statement.text]) : site.result;
  const rewrite =
    site.kind === 'if'
      ? [insertBefore(site.condition, `${variable.name}, ${ok} := ${asType}; `), replaceNode(call, ok)]
      : [replaceNode(site.statement, `${variable.name}, ${ok} := ${asType}`)];
  return {
    variable: variable.name,
    line: call.startPosition.row,
    triggerRanges: [nodeRange(declaration.statement), nodeRange(call)],
    edits: [lineEdit, ...rewrite],
  };
}

type Site =
  | { readonly kind: 'if'; readonly statement: Node; readonly condition: Node }
  | { readonly kind: 'declaration'; readonly statement: Node; readonly result: string };

/**
 * The parts of an if that run only when errors.As found a match: the rest of a condition `errors.As(…) &&
 * …` and the if's body; or, for `if !errors.As(…)` alone, its else branch. None for `ok := errors.As(…)`.
 */
function foundRegions(site: Site, call: Node): Node[] {
  if (site.kind !== 'if') return [];
  const consequence = site.statement.childForFieldName('consequence');
  const alternative = site.statement.childForFieldName('alternative');
  const negated = call.parent?.type === 'unary_expression';
  if (!negated) return [site.condition, ...(consequence ? [consequence] : [])];
  return site.condition.id === call.parent?.id && alternative ? [alternative] : [];
}

/**
 * The outermost function around `node`, through any function literals: the file's function or method
 * declaration, or the literal of a package-level `var`.
 */
function outermostFunction(node: Node): Node | undefined {
  let found: Node | undefined;
  for (
    let current = closest(node, FUNCTION_TYPES);
    current;
    current = current.parent ? closest(current.parent, FUNCTION_TYPES) : undefined
  ) {
    found = current;
  }
  return found;
}

/** `v.f` or `v.M(…)`: a use that means the same on a `*T` and a `T`. */
function isSelectorOperand(use: Node): boolean {
  return use.parent?.type === 'selector_expression' && use.parent.childForFieldName('operand')?.id === use.id;
}

/**
 * Where the call's result goes, if the variable can be declared there. In an if without an initializer,
 * where the call is evaluated first: the condition is the call, its negation, or either followed by `&&`
 * (`if errors.As(err, &v) && v.Timeout()`). Or a new variable (`ok := errors.As(…)`).
 */
function siteOf(call: Node): Site | string {
  let first = call.parent?.type === 'unary_expression' && call.parent.childForFieldName('operator')?.text === '!' ? call.parent : call;
  while (
    first.parent?.type === 'binary_expression' &&
    first.parent.childForFieldName('operator')?.text === '&&' &&
    first.parent.childForFieldName('left')?.id === first.id
  ) {
    first = first.parent;
  }
  const holder = first.parent;
  if (holder?.type === 'if_statement' && holder.childForFieldName('condition')?.id === first.id) {
    if (holder.childForFieldName('initializer')) return 'the if statement already has an initializer';
    return { kind: 'if', statement: holder, condition: first };
  }
  const statement = call.parent?.parent;
  if (call.parent?.type === 'expression_list' && statement?.type === 'short_var_declaration') {
    const left = statement.childForFieldName('left')?.namedChildren ?? [];
    const right = statement.childForFieldName('right')?.namedChildren ?? [];
    if (left.length === 1 && right.length === 1 && left[0].type === 'identifier' && left[0].text !== '_') {
      return { kind: 'declaration', statement, result: left[0].text };
    }
  }
  return 'errors.As is neither what an if evaluates first nor the value of a new variable (`ok := errors.As(…)`)';
}

/** `&v` (the address of a variable) or `v` (a variable holding a pointer). */
function targetVariable(target: Node | undefined): { name: string; node: Node; byAddress: boolean } | undefined {
  if (target?.type === 'identifier') return { name: target.text, node: target, byAddress: false };
  const operand = target?.childForFieldName('operand');
  if (target?.type === 'unary_expression' && target.childForFieldName('operator')?.text === '&' && operand?.type === 'identifier') {
    return { name: operand.text, node: operand, byAddress: true };
  }
  return undefined;
}

/**
 * The statement before `site`, in its block, that declares `name` with nothing in it yet: `var v T`
 * or `v := T{}` for `&v`, `v := &T{}` for `v`. A string says why there is none.
 */
function declarationBefore(site: Node, name: string, byAddress: boolean): TargetDeclaration | string {
  const block = site.parent?.type === 'statement_list' ? site.parent.parent : site.parent;
  const statements = block?.type === 'block' ? blockStatements(block) : [];
  const index = statements.findIndex((statement) => statement.id === site.id);
  for (let i = index - 1; i >= 0; i--) {
    const statement = statements[i];
    if (statement.type === 'var_declaration') {
      const specs = statement.namedChildren.filter((node) => node.type === 'var_spec');
      const spec = specs.length === 1 ? specs[0] : undefined;
      const names = spec?.childrenForFieldName('name') ?? [];
      if (!spec || names.length !== 1 || names[0].text !== name) continue;
      const type = spec.childForFieldName('type');
      if (!type || spec.childForFieldName('value')) return `${name} is declared with a value`;
      if (!byAddress) return `${name} is passed itself, not its address`;
      return { statement, typeText: type.text, form: 'zero' };
    }
    if (statement.type === 'short_var_declaration') {
      const left = statement.childForFieldName('left')?.namedChildren ?? [];
      if (left.length !== 1 || left[0].text !== name) continue;
      const right = statement.childForFieldName('right')?.namedChildren ?? [];
      const typeText = right.length === 1 ? emptyLiteralType(right[0], byAddress) : undefined;
      if (!typeText) return `${name} is declared with a value that is not an empty ${byAddress ? 'T{}' : '&T{}'}`;
      return { statement, typeText, form: byAddress ? 'emptyLiteral' : 'pointer' };
    }
  }
  return `${name} is not declared before errors.As in the same block`;
}

/** `T{}` (or `&T{}` when the variable itself is passed): the type text; undefined for anything else. */
function emptyLiteralType(value: Node, byAddress: boolean): string | undefined {
  let literal: Node | null = value;
  if (!byAddress) {
    if (value.type !== 'unary_expression' || value.childForFieldName('operator')?.text !== '&') return undefined;
    literal = value.childForFieldName('operand');
  }
  if (literal?.type !== 'composite_literal') return undefined;
  const body = literal.childForFieldName('body');
  if (!body || body.namedChildren.length > 0) return undefined;
  return literal.childForFieldName('type')?.text;
}

/** True when nothing else (code or comment) shares the lines `statement` spans. */
function aloneOnItsLines(statement: Node, source: SourceText): boolean {
  const { start, end } = nodeRange(statement);
  const before = (source.lines[start.line] ?? '').slice(0, start.character);
  const after = (source.lines[end.line] ?? '').slice(end.character);
  return /^[\t ]*$/.test(before) && /^[\t ]*\r?$/.test(after);
}
