/**
 * The hover: on a heap allocation, what is allocated, why (the compiler's flow chain in plain words, each
 * step linked), what usually fixes it, and the compiler's own words folded at the end; on a leaking
 * parameter, what leaks and where to; on a `new`/`&T{}`/`make` that stays on the stack, that it does (and
 * the truth about variable-size `make`); on a function's name, that function's summary.
 *
 * (position, facts) => Markdown. What the syntax says (declarations, what each fact allocates) is read once
 * per analysis result (fileSyntax.ts), so a hover is string building.
 */
import { type Hover, MarkupKind } from 'vscode-languageserver';
import type { FileAnalysis } from '../model/analysis';
import type { EscapeFact } from '../model/facts';
import type { LocatedFact } from '../model/analysis';
import type { LspPosition, LspRange } from '../model/positions';
import { type Allocation, allocationSizeText } from './allocation';
import { assignedTo, code, type ExplanationContext, explainFlows, positionLink, renderExplanation } from './explanation';
import { fileAllocations, fileSyntax } from './fileSyntax';
import { NOTHING_ALLOCATED_WHY, type NothingAllocated, nothingAllocated } from './nothingAllocated';
import { adviceCase, adviceText, verifiedFixesText } from './fixAdvice';
import {
  contains,
  type FunctionSummary,
  inliningLabel,
  isStackAllocation,
  summariseFile,
  summaryAtName,
  summaryCounts,
} from './functionSummary';
import { isHoverableOptimisation, optimisationHoverParts } from './optimisationHover';
import { headlineReason, reasonText } from './reasonText';
import { type Annotations, DEFAULT_ANNOTATIONS } from '../model/annotations';
import { isBoundsCheckKind } from '../model/checks';
import { expressionMarkdown, resultWords, shownExpression } from './userTerms';

export interface HoverContext {
  readonly file: FileAnalysis;
  /** Every file of the package: their texts place explanation steps, their declarations size types. */
  readonly packageFiles: ReadonlyMap<string, FileAnalysis>;
  /** Titles of the (compiler-verified) quick-fixes offered at a fact, so the hover can name them. */
  readonly offeredFixes?: (located: LocatedFact) => Promise<readonly string[]>;
  /** Set when the facts are the last good ones of a package that no longer builds. */
  readonly staleReason?: string;
  /** Which optimisation details are shown: their facts are hovered too. Escapes only when absent. */
  readonly annotations?: Annotations;
}

export async function hoverAt(position: LspPosition, context: HoverContext): Promise<Hover | null> {
  const facts = factsAt(context.file.located, position, context.annotations);
  const syntax = await fileSyntax(context.file);
  const summaries = summariseFile(syntax.functions, context.file.located).functions;
  const named = summaryAtName(summaries, position);
  if (!named && facts.length === 0) return null;
  const allocations = facts.length > 0 ? await fileAllocations(context.file, context.packageFiles) : new Map<LocatedFact, Allocation>();
  const fixes = new Map<LocatedFact, readonly string[]>();
  for (const located of facts) {
    const fixable =
      located.fact.kind === 'escape' ||
      located.fact.kind === 'moved' ||
      (isBoundsCheckKind(located.fact.kind) && isHoverableOptimisation(located.fact, context.annotations));
    if (context.offeredFixes && fixable) fixes.set(located, await context.offeredFixes(located));
  }
  const explanationContext = explanationContextOf(context);
  const sections: string[] = [];
  if (context.staleReason) sections.push(`_Stale: these are the facts of the last successful analysis (${context.staleReason})._`);
  if (named) sections.push(functionSummaryMarkdown(named, explanationContext, context.annotations ?? DEFAULT_ANNOTATIONS));
  for (const located of facts) {
    if (isHoverableOptimisation(located.fact, context.annotations)) {
      const parts = optimisationHoverParts(located, context.file.located, syntax.functions, context.file.source, fixes.get(located));
      sections.push([...parts, compilerWords(located)].join('\n\n'));
      continue;
    }
    const allocation = allocations.get(located) ?? { kind: 'other' };
    const inlinable = allocation.inlinedFrom ? undefined : inlinableFunctionAround(located, summaries);
    sections.push(factMarkdown(located, allocation, explanationContext, fixes.get(located) ?? [], inlinable));
  }
  const range: LspRange = facts[0]?.range ?? named!.declaration.nameRange;
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') }, range };
}

/** The facts a hover at `position` is about: the innermost expression's, heap facts first. */
export function factsAt(located: readonly LocatedFact[], position: LspPosition, annotations?: Annotations): LocatedFact[] {
  const escapes = annotations?.escape ?? true;
  const hoverable = located.filter(
    (item) =>
      ((escapes &&
        (item.fact.kind === 'escape' || item.fact.kind === 'moved' || item.fact.kind === 'leak' || isStackAllocation(item.fact))) ||
        isHoverableOptimisation(item.fact, annotations)) &&
      contains(item.range, position),
  );
  if (hoverable.length === 0) return [];
  const smallest = Math.min(...hoverable.map((item) => rangeSize(item.range)));
  const order = { escape: 0, moved: 0, leak: 1, noEscape: 2 } as Record<string, number>;
  return hoverable
    .filter((item) => rangeSize(item.range) === smallest)
    .sort((a, b) => (order[a.fact.kind] ?? 3) - (order[b.fact.kind] ?? 3));
}

function rangeSize(range: LspRange): number {
  return (range.end.line - range.start.line) * 100_000 + (range.end.character - range.start.character);
}

export function explanationContextOf(context: Pick<HoverContext, 'packageFiles'>): ExplanationContext {
  const onHeap = new Set<string>();
  for (const file of context.packageFiles.values()) {
    for (const item of file.located) {
      if (item.fact.kind === 'escape' || item.fact.kind === 'moved') onHeap.add(`${item.fact.functionName}\u0000${item.fact.expression}`);
    }
  }
  return {
    sourceOf: (file) => context.packageFiles.get(file)?.source,
    isOnHeap: (expression, functionName) => onHeap.has(`${functionName}\u0000${expression}`),
  };
}

function factMarkdown(
  located: LocatedFact,
  allocation: Allocation,
  explanationContext: ExplanationContext,
  fixes: readonly string[],
  inlinable?: string,
): string {
  const parts =
    located.fact.kind === 'leak'
      ? leakParts(located, explanationContext)
      : located.fact.kind === 'noEscape'
        ? stackParts(located, allocation)
        : nothingAllocated(located)
          ? nothingAllocatedParts(located, explanationContext)
          : heapParts(located, allocation, explanationContext, fixes, inlinable);
  parts.push(compilerWords(located));
  return parts.join('\n\n');
}

function heapParts(
  located: LocatedFact,
  allocation: Allocation,
  explanationContext: ExplanationContext,
  fixes: readonly string[],
  inlinable?: string,
): string[] {
  const { fact } = located;
  const size = allocationSizeText(allocation);
  const title = heapTitle(fact, allocation, shownMarkdown(located));
  const parts = [size ? `${title} — ${size}` : title];

  const headline = headlineReason(fact);
  const storedIn = storedOutside(fact);
  let why = headline ? reasonText(headline).sentence : undefined;
  if (allocation.kind === 'boxed' && headline !== 'interface-converted') {
    why = 'it is converted to an interface value that outlives this function, and the interface points to a copy of the value';
  } else if (storedIn) {
    why = `it is stored in ${code(storedIn)}, which outlives this function (a package-level variable, or memory reached through a pointer)`;
  }
  if (why) parts.push(`**Why:** ${why}.`);

  const explanation = explainFlows(fact, explanationContext);
  if (explanation.steps.length > 0) parts.push(renderExplanation(explanation, explanationContext));
  else parts.push('_The compiler printed no flow for this fact._');

  const which = storedIn && allocation.kind !== 'boxed' ? 'storedOutside' : adviceCase(fact, headline, allocation);
  // What an inlined function returns is the caller's to keep or not. For a returned pointer the usual
  // advice, return a value, would mislead: it changes nothing at the inlined calls (testing.AllocsPerRun
  // counts the same).
  if (inlinable && (which === 'returnedPointer' || which === 'returned')) parts.push(inlinedNote(inlinable));
  let advice =
    inlinable && which === 'returnedPointer'
      ? `Look at the callers' own facts: where the copy escapes there, that is the allocation to remove. Returning a value instead would not change the inlined calls (\`testing.AllocsPerRun\` counts the same).`
      : adviceText(which, allocation);
  if (fixes.length > 0) advice += `\n\n${verifiedFixesText(fixes)}`;
  parts.push(`**What usually fixes it:** ${advice}`);
  return parts;
}

/**
 * The compiler name of the function a fact is in, when the compiler can inline it (every instantiation of a
 * generic one): its calls then carry their own copies of the allocation, placed and decided in each caller.
 */
function inlinableFunctionAround(located: LocatedFact, summaries: readonly FunctionSummary[]): string | undefined {
  const around = summaries.find((summary) => contains(summary.declaration.range, located.range.start));
  const decisions = around?.inlining ?? [];
  // Named as the source names it: a generic function's decisions carry shapes (`NewBox[go.shape.int]`).
  return decisions.length > 0 && decisions.every((decision) => decision.inlinable) ? around!.declaration.compilerName : undefined;
}

function inlinedNote(functionName: string): string {
  return `**Inlined at its calls:** the compiler can inline ${code(functionName)}: each inlined call makes its own copy of this allocation in the caller, where the compiler decides again whether it escapes. This one is made only when ${code(functionName)} runs without inlining (through a function value, say).`;
}

/**
 * A fact that costs nothing at run time (a constant, a zero-size value, fmt.Errorf's unused fallback): the
 * compiler's fact stands.
 */
function nothingAllocatedParts(located: LocatedFact, explanationContext: ExplanationContext): string[] {
  const reason = nothingAllocated(located)!;
  const parts = nothingAllocatedHeadline(reason, shownMarkdown(located));
  const explanation = explainFlows(located.fact, explanationContext);
  if (explanation.steps.length > 0) parts.push(renderExplanation(explanation, explanationContext));
  parts.push(
    reason === 'constant' ? '**Nothing to fix:** this line costs no allocation.' : '**Nothing to fix:** this fact costs no allocation.',
  );
  return parts;
}

/** The title and the why of a fact that costs nothing. */
function nothingAllocatedHeadline(reason: NothingAllocated, subject: string): string[] {
  switch (reason) {
    case 'constant':
      return [
        `**${subject} escapes to the heap as an interface value, but nothing is allocated**: it is a constant`,
        "**Why:** the compiler reports that the interface value may outlive this function. A constant's interface value points to read-only data in the binary, so no copy is made at run time (`testing.AllocsPerRun` counts 0).",
      ];
    case 'zeroSize':
      return [
        `**${subject} escapes to the heap as an interface value, but nothing is allocated**: its type has size 0`,
        '**Why:** the compiler reports that the interface value may outlive this function. A value of size 0 has nothing to copy: its interface value points to `runtime.zerobase`, one address shared by every zero-size value, so nothing is allocated at run time (`testing.AllocsPerRun` counts 0).',
      ];
    case 'errorfFallback':
      return [
        `**${subject} escapes to the heap, but this call never allocates it**`,
        `**Why:** it ${NOTHING_ALLOCATED_WHY.errorfFallback}`,
      ];
  }
}

/** The fact's expression as the source says it, as Markdown. */
function shownMarkdown(located: LocatedFact): string {
  const shown = shownExpression(located);
  return shown === located.fact.expression ? code(shown) : expressionMarkdown(shown);
}

function heapTitle(fact: EscapeFact, allocation: Allocation, subject: string): string {
  const inlined = allocation.inlinedFrom ? ` inside the inlined call to ${code(allocation.inlinedFrom)}` : '';
  switch (fact.kind === 'moved' ? 'variable' : allocation.kind) {
    case 'variable':
      return `**${subject} is moved to the heap**: the variable itself lives there`;
    case 'boxed':
      return `**A copy of ${subject} is allocated on the heap**, boxed in an interface value`;
    case 'closure':
      return `**The closure (${subject}) is allocated on the heap**${inlined}`;
    case 'append':
      return `**The backing array that \`append\` grows into is allocated on the heap**${inlined}`;
    default:
      return `**${subject} is allocated on the heap**${inlined}`;
  }
}

/**
 * The variable the chain finally stores the value in, when that store is what puts it on the heap
 * (`sink = &buf` with a package-level `sink`): a clearer cause than the conversions on the way.
 */
function storedOutside(fact: EscapeFact): string | undefined {
  const last = fact.flows[fact.flows.length - 1];
  const step = last?.steps[last.steps.length - 1];
  return last?.destination === '{heap}' && step?.reason === 'assign' ? assignedTo(step.expression) : undefined;
}

function leakParts(located: LocatedFact, explanationContext: ExplanationContext): string[] {
  const { fact } = located;
  const parameter = code(fact.leak?.parameter ?? fact.expression);
  const where = fact.functionName ? ` ${code(fact.functionName)}` : ' the function';
  let title: string;
  if (fact.leak?.toResult) {
    title = `**Parameter ${parameter}${fact.leak.what === 'content' ? "'s content" : ''} leaks to ${resultWords(fact.leak.toResult)}**: ${where.trim()} returns it (or what it points to), so a caller's value escapes only if the caller lets the result escape.`;
  } else if (fact.leak?.what === 'content') {
    title = `**The content of parameter ${parameter} leaks**: what it points to may be kept after${where} returns (the pointer itself is not), so what a caller's argument points to must live on the heap.`;
  } else {
    title = `**Parameter ${parameter} leaks**: it may be kept after${where} returns, so whatever a caller passes here (or what it points to) must live on the heap.`;
  }
  const explanation = explainFlows(fact, explanationContext);
  return explanation.steps.length > 0 ? [title, renderExplanation(explanation, explanationContext)] : [title];
}

function stackParts(located: LocatedFact, allocation: Allocation): string[] {
  const size = allocationSizeText(allocation);
  const owner = located.enclosingFunction ? code(located.enclosingFunction) : 'the function';
  const inlined = allocation.inlinedFrom ? ` inside the inlined call to ${code(allocation.inlinedFrom)}` : '';
  const title = `**${shownMarkdown(located)} stays on the stack**${inlined}${size && allocation.constantLength !== false ? ` — ${size}` : ''}`;
  if (allocation.kind === 'makeSlice' && allocation.constantLength === false) {
    return [
      title,
      `Its size is not a constant, so since Go 1.25 the compiler reserves a 32-byte buffer on the stack and uses it when the slice fits; a larger size is allocated on the heap **at run time** (\`runtime.makeslice\`). This analysis sees only the compiler's decision, not the sizes your program uses: if the size is usually over 32 bytes, this line still allocates.`,
    ];
  }
  return [title, `The compiler proved it does not outlive ${owner}.`];
}

/** The compiler's lines, folded; file paths shortened to the file name (the go command prints them relative to where it first compiled the package). */
function compilerWords(located: LocatedFact): string {
  const text = located.fact.compilerText.map(shortenPaths).join('\n');
  return `<details><summary>The compiler's words</summary>\n\n\`\`\`text\n${text}\n\`\`\`\n\n</details>`;
}

export function shortenPaths(line: string): string {
  return line.replace(/(?:[^\s:()]*\/)?([^\s/:()]+\.go):(\d+)/g, '$1:$2');
}

function functionSummaryMarkdown(summary: FunctionSummary, explanationContext: ExplanationContext, annotations: Annotations): string {
  const lines = [`**${code(summary.declaration.compilerName)}** · ${summaryCounts(summary, annotations)}`];
  const link = (item: LocatedFact) => positionLink(item.fact.position, explanationContext);
  const escapes = annotations.escape;
  if (escapes && summary.heap.length > 0) {
    lines.push('', '**Heap allocations**');
    for (const item of summary.heap) {
      const reason = headlineReason(item.fact);
      lines.push(
        `- ${shownMarkdown(item)}${item.fact.kind === 'moved' ? ' (moved)' : ''}${reason ? `: ${reasonText(reason).short}` : ''} (${link(item)})`,
      );
    }
  }
  if (escapes && summary.leaks.length > 0) {
    lines.push('', '**Leaking parameters**');
    for (const item of summary.leaks) {
      const leak = item.fact.leak;
      const what = leak?.toResult ? `leaks to ${resultWords(leak.toResult)}` : leak?.what === 'content' ? 'content leaks' : 'leaks';
      lines.push(`- ${code(leak?.parameter ?? item.fact.expression)}: ${what} (${link(item)})`);
    }
  }
  if (summary.inlining.length > 0) {
    lines.push('', '**Inlining**');
    for (const decision of summary.inlining) {
      const why = !decision.inlinable && decision.cost !== undefined && decision.reason ? ` (${decision.reason})` : '';
      lines.push(`- ${code(decision.compilerName)}: ${inliningLabel(decision)}${why}`);
    }
  }
  if (summary.closures.length > 0) {
    lines.push('', '**Closures**');
    for (const decision of summary.closures) lines.push(`- ${code(decision.compilerName)}: ${inliningLabel(decision)}`);
  }
  if (escapes && summary.stack.length > 0) {
    lines.push('', `${summary.stack.length} explicit allocation${summary.stack.length === 1 ? '' : 's'} kept on the stack.`);
  }
  return lines.join('\n');
}
