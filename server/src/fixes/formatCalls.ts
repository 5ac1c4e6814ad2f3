/**
 * Rewrites of fmt calls whose arguments the compiler moves to the heap (each argument of `...any` is boxed):
 * - `fmt.Sprintf("%d", n)`, `fmt.Sprint(n)` → `strconv.Itoa(n)` (also `FormatInt`, `FormatUint`, `FormatBool`, `Quote`);
 * - `fmt.Sprintf("%s:%s", a, b)` → `a + ":" + b`, with `%d`, `%t`, `%q` as strconv calls;
 * - `fmt.Errorf("…")` without verbs → `errors.New("…")`, and with plain verbs → `errors.New(a + …)`;
 * - `w.Write([]byte(fmt.Sprintf(…)))` → `fmt.Fprintf(w, …)`.
 *
 * Each must print exactly what fmt printed, which depends on the arguments' types. Where a type matters and
 * the declarations do not show it, the rewrite is written so that only the right type compiles:
 * `strconv.Itoa` takes only an `int`, `strconv.Quote` only a `string`, `errors.New` only a `string`, and
 * `s + t` compiles only when s and t have the same type. A `%s` operand of a named string type with its own
 * `String` method would print differently, so a concatenation is proposed only when one of its terms is
 * known to be a plain `string` (then every other term must be too), or when it goes into `errors.New`.
 * The verification's compile then is the type check: what does not build is never offered.
 *
 * Where go/types has typed the call (engine/operandTypes.ts), every operand's term comes from its type
 * instead (typedOperand.ts): any integer size, named types, `String` and `Error` methods, `[]byte`, floats,
 * `%x`, and a writer whose own WriteString keeps nothing (`*bytes.Buffer`).
 */
import type { Node } from 'web-tree-sitter';
import { nodeRange } from '../syntax/locateFact';
import type { FormatFixName, ImportChange, TextEdit } from '../model/fixes';
import type { OperandType, TypedCall } from '../model/operandTypes';
import type { LspRange, SourceText } from '../model/positions';
import { splitFormatLiteral, hasNoVerbs, type FormatPart } from './formatString';
import { descendants, FUNCTION_TYPES, identifiersNamed, importNamesOf, isDeclaringName, isWithin } from './goTree';
import { importEdits } from './importEdits';
import { isRedeclared, knownBasicType, passedAsPlainString } from './knownTypes';
import { isNotNilAt } from './nilGuard';
import { startKey } from './typedCalls';
import { isStringKind, typedTerm } from './typedOperand';
import { replaceNode } from './textEdits';

export interface FormatRewrite {
  readonly fix: FormatFixName;
  /** Where the call starts, for a stable id. */
  readonly line: number;
  readonly character: number;
  readonly title: string;
  readonly triggerRange: LspRange;
  /** The rewrite of the call alone. */
  readonly expressionEdits: readonly TextEdit[];
  /** The imports it needs and those it may leave unused, for files where several rewrites apply at once. */
  readonly importChange: ImportChange;
  /** The rewrite and its import edits, when it is applied alone. */
  readonly edits: readonly TextEdit[];
  /** Said nothing is removed by the compiler's count but worth having anyway (errors.New for a constant message). */
  readonly worthWithoutGain: boolean;
}

export interface FormatRefusal {
  readonly fix: FormatFixName;
  readonly subject: string;
  readonly reason: string;
}

const REWRITTEN = new Set(['Sprintf', 'Sprint', 'Errorf', 'Fprintf', 'Fprint']);

/**
 * `typedCalls`: go/types' calls of this file by where each starts (`startKey`), when it could type the
 * package.
 */
export function formatCallRewrites(
  root: Node,
  source: SourceText,
  imports: ReadonlyMap<string, string>,
  typedCalls?: ReadonlyMap<string, TypedCall>,
): { rewrites: FormatRewrite[]; refused: FormatRefusal[] } {
  const rewrites: FormatRewrite[] = [];
  const refused: FormatRefusal[] = [];
  const fmtName = importNamesOf(imports, 'fmt')[0];
  if (!fmtName || identifiersNamed(root, fmtName).some(isDeclaringName)) return { rewrites, refused };
  for (const call of descendants(root, (node) => node.type === 'call_expression')) {
    const callee = fmtCallee(call, fmtName);
    if (!callee || !REWRITTEN.has(callee)) continue;
    const written = writtenThroughWrite(call);
    const layout = written ? { separator: ' + ', parenthesize: false } : gofmtLayout(call);
    const typed = typedCalls?.get(startKey(nodeRange(call).start));
    const types = typed?.callee === `fmt.${callee}` && !typed.spread ? typed.operands : undefined;
    const outcome = written
      ? rewriteWrite(written, call, callee, fmtName)
      : typeof layout === 'string'
        ? layout
        : rewriteCall(call, callee, imports, layout.separator, types);
    const at = nodeRange(written ?? call).start;
    const subject = `fmt.${callee} at line ${at.line + 1}`;
    if (typeof outcome === 'string') {
      const fix = written ? 'writeFormatted' : callee === 'Errorf' ? 'errorsNew' : callee.startsWith('F') ? 'writeString' : 'concatenation';
      refused.push({ fix, subject, reason: outcome });
      continue;
    }
    const outer = written ?? call;
    const needs = outcome.imports.filter((path) => path !== 'fmt');
    const clash = needs.find((path) => !usableImportName(root, imports, path));
    if (clash) {
      refused.push({ fix: outcome.fix, subject, reason: `the name ${clash} means something else in this file` });
      continue;
    }
    const fmtStillUsed = outcome.imports.includes('fmt') || usesOutside(root, fmtName, outer);
    const importChange: ImportChange = { add: needs, remove: fmtStillUsed ? [] : ['fmt'] };
    const parenthesize = typeof layout !== 'string' && layout.parenthesize && outcome.text.includes('+');
    const expressionEdits = [replaceNode(outer, parenthesize ? `(${outcome.text})` : outcome.text)];
    const importEditsAlone = importEdits(root, source, importChange);
    if (typeof importEditsAlone === 'string') {
      refused.push({ fix: outcome.fix, subject, reason: importEditsAlone });
      continue;
    }
    rewrites.push({
      fix: outcome.fix,
      line: at.line,
      character: at.character,
      title: outcome.title,
      triggerRange: nodeRange(outer),
      expressionEdits,
      importChange,
      edits: [...importEditsAlone, ...expressionEdits],
      worthWithoutGain: outcome.worthWithoutGain ?? false,
    });
  }
  return { rewrites, refused };
}

interface Replacement {
  readonly fix: FormatFixName;
  readonly text: string;
  readonly title: string;
  /** Import paths the replacement uses. */
  readonly imports: readonly string[];
  readonly worthWithoutGain?: boolean;
}

/** The operands' types by argument (go/types'), when known: every one of them, or the call is not typed. */
type ArgumentTypes = readonly (OperandType | undefined)[] | undefined;

function rewriteCall(
  call: Node,
  callee: string,
  imports: ReadonlyMap<string, string>,
  separator: string,
  types: ArgumentTypes,
): Replacement | string {
  const args = argumentsOf(call);
  if (typeof args === 'string') return args;
  const typed = types && types.length === args.length && types.every((type) => type !== undefined) ? types : undefined;
  if (callee === 'Fprintf' || callee === 'Fprint') return rewriteFprint(args, callee, imports, typed, separator);
  const forced = resultMustBeString(call) || passedAsPlainString(call, imports);
  if (callee === 'Sprint') return rewriteSprint(args, imports, forced, separator, typed);
  const [format, ...values] = args;
  const valueTypes = typed?.slice(1);
  if (!format || (format.type !== 'interpreted_string_literal' && format.type !== 'raw_string_literal')) {
    return 'the format is not a string literal';
  }
  if (callee === 'Errorf') {
    if (values.length === 0 && hasNoVerbs(format.text)) {
      return {
        fix: 'errorsNew',
        text: `errors.New(${format.text})`,
        title: 'Use errors.New for a message without verbs',
        imports: ['errors'],
        worthWithoutGain: true,
      };
    }
    const built = concatenation(format.text, values, imports, separator, valueTypes);
    if (typeof built === 'string') return built;
    return {
      fix: 'errorsNew',
      text: `errors.New(${built.text})`,
      title: 'Use errors.New instead of fmt.Errorf',
      imports: ['errors', ...built.imports],
    };
  }
  const built = concatenation(format.text, values, imports, separator, valueTypes);
  if (typeof built === 'string') return built;
  if (!built.typedString && !forced) return NO_PLAIN_STRING;
  const single = built.terms.length === 1 && values.length === 1;
  const strconv = single && built.imports.length > 0;
  return {
    fix: strconv ? 'strconvFormat' : 'concatenation',
    text: built.text,
    title: strconv
      ? `Use ${built.text.replace(/\(.*$/s, '')} instead of fmt.Sprintf`
      : single
        ? `Use ${built.text === values[0].text ? 'the string' : abbreviate(built.text)} instead of fmt.Sprintf`
        : 'Concatenate instead of fmt.Sprintf',
    imports: built.imports,
  };
}

/**
 * `fmt.Fprintf(w, "%s=%d\n", k, n)` → `io.WriteString(w, k+"="+strconv.Itoa(n)+"\n")`, and `fmt.Fprint(w, s)`
 * → `io.WriteString(w, s)`: fmt writes the formatted bytes with one call to `w.Write` and returns what it
 * returned; io.WriteString writes the same string with one call to `WriteString`, when `w` has it (the
 * io.StringWriter contract: the same as Write), or `Write`, and returns the same `(int, error)`. Its
 * parameter is a plain `string`, so operands of any other type do not compile. Without operands fmt boxes
 * nothing, so there is nothing to remove.
 */
function rewriteFprint(
  args: readonly Node[],
  callee: string,
  imports: ReadonlyMap<string, string>,
  types: ArgumentTypes,
  separator: string,
): Replacement | string {
  const [writer, ...rest] = args;
  if (!writer) return 'the call has no writer';
  const format = callee === 'Fprintf' ? rest[0] : undefined;
  const values = callee === 'Fprintf' ? rest.slice(1) : rest;
  const valueTypes = types?.slice(callee === 'Fprintf' ? 2 : 1);
  if (values.length === 0) return 'without operands fmt boxes nothing';
  if (callee === 'Fprintf' && format?.type !== 'interpreted_string_literal' && format?.type !== 'raw_string_literal') {
    return 'the format is not a string literal';
  }
  const own = types?.[0] && ownStringWriter(writer, types[0]);
  // Inside a call of two arguments gofmt writes the + chain without spaces; as the one argument, as the call was laid out.
  const join = own ? separator : '+';
  const built = format
    ? concatenation(format.text, values, imports, join, valueTypes)
    : rewriteSprint(values, imports, true, join, valueTypes);
  if (typeof built === 'string') return built;
  if (own) {
    return {
      fix: 'writeString',
      text: `${own}.WriteString(${built.text})`,
      title: `Use ${abbreviate(own)}.WriteString instead of fmt.${callee}`,
      imports: built.imports,
    };
  }
  return {
    fix: 'writeString',
    text: `io.WriteString(${writer.text}, ${built.text})`,
    title: `Use io.WriteString instead of fmt.${callee}`,
    imports: ['io', ...built.imports],
  };
}

/**
 * Writers whose WriteString method writes the string's bytes as Write would and keeps nothing of it, with
 * the same `(int, error)` results as fmt.Fprintf: called directly, the concatenation stays off the heap,
 * where through io.WriteString's interface it escapes.
 */
const OWN_STRING_WRITERS: ReadonlySet<string> = new Set(['*bytes.Buffer', '*strings.Builder', '*bufio.Writer']);

/** How to name `writer` for its own WriteString (`buf`, or `buffer` for `&buffer`), when it has one. */
function ownStringWriter(writer: Node, type: OperandType): string | undefined {
  if (!OWN_STRING_WRITERS.has(type.type)) return undefined;
  if (writer.type === 'unary_expression' && writer.childForFieldName('operator')?.text === '&') {
    const operand = writer.childForFieldName('operand');
    return operand?.type === 'identifier' || operand?.type === 'selector_expression' ? operand.text : undefined;
  }
  return writer.type === 'identifier' || writer.type === 'selector_expression' ? writer.text : undefined;
}

const NO_PLAIN_STRING = 'no term is known to be a plain string, so a %s operand could be a named string type with its own String method';

/**
 * `fmt.Sprint(x)` with one operand: `strconv.Itoa(x)`, `strconv.FormatBool(x)`, or `x` itself when it is a
 * plain string. With several operands, their concatenation when all of them must be plain strings (Sprint
 * puts spaces only between operands neither of which is a string): one is known to be, or the result goes
 * where only a `string` compiles, so the compiler refuses any other type.
 */
function rewriteSprint(
  args: readonly Node[],
  imports: ReadonlyMap<string, string>,
  forced: boolean,
  separator: string,
  types?: ArgumentTypes,
): Replacement | string {
  if (args.length === 0) return 'fmt.Sprint without operands';
  if (types) return rewriteTypedSprint(args, imports, separator, types);
  if (args.length > 1) {
    const built = concatenation(`"${'%s'.repeat(args.length)}"`, args, imports, separator);
    if (typeof built === 'string') return built;
    if (!built.typedString && !forced) return 'fmt.Sprint with several operands puts spaces between those that are not strings';
    return { fix: 'concatenation', text: built.text, title: 'Concatenate instead of fmt.Sprint', imports: built.imports };
  }
  const [value] = args;
  const type = knownBasicType(value, imports);
  if (type === 'string' || (type === undefined && forced)) {
    return { fix: 'concatenation', text: value.text, title: 'Use the string instead of fmt.Sprint', imports: [] };
  }
  if (type === 'bool') return strconvCall(`strconv.FormatBool(${value.text})`);
  const integer = integerTerm(value, type);
  if (!integer) return `the operand's type (${type ?? 'not shown by the declarations'}) has no strconv equivalent here`;
  return strconvCall(integer);
}

/** Sprint prints each operand as %v does, with a space between two operands neither of which is a string. */
function rewriteTypedSprint(
  args: readonly Node[],
  imports: ReadonlyMap<string, string>,
  separator: string,
  types: readonly (OperandType | undefined)[],
): Replacement | string {
  const verbs = types.map((type, index) => {
    const previous = types[index - 1];
    return previous && type && !isStringKind(previous) && !isStringKind(type) ? ' %v' : '%v';
  });
  const built = concatenation(`"${verbs.join('')}"`, args, imports, separator, types);
  if (typeof built === 'string') return built;
  if (args.length > 1)
    return { fix: 'concatenation', text: built.text, title: 'Concatenate instead of fmt.Sprint', imports: built.imports };
  if (built.imports.length > 0) return strconvCall(built.text);
  const title =
    built.text === args[0].text ? 'Use the string instead of fmt.Sprint' : `Use ${abbreviate(built.text)} instead of fmt.Sprint`;
  return { fix: 'concatenation', text: built.text, title, imports: [] };
}

function strconvCall(text: string): Replacement {
  return { fix: 'strconvFormat', text, title: `Use ${text.replace(/\(.*$/s, '')} instead of fmt.Sprint`, imports: ['strconv'] };
}

interface Built {
  readonly text: string;
  readonly terms: readonly string[];
  readonly imports: readonly string[];
  /**
   * One term is a plain `string` (not untyped, not a named type): the compiler then checks all the others.
   * Also set when go/types typed every operand, which makes every term a plain string.
   */
  readonly typedString: boolean;
}

function concatenation(
  formatText: string,
  values: readonly Node[],
  imports: ReadonlyMap<string, string>,
  separator: string,
  types?: ArgumentTypes,
): Built | string {
  const parts = splitFormatLiteral(formatText);
  if (typeof parts === 'string') return parts;
  const verbs = parts.filter((part): part is Extract<FormatPart, { kind: 'verb' }> => part.kind === 'verb');
  if (verbs.length !== values.length) return `the format has ${verbs.length} verbs for ${values.length} operands`;
  const terms: string[] = [];
  const used = new Set<string>();
  let typedString = false;
  let operand = 0;
  for (const part of parts) {
    if (part.kind === 'text') {
      terms.push(part.literal);
      continue;
    }
    const value = values[operand];
    const valueType = types?.[operand];
    operand++;
    if (valueType) {
      const notNil =
        (value.type === 'identifier' && isNotNilAt(value.text, value)) ||
        (value.type === 'unary_expression' && value.childForFieldName('operator')?.text === '&');
      const term = typedTerm(part.verb, value.text, valueType, PRIMARY_EXPRESSIONS.has(value.type), notNil);
      if (typeof term === 'string') return term;
      terms.push(term.text);
      for (const path of term.imports) used.add(path);
      typedString = true;
      continue;
    }
    const type = knownBasicType(value, imports);
    switch (part.verb) {
      case 's':
      case 'v':
        // %v of a type the declarations do not show is written as %s: it prints the same for a plain string, the
        // only type that compiles where the concatenation must be a string (see typedString).
        if (part.verb === 'v' && type !== 'string' && type !== undefined) {
          const integer = integerTerm(value, type);
          if (!integer) return `%v of ${abbreviate(value.text)}, whose type has no plain-string form here`;
          terms.push(integer);
          used.add('strconv');
          typedString = true;
          break;
        }
        if (type === 'string') typedString = true;
        terms.push(needsParentheses(value) ? `(${value.text})` : value.text);
        break;
      case 'd': {
        const integer = integerTerm(value, type);
        if (!integer) return `%d of ${abbreviate(value.text)}, which is not an integer`;
        terms.push(integer);
        used.add('strconv');
        typedString = true;
        break;
      }
      case 't':
        terms.push(`strconv.FormatBool(${value.text})`);
        used.add('strconv');
        typedString = true;
        break;
      case 'q':
        terms.push(`strconv.Quote(${value.text})`);
        used.add('strconv');
        typedString = true;
        break;
      default:
        return `%${part.verb} of ${abbreviate(value.text)} needs its type, which the type checker did not give`;
    }
  }
  return { text: terms.length === 0 ? '""' : terms.join(separator), terms, imports: [...used], typedString };
}

/**
 * True when the call's result goes where only a plain `string` compiles: it is returned, alone at its
 * place, from a function whose result there is written `string` (passedAsPlainString: or passed to a
 * standard-library parameter of type `string`). A named string type is not assignable to
 * `string`, so every term of a concatenation put there must be a plain string (or an untyped constant).
 */
function resultMustBeString(call: Node): boolean {
  const list = call.parent;
  if (list?.type !== 'expression_list' || list.parent?.type !== 'return_statement') return false;
  const index = list.namedChildren.findIndex((child) => child.id === call.id);
  let holder = list.parent.parent;
  while (holder && !FUNCTION_TYPES.has(holder.type)) holder = holder.parent;
  const result = holder?.childForFieldName('result');
  if (!result) return false;
  const types: Node[] = [];
  if (result.type === 'parameter_list') {
    for (const declaration of result.namedChildren) {
      if (declaration.type !== 'parameter_declaration') return false;
      const type = declaration.childForFieldName('type');
      if (!type) return false;
      for (let count = Math.max(1, declaration.childrenForFieldName('name').length); count > 0; count--) types.push(type);
    }
  } else types.push(result);
  if (types.length !== list.namedChildren.length) return false;
  const type = types[index];
  return type?.type === 'type_identifier' && type.text === 'string' && !isRedeclared(call, 'string');
}

/**
 * `%d` of an integer: `strconv.Itoa(n)` takes only an `int`, so when the declarations do not show the type
 * the compiler decides; a declared sized type gets its exact strconv call.
 */
function integerTerm(value: Node, type: string | undefined): string | undefined {
  switch (type) {
    case undefined:
    case 'int':
    case 'untyped int':
      return `strconv.Itoa(${value.text})`;
    case 'int64':
      return `strconv.FormatInt(${value.text}, 10)`;
    case 'int8':
    case 'int16':
    case 'int32':
    case 'rune':
      return `strconv.FormatInt(int64(${value.text}), 10)`;
    case 'uint64':
      return `strconv.FormatUint(${value.text}, 10)`;
    case 'uint':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'byte':
      return `strconv.FormatUint(uint64(${value.text}), 10)`;
    default:
      return undefined;
  }
}

/**
 * How gofmt lays out a `+` chain where `call` stands: with spaces at the top of an expression, without
 * them inside a call of several arguments, an index, or a multi-value assignment (go/printer's "depth").
 * Parenthesized when the call is the operand of an index, slice or selector; refused inside another
 * operator, whose spacing gofmt decides from both.
 */
function gofmtLayout(call: Node): { separator: string; parenthesize: boolean } | string {
  const parent = call.parent;
  if (parent?.type === 'binary_expression' || parent?.type === 'unary_expression') return 'the call is an operand of another operator';
  const parenthesize =
    (parent?.type === 'index_expression' || parent?.type === 'slice_expression' || parent?.type === 'selector_expression') &&
    parent.childForFieldName('operand')?.id === call.id;
  let depth = 1;
  for (let node: Node = call, up = call.parent; up; node = up, up = up.parent) {
    if (up.type === 'argument_list' && up.namedChildren.length > 1) depth++;
    else if (up.type === 'index_expression' && up.childForFieldName('index')?.id === node.id) depth++;
    else if (up.type === 'expression_list' && up.namedChildren.length > 1) {
      const statement = up.parent;
      const left = statement?.childForFieldName('left');
      if (left && left.id !== up.id && left.namedChildren.length > 1) depth++;
    } else if (up.type === 'literal_value' || up.type === 'block' || up.type.endsWith('_statement') || up.type === 'short_var_declaration')
      break;
  }
  return { separator: depth > 1 ? '+' : ' + ', parenthesize };
}

/** `w.Write([]byte(fmt.Sprintf(…)))`: the Write call, when `call` is the Sprintf/Sprint inside it. */
function writtenThroughWrite(call: Node): Node | undefined {
  const conversion = call.parent;
  if (conversion?.type !== 'type_conversion_expression' || conversion.childForFieldName('type')?.text !== '[]byte') return undefined;
  const list = conversion.parent;
  if (list?.type !== 'argument_list' || list.namedChildren.length !== 1) return undefined;
  const write = list.parent;
  const callee = write?.childForFieldName('function');
  if (write?.type !== 'call_expression' || callee?.type !== 'selector_expression' || callee.childForFieldName('field')?.text !== 'Write') {
    return undefined;
  }
  return write;
}

/**
 * `fmt.Fprintf(w, …)` writes the same bytes with one call to `w.Write` and returns what it returned; it
 * compiles only when `w` is an io.Writer, whose contract forbids keeping the slice.
 */
function rewriteWrite(write: Node, call: Node, callee: string, fmtName: string): Replacement | string {
  if (callee === 'Errorf') return 'an error is not written';
  const args = argumentsOf(call);
  if (typeof args === 'string') return args;
  const writer = write.childForFieldName('function')!.childForFieldName('operand')!;
  if (writer.text.includes('\n')) return 'the writer spans lines';
  const printer = callee === 'Sprintf' ? 'Fprintf' : 'Fprint';
  return {
    fix: 'writeFormatted',
    text: `${fmtName}.${printer}(${[writer.text, ...args.map((arg) => arg.text)].join(', ')})`,
    title: `Use fmt.${printer}(${abbreviate(writer.text)}, …) instead of converting fmt.${callee}'s result`,
    imports: ['fmt'],
  };
}

function argumentsOf(call: Node): Node[] | string {
  const list = call.childForFieldName('arguments');
  if (!list) return 'the call has no arguments';
  if (list.namedChildren.some((child) => child.type === 'comment')) return 'the call has comments inside';
  if (list.text.includes('...')) return 'the operands are passed as a slice (...)';
  const args = list.namedChildren;
  if (args.some((arg) => arg.text.includes('\n'))) return 'an operand spans lines';
  return args;
}

function fmtCallee(call: Node, fmtName: string): string | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'selector_expression') return undefined;
  const operand = callee.childForFieldName('operand');
  return operand?.type === 'identifier' && operand.text === fmtName ? callee.childForFieldName('field')?.text : undefined;
}

/** `path` can be imported under its own name: nothing else in the file has that name. */
function usableImportName(root: Node, imports: ReadonlyMap<string, string>, importPath: string): boolean {
  const name = importPath.split('/').pop()!;
  const bound = imports.get(name);
  if (bound !== undefined && bound !== importPath) return false;
  if (bound === undefined && [...imports.values()].includes(importPath)) return false;
  return !identifiersNamed(root, name).some(isDeclaringName);
}

/** True when the file uses `name` (a package name) outside `except` and its import declarations. */
function usesOutside(root: Node, name: string, except: Node): boolean {
  const importDeclarations = root.namedChildren.filter((node) => node.type === 'import_declaration');
  return (
    descendants(
      root,
      (node) =>
        (node.type === 'identifier' || node.type === 'package_identifier') &&
        node.text === name &&
        !isWithin(node, except) &&
        !importDeclarations.some((declaration) => isWithin(node, declaration)),
    ).length > 0
  );
}

/** Expressions a method can be selected on as written. */
const PRIMARY_EXPRESSIONS: ReadonlySet<string> = new Set([
  'identifier',
  'selector_expression',
  'call_expression',
  'index_expression',
  'parenthesized_expression',
  'type_conversion_expression',
]);

function needsParentheses(value: Node): boolean {
  return value.type === 'binary_expression' && value.childForFieldName('operator')?.text !== '+';
}

function abbreviate(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 30 ? `${flat.slice(0, 27)}...` : flat;
}
