/**
 * Capture by value: the compiler moved `x` to the heap because a closure captures it *by reference* (Go
 * captures a variable by value only if nothing writes it after the capture, its address is never taken and
 * it is at most 128 bytes). When nothing writes `x` once the closure exists, the closure cannot tell a copy
 * from the variable, so we copy it into a fresh local right before the closure:
 *
 *     xCopy := x          // or `x := x` when the closure sits in a nested block
 *     return func() int { return xCopy }
 *
 * Writes are found syntactically (assignments, `x++`, `&x`, method calls on `x`, which may take its
 * address); every one must come before the copy, outside any closure and outside any loop that also repeats
 * the closure. An address passed straight to a call is allowed: if the callee kept it, the compiler still
 * moves `x`, the copy removes nothing, and the fix is not offered.
 */
import type { Node } from 'web-tree-sitter';
import type { EscapeFact } from '../model/facts';
import { nodeRange } from '../syntax/locateFact';
import { compilerToLspPosition } from '../syntax/positions';
import type { LspRange, SourceText } from '../model/positions';
import {
  classifyUse,
  closest,
  enclosingFunction,
  freshName,
  identifiersNamed,
  isDeclaringName,
  isWithin,
  statementInList,
  type UseContext,
} from './goTree';
import { insertLinesBefore, replaceNode } from './textEdits';
import type { TextEdit } from '../model/fixes';

export interface CaptureAnalysis {
  readonly variable: string;
  readonly fact: EscapeFact;
  readonly triggerRanges: readonly LspRange[];
  readonly edits: readonly TextEdit[];
  readonly refusal?: string;
}

/** The reason word the compiler gives when a closure captures a variable by reference. */
export const CAPTURED_BY_A_CLOSURE = 'captured by a closure';

export function isClosureCapture(fact: EscapeFact): boolean {
  return fact.kind === 'moved' && fact.flows.some((flow) => flow.steps.some((step) => step.reason === CAPTURED_BY_A_CLOSURE));
}

/**
 * What the compiler says about the package's functions, to know whether a call that is handed `&x` (or calls
 * a method on `x`) could keep the address after it returns. A callee's own facts say: its parameter "does not
 * escape" only if the function keeps it nowhere, not even in memory its caller owns.
 */
export interface CaptureContext extends UseContext {
  /** True when the package function `name`'s parameter `index` is reported "does not escape" or leaks only its content. */
  readonly parameterStaysLocal: (name: string, index: number) => boolean;
  /** True when every pointer-receiver method called `name` in the package keeps no address of its receiver. */
  readonly receiverStaysLocal: (name: string) => boolean;
  /** The module's Go version gives each loop iteration its own variables (Go 1.22 and later). */
  readonly perIterationLoopVariables: boolean;
}

export function analyseCaptures(root: Node, source: SourceText, facts: readonly EscapeFact[], context: CaptureContext): CaptureAnalysis[] {
  return facts.filter(isClosureCapture).flatMap((fact) => {
    const analysis = analyseCapture(root, source, fact, context);
    return analysis ? [analysis] : [];
  });
}

function analyseCapture(root: Node, source: SourceText, fact: EscapeFact, context: CaptureContext): CaptureAnalysis | undefined {
  const variable = fact.expression;
  const at = compilerToLspPosition(source, fact.position.line, fact.position.byteColumn);
  const step = fact.flows.flatMap((flow) => flow.steps).find((candidate) => candidate.reason === CAPTURED_BY_A_CLOSURE);
  const capturedAt =
    step?.position && step.position.file === fact.position.file
      ? compilerToLspPosition(source, step.position.line, step.position.byteColumn)
      : null;
  if (!at || !capturedAt) return undefined;
  const declared = root.descendantForPosition({ row: at.line, column: at.character });
  const captured = root.descendantForPosition({ row: capturedAt.line, column: capturedAt.character });
  if (declared?.type !== 'identifier' || declared.text !== variable || !captured) return undefined;

  const base = { variable, fact, triggerRanges: [nodeRange(declared)] };
  const refuse = (refusal: string): CaptureAnalysis => ({ ...base, edits: [], refusal });
  const line = (node: Node) => node.startPosition.row + 1;

  const owner = enclosingFunction(declared);
  const closure = outermostClosure(captured, declared, owner);
  if (!owner || !closure) return refuse(`the closure that captures ${variable} was not found`);
  const triggerRanges = [...base.triggerRanges, nodeRange(closure.child(0) ?? closure)];
  if (declared.parent?.parent?.id === owner.childForFieldName('result')?.id) {
    return refuse(`${variable} is a named result, which closures always capture by reference`);
  }
  if (!context.perIterationLoopVariables && closest(declared, ['for_clause', 'range_clause'])) {
    return refuse(`${variable} is a loop variable shared by all iterations (the module's Go version is older than 1.22)`);
  }
  const occurrences = identifiersNamed(owner, variable);
  if (occurrences.filter(isDeclaringName).length !== 1) return refuse(`${variable} is declared more than once in the function`);

  const statement = statementInList(closure);
  if (!statement || !isWithin(statement, owner) || isWithin(declared, statement)) {
    return refuse(`there is no statement before the closure to copy ${variable} in`);
  }
  const loop = loopAround(closure, declared, owner);
  for (const use of occurrences) {
    if (use.id === declared.id) continue;
    const kind = classifyUse(use, context);
    if (kind !== 'assign' && kind !== 'address' && kind !== 'methodCall') continue;
    if (insideClosure(use, owner)) return refuse(`${variable} is written inside a closure (line ${line(use)})`);
    const kept = kind === 'address' ? addressKept(use, context) : kind === 'methodCall' ? receiverKept(use, context) : undefined;
    if (kept) return refuse(`${kept} (line ${line(use)}), so ${variable} may be written after the closure is made`);
    if (use.endIndex > statement.startIndex) return refuse(`${variable} is written after the closure is made (line ${line(use)})`);
    if (loop && isWithin(use, loop))
      return refuse(`${variable} is written in a loop that also makes the closure again (line ${line(use)})`);
  }

  const sameScope = declaredInScopeOf(declared, owner)?.id === statement.parent?.id;
  const name = sameScope ? freshName(`${variable}Copy`, [source.text]) : variable;
  const copy = insertLinesBefore(statement, source, [`${name} := ${variable}`]);
  if (!copy) return refuse(`the statement with the closure does not start its line`);
  const edits: TextEdit[] = [copy];
  if (sameScope) {
    for (const use of identifiersNamed(closure, variable)) {
      const kind = classifyUse(use, context);
      if (kind === 'key' || kind === 'declare')
        return refuse(`${variable} is also a key or a new name inside the closure (line ${line(use)})`);
      edits.push(replaceNode(use, name));
    }
  }
  return { ...base, triggerRanges, edits };
}

/** Why `&x` here may outlive the call it is passed to; undefined when the compiler says it does not. */
function addressKept(use: Node, context: CaptureContext): string | undefined {
  const address = use.parent;
  const argumentList = address?.parent;
  const call = argumentList?.parent;
  const callee = call?.childForFieldName('function');
  if (address?.type !== 'unary_expression' || argumentList?.type !== 'argument_list' || call?.type !== 'call_expression') {
    return `its address is kept`;
  }
  const index = argumentList.namedChildren.findIndex((argument) => argument.id === address.id);
  if (callee?.type !== 'identifier' || !context.parameterStaysLocal(callee.text, index)) {
    return `its address is passed to ${callee?.text ?? 'a call'}, which the compiler does not say keeps it only while it runs`;
  }
  return undefined;
}

/** Why `x.M()` may keep `&x`: M is not a package method whose receiver the compiler says does not escape. */
function receiverKept(use: Node, context: CaptureContext): string | undefined {
  const selector = use.parent;
  if (selector?.type !== 'selector_expression' || selector.childForFieldName('operand')?.id !== use.id) {
    return `a method is called on a part of it`;
  }
  const method = selector.childForFieldName('field')?.text ?? '';
  return context.receiverStaysLocal(method) ? undefined : `${method} is called on it and may keep its address`;
}

/** The closure, inside the declaring function, that holds the capture: the outermost one not holding the declaration. */
function outermostClosure(captured: Node, declared: Node, owner: Node | undefined): Node | undefined {
  let found: Node | undefined;
  for (let node: Node | null = captured; node && node.id !== owner?.id; node = node.parent) {
    if (node.type === 'func_literal' && !isWithin(declared, node)) found = node;
  }
  return found;
}

function insideClosure(node: Node, owner: Node): boolean {
  for (let current = node.parent; current && current.id !== owner.id; current = current.parent) {
    if (current.type === 'func_literal') return true;
  }
  return false;
}

/** The outermost loop that repeats the closure but not the declaration: its writes happen after a closure exists. */
function loopAround(closure: Node, declared: Node, owner: Node): Node | undefined {
  let found: Node | undefined;
  for (let node = closure.parent; node && node.id !== owner.id; node = node.parent) {
    if (node.type === 'for_statement' && !isWithin(declared, node)) found = node;
  }
  return found;
}

/** The statement list a variable is declared in (for a parameter, the function body's). */
function declaredInScopeOf(declared: Node, owner: Node): Node | undefined {
  if (declared.parent?.type === 'parameter_declaration' || declared.parent?.type === 'variadic_parameter_declaration') {
    return owner.childForFieldName('body')?.namedChildren.find((child) => child.type === 'statement_list');
  }
  for (let node = declared.parent; node && node.id !== owner.id; node = node.parent) {
    if (node.type === 'statement_list') return node;
    if (['if_statement', 'for_statement', 'expression_switch_statement', 'type_switch_statement'].includes(node.type)) return node;
  }
  return undefined;
}
