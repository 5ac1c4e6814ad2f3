/**
 * The compiler's flow chain, told as numbered steps in plain words, each linked to its file and line:
 *
 *   1. assigned to `config` ([config.go:27](file:///…/config.go#L27,2))
 *   2. converted to an interface value ([config.go:28](file:///…/config.go#L28,14))
 *   …
 *   → the heap
 *
 * Pure: (fact, sources) => steps. The compiler's `-m=2` explanation is a list of `flow: DST ← SRC` paragraphs,
 * each a list of `from EXPR (reason) at POS` lines; its bookkeeping steps (`spill`, a `reference` repeating
 * the capture before it) are dropped, and inlined calls, which the compiler shows as assignments to the
 * callee's parameters and results at the call's `(`, are told as calls.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompilerPosition, EscapeFact, FlowStep } from '../model/facts';
import { compilerToLspPosition } from '../syntax/positions';
import type { SourceText } from '../model/positions';
import { reasonText } from './reasonText';
import { expressionMarkdown } from './userTerms';

export interface ExplanationContext {
  /** The text of a package file, to read what is at a step's position and to convert its column. */
  readonly sourceOf: (file: string) => SourceText | undefined;
  /** Whether the compiler put `expression` on the heap in `functionName`: a destination that is itself there says so. */
  readonly isOnHeap?: (expression: string, functionName: string | undefined) => boolean;
}

export interface ExplanationStep {
  /** Markdown, without the link. */
  readonly text: string;
  readonly reason: string;
  readonly position: CompilerPosition | null;
}

export interface Explanation {
  readonly steps: readonly ExplanationStep[];
  /** Where the chain ends, in words (Markdown): "the heap", "the result of `NewPoint`". */
  readonly destination?: string;
}

/** Reasons that are bookkeeping, not causes: the compiler's temporary for a value. */
const SILENT_REASONS = new Set(['spill']);

export function explainFlows(fact: EscapeFact, context: ExplanationContext): Explanation {
  const steps: ExplanationStep[] = [];
  /** The callee whose parameters are bound at a call's `(`: later bindings there are calls nested inside it. */
  const boundAt = new Map<string, string>();
  for (const flow of fact.flows) {
    flow.steps.forEach((step, index) => {
      if (SILENT_REASONS.has(step.reason)) return;
      const previous = steps[steps.length - 1];
      // "captured by a closure" is followed by "reference" at the same place: one step for the reader.
      if (step.reason === 'reference' && previous && samePosition(previous.position, step.position)) return;
      const isLastOfChain = flow === fact.flows[fact.flows.length - 1] && index === flow.steps.length - 1;
      const text = stepText(step, { fact, context, destination: flow.destination, source: flow.source, isLastOfChain, boundAt });
      if (previous && previous.text === text && samePosition(previous.position, step.position)) return;
      steps.push({ text, reason: step.reason, position: step.position });
    });
  }
  const last = fact.flows[fact.flows.length - 1];
  return { steps, ...(last ? { destination: destinationText(last.destination, fact, context) } : {}) };
}

/** The numbered list, one step per line, each with its link; then the destination. */
export function renderExplanation(explanation: Explanation, context: ExplanationContext): string {
  const lines = explanation.steps.map((step, index) => {
    const link = step.position ? ` (${positionLink(step.position, context)})` : '';
    return `${index + 1}. ${step.text}${link}`;
  });
  if (explanation.destination) lines.push('', `→ ${explanation.destination}`);
  return lines.join('\n');
}

/** `[main.go:14](file:///…/main.go#L14,9)`: VS Code opens the file at that line and column. */
export function positionLink(position: CompilerPosition, context: ExplanationContext): string {
  const source = context.sourceOf(position.file);
  const converted = source ? compilerToLspPosition(source, position.line, position.byteColumn) : null;
  const fragment = converted ? `L${position.line},${converted.character + 1}` : `L${position.line}`;
  return `[${path.basename(position.file)}:${position.line}](${pathToFileURL(position.file).href}#${fragment})`;
}

interface StepContext {
  readonly fact: EscapeFact;
  readonly context: ExplanationContext;
  /** The destination and source of the flow this step belongs to (`&c` is the address of `c`). */
  readonly destination: string;
  readonly source: string;
  readonly isLastOfChain: boolean;
  readonly boundAt: Map<string, string>;
}

function stepText(step: FlowStep, { fact, context, destination, source, isLastOfChain, boundAt }: StepContext): string {
  const expression = expressionMarkdown(step.expression);
  const atCall = step.position ? inlinedCallAt(step.position, context) : undefined;
  const positionKey = step.position ? `${step.position.file}:${step.position.line}:${step.position.byteColumn}` : '';
  /** Set when an earlier step bound a parameter at this `(`: this step is inside that inlined callee. */
  const outerCallee = boundAt.get(positionKey);
  switch (step.reason) {
    case 'address-of':
      return `its address is taken: ${expression}`;
    case 'reference':
      return `referenced by its address: ${expression}`;
    case 'assign': {
      const target = assignedTo(step.expression);
      if (target && isResult(target)) return `becomes the function's result: ${expression}`;
      if (destination === '{heap}' && isLastOfChain && target) {
        return `stored in ${expressionMarkdown(target)}, which outlives this function: ${expression}`;
      }
      return target ? `assigned to ${expressionMarkdown(target)}` : `assigned: ${expression}`;
    }
    case 'assign-pair': {
      const target = assignedTo(step.expression);
      if (atCall?.kind === 'call' && target) {
        if (outerCallee) {
          return isResult(target)
            ? `returned by a call inlined inside ${code(outerCallee)}`
            : `passed to a call inlined inside ${code(outerCallee)}, as its parameter ${code(target)}`;
        }
        if (isResult(target)) return `returned by ${code(atCall.callee)} (inlined here)`;
        if (!target.startsWith('.')) {
          boundAt.set(positionKey, atCall.callee);
          return `passed to ${code(atCall.callee)} (inlined here) as its parameter ${code(target.slice(target.lastIndexOf('.') + 1))}`;
        }
      }
      if (target && isResult(target)) return 'becomes the result of an inlined call';
      if (atCall?.kind === 'go' || atCall?.kind === 'defer') {
        return atCall.kind === 'go'
          ? 'kept for the `go` statement, whose goroutine may run after this function returns'
          : 'kept for the deferred call, which runs when this function returns';
      }
      return target ? `assigned to ${expressionMarkdown(target)} (one of several values assigned at once)` : `assigned: ${expression}`;
    }
    case 'return':
      return fact.functionName ? `returned from ${code(fact.functionName)}` : 'returned to the caller';
    case 'call parameter': {
      const callee = calleeOf(step.expression);
      if (callee === 'append') return `passed to ${expression}, whose result holds it`;
      const caller = outerCallee ?? (atCall?.kind === 'call' ? atCall.callee : undefined);
      const inside = caller && callee && caller !== callee ? ` (called inside ${code(caller)}, inlined here)` : '';
      return callee
        ? `passed to ${code(callee)}${inside}, which may keep it: its parameter leaks, or the compiler cannot see its body (an interface method or a function value)`
        : `passed to a call that may keep it: ${expression}`;
    }
    case 'interface-converted':
      return `converted to an interface value: ${expression}`;
    case 'slice-literal-element':
      if (step.expression === '... argument' && atCall?.kind === 'call') {
        return outerCallee
          ? `packed into the \`...\` arguments of a call inside the inlined ${code(outerCallee)}`
          : `packed into the \`...\` arguments of ${code(atCall.callee)}`;
      }
      return `stored in a slice literal: ${expression}`;
    case 'captured by a closure':
      // The flow's source is `&c` when the closure holds c's address, `c` when it holds a copy.
      return source.startsWith('&')
        ? `captured by reference by a closure that uses it: ${expression}`
        : `captured (copied) by a closure that uses it: ${expression}`;
    case 'send':
      return `sent on a channel: another goroutine may use it after this function returns: ${expression}`;
    case 'too large for stack':
      return `too large for the stack: ${expression}`;
    case 'non-constant size':
      return `the size is not known at compile time: ${expression}`;
    case 'struct literal element':
      return `stored in a field of ${expression}`;
    case 'dot of pointer':
      return `read through the pointer: ${expression}`;
    default:
      return `${reasonText(step.reason).sentence}: ${expression}`;
  }
}

function destinationText(destination: string, fact: EscapeFact, context: ExplanationContext): string {
  if (destination === '{heap}') return '**the heap**';
  if (isResult(destination)) {
    return `the result of ${fact.functionName ? code(fact.functionName) : 'the function'}: the caller may keep it, so it must outlive the call`;
  }
  const storage = /^\{storage for (.*)\}$/.exec(destination);
  if (storage) {
    const owner = storage[1] === 'func literal' ? 'the closure' : `the storage allocated for ${expressionMarkdown(storage[1])}`;
    return context.isOnHeap?.(storage[1], fact.functionName) ? `${owner}, which is itself on the heap` : owner;
  }
  const shown = expressionMarkdown(destination);
  return context.isOnHeap?.(destination, fact.functionName) ? `${shown}, which is itself on the heap` : shown;
}

/** `~r0`, `~R0`: the compiler's names for results. */
function isResult(name: string): boolean {
  return /^~[rR]\d+$/.test(name);
}

/** `x := y`, `x = y`, `m[k] = v` → the left-hand side. */
export function assignedTo(expression: string): string | undefined {
  const match = /^(.+?) (?::=|=) /.exec(expression);
  return match?.[1];
}

/** `fmt.Fprintln(os.Stdout, fmt.a...)` → `fmt.Fprintln`; `w.Write(data)` → `w.Write`. */
export function calleeOf(expression: string): string | undefined {
  const match = /^([\p{L}\p{N}_.]+)\(/u.exec(expression);
  return match?.[1];
}

type InlinedCall = { readonly kind: 'call'; readonly callee: string } | { readonly kind: 'go' | 'defer' };

/**
 * What the compiler's position points at, when it is a call's `(` (the compiler places an inlined call's
 * parameter and result assignments there) or a `go`/`defer` keyword (their wrappers' temporaries).
 */
export function inlinedCallAt(position: CompilerPosition, context: ExplanationContext): InlinedCall | undefined {
  const source = context.sourceOf(position.file);
  if (!source) return undefined;
  const converted = compilerToLspPosition(source, position.line, position.byteColumn);
  if (!converted) return undefined;
  const line = source.lines[converted.line];
  const rest = line.slice(converted.character);
  if (/^go\b/.test(rest)) return { kind: 'go' };
  if (/^defer\b/.test(rest)) return { kind: 'defer' };
  if (!rest.startsWith('(')) return undefined;
  const callee = /([\p{L}\p{N}_.]+(?:\[[^\]]*\])?)$/u.exec(line.slice(0, converted.character))?.[1];
  return callee ? { kind: 'call', callee } : undefined;
}

function samePosition(a: CompilerPosition | null, b: CompilerPosition | null): boolean {
  return !!a && !!b && a.file === b.file && a.line === b.line && a.byteColumn === b.byteColumn;
}

/** Inline code that survives backticks inside it. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text}${fence}`;
}
