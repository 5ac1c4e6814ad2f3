/**
 * Per-function aggregation of a file's facts: what the code lens counts, what a hover on a function's name
 * lists, and what the escape tree groups by. Pure: (declarations, located facts) => summaries.
 *
 * Facts are matched to functions by position, never by name: the compiler's names (`NewCounter.func1`,
 * `(*Vector).Scale`, `NewBox[go.shape.int]`) cannot be spelled from the source, but its positions can be
 * placed. A fact the compiler reports at an inlined call belongs to the caller, where the allocation happens.
 */
import type { EscapeFact } from '../model/facts';
import { type Annotations, DEFAULT_ANNOTATIONS } from '../model/annotations';
import { isBoundsCheckKind } from '../model/checks';
import type { FunctionDeclaration } from '../syntax/declarations';
import type { LocatedFact } from '../model/analysis';
import type { LspPosition, LspRange } from '../model/positions';
import { allocatesAtRunTime } from './nothingAllocated';

export interface InliningDecision {
  readonly inlinable: boolean;
  /** The name the compiler used: `NewBox[go.shape.int]`, `NewCounter.func1`. */
  readonly compilerName: string;
  readonly cost?: number;
  readonly budget?: number;
  /** The compiler's words for why not, e.g. `function too complex: cost 94 exceeds budget 80`. */
  readonly reason?: string;
  readonly fact: EscapeFact;
}

export interface FunctionSummary {
  readonly declaration: FunctionDeclaration;
  /** `escapes to heap` and `moved to heap` facts that allocate at run time (nothingAllocated.ts), in source order. */
  readonly heap: readonly LocatedFact[];
  readonly leaks: readonly LocatedFact[];
  /** `&T{…}`, `new(T)` and `make(…)` that the compiler keeps on the stack. */
  readonly stack: readonly LocatedFact[];
  /** The bounds checks the compiler keeps (present only when bounds annotations were read). */
  readonly boundsChecks: readonly LocatedFact[];
  /** The explicit nil checks the compiler keeps (present only when nil annotations were read). */
  readonly nilChecks: readonly LocatedFact[];
  /** The function's own inlining decisions; a generic function has one per instantiation the compiler made. */
  readonly inlining: readonly InliningDecision[];
  /** Inlining decisions of the closures inside it (`NewCounter.func1`). */
  readonly closures: readonly InliningDecision[];
}

export interface FileSummary {
  readonly functions: readonly FunctionSummary[];
  /** Heap facts outside every function: package-level variable initialisers. */
  readonly packageLevelHeap: readonly LocatedFact[];
}

/** An allocation written in the source, as opposed to a parameter or a variadic `...` slice. */
const EXPLICIT_ALLOCATION = /^(?:&|new\(|make\()/;

export function isStackAllocation(fact: EscapeFact): boolean {
  return fact.kind === 'noEscape' && EXPLICIT_ALLOCATION.test(fact.expression);
}

export function summariseFile(declarations: readonly FunctionDeclaration[], located: readonly LocatedFact[]): FileSummary {
  const sorted = [...located].sort((a, b) => compareRanges(a.range, b.range));
  const claimed = new Set<LocatedFact>();
  const functions = declarations.map((declaration) => {
    const inside = sorted.filter((item) => contains(declaration.range, item.range.start));
    for (const item of inside) claimed.add(item);
    const inliningFacts = inside.filter((item) => item.fact.kind === 'canInline' || item.fact.kind === 'cannotInline');
    // The compiler puts a function's own decision in its signature (the name, or a method's receiver `(`);
    // decisions inside the body are its closures'.
    const own = inliningFacts.filter((item) => !declaration.bodyStart || before(item.range.start, declaration.bodyStart));
    return {
      declaration,
      heap: inside.filter(allocatesAtRunTime),
      leaks: inside.filter((item) => item.fact.kind === 'leak'),
      stack: inside.filter((item) => isStackAllocation(item.fact)),
      boundsChecks: inside.filter((item) => isBoundsCheckKind(item.fact.kind)),
      nilChecks: inside.filter((item) => item.fact.kind === 'nilCheck'),
      inlining: own.map((item) => inliningDecision(item.fact)),
      closures: inliningFacts.filter((item) => !own.includes(item)).map((item) => inliningDecision(item.fact)),
    };
  });
  const packageLevelHeap = sorted.filter((item) => !claimed.has(item) && allocatesAtRunTime(item));
  return { functions, packageLevelHeap };
}

export function inliningDecision(fact: EscapeFact): InliningDecision {
  return {
    inlinable: fact.kind === 'canInline',
    compilerName: fact.inline?.functionName ?? fact.expression,
    ...(fact.inline?.cost !== undefined ? { cost: fact.inline.cost } : {}),
    ...(fact.inline?.budget !== undefined ? { budget: fact.inline.budget } : {}),
    ...(fact.inline?.reason !== undefined ? { reason: fact.inline.reason } : {}),
    fact,
  };
}

/** `inlinable, cost 27` / `not inlinable: cost 149 > 80` / `not inlinable: marked go:noinline`. */
export function inliningLabel(decision: InliningDecision): string {
  if (decision.inlinable) return decision.cost === undefined ? 'inlinable' : `inlinable, cost ${decision.cost}`;
  if (decision.cost !== undefined && decision.budget !== undefined) {
    return `not inlinable: cost ${decision.cost} > ${decision.budget}`;
  }
  return `not inlinable${decision.reason ? `: ${decision.reason}` : ''}`;
}

/**
 * "3 heap allocations · 1 leaking param · 4 bounds checks · inlinable (cost 27)": the lens title and the
 * hover's first line. Only the kinds whose annotations are on are counted: with escapes off, a function's
 * heap allocations are not shown anywhere, so they are not counted either.
 */
export function summaryCounts(summary: FunctionSummary, annotations: Annotations = DEFAULT_ANNOTATIONS): string {
  // A zero is said only when nothing else is counted: a function with 4 bounds checks reads "4 bounds
  // checks", not "0 heap allocations · 4 bounds checks"; one with nothing, "0 heap allocations".
  const escapes = annotations.escape ? summary.heap.length + summary.leaks.length : 0;
  const checks: [number, string][] = [
    ...(annotations.bounds ? ([[summary.boundsChecks.length, 'bounds check']] as [number, string][]) : []),
    ...(annotations.nil ? ([[summary.nilChecks.length, 'nil check']] as [number, string][]) : []),
  ];
  const checksToSay = checks.filter(([count]) => count > 0);
  const parts: string[] = [];
  if (annotations.escape && (escapes > 0 || checksToSay.length === 0)) {
    parts.push(plural(summary.heap.length, 'heap allocation'));
    if (summary.leaks.length > 0) parts.push(plural(summary.leaks.length, 'leaking param'));
  }
  const saidChecks = checksToSay.length > 0 || annotations.escape ? checksToSay : checks.slice(0, 1);
  parts.push(...saidChecks.map(([count, noun]) => plural(count, noun)));
  const decision = summary.inlining[0];
  if (decision) {
    parts.push(decision.inlinable ? `inlinable${decision.cost === undefined ? '' : ` (cost ${decision.cost})`}` : inliningLabel(decision));
  }
  return parts.join(' · ');
}

/** The sites a function's counts are about, of the kinds whose annotations are on. */
export function countedSites(summary: FunctionSummary, annotations: Annotations = DEFAULT_ANNOTATIONS): LocatedFact[] {
  return [
    ...(annotations.escape ? [...summary.heap, ...summary.leaks] : []),
    ...(annotations.bounds ? summary.boundsChecks : []),
    ...(annotations.nil ? summary.nilChecks : []),
  ];
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The summary of the function whose name is at `position`, for a hover on the name. */
export function summaryAtName(summaries: readonly FunctionSummary[], position: LspPosition): FunctionSummary | undefined {
  return summaries.find((summary) => contains(summary.declaration.nameRange, position));
}

export function contains(range: LspRange, position: LspPosition): boolean {
  const afterStart =
    position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

function before(a: LspPosition, b: LspPosition): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

export function compareRanges(a: LspRange, b: LspRange): number {
  return a.start.line - b.start.line || a.start.character - b.start.character;
}
