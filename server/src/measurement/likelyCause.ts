/**
 * Why a measured line allocated, when the compiler reported no heap allocation there. Pure.
 *
 * The frames below the site say it when the allocation happened in another package's function (named and
 * linked) or in a runtime helper the profile kept. The Go runtime drops its own allocation frames
 * (`mallocgc`, `growslice`, `mapassign`, …) from most stacks, so otherwise the line itself says it: an
 * `append`, a map index being assigned, or an expression the compiler kept on the stack that outgrows its
 * 32-byte buffer at run time (a `make` with a run-time size, a string concatenation or conversion).
 */
import type { AllocationCause } from '../model/measurement';
import type { CalleeFrame } from './attributeSamples';
import { packagePathOf } from './profilePaths';

/** Runtime helpers, by the name the profile gives them, and what they mean at the call site. */
const RUNTIME_CAUSES: readonly [RegExp, AllocationCause['kind']][] = [
  [/^(runtime\.(mapassign|hashGrow|growWork|makeBucketArray|evacuate)|internal\/runtime\/maps\.)/, 'map-growth'],
  [/^runtime\.growslice/, 'append-growth'],
  [/^runtime\.(concatstring|slicebytetostring|stringtoslice|rawstring|rawbyteslice|intstring)/, 'string-building'],
  [/^runtime\.makeslice/, 'runtime-sized-make'],
  [/^runtime\.convT/, 'interface-conversion'],
];

const isRuntime = (functionName: string) =>
  /^(runtime|internal\/|runtime\/internal)/.test(packagePathOf(functionName)) && !functionName.startsWith('runtime/pprof');

export interface CauseInput {
  /** The frames below the site (innermost first): empty when the site itself allocated. */
  readonly callee: readonly CalleeFrame[];
  /** The site's line, as it is now. */
  readonly lineText: string;
  /** Expressions on the line the compiler said do not escape (`make([]byte, n)`, `a + b`). */
  readonly stackExpressions: readonly string[];
}

export function likelyCause(input: CauseInput): AllocationCause {
  const called = input.callee[input.callee.length - 1];
  if (called && !isRuntime(called.functionName)) {
    return { kind: 'callee', functionName: called.functionName, ...(called.file ? { file: called.file, line: called.line } : {}) };
  }
  for (const frame of input.callee) {
    for (const [pattern, kind] of RUNTIME_CAUSES) if (pattern.test(frame.functionName)) return { kind } as AllocationCause;
  }
  for (const expression of input.stackExpressions) {
    if (/^make\(/.test(expression)) return { kind: 'runtime-sized-make' };
    if (/^(string|\[\]byte|\[\]rune)\(/.test(expression) || / \+ /.test(expression)) return { kind: 'string-building' };
  }
  const code = input.lineText.replace(/\/\/.*$/, '');
  if (/\bappend\(/.test(code)) return { kind: 'append-growth' };
  if (/\w\[[^\]]+\]\s*(\+\+|--|[-+*/%|&^]?=[^=])/.test(code)) return { kind: 'map-growth' };
  if (/\bfunc\s*\(/.test(code)) return { kind: 'closure' };
  return { kind: 'new-object' };
}

/** The cause in a few words, for hovers, diagnostics and the CLI. */
export function causeText(cause: AllocationCause): string {
  switch (cause.kind) {
    case 'map-growth':
      return 'map growth: assigning a new key outgrew the map’s buckets';
    case 'append-growth':
      return 'append growth: the slice outgrew its capacity and was copied to a larger array';
    case 'runtime-sized-make':
      return 'a make with a run-time size: the compiler keeps it on the stack up to 32 bytes, beyond that it is allocated on the heap';
    case 'string-building':
      return 'string building: the result outgrew the 32-byte stack buffer the compiler gave it';
    case 'interface-conversion':
      return 'a value converted to an interface';
    case 'closure':
      return 'a closure';
    case 'new-object':
      return 'a new object';
    case 'callee':
      return `inside ${cause.functionName}, which this line calls`;
  }
}
