/**
 * Use a value receiver: `func (v *Vector) Magnitude() float64` becomes `func (v Vector) Magnitude() float64`.
 *
 * With a pointer receiver the method reads the caller's object *while it runs*; with a value receiver it
 * reads a copy taken at the call. The two agree only if nothing can change the object during the call and the
 * method never needs the pointer itself. Without types we cannot see aliasing, so the rule is strict: the
 * method writes nothing but its own local variables, calls nothing but pure functions (builtins, conversions,
 * `math`, `strings`, `strconv`, … and the type's own value methods), starts no goroutine, closure or deferred
 * call, and uses the receiver only to read its fields. Two more ways the change shows: a nil `*T` now panics
 * at the call instead of inside the method, so the method's first statement must read a field anyway; and
 * `T` itself gains the method, so methods that fmt, encoding/json or errors look for dynamically (`String`,
 * `Error`, `MarshalJSON`, …) are left alone.
 */
import type { Node } from 'web-tree-sitter';
import { type FunctionMatch, functionMatches } from '../syntax/declarations';
import { nodeRange } from '../syntax/locateFact';
import type { LspPosition, LspRange } from '../model/positions';
import { blockStatements, chainTop, classifyUse, identifiersNamed, isDeclaringName, signatureRange, type UseContext, walk } from './goTree';
import { deleteBetween } from './textEdits';
import type { TextEdit } from '../model/fixes';

/** One method declaration, as the other fixes need to know it. */
export interface MethodHeader {
  readonly typeName: string;
  readonly name: string;
  readonly file: string;
  readonly pointerReceiver: boolean;
  /** Undefined for an unnamed or `_` receiver. */
  readonly receiverName?: string;
  /** Where the receiver's name is: the compiler's `v does not escape` is reported there. */
  readonly receiverPosition?: LspPosition;
  readonly nameRange: LspRange;
  readonly receiverRange: LspRange;
  /** From `func` to the body: where the lightbulb shows for the method as a whole. */
  readonly signatureRange: LspRange;
}

/** What the body of a pointer-receiver method allows. */
export interface ReceiverBodyAnalysis {
  readonly header: MethodHeader;
  /** Deletes the `*` of the receiver type. */
  readonly edit: TextEdit;
  /** `v.M()` calls: allowed only when M has a value receiver (checked against the whole package). */
  readonly methodsCalledOnReceiver: readonly string[];
  /** Names called as functions that may be conversions to the package's types (checked against them). */
  readonly conversions: readonly string[];
  readonly refusal?: string;
}

/**
 * Methods fmt, encoding/*, errors, database/sql and log/slog find through interfaces at run time: giving `T`
 * (not only `*T`) one of them changes what those packages do with a `T` value.
 */
export const DYNAMICALLY_FOUND_METHODS: ReadonlySet<string> = new Set([
  'String',
  'GoString',
  'Format',
  'Error',
  'Unwrap',
  'Is',
  'As',
  'Timeout',
  'Temporary',
  'MarshalJSON',
  'MarshalText',
  'MarshalBinary',
  'MarshalXML',
  'MarshalYAML',
  'AppendText',
  'AppendBinary',
  'Value',
  'LogValue',
  'Len',
  'Less',
  'Swap',
]);

const PURE_BUILTINS = new Set(['len', 'cap', 'min', 'max', 'real', 'imag', 'complex']);
const BASIC_TYPES = new Set([
  'bool',
  'string',
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'uintptr',
  'byte',
  'rune',
  'float32',
  'float64',
  'complex64',
  'complex128',
]);

/** Packages whose functions read their arguments and write nothing but their results (the exceptions excluded). */
const PURE_PACKAGES: Readonly<Record<string, (name: string) => boolean>> = {
  math: () => true,
  'math/bits': () => true,
  'math/cmplx': () => true,
  cmp: () => true,
  unicode: () => true,
  'unicode/utf8': (name) => name !== 'EncodeRune' && !name.startsWith('Append'),
  strconv: (name) => !name.startsWith('Append'),
  // Functions taking a func argument could call anything.
  strings: (name) => !name.endsWith('Func') && name !== 'Map',
};

export function methodHeaders(root: Node, file: string): MethodHeader[] {
  return functionMatches(root).flatMap((match) => {
    const header = methodHeader(match, file);
    return header ? [header] : [];
  });
}

function methodHeader(
  { function: declaration, name: nameNode, receiver, receiverType: type }: FunctionMatch,
  file: string,
): MethodHeader | undefined {
  if (!receiver || !type) return undefined;
  const pointerReceiver = type.type === 'pointer_type';
  const named = pointerReceiver ? type.namedChildren[0] : type;
  const typeName = named?.type === 'generic_type' ? (named.childForFieldName('type')?.text ?? named.text) : (named?.text ?? '');
  const receiverName = receiver.childForFieldName('name');
  return {
    typeName,
    name: nameNode.text,
    file,
    pointerReceiver,
    ...(receiverName && receiverName.text !== '_'
      ? { receiverName: receiverName.text, receiverPosition: nodeRange(receiverName).start }
      : {}),
    nameRange: nodeRange(nameNode),
    receiverRange: nodeRange(receiver),
    signatureRange: signatureRange(declaration),
  };
}

export function analyseReceiverBodies(
  root: Node,
  file: string,
  imports: ReadonlyMap<string, string>,
  useContext: UseContext,
): ReceiverBodyAnalysis[] {
  const analyses: ReceiverBodyAnalysis[] = [];
  for (const match of functionMatches(root)) {
    const header = methodHeader(match, file);
    if (!header?.pointerReceiver) continue;
    const { function: node, receiverType: type } = match as Required<FunctionMatch>;
    const edit = deleteBetween(type, type.namedChildren[0]);
    const methodsCalledOnReceiver: string[] = [];
    const conversions: string[] = [];
    const refusal = bodyRefusal(node, header, imports, useContext, methodsCalledOnReceiver, conversions);
    analyses.push({ header, edit, methodsCalledOnReceiver, conversions, ...(refusal ? { refusal } : {}) });
  }
  return analyses;
}

function bodyRefusal(
  method: Node,
  header: MethodHeader,
  imports: ReadonlyMap<string, string>,
  useContext: UseContext,
  methodsCalledOnReceiver: string[],
  conversions: string[],
): string | undefined {
  const receiver = header.receiverName;
  const body = method.childForFieldName('body');
  if (!receiver) return `${header.name} never reads its receiver, so a nil *${header.typeName} would start to panic`;
  if (!body) return `${header.name} has no body`;
  const line = (node: Node) => node.startPosition.row + 1;

  let problem: string | undefined;
  walk(body, (node) => {
    if (problem) return false;
    switch (node.type) {
      case 'func_literal':
      case 'go_statement':
      case 'defer_statement':
        problem = `${header.name} starts a closure, goroutine or deferred call (line ${line(node)})`;
        return false;
      case 'send_statement':
      case 'select_statement':
        problem = `${header.name} communicates on a channel (line ${line(node)}), so others may change the receiver meanwhile`;
        return false;
      case 'unary_expression':
        if (node.childForFieldName('operator')?.text === '<-') {
          problem = `${header.name} receives from a channel (line ${line(node)}), so others may change the receiver meanwhile`;
        }
        return;
      case 'assignment_statement':
      case 'inc_statement':
      case 'dec_statement':
      case 'range_clause': {
        const targets =
          node.type === 'inc_statement' || node.type === 'dec_statement'
            ? node.namedChildren.slice(0, 1)
            : (node.childForFieldName('left')?.namedChildren ?? []);
        if (node.type === 'range_clause' && node.children.some((child) => child.type === ':=')) return;
        for (const target of targets) {
          if (target.type !== 'identifier') {
            problem = `${header.name} writes ${target.text} (line ${line(target)}), which may be the receiver's memory`;
          } else if (target.text === receiver) {
            problem = `${header.name} assigns its receiver (line ${line(target)})`;
          } else if (target.text !== '_' && !identifiersNamed(method, target.text).some(isDeclaringName)) {
            problem = `${header.name} writes the package variable ${target.text} (line ${line(target)})`;
          }
        }
        return;
      }
      case 'call_expression': {
        const callee = node.childForFieldName('function');
        const why = calleeProblem(callee, receiver, imports, methodsCalledOnReceiver, conversions);
        if (why) problem = `${header.name} calls ${callee?.text ?? 'a function'} (line ${line(node)}), ${why}`;
        return;
      }
    }
  });
  if (problem) return problem;

  for (const use of identifiersNamed(body, receiver)) {
    const kind = classifyUse(use, useContext);
    const selector =
      use.parent?.type === 'selector_expression' && use.parent.childForFieldName('operand')?.id === use.id ? use.parent : undefined;
    if (kind === 'declare') return `${header.name} declares another ${receiver} (line ${line(use)})`;
    if (!selector) return `${header.name} uses the receiver pointer itself (line ${line(use)})`;
    if (kind === 'assign') return `${header.name} writes through its receiver (line ${line(use)})`;
    if (kind === 'address') return `${header.name} takes the address of part of its receiver (line ${line(use)})`;
    if (kind === 'methodCall' && chainTop(use).id !== selector.id) {
      return `${header.name} calls a method on a field of its receiver (line ${line(use)}), which may take its address`;
    }
  }
  if (!firstStatementReadsReceiver(body, receiver)) {
    return `${header.name} does not read its receiver first, so a nil *${header.typeName} could start to panic`;
  }
  return undefined;
}

/** Why a call may change the receiver during the method, or undefined when it cannot. */
function calleeProblem(
  callee: Node | null,
  receiver: string,
  imports: ReadonlyMap<string, string>,
  methodsCalledOnReceiver: string[],
  conversions: string[],
): string | undefined {
  if (!callee) return 'which we cannot see';
  if (callee.type === 'identifier') {
    if (PURE_BUILTINS.has(callee.text) || BASIC_TYPES.has(callee.text)) return undefined;
    conversions.push(callee.text);
    return undefined;
  }
  if (callee.type === 'parenthesized_type' || callee.type === 'array_type' || callee.type === 'slice_type') return undefined;
  if (callee.type === 'selector_expression') {
    const operand = callee.childForFieldName('operand');
    const name = callee.childForFieldName('field')?.text ?? '';
    if (operand?.type === 'identifier' && operand.text === receiver) {
      methodsCalledOnReceiver.push(name);
      return undefined;
    }
    const importPath = operand?.type === 'identifier' ? imports.get(operand.text) : undefined;
    if (importPath && PURE_PACKAGES[importPath]?.(name)) return undefined;
  }
  return 'which may change the receiver while the method runs';
}

/**
 * True when the body's first statement reads a field of the receiver on every path, before anything with an
 * effect could happen: then a nil receiver panics in both versions, with nothing done in between.
 */
function firstStatementReadsReceiver(body: Node, receiver: string): boolean {
  const first = blockStatements(body)[0];
  if (!first) return false;
  return identifiersNamed(first, receiver).some((use) => {
    if (use.parent?.type !== 'selector_expression') return false;
    for (let child: Node = use, node = use.parent; node && child.id !== first.id; child = node, node = node.parent!) {
      if (!alwaysEvaluated(node, child)) return false;
    }
    return true;
  });
}

const UNCONDITIONAL = new Set([
  'return_statement',
  'expression_statement',
  'short_var_declaration',
  'assignment_statement',
  'var_declaration',
  'var_spec',
  'expression_list',
  'selector_expression',
  'index_expression',
  'unary_expression',
  'call_expression',
  'argument_list',
  'parenthesized_expression',
  'composite_literal',
  'literal_value',
  'keyed_element',
  'literal_element',
  'inc_statement',
  'dec_statement',
  'type_conversion_expression',
]);

function alwaysEvaluated(node: Node, child: Node): boolean {
  if (UNCONDITIONAL.has(node.type)) return true;
  if (node.type === 'binary_expression') {
    const operator = node.childForFieldName('operator')?.text;
    return !((operator === '&&' || operator === '||') && node.childForFieldName('right')?.id === child.id);
  }
  if (node.type === 'if_statement' || node.type === 'expression_switch_statement') {
    return ['initializer', 'condition', 'value'].some((field) => node.childForFieldName(field)?.id === child.id);
  }
  return false;
}
